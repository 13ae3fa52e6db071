/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OPAQUE-3DH (RFC 9807) for the suite ristretto255-SHA512: OPRF
 * ristretto255-SHA512 (RFC 9497, mode OPRF), 3DH over ristretto255,
 * HKDF-SHA512, HMAC-SHA512, Nh = 64. The wire format is the RFC's (and
 * opaque-ke 4's).
 *
 * Pure functions over caller buffers: nothing here allocates, draws
 * randomness or knows about sessions. Every random input (blinds, nonces,
 * keyshare seeds, the envelope and masking nonces, key pair seeds, the
 * fake record's masking key) is a parameter: callers draw them with
 * get_random_bytes() (a blind: 64 random bytes reduced mod l, refused if
 * zero), the known-answer path passes the RFC's. The key stretching
 * function (Argon2id) runs in userspace between the client's two steps:
 * the first returns the OPRF output, the second takes it back with its
 * stretched value.
 *
 * Errors: -EBADMSG for anything the peer (or a stored record) got wrong:
 * an encoding that does not decode, the identity element, a MAC that does
 * not match; -EINVAL for caller errors (a blind that is not a canonical
 * non-zero scalar, a password, context or identity over 65535 bytes); or
 * an error of the hash. On any error the outputs are zeroed, the
 * temporaries wiped, and a client or server state passed in is wiped: the
 * side's exchange is over. All functions may sleep (the hashes go through
 * the crypto API).
 *
 * State each side keeps between steps (all secret; the last step of each
 * side wipes it, and so does any failed step):
 *   client registration: struct opaque_client_reg (the blind), from
 *     opaque_client_reg_start() through opaque_client_reg_oprf() to
 *     opaque_client_reg_finish(); plus the password, which
 *     opaque_client_reg_oprf() takes again (no copy is kept here).
 *   client login: struct opaque_client_login (blind, ephemeral secret,
 *     KE1), from opaque_client_ke1() through opaque_client_ke2_oprf() to
 *     opaque_client_ke3(); plus the password, as above.
 *   between the client's two steps: the OPRF output (64 bytes, secret),
 *     which userspace stretches; the last step takes both back together
 *     with the server's message (response or KE2) again.
 *   server registration: nothing (opaque_record_check() on the upload).
 *   server login: struct opaque_server_login (expected KE3 and session
 *     key), from opaque_server_ke2() to opaque_server_finish().
 *   server: struct opaque_server_setup, long-term (wipe on delete).
 */
#ifndef _PMHS_OPAQUE_H
#define _PMHS_OPAQUE_H

#include <linux/types.h>

#define OPAQUE_NN		32	/* nonces */
#define OPAQUE_NSEED		32	/* key pair seeds */
#define OPAQUE_NH		64	/* hash, MAC, KDF outputs */
#define OPAQUE_NPK		32	/* public keys, group elements */
#define OPAQUE_NSK		32	/* private keys, scalars */
#define OPAQUE_NOK		32	/* OPRF private key */
#define OPAQUE_ENVELOPE_LEN	(OPAQUE_NN + OPAQUE_NH)			/* 96 */
#define OPAQUE_REG_REQUEST_LEN	OPAQUE_NPK				/* 32 */
#define OPAQUE_REG_RESPONSE_LEN	(2 * OPAQUE_NPK)			/* 64 */
#define OPAQUE_RECORD_LEN	(OPAQUE_NPK + OPAQUE_NH + OPAQUE_ENVELOPE_LEN) /* 192 */
#define OPAQUE_CRED_RESPONSE_LEN (2 * OPAQUE_NPK + OPAQUE_NN + OPAQUE_ENVELOPE_LEN) /* 192 */
#define OPAQUE_KE1_LEN		(OPAQUE_NPK + OPAQUE_NN + OPAQUE_NPK)	/* 96 */
#define OPAQUE_KE2_LEN		(OPAQUE_CRED_RESPONSE_LEN + OPAQUE_NN + \
				 OPAQUE_NPK + OPAQUE_NH)		/* 320 */
