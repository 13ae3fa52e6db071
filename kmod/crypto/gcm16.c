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
 * The bulk goes through the async "ctr(aes)" and "ghash" interfaces, which
 * is where the AES-NI and PCLMULQDQ drivers are (the sync ones only offer
 * the generic code), on scatterlists built page by page, so buffers may be
 * vmalloc'd, on the stack or in module data, and in place.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "compat.h"
#include "gcm16.h"

/* Bytes per request: bounds the scatterlist and the time between resched. */
#define PMHS_GCM_CHUNK		(16 * 1024)
#define PMHS_GCM_BLOCK		16
#define PMHS_GCM_SG		(PMHS_GCM_CHUNK / PAGE_SIZE + 2)

static const u8 pmhs_gcm_zero[PMHS_GCM_BLOCK];
static char pmhs_gcm_drivers[2 * CRYPTO_MAX_ALG_NAME + 8];

struct pmhs_gcm {
	struct crypto_skcipher *ctr;
	struct crypto_ahash *ghash;
	struct skcipher_request *creq;
	struct ahash_request *hreq;
	struct crypto_wait wait;
	u8 *small;			/* 2 blocks: H, J0, pads, lengths */
	u8 j0[PMHS_GCM_BLOCK];
	u8 ekj0[PMHS_GCM_BLOCK];	/* AES_K(J0), masks the tag */
	size_t hashed;			/* GHASH input since the last pad */
};

/* Map len bytes at p (linear, vmalloc, stack or module) page by page. */
static void pmhs_gcm_sg(struct scatterlist *sg, const void *p, size_t len)
{
	unsigned int n = 0;

	sg_init_table(sg, PMHS_GCM_SG);
	while (len) {
		unsigned int off = offset_in_page(p);
		unsigned int l = min_t(size_t, len, PAGE_SIZE - off);
		struct page *pg = virt_addr_valid(p) ? virt_to_page(p) :
						       vmalloc_to_page(p);

		sg_set_page(&sg[n++], pg, l, off);
		p += l;
		len -= l;
	}
	sg_mark_end(&sg[n ? n - 1 : 0]);
}

/* out = in ^ the CTR keystream from block ctr; len <= PMHS_GCM_CHUNK. */
static int pmhs_gcm_ctr(struct pmhs_gcm *g, const u8 ctr[PMHS_GCM_BLOCK],
			const u8 *in, u8 *out, unsigned int len)
{
	struct scatterlist sgi[PMHS_GCM_SG], sgo[PMHS_GCM_SG];
	u8 iv[PMHS_GCM_BLOCK];	/* the request advances its IV */
	int ret;

	memcpy(iv, ctr, sizeof(iv));
	pmhs_gcm_sg(sgi, in, len);
	if (in != out)
		pmhs_gcm_sg(sgo, out, len);
	skcipher_request_set_crypt(g->creq, sgi, in == out ? sgi : sgo, len, iv);
	ret = crypto_wait_req(crypto_skcipher_encrypt(g->creq), &g->wait);
	memzero_explicit(iv, sizeof(iv));
	return ret;
}

static int pmhs_ghash_update(struct pmhs_gcm *g, const u8 *p, unsigned int len)
{
	struct scatterlist sg[PMHS_GCM_SG];

	if (!len)
		return 0;
	pmhs_gcm_sg(sg, p, len);
	ahash_request_set_crypt(g->hreq, sg, NULL, len);
	g->hashed += len;
	return crypto_wait_req(crypto_ahash_update(g->hreq), &g->wait);
}

/* Zero-pad what was hashed so far to a block boundary. */
static int pmhs_ghash_pad(struct pmhs_gcm *g)
{
	unsigned int r = g->hashed % PMHS_GCM_BLOCK;
	int ret = 0;

	if (r) {
		memset(g->small, 0, PMHS_GCM_BLOCK);
		ret = pmhs_ghash_update(g, g->small, PMHS_GCM_BLOCK - r);
	}
	g->hashed = 0;
	return ret;
}

/* Two 64-bit big-endian bit counts: one GHASH length block. */
static int pmhs_ghash_lengths(struct pmhs_gcm *g, u64 a, u64 b)
{
	put_unaligned_be64(a * 8, g->small);
	put_unaligned_be64(b * 8, g->small + 8);
	return pmhs_ghash_update(g, g->small, PMHS_GCM_BLOCK);
}

static int pmhs_ghash_final(struct pmhs_gcm *g, u8 out[PMHS_GCM_BLOCK])
{
	ahash_request_set_crypt(g->hreq, NULL, g->small, 0);
	g->hashed = 0;
	if (crypto_wait_req(crypto_ahash_final(g->hreq), &g->wait))
		return -EIO;
	memcpy(out, g->small, PMHS_GCM_BLOCK);
	memzero_explicit(g->small, 2 * PMHS_GCM_BLOCK);
	return 0;
}

static int pmhs_ghash_init(struct pmhs_gcm *g)
{
	g->hashed = 0;
	return crypto_wait_req(crypto_ahash_init(g->hreq), &g->wait);
}

