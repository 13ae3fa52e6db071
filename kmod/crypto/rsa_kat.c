// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of the RSA code, run at module load: SPKI import and
 * export against fixed keys and fingerprints, PSS verification and OAEP
 * decryption against vectors (rsa_kat.h, made by tools/gen-rsa-kat.py),
 * and a sign/verify and encrypt/decrypt round trip through the public
 * API only.
 */
#include <linux/fips.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mont.h"
#include "rsa.h"
#include "rsa_kat.h"

/* @ret 0 means "succeeded but should not have, or gave a wrong answer" */
static int pmhs_kat_fail(const char *what, const char *name, int ret)
{
	if (ret)
		pr_err("RSA self-test failed: %s %s: error %d\n", what, name,
		       ret);
	else
		pr_err("RSA self-test failed: %s %s: wrong result\n", what,
		       name);
	/* keep insmod's message sane: -EKEYREJECTED would read oddly */
	return ret == -ENOMEM || ret == -EIO ? ret : -EINVAL;
}

static int pmhs_kat_spki(struct pmhs_rsa_pub **pubs)
{
	const struct pmhs_kat_spki *t;
	const char *why;
	size_t i, len;
	u8 fpr[PMHS_RSA_FPR_LEN], *der;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pmhs_kat_bad_spkis); i++) {
		const struct pmhs_kat_bad *b = &pmhs_kat_bad_spkis[i];
		struct pmhs_rsa_pub *pub;

		ret = pmhs_rsa_pub_from_spki(b->der, b->der_len, &pub, &why);
		if (ret != -EINVAL || !why) {
			if (!ret)
				pmhs_rsa_pub_put(pub);
			return pmhs_kat_fail("SPKI accepted:", b->name, ret);
		}
	}
	for (i = 0; i < ARRAY_SIZE(pmhs_kat_spkis); i++) {
		t = &pmhs_kat_spkis[i];
		if (fips_enabled && t->bits < 2048)
			continue;	/* refused by policy, tested no further */
		ret = pmhs_rsa_pub_from_spki(t->der, t->der_len, &pubs[i], &why);
		if (ret)
			return pmhs_kat_fail("SPKI import", t->name, ret);
		ret = pmhs_rsa_pub_to_spki(pubs[i], &der, &len) ?:
		      pmhs_rsa_fingerprint(pubs[i], fpr);
		if (ret)
			return pmhs_kat_fail("SPKI export", t->name, ret);
		if (len != t->der_len || memcmp(der, t->der, len) ||
		    memcmp(fpr, t->fpr, sizeof(fpr)))
			ret = -EINVAL;
		kfree(der);
		if (ret)
			return pmhs_kat_fail("SPKI round trip", t->name, ret);
	}
	return 0;
}

static int pmhs_kat_oaep(void)
{
	const struct pmhs_kat_oaep *t;
	struct pmhs_rsa_priv *priv = NULL;
	const u8 *key = NULL;
	size_t i, outlen;
	const char *why;
	u8 *out;
	int ret = 0;

	out = kmalloc(PMHS_RSA_MAX_BYTES, GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(pmhs_kat_oaeps); i++) {
		t = &pmhs_kat_oaeps[i];
		if (t->key != key) {
			pmhs_rsa_priv_free(priv);
			key = t->key;
			ret = pmhs_rsa_priv_from_pkcs1(key, t->key_len, &priv,
						       &why);
			if (ret) {
				ret = pmhs_kat_fail("PKCS#1 import", t->name,
						    ret);
				break;
			}
		}
		ret = pmhs_rsa_oaep_decrypt(priv, t->hash, t->ct, t->ct_len,
					    out, PMHS_RSA_MAX_BYTES, &outlen);
		if (ret != t->expect ||
		    (!ret && (outlen != t->pt_len ||
			      memcmp(out, t->pt, outlen)))) {
			ret = pmhs_kat_fail("OAEP decrypt", t->name, ret);
			break;
		}
		ret = 0;
	}
	pmhs_rsa_priv_free(priv);
	kfree_sensitive(out);
	return ret;
}

static int pmhs_kat_pss(struct pmhs_rsa_pub **pubs)
{
	const struct pmhs_kat_pss *t;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pmhs_kat_psss); i++) {
		t = &pmhs_kat_psss[i];
		if (!pubs[t->spki])
			continue;	/* skipped in FIPS mode */
		ret = pmhs_rsa_pss_verify(pubs[t->spki], t->msg, t->msg_len,
					  t->sig, t->sig_len);
		if (ret != t->expect)
			return pmhs_kat_fail("PSS verify", t->name, ret);
	}
	return 0;
}