#define OPAQUE_KE3_LEN		OPAQUE_NH				/* 64 */
/* Context and identities are at most this long (2-byte lengths). */
#define OPAQUE_ID_MAX		65535

/*
 * Context string and identities, the same on both sides. A NULL @params
 * or zero lengths mean the defaults: empty context, identities = the
 * public keys (RFC 9807 section 4).
 */
struct opaque_params {
	const u8 *context;
	size_t context_len;
	const u8 *client_id;
	size_t client_id_len;
	const u8 *server_id;
	size_t server_id_len;
};

/*
 * The server's long-term secrets: the OPRF seed, its AKE key pair, and the
 * key pair whose public key goes into the fake records of unknown users
 * (RFC 9807 section 10.9; opaque-ke keeps one too), so that such a login
 * costs no more than a real one.
 */
struct opaque_server_setup {
	u8 oprf_seed[OPAQUE_NH];
	u8 sk[OPAQUE_NSK];
	u8 pk[OPAQUE_NPK];
	u8 fake_sk[OPAQUE_NSK];
	u8 fake_pk[OPAQUE_NPK];
};

struct opaque_client_reg {
	u8 blind[OPAQUE_NSK];
};

struct opaque_client_login {
	u8 blind[OPAQUE_NSK];
	u8 secret[OPAQUE_NSK];		/* ephemeral keyshare */
	u8 ke1[OPAQUE_KE1_LEN];
};

struct opaque_server_login {
	u8 expected_mac[OPAQUE_NH];	/* the client's KE3 */
	u8 session_key[OPAQUE_NH];
};

/*
 * The intermediates the RFC's vectors give, for the known-answer path
 * (NULL in production). Each step fills those it computes. Secret.
 */
struct opaque_trace {
	u8 oprf_key[OPAQUE_NOK];		/* server */
	u8 randomized_password[OPAQUE_NH];	/* client */
	u8 masking_key[OPAQUE_NH];		/* client */
	u8 auth_key[OPAQUE_NH];			/* client */
	u8 envelope[OPAQUE_ENVELOPE_LEN];	/* client */
	u8 client_public_key[OPAQUE_NPK];	/* client */
	u8 handshake_secret[OPAQUE_NH];		/* both */
	u8 server_mac_key[OPAQUE_NH];		/* both */
	u8 client_mac_key[OPAQUE_NH];		/* both */
};

/*
 * DeriveDiffieHellmanKeyPair(seed) (RFC 9807 section 6.4.2): also makes
 * the server's AKE key pair and fake-record keys from random seeds.
 */
int opaque_derive_keypair(u8 sk[OPAQUE_NSK], u8 pk[OPAQUE_NPK],
			  const u8 seed[OPAQUE_NSEED]);
/* Server setup from random bytes: the OPRF seed and two key pair seeds. */
int opaque_server_setup_new(struct opaque_server_setup *s,
			    const u8 oprf_seed[OPAQUE_NH],
			    const u8 key_seed[OPAQUE_NSEED],
			    const u8 fake_seed[OPAQUE_NSEED]);
/*
 * An imported setup: both private keys canonical and non-zero, each public
 * key its private key times B; or -EINVAL.
 */
int opaque_server_setup_check(const struct opaque_server_setup *s);

/* ---- registration ---- */

/* Client: blind the password (@blind: a random non-zero scalar < l). */
int opaque_client_reg_start(struct opaque_client_reg *st,
			    u8 request[OPAQUE_REG_REQUEST_LEN],
			    const u8 *pw, size_t pwlen,
			    const u8 blind[OPAQUE_NSK]);
/* Server: evaluate the request under the user's OPRF key. */
int opaque_server_reg_respond(u8 response[OPAQUE_REG_RESPONSE_LEN],
			      const struct opaque_server_setup *s,
			      const u8 request[OPAQUE_REG_REQUEST_LEN],
			      const u8 *cred_id, size_t cred_id_len,
			      struct opaque_trace *tr);
/*
 * Client: the OPRF output of the response, for the KSF in userspace.
 * Wipes @st on failure.
 */
