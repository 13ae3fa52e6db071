/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_NOISE_OSSL_H
#define PMHS_NOISE_OSSL_H

/*
 * Noise (rev 34) in userspace with OpenSSL, for pmhs-bench's reference
 * side: Noise_XXpsk2 and Noise_KKpsk0 over 25519, ChaChaPoly or AESGCM,
 * SHA256. X25519 is EVP_PKEY_derive, the AEADs are EVP ciphers, HKDF is
 * HMAC-SHA256. Checked against selftests/vectors/noise-v1.json by
 * test-noise-ossl (make -C bench check), so the benchmark compares the
 * module with a correct implementation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evp_pkey_st;

struct nz_cipher {
	uint8_t k[32];
	bool has_k;
	bool aes;
	uint64_t n;
};

struct nz_hs {
	struct nz_cipher cs;
	uint8_t ck[32], h[32];
	bool initiator;
	const char *const *msgs;	/* the pattern's messages, tokens separated by spaces */
	int nmsgs, next;
	bool psk_mode;
	struct evp_pkey_st *s, *e;	/* ours */
	uint8_t s_pub[32], e_pub[32];
	uint8_t e_fixed[32];		/* known answers only */
	bool has_e_fixed;
	uint8_t rs[32], re[32];
	bool has_rs, has_re;
	uint8_t psk[32];
};

/*
 * @s: our static private key; @rs: the peer's static (KK); @psk 32 bytes.
 * 0, or -1 for an unknown protocol name or a bad key.
 */
int nz_init(struct nz_hs *hs, const char *protocol, bool initiator, const uint8_t *prologue,
	    size_t prologue_len, const uint8_t s[32], const uint8_t *e_fixed,
	    const uint8_t *rs, const uint8_t psk[32]);
/* The same with our static key as an EVP_PKEY (X25519) made once: a reference is taken. */
int nz_init_pkey(struct nz_hs *hs, const char *protocol, bool initiator,
		 const uint8_t *prologue, size_t prologue_len, struct evp_pkey_st *s,
		 const uint8_t *rs, const uint8_t psk[32]);
/* @out holds payload_len + 96 + 32 bytes at most. 0 or -1. */
int nz_write(struct nz_hs *hs, const uint8_t *payload, size_t payload_len, uint8_t *out,
	     size_t *out_len);
/* @payload holds len bytes. 0 or -1 (the handshake is then failed). */
int nz_read(struct nz_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
	    size_t *payload_len);
static inline bool nz_done(const struct nz_hs *hs)
{
	return hs->next == hs->nmsgs;
}
/* After the last message: the two CipherStates (c1 initiator->responder). */
void nz_split(struct nz_hs *hs, struct nz_cipher *c1, struct nz_cipher *c2);
/* pmhs's export secret: HKDF(ck, "", 3)[2]. */
void nz_export(const struct nz_hs *hs, uint8_t out[32]);
void nz_free(struct nz_hs *hs);

/* Transport: out holds len + 16 (encrypt). 0 or -1. */
int nz_encrypt(struct nz_cipher *c, const uint8_t *ad, size_t ad_len, const uint8_t *in,
	       size_t len, uint8_t *out);
int nz_decrypt(struct nz_cipher *c, const uint8_t *ad, size_t ad_len, const uint8_t *in,
	       size_t len, uint8_t *out);

#endif
