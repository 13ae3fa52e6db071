// SPDX-License-Identifier: GPL-2.0
/*
 * RSA padding as poorman_handshake (pycryptodome) does it: OAEP with
 * SHA-1 or SHA-256 and a constant-time decoder, PSS with SHA-256 and a
 * 32-byte salt, both over MGF1. The hashes are allocated once here.
 *
 * Secrets: stack buffers are memzero_explicit()ed, heap buffers
 * kfree_sensitive()d.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rsa_int.h"

#define PMHS_PSS_SALT_LEN 32

static struct crypto_shash *pmhs_sha1_tfm;
static struct crypto_shash *pmhs_sha256_tfm;

struct crypto_shash *pmhs_rsa_hash_tfm(enum pmhs_hash h)
{
	switch (h) {
	case PMHS_HASH_SHA1:
		return pmhs_sha1_tfm;
	case PMHS_HASH_SHA256:
		return pmhs_sha256_tfm;
	}
	return NULL;
}

/* Branch-free helpers for the OAEP decoder: masks are 0 or all ones. */
static inline u32 ct_is_zero(unsigned long x)
{
	return (u32)(((x | (0UL - x)) >> (BITS_PER_LONG - 1)) - 1);
}

static inline u32 ct_eq(unsigned long a, unsigned long b)
{
	return ct_is_zero(a ^ b);
}

/* a < b, for a, b < 2^(BITS_PER_LONG - 1) */
static inline u32 ct_lt(unsigned long a, unsigned long b)
{
	return (u32)(0UL - ((a - b) >> (BITS_PER_LONG - 1)));
}

static inline unsigned long ct_select(u32 mask, unsigned long a,
				      unsigned long b)
{
	unsigned long m = (unsigned long)(s32)mask;

	return (a & m) | (b & ~m);
}

/* out ^= MGF1(seed)[0..outlen) with @tfm's hash (RFC 8017 B.2.1) */
static int pmhs_mgf1_xor(struct crypto_shash *tfm, const u8 *seed,
			 size_t seedlen, u8 *out, size_t outlen)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int hlen = crypto_shash_digestsize(tfm);
	u8 dig[SHA256_DIGEST_SIZE];
	__be32 ctr;
	size_t i, n;
	u32 c;
	int ret = 0;

	if (WARN_ON_ONCE(hlen > sizeof(dig)))
		return -EINVAL;
	desc->tfm = tfm;
	for (c = 0; outlen; c++) {
		ctr = cpu_to_be32(c);
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, seed, seedlen) ?:
		      crypto_shash_update(desc, (u8 *)&ctr, sizeof(ctr)) ?:
		      crypto_shash_final(desc, dig);
		if (ret)
			break;
		n = min_t(size_t, outlen, hlen);
		for (i = 0; i < n; i++)
			out[i] ^= dig[i];
		out += n;
		outlen -= n;
	}
	memzero_explicit(dig, sizeof(dig));
	shash_desc_zero(desc);
	return ret;
}

/* ---- OAEP ---- */

size_t pmhs_rsa_oaep_max_msg(const struct pmhs_rsa_pub *pub, enum pmhs_hash h)
{
	struct crypto_shash *tfm = pmhs_rsa_hash_tfm(h);
	size_t hlen;

	if (!tfm)
		return 0;
	hlen = crypto_shash_digestsize(tfm);
	return pub->size > 2 * hlen + 2 ? pub->size - 2 * hlen - 2 : 0;
}

