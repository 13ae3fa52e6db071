// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-512, HMAC-SHA512 and HKDF-SHA512 on the kernel crypto API, for
 * OPAQUE (RFC 9807).
 *
 * One unkeyed "sha512" shash is shared by all callers and HMAC is built on
 * it (RFC 2104) with on-stack descriptors: a shared keyed "hmac(sha512)"
 * would need a lock around every setkey and digest. OPAQUE's HMACs are few
 * and short, so the pads are hashed per call rather than kept as exported
 * states (kdf.c does that for PBKDF2's many iterations).
 *
 * Everything here may sleep.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "compat.h"
#include "sha512.h"

static struct crypto_shash *pmhs_sha512_tfm;

int pmhs_sha512_v(const struct pmhs_buf *v, unsigned int n,
		  u8 out[PMHS_SHA512_LEN])
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha512_tfm);
	unsigned int i;
	int ret;

	desc->tfm = pmhs_sha512_tfm;
	ret = crypto_shash_init(desc);
	for (i = 0; !ret && i < n; i++)
		ret = crypto_shash_update(desc, v[i].p, v[i].len);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

int pmhs_sha512(const u8 *data, size_t len, u8 out[PMHS_SHA512_LEN])
{
	struct pmhs_buf v = { data, len };

	return pmhs_sha512_v(&v, 1, out);
}

/* Hash (key ^ pad) as the first block of @desc. */
static int pmhs_hmac_pad(struct shash_desc *desc, const u8 *key, u8 x)
{
	u8 block[SHA512_BLOCK_SIZE];
	int ret, i;

	for (i = 0; i < SHA512_BLOCK_SIZE; i++)
		block[i] = key[i] ^ x;
	ret = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, block, sizeof(block));
	memzero_explicit(block, sizeof(block));
	return ret;
}

int pmhs_hmac_sha512_v(const u8 *key, size_t keylen,
		       const struct pmhs_buf *v, unsigned int n,
		       u8 out[PMHS_SHA512_LEN])
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha512_tfm);
	u8 k[SHA512_BLOCK_SIZE] = {};
	u8 inner[SHA512_DIGEST_SIZE];
	unsigned int i;
	int ret = 0;

	desc->tfm = pmhs_sha512_tfm;
	if (keylen > SHA512_BLOCK_SIZE)
		ret = crypto_shash_digest(desc, key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	if (!ret)
		ret = pmhs_hmac_pad(desc, k, 0x36);
	for (i = 0; !ret && i < n; i++)
		ret = crypto_shash_update(desc, v[i].p, v[i].len);
	ret = ret ?: crypto_shash_final(desc, inner) ?:
	      pmhs_hmac_pad(desc, k, 0x5c) ?:
	      crypto_shash_finup(desc, inner, sizeof(inner), out);
	memzero_explicit(k, sizeof(k));
	memzero_explicit(inner, sizeof(inner));
	shash_desc_zero(desc);
	return ret;
}

int pmhs_hmac_sha512(const u8 *key, size_t keylen, const u8 *msg, size_t len,
		     u8 out[PMHS_SHA512_LEN])
{
	struct pmhs_buf v = { msg, len };

	return pmhs_hmac_sha512_v(key, keylen, &v, 1, out);
}

int pmhs_hkdf_sha512_extract(const u8 *salt, size_t saltlen, const u8 *ikm,
			     size_t ikmlen, u8 prk[PMHS_SHA512_LEN])
{
	/* An absent salt is HashLen zeros, which HMAC pads to the same key. */
	return pmhs_hmac_sha512(salt, saltlen, ikm, ikmlen, prk);
}

/* At most this many info pieces, plus T(c - 1) and the counter. */
#define PMHS_HKDF_INFO_MAX	6

int pmhs_hkdf_sha512_expand_v(const u8 prk[PMHS_SHA512_LEN],
			      const struct pmhs_buf *info, unsigned int n,
			      u8 *out, size_t outlen)
{
	struct pmhs_buf v[PMHS_HKDF_INFO_MAX + 2];
	u8 t[SHA512_DIGEST_SIZE];
	size_t done = 0, len;
	unsigned int i;
	int ret = 0;
	u8 c;

	if (outlen > 255 * SHA512_DIGEST_SIZE || n > PMHS_HKDF_INFO_MAX)
		return -EINVAL;
	/* T(c) = HMAC(PRK, T(c - 1) | info | c), T(0) empty */
	v[0].p = t;
	v[0].len = 0;
	for (i = 0; i < n; i++)
		v[i + 1] = info[i];
	v[n + 1].p = &c;
	v[n + 1].len = 1;
	for (c = 1; !ret && done < outlen; c++) {
		ret = pmhs_hmac_sha512_v(prk, PMHS_SHA512_LEN, v, n + 2, t);
		v[0].len = sizeof(t);
		len = min_t(size_t, outlen - done, sizeof(t));
		if (!ret)
			memcpy(out + done, t, len);
		done += len;
	}
	if (ret)
		memzero_explicit(out, outlen);
	memzero_explicit(t, sizeof(t));
	return ret;
}

