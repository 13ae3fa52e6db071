// SPDX-License-Identifier: GPL-2.0
/*
 * The Noise Protocol Framework, revision 34, for 25519 / ChaChaPoly or
 * AESGCM / SHA256. Handshake patterns are rows of a table; the psk
 * modifiers of the protocol name are applied to a copy of the row.
 *
 * Modelled on WireGuard's noise.c: small mix_hash/mix_key/kdf helpers and
 * every intermediate key wiped before its stack frame goes.
 */
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <crypto/sha2.h>

#include "compat.h"
#include "kdf.h"
#include "noise.h"
#include "noise_test.h"

enum noise_token {
	T_END,
	T_E,
	T_S,
	T_EE,
	T_ES,
	T_SE,
	T_SS,
	T_PSK,
};

#define PRE_E	BIT(0)
#define PRE_S	BIT(1)

struct noise_pattern {
	const char *name;
	u8 pre_i, pre_r;	/* pre-messages of initiator and responder */
	u8 nmsgs;
	u8 msg[NOISE_MAX_MSGS][NOISE_MAX_TOKENS];
};

#define E T_E
#define S T_S
#define EE T_EE
#define ES T_ES
#define SE T_SE
#define SS T_SS

/* Spec sections 7.4, 7.5 and 18.2; messages alternate, initiator first. */
static const struct noise_pattern noise_patterns[] = {
	{ "N",    0,     PRE_S, 1, { { E, ES } } },
	{ "K",    PRE_S, PRE_S, 1, { { E, ES, SS } } },
	{ "X",    0,     PRE_S, 1, { { E, ES, S, SS } } },
	{ "NN",   0,     0,     2, { { E }, { E, EE } } },
	{ "NK",   0,     PRE_S, 2, { { E, ES }, { E, EE } } },
	{ "NX",   0,     0,     2, { { E }, { E, EE, S, ES } } },
	{ "KN",   PRE_S, 0,     2, { { E }, { E, EE, SE } } },
	{ "KK",   PRE_S, PRE_S, 2, { { E, ES, SS }, { E, EE, SE } } },
	{ "KX",   PRE_S, 0,     2, { { E }, { E, EE, SE, S, ES } } },
	{ "XN",   0,     0,     3, { { E }, { E, EE }, { S, SE } } },
	{ "XK",   0,     PRE_S, 3, { { E, ES }, { E, EE }, { S, SE } } },
	{ "XX",   0,     0,     3, { { E }, { E, EE, S, ES }, { S, SE } } },
	{ "IN",   0,     0,     2, { { E, S }, { E, EE, SE } } },
	{ "IK",   0,     PRE_S, 2, { { E, ES, S, SS }, { E, EE, SE } } },
	{ "IX",   0,     0,     2, { { E, S }, { E, EE, SE, S, ES } } },
	/* deferred patterns */
	{ "NK1",  0,     PRE_S, 2, { { E }, { E, EE, ES } } },
	{ "NX1",  0,     0,     3, { { E }, { E, EE, S }, { ES } } },
	{ "X1N",  0,     0,     4, { { E }, { E, EE }, { S }, { SE } } },
	{ "X1K",  0,     PRE_S, 4, { { E, ES }, { E, EE }, { S }, { SE } } },
	{ "XK1",  0,     PRE_S, 3, { { E }, { E, EE, ES }, { S, SE } } },
	{ "X1K1", 0,     PRE_S, 4, { { E }, { E, EE, ES }, { S }, { SE } } },
	{ "X1X",  0,     0,     4, { { E }, { E, EE, S, ES }, { S }, { SE } } },
	{ "XX1",  0,     0,     3, { { E }, { E, EE, S }, { ES, S, SE } } },
	{ "X1X1", 0,     0,     4, { { E }, { E, EE, S }, { ES, S }, { SE } } },
	{ "K1N",  PRE_S, 0,     3, { { E }, { E, EE }, { SE } } },
	{ "K1K",  PRE_S, PRE_S, 3, { { E, ES }, { E, EE }, { SE } } },
	{ "KK1",  PRE_S, PRE_S, 2, { { E }, { E, EE, SE, ES } } },
	{ "K1K1", PRE_S, PRE_S, 3, { { E }, { E, EE, ES }, { SE } } },
	{ "K1X",  PRE_S, 0,     3, { { E }, { E, EE, S, ES }, { SE } } },
	{ "KX1",  PRE_S, 0,     3, { { E }, { E, EE, SE, S }, { ES } } },
	{ "K1X1", PRE_S, 0,     3, { { E }, { E, EE, S }, { SE, ES } } },
	{ "I1N",  0,     0,     3, { { E, S }, { E, EE }, { SE } } },
	{ "I1K",  0,     PRE_S, 3, { { E, ES, S }, { E, EE }, { SE } } },
	{ "IK1",  0,     PRE_S, 2, { { E, S }, { E, EE, SE, ES } } },
	{ "I1K1", 0,     PRE_S, 3, { { E, S }, { E, EE, ES }, { SE } } },
	{ "I1X",  0,     0,     3, { { E, S }, { E, EE, S, ES }, { SE } } },
	{ "IX1",  0,     0,     3, { { E, S }, { E, EE, SE, S }, { ES } } },
	{ "I1X1", 0,     0,     3, { { E, S }, { E, EE, S }, { SE, ES } } },
};