int pmhs_rsa_oaep_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			  const u8 *msg, size_t len, u8 *out)
{
	struct crypto_shash *tfm = pmhs_rsa_hash_tfm(h);
	size_t k = pub->size, hlen, dblen;
	u8 *em, *seed, *db;
	int ret;

	if (!tfm)
		return -EINVAL;
	hlen = crypto_shash_digestsize(tfm);
	if (len > pmhs_rsa_oaep_max_msg(pub, h))
		return -EMSGSIZE;
	dblen = k - hlen - 1;
	em = kzalloc(k, GFP_KERNEL_ACCOUNT);
	if (!em)
		return -ENOMEM;
	/* EM = 0x00 || maskedSeed || maskedDB, DB = lHash || PS || 01 || M */
	seed = em + 1;
	db = seed + hlen;
	ret = crypto_shash_tfm_digest(tfm, db, 0, db);
	if (ret)
		goto out;
	db[dblen - len - 1] = 0x01;
	memcpy(db + dblen - len, msg, len);
	get_random_bytes(seed, hlen);
	ret = pmhs_mgf1_xor(tfm, seed, hlen, db, dblen) ?:
	      pmhs_mgf1_xor(tfm, db, dblen, seed, hlen) ?:
	      pmhs_rsa_public(pub, em, out);
out:
	kfree_sensitive(em);
	return ret;
}

int pmhs_rsa_oaep_decrypt(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			  const u8 *ct, size_t ctlen,
			  u8 *out, size_t outmax, size_t *outlen)
{
	struct crypto_shash *tfm = pmhs_rsa_hash_tfm(h);
	size_t k = priv->pub->size, hlen, dblen, i, idx, mlen;
	u8 lhash[SHA256_DIGEST_SIZE];
	u32 good, looking, bad, is0, is1;
	u8 *em, *seed, *db;
	int ret;

	if (!tfm)
		return -EINVAL;
	hlen = crypto_shash_digestsize(tfm);
	if (ctlen != k || k < 2 * hlen + 2)
		return -EBADMSG;
	em = kmalloc(k, GFP_KERNEL_ACCOUNT);
	if (!em)
		return -ENOMEM;
	ret = pmhs_rsa_private(priv, ct, em);
	if (ret == -EINVAL)	/* c >= n */
		ret = -EBADMSG;
	if (ret)
		goto out;
	seed = em + 1;
	db = seed + hlen;
	dblen = k - hlen - 1;
	ret = pmhs_mgf1_xor(tfm, db, dblen, seed, hlen) ?:
	      pmhs_mgf1_xor(tfm, seed, hlen, db, dblen) ?:
	      crypto_shash_tfm_digest(tfm, db, 0, lhash);
	if (ret)
		goto out;

	/* No branch depends on EM until every check is folded into good. */
	good = ct_is_zero(em[0]);
	good &= ct_is_zero(crypto_memneq(db, lhash, hlen));
	looking = ~0U;
	bad = 0;
	idx = 0;
	for (i = hlen; i < dblen; i++) {
		is0 = ct_is_zero(db[i]);
		is1 = ct_eq(db[i], 1);
		idx = ct_select(looking & is1, i, idx);
		bad |= looking & ~is0 & ~is1;
		looking &= ~is1;
	}
	good &= ~looking & ~bad;
	mlen = dblen - idx - 1;
	outmax = min(outmax, k);	/* keeps ct_lt() in range */
	good &= ~ct_lt(outmax, mlen);
	if (!good) {
		ret = -EBADMSG;
		goto out;
	}
	memcpy(out, db + idx + 1, mlen);
	*outlen = mlen;
out:
	memzero_explicit(lhash, sizeof(lhash));
	kfree_sensitive(em);
	return ret;
}

/* ---- PSS ---- */

/* H = SHA-256(0x00 * 8 || mHash || salt) */
static int pmhs_pss_hash(const u8 *mhash, const u8 *salt, u8 *out)
{
	static const u8 zeros[8];
	SHASH_DESC_ON_STACK(desc, pmhs_sha256_tfm);
	int ret;

	desc->tfm = pmhs_sha256_tfm;
	ret = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, zeros, sizeof(zeros)) ?:
	      crypto_shash_update(desc, mhash, SHA256_DIGEST_SIZE) ?:
	      crypto_shash_update(desc, salt, PMHS_PSS_SALT_LEN) ?:
	      crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