int opaque_client_reg_oprf(struct opaque_client_reg *st,
			   const u8 *pw, size_t pwlen,
			   const u8 response[OPAQUE_REG_RESPONSE_LEN],
			   u8 oprf_output[OPAQUE_NH]);
/*
 * Client: seal the envelope (@stretched = KSF(oprf_output)); the record
 * goes to the server, the export key to the application. Wipes @st.
 */
int opaque_client_reg_finish(struct opaque_client_reg *st,
			     u8 record[OPAQUE_RECORD_LEN],
			     u8 export_key[OPAQUE_NH],
			     const u8 response[OPAQUE_REG_RESPONSE_LEN],
			     const u8 oprf_output[OPAQUE_NH],
			     const u8 stretched[OPAQUE_NH],
			     const u8 envelope_nonce[OPAQUE_NN],
			     const struct opaque_params *params,
			     struct opaque_trace *tr);
/* Server: an uploaded record whose public key decodes and is not the identity. */
int opaque_record_check(const u8 record[OPAQUE_RECORD_LEN]);

/* ---- login ---- */

int opaque_client_ke1(struct opaque_client_login *st, u8 ke1[OPAQUE_KE1_LEN],
		      const u8 *pw, size_t pwlen, const u8 blind[OPAQUE_NSK],
		      const u8 client_nonce[OPAQUE_NN],
		      const u8 keyshare_seed[OPAQUE_NSEED]);
/*
 * Server: KE2 for @record, or for a fake record (opaque_fake_record())
 * when @cred_id has none: the two take the same path and time.
 */
int opaque_server_ke2(struct opaque_server_login *st, u8 ke2[OPAQUE_KE2_LEN],
		      const struct opaque_server_setup *s,
		      const u8 record[OPAQUE_RECORD_LEN],
		      const u8 *cred_id, size_t cred_id_len,
		      const u8 ke1[OPAQUE_KE1_LEN],
		      const u8 masking_nonce[OPAQUE_NN],
		      const u8 server_nonce[OPAQUE_NN],
		      const u8 keyshare_seed[OPAQUE_NSEED],
		      const struct opaque_params *params,
		      struct opaque_trace *tr);
/*
 * RFC 9807 section 10.9: the record for an unknown credential identifier,
 * from the setup's fake public key and a random masking key (the caller
 * draws it per login); the envelope is zero.
 */
void opaque_fake_record(u8 record[OPAQUE_RECORD_LEN],
			const struct opaque_server_setup *s,
			const u8 masking_key[OPAQUE_NH]);
/* Client: the OPRF output of KE2, for the KSF in userspace. Wipes @st on failure. */
int opaque_client_ke2_oprf(struct opaque_client_login *st,
			   const u8 *pw, size_t pwlen,
			   const u8 ke2[OPAQUE_KE2_LEN],
			   u8 oprf_output[OPAQUE_NH]);
/*
 * Client: open the envelope, check the server's MAC, write KE3. A wrong
 * password, a tampered KE2 or a fake record all give -EBADMSG with
 * nothing derived. Wipes @st.
 */
int opaque_client_ke3(struct opaque_client_login *st, u8 ke3[OPAQUE_KE3_LEN],
		      u8 session_key[OPAQUE_NH], u8 export_key[OPAQUE_NH],
		      const u8 ke2[OPAQUE_KE2_LEN],
		      const u8 oprf_output[OPAQUE_NH],
		      const u8 stretched[OPAQUE_NH],
		      const struct opaque_params *params,
		      struct opaque_trace *tr);
/* Server: check KE3 (constant time); -EBADMSG if it is wrong. Wipes @st. */
int opaque_server_finish(struct opaque_server_login *st,
			 u8 session_key[OPAQUE_NH],
			 const u8 ke3[OPAQUE_KE3_LEN]);

/* RFC 9807's first ristretto255 vector through both roles: 0 or -errno. */
int pmhs_opaque_selftest(void);

#endif /* _PMHS_OPAQUE_H */
