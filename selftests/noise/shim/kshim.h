/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's API to compile kmod/proto/noise.c in userspace,
 * each call mapped onto OpenSSL 3 libcrypto: curve25519, ChaCha20-Poly1305,
 * SHA-256, a synchronous crypto_aead "gcm(aes)", and the memory helpers.
 */
#ifndef _PMHS_NOISE_KSHIM_H
#define _PMHS_NOISE_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define U64_MAX UINT64_MAX
#define BIT(n) (1UL << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))

#define GFP_KERNEL 0
#define GFP_KERNEL_ACCOUNT 0
#define kmalloc(n, f) malloc(n)
#define kzalloc(n, f) calloc(1, n)
#define kfree free
#define kfree_sensitive free
#define memzero_explicit(p, n) OPENSSL_cleanse(p, n)

static inline void shim_die(const char *what)
{
	fprintf(stderr, "shim: %s failed\n", what);
	abort();
}

static inline void get_random_bytes(void *p, size_t n)
{
	if (RAND_bytes(p, n) != 1)
		shim_die("RAND_bytes");
}

static inline int crypto_memneq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) != 0;
}

static inline void put_unaligned_be64(u64 v, u8 *p)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

/* ---- SHA-256 (lib/crypto) ---- */
struct sha256_state {
	EVP_MD_CTX *ctx;
};

static inline void sha256_init(struct sha256_state *s)
{
	s->ctx = EVP_MD_CTX_new();
	if (!s->ctx || !EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL))
		shim_die("sha256_init");
}

static inline void sha256_update(struct sha256_state *s, const u8 *d,
				 unsigned int n)
{
	if (!EVP_DigestUpdate(s->ctx, d, n))
		shim_die("sha256_update");
}

static inline void sha256_final(struct sha256_state *s, u8 *out)
{
	if (!EVP_DigestFinal_ex(s->ctx, out, NULL))
		shim_die("sha256_final");
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

static inline void sha256(const u8 *d, unsigned int n, u8 *out)
{
	struct sha256_state s;

	sha256_init(&s);
	sha256_update(&s, d, n);
	sha256_final(&s, out);
}

/* ---- curve25519: false on an all-zero result, as the kernel's ---- */
static inline bool curve25519(u8 out[32], const u8 priv[32],
			      const u8 pub[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
						   priv, 32);
	EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL,
						  pub, 32);
	EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
	static const u8 zero[32];
	size_t len = 32;
	bool ok;

	if (!k || !p || !c)
		shim_die("X25519 keys");
	/* OpenSSL itself refuses an all-zero shared secret. */
	ok = EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, p) == 1 &&
	     EVP_PKEY_derive(c, out, &len) == 1 && len == 32;
	if (!ok)
		memset(out, 0, 32);
	ok = ok && CRYPTO_memcmp(out, zero, 32);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(k);
	EVP_PKEY_free(p);
	return ok;
}

/* false for an all-zero secret, as the kernel's */
static inline bool curve25519_generate_public(u8 pub[32], const u8 priv[32])
{
	static const u8 zero[32];

	if (!CRYPTO_memcmp(priv, zero, 32))
		return false;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
						   priv, 32);
	size_t len = 32;

	if (!k || EVP_PKEY_get_raw_public_key(k, pub, &len) != 1)
		shim_die("X25519 public key");
	EVP_PKEY_free(k);
	return true;
}

/* ---- AEADs through EVP ---- */
static inline bool shim_aead(const EVP_CIPHER *ci, bool enc, const u8 *key,
			     const u8 iv[12], const u8 *ad, size_t adlen,
			     const u8 *in, size_t len, u8 *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	size_t dlen = enc ? len : len - 16;
	int n = 0, ok;

	if (!enc && len < 16) {
		EVP_CIPHER_CTX_free(c);
		return false;
	}
	ok = EVP_CipherInit_ex(c, ci, NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) &&
	     (!adlen || EVP_CipherUpdate(c, NULL, &n, ad, adlen)) &&
	     (!dlen || EVP_CipherUpdate(c, out, &n, in, dlen));
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16,
					 (void *)(in + dlen));
	ok = ok && EVP_CipherFinal_ex(c, out + dlen, &n);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16,
					 out + dlen);
	EVP_CIPHER_CTX_free(c);
	return ok;
}

