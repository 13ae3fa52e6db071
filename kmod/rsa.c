// SPDX-License-Identifier: GPL-2.0
/*
 * RSA for pmhs, byte-compatible with poorman_handshake (pycryptodome):
 * SPKI / PKCS#1 key import, OAEP (SHA-1 or SHA-256) and PSS (SHA-256,
 * salt 32). The only file in the module that touches the RSA primitive.
 *
 * Public operations use the kernel's raw "rsa" akcipher. It only takes
 * moduli whose size rounded up to 64 bits is 1024/1536/2048/3072/4096
 * (and no 1024 in FIPS mode); other keys we accept fall back to
 * mpi_powm(). Private operations are CRT with base blinding; each half
 * is a Montgomery exponentiation (mont.c), and every result is checked
 * with the public exponent before it leaves (a faulty CRT half would
 * otherwise leak a factor).
 *
 * Locking: a pub is immutable after creation and refcounted. A priv is
 * immutable except for its blinding pair, which priv->lock protects;
 * only the pair's update (two squarings) runs under it, the
 * exponentiations run outside. Everything here may sleep.
 *
 * Secrets: stack buffers are memzero_explicit()ed, heap buffers
 * kfree_sensitive()d. The MPI library frees limbs with kfree_sensitive()
 * (including in mpi_resize() and mpi_powm() scratch space), so
 * mpi_free() of a private MPI wipes it. The halves' timing depends on
 * the sizes of p, q, dP and dQ only (mont.c); blinding hides the base
 * from the MPI arithmetic around them (CRT recombination, the check),
 * which is not constant time.
 */
#include <crypto/akcipher.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/internal/rsa.h>
#include <crypto/sha1.h>
#include <crypto/sha2.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fips.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mpi.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "der.h"
#include "mont.h"
#include "rsa.h"

#define PMHS_PSS_SALT_LEN 32

struct pmhs_rsa_pub {
	refcount_t ref;
	MPI n;
	MPI e;
	unsigned int bits;
	unsigned int size;		/* bytes */
	struct crypto_akcipher *tfm;	/* NULL: use mpi_powm() */
	unsigned int tfm_len;		/* its output size: n rounded to limbs */
	/* SHA-256 of the canonical SPKI, which is not kept (encoded on demand) */
	u8 fpr[PMHS_RSA_FPR_LEN];
};

struct pmhs_rsa_priv {
	struct pmhs_rsa_pub *pub;	/* own reference */
	MPI p, q, dp, dq, qinv;
	struct pmhs_mont *mp, *mq;	/* NULL: mpi_powm() (see mont.h) */
	struct mutex lock;		/* protects blind_* */
	MPI blind_a;			/* r^e mod n */
	MPI blind_ai;			/* r^-1 mod n */
	unsigned int blind_uses;	/* squarings since a fresh r */
};

/* Squarings of one r before a fresh one (OpenSSL's BN_BLINDING_COUNTER). */
#define PMHS_RSA_BLIND_USES	32

static struct crypto_shash *pmhs_sha1_tfm;
static struct crypto_shash *pmhs_sha256_tfm;

static struct crypto_shash *pmhs_hash_tfm(enum pmhs_hash h)
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

/*
 * Fixed-length big-endian export of 0 <= a < 2^(8 * len). Unlike
 * mpi_read_buffer() it does not skip leading zero bytes, so its timing
 * depends only on the limb count.
 */
