// SPDX-License-Identifier: GPL-2.0
/*
 * AES-GCM with nonces of any length, as pycryptodome does it with its
 * 16-byte default. The kernel's "gcm(aes)" only takes 12-byte nonces, so
 * this composes "ctr(aes)" and "ghash" itself (NIST SP 800-38D):
 *
 *   H  = AES_K(0^128)
 *   J0 = IV | 0^31 | 1                          if len(IV) = 96 bits
 *   J0 = GHASH_H(IV | 0-pad | 0^64 | [len(IV)]64) otherwise
 *   C  = P ^ keystream from inc32(J0), tag = GHASH_H(A, C) ^ AES_K(J0)
 *
 * inc32 wraps the low 32 counter bits without carrying into the upper 96,
 * while "ctr(aes)" carries across all 128: every CTR request therefore
 * ends at the wrap point, and the next one starts from the wrapped block.
 *
 * Data goes through a small kmalloc'd bounce buffer, so callers may pass
 * vmalloc'd buffers (which cannot go into a scatterlist directly) and may
 * encrypt in place.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <crypto/skcipher.h>

#include "compat.h"
#include "gcm16.h"
#include "kdf.h"
#include "gcm_kat.h"

/* Bounce buffer size: a multiple of the block size, order-2 at most. */
#define PMHS_GCM_CHUNK		(16 * 1024)
#define PMHS_GCM_BLOCK		16

struct pmhs_gcm {
	struct crypto_sync_skcipher *ctr;
	struct crypto_shash *ghash;
	u8 *buf;			/* PMHS_GCM_CHUNK bytes */
	u8 j0[PMHS_GCM_BLOCK];
	u8 ekj0[PMHS_GCM_BLOCK];	/* AES_K(J0), masks the tag */
};

static const u8 pmhs_gcm_zero[PMHS_GCM_BLOCK];

/* XOR len bytes of buf with the CTR keystream that starts at block ctr. */
static int pmhs_gcm_ctr(struct pmhs_gcm *g, const u8 ctr[PMHS_GCM_BLOCK],
			u8 *buf, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, g->ctr);
	u8 iv[PMHS_GCM_BLOCK];	/* the request advances its IV */
	struct scatterlist sg;
	int ret;

	memcpy(iv, ctr, sizeof(iv));
	sg_init_one(&sg, buf, len);
	skcipher_request_set_sync_tfm(req, g->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, iv);
	ret = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	memzero_explicit(iv, sizeof(iv));
	return ret;
}

/* Zero-pad what was hashed so far to a block boundary. */
static int pmhs_ghash_pad(struct shash_desc *desc, size_t hashed)
{
	unsigned int r = hashed % PMHS_GCM_BLOCK;

	if (!r)
		return 0;
	return crypto_shash_update(desc, pmhs_gcm_zero, PMHS_GCM_BLOCK - r);
}

/* Two 64-bit big-endian bit counts: one GHASH length block. */
static int pmhs_ghash_lengths(struct shash_desc *desc, u64 a, u64 b)
{
	__be64 lens[2] = { cpu_to_be64(a * 8), cpu_to_be64(b * 8) };

	return crypto_shash_update(desc, (u8 *)lens, sizeof(lens));
}

static void pmhs_gcm_free(struct pmhs_gcm *g, struct shash_desc *desc)
{
	/* desc->tfm is set once there is a state worth wiping. */
	if (desc->tfm)
		shash_desc_zero(desc);
	kfree_sensitive(g->buf);
	if (!IS_ERR_OR_NULL(g->ghash))
		crypto_free_shash(g->ghash);
	if (!IS_ERR_OR_NULL(g->ctr))
		crypto_free_sync_skcipher(g->ctr);
	memzero_explicit(g, sizeof(*g));
}