/* Sign/verify and encrypt/decrypt with alice, the first KAT key. */
static int pmhs_kat_roundtrip(struct pmhs_rsa_pub *alice_spki)
{
	static const u8 msg[] = "pmhs RSA self-test";
	struct pmhs_rsa_priv *priv;
	struct pmhs_rsa_pub *pub;
	u8 *sig, *ct, *pt;
	size_t k, ptlen;
	const char *why;
	int ret;

	ret = pmhs_rsa_priv_from_pkcs1(pmhs_kat_oaeps[0].key,
				       pmhs_kat_oaeps[0].key_len, &priv, &why);
	if (ret)
		return pmhs_kat_fail("PKCS#1 import", "alice", ret);
	pub = pmhs_rsa_priv_pub(priv);
	k = pmhs_rsa_size(pub);
	if (!pmhs_rsa_pub_equal(pub, alice_spki)) {
		ret = pmhs_kat_fail("public key of", "alice", -EINVAL);
		goto out_priv;
	}
	ret = -ENOMEM;
	sig = kzalloc(3 * k, GFP_KERNEL_ACCOUNT);
	if (!sig)
		goto out_priv;
	ct = sig + k;
	pt = ct + k;

	ret = pmhs_rsa_pss_sign(priv, msg, sizeof(msg), sig);
	if (!ret)
		ret = pmhs_rsa_pss_verify(alice_spki, msg, sizeof(msg), sig, k);
	if (ret) {
		ret = pmhs_kat_fail("PSS sign/verify", "alice", ret);
		goto out;
	}
	sig[k / 2] ^= 0x10;
	ret = pmhs_rsa_pss_verify(alice_spki, msg, sizeof(msg), sig, k);
	if (ret != -EKEYREJECTED) {
		ret = pmhs_kat_fail("PSS verify of bad signature", "alice", ret);
		goto out;
	}

	ret = pmhs_rsa_oaep_encrypt(alice_spki, PMHS_HASH_SHA256, msg,
				    sizeof(msg), ct);
	if (!ret)
		ret = pmhs_rsa_oaep_decrypt(priv, PMHS_HASH_SHA256, ct, k, pt,
					    k, &ptlen);
	if (!ret && (ptlen != sizeof(msg) || memcmp(pt, msg, ptlen)))
		ret = -EINVAL;
	if (ret) {
		ret = pmhs_kat_fail("OAEP encrypt/decrypt", "alice", ret);
		goto out;
	}
	ret = pmhs_rsa_oaep_encrypt(alice_spki, PMHS_HASH_SHA1, pt,
				    pmhs_rsa_oaep_max_msg(pub, PMHS_HASH_SHA1) + 1,
				    ct);
	if (ret != -EMSGSIZE) {
		ret = pmhs_kat_fail("OAEP encrypt of long message", "alice", ret);
		goto out;
	}
	ret = 0;
out:
	kfree_sensitive(sig);
out_priv:
	pmhs_rsa_priv_free(priv);
	return ret;
}

/* auto: the faster on this CPU, timed at load (see pmhs_mont_select()) */
static char *mont_rows = "auto";
module_param(mont_rows, charp, 0444);
MODULE_PARM_DESC(mont_rows, "Montgomery rows of the RSA private operation: auto, mulx (BMI2 + ADX) or mulq");

int pmhs_rsa_selftest(void)
{
	struct pmhs_rsa_pub *pubs[ARRAY_SIZE(pmhs_kat_spkis)] = {};
	u64 t0 = ktime_get_ns(), mulx_ns, mulq_ns;
	size_t i;
	int ret;

	/* first, so that the known answers check the rows chosen */
	ret = pmhs_mont_select(mont_rows, &mulx_ns, &mulq_ns);
	if (ret == -EINVAL)
		pr_err("mont_rows=%s: want auto, mulx or mulq\n", mont_rows);
	else if (ret == -EOPNOTSUPP)
		pr_err("mont_rows=%s: this CPU cannot run those rows (mulx needs BMI2 and ADX)\n",
		       mont_rows);
	else if (ret)
		pr_err("RSA self-test: choosing the Montgomery rows failed (%d)\n", ret);
	if (ret)
		return ret;
	ret = pmhs_kat_spki(pubs) ?:
	      pmhs_kat_pss(pubs) ?:
	      pmhs_kat_oaep() ?:
	      pmhs_kat_roundtrip(pubs[0]);
	for (i = 0; i < ARRAY_SIZE(pubs); i++)
		pmhs_rsa_pub_put(pubs[i]);
	if (ret)
		return ret;
	pr_info("RSA self-tests passed in %llu ms (Montgomery rows: %s; mulx %llu us, mulq %llu us)\n",
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC), pmhs_mont_rows(),
		div_u64(mulx_ns, NSEC_PER_USEC), div_u64(mulq_ns, NSEC_PER_USEC));
	return 0;
}
