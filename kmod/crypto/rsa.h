/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RSA for pmhs: key import/export, OAEP and PSS as poorman_handshake
 * (pycryptodome) does them. rsa_key.c (keys, public operation),
 * rsa_priv.c (private operation) and rsa_pad.c (OAEP, PSS) are the only
 * code that touches the RSA primitive; rsa_kat.c tests them at load.
 *
 * All functions may sleep (GFP_KERNEL allocations, mutexes, crypto API):
 * call them from process context only.
 */
#ifndef _PMHS_RSA_H
#define _PMHS_RSA_H

#include <linux/types.h>

struct pmhs_rsa_pub;	/* refcounted public key: n, e, SPKI, fingerprint */
struct pmhs_rsa_priv;	/* private key: CRT parameters, blinding, its pub */

enum pmhs_hash { PMHS_HASH_SHA1, PMHS_HASH_SHA256 };

#define PMHS_RSA_MIN_BITS 1024
#define PMHS_RSA_MAX_BITS 4096
#define PMHS_RSA_MAX_BYTES (PMHS_RSA_MAX_BITS / 8)
#define PMHS_RSA_FPR_LEN 32
/* Largest DER blob the parsers look at (a 4096-bit PKCS#1 key is ~2.4 KiB). */
#define PMHS_RSA_MAX_DER 8192

/*
 * Parsers return 0, or -EINVAL/-EMSGSIZE/-ENOMEM and set *why to a short
 * static string meant for a netlink extack message.
 */
int pmhs_rsa_pub_from_spki(const u8 *der, size_t len,
			   struct pmhs_rsa_pub **out, const char **why);
/* PKCS#1 RSAPrivateKey (two primes, all CRT parameters present). */
int pmhs_rsa_priv_from_pkcs1(const u8 *der, size_t len,
			     struct pmhs_rsa_priv **out, const char **why);

struct pmhs_rsa_pub *pmhs_rsa_pub_get(struct pmhs_rsa_pub *pub);
void pmhs_rsa_pub_put(struct pmhs_rsa_pub *pub);
/* Zeroizes everything and drops the reference on the linked pub. */
void pmhs_rsa_priv_free(struct pmhs_rsa_priv *priv);
/* Borrowed; take pmhs_rsa_pub_get() to keep it beyond the priv. */
struct pmhs_rsa_pub *pmhs_rsa_priv_pub(struct pmhs_rsa_priv *priv);

unsigned int pmhs_rsa_bits(const struct pmhs_rsa_pub *pub);
size_t pmhs_rsa_size(const struct pmhs_rsa_pub *pub);	/* modulus bytes */
/* Canonical SPKI DER (NULL parameters); kmalloc'd, caller kfree()s. */
int pmhs_rsa_pub_to_spki(const struct pmhs_rsa_pub *pub, u8 **der,
			 size_t *len);
/* SHA-256 of the canonical SPKI DER. */
int pmhs_rsa_fingerprint(const struct pmhs_rsa_pub *pub,
			 u8 out[PMHS_RSA_FPR_LEN]);
bool pmhs_rsa_pub_equal(const struct pmhs_rsa_pub *a,
			const struct pmhs_rsa_pub *b);

/* Longest message OAEP with hash @h can carry under @pub. */
size_t pmhs_rsa_oaep_max_msg(const struct pmhs_rsa_pub *pub, enum pmhs_hash h);
/*
 * OAEP (RFC 8017 7.1), empty label, MGF1 with the same hash.
 * @out holds pmhs_rsa_size(pub) bytes. -EMSGSIZE if @len is too long.
 */
int pmhs_rsa_oaep_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			  const u8 *msg, size_t len, u8 *out);
/*
 * Constant-time decode. -EBADMSG for every padding failure, for
 * ctlen != size, for c >= n and for a message longer than @outmax
 * (pass outmax >= pmhs_rsa_oaep_max_msg() to rule that out).
 */
int pmhs_rsa_oaep_decrypt(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			  const u8 *ct, size_t ctlen,
			  u8 *out, size_t outmax, size_t *outlen);
/*
 * PSS (RFC 8017 8.1): SHA-256, MGF1-SHA-256, 32-byte salt, trailer 0xbc.
 * @msg may be vmalloc'd; @sig holds pmhs_rsa_size(pub) bytes.
 */
int pmhs_rsa_pss_sign(struct pmhs_rsa_priv *priv, const u8 *msg, size_t len,
		      u8 *sig);
/* 0 or -EKEYREJECTED (-ENOMEM and the like are passed through). */
int pmhs_rsa_pss_verify(const struct pmhs_rsa_pub *pub, const u8 *msg,
			size_t len, const u8 *sig, size_t siglen);

/* Known-answer tests: 0 or -errno. Needs pmhs_rsa_init(). */
int pmhs_rsa_selftest(void);
int pmhs_rsa_init(void);
void pmhs_rsa_uninit(void);

#endif /* _PMHS_RSA_H */