static void pmhs_gcm_free(struct pmhs_gcm *g)
{
	/* Requests hold the GHASH state and counter: freed sensitively. */
	skcipher_request_free(g->creq);
	ahash_request_free(g->hreq);
	kfree_sensitive(g->small);
	if (!IS_ERR_OR_NULL(g->ghash))
		crypto_free_ahash(g->ghash);
	if (!IS_ERR_OR_NULL(g->ctr))
		crypto_free_skcipher(g->ctr);
	memzero_explicit(g, sizeof(*g));
}

/* Key the transforms and derive H, J0 and AES_K(J0). */
static int pmhs_gcm_setup(struct pmhs_gcm *g, const u8 *key, unsigned int keylen,
			  const u8 *iv, unsigned int ivlen)
{
	int ret;

	memset(g, 0, sizeof(*g));
	if ((keylen != 16 && keylen != 24 && keylen != 32) || !ivlen)
		return -EINVAL;

	/* Keyed per message: shared transforms would need a lock around setkey. */
	g->ctr = crypto_alloc_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(g->ctr))
		return PTR_ERR(g->ctr);
	g->ghash = crypto_alloc_ahash("ghash", 0, 0);
	if (IS_ERR(g->ghash))
		return PTR_ERR(g->ghash);
	g->creq = skcipher_request_alloc(g->ctr, GFP_KERNEL_ACCOUNT);
	g->hreq = ahash_request_alloc(g->ghash, GFP_KERNEL_ACCOUNT);
	g->small = kzalloc(2 * PMHS_GCM_BLOCK, GFP_KERNEL_ACCOUNT);
	if (!g->creq || !g->hreq || !g->small)
		return -ENOMEM;
	crypto_init_wait(&g->wait);
	skcipher_request_set_callback(g->creq, CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &g->wait);
	ahash_request_set_callback(g->hreq, CRYPTO_TFM_REQ_MAY_SLEEP,
				   crypto_req_done, &g->wait);

	ret = crypto_skcipher_setkey(g->ctr, key, keylen);
	if (ret)
		return ret;

	/* H is the keystream block of counter 0. */
	memset(g->small, 0, PMHS_GCM_BLOCK);
	ret = pmhs_gcm_ctr(g, pmhs_gcm_zero, g->small, g->small, PMHS_GCM_BLOCK) ?:
	      crypto_ahash_setkey(g->ghash, g->small, PMHS_GCM_BLOCK);
	memzero_explicit(g->small, PMHS_GCM_BLOCK);
	if (ret)
		return ret;

	if (ivlen == 12) {
		memcpy(g->j0, iv, 12);
		put_unaligned_be32(1, g->j0 + 12);
	} else {
		ret = pmhs_ghash_init(g) ?:
		      pmhs_ghash_update(g, iv, ivlen) ?:
		      pmhs_ghash_pad(g) ?:
		      pmhs_ghash_lengths(g, 0, ivlen) ?:
		      pmhs_ghash_final(g, g->j0);
		if (ret)
			return ret;
	}

	memset(g->small, 0, PMHS_GCM_BLOCK);
	ret = pmhs_gcm_ctr(g, g->j0, g->small, g->small, PMHS_GCM_BLOCK);
	memcpy(g->ekj0, g->small, PMHS_GCM_BLOCK);
	memzero_explicit(g->small, PMHS_GCM_BLOCK);
	return ret;
}

/*
 * CTR-crypt len bytes of in, starting at inc32(J0). Without @emit
 * (encrypting) the ciphertext goes to out and is GHASHed on the way; with
 * it (decrypting, the tag already checked) each piece goes to out, one
 * chunk long, and on to @emit.
 */
static int pmhs_gcm_crypt(struct pmhs_gcm *g, const u8 *in, u8 *out,
			  size_t len,
			  int (*emit)(void *ctx, const u8 *p, size_t n),
			  void *ctx)
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
		if (emit)
			ret = pmhs_gcm_ctr(g, ctr, in + off, out, n) ?:
			      emit(ctx, out, n);
		else
			ret = pmhs_gcm_ctr(g, ctr, in + off, out + off, n) ?:
			      pmhs_ghash_update(g, out + off, n);
		if (ret)
			break;
		/* Only the last piece may be a partial block. */
		low += n / PMHS_GCM_BLOCK;
		off += n;
		cond_resched();
	}
	memzero_explicit(ctr, sizeof(ctr));
	return ret;
}

/* Finish GHASH over A and C and mask it: the tag. */
static int pmhs_gcm_tag(struct pmhs_gcm *g, size_t aadlen, size_t len,
			u8 tag[PMHS_GCM_TAG_SIZE])
{
	int ret;

	ret = pmhs_ghash_pad(g) ?:
	      pmhs_ghash_lengths(g, aadlen, len) ?:
	      pmhs_ghash_final(g, tag);
	if (!ret)
		crypto_xor(tag, g->ekj0, PMHS_GCM_TAG_SIZE);
	return ret;
}

