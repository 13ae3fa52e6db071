// SPDX-License-Identifier: GPL-2.0
/* See noise_ref.h: a reference Noise peer for the VM tests, on OpenSSL. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "noise_ref.h"

static const char *const xxpsk2[] = { "e", "e ee s es psk", "s se", NULL };
static const char *const kkpsk0[] = { "psk e es ss", "e ee se", NULL };

int nref_pub(const uint8_t priv[32], uint8_t pub[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	size_t len = 32;
	int ret;

	if (!k)
		return -1;
	ret = EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == 32 ? 0 : -1;
	EVP_PKEY_free(k);
	return ret;
}

int nref_dh(const uint8_t priv[32], const uint8_t pub[32], uint8_t out[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, 32);
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
	size_t len = 32;
	int ret = -1;

	if (c && p && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, p) == 1 &&
	    EVP_PKEY_derive(c, out, &len) == 1 && len == 32)
		ret = 0;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(p);
	EVP_PKEY_free(k);
	return ret;
}

static void hmac(const uint8_t key[32], const uint8_t *a, size_t alen, const uint8_t *b,
		 size_t blen, uint8_t out[32])
{
	uint8_t buf[32 + 65536];
	unsigned int olen = 32;

	if (alen)
		memcpy(buf, a, alen);
	if (blen)
		memcpy(buf + alen, b, blen);
	HMAC(EVP_sha256(), key, 32, buf, alen + blen, out, &olen);
	OPENSSL_cleanse(buf, alen + blen);
}

/* The spec's HKDF(ck, ikm, 3). */
static void hkdf3(const uint8_t ck[32], const uint8_t *ikm, size_t len, uint8_t o1[32],
		  uint8_t o2[32], uint8_t o3[32])
{
	uint8_t t[32], one = 1, two = 2, three = 3;

	hmac(ck, ikm, len, NULL, 0, t);
	hmac(t, &one, 1, NULL, 0, o1);
	hmac(t, o1, 32, &two, 1, o2);
	hmac(t, o2, 32, &three, 1, o3);
	OPENSSL_cleanse(t, sizeof(t));
}

static void mix_hash(struct nref *r, const void *p, size_t len)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, r->h, 32) != 1 || EVP_DigestUpdate(c, p, len) != 1 ||
	    EVP_DigestFinal_ex(c, r->h, NULL) != 1)
		memset(r->h, 0, 32);	/* no match with the peer: the test fails */
	EVP_MD_CTX_free(c);
}

static void mix_key(struct nref *r, const uint8_t *ikm, size_t len)
{
	uint8_t o3[32];

	hkdf3(r->ck, ikm, len, r->ck, r->k, o3);
	r->has_k = true;
	r->n = 0;
	OPENSSL_cleanse(o3, sizeof(o3));
}

static void mix_key_and_hash(struct nref *r, const uint8_t *ikm, size_t len)
{
	uint8_t th[32];

	hkdf3(r->ck, ikm, len, r->ck, th, r->k);
	mix_hash(r, th, 32);
	r->has_k = true;
	r->n = 0;
}

static long aead(bool enc, bool aesgcm, const uint8_t k[32], uint64_t n, const void *ad,
		 size_t adlen, const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t iv[12] = { 0 };
	size_t ptlen = enc ? len : len - 16;
	int l, ok;

	if (!c || (!enc && len < 16)) {
		EVP_CIPHER_CTX_free(c);
		return -1;
	}
	for (int i = 0; i < 8; i++)	/* ChaChaPoly LE64(n), AESGCM BE64(n) */
		iv[aesgcm ? 11 - i : 4 + i] = (uint8_t)(n >> (8 * i));
	ok = EVP_CipherInit_ex(c, aesgcm ? EVP_aes_256_gcm() : EVP_chacha20_poly1305(), NULL,
			       k, iv, enc) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
					 (void *)(in + ptlen)) == 1;
	ok = ok && (!adlen || EVP_CipherUpdate(c, NULL, &l, ad, (int)adlen) == 1);
	ok = ok && (!ptlen || EVP_CipherUpdate(c, out, &l, in, (int)ptlen) == 1);
	ok = ok && EVP_CipherFinal_ex(c, out + ptlen, &l) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out + len) == 1;
	EVP_CIPHER_CTX_free(c);
	if (!ok) {
		OPENSSL_cleanse(out, ptlen);
		return -1;
	}
	return enc ? (long)len + 16 : (long)ptlen;
}

