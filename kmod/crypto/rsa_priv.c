// SPDX-License-Identifier: GPL-2.0
/*
 * The RSA private-key operation: CRT with base blinding. Each half is a
 * Montgomery exponentiation (mont.c), and every result is checked with
 * the public exponent before it leaves (a faulty CRT half would
 * otherwise leak a factor).
 *
 * Locking: priv->lock protects the blinding pair; only the pair's update
 * (two squarings) runs under it, the exponentiations run outside.
 * Everything here may sleep.
 *
 * Secrets: the MPI library frees limbs with kfree_sensitive() (including
 * in mpi_resize() and mpi_powm() scratch space), so mpi_free() of a
 * private MPI wipes it. The halves' timing depends on the sizes of p, q,
 * dP and dQ only (mont.c); blinding hides the base from the MPI
 * arithmetic around them (CRT recombination, the check), which is not
 * constant time.
 */
#include <linux/kernel.h>
#include <linux/mpi.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "compat.h"
#include "rsa_int.h"

/* Squarings of one r before a fresh one (OpenSSL's BN_BLINDING_COUNTER). */
#define PMHS_RSA_BLIND_USES	32

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
int pmhs_rsa_blind_new(struct pmhs_rsa_priv *priv, MPI *pa, MPI *pai)
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
int pmhs_rsa_private(struct pmhs_rsa_priv *priv, const u8 *in, u8 *out)
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