/* GHASH len bytes in chunks (they may be long). */
static int pmhs_ghash_data(struct pmhs_gcm *g, const u8 *p, size_t len)
{
	size_t n;
	int ret = 0;

	while (!ret && len) {
		n = min_t(size_t, len, PMHS_GCM_CHUNK);
		ret = pmhs_ghash_update(g, p, n);
		p += n;
		len -= n;
		cond_resched();
	}
	return ret;
}

/* GHASH the AAD, padded. */
static int pmhs_ghash_aad(struct pmhs_gcm *g, const u8 *aad, size_t aadlen)
{
	return pmhs_ghash_init(g) ?:
	       pmhs_ghash_data(g, aad, aadlen) ?:
	       pmhs_ghash_pad(g);
}

int pmhs_gcm_encrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, u8 *out, u8 tag[16])
{
	struct pmhs_gcm g;
	int ret;

	ret = pmhs_gcm_setup(&g, key, keylen, iv, ivlen) ?:
	      pmhs_ghash_aad(&g, aad, aadlen) ?:
	      pmhs_gcm_crypt(&g, in, out, len, NULL, NULL) ?:
	      pmhs_gcm_tag(&g, aadlen, len, tag);
	if (ret) {
		memzero_explicit(out, len);
		memzero_explicit(tag, PMHS_GCM_TAG_SIZE);
	}
	pmhs_gcm_free(&g);
	return ret;
}

int pmhs_gcm_decrypt_stream(const u8 *key, unsigned int keylen,
			    const u8 *iv, unsigned int ivlen, const u8 *aad,
			    size_t aadlen, const u8 *in, size_t len,
			    const u8 tag[16],
			    int (*emit)(void *ctx, const u8 *p, size_t n),
			    void *ctx)
{
	u8 want[PMHS_GCM_TAG_SIZE];
	struct pmhs_gcm g;
	u8 *bounce = NULL;
	int ret;

	/*
	 * Two passes: GHASH and the tag first, so that no plaintext exists
	 * before the ciphertext is authenticated; then CTR through a small
	 * bounce buffer, so that only that buffer ever needs wiping.
	 */
	ret = pmhs_gcm_setup(&g, key, keylen, iv, ivlen) ?:
	      pmhs_ghash_aad(&g, aad, aadlen) ?:
	      pmhs_ghash_data(&g, in, len) ?:
	      pmhs_gcm_tag(&g, aadlen, len, want);
	if (!ret && crypto_memneq(want, tag, PMHS_GCM_TAG_SIZE))
		ret = -EBADMSG;
	if (!ret && len) {
		bounce = kmalloc(min_t(size_t, len, PMHS_GCM_CHUNK), GFP_KERNEL_ACCOUNT);
		ret = bounce ? pmhs_gcm_crypt(&g, in, bounce, len, emit, ctx) :
			       -ENOMEM;
	}
	kfree_sensitive(bounce);
	memzero_explicit(want, sizeof(want));
	pmhs_gcm_free(&g);
	return ret;
}

struct pmhs_gcm_sink {
	u8 *out;
	size_t off;
};

static int pmhs_gcm_copy_out(void *ctx, const u8 *p, size_t n)
{
	struct pmhs_gcm_sink *s = ctx;

	memcpy(s->out + s->off, p, n);
	s->off += n;
	return 0;
}

int pmhs_gcm_decrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, const u8 tag[16], u8 *out)
{
	struct pmhs_gcm_sink s = { .out = out };
	int ret;

	/* In place works: each piece is read before its place is written. */
	ret = pmhs_gcm_decrypt_stream(key, keylen, iv, ivlen, aad, aadlen, in,
				      len, tag, pmhs_gcm_copy_out, &s);
	if (ret)
		memzero_explicit(out, len);
	return ret;
}

int pmhs_gcm_init(void)
{
	struct crypto_skcipher *ctr;
	struct crypto_ahash *ghash;

	/* Load the algorithms now so that a missing one stops the load. */
	ctr = crypto_alloc_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(ctr)) {
		pr_err("cannot allocate ctr(aes): %ld\n", PTR_ERR(ctr));
		return PTR_ERR(ctr);
	}
	ghash = crypto_alloc_ahash("ghash", 0, 0);
	if (IS_ERR(ghash)) {
		crypto_free_skcipher(ctr);
		pr_err("cannot allocate ghash: %ld\n", PTR_ERR(ghash));
		return PTR_ERR(ghash);
	}
	snprintf(pmhs_gcm_drivers, sizeof(pmhs_gcm_drivers), "%s, %s",
		 crypto_tfm_alg_driver_name(crypto_skcipher_tfm(ctr)),
		 crypto_tfm_alg_driver_name(crypto_ahash_tfm(ghash)));
	crypto_free_ahash(ghash);
	crypto_free_skcipher(ctr);
	return 0;
}

const char *pmhs_gcm_drivers_used(void)
{
	return pmhs_gcm_drivers;
}

void pmhs_gcm_uninit(void)
{
}

/*
 * Not symbol dependencies, so say so: loaders that honour softdeps bring
 * these in even where the kernel cannot autoload them (an initramfs).
 */
MODULE_SOFTDEP("pre: ctr ghash_generic");