long nref_seal(bool aesgcm, const uint8_t k[32], uint64_t n, const void *ad, size_t adlen,
	       const void *in, size_t len, uint8_t *out)
{
	return aead(true, aesgcm, k, n, ad, adlen, in, len, out);
}

long nref_open(bool aesgcm, const uint8_t k[32], uint64_t n, const void *ad, size_t adlen,
	       const void *in, size_t len, uint8_t *out)
{
	return aead(false, aesgcm, k, n, ad, adlen, in, len, out);
}

static long encrypt_and_hash(struct nref *r, const uint8_t *p, size_t len, uint8_t *out)
{
	long n = (long)len;

	if (r->has_k)
		n = aead(true, r->aesgcm, r->k, r->n++, r->h, 32, p, len, out);
	else
		memmove(out, p, len);
	if (n >= 0)
		mix_hash(r, out, (size_t)n);
	return n;
}

static long decrypt_and_hash(struct nref *r, const uint8_t *c, size_t len, uint8_t *out)
{
	uint8_t h[32];
	long n = (long)len;

	memcpy(h, r->h, 32);
	mix_hash(r, c, len);
	if (r->has_k)
		n = aead(false, r->aesgcm, r->k, r->n++, h, 32, c, len, out);
	else
		memmove(out, c, len);
	return n;
}

int nref_init(struct nref *r, const char *protocol, bool initiator,
	      const void *prologue, size_t plen, const uint8_t *s_priv,
	      const uint8_t *s_pub, const uint8_t *rs, const uint8_t psk[32])
{
	size_t len = strlen(protocol);
	const char *suite;

	memset(r, 0, sizeof(*r));
	if (!strncmp(protocol, "Noise_XXpsk2_25519_", 19))
		r->kk = false;
	else if (!strncmp(protocol, "Noise_KKpsk0_25519_", 19))
		r->kk = true;
	else
		return -1;
	suite = protocol + 19;
	if (!strcmp(suite, "AESGCM_SHA256"))
		r->aesgcm = true;
	else if (strcmp(suite, "ChaChaPoly_SHA256"))
		return -1;
	r->initiator = initiator;
	if (s_priv) {
		memcpy(r->s_priv, s_priv, 32);
		if (nref_pub(s_priv, r->s_pub))
			return -1;
	} else if (s_pub) {
		memcpy(r->s_pub, s_pub, 32);
		r->s_forged = true;
	}
	if (rs)
		memcpy(r->rs, rs, 32);
	memcpy(r->psk, psk, 32);
	if (len <= 32)	/* the AESGCM names are exactly 32 bytes */
		memcpy(r->h, protocol, len);
	else
		SHA256((const uint8_t *)protocol, len, r->h);
	memcpy(r->ck, r->h, 32);
	mix_hash(r, prologue, plen);
	if (r->kk) {	/* pre-messages: -> s, <- s */
		mix_hash(r, initiator ? r->s_pub : r->rs, 32);
		mix_hash(r, initiator ? r->rs : r->s_pub, 32);
	}
	return 0;
}

int nref_fix_e(struct nref *r, const uint8_t priv[32])
{
	memcpy(r->e_priv, priv, 32);
	r->e_fixed = true;
	return nref_pub(priv, r->e_pub);
}

void nref_forge_e(struct nref *r, const uint8_t pub[32])
{
	memcpy(r->e_pub, pub, 32);
	r->e_forged = true;
	r->e_fixed = true;
}