int pmhs_hkdf_sha512_expand(const u8 prk[PMHS_SHA512_LEN], const u8 *info,
			    size_t infolen, u8 *out, size_t outlen)
{
	struct pmhs_buf v = { info, infolen };

	return pmhs_hkdf_sha512_expand_v(prk, &v, 1, out, outlen);
}

int pmhs_sha512_init(void)
{
	struct crypto_shash *tfm;

	tfm = crypto_alloc_shash("sha512", 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("cannot allocate sha512: %ld\n", PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	pmhs_sha512_tfm = tfm;
	return 0;
}

const char *pmhs_sha512_driver(void)
{
	return crypto_shash_driver_name(pmhs_sha512_tfm);
}

void pmhs_sha512_uninit(void)
{
	crypto_free_shash(pmhs_sha512_tfm);
	pmhs_sha512_tfm = NULL;
}

/* SHA-512("abc"), FIPS 180-2 appendix C.1 */
static const u8 kat_sha512_abc[SHA512_DIGEST_SIZE] = {
	0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba,
	0xcc, 0x41, 0x73, 0x49, 0xae, 0x20, 0x41, 0x31,
	0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2,
	0x0a, 0x9e, 0xee, 0xe6, 0x4b, 0x55, 0xd3, 0x9a,
	0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1, 0xa8,
	0x36, 0xba, 0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd,
	0x45, 0x4d, 0x44, 0x23, 0x64, 0x3c, 0xe8, 0x0e,
	0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f,
};

/* HMAC-SHA512("Jefe", "what do ya want for nothing?"), RFC 4231 case 2 */
static const u8 kat_hmac_jefe[SHA512_DIGEST_SIZE] = {
	0x16, 0x4b, 0x7a, 0x7b, 0xfc, 0xf8, 0x19, 0xe2,
	0xe3, 0x95, 0xfb, 0xe7, 0x3b, 0x56, 0xe0, 0xa3,
	0x87, 0xbd, 0x64, 0x22, 0x2e, 0x83, 0x1f, 0xd6,
	0x10, 0x27, 0x0c, 0xd7, 0xea, 0x25, 0x05, 0x54,
	0x97, 0x58, 0xbf, 0x75, 0xc0, 0x5a, 0x99, 0x4a,
	0x6d, 0x03, 0x4f, 0x65, 0xf8, 0xf0, 0xe6, 0xfd,
	0xca, 0xea, 0xb1, 0xa3, 0x4d, 0x4a, 0x6b, 0x4b,
	0x63, 0x6e, 0x07, 0x0a, 0x38, 0xbc, 0xe7, 0x37,
};

/*
 * HKDF-SHA512 on RFC 5869 case 1's inputs (22 x 0x0b, salt 00..0c, info
 * f0..f9), 80 bytes: a second block that is cut short.
 */
static const u8 kat_hkdf_okm[80] = {
	0x83, 0x23, 0x90, 0x08, 0x6c, 0xda, 0x71, 0xfb,
	0x47, 0x62, 0x5b, 0xb5, 0xce, 0xb1, 0x68, 0xe4,
	0xc8, 0xe2, 0x6a, 0x1a, 0x16, 0xed, 0x34, 0xd9,
	0xfc, 0x7f, 0xe9, 0x2c, 0x14, 0x81, 0x57, 0x93,
	0x38, 0xda, 0x36, 0x2c, 0xb8, 0xd9, 0xf9, 0x25,
	0xd7, 0xcb, 0xcc, 0xe0, 0xdf, 0xf7, 0x09, 0x87,
	0x69, 0xcf, 0x15, 0x95, 0x98, 0x67, 0xd5, 0x71,
	0xc1, 0x71, 0x54, 0x50, 0xcb, 0x53, 0x01, 0x37,
	0xbe, 0x3f, 0xb6, 0x2f, 0x3c, 0xf3, 0x2b, 0x84,
	0xfe, 0xba, 0x8f, 0x1e, 0xb1, 0xb5, 0x63, 0xe2,
};

int pmhs_sha512_selftest(void)
{
	static const u8 salt[13] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};
	static const u8 info[10] = {
		0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
	};
	u8 ikm[22], prk[SHA512_DIGEST_SIZE], okm[sizeof(kat_hkdf_okm)];
	u8 out[SHA512_DIGEST_SIZE];
	int ret;

	memset(ikm, 0x0b, sizeof(ikm));
	ret = pmhs_sha512((const u8 *)"abc", 3, out);
	if (!ret && memcmp(out, kat_sha512_abc, sizeof(out)))
		ret = -EINVAL;
	if (!ret)
		ret = pmhs_hmac_sha512((const u8 *)"Jefe", 4,
				       (const u8 *)"what do ya want for nothing?",
				       28, out);
	if (!ret && memcmp(out, kat_hmac_jefe, sizeof(out)))
		ret = -EINVAL;
	if (!ret)
		ret = pmhs_hkdf_sha512_extract(salt, sizeof(salt), ikm,
					       sizeof(ikm), prk) ?:
		      pmhs_hkdf_sha512_expand(prk, info, sizeof(info), okm,
					      sizeof(okm));
	if (!ret && memcmp(okm, kat_hkdf_okm, sizeof(okm)))
		ret = -EINVAL;
	if (ret)
		pr_err("sha512 (%s) known-answer test failed: %d\n",
		       pmhs_sha512_driver(), ret);
	return ret;
}