int pmhs_rsa_pss_sign(struct pmhs_rsa_priv *priv, const u8 *msg, size_t len,
		      u8 *sig)
{
	struct pmhs_rsa_pub *pub = priv->pub;
	size_t k = pub->size, embits = pub->bits - 1;
	size_t emlen = DIV_ROUND_UP(embits, 8);
	size_t hlen = SHA256_DIGEST_SIZE, dblen = emlen - hlen - 1;
	u8 mhash[SHA256_DIGEST_SIZE];
	u8 *buf, *em, *db, *salt, *h;
	int ret;

	if (emlen < hlen + PMHS_PSS_SALT_LEN + 2)
		return -EINVAL;
	buf = kzalloc(k, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	/* EM (emlen bytes, right-aligned) = maskedDB || H || 0xbc */
	em = buf + k - emlen;
	db = em;
	h = db + dblen;
	salt = h - PMHS_PSS_SALT_LEN;
	salt[-1] = 0x01;
	get_random_bytes(salt, PMHS_PSS_SALT_LEN);
	ret = crypto_shash_tfm_digest(pmhs_sha256_tfm, msg, len, mhash) ?:
	      pmhs_pss_hash(mhash, salt, h) ?:
	      pmhs_mgf1_xor(pmhs_sha256_tfm, h, hlen, db, dblen);
	if (ret)
		goto out;
	db[0] &= 0xff >> (8 * emlen - embits);
	em[emlen - 1] = 0xbc;
	ret = pmhs_rsa_private(priv, buf, sig);
out:
	memzero_explicit(mhash, sizeof(mhash));
	kfree_sensitive(buf);
	return ret;
}

int pmhs_rsa_pss_verify(const struct pmhs_rsa_pub *pub, const u8 *msg,
			size_t len, const u8 *sig, size_t siglen)
{
	size_t k = pub->size, embits = pub->bits - 1;
	size_t emlen = DIV_ROUND_UP(embits, 8);
	size_t hlen = SHA256_DIGEST_SIZE, dblen = emlen - hlen - 1, i;
	size_t pslen = dblen - PMHS_PSS_SALT_LEN - 1;
	u8 mhash[SHA256_DIGEST_SIZE], h2[SHA256_DIGEST_SIZE];
	u8 topmask = 0xff >> (8 * emlen - embits);
	u8 *buf, *em, *db, *h;
	int ret;

	if (siglen != k || emlen < hlen + PMHS_PSS_SALT_LEN + 2)
		return -EKEYREJECTED;
	buf = kmalloc(k, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	ret = pmhs_rsa_public(pub, sig, buf);
	if (ret) {
		if (ret == -EINVAL)	/* s >= n */
			ret = -EKEYREJECTED;
		goto out;
	}
	ret = -EKEYREJECTED;
	em = buf + k - emlen;
	db = em;
	h = db + dblen;
	if ((emlen < k && buf[0]) || em[emlen - 1] != 0xbc ||
	    (db[0] & ~topmask))
		goto out;
	ret = pmhs_mgf1_xor(pmhs_sha256_tfm, h, hlen, db, dblen);
	if (ret)
		goto out;
	ret = -EKEYREJECTED;
	db[0] &= topmask;
	for (i = 0; i < pslen; i++)
		if (db[i])
			goto out;
	if (db[pslen] != 0x01)
		goto out;
	ret = crypto_shash_tfm_digest(pmhs_sha256_tfm, msg, len, mhash) ?:
	      pmhs_pss_hash(mhash, db + pslen + 1, h2);
	if (ret)
		goto out;
	ret = crypto_memneq(h, h2, hlen) ? -EKEYREJECTED : 0;
out:
	kfree(buf);
	return ret;
}

/* ---- setup ---- */

int pmhs_rsa_init(void)
{
	pmhs_sha1_tfm = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(pmhs_sha1_tfm))
		return PTR_ERR(pmhs_sha1_tfm);
	pmhs_sha256_tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(pmhs_sha256_tfm)) {
		crypto_free_shash(pmhs_sha1_tfm);
		return PTR_ERR(pmhs_sha256_tfm);
	}
	return 0;
}

void pmhs_rsa_uninit(void)
{
	crypto_free_shash(pmhs_sha256_tfm);
	crypto_free_shash(pmhs_sha1_tfm);
}