/* Key the transforms and derive H, J0 and AES_K(J0). */
static int pmhs_gcm_setup(struct pmhs_gcm *g, struct shash_desc *desc,
			  const u8 *key, unsigned int keylen, const u8 *iv,
			  unsigned int ivlen)
{
	int ret;

	memset(g, 0, sizeof(*g));
	desc->tfm = NULL;
	if ((keylen != 16 && keylen != 24 && keylen != 32) || !ivlen)
		return -EINVAL;

	/*
	 * Keyed per message: sharing transforms would need a lock around
	 * setkey. A sync skcipher (async ones masked out) lets the request
	 * live on the stack.
	 */
	g->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(g->ctr))
		return PTR_ERR(g->ctr);
	g->ghash = crypto_alloc_shash("ghash", 0, 0);
	if (IS_ERR(g->ghash))
		return PTR_ERR(g->ghash);
	desc->tfm = g->ghash;
	g->buf = kmalloc(PMHS_GCM_CHUNK, GFP_KERNEL);
	if (!g->buf)
		return -ENOMEM;

	ret = crypto_sync_skcipher_setkey(g->ctr, key, keylen);
	if (ret)
		return ret;

	/* H is the keystream block of counter 0. */
	memset(g->buf, 0, PMHS_GCM_BLOCK);
	ret = pmhs_gcm_ctr(g, pmhs_gcm_zero, g->buf, PMHS_GCM_BLOCK) ?:
	      crypto_shash_setkey(g->ghash, g->buf, PMHS_GCM_BLOCK);
	memzero_explicit(g->buf, PMHS_GCM_BLOCK);
	if (ret)
		return ret;

	if (ivlen == 12) {
		memcpy(g->j0, iv, 12);
		put_unaligned_be32(1, g->j0 + 12);
	} else {
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, iv, ivlen) ?:
		      pmhs_ghash_pad(desc, ivlen) ?:
		      pmhs_ghash_lengths(desc, 0, ivlen) ?:
		      crypto_shash_final(desc, g->j0);
		if (ret)
			return ret;
	}

	memset(g->buf, 0, PMHS_GCM_BLOCK);
	ret = pmhs_gcm_ctr(g, g->j0, g->buf, PMHS_GCM_BLOCK);
	memcpy(g->ekj0, g->buf, PMHS_GCM_BLOCK);
	memzero_explicit(g->buf, PMHS_GCM_BLOCK);
	return ret;
}

/*
 * CTR-crypt len bytes from in to out through the bounce buffer, starting at
 * inc32(J0). With ghash set, the output (the ciphertext when encrypting) is
 * hashed on the way.
 */
static int pmhs_gcm_crypt(struct pmhs_gcm *g, const u8 *in, u8 *out,
			  size_t len, struct shash_desc *ghash)
{
	u8 ctr[PMHS_GCM_BLOCK];
	u32 low = get_unaligned_be32(g->j0 + 12) + 1;
	size_t off = 0;
	int ret = 0;

	memcpy(ctr, g->j0, sizeof(ctr));
	while (off < len) {
		/* Blocks left before the low 32 bits wrap to zero. */
		u64 to_wrap = (1ULL << 32) - low;
		size_t n = min_t(size_t, len - off, PMHS_GCM_CHUNK);

		if (n > to_wrap * PMHS_GCM_BLOCK)
			n = to_wrap * PMHS_GCM_BLOCK;
		put_unaligned_be32(low, ctr + 12);
		memcpy(g->buf, in + off, n);
		ret = pmhs_gcm_ctr(g, ctr, g->buf, n);
		if (!ret && ghash)
			ret = crypto_shash_update(ghash, g->buf, n);
		if (ret)
			break;
		memcpy(out + off, g->buf, n);
		/* Only the last piece may be a partial block. */
		low += n / PMHS_GCM_BLOCK;
		off += n;
		cond_resched();
	}
	memzero_explicit(g->buf, PMHS_GCM_CHUNK);
	memzero_explicit(ctr, sizeof(ctr));
	return ret;
}

/* Finish GHASH over A and C and mask it: the tag. */
static int pmhs_gcm_tag(struct pmhs_gcm *g, struct shash_desc *desc,
			size_t aadlen, size_t len, u8 tag[PMHS_GCM_TAG_SIZE])
{
	int ret;

	ret = pmhs_ghash_pad(desc, len) ?:
	      pmhs_ghash_lengths(desc, aadlen, len) ?:
	      crypto_shash_final(desc, tag);
	if (!ret)
		crypto_xor(tag, g->ekj0, PMHS_GCM_TAG_SIZE);
	return ret;
}

