// SPDX-License-Identifier: GPL-2.0
/* Noise XXpsk2 / KKpsk0 with OpenSSL: the benchmark's reference (noise_ossl.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "noise_ossl.h"

/* Rows of the spec's pattern table with the psk modifier applied. */
static const char *const xxpsk2[] = { "e", "e ee s es psk", "s se" };
static const char *const kkpsk0[] = { "psk e es ss", "e ee se" };

static void hash2(uint8_t out[32], const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, a, al);
	if (bl)
		EVP_DigestUpdate(md, b, bl);
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
}

static void hmac(const uint8_t key[32], const uint8_t *d, size_t len, uint8_t out[32])
{
	static const uint8_t empty;
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, 32, d ? d : &empty, len, out, &n);
}

/* HKDF of the spec (section 4.3): @n outputs of 32 bytes. */
static void hkdf(const uint8_t ck[32], const uint8_t *ikm, size_t len, int n, uint8_t *o1,
		 uint8_t *o2, uint8_t *o3)
{
	uint8_t temp[32], in[33];

	hmac(ck, ikm, len, temp);
	in[0] = 1;
	hmac(temp, in, 1, o1);
	memcpy(in, o1, 32);
	in[32] = 2;
	hmac(temp, in, 33, o2);
	if (n == 3) {
		memcpy(in, o2, 32);
		in[32] = 3;
		hmac(temp, in, 33, o3);
	}
	OPENSSL_cleanse(temp, sizeof(temp));
	OPENSSL_cleanse(in, sizeof(in));
}

static void mix_hash(struct nz_hs *hs, const uint8_t *d, size_t len)
{
	hash2(hs->h, hs->h, 32, d, len);
}

static void mix_key(struct nz_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t ck[32];

	hkdf(hs->ck, ikm, len, 2, ck, hs->cs.k, NULL);
	memcpy(hs->ck, ck, 32);
	hs->cs.has_k = true;
	hs->cs.n = 0;
	OPENSSL_cleanse(ck, sizeof(ck));
}

static void mix_key_and_hash(struct nz_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t ck[32], th[32];

	hkdf(hs->ck, ikm, len, 3, ck, th, hs->cs.k);
	memcpy(hs->ck, ck, 32);
	mix_hash(hs, th, 32);
	hs->cs.has_k = true;
	hs->cs.n = 0;
	OPENSSL_cleanse(ck, sizeof(ck));
	OPENSSL_cleanse(th, sizeof(th));
}

/* ChaChaPoly: 4 zero bytes || LE64(n); AESGCM: 4 zero bytes || BE64(n). */
static int aead(const struct nz_cipher *c, uint64_t n, bool enc, const uint8_t *ad,
		size_t ad_len, const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t iv[12] = { 0 };
	int l, ok;

	for (int i = 0; i < 8; i++)
		iv[c->aes ? 11 - i : 4 + i] = (uint8_t)(n >> (8 * i));
	if (enc) {
		ok = EVP_EncryptInit_ex(x, c->aes ? EVP_aes_256_gcm() : EVP_chacha20_poly1305(),
					NULL, c->k, iv) &&
		     (!ad_len || EVP_EncryptUpdate(x, NULL, &l, ad, (int)ad_len)) &&
		     (!len || EVP_EncryptUpdate(x, out, &l, in, (int)len)) &&
		     EVP_EncryptFinal_ex(x, out + len, &l) &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, out + len);
	} else {
		if (len < 16) {
			EVP_CIPHER_CTX_free(x);
			return -1;
		}
		len -= 16;
		ok = EVP_DecryptInit_ex(x, c->aes ? EVP_aes_256_gcm() : EVP_chacha20_poly1305(),
					NULL, c->k, iv) &&
		     (!ad_len || EVP_DecryptUpdate(x, NULL, &l, ad, (int)ad_len)) &&
		     (!len || EVP_DecryptUpdate(x, out, &l, in, (int)len)) &&
		     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + len)) &&
		     EVP_DecryptFinal_ex(x, out + len, &l) > 0;
	}
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

int nz_encrypt(struct nz_cipher *c, const uint8_t *ad, size_t ad_len, const uint8_t *in,
	       size_t len, uint8_t *out)
{
	if (c->n == UINT64_MAX || aead(c, c->n, true, ad, ad_len, in, len, out))
		return -1;
	c->n++;
	return 0;
}

int nz_decrypt(struct nz_cipher *c, const uint8_t *ad, size_t ad_len, const uint8_t *in,
	       size_t len, uint8_t *out)
{
	if (c->n == UINT64_MAX || aead(c, c->n, false, ad, ad_len, in, len, out))
		return -1;
	c->n++;
	return 0;
}

