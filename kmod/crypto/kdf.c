// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256 and HKDF-SHA256 on the kernel
 * crypto API.
 *
 * One unkeyed "sha256" shash is shared by all callers: HMAC is built from
 * it with precomputed inner and outer states (exported after the ipad and
 * opad blocks), so no caller ever sets a key on a shared transform and the
 * hot path takes no lock. Each PBKDF2 iteration is then two imports and two
 * one-block finups, and the password is hashed into the pads once.
 *
 * Everything here may sleep.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "compat.h"
#include "kdf.h"

/* Room for an exported sha256 state (struct sha256_state is 104 bytes). */
#define PMHS_SHA256_STATE_MAX	128

static struct crypto_shash *pmhs_sha256_tfm;

struct pmhs_hmac_key {
	u8 istate[PMHS_SHA256_STATE_MAX];
	u8 ostate[PMHS_SHA256_STATE_MAX];
};

int pmhs_sha256(const u8 *data, size_t len, u8 out[32])
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha256_tfm);
	int ret;

	desc->tfm = pmhs_sha256_tfm;
	ret = crypto_shash_digest(desc, data, len, out);
	shash_desc_zero(desc);
	return ret;
}

/* Hash the key into the ipad and opad blocks once and keep both states. */
static int pmhs_hmac_setkey(struct shash_desc *desc, struct pmhs_hmac_key *hk,
			    const u8 *key, size_t keylen)
{
	u8 pad[SHA256_BLOCK_SIZE] = {};
	int ret, i;

	desc->tfm = pmhs_sha256_tfm;
	if (keylen > SHA256_BLOCK_SIZE) {
		ret = crypto_shash_digest(desc, key, keylen, pad);
		if (ret)
			goto out;
	} else if (keylen) {
		memcpy(pad, key, keylen);
	}

	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] ^= 0x36;
	ret = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, pad, sizeof(pad)) ?:
	      crypto_shash_export(desc, hk->istate);
	if (ret)
		goto out;

	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	ret = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, pad, sizeof(pad)) ?:
	      crypto_shash_export(desc, hk->ostate);
out:
	memzero_explicit(pad, sizeof(pad));
	return ret;
}

/* Start an HMAC: the message follows with crypto_shash_update(). */
static int pmhs_hmac_start(struct shash_desc *desc,
			   const struct pmhs_hmac_key *hk)
{
	return crypto_shash_import(desc, hk->istate);
}

/* Finish an HMAC started with pmhs_hmac_start(); out may not alias. */
static int pmhs_hmac_finish(struct shash_desc *desc,
			    const struct pmhs_hmac_key *hk, u8 out[32])
{
	u8 inner[SHA256_DIGEST_SIZE];
	int ret;

	ret = crypto_shash_final(desc, inner) ?:
	      crypto_shash_import(desc, hk->ostate) ?:
	      crypto_shash_finup(desc, inner, sizeof(inner), out);
	memzero_explicit(inner, sizeof(inner));
	return ret;
}

int pmhs_hmac_sha256(const u8 *key, size_t keylen, const u8 *msg, size_t len,
		     u8 out[32])
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha256_tfm);
	struct pmhs_hmac_key hk;
	u8 mac[SHA256_DIGEST_SIZE];
	int ret;

	ret = pmhs_hmac_setkey(desc, &hk, key, keylen) ?:
	      pmhs_hmac_start(desc, &hk) ?:
	      crypto_shash_update(desc, msg, len) ?:
	      pmhs_hmac_finish(desc, &hk, mac);
	if (!ret)
		memcpy(out, mac, sizeof(mac));
	memzero_explicit(mac, sizeof(mac));
	memzero_explicit(&hk, sizeof(hk));
	shash_desc_zero(desc);
	return ret;
}

