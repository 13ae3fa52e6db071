/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_HYBRID_H
#define _PMHS_HYBRID_H

#include "rsa.h"

#define PMHS_HYBRID_NONCE_LEN	16
#define PMHS_HYBRID_TAG_LEN	16
#define PMHS_HYBRID_KEY_LEN	32

/* Output buffers are kvmalloc'd; the caller kvfree()s (decrypt: kvfree_sensitive). */
int pmhs_hybrid_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			const u8 *in, size_t len, u8 **out, size_t *outlen);
/* In place: the plaintext is buf[*off .. *off + *outlen). */
int pmhs_hybrid_decrypt(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			u8 *buf, size_t len, size_t *off, size_t *outlen,
			const char **why);

#endif /* _PMHS_HYBRID_H */
