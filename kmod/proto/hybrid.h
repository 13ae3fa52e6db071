/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_HYBRID_H
#define _PMHS_HYBRID_H

#include "rsa.h"

struct netlink_ext_ack;

#define PMHS_HYBRID_NONCE_LEN	16
#define PMHS_HYBRID_TAG_LEN	16
#define PMHS_HYBRID_KEY_LEN	32

/* Bytes of a message to @pub before the ciphertext. */
size_t pmhs_hybrid_header_len(const struct pmhs_rsa_pub *pub);
/*
 * @len bytes at @in to pmhs_hybrid_header_len(pub) + @len bytes at @out
 * (zeroed on failure).
 */
int pmhs_hybrid_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			const u8 *in, size_t len, u8 *out);
/*
 * The plaintext goes to @emit in pieces, and only once the whole message
 * has been authenticated; @buf is only read (it holds nothing secret).
 */
int pmhs_hybrid_decrypt(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			const u8 *buf, size_t len,
			int (*emit)(void *ctx, const u8 *p, size_t n),
			void *ctx, size_t *outlen, const char **why);

/*
 * The same between sealed memfds (memfd.h): in-fd, at most
 * PMHS_HYBRID_MAX bytes of plaintext, to out-fd, which the caller sized
 * to hold the output. *@outlen is the number of bytes written.
 */
int pmhs_hybrid_encrypt_fd(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			   int in_fd, int out_fd, size_t *outlen,
			   struct netlink_ext_ack *extack);
int pmhs_hybrid_decrypt_fd(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			   int in_fd, int out_fd, size_t *outlen,
			   struct netlink_ext_ack *extack);

#endif /* _PMHS_HYBRID_H */
