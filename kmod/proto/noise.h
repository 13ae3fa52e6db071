/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise Protocol Framework (revision 34) for DH 25519, ciphers
 * ChaChaPoly and AESGCM, hash SHA256: CipherState, SymmetricState and a
 * HandshakeState driven by a pattern table (kmod/noise.c).
 *
 * Everything here may sleep. A state is used by one caller at a time.
 */
#ifndef _PMHS_NOISE_H
#define _PMHS_NOISE_H

#include <linux/types.h>

#define NOISE_KEY_LEN		32
#define NOISE_HASH_LEN		32
#define NOISE_DH_LEN		32
#define NOISE_TAG_LEN		16
#define NOISE_MAX_MSG		65535
#define NOISE_MAX_NONCE		U64_MAX
#define NOISE_MAX_NAME		64
#define NOISE_MAX_MSGS		4
#define NOISE_MAX_TOKENS	8
#define NOISE_MAX_PSKS		2

enum noise_cipher_id {
	NOISE_CHACHAPOLY,
	NOISE_AESGCM,
};

struct crypto_aead;

struct noise_cipher {
	u8 k[NOISE_KEY_LEN];
	u64 n;
	bool has_key;
	u8 cipher;		/* enum noise_cipher_id */
	struct crypto_aead *aead;	/* AESGCM only, once a key is set */
};

struct noise_symmetric {
	struct noise_cipher cs;
	u8 ck[NOISE_HASH_LEN];
	u8 h[NOISE_HASH_LEN];
};

struct noise_handshake {
	struct noise_symmetric ss;
	/* the pattern with its psk modifiers applied */
	u8 tokens[NOISE_MAX_MSGS][NOISE_MAX_TOKENS];
	u8 nmsgs;
	u8 msg;			/* index of the next message */
	bool initiator;
	bool psk_mode;
	bool failed;
	bool fixed_e;		/* KAT only, see noise_kat.h */
	u8 npsks, psk_used;
	bool has_s, has_e, has_rs, has_re;
	u8 s_priv[NOISE_DH_LEN], s_pub[NOISE_DH_LEN];
	u8 e_priv[NOISE_DH_LEN], e_pub[NOISE_DH_LEN];
	u8 rs[NOISE_DH_LEN], re[NOISE_DH_LEN];
	u8 psk[NOISE_MAX_PSKS][NOISE_KEY_LEN];
};

/* CipherState. Encryption output and decryption input carry a 16-byte tag
 * once a key is set; without a key they are the plaintext.
 */
void noise_cipher_init(struct noise_cipher *cs, enum noise_cipher_id cipher);
int noise_cipher_set_key(struct noise_cipher *cs, const u8 k[NOISE_KEY_LEN]);
int noise_encrypt_ad(struct noise_cipher *cs, const u8 *ad, size_t adlen,
		     const u8 *pt, size_t len, u8 *out);
int noise_decrypt_ad(struct noise_cipher *cs, const u8 *ad, size_t adlen,
		     const u8 *ct, size_t len, u8 *out);
int noise_cipher_rekey(struct noise_cipher *cs);
void noise_cipher_destroy(struct noise_cipher *cs);

/*
 * HandshakeState. @name is a full protocol name such as
 * "Noise_XXpsk2_25519_ChaChaPoly_SHA256". @s_priv, @rs and @psks may be
 * NULL when the pattern does not need them; @psks holds @npsks keys of 32
 * bytes, one per psk modifier. On error the state is already destroyed.
 */
int noise_handshake_init(struct noise_handshake *hs, const char *name,
			 bool initiator, const u8 *prologue, size_t plen,
			 const u8 *s_priv, const u8 *rs,
			 const u8 *psks, unsigned int npsks);
/* Write or read the next message; after an error the handshake is failed
 * and every later call fails.
 */
int noise_write_message(struct noise_handshake *hs, const u8 *payload,
			size_t plen, u8 *out, size_t outmax, size_t *outlen);
int noise_read_message(struct noise_handshake *hs, const u8 *msg, size_t len,
		       u8 *payload, size_t pmax, size_t *plen);
bool noise_handshake_done(const struct noise_handshake *hs);
/* Whose turn: true if this side writes the next message. */
bool noise_handshake_writes(const struct noise_handshake *hs);
/* Only once done: the transport CipherStates, initiator->responder first. */
int noise_split(struct noise_handshake *hs, struct noise_cipher *c1,
		struct noise_cipher *c2);
/* Only once done: HKDF(ck, "", 3)'s third output (docs/protocol.md). */
int noise_export(const struct noise_handshake *hs, u8 out[NOISE_KEY_LEN]);
/* Whether this side's static key takes part (init() checks pre-messages). */
bool noise_needs_local_static(const struct noise_handshake *hs);
void noise_handshake_hash(const struct noise_handshake *hs,
			  u8 h[NOISE_HASH_LEN]);
/* The peer's static public key, -ENOKEY if none was learnt or given. */
int noise_remote_static(const struct noise_handshake *hs,
			u8 rs[NOISE_DH_LEN]);
void noise_handshake_destroy(struct noise_handshake *hs);

/*
 * The noise-kat op (noise_kat_run.c): one side of an exchange with keys
 * and ephemeral all the caller's, for conformance tests. No session, no
 * published secret: nothing comes out that the caller could not compute.
 */
struct pmhs_noise_kat_io {
	const u8 *in;		/* write: the payload; read: the message */
	size_t len;
	bool write;
	u8 *out;		/* kmalloc'd by the run, freed by the caller */
	size_t outlen;
};

struct pmhs_noise_kat_req {
	const char *name;
	bool initiator;
	const u8 *prologue;
	size_t plen;
	const u8 *s_priv, *e_priv, *rs;	/* each NULL or 32 bytes */
	const u8 *psks;
	unsigned int npsks;
	struct pmhs_noise_kat_io *steps;
	unsigned int nsteps;
	/* out */
	bool has_hash;
	u8 hash[NOISE_HASH_LEN];
	int fail_step;		/* -1: all ran */
	int fail_err;		/* -errno */
};

/* 0 with the outcome in @r, or -errno for a request it cannot run. */
int pmhs_noise_kat_run(struct pmhs_noise_kat_req *r);

/* Known-answer tests (noise_kat.c): 0 or -errno. */
int pmhs_noise_selftest(void);

#endif /* _PMHS_NOISE_H */