#undef E
#undef S
#undef EE
#undef ES
#undef SE
#undef SS

/* ---- CipherState ---- */

void noise_cipher_init(struct noise_cipher *cs, enum noise_cipher_id cipher)
{
	memset(cs, 0, sizeof(*cs));
	cs->cipher = cipher;
}

void noise_cipher_destroy(struct noise_cipher *cs)
{
	if (cs->aead)
		crypto_free_aead(cs->aead);
	memzero_explicit(cs, sizeof(*cs));
}

void noise_cipher_set_nonce(struct noise_cipher *cs, u64 n)
{
	cs->n = n;
}

int noise_cipher_set_key(struct noise_cipher *cs, const u8 k[NOISE_KEY_LEN])
{
	int ret;

	if (cs->cipher == NOISE_AESGCM) {
		/* One transform per CipherState, keyed again on MixKey. */
		if (!cs->aead) {
			cs->aead = crypto_alloc_aead("gcm(aes)", 0, 0);
			if (IS_ERR(cs->aead)) {
				ret = PTR_ERR(cs->aead);
				cs->aead = NULL;
				return ret;
			}
			ret = crypto_aead_setauthsize(cs->aead, NOISE_TAG_LEN);
			if (ret)
				return ret;
		}
		ret = crypto_aead_setkey(cs->aead, k, NOISE_KEY_LEN);
		if (ret)
			return ret;
	}
	memcpy(cs->k, k, NOISE_KEY_LEN);
	cs->n = 0;
	cs->has_key = true;
	return 0;
}

/*
 * AES-GCM with nonce 4 zero bytes || BE64(n). The request works on one
 * heap copy of ad || data (the crypto API cannot take stack buffers).
 */
static int noise_gcm(struct noise_cipher *cs, bool enc, u64 n, const u8 *ad,
		     size_t adlen, const u8 *in, size_t len, u8 *out)
{
	size_t outlen = enc ? len + NOISE_TAG_LEN : len - NOISE_TAG_LEN;
	size_t room = adlen + max(len, outlen);
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	u8 iv[12] = {};
	u8 *buf;
	int ret;

	buf = kmalloc(room, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	req = aead_request_alloc(cs->aead, GFP_KERNEL_ACCOUNT);
	if (!req) {
		kfree(buf);
		return -ENOMEM;
	}
	if (adlen)
		memcpy(buf, ad, adlen);
	if (len)
		memcpy(buf + adlen, in, len);
	put_unaligned_be64(n, iv + 4);
	sg_init_one(&sg, buf, room);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, adlen);
	aead_request_set_crypt(req, &sg, &sg, len, iv);
	ret = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
				    crypto_aead_decrypt(req), &wait);
	if (!ret)
		memcpy(out, buf + adlen, outlen);
	aead_request_free(req);
	kfree_sensitive(buf);
	return ret;
}

