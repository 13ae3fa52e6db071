// SPDX-License-Identifier: GPL-2.0
/*
 * The OPAQUE-3DH server on libsodium (1.0.18: ristretto255, SHA-512,
 * HMAC-SHA512; HKDF is written out here on HMAC-SHA512), the same steps
 * as kmod/proto/opaque.c's server: OPRF evaluation under the per-user key
 * (RFC 9497 DeriveKeyPair on HKDF-Expand(oprf_seed, cred_id ||
 * "OprfKey")), the masked credential response, 3DH with an ephemeral key
 * derived from a seed, the preamble and both MACs.
 */
#include <string.h>

#include <sodium.h>

#include "opaque_sodium.h"

/* RFC 9497 section 3.1: "OPRFV1-" || I2OSP(mode = OPRF, 1) || "-" || suite */
static const char dst_dkp[] = "DeriveKeyPairOPRFV1-\0-ristretto255-SHA512";
#define DST_DKP_LEN (sizeof(dst_dkp) - 1)

/* HKDF-Expand (RFC 5869) with HMAC-SHA512, info given in pieces. */
static void hkdf_expand(uint8_t *out, size_t len, const uint8_t prk[64],
			const uint8_t *const *info, const size_t *ilen, int n)
{
	crypto_auth_hmacsha512_state st;
	uint8_t t[64], c = 0;
	size_t done = 0;

	while (done < len) {
		size_t k = len - done < 64 ? len - done : 64;

		crypto_auth_hmacsha512_init(&st, prk, 64);
		if (c)
			crypto_auth_hmacsha512_update(&st, t, 64);
		for (int i = 0; i < n; i++)
			crypto_auth_hmacsha512_update(&st, info[i], ilen[i]);
		c++;
		crypto_auth_hmacsha512_update(&st, &c, 1);
		crypto_auth_hmacsha512_final(&st, t);
		memcpy(out + done, t, k);
		done += k;
	}
	sodium_memzero(t, sizeof(t));
	sodium_memzero(&st, sizeof(st));
}

/* RFC 9497 DeriveKeyPair(seed, info): HashToScalar via expand_message_xmd. */
static int derive_keypair(uint8_t sk[32], uint8_t *pk, const uint8_t seed[32],
			  const char *info)
{
	static const uint8_t zpad[128];
	static const uint8_t tail[3] = { 0, 64, 0 };	/* I2OSP(64, 2) || 0x00 */
	size_t infolen = strlen(info);
	uint8_t il[2] = { infolen >> 8, infolen & 0xff }, dl = DST_DKP_LEN, one = 1;
	uint8_t b0[64], b1[64];
	crypto_hash_sha512_state h;

	for (unsigned int counter = 0; counter < 256; counter++) {
		uint8_t c = counter;

		crypto_hash_sha512_init(&h);
		crypto_hash_sha512_update(&h, zpad, sizeof(zpad));
		crypto_hash_sha512_update(&h, seed, 32);
		crypto_hash_sha512_update(&h, il, 2);
		crypto_hash_sha512_update(&h, (const uint8_t *)info, infolen);
		crypto_hash_sha512_update(&h, &c, 1);
		crypto_hash_sha512_update(&h, tail, sizeof(tail));
		crypto_hash_sha512_update(&h, (const uint8_t *)dst_dkp, DST_DKP_LEN);
		crypto_hash_sha512_update(&h, &dl, 1);
		crypto_hash_sha512_final(&h, b0);
		crypto_hash_sha512_init(&h);
		crypto_hash_sha512_update(&h, b0, 64);
		crypto_hash_sha512_update(&h, &one, 1);
		crypto_hash_sha512_update(&h, (const uint8_t *)dst_dkp, DST_DKP_LEN);
		crypto_hash_sha512_update(&h, &dl, 1);
		crypto_hash_sha512_final(&h, b1);
		crypto_core_ristretto255_scalar_reduce(sk, b1);
		if (!sodium_is_zero(sk, 32))
			break;
	}
	sodium_memzero(b0, sizeof(b0));
	sodium_memzero(b1, sizeof(b1));
	if (sodium_is_zero(sk, 32))
		return -1;
	return pk ? crypto_scalarmult_ristretto255_base(pk, sk) : 0;
}

int osd_derive_keypair(uint8_t sk[32], uint8_t pk[32], const uint8_t seed[32])
{
	return derive_keypair(sk, pk, seed, "OPAQUE-DeriveDiffieHellmanKeyPair");
}

int osd_server_from_seed(struct osd_server *s, const uint8_t oprf_seed[64],
			 const uint8_t key_seed[32])
{
	memcpy(s->oprf_seed, oprf_seed, 64);
	return osd_derive_keypair(s->sk, s->pk, key_seed);
}

/* Derive-Secret(secret, label, ctx) = Expand-Label(secret, label, ctx, Nx = 64) */
static void derive_secret(uint8_t out[64], const uint8_t secret[64], const char *label,
			  const uint8_t *ctx, size_t ctxlen)
{
	size_t llen = strlen(label);
	uint8_t hdr[3] = { 0, 64, 7 + llen }, cl = ctxlen;
	const uint8_t *info[5] = { hdr, (const uint8_t *)"OPAQUE-", (const uint8_t *)label,
				   &cl, ctx };
	size_t ilen[5] = { 3, 7, llen, 1, ctxlen };

	hkdf_expand(out, 64, secret, info, ilen, 5);
}

static void put16(crypto_hash_sha512_state *h, size_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	crypto_hash_sha512_update(h, b, 2);
}

