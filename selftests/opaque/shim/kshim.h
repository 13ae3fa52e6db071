/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's API to compile kmod/crypto/sha512.c,
 * kmod/proto/opaque.c and kmod/crypto/r255.c in userspace: the "sha512"
 * shash on OpenSSL 3's EVP digests, crypto_memneq(), the memory helpers.
 */
#ifndef _PMHS_OPAQUE_KSHIM_H
#define _PMHS_OPAQUE_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

typedef uint8_t u8;
typedef int8_t s8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#if defined(__SIZEOF_INT128__)
#define CONFIG_ARCH_SUPPORTS_INT128 1
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))
#define pr_err(...) fprintf(stderr, __VA_ARGS__)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define noinline __attribute__((noinline))

#define memzero_explicit(p, n) OPENSSL_cleanse(p, n)
#define GFP_KERNEL 0
#define kzalloc(n, f) calloc(1, n)
#define kfree_sensitive free

/* The kernel's: 0, or -EINVAL on a character that is not hex. */
static inline int hex2bin(u8 *dst, const char *src, size_t count)
{
	while (count--) {
		u8 b = 0;
		int i;

		for (i = 0; i < 2; i++) {
			char c = *src++;

			if (c >= '0' && c <= '9')
				b = b << 4 | (c - '0');
			else if (c >= 'a' && c <= 'f')
				b = b << 4 | (c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				b = b << 4 | (c - 'A' + 10);
			else
				return -EINVAL;
		}
		*dst++ = b;
	}
	return 0;
}

static inline int crypto_memneq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) != 0;
}

/* ---- the shash API over EVP ---- */
#define SHA512_DIGEST_SIZE 64
#define SHA512_BLOCK_SIZE 128

struct crypto_shash {
	const EVP_MD *md;
};

struct shash_desc {
	struct crypto_shash *tfm;
	EVP_MD_CTX *ctx;
};

/* Tests set this to make the next n-th shash call fail (0: never). */
extern int shim_shash_fail_at;

static inline int shim_shash_fail(void)
{
	return shim_shash_fail_at > 0 && --shim_shash_fail_at == 0;
}

#define SHASH_DESC_ON_STACK(d, t) \
	struct shash_desc __##d##_desc = { 0 }, *d = &__##d##_desc

static inline struct crypto_shash *crypto_alloc_shash(const char *name,
						      u32 type, u32 mask)
{
	struct crypto_shash *t;

	if (strcmp(name, "sha512"))
		return ERR_PTR(-ENOENT);
	t = calloc(1, sizeof(*t));
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->md = EVP_sha512();
	return t;
}

static inline void crypto_free_shash(struct crypto_shash *t)
{
	free(t);
}

static inline const char *crypto_shash_driver_name(struct crypto_shash *t)
{
	return "openssl-sha512";
}

static inline int crypto_shash_init(struct shash_desc *d)
{
	if (shim_shash_fail())
		return -EIO;
	if (!d->ctx)
		d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || !EVP_DigestInit_ex(d->ctx, d->tfm->md, NULL))
		return -ENOMEM;
	return 0;
}

static inline int crypto_shash_update(struct shash_desc *d, const u8 *p,
				      unsigned int n)
{
	if (shim_shash_fail())
		return -EIO;
	return EVP_DigestUpdate(d->ctx, p, n) ? 0 : -EINVAL;
}

static inline int crypto_shash_final(struct shash_desc *d, u8 *out)
{
	if (shim_shash_fail())
		return -EIO;
	return EVP_DigestFinal_ex(d->ctx, out, NULL) ? 0 : -EINVAL;
}

static inline int crypto_shash_finup(struct shash_desc *d, const u8 *p,
				     unsigned int n, u8 *out)
{
	return crypto_shash_update(d, p, n) ?: crypto_shash_final(d, out);
}

static inline int crypto_shash_digest(struct shash_desc *d, const u8 *p,
				      unsigned int n, u8 *out)
{
	return crypto_shash_init(d) ?: crypto_shash_finup(d, p, n, out);
}

static inline void shash_desc_zero(struct shash_desc *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

#endif