static void pmhs_mpi_to_be(MPI a, u8 *out, size_t len)
{
	size_t i, bit, limb;

	for (i = 0; i < len; i++) {
		bit = (len - 1 - i) * 8;
		limb = bit / BITS_PER_MPI_LIMB;
		out[i] = limb < (size_t)a->nlimbs ?
			 a->d[limb] >> (bit % BITS_PER_MPI_LIMB) : 0;
	}
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

/* ---- public keys ---- */

static void pmhs_rsa_pub_free(struct pmhs_rsa_pub *pub)
{
	if (pub->tfm)
		crypto_free_akcipher(pub->tfm);
	mpi_free(pub->n);
	mpi_free(pub->e);
	kfree(pub);
}

static void pmhs_trim(const u8 **p, size_t *len)
{
	while (*len && **p == 0) {
		(*p)++;
		(*len)--;
	}
}

/* Encode SPKI{rsaEncryption, NULL, RSAPublicKey{n, e}}; *rpk points inside. */
static int pmhs_rsa_encode_spki(const u8 *n, size_t nlen, const u8 *e,
				size_t elen, u8 **spki, size_t *spki_len,
				const u8 **rpk, size_t *rpk_len)
{
	static const u8 alg[] = {
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
		0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
	};
	size_t ints, seq, bits, body, total;
	u8 *buf, *p;

	ints = pmhs_der_uint_len(n, nlen) + pmhs_der_uint_len(e, elen);
	seq = pmhs_der_hdr_len(ints) + ints;
	bits = 1 + seq;
	body = sizeof(alg) + pmhs_der_hdr_len(bits) + bits;
	total = pmhs_der_hdr_len(body) + body;
	buf = kmalloc(total, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	p = pmhs_der_put_hdr(buf, PMHS_DER_SEQUENCE, body);
	memcpy(p, alg, sizeof(alg));
	p += sizeof(alg);
	p = pmhs_der_put_hdr(p, PMHS_DER_BIT_STRING, bits);
	*p++ = 0;	/* no unused bits */
	*rpk = p;
	*rpk_len = seq;
	p = pmhs_der_put_hdr(p, PMHS_DER_SEQUENCE, ints);
	p = pmhs_der_put_uint(p, n, nlen);
	p = pmhs_der_put_uint(p, e, elen);
	if (WARN_ON_ONCE(p != buf + total)) {
		kfree(buf);
		return -EINVAL;
	}
	*spki = buf;
	*spki_len = total;
	return 0;
}

/* Set up the akcipher for @pub, or leave pub->tfm NULL for mpi_powm(). */
static void pmhs_rsa_pub_tfm(struct pmhs_rsa_pub *pub, const u8 *rpk,
			     size_t rpk_len)
{
	struct crypto_akcipher *tfm;
	unsigned int len;

	tfm = crypto_alloc_akcipher("rsa", 0, 0);
	if (IS_ERR(tfm)) {
		pr_debug("no rsa akcipher (%ld), using MPI\n", PTR_ERR(tfm));
		return;
	}
	if (crypto_akcipher_set_pub_key(tfm, rpk, rpk_len)) {
		pr_debug("rsa akcipher refuses a %u-bit key, using MPI\n",
			 pub->bits);
		crypto_free_akcipher(tfm);
		return;
	}
	len = crypto_akcipher_maxsize(tfm);
	if (len < pub->size || len > pub->size + BYTES_PER_MPI_LIMB) {
		crypto_free_akcipher(tfm);
		return;
	}
	pub->tfm = tfm;
	pub->tfm_len = len;
}

/*
 * The kernel's RSA key parsers refuse moduli below 2048 bits in FIPS
 * mode; say so rather than "not DER".
 */
static int pmhs_rsa_check_fips(const u8 *n, size_t nlen, const char **why)
{
	pmhs_trim(&n, &nlen);
	if (fips_enabled && nlen < 2048 / 8) {
		*why = "RSA keys below 2048 bits are not allowed in FIPS mode";
		return -EINVAL;
	}
	return 0;
}

/* A new pub from big-endian n and e, which may have leading zeros. */
static int pmhs_rsa_pub_new(const u8 *n, size_t nlen, const u8 *e,
			    size_t elen, struct pmhs_rsa_pub **out,
			    const char **why)
{
	struct pmhs_rsa_pub *pub;
	const u8 *rpk;
	size_t rpk_len, spki_len;
	unsigned int bits;
	u8 *spki;
	int ret;

	pmhs_trim(&n, &nlen);
	pmhs_trim(&e, &elen);
	bits = nlen ? (nlen - 1) * 8 + fls(n[0]) : 0;
	if (bits < PMHS_RSA_MIN_BITS || bits > PMHS_RSA_MAX_BITS) {
		*why = "RSA modulus must be 1024..4096 bits";
		return -EINVAL;
	}
	if (!(n[nlen - 1] & 1)) {
		*why = "RSA modulus must be odd";
		return -EINVAL;
	}
	if (!elen || !(e[elen - 1] & 1) || (elen == 1 && e[0] < 3)) {
		*why = "RSA public exponent must be odd and at least 3";
		return -EINVAL;
	}
	/*
	 * As the kernel's other RSA users: a huge e would make every public
	 * operation (and each private one's check) as slow as a private one.
	 * An odd e <= 2^32 fits in four bytes.
	 */
	if (elen > 4) {
		*why = "RSA public exponent must be at most 2^32";
		return -EINVAL;
	}
	/* e and n are public: memcmp is fine */
	if (elen > nlen || (elen == nlen && memcmp(e, n, nlen) >= 0)) {
		*why = "RSA public exponent must be below the modulus";
		return -EINVAL;
	}

	*why = "out of memory";
	pub = kzalloc(sizeof(*pub), GFP_KERNEL_ACCOUNT);
	if (!pub)
		return -ENOMEM;
	refcount_set(&pub->ref, 1);
	pub->bits = bits;
	pub->size = nlen;
	pub->n = mpi_read_raw_data(n, nlen);
	pub->e = mpi_read_raw_data(e, elen);
	ret = -ENOMEM;
	if (!pub->n || !pub->e)
		goto err;
	/*
	 * Every handshake session holds its peer's key: keeping the SPKI as
	 * well would cost a kmalloc-512 each, for an export that is rare.
	 */
	ret = pmhs_rsa_encode_spki(n, nlen, e, elen, &spki, &spki_len, &rpk,
				   &rpk_len);
	if (ret)
		goto err;
	ret = crypto_shash_tfm_digest(pmhs_sha256_tfm, spki, spki_len,
				      pub->fpr);
	if (ret) {
		*why = "SHA-256 failed";
		kfree(spki);
		goto err;
	}
	pmhs_rsa_pub_tfm(pub, rpk, rpk_len);
	kfree(spki);
	*out = pub;
	*why = NULL;
	return 0;
err:
	pmhs_rsa_pub_free(pub);
	return ret;
}

int pmhs_rsa_pub_from_spki(const u8 *der, size_t len,
			   struct pmhs_rsa_pub **out, const char **why)
{
	static const u8 rsa_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	};
	struct pmhs_der in, spki, alg, oid, null, bits, rpk, ints;
	struct rsa_key raw = {};
	const u8 *n, *e;
	size_t nlen, elen;

	*out = NULL;
	if (len > PMHS_RSA_MAX_DER) {
		*why = "public key DER too large";
		return -EMSGSIZE;
	}
	*why = "not a DER SubjectPublicKeyInfo";
	pmhs_der_init(&in, der, len);
	if (pmhs_der_read(&in, PMHS_DER_SEQUENCE, &spki) ||
	    !pmhs_der_empty(&in) ||
	    pmhs_der_read(&spki, PMHS_DER_SEQUENCE, &alg) ||
	    pmhs_der_read(&spki, PMHS_DER_BIT_STRING, &bits) ||
	    !pmhs_der_empty(&spki) ||
	    pmhs_der_read(&alg, PMHS_DER_OID, &oid))
		return -EINVAL;
	/* the algorithm OID is public: memcmp is fine */
	if (oid.len != sizeof(rsa_oid) || memcmp(oid.p, rsa_oid, oid.len)) {
		*why = "not an rsaEncryption public key";
		return -EINVAL;
	}
	/* parameters: NULL, or absent (RFC 4055 allows both readings) */
	if (!pmhs_der_empty(&alg) &&
	    (pmhs_der_read(&alg, PMHS_DER_NULL, &null) || null.len ||
	     !pmhs_der_empty(&alg)))
		return -EINVAL;
	if (bits.len < 1 || bits.p[0] != 0)
		return -EINVAL;
	pmhs_der_init(&rpk, bits.p + 1, bits.len - 1);
	if (pmhs_der_read(&rpk, PMHS_DER_SEQUENCE, &ints) ||
	    !pmhs_der_empty(&rpk) ||
	    pmhs_der_read_uint(&ints, &n, &nlen) ||
	    pmhs_der_read_uint(&ints, &e, &elen) ||
	    !pmhs_der_empty(&ints))
		return -EINVAL;
	if (pmhs_rsa_check_fips(n, nlen, why))
		return -EINVAL;
	/* The strict reader vetted the DER; the kernel parser extracts. */
	if (rsa_parse_pub_key(&raw, bits.p + 1, bits.len - 1))
		return -EINVAL;
	return pmhs_rsa_pub_new(raw.n, raw.n_sz, raw.e, raw.e_sz, out, why);
}

struct pmhs_rsa_pub *pmhs_rsa_pub_get(struct pmhs_rsa_pub *pub)
{
	refcount_inc(&pub->ref);
	return pub;
}

void pmhs_rsa_pub_put(struct pmhs_rsa_pub *pub)
{
	if (pub && refcount_dec_and_test(&pub->ref))
		pmhs_rsa_pub_free(pub);
}

unsigned int pmhs_rsa_bits(const struct pmhs_rsa_pub *pub)
{
	return pub->bits;
}

size_t pmhs_rsa_size(const struct pmhs_rsa_pub *pub)
{
	return pub->size;
}

int pmhs_rsa_pub_to_spki(const struct pmhs_rsa_pub *pub, u8 **der,
			 size_t *len)
{
	size_t elen = DIV_ROUND_UP(mpi_get_nbits(pub->e), 8), rpk_len;
	const u8 *rpk;
	u8 *n;
	int ret;

	/* n, then e right after it: both exact length, no leading zeros. */
	n = kmalloc(pub->size + elen, GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	pmhs_mpi_to_be(pub->n, n, pub->size);
	pmhs_mpi_to_be(pub->e, n + pub->size, elen);
	ret = pmhs_rsa_encode_spki(n, pub->size, n + pub->size, elen, der, len,
				   &rpk, &rpk_len);
	kfree(n);
	return ret;
}

int pmhs_rsa_fingerprint(const struct pmhs_rsa_pub *pub,
			 u8 out[PMHS_RSA_FPR_LEN])
{
	memcpy(out, pub->fpr, PMHS_RSA_FPR_LEN);
	return 0;
}

bool pmhs_rsa_pub_equal(const struct pmhs_rsa_pub *a,
			const struct pmhs_rsa_pub *b)
{
	return a == b || (!mpi_cmp(a->n, b->n) && !mpi_cmp(a->e, b->e));
}

/*
 * out = in^e mod n, both pub->size bytes. -EINVAL if in >= n.
 * @in may be anywhere (stack, vmalloc): it is copied before it could
 * reach a scatterlist.
 */
static int pmhs_rsa_public(const struct pmhs_rsa_pub *pub, const u8 *in,
			   u8 *out)
{
	size_t k = pub->size, i;
	MPI m, c = NULL;
	u8 *buf;
	int ret;

	if (pub->tfm) {
		buf = kmalloc(k + pub->tfm_len, GFP_KERNEL_ACCOUNT);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, in, k);
		ret = pmhs_akcipher_encrypt(pub->tfm, buf, k, buf + k,
					    pub->tfm_len);
		/* zero-padded to tfm_len; the value is < n < 2^(8k) */
		for (i = 0; !ret && i < pub->tfm_len - k; i++)
			if (buf[k + i])
				ret = -EIO;
		if (!ret)
			memcpy(out, buf + pub->tfm_len, k);
		kfree_sensitive(buf);
		return ret;
	}

	m = mpi_read_raw_data(in, k);
	if (!m)
		return -ENOMEM;
	ret = -EINVAL;
	if (mpi_cmp(m, pub->n) >= 0)
		goto out;
	ret = -ENOMEM;
	c = mpi_alloc(0);
	if (!c)
		goto out;
	ret = mpi_powm(c, m, pub->e, pub->n);
	if (!ret)
		pmhs_mpi_to_be(c, out, k);
out:
	mpi_free(c);
	mpi_free(m);
	return ret;
}

/* ---- private keys ---- */

/* x = b^d mod p, for one CRT half (p is priv->p or priv->q) */
static int pmhs_rsa_half(const struct pmhs_mont *ctx, MPI x, MPI b, MPI d,
			 MPI p)
{
	if (!ctx)
		return mpi_powm(x, b, d, p);
	return pmhs_mpi_mod(x, b, p) ?: pmhs_mont_powm(ctx, x, x, d);
}

/* x = CRT(xp mod p, xq mod q) = xq + q * (qinv * (xp - xq) mod p) */
static int pmhs_rsa_crt(struct pmhs_rsa_priv *priv, MPI x, MPI xp, MPI xq)
{
	MPI t;
	int ret;

	t = mpi_alloc(0);
	if (!t)
		return -ENOMEM;
	ret = pmhs_mpi_subm(t, xp, xq, priv->p) ?:
	      pmhs_mpi_mulm(t, t, priv->qinv, priv->p) ?:
	      pmhs_mpi_mul(t, t, priv->q) ?:
	      pmhs_mpi_add(x, t, xq);
	mpi_free(t);
	return ret;
}

/*
 * A fresh blinding pair: a = r^e mod n and ai = r^-1 mod n, r random.
 * No mpi_invm() on 6.12, so r^-1 comes from Fermat per prime and CRT;
 * r * ai == 1 is checked, which also catches a composite p or q.
 */
static int pmhs_rsa_blind_new(struct pmhs_rsa_priv *priv, MPI *pa, MPI *pai)
{
	struct pmhs_rsa_pub *pub = priv->pub;
	size_t k = pub->size;
	MPI r = NULL, pm2 = NULL, qm2 = NULL, rp = NULL, rq = NULL;
	MPI a = NULL, ai = NULL, t = NULL;
	u8 *buf;
	int ret = -ENOMEM;

	buf = kmalloc(k, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	get_random_bytes(buf, k);
	/* below 2^(bits - 1) < n, and at least 2 */
	buf[0] &= 0xff >> (8 * k - pub->bits + 1);
	buf[k - 1] |= 2;
	r = mpi_read_raw_data(buf, k);
	kfree_sensitive(buf);
	pm2 = mpi_alloc(0);
	qm2 = mpi_alloc(0);
	rp = mpi_alloc(0);
	rq = mpi_alloc(0);
	a = mpi_alloc(0);
	ai = mpi_alloc(0);
	t = mpi_alloc(0);
	if (!r || !pm2 || !qm2 || !rp || !rq || !a || !ai || !t)
		goto out;
	ret = mpi_sub_ui(pm2, priv->p, 2) ?:
	      mpi_sub_ui(qm2, priv->q, 2) ?:
	      pmhs_rsa_half(priv->mp, rp, r, pm2, priv->p) ?:
	      pmhs_rsa_half(priv->mq, rq, r, qm2, priv->q) ?:
	      pmhs_rsa_crt(priv, ai, rp, rq) ?:
	      pmhs_mpi_mulm(t, r, ai, pub->n) ?:
	      mpi_powm(a, r, pub->e, pub->n);
	if (ret)
		goto out;
	if (mpi_cmp_ui(t, 1)) {
		ret = -EINVAL;
		goto out;
	}
	*pa = a;
	*pai = ai;
	a = NULL;
	ai = NULL;
out:
	mpi_free(t);
	mpi_free(ai);
	mpi_free(a);
	mpi_free(rq);
	mpi_free(rp);
	mpi_free(qm2);
	mpi_free(pm2);
	mpi_free(r);
	return ret;
}

/*
 * A fresh pair: every PMHS_RSA_BLIND_USES operations, and after a failed
 * check (the pair may be bad: 6.1 MPI hides ENOMEM).
 */
static void pmhs_rsa_blind_renew(struct pmhs_rsa_priv *priv)
{
	MPI a, ai;

	if (pmhs_rsa_blind_new(priv, &a, &ai))
		return;
	mutex_lock(&priv->lock);
	swap(a, priv->blind_a);
	swap(ai, priv->blind_ai);
	mutex_unlock(&priv->lock);
	mpi_free(a);
	mpi_free(ai);
}

/*
 * Take this operation's blinding pair and leave its square for the next
 * one (BN_BLINDING style): (r^2)^e and (r^2)^-1; every
 * PMHS_RSA_BLIND_USES operations, from a fresh r.
 */
static int pmhs_rsa_blind_take(struct pmhs_rsa_priv *priv, MPI *pa, MPI *pai)
{
	MPI na, nai;
	bool fresh;
	int ret = -ENOMEM;

	mutex_lock(&priv->lock);
	fresh = ++priv->blind_uses >= PMHS_RSA_BLIND_USES;
	if (fresh)
		priv->blind_uses = 0;
	mutex_unlock(&priv->lock);
	if (fresh)
		pmhs_rsa_blind_renew(priv);
	na = mpi_alloc(0);
	nai = mpi_alloc(0);
	if (!na || !nai)
		goto out;
	mutex_lock(&priv->lock);
	ret = pmhs_mpi_mulm(na, priv->blind_a, priv->blind_a, priv->pub->n) ?:
	      pmhs_mpi_mulm(nai, priv->blind_ai, priv->blind_ai,
			    priv->pub->n);
	if (!ret) {
		*pa = priv->blind_a;
		*pai = priv->blind_ai;
		priv->blind_a = na;
		priv->blind_ai = nai;
		na = NULL;
		nai = NULL;
	}
	mutex_unlock(&priv->lock);
out:
	mpi_free(nai);
	mpi_free(na);
	return ret;
}

/*
 * out = in^d mod n via blinded CRT, both pub->size bytes. -EINVAL if
 * in >= n (public information), -EIO if the result fails the check.
 */
static int pmhs_rsa_private(struct pmhs_rsa_priv *priv, const u8 *in, u8 *out)
{
	struct pmhs_rsa_pub *pub = priv->pub;
	MPI c, a = NULL, ai = NULL, cb = NULL, m1 = NULL, m2 = NULL;
	MPI m = NULL, chk = NULL;
	int ret = -ENOMEM;

	c = mpi_read_raw_data(in, pub->size);
	if (!c)
		return -ENOMEM;
	if (mpi_cmp(c, pub->n) >= 0) {
		ret = -EINVAL;
		goto out;
	}
	cb = mpi_alloc(0);
	m1 = mpi_alloc(0);
	m2 = mpi_alloc(0);
	m = mpi_alloc(0);
	chk = mpi_alloc(0);
	if (!cb || !m1 || !m2 || !m || !chk)
		goto out;
	ret = pmhs_rsa_blind_take(priv, &a, &ai);
	if (ret)
		goto out;
	/*
	 * The fault check runs on the blinded result (mpi_powm() is not
	 * constant time): (c * r^e)^d^e == c * r^e, then unblind.
	 */
	ret = pmhs_mpi_mulm(cb, c, a, pub->n) ?:
	      pmhs_rsa_half(priv->mp, m1, cb, priv->dp, priv->p) ?:
	      pmhs_rsa_half(priv->mq, m2, cb, priv->dq, priv->q) ?:
	      pmhs_rsa_crt(priv, m, m1, m2) ?:
	      mpi_powm(chk, m, pub->e, pub->n);
	if (ret)
		goto out;
	if (mpi_cmp(chk, cb)) {
		pr_warn_ratelimited("RSA private operation failed its check, result withheld\n");
		pmhs_rsa_blind_renew(priv);
		ret = -EIO;
		goto out;
	}
	ret = pmhs_mpi_mulm(m, m, ai, pub->n);
	if (ret)
		goto out;
	pmhs_mpi_to_be(m, out, pub->size);
out:
	mpi_free(chk);
	mpi_free(m);
	mpi_free(m2);
	mpi_free(m1);
	mpi_free(cb);
	mpi_free(ai);
	mpi_free(a);
	mpi_free(c);
	return ret;
}

void pmhs_rsa_priv_free(struct pmhs_rsa_priv *priv)
{
	if (!priv)
		return;
	/* mpi_free() releases limbs with kfree_sensitive() */
	mpi_free(priv->blind_ai);
	mpi_free(priv->blind_a);
	pmhs_mont_free(priv->mq);
	pmhs_mont_free(priv->mp);
	mpi_free(priv->qinv);
	mpi_free(priv->dq);
	mpi_free(priv->dp);
	mpi_free(priv->q);
	mpi_free(priv->p);
	mutex_destroy(&priv->lock);
	pmhs_rsa_pub_put(priv->pub);
	kfree_sensitive(priv);
}

struct pmhs_rsa_pub *pmhs_rsa_priv_pub(struct pmhs_rsa_priv *priv)
{
	return priv->pub;
}

/* Strict DER shape check: SEQUENCE { 0, n, e, d, p, q, dP, dQ, qInv }. */
static int pmhs_rsa_pkcs1_shape(const u8 *der, size_t len, const char **why)
{
	struct pmhs_der in, seq;
	const u8 *v, *n;
	size_t vlen, nlen;
	int i;

	*why = "not a DER PKCS#1 RSAPrivateKey";
	pmhs_der_init(&in, der, len);
	if (pmhs_der_read(&in, PMHS_DER_SEQUENCE, &seq) ||
	    !pmhs_der_empty(&in) ||
	    pmhs_der_read_uint(&seq, &v, &vlen))
		return -EINVAL;
	if (vlen) {
		*why = "only two-prime RSA private keys are supported";
		return -EINVAL;
	}
	if (pmhs_der_read_uint(&seq, &n, &nlen) || !nlen)
		return -EINVAL;
	for (i = 0; i < 7; i++)
		if (pmhs_der_read_uint(&seq, &v, &vlen) || !vlen)
			return -EINVAL;
	if (!pmhs_der_empty(&seq))
		return -EINVAL;
	return pmhs_rsa_check_fips(n, nlen, why);
}

/* p * q == n, e * dP == 1 mod p-1, e * dQ == 1 mod q-1, qInv * q == 1 mod p */
static int pmhs_rsa_priv_check(struct pmhs_rsa_priv *priv)
{
	struct pmhs_rsa_pub *pub = priv->pub;
	MPI t, u;
	int ret = -ENOMEM;

	t = mpi_alloc(0);
	u = mpi_alloc(0);
	if (!t || !u)
		goto out;
	ret = -EINVAL;
	if (mpi_cmp_ui(priv->p, 2) <= 0 || mpi_cmp_ui(priv->q, 2) <= 0 ||
	    mpi_cmp(priv->dp, priv->p) >= 0 ||
	    mpi_cmp(priv->dq, priv->q) >= 0 ||
	    mpi_cmp(priv->qinv, priv->p) >= 0)
		goto out;
	ret = pmhs_mpi_mul(t, priv->p, priv->q);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (mpi_cmp(t, pub->n))
		goto out;
	ret = mpi_sub_ui(u, priv->p, 1) ?:
	      pmhs_mpi_mulm(t, pub->e, priv->dp, u);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (mpi_cmp_ui(t, 1))
		goto out;
	ret = mpi_sub_ui(u, priv->q, 1) ?:
	      pmhs_mpi_mulm(t, pub->e, priv->dq, u);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (mpi_cmp_ui(t, 1))
		goto out;
	ret = pmhs_mpi_mulm(t, priv->qinv, priv->q, priv->p);
	if (ret)
		goto out;
	ret = mpi_cmp_ui(t, 1) ? -EINVAL : 0;
out:
	mpi_free(u);
	mpi_free(t);
	return ret;
}

/* Montgomery contexts for p and q, where the architecture has them */
static int pmhs_rsa_mont_new(struct pmhs_rsa_priv *priv)
{
	int ret = pmhs_mont_new(priv->p, &priv->mp) ?:
		  pmhs_mont_new(priv->q, &priv->mq);

	if (ret == -EOPNOTSUPP)
		return 0;	/* both NULL: mpi_powm() */
	return ret;
}

int pmhs_rsa_priv_from_pkcs1(const u8 *der, size_t len,
			     struct pmhs_rsa_priv **out, const char **why)
{
	struct pmhs_rsa_priv *priv;
	struct rsa_key raw = {};
	int ret;

	*out = NULL;
	if (len > PMHS_RSA_MAX_DER) {
		*why = "private key DER too large";
		return -EMSGSIZE;
	}
	ret = pmhs_rsa_pkcs1_shape(der, len, why);
	if (ret)
		return ret;
	if (rsa_parse_priv_key(&raw, der, len) || !raw.p_sz || !raw.q_sz ||
	    !raw.dp_sz || !raw.dq_sz || !raw.qinv_sz)
		return -EINVAL;

	*why = "out of memory";
	priv = kzalloc(sizeof(*priv), GFP_KERNEL_ACCOUNT);
	if (!priv)
		return -ENOMEM;
	mutex_init(&priv->lock);
	ret = pmhs_rsa_pub_new(raw.n, raw.n_sz, raw.e, raw.e_sz, &priv->pub,
			       why);
	if (ret)
		goto err;
	*why = "out of memory";
	ret = -ENOMEM;
	priv->p = mpi_read_raw_data(raw.p, raw.p_sz);
	priv->q = mpi_read_raw_data(raw.q, raw.q_sz);
	priv->dp = mpi_read_raw_data(raw.dp, raw.dp_sz);
	priv->dq = mpi_read_raw_data(raw.dq, raw.dq_sz);
	priv->qinv = mpi_read_raw_data(raw.qinv, raw.qinv_sz);
	if (!priv->p || !priv->q || !priv->dp || !priv->dq || !priv->qinv)
		goto err;
	ret = pmhs_rsa_priv_check(priv) ?:
	      pmhs_rsa_mont_new(priv) ?:
	      pmhs_rsa_blind_new(priv, &priv->blind_a, &priv->blind_ai);
	if (ret) {
		if (ret == -EINVAL)
			*why = "inconsistent RSA private key";
		goto err;
	}
	*out = priv;
	*why = NULL;
	return 0;
err:
	pmhs_rsa_priv_free(priv);
	return ret;
}

/* ---- OAEP ---- */

size_t pmhs_rsa_oaep_max_msg(const struct pmhs_rsa_pub *pub, enum pmhs_hash h)
{
	struct crypto_shash *tfm = pmhs_hash_tfm(h);
	size_t hlen;

	if (!tfm)
		return 0;
	hlen = crypto_shash_digestsize(tfm);
	return pub->size > 2 * hlen + 2 ? pub->size - 2 * hlen - 2 : 0;
}

int pmhs_rsa_oaep_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			  const u8 *msg, size_t len, u8 *out)
{
	struct crypto_shash *tfm = pmhs_hash_tfm(h);
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
	struct crypto_shash *tfm = pmhs_hash_tfm(h);
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

/* ---- known-answer tests ---- */

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

int pmhs_rsa_selftest(void)
{
	struct pmhs_rsa_pub *pubs[ARRAY_SIZE(pmhs_kat_spkis)] = {};
	u64 t0 = ktime_get_ns();
	size_t i;
	int ret;

	ret = pmhs_kat_spki(pubs) ?:
	      pmhs_kat_pss(pubs) ?:
	      pmhs_kat_oaep() ?:
	      pmhs_kat_roundtrip(pubs[0]);
	for (i = 0; i < ARRAY_SIZE(pubs); i++)
		pmhs_rsa_pub_put(pubs[i]);
	if (ret)
		return ret;
	pr_info("RSA self-tests passed in %llu ms\n",
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	return 0;
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