/* EncryptAndHash: *@olen bytes to @out. */
static int encrypt_and_hash(struct nz_hs *hs, const uint8_t *p, size_t len, uint8_t *out,
			    size_t *olen)
{
	if (!hs->cs.has_k) {
		memmove(out, p, len);
		*olen = len;
	} else {
		if (nz_encrypt(&hs->cs, hs->h, 32, p, len, out))
			return -1;
		*olen = len + 16;
	}
	mix_hash(hs, out, *olen);
	return 0;
}

static int decrypt_and_hash(struct nz_hs *hs, const uint8_t *c, size_t len, uint8_t *out,
			    size_t *olen)
{
	uint8_t h[32];

	memcpy(h, hs->h, 32);
	mix_hash(hs, c, len);
	if (!hs->cs.has_k) {
		memmove(out, c, len);
		*olen = len;
		return 0;
	}
	if (len < 16 || nz_decrypt(&hs->cs, h, 32, c, len, out))
		return -1;
	*olen = len - 16;
	return 0;
}

static EVP_PKEY *priv_key(const uint8_t k[32], uint8_t pub[32])
{
	EVP_PKEY *p = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, k, 32);
	size_t len = 32;

	if (p && EVP_PKEY_get_raw_public_key(p, pub, &len) != 1) {
		EVP_PKEY_free(p);
		return NULL;
	}
	return p;
}

/* DH, then MixKey; an all-zero result (low-order peer key) fails. */
static int dh_mix(struct nz_hs *hs, EVP_PKEY *ours, const uint8_t theirs[32])
{
	EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, theirs, 32);
	EVP_PKEY_CTX *c = peer ? EVP_PKEY_CTX_new(ours, NULL) : NULL;
	uint8_t out[32], zero[32] = { 0 };
	size_t len = sizeof(out);
	int ok = c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, peer) == 1 &&
		 EVP_PKEY_derive(c, out, &len) == 1 && len == 32 &&
		 CRYPTO_memcmp(out, zero, 32);

	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(peer);
	if (ok)
		mix_key(hs, out, 32);
	OPENSSL_cleanse(out, sizeof(out));
	return ok ? 0 : -1;
}

static int init(struct nz_hs *hs, const char *protocol, bool initiator, const uint8_t *prologue,
		size_t prologue_len, const uint8_t *s, EVP_PKEY *s_pkey, const uint8_t *e_fixed,
		const uint8_t *rs, const uint8_t psk[32])
{
	static const char pre[] = "Noise_";
	const char *p = protocol;
	size_t len = strlen(protocol);

	memset(hs, 0, sizeof(*hs));
	if (strncmp(p, pre, 6))
		return -1;
	p += 6;
	if (!strncmp(p, "XXpsk2_", 7)) {
		hs->msgs = xxpsk2;
		hs->nmsgs = 3;
	} else if (!strncmp(p, "KKpsk0_", 7)) {
		hs->msgs = kkpsk0;
		hs->nmsgs = 2;
	} else {
		return -1;
	}
	p += 7;
	if (!strcmp(p, "25519_ChaChaPoly_SHA256"))
		hs->cs.aes = false;
	else if (!strcmp(p, "25519_AESGCM_SHA256"))
		hs->cs.aes = true;
	else
		return -1;
	if (hs->msgs == kkpsk0 && !rs)
		return -1;
	hs->initiator = initiator;
	hs->psk_mode = true;
	if (e_fixed) {
		memcpy(hs->e_fixed, e_fixed, 32);
		hs->has_e_fixed = true;
	}
	memcpy(hs->psk, psk, 32);
	if (len <= 32) {
		memcpy(hs->h, protocol, len);
	} else {
		hash2(hs->h, (const uint8_t *)protocol, len, NULL, 0);
	}
	memcpy(hs->ck, hs->h, 32);
	mix_hash(hs, prologue, prologue_len);
	if (s_pkey) {
		size_t publen = 32;

		if (EVP_PKEY_get_raw_public_key(s_pkey, hs->s_pub, &publen) != 1 ||
		    !EVP_PKEY_up_ref(s_pkey))
			return -1;
		hs->s = s_pkey;
	} else {
		hs->s = priv_key(s, hs->s_pub);
	}
	if (!hs->s)
		return -1;
	if (rs) {
		memcpy(hs->rs, rs, 32);
		hs->has_rs = true;
	}
	/* KK's pre-messages: the initiator's s, then the responder's. */
	if (hs->msgs == kkpsk0) {
		mix_hash(hs, initiator ? hs->s_pub : hs->rs, 32);
		mix_hash(hs, initiator ? hs->rs : hs->s_pub, 32);
	}
	return 0;
}

int nz_init(struct nz_hs *hs, const char *protocol, bool initiator, const uint8_t *prologue,
	    size_t prologue_len, const uint8_t s[32], const uint8_t *e_fixed,
	    const uint8_t *rs, const uint8_t psk[32])
{
	return init(hs, protocol, initiator, prologue, prologue_len, s, NULL, e_fixed, rs, psk);
}

