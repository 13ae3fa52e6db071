// SPDX-License-Identifier: GPL-2.0
/*
 * Montgomery exponentiation with fixed windows (see mont.h). Numbers are
 * little-endian arrays of k unsigned longs, the MPI library's limb
 * layout, so MPIs convert by copying limbs. R = 2^(BITS_PER_LONG * k).
 *
 * Every secret-dependent choice is made with masks: the table lookup
 * reads all 2^W entries and the final subtraction always runs, so the
 * sequence of instructions and memory addresses depends on k only.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#include "compat.h"
#include "mont.h"

#define PMHS_MONT_W 5			/* window bits */
#define PMHS_MONT_TAB BIT(PMHS_MONT_W)

/*
 * A double limb for the portable multiply. A macro, not a typedef:
 * linux/types.h has u128 only from 6.5, and 6.1's crypto/b128ops.h
 * has a struct of that name.
 */
#if BITS_PER_LONG == 64 && defined(CONFIG_ARCH_SUPPORTS_INT128)
#define PMHS_DLIMB unsigned __int128
#define PMHS_MONT_OK 1
#elif BITS_PER_LONG == 32
#define PMHS_DLIMB u64
#define PMHS_MONT_OK 1
#else
#define PMHS_DLIMB unsigned long	/* unused */
#define PMHS_MONT_OK 0
#endif

struct pmhs_mont {
	unsigned int k;			/* limbs of m */
	unsigned long minv;		/* -m^-1 mod 2^BITS_PER_LONG */
	PMHS_DLIMB minv2;		/* -m^-1 mod 2^(2 * BITS_PER_LONG) */
	unsigned long *m;		/* k limbs each, in buf[] */
	unsigned long *rr;		/* R^2 mod m */
	unsigned long buf[];
};

/*
 * t[0..n) += a[0..n) * b; returns the carry limb. On x86-64 gcc turns
 * the __int128 version into about twice the instructions of this mulq
 * and two add-with-carry (a private RSA-2048 operation took ~1.15x as
 * long with it).
 */
#if defined(CONFIG_X86_64) && !defined(PMHS_MONT_GENERIC)
static inline unsigned long mont_addmul(unsigned long *t,
					const unsigned long *a,
					unsigned int n, unsigned long b)
{
	unsigned long c = 0, lo, hi;
	unsigned int j;

	for (j = 0; j < n; j++) {
		lo = a[j];
		asm("mulq %[b]\n\t"
		    "addq %[c], %%rax\n\t"
		    "adcq $0, %%rdx\n\t"
		    "addq %%rax, %[t]\n\t"
		    "adcq $0, %%rdx"
		    : "+&a" (lo), "=&d" (hi), [t] "+m" (t[j])
		    : [b] "r" (b), [c] "r" (c)
		    : "cc");
		c = hi;
	}
	return c;
}

/*
 * Two rows at once: t[0..n) += a[0..n) * (b0 + b1 * 2^BITS_PER_LONG) + c,
 * n >= 1; the two limbs above t[n - 1] come back in *h0 and *h1. Nearly
 * all the time goes here. Each a[j] and t[j] is loaded once for two
 * products, not once for each: under QEMU TCG every guest memory access
 * costs a software TLB lookup, and this halves them (a private RSA-2048
 * operation takes about 0.7x the time it took one row at a time).
 */
static inline void mont_addmul2(unsigned long *t, const unsigned long *a,
				unsigned int n, unsigned long b0,
				unsigned long b1, unsigned long c,
				unsigned long *h0, unsigned long *h1)
{
	unsigned long c0 = c, c1 = 0, x, w, lo, hi;
	unsigned int j;

	/* a[j] * b + t[j] + two carries < 2^128: the adcq $0 never carry */
	for (j = 0; j < n; j++) {
		x = a[j];
		asm("movq %[x], %%rax\n\t"
		    "mulq %[b0]\n\t"
		    "addq %%rax, %[c0]\n\t"
		    "adcq $0, %%rdx\n\t"
		    "addq %[c0], %[t]\n\t"
		    "adcq $0, %%rdx\n\t"
		    "movq %%rdx, %[w]\n\t"
		    "movq %[x], %%rax\n\t"
		    "mulq %[b1]\n\t"
		    "addq %[w], %%rax\n\t"
		    "adcq $0, %%rdx\n\t"
		    "addq %[c1], %%rax\n\t"
		    "adcq $0, %%rdx\n\t"
		    "movq %%rax, %[c0]\n\t"
		    "movq %%rdx, %[c1]"
		    : [c0] "+&r" (c0), [c1] "+&r" (c1), [w] "=&r" (w),
		      [t] "+m" (t[j]), "=&a" (lo), "=&d" (hi)
		    : [x] "r" (x), [b0] "r" (b0), [b1] "r" (b1)
		    : "cc");
	}
	*h0 = c0;
	*h1 = c1;
}
#else
static inline unsigned long mont_addmul(unsigned long *t,
					const unsigned long *a,
					unsigned int n, unsigned long b)
{
	unsigned long c = 0;
	unsigned int j;
	PMHS_DLIMB x;

	for (j = 0; j < n; j++) {
		x = (PMHS_DLIMB)a[j] * b + t[j] + c;
		t[j] = (unsigned long)x;
		c = x >> BITS_PER_LONG;
	}
	return c;
}