/* GHASH a long buffer in pieces: 64 MiB must not hog the CPU. */
static int pmhs_ghash_long(struct shash_desc *desc, const u8 *p, size_t len)
{
	size_t n;
	int ret;

	while (len) {
		n = min_t(size_t, len, PMHS_GCM_CHUNK);
		ret = crypto_shash_update(desc, p, n);
		if (ret)
			return ret;
		p += n;
		len -= n;
		cond_resched();
	}
	return 0;
}

static int pmhs_ghash_aad(struct shash_desc *desc, const u8 *aad,
			  size_t aadlen)
{
	return crypto_shash_init(desc) ?:
	       crypto_shash_update(desc, aad, aadlen) ?:
	       pmhs_ghash_pad(desc, aadlen);
}

int pmhs_gcm_encrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, u8 *out, u8 tag[16])
{
	SHASH_DESC_ON_STACK(desc, g.ghash);
	struct pmhs_gcm g;
	int ret;

	ret = pmhs_gcm_setup(&g, desc, key, keylen, iv, ivlen) ?:
	      pmhs_ghash_aad(desc, aad, aadlen) ?:
	      pmhs_gcm_crypt(&g, in, out, len, desc) ?:
	      pmhs_gcm_tag(&g, desc, aadlen, len, tag);
	if (ret) {
		memzero_explicit(out, len);
		memzero_explicit(tag, PMHS_GCM_TAG_SIZE);
	}
	pmhs_gcm_free(&g, desc);
	return ret;
}

int pmhs_gcm_decrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, const u8 tag[16], u8 *out)
{
	SHASH_DESC_ON_STACK(desc, g.ghash);
	u8 want[PMHS_GCM_TAG_SIZE];
	struct pmhs_gcm g;
	int ret;

	/* shash takes virtual addresses: hash the ciphertext in place. */
	ret = pmhs_gcm_setup(&g, desc, key, keylen, iv, ivlen) ?:
	      pmhs_ghash_aad(desc, aad, aadlen) ?:
	      pmhs_ghash_long(desc, in, len) ?:
	      pmhs_gcm_tag(&g, desc, aadlen, len, want);
	/* No plaintext leaves before the tag is known good. */
	if (!ret && crypto_memneq(want, tag, PMHS_GCM_TAG_SIZE))
		ret = -EBADMSG;
	if (!ret)
		ret = pmhs_gcm_crypt(&g, in, out, len, NULL);
	if (ret)
		memzero_explicit(out, len);
	memzero_explicit(want, sizeof(want));
	pmhs_gcm_free(&g, desc);
	return ret;
}

int pmhs_gcm_init(void)
{
	struct crypto_sync_skcipher *ctr;
	struct crypto_shash *ghash;

	/* Load the algorithms now so that a missing one stops the load. */
	ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(ctr)) {
		pr_err("cannot allocate ctr(aes): %ld\n", PTR_ERR(ctr));
		return PTR_ERR(ctr);
	}
	crypto_free_sync_skcipher(ctr);
	ghash = crypto_alloc_shash("ghash", 0, 0);
	if (IS_ERR(ghash)) {
		pr_err("cannot allocate ghash: %ld\n", PTR_ERR(ghash));
		return PTR_ERR(ghash);
	}
	crypto_free_shash(ghash);
	return 0;
}

void pmhs_gcm_uninit(void)
{
}

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

	buf = kmalloc(PMHS_GCM_KAT_MAX_LEN, GFP_KERNEL);
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
	pr_info("aes-gcm self-tests passed in %lld ms\n",
		ktime_ms_delta(ktime_get(), t0));
out:
	kfree_sensitive(buf);
	return ret;
}

/*
 * Not symbol dependencies, so say so: loaders that honour softdeps bring
 * these in even where the kernel cannot autoload them (an initramfs).
 */
MODULE_SOFTDEP("pre: ctr ghash_generic");