/* DH of a token; a forged local key gives the zeros an unchecked peer would get. */
static int token_dh(struct nref *r, const char *t, uint8_t out[32])
{
	bool local_e, remote_e, forged;

	if (!strcmp(t, "ee"))
		local_e = remote_e = true;
	else if (!strcmp(t, "ss"))
		local_e = remote_e = false;
	else if (!strcmp(t, "es"))
		local_e = r->initiator, remote_e = !r->initiator;
	else	/* se */
		local_e = !r->initiator, remote_e = r->initiator;
	forged = local_e ? r->e_forged : r->s_forged;
	if (forged) {
		memset(out, 0, 32);
		return 0;
	}
	return nref_dh(local_e ? r->e_priv : r->s_priv, remote_e ? r->re : r->rs, out);
}

static const char *const *pattern(const struct nref *r)
{
	return r->kk ? kkpsk0 : xxpsk2;
}

/* Run message @r->msg's tokens; @w: writing into @io, else reading from it. */
static long tokens(struct nref *r, bool w, uint8_t *io, size_t len, size_t *off)
{
	char buf[64], *save = NULL;
	uint8_t dh[32];

	snprintf(buf, sizeof(buf), "%s", pattern(r)[r->msg]);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "e")) {
			uint8_t *e = w ? r->e_pub : r->re;

			if (w) {
				if (!r->e_fixed) {
					if (RAND_bytes(r->e_priv, 32) != 1 ||
					    nref_pub(r->e_priv, r->e_pub))
						return -1;
				}
				memcpy(io + *off, e, 32);
			} else {
				if (len - *off < 32)
					return -1;
				memcpy(e, io + *off, 32);
			}
			*off += 32;
			mix_hash(r, e, 32);
			mix_key(r, e, 32);	/* psk modes: e is also a MixKey */
		} else if (!strcmp(t, "s")) {
			size_t n = 32 + (r->has_k ? 16 : 0);
			long got;

			if (w) {
				got = encrypt_and_hash(r, r->s_pub, 32, io + *off);
			} else {
				uint8_t tmp[48];

				if (len - *off < n)
					return -1;
				memcpy(tmp, io + *off, n);
				got = decrypt_and_hash(r, tmp, n, r->rs);
			}
			if (got < 0)
				return -1;
			*off += n;
		} else if (!strcmp(t, "psk")) {
			mix_key_and_hash(r, r->psk, 32);
		} else {
			if (token_dh(r, t, dh))
				return -1;
			mix_key(r, dh, 32);
			OPENSSL_cleanse(dh, sizeof(dh));
		}
	}
	return 0;
}

long nref_write(struct nref *r, const void *payload, size_t plen, uint8_t *out)
{
	size_t off = 0;
	long n;

	if (r->failed || nref_done(r) || (r->msg % 2 == 0) != r->initiator)
		return -1;
	if (tokens(r, true, out, 0, &off) ||
	    (n = encrypt_and_hash(r, payload, plen, out + off)) < 0) {
		r->failed = true;
		return -1;
	}
	r->msg++;
	return (long)off + n;
}

long nref_read(struct nref *r, const uint8_t *msg, size_t len, uint8_t *payload)
{
	uint8_t buf[65536];
	size_t off = 0;
	long n;

	if (r->failed || nref_done(r) || (r->msg % 2 == 0) == r->initiator || len > sizeof(buf))
		return -1;
	memcpy(buf, msg, len);
	if (tokens(r, false, buf, len, &off) ||
	    (n = decrypt_and_hash(r, buf + off, len - off, payload)) < 0) {
		r->failed = true;
		return -1;
	}
	r->msg++;
	return n;
}

bool nref_done(const struct nref *r)
{
	return !pattern(r)[r->msg];
}

void nref_split(const struct nref *r, uint8_t k1[32], uint8_t k2[32], uint8_t exp[32])
{
	hkdf3(r->ck, NULL, 0, k1, k2, exp);
}

void nref_wipe(struct nref *r)
{
	OPENSSL_cleanse(r, sizeof(*r));
}
