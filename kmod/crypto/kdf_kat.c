// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of kdf.c, run at module load: SHA-256, HMAC-SHA256,
 * HKDF-SHA256 and PBKDF2-HMAC-SHA256 against the vectors in kdf_kat.h.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <crypto/sha2.h>

#include "kdf.h"
#include "kdf_kat.h"

static int pmhs_kat_check(const char *what, const char *name, const u8 *got,
			  const u8 *want, size_t len, int ret)
{
	if (ret) {
		pr_err("self-test %s \"%s\" failed: %d\n", what, name, ret);
		return ret;
	}
	if (memcmp(got, want, len)) {
		pr_err("self-test %s \"%s\": wrong output\n", what, name);
		return -EBADMSG;
	}
	return 0;
}

int pmhs_kdf_selftest(void)
{
	u8 out[PMHS_KAT_MAX_DK];
	s64 pbkdf2_us = 0;
	ktime_t t0;
	unsigned int i;
	int ret;

	t0 = ktime_get();
	for (i = 0; i < ARRAY_SIZE(pmhs_sha256_kats); i++) {
		const struct pmhs_hash_kat *k = &pmhs_sha256_kats[i];

		ret = pmhs_sha256(k->msg, k->msglen, out);
		ret = pmhs_kat_check("sha256", k->name, out, k->out,
				     SHA256_DIGEST_SIZE, ret);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(pmhs_hmac_kats); i++) {
		const struct pmhs_hmac_kat *k = &pmhs_hmac_kats[i];

		ret = pmhs_hmac_sha256(k->key, k->keylen, k->msg, k->msglen,
				       out);
		ret = pmhs_kat_check("hmac-sha256", k->name, out, k->out,
				     SHA256_DIGEST_SIZE, ret);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(pmhs_hkdf_kats); i++) {
		const struct pmhs_hkdf_kat *k = &pmhs_hkdf_kats[i];
		u8 prk[SHA256_DIGEST_SIZE];

		ret = pmhs_hkdf_sha256_extract(k->salt, k->saltlen, k->ikm,
					       k->ikmlen, prk);
		ret = pmhs_kat_check("hkdf-extract", k->name, prk, k->prk,
				     sizeof(prk), ret);
		if (!ret) {
			ret = pmhs_hkdf_sha256_expand(prk, k->info, k->infolen,
						      out, k->okmlen);
			ret = pmhs_kat_check("hkdf-expand", k->name, out,
					     k->okm, k->okmlen, ret);
		}
		memzero_explicit(prk, sizeof(prk));
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(pmhs_pbkdf2_kats); i++) {
		const struct pmhs_pbkdf2_kat *k = &pmhs_pbkdf2_kats[i];
		ktime_t s = ktime_get();

		ret = pmhs_pbkdf2_sha256(k->pw, k->pwlen, k->salt, k->saltlen,
					 k->iterations, out, k->dklen);
		if (k->iterations == 100000)
			pbkdf2_us = ktime_us_delta(ktime_get(), s);
		ret = pmhs_kat_check("pbkdf2-sha256", k->name, out, k->dk,
				     k->dklen, ret);
		if (ret)
			return ret;
	}
	memzero_explicit(out, sizeof(out));
	pr_info("kdf self-tests passed in %lld ms (%s; one PBKDF2 of 100000 iterations: %lld ms)\n",
		ktime_ms_delta(ktime_get(), t0),
		pmhs_kdf_driver(),
		pbkdf2_us / 1000);
	return 0;
}