static inline void mont_addmul2(unsigned long *t, const unsigned long *a,
				unsigned int n, unsigned long b0,
				unsigned long b1, unsigned long c,
				unsigned long *h0, unsigned long *h1)
{
	unsigned long c0 = c, c1 = 0;
	unsigned int j;
	PMHS_DLIMB x;

	for (j = 0; j < n; j++) {
		x = (PMHS_DLIMB)a[j] * b0 + t[j] + c0;
		t[j] = (unsigned long)x;
		x = (PMHS_DLIMB)a[j] * b1 + (unsigned long)(x >> BITS_PER_LONG) +
		    c1;
		c0 = (unsigned long)x;
		c1 = x >> BITS_PER_LONG;
	}
	*h0 = c0;
	*h1 = c1;
}
#endif

/*
 * r = t * R^-1 mod m for t < m * R (2k limbs, destroyed): Montgomery
 * reduction two limbs at a time (q = -t / m mod 2^(2 * BITS_PER_LONG)),
 * a last single limb for odd k, then a final subtraction by mask.
 */
static void mont_redc(unsigned long *r, unsigned long *t,
		      const struct pmhs_mont *ctx)
{
	const unsigned long *m = ctx->m;
	unsigned int k = ctx->k, i, j;
	unsigned long c, top = 0, borrow, keep, h0, h1;
	PMHS_DLIMB x, q;

	for (i = 0; i + 1 < k; i += 2) {
		q = (((PMHS_DLIMB)t[i + 1] << BITS_PER_LONG) | t[i]) *
		    ctx->minv2;
		mont_addmul2(t + i, m, k, (unsigned long)q,
			     (unsigned long)(q >> BITS_PER_LONG), 0, &h0, &h1);
		x = (PMHS_DLIMB)t[i + k] + h0 + top;
		t[i + k] = (unsigned long)x;
		x = (PMHS_DLIMB)t[i + k + 1] + h1 +
		    (unsigned long)(x >> BITS_PER_LONG);
		t[i + k + 1] = (unsigned long)x;
		top = x >> BITS_PER_LONG;
	}
	if (i < k) {
		c = mont_addmul(t + i, m, k, t[i] * ctx->minv);
		x = (PMHS_DLIMB)t[i + k] + c + top;
		t[i + k] = (unsigned long)x;
		top = x >> BITS_PER_LONG;
	}
	/* t[k..2k) + top * R < 2m: subtract m unless that borrows */
	t += k;
	borrow = 0;
	for (j = 0; j < k; j++) {
		x = (PMHS_DLIMB)t[j] - m[j] - borrow;
		r[j] = (unsigned long)x;
		borrow = (unsigned long)(x >> BITS_PER_LONG) & 1;
	}
	keep = 0UL - (borrow & (top ^ 1));
	for (j = 0; j < k; j++)
		r[j] = (t[j] & keep) | (r[j] & ~keep);
}

/* r = a * b * R^-1 mod m for a < R, b < m. t: 2k limbs. */
static void mont_mul(unsigned long *r, const unsigned long *a,
		     const unsigned long *b, const struct pmhs_mont *ctx,
		     unsigned long *t)
{
	unsigned int k = ctx->k, i;

	memset(t, 0, k * sizeof(*t));
	for (i = 0; i + 1 < k; i += 2)
		mont_addmul2(t + i, a, k, b[i], b[i + 1], 0, &t[i + k],
			     &t[i + k + 1]);
	if (i < k)
		t[i + k] = mont_addmul(t + i, a, k, b[i]);
	mont_redc(r, t, ctx);
}

/*
 * r = a^2 * R^-1 mod m for a < m: each cross product once, doubled.
 * Rows i and i + 1 go together from a[i + 2] on; a[i + 1] * a[i], which
 * row i + 1 lacks, is added first and its carry goes in with them.
 */
