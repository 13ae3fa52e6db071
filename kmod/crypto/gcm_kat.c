// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of gcm16.c, run at module load: the vectors in
 * gcm_kat.h, and a large message against the kernel's own gcm(aes).
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <crypto/sha2.h>

#include "gcm16.h"
#include "gcm_kat.h"
#include "kdf.h"

static int pmhs_gcm_kat_one(const struct pmhs_gcm_kat *k, u8 *buf)
{
	u8 tag[PMHS_GCM_TAG_SIZE];
	int ret;

	if (k->valid) {
		ret = pmhs_gcm_encrypt(k->key, k->keylen, k->iv, k->ivlen,
				       k->aad, k->aadlen, k->pt, k->len, buf,
				       tag);
		if (ret)
			return ret;
		if (memcmp(buf, k->ct, k->len) ||
		    memcmp(tag, k->tag, PMHS_GCM_TAG_SIZE))
			return -EBADMSG;
	}
	memset(buf, 0xaa, k->len);
	ret = pmhs_gcm_decrypt(k->key, k->keylen, k->iv, k->ivlen, k->aad,
			       k->aadlen, k->ct, k->len, k->tag, buf);
	if (k->valid)
		return ret ?: (memcmp(buf, k->pt, k->len) ? -EBADMSG : 0);
	/* A bad tag must be refused, and nothing of the plaintext kept. */
	if (ret != -EBADMSG)
		return ret ?: -EINVAL;
	return memchr_inv(buf, 0, k->len) ? -EINVAL : 0;
}

/* Deterministic test data; gen-sym-kat.py makes the same bytes. */
static void pmhs_gcm_fill(u8 *p, size_t len)
{
	u32 x = PMHS_GCM_BIG_SEED;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		p[i] = x >> 24;
	}
}

/*
 * A message longer than the bounce buffer, in a vmalloc'd buffer and in
 * place, whose counter wraps in its second chunk.
 */
static int pmhs_gcm_kat_big(void)
{
	const struct pmhs_gcm_big_kat *k = &pmhs_gcm_big_kat;
	u8 tag[PMHS_GCM_TAG_SIZE], digest[SHA256_DIGEST_SIZE];
	u8 *p, *want;
	int ret;

	p = vmalloc(k->len);
	want = vmalloc(k->len);
	if (!p || !want) {
		ret = -ENOMEM;
		goto out;
	}
	pmhs_gcm_fill(want, k->len);
	memcpy(p, want, k->len);
	ret = pmhs_gcm_encrypt(k->key, k->keylen, k->iv, k->ivlen, k->aad,
			       k->aadlen, p, k->len, p, tag) ?:
	      pmhs_sha256(p, k->len, digest);
	if (ret)
		goto out;
	if (memcmp(digest, k->ct_sha256, sizeof(digest)) ||
	    memcmp(tag, k->tag, sizeof(tag))) {
		ret = -EBADMSG;
		goto out;
	}
	ret = pmhs_gcm_decrypt(k->key, k->keylen, k->iv, k->ivlen, k->aad,
			       k->aadlen, p, k->len, tag, p);
	if (!ret && memcmp(p, want, k->len))
		ret = -EBADMSG;
	if (ret)
		goto out;
	/* One flipped ciphertext bit: refused, and the buffer wiped. */
	ret = pmhs_gcm_encrypt(k->key, k->keylen, k->iv, k->ivlen, k->aad,
			       k->aadlen, p, k->len, p, tag);
	if (ret)
		goto out;
	p[k->len - 1] ^= 1;
	ret = pmhs_gcm_decrypt(k->key, k->keylen, k->iv, k->ivlen, k->aad,
			       k->aadlen, p, k->len, tag, p);
	if (ret == -EBADMSG)
		ret = memchr_inv(p, 0, k->len) ? -EINVAL : 0;
	else
		ret = ret ?: -EINVAL;
out:
	vfree(want);
	vfree(p);
	return ret;
}

int pmhs_gcm_selftest(void)
{
	static const u8 key[16];
	u8 tag[PMHS_GCM_TAG_SIZE];
	ktime_t t0 = ktime_get();
	unsigned int i;
	u8 *buf;
	int ret = 0;

	buf = kmalloc(PMHS_GCM_KAT_MAX_LEN, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(pmhs_gcm_kats); i++) {
		ret = pmhs_gcm_kat_one(&pmhs_gcm_kats[i], buf);
		if (ret) {
			pr_err("self-test aes-gcm \"%s\" failed: %d\n",
			       pmhs_gcm_kats[i].name, ret);
			goto out;
		}
	}
	ret = pmhs_gcm_kat_big();
	if (ret) {
		pr_err("self-test aes-gcm \"%s\" failed: %d\n",
		       pmhs_gcm_big_kat.name, ret);
		goto out;
	}
	/* GCM is undefined for an empty IV. */
	if (pmhs_gcm_encrypt(key, sizeof(key), key, 0, NULL, 0, buf, 0, buf,
			     tag) != -EINVAL) {
		pr_err("self-test aes-gcm: empty IV not refused\n");
		ret = -EINVAL;
		goto out;
	}
	pr_info("aes-gcm self-tests passed in %lld ms (%s)\n",
		ktime_ms_delta(ktime_get(), t0), pmhs_gcm_drivers_used());
out:
	kfree_sensitive(buf);
	return ret;
}