int osd_server_ke2(struct osd_login *st, uint8_t ke2[OSD_KE2_LEN], const struct osd_server *s,
		   const uint8_t record[OSD_RECORD_LEN], const uint8_t *cred_id,
		   size_t cred_id_len, const uint8_t ke1[OSD_KE1_LEN],
		   const struct osd_params *p, const uint8_t *fixed)
{
	struct {
		uint8_t seed[32], oprf_key[32], esk[32], ikm[96], prk[64], ph[64], hs[64];
		uint8_t km2[64], km3[64], rnd[96];
		crypto_hash_sha512_state h, h2;
		crypto_auth_hmacsha512_state m;
	} t;
	static const struct osd_params none;
	static const uint8_t zero[64];
	const uint8_t *cid = record, *sid = s->pk;
	size_t cidlen = 32, sidlen = 32;
	int ret = -1;

	if (!p)
		p = &none;
	if (p->client_id_len) {
		cid = p->client_id;
		cidlen = p->client_id_len;
	}
	if (p->server_id_len) {
		sid = p->server_id;
		sidlen = p->server_id_len;
	}
	if (fixed)
		memcpy(t.rnd, fixed, 96);
	else
		randombytes_buf(t.rnd, 96);
	/* the user's OPRF key, and BlindEvaluate (rejects a non-element, the identity) */
	{
		const uint8_t *info[2] = { cred_id, (const uint8_t *)"OprfKey" };
		size_t ilen[2] = { cred_id_len, 7 };

		hkdf_expand(t.seed, 32, s->oprf_seed, info, ilen, 2);
	}
	if (derive_keypair(t.oprf_key, NULL, t.seed, "OPAQUE-DeriveKeyPair") ||
	    crypto_scalarmult_ristretto255(ke2, t.oprf_key, ke1))
		goto out;
	/* masking nonce, masked response = pad ^ (server pk || envelope) */
	memcpy(ke2 + 32, t.rnd, 32);
	{
		const uint8_t *info[2] = { t.rnd, (const uint8_t *)"CredentialResponsePad" };
		size_t ilen[2] = { 32, 21 };

		hkdf_expand(ke2 + 64, 128, record + 32, info, ilen, 2);
	}
	for (int i = 0; i < 32; i++)
		ke2[64 + i] ^= s->pk[i];
	for (int i = 0; i < 96; i++)
		ke2[96 + i] ^= record[96 + i];
	/* server nonce, ephemeral keyshare, 3DH */
	memcpy(ke2 + 192, t.rnd + 32, 32);
	if (osd_derive_keypair(t.esk, ke2 + 224, t.rnd + 64) ||
	    crypto_scalarmult_ristretto255(t.ikm, t.esk, ke1 + 64) ||
	    crypto_scalarmult_ristretto255(t.ikm + 32, s->sk, ke1 + 64) ||
	    crypto_scalarmult_ristretto255(t.ikm + 64, t.esk, record))
		goto out;
	/* Hash(preamble) */
	crypto_hash_sha512_init(&t.h);
	crypto_hash_sha512_update(&t.h, (const uint8_t *)"OPAQUEv1-", 9);
	put16(&t.h, p->context_len);
	crypto_hash_sha512_update(&t.h, p->context ? p->context : zero, p->context_len);
	put16(&t.h, cidlen);
	crypto_hash_sha512_update(&t.h, cid, cidlen);
	crypto_hash_sha512_update(&t.h, ke1, OSD_KE1_LEN);
	put16(&t.h, sidlen);
	crypto_hash_sha512_update(&t.h, sid, sidlen);
	crypto_hash_sha512_update(&t.h, ke2, 256);
	t.h2 = t.h;
	crypto_hash_sha512_final(&t.h, t.ph);
	/* DeriveKeys: Extract's empty salt pads to the same HMAC key as zeros */
	crypto_auth_hmacsha512_init(&t.m, zero, sizeof(zero));
	crypto_auth_hmacsha512_update(&t.m, t.ikm, 96);
	crypto_auth_hmacsha512_final(&t.m, t.prk);
	derive_secret(t.hs, t.prk, "HandshakeSecret", t.ph, 64);
	derive_secret(st->session_key, t.prk, "SessionKey", t.ph, 64);
	derive_secret(t.km2, t.hs, "ServerMAC", (const uint8_t *)"", 0);
	derive_secret(t.km3, t.hs, "ClientMAC", (const uint8_t *)"", 0);
	crypto_auth_hmacsha512_init(&t.m, t.km2, 64);
	crypto_auth_hmacsha512_update(&t.m, t.ph, 64);
	crypto_auth_hmacsha512_final(&t.m, ke2 + 256);
	crypto_hash_sha512_update(&t.h2, ke2 + 256, 64);
	crypto_hash_sha512_final(&t.h2, t.ph);
	crypto_auth_hmacsha512_init(&t.m, t.km3, 64);
	crypto_auth_hmacsha512_update(&t.m, t.ph, 64);
	crypto_auth_hmacsha512_final(&t.m, st->expected_mac);
	ret = 0;
out:
	if (ret) {
		sodium_memzero(ke2, OSD_KE2_LEN);
		sodium_memzero(st, sizeof(*st));
	}
	sodium_memzero(&t, sizeof(t));
	return ret;
}

int osd_server_finish(struct osd_login *st, uint8_t session_key[64],
		      const uint8_t ke3[OSD_KE3_LEN])
{
	int ret = sodium_memcmp(ke3, st->expected_mac, OSD_KE3_LEN) ? -1 : 0;

	if (!ret)
		memcpy(session_key, st->session_key, 64);
	sodium_memzero(st, sizeof(*st));
	return ret;
}
