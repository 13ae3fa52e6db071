/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small userspace Noise (rev 34) over OpenSSL, independent of
 * kmod/proto/noise.c, for the VM tests: the other side of a handshake
 * with the module, so that a test can check what it cannot see from the
 * module alone (the published export secret) and forge messages a real
 * peer never sends (a low-order key inside an otherwise valid message).
 * Only the patterns pmhs uses: XXpsk2 and KKpsk0, 25519, ChaChaPoly or
 * AESGCM, SHA256.
 */
#ifndef PMHS_NOISE_REF_H
#define PMHS_NOISE_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nref {
	bool initiator, aesgcm, kk;
	uint8_t ck[32], h[32], k[32];
	bool has_k;
	uint64_t n;
	/*
	 * A key without its private half is forged (e.g. a low-order point):
	 * every DH with it is taken to be 32 zero bytes, which is what a
	 * peer that skips the all-zero check would compute.
	 */
	uint8_t s_priv[32], s_pub[32], e_priv[32], e_pub[32];
	bool s_forged, e_forged, e_fixed;
	uint8_t rs[32], re[32];
	uint8_t psk[32];
	unsigned int msg;		/* next message */
	bool failed;
};

/* X25519 public key of @priv (OpenSSL). 0 or -1. */
int nref_pub(const uint8_t priv[32], uint8_t pub[32]);
/* X25519(priv, pub); -1 if OpenSSL refuses it (all-zero result). */
int nref_dh(const uint8_t priv[32], const uint8_t pub[32], uint8_t out[32]);

/*
 * @protocol: Noise_XXpsk2_25519_{ChaChaPoly,AESGCM}_SHA256 or the KKpsk0
 * ones. @s_priv NULL with @s_pub set: a forged static. @rs: KK only.
 * 0 or -1 (unknown protocol).
 */
int nref_init(struct nref *r, const char *protocol, bool initiator,
	      const void *prologue, size_t plen, const uint8_t *s_priv,
	      const uint8_t *s_pub, const uint8_t *rs, const uint8_t psk[32]);
/* A fixed ephemeral (known answers). 0 or -1. */
int nref_fix_e(struct nref *r, const uint8_t priv[32]);
/* Use @pub as our ephemeral without a private key (forged), before writing it. */
void nref_forge_e(struct nref *r, const uint8_t pub[32]);
/* Next message: length written or -1. @out needs @plen + 96 + 32. */
long nref_write(struct nref *r, const void *payload, size_t plen, uint8_t *out);
/* Peer's message: payload length or -1. */
long nref_read(struct nref *r, const uint8_t *msg, size_t len, uint8_t *payload);
bool nref_done(const struct nref *r);
/* Once done: k1 (initiator to responder), k2, and the export secret
 * HKDF(ck, "", 3)[2] that pmhs publishes. */
void nref_split(const struct nref *r, uint8_t k1[32], uint8_t k2[32], uint8_t exp[32]);
/* ENCRYPT/DECRYPT(k, n, ad, .) of the suite; decrypt: -1 on a bad tag. */
long nref_seal(bool aesgcm, const uint8_t k[32], uint64_t n, const void *ad, size_t adlen,
	       const void *in, size_t len, uint8_t *out);
long nref_open(bool aesgcm, const uint8_t k[32], uint64_t n, const void *ad, size_t adlen,
	       const void *in, size_t len, uint8_t *out);
void nref_wipe(struct nref *r);

#endif