int pmhs_pbkdf2_sha256(const u8 *pw, size_t pwlen, const u8 *salt,
		       size_t saltlen, u32 iterations, u8 *out, size_t outlen)
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha256_tfm);
	struct pmhs_hmac_key hk;
	u8 u[SHA256_DIGEST_SIZE], next[SHA256_DIGEST_SIZE];
	u8 t[SHA256_DIGEST_SIZE];
	size_t done = 0, n;
	u32 block, i, j;
	__be32 ctr;
	int ret;

	/* RFC 8018 caps dkLen at (2^32 - 1) * hLen; a u32 block index does. */
	if (!iterations || !outlen ||
	    outlen / SHA256_DIGEST_SIZE >= U32_MAX)
		return -EINVAL;

	ret = pmhs_hmac_setkey(desc, &hk, pw, pwlen);
	for (block = 1; !ret && done < outlen; block++) {
		ctr = cpu_to_be32(block);
		ret = pmhs_hmac_start(desc, &hk) ?:
		      crypto_shash_update(desc, salt, saltlen) ?:
		      crypto_shash_update(desc, (u8 *)&ctr, sizeof(ctr)) ?:
		      pmhs_hmac_finish(desc, &hk, u);
		memcpy(t, u, sizeof(t));
		for (i = 1; !ret && i < iterations; i++) {
			ret = pmhs_hmac_start(desc, &hk) ?:
			      crypto_shash_update(desc, u, sizeof(u)) ?:
			      pmhs_hmac_finish(desc, &hk, next);
			memcpy(u, next, sizeof(u));
			for (j = 0; j < SHA256_DIGEST_SIZE; j++)
				t[j] ^= u[j];
			/* 100000 iterations need a break; 10M, a way out. */
			if (!(i & 1023)) {
				cond_resched();
				if (fatal_signal_pending(current))
					ret = -EINTR;
			}
		}
		n = min_t(size_t, outlen - done, SHA256_DIGEST_SIZE);
		memcpy(out + done, t, n);
		done += n;
	}
	if (ret)
		memzero_explicit(out, outlen);
	memzero_explicit(u, sizeof(u));
	memzero_explicit(next, sizeof(next));
	memzero_explicit(t, sizeof(t));
	memzero_explicit(&hk, sizeof(hk));
	shash_desc_zero(desc);
	return ret;
}

int pmhs_hkdf_sha256_extract(const u8 *salt, size_t saltlen, const u8 *ikm,
			     size_t ikmlen, u8 prk[32])
{
	/* An absent salt is HashLen zeros, which HMAC pads to the same key. */
	return pmhs_hmac_sha256(salt, saltlen, ikm, ikmlen, prk);
}

int pmhs_hkdf_sha256_expand(const u8 prk[32], const u8 *info, size_t infolen,
			    u8 *out, size_t outlen)
{
	SHASH_DESC_ON_STACK(desc, pmhs_sha256_tfm);
	struct pmhs_hmac_key hk;
	u8 t[SHA256_DIGEST_SIZE], next[SHA256_DIGEST_SIZE];
	size_t done = 0, tlen = 0, n;
	u8 c;
	int ret;

	if (outlen > 255 * SHA256_DIGEST_SIZE)
		return -EINVAL;

	ret = pmhs_hmac_setkey(desc, &hk, prk, SHA256_DIGEST_SIZE);
	for (c = 1; !ret && done < outlen; c++) {
		/* T(c) = HMAC(PRK, T(c - 1) | info | c), T(0) empty */
		ret = pmhs_hmac_start(desc, &hk) ?:
		      crypto_shash_update(desc, t, tlen) ?:
		      crypto_shash_update(desc, info, infolen) ?:
		      crypto_shash_update(desc, &c, 1) ?:
		      pmhs_hmac_finish(desc, &hk, next);
		memcpy(t, next, sizeof(t));
		tlen = sizeof(t);
		n = min_t(size_t, outlen - done, SHA256_DIGEST_SIZE);
		memcpy(out + done, t, n);
		done += n;
	}
	if (ret)
		memzero_explicit(out, outlen);
	memzero_explicit(t, sizeof(t));
	memzero_explicit(next, sizeof(next));
	memzero_explicit(&hk, sizeof(hk));
	shash_desc_zero(desc);
	return ret;
}

int pmhs_kdf_init(void)
{
	struct crypto_shash *tfm;

	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("cannot allocate sha256: %ld\n", PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	/* The HMAC states live on the stack in fixed-size buffers. */
	if (crypto_shash_statesize(tfm) > PMHS_SHA256_STATE_MAX) {
		pr_err("%s: exported state too large (%u)\n",
		       crypto_shash_driver_name(tfm),
		       crypto_shash_statesize(tfm));
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	pmhs_sha256_tfm = tfm;
	return 0;
}

const char *pmhs_kdf_driver(void)
{
	return crypto_shash_driver_name(pmhs_sha256_tfm);
}

void pmhs_kdf_uninit(void)
{
	crypto_free_shash(pmhs_sha256_tfm);
	pmhs_sha256_tfm = NULL;
}
