/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OPAQUE-3DH server (RFC 9807, ristretto255-SHA512) on libsodium: the
 * reference pmhs-bench times the module's server against. Checked on the
 * host against opaque-rfc9807.json by make -C bench check.
 */
#ifndef OPAQUE_SODIUM_H
#define OPAQUE_SODIUM_H

#include <stddef.h>
#include <stdint.h>

#define OSD_KE1_LEN	96
#define OSD_KE2_LEN	320
#define OSD_KE3_LEN	64
#define OSD_RECORD_LEN	192

struct osd_server {
	uint8_t oprf_seed[64];
	uint8_t sk[32], pk[32];
};

/* Optional identities and context (NULL/0: the public keys, no context). */
struct osd_params {
	const uint8_t *context, *client_id, *server_id;
	size_t context_len, client_id_len, server_id_len;
};

/* Between KE2 and KE3. */
struct osd_login {
	uint8_t expected_mac[64];
	uint8_t session_key[64];
};

/* RFC 9497 DeriveKeyPair(seed, "OPAQUE-DeriveDiffieHellmanKeyPair"). 0 or -1. */
int osd_derive_keypair(uint8_t sk[32], uint8_t pk[32], const uint8_t seed[32]);

/*
 * A server as pmhs's setup makes it: OPRF seed, and the AKE key pair
 * derived from @key_seed.
 */
int osd_server_from_seed(struct osd_server *s, const uint8_t oprf_seed[64],
			 const uint8_t key_seed[32]);

/*
 * GenerateKE2 for a registered user. @fixed: masking nonce, server nonce
 * and keyshare seed (96 bytes), or NULL for random ones. 0 or -1 (a
 * bad element in KE1 or the record).
 */
int osd_server_ke2(struct osd_login *st, uint8_t ke2[OSD_KE2_LEN], const struct osd_server *s,
		   const uint8_t record[OSD_RECORD_LEN], const uint8_t *cred_id,
		   size_t cred_id_len, const uint8_t ke1[OSD_KE1_LEN],
		   const struct osd_params *p, const uint8_t *fixed);

/* ServerFinish: 0 and the session key if KE3's MAC is right, else -1. */
int osd_server_finish(struct osd_login *st, uint8_t session_key[64],
		      const uint8_t ke3[OSD_KE3_LEN]);

#endif