int nz_init_pkey(struct nz_hs *hs, const char *protocol, bool initiator,
		 const uint8_t *prologue, size_t prologue_len, EVP_PKEY *s,
		 const uint8_t *rs, const uint8_t psk[32])
{
	return init(hs, protocol, initiator, prologue, prologue_len, NULL, s, NULL, rs, psk);
}

static bool ours_next(const struct nz_hs *hs)
{
	return (hs->next % 2 == 0) == hs->initiator;
}

/* es and se name (initiator's key, responder's key). */
static int token_dh(struct nz_hs *hs, const char *t)
{
	bool i = hs->initiator;

	if (!strcmp(t, "ee"))
		return dh_mix(hs, hs->e, hs->re);
	if (!strcmp(t, "ss"))
		return dh_mix(hs, hs->s, hs->rs);
	if (!strcmp(t, "es"))
		return i ? dh_mix(hs, hs->e, hs->rs) : dh_mix(hs, hs->s, hs->re);
	if (!strcmp(t, "se"))
		return i ? dh_mix(hs, hs->s, hs->re) : dh_mix(hs, hs->e, hs->rs);
	return -1;
}

int nz_write(struct nz_hs *hs, const uint8_t *payload, size_t payload_len, uint8_t *out,
	     size_t *out_len)
{
	char toks[32], *t, *save;
	uint8_t priv[32];
	size_t n = 0, l;

	if (nz_done(hs) || !ours_next(hs))
		return -1;
	snprintf(toks, sizeof(toks), "%s", hs->msgs[hs->next]);
	for (t = strtok_r(toks, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "e")) {
			if (hs->has_e_fixed)
				memcpy(priv, hs->e_fixed, 32);
			else if (RAND_priv_bytes(priv, 32) != 1)
				return -1;
			hs->e = priv_key(priv, hs->e_pub);
			OPENSSL_cleanse(priv, sizeof(priv));
			if (!hs->e)
				return -1;
			memcpy(out + n, hs->e_pub, 32);
			n += 32;
			mix_hash(hs, hs->e_pub, 32);
			if (hs->psk_mode)
				mix_key(hs, hs->e_pub, 32);
		} else if (!strcmp(t, "s")) {
			if (encrypt_and_hash(hs, hs->s_pub, 32, out + n, &l))
				return -1;
			n += l;
		} else if (!strcmp(t, "psk")) {
			mix_key_and_hash(hs, hs->psk, 32);
		} else if (token_dh(hs, t)) {
			return -1;
		}
	}
	if (encrypt_and_hash(hs, payload, payload_len, out + n, &l))
		return -1;
	*out_len = n + l;
	hs->next++;
	return 0;
}

int nz_read(struct nz_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
	    size_t *payload_len)
{
	char toks[32], *t, *save;
	size_t l, need;

	if (nz_done(hs) || ours_next(hs))
		return -1;
	snprintf(toks, sizeof(toks), "%s", hs->msgs[hs->next]);
	for (t = strtok_r(toks, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strcmp(t, "e")) {
			if (len < 32)
				return -1;
			memcpy(hs->re, msg, 32);
			hs->has_re = true;
			msg += 32;
			len -= 32;
			mix_hash(hs, hs->re, 32);
			if (hs->psk_mode)
				mix_key(hs, hs->re, 32);
		} else if (!strcmp(t, "s")) {
			need = hs->cs.has_k ? 48 : 32;
			if (len < need || decrypt_and_hash(hs, msg, need, hs->rs, &l))
				return -1;
			hs->has_rs = true;
			msg += need;
			len -= need;
		} else if (!strcmp(t, "psk")) {
			mix_key_and_hash(hs, hs->psk, 32);
		} else if (token_dh(hs, t)) {
			return -1;
		}
	}
	if (decrypt_and_hash(hs, msg, len, payload, payload_len))
		return -1;
	hs->next++;
	return 0;
}

void nz_split(struct nz_hs *hs, struct nz_cipher *c1, struct nz_cipher *c2)
{
	memset(c1, 0, sizeof(*c1));
	memset(c2, 0, sizeof(*c2));
	hkdf(hs->ck, NULL, 0, 2, c1->k, c2->k, NULL);
	c1->has_k = c2->has_k = true;
	c1->aes = c2->aes = hs->cs.aes;
}

void nz_export(const struct nz_hs *hs, uint8_t out[32])
{
	uint8_t a[32], b[32];

	hkdf(hs->ck, NULL, 0, 3, a, b, out);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
}

void nz_free(struct nz_hs *hs)
{
	EVP_PKEY_free(hs->s);
	EVP_PKEY_free(hs->e);
	OPENSSL_cleanse(hs, sizeof(*hs));
}
