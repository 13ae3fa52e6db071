// SPDX-License-Identifier: GPL-2.0
/*
 * RSA keys for pmhs, byte-compatible with poorman_handshake
 * (pycryptodome): SPKI and PKCS#1 import (a strict DER reader vets the
 * shape, the kernel's parser extracts), canonical SPKI export and
 * fingerprint, the consistency checks of a private key, and the public
 * operation.
 *
 * Public operations use the kernel's raw "rsa" akcipher. It only takes
 * moduli whose size rounded up to 64 bits is 1024/1536/2048/3072/4096
 * (and no 1024 in FIPS mode); other keys we accept fall back to
 * mpi_powm().
 *
 * Locking: a pub is immutable after creation and refcounted; a priv is
 * immutable except for its blinding pair (rsa_priv.c). Everything here
 * may sleep.
 */
#include <crypto/akcipher.h>
#include <crypto/hash.h>
#include <crypto/internal/rsa.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fips.h>
#include <linux/kernel.h>
#include <linux/mpi.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "der.h"
#include "rsa_int.h"

/*
 * Fixed-length big-endian export of 0 <= a < 2^(8 * len). Unlike
 * mpi_read_buffer() it does not skip leading zero bytes, so its timing
 * depends only on the limb count.
 */
void pmhs_mpi_to_be(MPI a, u8 *out, size_t len)
{
	size_t i, bit, limb;

	for (i = 0; i < len; i++) {
		bit = (len - 1 - i) * 8;
		limb = bit / BITS_PER_MPI_LIMB;
		out[i] = limb < (size_t)a->nlimbs ?
			 a->d[limb] >> (bit % BITS_PER_MPI_LIMB) : 0;
	}
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
	ret = crypto_shash_tfm_digest(pmhs_rsa_hash_tfm(PMHS_HASH_SHA256),
				      spki, spki_len, pub->fpr);
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
 * @in may be anywhere (stack, vmalloc): it is copied before it could
 * reach a scatterlist.
 */
int pmhs_rsa_public(const struct pmhs_rsa_pub *pub, const u8 *in, u8 *out)
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