/* ENCRYPT(k, n, ad, plaintext) of the spec, for either cipher. */
static int noise_encrypt_n(struct noise_cipher *cs, u64 n, const u8 *ad,
			   size_t adlen, const u8 *pt, size_t len, u8 *out)
{
	if (len > NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (cs->cipher == NOISE_AESGCM)
		return noise_gcm(cs, true, n, ad, adlen, pt, len, out);
	chacha20poly1305_encrypt(out, pt, len, ad, adlen, n, cs->k);
	return 0;
}

int noise_encrypt_ad(struct noise_cipher *cs, const u8 *ad, size_t adlen,
		     const u8 *pt, size_t len, u8 *out)
{
	int ret;

	if (!cs->has_key) {
		if (len)
			memmove(out, pt, len);
		return 0;
	}
	/* 2^64-1 is reserved for rekey; the counter never wraps. */
	if (cs->n == NOISE_MAX_NONCE)
		return -EOVERFLOW;
	ret = noise_encrypt_n(cs, cs->n, ad, adlen, pt, len, out);
	if (!ret)
		cs->n++;
	return ret;
}

int noise_decrypt_ad(struct noise_cipher *cs, const u8 *ad, size_t adlen,
		     const u8 *ct, size_t len, u8 *out)
{
	int ret = 0;

	if (!cs->has_key) {
		if (len)
			memmove(out, ct, len);
		return 0;
	}
	if (cs->n == NOISE_MAX_NONCE)
		return -EOVERFLOW;
	if (len < NOISE_TAG_LEN || len > NOISE_MAX_MSG)
		return -EBADMSG;
	if (cs->cipher == NOISE_AESGCM)
		ret = noise_gcm(cs, false, cs->n, ad, adlen, ct, len, out);
	else if (!chacha20poly1305_decrypt(out, ct, len, ad, adlen, cs->n,
					   cs->k))
		ret = -EBADMSG;
	/* n moves only on success (spec 5.1). */
	if (!ret)
		cs->n++;
	return ret;
}

/* REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64-1, "", zeros[32]). */
int noise_cipher_rekey(struct noise_cipher *cs)
{
	u8 zeros[NOISE_KEY_LEN] = {};
	u8 out[NOISE_KEY_LEN + NOISE_TAG_LEN];
	u64 n = cs->n;
	int ret;

	if (!cs->has_key)
		return -ENOKEY;
	ret = noise_encrypt_n(cs, NOISE_MAX_NONCE, NULL, 0, zeros,
			      sizeof(zeros), out);
	if (!ret)
		ret = noise_cipher_set_key(cs, out);
	/* Rekey keeps the nonce (spec 11.3). */
	cs->n = n;
	memzero_explicit(out, sizeof(out));
	return ret;
}

/* ---- SymmetricState ---- */

/* HKDF of spec 4.3 with HMAC-SHA256; out2 and out3 may be NULL. */
static int noise_hkdf(const u8 ck[NOISE_HASH_LEN], const u8 *ikm,
		      size_t ikmlen, u8 out1[NOISE_HASH_LEN],
		      u8 out2[NOISE_HASH_LEN], u8 out3[NOISE_HASH_LEN])
{
	u8 prk[NOISE_HASH_LEN], t[NOISE_HASH_LEN + 1];
	int ret;

	ret = pmhs_hmac_sha256(ck, NOISE_HASH_LEN, ikm, ikmlen, prk);
	if (ret)
		goto out;
	t[0] = 1;
	ret = pmhs_hmac_sha256(prk, sizeof(prk), t, 1, t);
	if (ret)
		goto out;
	memcpy(out1, t, NOISE_HASH_LEN);
	if (!out2)
		goto out;
	t[NOISE_HASH_LEN] = 2;
	ret = pmhs_hmac_sha256(prk, sizeof(prk), t, sizeof(t), t);
	if (ret)
		goto out;
	memcpy(out2, t, NOISE_HASH_LEN);
	if (!out3)
		goto out;
	t[NOISE_HASH_LEN] = 3;
	ret = pmhs_hmac_sha256(prk, sizeof(prk), t, sizeof(t), t);
	if (!ret)
		memcpy(out3, t, NOISE_HASH_LEN);
out:
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(t, sizeof(t));
	return ret;
}

/* out = SHA256(h || data); out may be h. */
static void hash2(u8 out[NOISE_HASH_LEN], const u8 h[NOISE_HASH_LEN],
		  const u8 *data, size_t len)
{
	struct sha256_state sctx;

	sha256_init(&sctx);
	sha256_update(&sctx, h, NOISE_HASH_LEN);
	sha256_update(&sctx, data, len);
	sha256_final(&sctx, out);
	memzero_explicit(&sctx, sizeof(sctx));
}

static void mix_hash(struct noise_symmetric *ss, const u8 *data, size_t len)
{
	hash2(ss->h, ss->h, data, len);
}

static int mix_key(struct noise_symmetric *ss, const u8 *ikm, size_t len)
{
	u8 k[NOISE_KEY_LEN];
	int ret;

	ret = noise_hkdf(ss->ck, ikm, len, ss->ck, k, NULL);
	if (!ret)
		ret = noise_cipher_set_key(&ss->cs, k);
	memzero_explicit(k, sizeof(k));
	return ret;
}

static int mix_key_and_hash(struct noise_symmetric *ss, const u8 *ikm,
			    size_t len)
{
	u8 th[NOISE_HASH_LEN], k[NOISE_KEY_LEN];
	int ret;

	ret = noise_hkdf(ss->ck, ikm, len, ss->ck, th, k);
	if (!ret) {
		mix_hash(ss, th, sizeof(th));
		ret = noise_cipher_set_key(&ss->cs, k);
	}
	memzero_explicit(th, sizeof(th));
	memzero_explicit(k, sizeof(k));
	return ret;
}

/* EncryptAndHash: @out has room for len (+ tag once keyed). */
static int encrypt_and_hash(struct noise_symmetric *ss, const u8 *pt,
			    size_t len, u8 *out)
{
	size_t olen = len + (ss->cs.has_key ? NOISE_TAG_LEN : 0);
	int ret;

	ret = noise_encrypt_ad(&ss->cs, ss->h, NOISE_HASH_LEN, pt, len, out);
	if (!ret)
		mix_hash(ss, out, olen);
	return ret;
}

/* DecryptAndHash: h takes the ciphertext but moves only if the tag was
 * good, so hash into a copy first.
 */
static int decrypt_and_hash(struct noise_symmetric *ss, const u8 *ct,
			    size_t len, u8 *out)
{
	u8 next[NOISE_HASH_LEN];
	int ret;

	hash2(next, ss->h, ct, len);
	ret = noise_decrypt_ad(&ss->cs, ss->h, NOISE_HASH_LEN, ct, len, out);
	if (!ret)
		memcpy(ss->h, next, NOISE_HASH_LEN);
	memzero_explicit(next, sizeof(next));
	return ret;
}

/* ---- HandshakeState ---- */

static const struct noise_pattern *noise_find_pattern(const char *name,
						      size_t *baselen)
{
	size_t i, n;

	/* The base is the row name followed by nothing or a modifier. */
	for (i = 0; i < ARRAY_SIZE(noise_patterns); i++) {
		n = strlen(noise_patterns[i].name);
		if (strncmp(name, noise_patterns[i].name, n))
			continue;
		if (name[n] == '_' || !strncmp(name + n, "psk", 3)) {
			*baselen = n;
			return &noise_patterns[i];
		}
	}
	return NULL;
}

static int noise_add_psk(struct noise_handshake *hs, unsigned int pos)
{
	u8 *msg;
	int i;

	if (pos > hs->nmsgs)
		return -EINVAL;
	msg = hs->tokens[pos ? pos - 1 : 0];
	for (i = 0; i < NOISE_MAX_TOKENS && msg[i] != T_END; i++)
		;
	if (i >= NOISE_MAX_TOKENS - 1)
		return -EINVAL;
	if (pos) {
		msg[i] = T_PSK;
	} else {
		memmove(msg + 1, msg, i);
		msg[0] = T_PSK;
	}
	hs->psk_mode = true;
	return 0;
}

/* Parse "Noise_<pattern>[pskN[+pskM]]_25519_<cipher>_SHA256". */
static int noise_parse_name(struct noise_handshake *hs, const char *name,
			    enum noise_cipher_id *cipher,
			    const struct noise_pattern **patp)
{
	const struct noise_pattern *pat;
	unsigned int npsk = 0;
	size_t baselen;
	const char *p;
	int ret;

	if (strncmp(name, "Noise_", 6))
		return -EINVAL;
	p = name + 6;
	pat = noise_find_pattern(p, &baselen);
	if (!pat)
		return -EPROTONOSUPPORT;
	hs->nmsgs = pat->nmsgs;
	memcpy(hs->tokens, pat->msg, sizeof(hs->tokens));
	p += baselen;
	while (!strncmp(p, "psk", 3)) {
		if (p[3] < '0' || p[3] > '9' || npsk >= NOISE_MAX_PSKS)
			return -EINVAL;
		ret = noise_add_psk(hs, p[3] - '0');
		if (ret)
			return ret;
		npsk++;
		p += 4;
		if (*p == '+')
			p++;
	}
	if (!strcmp(p, "_25519_ChaChaPoly_SHA256"))
		*cipher = NOISE_CHACHAPOLY;
	else if (!strcmp(p, "_25519_AESGCM_SHA256"))
		*cipher = NOISE_AESGCM;
	else
		return -EPROTONOSUPPORT;
	*patp = pat;
	return npsk;
}

/* DH(): all-zero output (a low-order or zero peer key) fails. */
static int noise_dh(u8 out[NOISE_DH_LEN], const u8 priv[NOISE_DH_LEN],
		    const u8 pub[NOISE_DH_LEN])
{
	return curve25519(out, priv, pub) ? 0 : -EKEYREJECTED;
}

static int noise_mix_dh(struct noise_handshake *hs, const u8 *priv,
			bool have_priv, const u8 *pub, bool have_pub)
{
	u8 dh[NOISE_DH_LEN];
	int ret;

	if (!have_priv || !have_pub)
		return -ENOKEY;
	ret = noise_dh(dh, priv, pub);
	if (!ret)
		ret = mix_key(&hs->ss, dh, sizeof(dh));
	memzero_explicit(dh, sizeof(dh));
	return ret;
}

int noise_handshake_init(struct noise_handshake *hs, const char *name,
			 bool initiator, const u8 *prologue, size_t plen,
			 const u8 *s_priv, const u8 *rs,
			 const u8 *psks, unsigned int npsks)
{
	const struct noise_pattern *pat;
	enum noise_cipher_id cipher;
	u8 pre_local, pre_remote;
	size_t len;
	int ret;

	memset(hs, 0, sizeof(*hs));
	len = strnlen(name, NOISE_MAX_NAME + 1);
	ret = len > NOISE_MAX_NAME ? -EINVAL :
	      noise_parse_name(hs, name, &cipher, &pat);
	if (ret < 0)
		goto err;
	if ((unsigned int)ret != npsks || (npsks && !psks)) {
		ret = -EINVAL;
		goto err;
	}
	hs->npsks = npsks;
	if (npsks)
		memcpy(hs->psk, psks, npsks * NOISE_KEY_LEN);
	hs->initiator = initiator;
	noise_cipher_init(&hs->ss.cs, cipher);

	/* InitializeSymmetric: a name longer than HASHLEN is hashed. */
	if (len <= NOISE_HASH_LEN)
		memcpy(hs->ss.h, name, len);
	else
		sha256((const u8 *)name, len, hs->ss.h);
	memcpy(hs->ss.ck, hs->ss.h, NOISE_HASH_LEN);
	mix_hash(&hs->ss, prologue, plen);

	if (s_priv) {
		memcpy(hs->s_priv, s_priv, NOISE_DH_LEN);
		ret = -EINVAL;
		if (!curve25519_generate_public(hs->s_pub, hs->s_priv))
			goto err;
		hs->has_s = true;
	}
	if (rs) {
		memcpy(hs->rs, rs, NOISE_DH_LEN);
		hs->has_rs = true;
	}

	/* Pre-messages: the initiator's first, then the responder's. */
	pre_local = initiator ? pat->pre_i : pat->pre_r;
	pre_remote = initiator ? pat->pre_r : pat->pre_i;
	ret = -ENOKEY;
	if (((pre_local & PRE_S) && !hs->has_s) ||
	    ((pre_remote & PRE_S) && !hs->has_rs) ||
	    ((pat->pre_i | pat->pre_r) & PRE_E))
		goto err;
	if (pat->pre_i & PRE_S)
		mix_hash(&hs->ss, initiator ? hs->s_pub : hs->rs, NOISE_DH_LEN);
	if (pat->pre_r & PRE_S)
		mix_hash(&hs->ss, initiator ? hs->rs : hs->s_pub, NOISE_DH_LEN);
	return 0;
err:
	noise_handshake_destroy(hs);
	return ret;
}

int noise_handshake_fix_ephemeral(struct noise_handshake *hs,
				  const u8 e_priv[NOISE_DH_LEN])
{
	if (hs->msg || hs->failed)
		return -EINVAL;
	memcpy(hs->e_priv, e_priv, NOISE_DH_LEN);
	hs->fixed_e = true;
	return 0;
}

void noise_handshake_destroy(struct noise_handshake *hs)
{
	noise_cipher_destroy(&hs->ss.cs);
	memzero_explicit(hs, sizeof(*hs));
}

bool noise_handshake_done(const struct noise_handshake *hs)
{
	return !hs->failed && hs->nmsgs && hs->msg == hs->nmsgs;
}

bool noise_handshake_writes(const struct noise_handshake *hs)
{
	/* Even messages are the initiator's. */
	return !(hs->msg & 1) == hs->initiator;
}

/* The size of message @msg's tokens and whether a key is set after them. */
static size_t noise_tokens_len(const struct noise_handshake *hs, bool *keyed)
{
	const u8 *t = hs->tokens[hs->msg];
	bool key = hs->ss.cs.has_key;
	size_t len = 0;
	int i;

	for (i = 0; i < NOISE_MAX_TOKENS && t[i] != T_END; i++) {
		switch (t[i]) {
		case T_E:
			len += NOISE_DH_LEN;
			key |= hs->psk_mode;
			break;
		case T_S:
			len += NOISE_DH_LEN + (key ? NOISE_TAG_LEN : 0);
			break;
		default:
			key = true;
		}
	}
	*keyed = key;
	return len;
}

static int noise_fail(struct noise_handshake *hs, int ret)
{
	/* One failure ends the handshake: wipe all but the flag. */
	noise_handshake_destroy(hs);
	hs->failed = true;
	return ret;
}

static int noise_token_dh(struct noise_handshake *hs, u8 token)
{
	bool i = hs->initiator;

	switch (token) {
	case T_EE:
		return noise_mix_dh(hs, hs->e_priv, hs->has_e, hs->re,
				    hs->has_re);
	case T_ES:
		return i ? noise_mix_dh(hs, hs->e_priv, hs->has_e, hs->rs,
					hs->has_rs) :
			   noise_mix_dh(hs, hs->s_priv, hs->has_s, hs->re,
					hs->has_re);
	case T_SE:
		return i ? noise_mix_dh(hs, hs->s_priv, hs->has_s, hs->re,
					hs->has_re) :
			   noise_mix_dh(hs, hs->e_priv, hs->has_e, hs->rs,
					hs->has_rs);
	case T_SS:
		return noise_mix_dh(hs, hs->s_priv, hs->has_s, hs->rs,
				    hs->has_rs);
	case T_PSK:
		if (hs->psk_used >= hs->npsks)
			return -ENOKEY;
		return mix_key_and_hash(&hs->ss, hs->psk[hs->psk_used++],
					NOISE_KEY_LEN);
	}
	return -EINVAL;
}

int noise_write_message(struct noise_handshake *hs, const u8 *payload,
			size_t plen, u8 *out, size_t outmax, size_t *outlen)
{
	size_t need, off = 0;
	const u8 *t;
	bool keyed;
	int i, ret;

	if (hs->failed || hs->msg >= hs->nmsgs || !noise_handshake_writes(hs))
		return -EINVAL;
	need = noise_tokens_len(hs, &keyed);
	if (plen > NOISE_MAX_MSG)
		return -EMSGSIZE;
	need += plen + (keyed ? NOISE_TAG_LEN : 0);
	if (need > NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (need > outmax)
		return -ENOBUFS;

	t = hs->tokens[hs->msg];
	for (i = 0; i < NOISE_MAX_TOKENS && t[i] != T_END; i++) {
		switch (t[i]) {
		case T_E:
			if (!hs->fixed_e)
				get_random_bytes(hs->e_priv, NOISE_DH_LEN);
			ret = -EINVAL;
			if (!curve25519_generate_public(hs->e_pub, hs->e_priv))
				break;
			hs->has_e = true;
			memcpy(out + off, hs->e_pub, NOISE_DH_LEN);
			off += NOISE_DH_LEN;
			mix_hash(&hs->ss, hs->e_pub, NOISE_DH_LEN);
			ret = hs->psk_mode ?
			      mix_key(&hs->ss, hs->e_pub, NOISE_DH_LEN) : 0;
			break;
		case T_S:
			ret = hs->has_s ? 0 : -ENOKEY;
			if (ret)
				break;
			ret = encrypt_and_hash(&hs->ss, hs->s_pub,
					       NOISE_DH_LEN, out + off);
			off += NOISE_DH_LEN +
			       (hs->ss.cs.has_key ? NOISE_TAG_LEN : 0);
			break;
		default:
			ret = noise_token_dh(hs, t[i]);
		}
		if (ret)
			return noise_fail(hs, ret);
	}
	ret = encrypt_and_hash(&hs->ss, payload, plen, out + off);
	if (ret)
		return noise_fail(hs, ret);
	*outlen = need;
	hs->msg++;
	return 0;
}

int noise_read_message(struct noise_handshake *hs, const u8 *msg, size_t len,
		       u8 *payload, size_t pmax, size_t *plen)
{
	size_t need, off = 0, slen, tag;
	const u8 *t;
	bool keyed;
	int i, ret;

	if (hs->failed || hs->msg >= hs->nmsgs || noise_handshake_writes(hs))
		return -EINVAL;
	need = noise_tokens_len(hs, &keyed);
	tag = keyed ? NOISE_TAG_LEN : 0;
	if (len > NOISE_MAX_MSG || len < need + tag)
		return noise_fail(hs, -EBADMSG);
	if (len - need - tag > pmax)
		return -ENOBUFS;

	t = hs->tokens[hs->msg];
	for (i = 0; i < NOISE_MAX_TOKENS && t[i] != T_END; i++) {
		switch (t[i]) {
		case T_E:
			memcpy(hs->re, msg + off, NOISE_DH_LEN);
			hs->has_re = true;
			off += NOISE_DH_LEN;
			mix_hash(&hs->ss, hs->re, NOISE_DH_LEN);
			ret = hs->psk_mode ?
			      mix_key(&hs->ss, hs->re, NOISE_DH_LEN) : 0;
			break;
		case T_S:
			slen = NOISE_DH_LEN +
			       (hs->ss.cs.has_key ? NOISE_TAG_LEN : 0);
			ret = decrypt_and_hash(&hs->ss, msg + off, slen,
					       hs->rs);
			hs->has_rs = !ret;
			off += slen;
			break;
		default:
			ret = noise_token_dh(hs, t[i]);
		}
		if (ret)
			return noise_fail(hs, ret);
	}
	ret = decrypt_and_hash(&hs->ss, msg + off, len - off, payload);
	if (ret)
		return noise_fail(hs, ret);
	*plen = len - off - tag;
	hs->msg++;
	return 0;
}

int noise_split(struct noise_handshake *hs, struct noise_cipher *c1,
		struct noise_cipher *c2)
{
	u8 k1[NOISE_KEY_LEN], k2[NOISE_KEY_LEN];
	u8 cipher = hs->ss.cs.cipher;
	int ret;

	if (!noise_handshake_done(hs))
		return -EINVAL;
	noise_cipher_init(c1, cipher);
	noise_cipher_init(c2, cipher);
	ret = noise_hkdf(hs->ss.ck, NULL, 0, k1, k2, NULL) ?:
	      noise_cipher_set_key(c1, k1) ?:
	      noise_cipher_set_key(c2, k2);
	if (ret) {
		noise_cipher_destroy(c1);
		noise_cipher_destroy(c2);
	}
	memzero_explicit(k1, sizeof(k1));
	memzero_explicit(k2, sizeof(k2));
	return ret;
}

/*
 * A third HKDF output of Split()'s chaining key: independent of both
 * transport keys, it is what pmhs publishes for kTLS and IPsec.
 */
int noise_export(const struct noise_handshake *hs, u8 out[NOISE_KEY_LEN])
{
	u8 k1[NOISE_HASH_LEN], k2[NOISE_HASH_LEN];
	int ret;

	if (!noise_handshake_done(hs))
		return -EINVAL;
	ret = noise_hkdf(hs->ss.ck, NULL, 0, k1, k2, out);
	memzero_explicit(k1, sizeof(k1));
	memzero_explicit(k2, sizeof(k2));
	return ret;
}

bool noise_needs_local_static(const struct noise_handshake *hs)
{
	unsigned int m, i;
	u8 t;

	for (m = 0; m < hs->nmsgs; m++) {
		for (i = 0; i < NOISE_MAX_TOKENS; i++) {
			t = hs->tokens[m][i];
			if (t == T_END)
				break;
			/* Our s: sent in our messages, or in a DH with it. */
			if (t == T_SS ||
			    (t == T_S && !(m & 1) == hs->initiator) ||
			    (t == T_SE && hs->initiator) ||
			    (t == T_ES && !hs->initiator))
				return true;
		}
	}
	return false;
}

void noise_handshake_hash(const struct noise_handshake *hs,
			  u8 h[NOISE_HASH_LEN])
{
	memcpy(h, hs->ss.h, NOISE_HASH_LEN);
}

int noise_remote_static(const struct noise_handshake *hs,
			u8 rs[NOISE_DH_LEN])
{
	if (!hs->has_rs)
		return -ENOKEY;
	memcpy(rs, hs->rs, NOISE_DH_LEN);
	return 0;
}