static void mont_sqr(unsigned long *r, const unsigned long *a,
		     const struct pmhs_mont *ctx, unsigned long *t)
{
	unsigned int k = ctx->k, i;
	unsigned long c, v;
	PMHS_DLIMB x;

	memset(t, 0, k * sizeof(*t));
	t[2 * k - 1] = 0;
	for (i = 0; i + 2 < k; i += 2) {
		c = mont_addmul(t + 2 * i + 1, a + i + 1, 1, a[i]);
		mont_addmul2(t + 2 * i + 2, a + i + 2, k - i - 2, a[i],
			     a[i + 1], c, &t[i + k], &t[i + k + 1]);
	}
	if (i + 1 < k)
		t[i + k] = mont_addmul(t + 2 * i + 1, a + i + 1, k - i - 1,
				       a[i]);
	/* t = 2 * t (the sum of cross products is below R^2 / 2) */
	c = 0;
	for (i = 0; i < 2 * k; i++) {
		v = t[i];
		t[i] = (v << 1) | c;
		c = v >> (BITS_PER_LONG - 1);
	}
	/* plus a[i]^2 at limbs 2i, 2i + 1 */
	c = 0;
	for (i = 0; i < k; i++) {
		x = (PMHS_DLIMB)a[i] * a[i] + t[2 * i] + c;
		t[2 * i] = (unsigned long)x;
		x = (PMHS_DLIMB)t[2 * i + 1] + (unsigned long)(x >> BITS_PER_LONG);
		t[2 * i + 1] = (unsigned long)x;
		c = x >> BITS_PER_LONG;
	}
	mont_redc(r, t, ctx);
}

/* 1 if i == idx, else 0, without a branch (i, idx < PMHS_MONT_TAB) */
static inline unsigned long mont_mask(unsigned long i, unsigned long idx)
{
	return 0UL - (((i ^ idx) - 1) >> (BITS_PER_LONG - 1));
}

/*
 * out = tab[idx], reading every entry. Four limbs of out at a time stay
 * in registers while all entries go by: one memory access per limb read,
 * where or-ing into out[] took three.
 */
static void mont_select(unsigned long *out, const unsigned long *tab,
			unsigned int k, unsigned long idx)
{
	unsigned long i, mask, o0, o1, o2, o3;
	const unsigned long *e;
	unsigned int j;

	for (j = 0; j + 4 <= k; j += 4) {
		o0 = 0;
		o1 = 0;
		o2 = 0;
		o3 = 0;
		for (i = 0; i < PMHS_MONT_TAB; i++) {
			mask = mont_mask(i, idx);
			e = tab + i * k + j;
			o0 |= e[0] & mask;
			o1 |= e[1] & mask;
			o2 |= e[2] & mask;
			o3 |= e[3] & mask;
		}
		out[j] = o0;
		out[j + 1] = o1;
		out[j + 2] = o2;
		out[j + 3] = o3;
	}
	for (; j < k; j++) {
		o0 = 0;
		for (i = 0; i < PMHS_MONT_TAB; i++)
			o0 |= tab[i * k + j] & mont_mask(i, idx);
		out[j] = o0;
	}
}

/* W bits of e starting at bit @pos; e has a zero limb past its end */
static unsigned long mont_window(const unsigned long *e, unsigned int pos)
{
	unsigned int l = pos / BITS_PER_LONG, s = pos % BITS_PER_LONG;
	unsigned long v = e[l] >> s;

	if (s > BITS_PER_LONG - PMHS_MONT_W)
		v |= e[l + 1] << (BITS_PER_LONG - s);
	return v & (PMHS_MONT_TAB - 1);
}

/* limbs of @a, zero-padded to @k (a has at most k limbs) */
static void mont_from_mpi(unsigned long *out, MPI a, unsigned int k)
{
	unsigned int n = a->nlimbs;

	memcpy(out, a->d, n * sizeof(*out));
	memset(out + n, 0, (k - n) * sizeof(*out));
}

/* A new MPI holding the k limbs @a, normalized. */
static MPI mont_to_mpi(const unsigned long *a, unsigned int k)
{
	MPI r = mpi_alloc(k);

	if (!r)
		return NULL;
	memcpy(r->d, a, k * sizeof(*a));
	while (k && !a[k - 1])
		k--;
	r->nlimbs = k;
	r->sign = 0;
	return r;
}