static inline void chacha20poly1305_encrypt(u8 *dst, const u8 *src,
					    size_t len, const u8 *ad,
					    size_t adlen, u64 nonce,
					    const u8 key[32])
{
	u8 iv[12] = {};
	int i;

	for (i = 0; i < 8; i++)
		iv[4 + i] = nonce >> (8 * i);
	if (!shim_aead(EVP_chacha20_poly1305(), true, key, iv, ad, adlen,
		       src, len, dst))
		shim_die("chacha20poly1305_encrypt");
}

static inline bool chacha20poly1305_decrypt(u8 *dst, const u8 *src,
					    size_t len, const u8 *ad,
					    size_t adlen, u64 nonce,
					    const u8 key[32])
{
	u8 iv[12] = {};
	int i;

	for (i = 0; i < 8; i++)
		iv[4 + i] = nonce >> (8 * i);
	return shim_aead(EVP_chacha20_poly1305(), false, key, iv, ad, adlen,
			 src, len, dst);
}

/* crypto_aead "gcm(aes)", synchronous; sg is one buffer (sg_init_one). */
struct scatterlist {
	u8 *buf;
	size_t len;
};

static inline void sg_init_one(struct scatterlist *sg, void *buf, size_t len)
{
	sg->buf = buf;
	sg->len = len;
}

struct crypto_aead {
	u8 key[32];
	unsigned int keylen, authsize;
};

struct aead_request {
	struct crypto_aead *tfm;
	struct scatterlist *src, *dst;
	unsigned int cryptlen, assoclen;
	u8 *iv;
};

#define CRYPTO_TFM_REQ_MAY_SLEEP 0
#define crypto_req_done NULL
#define DECLARE_CRYPTO_WAIT(w) int w = 0
#define crypto_wait_req(r, w) ((void)(w), (r))
#define aead_request_set_callback(req, f, fn, d) ((void)(d))

/* How many transforms are live: the test checks none leak. */
extern int shim_aead_live;

static inline struct crypto_aead *crypto_alloc_aead(const char *name, u32 t,
						    u32 m)
{
	struct crypto_aead *a;

	if (strcmp(name, "gcm(aes)"))
		return ERR_PTR(-ENOENT);
	a = calloc(1, sizeof(*a));
	if (!a)
		return ERR_PTR(-ENOMEM);
	shim_aead_live++;
	return a;
}

static inline void crypto_free_aead(struct crypto_aead *a)
{
	if (a)
		shim_aead_live--;
	free(a);
}

static inline int crypto_aead_setauthsize(struct crypto_aead *a,
					  unsigned int n)
{
	if (n != 16)
		return -EINVAL;
	a->authsize = n;
	return 0;
}

static inline int crypto_aead_setkey(struct crypto_aead *a, const u8 *k,
				     unsigned int n)
{
	if (n != 16 && n != 32)
		return -EINVAL;
	memcpy(a->key, k, n);
	a->keylen = n;
	return 0;
}

static inline struct aead_request *aead_request_alloc(struct crypto_aead *a,
						      int gfp)
{
	struct aead_request *r = calloc(1, sizeof(*r));

	if (r)
		r->tfm = a;
	return r;
}

#define aead_request_free free

static inline void aead_request_set_ad(struct aead_request *r,
				       unsigned int n)
{
	r->assoclen = n;
}

static inline void aead_request_set_crypt(struct aead_request *r,
					  struct scatterlist *src,
					  struct scatterlist *dst,
					  unsigned int len, u8 *iv)
{
	r->src = src;
	r->dst = dst;
	r->cryptlen = len;
	r->iv = iv;
}

static inline int shim_gcm(struct aead_request *r, bool enc)
{
	u8 *buf = r->src->buf, *tmp;
	size_t outlen = enc ? r->cryptlen + 16 : r->cryptlen - 16;
	bool ok;

	if (r->src != r->dst || r->tfm->keylen != 32 || r->tfm->authsize != 16)
		shim_die("gcm request");
	if (r->assoclen + max(r->cryptlen, outlen) > r->src->len)
		shim_die("gcm buffer");
	tmp = malloc(outlen + 1);
	ok = shim_aead(EVP_aes_256_gcm(), enc, r->tfm->key, r->iv, buf,
		       r->assoclen, buf + r->assoclen, r->cryptlen, tmp);
	if (ok)
		memcpy(buf + r->assoclen, tmp, outlen);
	free(tmp);
	return ok ? 0 : -EBADMSG;
}

#define crypto_aead_encrypt(r) shim_gcm(r, true)
#define crypto_aead_decrypt(r) shim_gcm(r, false)

#endif