int pmhs_mont_new(MPI m, struct pmhs_mont **out)
{
	struct pmhs_mont *ctx;
	unsigned int k = m->nlimbs;
	MPI big = NULL, rr = NULL;
	unsigned long inv;
	PMHS_DLIMB m2, inv2;
	size_t blen;
	u8 *b;
	int i, ret;

	*out = NULL;
	if (!PMHS_MONT_OK)
		return -EOPNOTSUPP;
	if (!k || m->sign || !(m->d[0] & 1) || (k == 1 && m->d[0] == 1))
		return -EINVAL;
	ctx = kzalloc(struct_size(ctx, buf, 2 * k), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->k = k;
	ctx->m = ctx->buf;
	ctx->rr = ctx->buf + k;
	memcpy(ctx->m, m->d, k * sizeof(*ctx->m));
	/* Newton's iteration doubles the correct low bits: 3, 6, ... 96 */
	inv = m->d[0];
	for (i = 0; i < 5; i++)
		inv *= 2 - m->d[0] * inv;
	ctx->minv = 0UL - inv;
	/* the same for two limbs: 192 bits, of which 128 are kept */
	m2 = m->d[0];
	if (k > 1)
		m2 |= (PMHS_DLIMB)m->d[1] << BITS_PER_LONG;
	inv2 = m2;
	for (i = 0; i < 6; i++)
		inv2 *= 2 - m2 * inv2;
	ctx->minv2 = 0 - inv2;

	/* R^2 = 2^(2 * BITS_PER_LONG * k): a 1 and 2k zero limbs */
	ret = -ENOMEM;
	blen = 2 * k * sizeof(unsigned long) + 1;
	b = kzalloc(blen, GFP_KERNEL_ACCOUNT);
	if (!b)
		goto err;
	b[0] = 1;
	big = mpi_read_raw_data(b, blen);
	kfree(b);
	rr = mpi_alloc(0);
	if (!big || !rr)
		goto err;
	ret = pmhs_mpi_mod(rr, big, m);
	if (ret)
		goto err;
	mont_from_mpi(ctx->rr, rr, k);
	mpi_free(rr);
	mpi_free(big);
	*out = ctx;
	return 0;
err:
	mpi_free(rr);
	mpi_free(big);
	pmhs_mont_free(ctx);
	return ret;
}

void pmhs_mont_free(struct pmhs_mont *ctx)
{
	kfree_sensitive(ctx);	/* m is a secret prime */
}

int pmhs_mont_powm(const struct pmhs_mont *ctx, MPI r, MPI b, MPI e)
{
	unsigned int k = ctx->k, pos;
	unsigned long *s, *tab, *acc, *sel, *t, *eb, *one;
	size_t n;
	MPI res;
	int i;

	if (b->sign || e->sign || b->nlimbs > k || e->nlimbs > k)
		return -EINVAL;
	/* tab[32k] acc[k] sel[k] t[2k] eb[k+1] one[k] */
	n = (PMHS_MONT_TAB + 6) * k + 1;
	s = kmalloc_array(n, sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	tab = s;
	acc = tab + PMHS_MONT_TAB * k;
	sel = acc + k;
	t = sel + k;
	eb = t + 2 * k;
	one = eb + k + 1;
	mont_from_mpi(eb, e, k + 1);
	memset(one, 0, k * sizeof(*one));
	one[0] = 1;

	/* tab[i] = b^i * R mod m */
	mont_from_mpi(acc, b, k);
	mont_mul(tab, ctx->rr, one, ctx, t);
	mont_mul(tab + k, acc, ctx->rr, ctx, t);
	for (i = 2; i < PMHS_MONT_TAB; i++)
		mont_mul(tab + i * k, tab + (i - 1) * k, tab + k, ctx, t);

	/* every window of k limbs, from the top, zeros included */
	pos = roundup(k * BITS_PER_LONG, PMHS_MONT_W) - PMHS_MONT_W;
	mont_select(acc, tab, k, mont_window(eb, pos));
	while (pos) {
		pos -= PMHS_MONT_W;
		for (i = 0; i < PMHS_MONT_W; i++)
			mont_sqr(acc, acc, ctx, t);
		mont_select(sel, tab, k, mont_window(eb, pos));
		mont_mul(acc, acc, sel, ctx, t);
	}
	mont_mul(acc, acc, one, ctx, t);	/* out of Montgomery form */

	res = mont_to_mpi(acc, k);
	memzero_explicit(s, n * sizeof(*s));
	kfree(s);
	if (!res)
		return -ENOMEM;
	/* r takes res's limbs; mpi_free() wipes r's old ones */
	swap(*r, *res);
	mpi_free(res);
	return 0;
}
