// SPDX-License-Identifier: GPL-2.0
/*
 * ristretto255 (RFC 9496) over edwards25519, see r255.h.
 *
 * Field elements: five 51-bit limbs, products in unsigned __int128. The
 * point formulas are ref10's (extended, completed, projective and cached
 * coordinates). Scalars mod l use five 52-bit limbs and Montgomery
 * multiplication with R = 2^260.
 *
 * Secret data never selects a branch or an address: selections are masks
 * (fe_cmov), table lookups read every entry, and signs are applied with
 * conditional negation. Public loop bounds only.
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "r255.h"

#ifndef CONFIG_ARCH_SUPPORTS_INT128
#error "pmhs: r255.c needs a 64x64->128 multiply (CONFIG_ARCH_SUPPORTS_INT128)"
#endif

/* linux/types.h has u128 only from 6.5 (see mont.c). */
#define R255_U128 unsigned __int128

/* Wipe a local (array or struct) holding secret-derived values. */
#define WIPE(x) memzero_explicit(&(x), sizeof(x))

#define MASK51 ((1ULL << 51) - 1)
#define MASK52 ((1ULL << 52) - 1)

/* Completed (P1xP1), projective (P2) and cached forms of ref10. */
struct r255_p1p1 {
	r255_fe x, y, z, t;
};

struct r255_p2 {
	r255_fe x, y, z;
};

struct r255_cached {
	r255_fe ypx, ymx, z, t2d;
};

/* Affine cached form, for the fixed-base table. */
struct r255_niels {
	r255_fe ypx, ymx, xy2d;
};

#include "r255_table.h"

/* RFC 9496 section 4.1 constants, and 2d. */
static const r255_fe r255_d = {
	0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb,
	0x52036cee2b6ff
};

static const r255_fe r255_d2 = {
	0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977,
	0x2406d9dc56dff
};

static const r255_fe r255_sqrt_m1 = {
	0x61b274a0ea0b0, 0x0d5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e,
	0x2b8324804fc1d
};

static const r255_fe r255_sqrt_ad_minus_one = {
	0x7f6a0497b2e1b, 0x1836f0a97afd2, 0x7d747f6be7638, 0x456079e7e6498,
	0x376931bf2b834
};

static const r255_fe r255_invsqrt_a_minus_d = {
	0x0fdaa805d40ea, 0x2eb482e57d339, 0x007610274bc58, 0x6510b613dc8ff,
	0x786c8905cfaff
};

static const r255_fe r255_one_minus_d_sq = {
	0x409c1945fc176, 0x719abc6a1fc4f, 0x1c37f90b20684, 0x06bccca55eedf,
	0x029072a8b2b3e
};

static const r255_fe r255_d_minus_one_sq = {
	0x55aaa44ed4d20, 0x59603c3332635, 0x26d3baf4a7928, 0x120a66e6997a9,
	0x5968b37af66c2
};

static u64 load64_le(const u8 *p)
{
	u64 r = 0;
	int i;

	for (i = 7; i >= 0; i--)
		r = (r << 8) | p[i];
	return r;
}

static void store64_le(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (u8)v;
}

/* Field arithmetic mod p = 2^255 - 19. */

static void fe_0(r255_fe h)
{
	memset(h, 0, sizeof(r255_fe));
}

static void fe_1(r255_fe h)
{
	fe_0(h);
	h[0] = 1;
}

static void fe_copy(r255_fe h, const r255_fe f)
{
	memcpy(h, f, sizeof(r255_fe));
}

/* No carry: limbs grow by one bit; every sum goes into a multiply. */
static __always_inline void fe_add(r255_fe h, const r255_fe f, const r255_fe g)
{
	int i;

	for (i = 0; i < 5; i++)
		h[i] = f[i] + g[i];
}

/* h = f + 2p - g, g carried first so that no limb goes negative. */
static __always_inline void fe_sub(r255_fe h, const r255_fe f, const r255_fe g)
{
	u64 g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];

	g1 += g0 >> 51;
	g0 &= MASK51;
	g2 += g1 >> 51;
	g1 &= MASK51;
	g3 += g2 >> 51;
	g2 &= MASK51;
	g4 += g3 >> 51;
	g3 &= MASK51;
	g0 += 19 * (g4 >> 51);
	g4 &= MASK51;
	h[0] = f[0] + 0xfffffffffffdaULL - g0;
	h[1] = f[1] + 0xffffffffffffeULL - g1;
	h[2] = f[2] + 0xffffffffffffeULL - g2;
	h[3] = f[3] + 0xffffffffffffeULL - g3;
	h[4] = f[4] + 0xffffffffffffeULL - g4;
}

static void fe_neg(r255_fe h, const r255_fe f)
{
	static const r255_fe zero;

	fe_sub(h, zero, f);
}

/*
 * Carry the five 128-bit column sums into h (limbs < 2^51 + 2^13).
 * Multiplier inputs stay below 2^54 (sums and differences of carried
 * limbs), so r4 < 5 * 2^108 and 19 * (r4 >> 51) fits in 64 bits.
 */
static __always_inline void fe_carry128(r255_fe h, R255_U128 r0,
					R255_U128 r1, R255_U128 r2,
					R255_U128 r3, R255_U128 r4)
{
	u64 l0, l1, l2, l3, l4;

	l0 = (u64)r0 & MASK51;
	r1 += (u64)(r0 >> 51);
	l1 = (u64)r1 & MASK51;
	r2 += (u64)(r1 >> 51);
	l2 = (u64)r2 & MASK51;
	r3 += (u64)(r2 >> 51);
	l3 = (u64)r3 & MASK51;
	r4 += (u64)(r3 >> 51);
	l4 = (u64)r4 & MASK51;
	l0 += (u64)(r4 >> 51) * 19;
	l1 += l0 >> 51;
	l0 &= MASK51;
	h[0] = l0;
	h[1] = l1;
	h[2] = l2;
	h[3] = l3;
	h[4] = l4;
}

static __always_inline void fe_mul_i(r255_fe h, const r255_fe f,
				     const r255_fe g)
{
	u64 f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
	u64 g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
	u64 g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
	R255_U128 r0, r1, r2, r3, r4;

	r0 = (R255_U128)f0 * g0 + (R255_U128)f1 * g4_19 +
	     (R255_U128)f2 * g3_19 + (R255_U128)f3 * g2_19 +
	     (R255_U128)f4 * g1_19;
	r1 = (R255_U128)f0 * g1 + (R255_U128)f1 * g0 +
	     (R255_U128)f2 * g4_19 + (R255_U128)f3 * g3_19 +
	     (R255_U128)f4 * g2_19;
	r2 = (R255_U128)f0 * g2 + (R255_U128)f1 * g1 + (R255_U128)f2 * g0 +
	     (R255_U128)f3 * g4_19 + (R255_U128)f4 * g3_19;
	r3 = (R255_U128)f0 * g3 + (R255_U128)f1 * g2 + (R255_U128)f2 * g1 +
	     (R255_U128)f3 * g0 + (R255_U128)f4 * g4_19;
	r4 = (R255_U128)f0 * g4 + (R255_U128)f1 * g3 + (R255_U128)f2 * g2 +
	     (R255_U128)f3 * g1 + (R255_U128)f4 * g0;
	fe_carry128(h, r0, r1, r2, r3, r4);
}

static __always_inline void fe_sq_i(r255_fe h, const r255_fe f)
{
	u64 f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
	u64 d0 = 2 * f0, d1 = 2 * f1, d2 = 2 * f2, d3 = 2 * f3;
	u64 f3_19 = 19 * f3, f4_19 = 19 * f4;
	R255_U128 r0, r1, r2, r3, r4;

	r0 = (R255_U128)f0 * f0 + (R255_U128)d1 * f4_19 +
	     (R255_U128)d2 * f3_19;
	r1 = (R255_U128)d0 * f1 + (R255_U128)d2 * f4_19 +
	     (R255_U128)f3 * f3_19;
	r2 = (R255_U128)d0 * f2 + (R255_U128)f1 * f1 +
	     (R255_U128)d3 * f4_19;
	r3 = (R255_U128)d0 * f3 + (R255_U128)d1 * f2 + (R255_U128)f4 * f4_19;
	r4 = (R255_U128)d0 * f4 + (R255_U128)d1 * f3 + (R255_U128)f2 * f2;
	fe_carry128(h, r0, r1, r2, r3, r4);
}

/*
 * fe_mul_i() and fe_sq_i() are inlined into the point formulas that the
 * scalar multiplications loop over; everything else calls one copy.
 */
static void fe_mul(r255_fe h, const r255_fe f, const r255_fe g)
{
	fe_mul_i(h, f, g);
}

static void fe_sq(r255_fe h, const r255_fe f)
{
	fe_sq_i(h, f);
}

/* h = f^(2^n), n >= 1 */
static void fe_sqn(r255_fe h, const r255_fe f, int n)
{
	fe_sq(h, f);
	while (--n > 0)
		fe_sq(h, h);
}

static void fe_frombytes(r255_fe h, const u8 s[32])
{
	u64 w0 = load64_le(s), w1 = load64_le(s + 8);
	u64 w2 = load64_le(s + 16), w3 = load64_le(s + 24);

	h[0] = w0 & MASK51;
	h[1] = ((w0 >> 51) | (w1 << 13)) & MASK51;
	h[2] = ((w1 >> 38) | (w2 << 26)) & MASK51;
	h[3] = ((w2 >> 25) | (w3 << 39)) & MASK51;
	h[4] = (w3 >> 12) & MASK51;	/* bit 255 ignored */
}

static void fe_carry(u64 t[5])
{
	t[1] += t[0] >> 51;
	t[0] &= MASK51;
	t[2] += t[1] >> 51;
	t[1] &= MASK51;
	t[3] += t[2] >> 51;
	t[2] &= MASK51;
	t[4] += t[3] >> 51;
	t[3] &= MASK51;
	t[0] += 19 * (t[4] >> 51);
	t[4] &= MASK51;
}

/* The canonical encoding (the value reduced below p). */
static void fe_tobytes(u8 s[32], const r255_fe h)
{
	u64 t[5];

	memcpy(t, h, sizeof(t));
	fe_carry(t);
	fe_carry(t);
	/* Now t < 2^255 + small; add 19 to find out whether t >= p. */
	t[0] += 19;
	fe_carry(t);
	/* t + 19 - p... : add 2^255 - 19 and drop bit 255. */
	t[0] += 0x8000000000000ULL - 19;
	t[1] += 0x8000000000000ULL - 1;
	t[2] += 0x8000000000000ULL - 1;
	t[3] += 0x8000000000000ULL - 1;
	t[4] += 0x8000000000000ULL - 1;
	t[1] += t[0] >> 51;
	t[0] &= MASK51;
	t[2] += t[1] >> 51;
	t[1] &= MASK51;
	t[3] += t[2] >> 51;
	t[2] &= MASK51;
	t[4] += t[3] >> 51;
	t[3] &= MASK51;
	t[4] &= MASK51;
	store64_le(s, t[0] | (t[1] << 51));
	store64_le(s + 8, (t[1] >> 13) | (t[2] << 38));
	store64_le(s + 16, (t[2] >> 26) | (t[3] << 25));
	store64_le(s + 24, (t[3] >> 39) | (t[4] << 12));
	WIPE(t);
}

/* 1 if the 32 bytes are all zero, in constant time. */
static int bytes_zero(const u8 *s, unsigned int n)
{
	unsigned int i, acc = 0;

	for (i = 0; i < n; i++)
		acc |= s[i];
	return (int)(((acc - 1) >> 8) & 1);
}

static int fe_iszero(const r255_fe f)
{
	u8 s[32];

	int ret;

	fe_tobytes(s, f);
	ret = bytes_zero(s, 32);
	WIPE(s);
	return ret;
}

/* The RFC's IS_NEGATIVE: the low bit of the canonical encoding. */
static int fe_isnegative(const r255_fe f)
{
	u8 s[32];

	int ret;

	fe_tobytes(s, f);
	ret = s[0] & 1;
	WIPE(s);
	return ret;
}

static int fe_eq(const r255_fe f, const r255_fe g)
{
	r255_fe d;

	int ret;

	fe_sub(d, f, g);
	ret = fe_iszero(d);
	WIPE(d);
	return ret;
}

/* f = b ? g : f, b in {0, 1} */
static void fe_cmov(r255_fe f, const r255_fe g, unsigned int b)
{
	u64 m = 0 - (u64)b;
	int i;

	for (i = 0; i < 5; i++)
		f[i] ^= m & (f[i] ^ g[i]);
}

static void fe_cneg(r255_fe f, unsigned int b)
{
	r255_fe n;

	fe_neg(n, f);
	fe_cmov(f, n, b);
	WIPE(n);
}

/* The RFC's CT_ABS: the non-negative one of f and -f. */
static void fe_abs(r255_fe h, const r255_fe f)
{
	fe_copy(h, f);
	fe_cneg(h, fe_isnegative(f));
}

/* out = z^((p - 5) / 8) = z^(2^252 - 3), ref10's addition chain. */
static void fe_pow22523(r255_fe out, const r255_fe z)
{
	r255_fe t0, t1, t2;

	fe_sq(t0, z);
	fe_sqn(t1, t0, 2);
	fe_mul(t1, z, t1);
	fe_mul(t0, t0, t1);
	fe_sq(t0, t0);
	fe_mul(t0, t1, t0);		/* 2^5 - 1 */
	fe_sqn(t1, t0, 5);
	fe_mul(t0, t1, t0);		/* 2^10 - 1 */
	fe_sqn(t1, t0, 10);
	fe_mul(t1, t1, t0);		/* 2^20 - 1 */
	fe_sqn(t2, t1, 20);
	fe_mul(t1, t2, t1);		/* 2^40 - 1 */
	fe_sqn(t1, t1, 10);
	fe_mul(t0, t1, t0);		/* 2^50 - 1 */
	fe_sqn(t1, t0, 50);
	fe_mul(t1, t1, t0);		/* 2^100 - 1 */
	fe_sqn(t2, t1, 100);
	fe_mul(t1, t2, t1);		/* 2^200 - 1 */
	fe_sqn(t1, t1, 50);
	fe_mul(t0, t1, t0);		/* 2^250 - 1 */
	fe_sqn(t0, t0, 2);
	fe_mul(out, t0, z);		/* 2^252 - 3 */
	WIPE(t0);
	WIPE(t1);
	WIPE(t2);
}

/*
 * RFC 9496 section 4.2 SQRT_RATIO_M1: r = sqrt(u / v) made non-negative;
 * returns 1 if u / v was square (r = sqrt(i * u / v) otherwise).
 */
static int sqrt_ratio_m1(r255_fe r, const r255_fe u, const r255_fe v)
{
	r255_fe v3, v7, t, check, nu, nui, rp;
	int correct, flipped, flipped_i;

	fe_sq(v3, v);
	fe_mul(v3, v3, v);		/* v^3 */
	fe_sq(v7, v3);
	fe_mul(v7, v7, v);		/* v^7 */
	fe_mul(t, u, v7);
	fe_pow22523(t, t);
	fe_mul(t, t, v3);
	fe_mul(r, t, u);		/* u v^3 (u v^7)^((p - 5) / 8) */
	fe_sq(check, r);
	fe_mul(check, check, v);
	fe_neg(nu, u);
	fe_mul(nui, nu, r255_sqrt_m1);
	correct = fe_eq(check, u);
	flipped = fe_eq(check, nu);
	flipped_i = fe_eq(check, nui);
	fe_mul(rp, r, r255_sqrt_m1);
	fe_cmov(r, rp, flipped | flipped_i);
	fe_abs(r, r);
	WIPE(v3);
	WIPE(v7);
	WIPE(t);
	WIPE(check);
	WIPE(nu);
	WIPE(nui);
	WIPE(rp);
	return correct | flipped;
}

/* Group operations (ref10). */

static void p3_0(struct r255_point *h)
{
	fe_0(h->x);
	fe_1(h->y);
	fe_1(h->z);
	fe_0(h->t);
}

static void p3_to_cached(struct r255_cached *r, const struct r255_point *p)
{
	fe_add(r->ypx, p->y, p->x);
	fe_sub(r->ymx, p->y, p->x);
	fe_copy(r->z, p->z);
	fe_mul(r->t2d, p->t, r255_d2);
}

static void p1p1_to_p2(struct r255_p2 *r, const struct r255_p1p1 *p)
{
	fe_mul_i(r->x, p->x, p->t);
	fe_mul_i(r->y, p->y, p->z);
	fe_mul_i(r->z, p->z, p->t);
}

static void p1p1_to_p3(struct r255_point *r, const struct r255_p1p1 *p)
{
	fe_mul_i(r->x, p->x, p->t);
	fe_mul_i(r->y, p->y, p->z);
	fe_mul_i(r->z, p->z, p->t);
	fe_mul_i(r->t, p->x, p->y);
}

static void p2_dbl(struct r255_p1p1 *r, const struct r255_p2 *p)
{
	r255_fe t0;

	fe_sq_i(r->x, p->x);
	fe_sq_i(r->z, p->y);
	fe_sq_i(r->t, p->z);
	fe_add(r->t, r->t, r->t);
	fe_add(r->y, p->x, p->y);
	fe_sq_i(t0, r->y);
	fe_add(r->y, r->z, r->x);
	fe_sub(r->z, r->z, r->x);
	fe_sub(r->x, t0, r->y);
	fe_sub(r->t, r->t, r->z);
	WIPE(t0);
}

static void p3_to_p2(struct r255_p2 *r, const struct r255_point *p)
{
	fe_copy(r->x, p->x);
	fe_copy(r->y, p->y);
	fe_copy(r->z, p->z);
}

/* r = p + q */
static void p3_add(struct r255_p1p1 *r, const struct r255_point *p,
		   const struct r255_cached *q)
{
	r255_fe t0;

	fe_add(r->x, p->y, p->x);
	fe_sub(r->y, p->y, p->x);
	fe_mul_i(r->z, r->x, q->ypx);
	fe_mul_i(r->y, r->y, q->ymx);
	fe_mul_i(r->t, q->t2d, p->t);
	fe_mul_i(r->x, p->z, q->z);
	fe_add(t0, r->x, r->x);
	fe_sub(r->x, r->z, r->y);
	fe_add(r->y, r->z, r->y);
	fe_add(r->z, t0, r->t);
	fe_sub(r->t, t0, r->t);
	WIPE(t0);
}

/* r = p + q, q affine */
static void p3_madd(struct r255_p1p1 *r, const struct r255_point *p,
		    const struct r255_niels *q)
{
	r255_fe t0;

	fe_add(r->x, p->y, p->x);
	fe_sub(r->y, p->y, p->x);
	fe_mul_i(r->z, r->x, q->ypx);
	fe_mul_i(r->y, r->y, q->ymx);
	fe_mul_i(r->t, q->xy2d, p->t);
	fe_add(t0, p->z, p->z);
	fe_sub(r->x, r->z, r->y);
	fe_add(r->y, r->z, r->y);
	fe_add(r->z, t0, r->t);
	fe_sub(r->t, t0, r->t);
	WIPE(t0);
}

/* 1 if b == c (small non-negative values), without a branch. */
static unsigned int ct_eq(unsigned int b, unsigned int c)
{
	return ((b ^ c) - 1U) >> 31;
}

/* Sign and magnitude of a signed digit, without a branch. */
static unsigned int digit_abs(s8 b, unsigned int *neg)
{
	unsigned int bneg = ((u8)b >> 7) & 1;

	*neg = bneg;
	return (unsigned int)(b - ((-(int)bneg & b) * 2));
}

/*
 * dst = the entry of src[0..8) whose mask is all ones, or @id when none
 * is: every entry is read and combined with its mask, word by word.
 */
static __always_inline void select8(u64 *dst, const u64 *src,
				    unsigned int stride, const u64 *id,
				    unsigned int babs)
{
	u64 m[8], m0 = 0 - (u64)ct_eq(babs, 0);
	unsigned int i, w;

	for (i = 0; i < 8; i++)
		m[i] = 0 - (u64)ct_eq(babs, i + 1);
	for (w = 0; w < stride; w++) {
		u64 acc = m0 & id[w];

		for (i = 0; i < 8; i++)
			acc |= m[i] & src[i * stride + w];
		dst[w] = acc;
	}
}

/* t = b * P from pi[k] = (k + 1) * P, reading every entry; |b| <= 8. */
static void cached_select(struct r255_cached *t,
			  const struct r255_cached pi[8], s8 b)
{
	static const struct r255_cached id = {
		.ypx = { 1 }, .ymx = { 1 }, .z = { 1 },
	};
	struct r255_cached minus;
	unsigned int neg, babs = digit_abs(b, &neg);

	BUILD_BUG_ON(sizeof(*t) != 20 * sizeof(u64));
	select8((u64 *)t, (const u64 *)pi, 20, (const u64 *)&id, babs);
	fe_copy(minus.ypx, t->ymx);
	fe_copy(minus.ymx, t->ypx);
	fe_neg(minus.t2d, t->t2d);
	fe_cmov(t->ypx, minus.ypx, neg);
	fe_cmov(t->ymx, minus.ymx, neg);
	fe_cmov(t->t2d, minus.t2d, neg);
	WIPE(minus);
}

/* t = b * 16^(2 pos) * B from the fixed table; |b| <= 8. */
static noinline void niels_select(struct r255_niels *t, int pos, s8 b)
{
	static const struct r255_niels id = { .ypx = { 1 }, .ymx = { 1 } };
	struct r255_niels minus;
	unsigned int neg, babs = digit_abs(b, &neg);

	BUILD_BUG_ON(sizeof(*t) != 15 * sizeof(u64));
	select8((u64 *)t, (const u64 *)r255_base_table[pos], 15,
		(const u64 *)&id, babs);
	fe_copy(minus.ypx, t->ymx);
	fe_copy(minus.ymx, t->ypx);
	fe_neg(minus.xy2d, t->xy2d);
	fe_cmov(t->ypx, minus.ypx, neg);
	fe_cmov(t->ymx, minus.ymx, neg);
	fe_cmov(t->xy2d, minus.xy2d, neg);
	WIPE(minus);
}

/*
 * Signed radix-16 digits of a 256-bit scalar: e[i] in [-8, 8), the last
 * one (the carry out of bit 255) 0 or 1.
 */
static void recode16(s8 e[65], const u8 a[32])
{
	int i;
	s8 carry = 0;

	for (i = 0; i < 32; i++) {
		e[2 * i] = a[i] & 15;
		e[2 * i + 1] = (a[i] >> 4) & 15;
	}
	for (i = 0; i < 64; i++) {
		e[i] += carry;
		carry = (s8)((e[i] + 8) >> 4);
		e[i] -= (s8)(carry * 16);
	}
	e[64] = carry;
}

/* r = 16 * p, the last doubling's result left in completed form. */
static void p2_dbl4(struct r255_p1p1 *r, struct r255_p2 *s)
{
	p2_dbl(r, s);
	p1p1_to_p2(s, r);
	p2_dbl(r, s);
	p1p1_to_p2(s, r);
	p2_dbl(r, s);
	p1p1_to_p2(s, r);
	p2_dbl(r, s);
}

/* pi[k] = (k + 1) * p */
static noinline void cached_table(struct r255_cached pi[8],
				  const struct r255_point *p)
{
	struct r255_point q;
	struct r255_p1p1 r;
	int k;

	p3_to_cached(&pi[0], p);
	memcpy(&q, p, sizeof(q));
	for (k = 1; k < 8; k++) {
		p3_add(&r, &q, &pi[0]);
		p1p1_to_p3(&q, &r);
		p3_to_cached(&pi[k], &q);
	}
	memzero_explicit(&q, sizeof(q));
	memzero_explicit(&r, sizeof(r));
}

/*
 * h = sum of e[i] * 16^i * P over pi[k] = (k + 1) * P, from the top digit
 * down. Apart from r255_scalarmult() so that neither frame grows past
 * CONFIG_FRAME_WARN with KASAN's stack redzones.
 */
static noinline void scalarmult_digits(struct r255_point *h,
				       const struct r255_cached pi[8],
				       const s8 e[65])
{
	struct r255_cached t;
	struct r255_p1p1 r;
	struct r255_p2 s;
	int i;

	p3_0(h);
	for (i = 64; i > 0; i--) {
		cached_select(&t, pi, e[i]);
		p3_add(&r, h, &t);
		p1p1_to_p2(&s, &r);
		p2_dbl4(&r, &s);
		p1p1_to_p3(h, &r);
	}
	cached_select(&t, pi, e[0]);
	p3_add(&r, h, &t);
	p1p1_to_p3(h, &r);
	WIPE(t);
	WIPE(r);
	WIPE(s);
}

void r255_scalarmult(struct r255_point *h, const u8 a[R255_SCALARBYTES],
		     const struct r255_point *p)
{
	struct r255_cached pi[8];
	s8 e[65];

	cached_table(pi, p);	/* before h is written: h may be p */
	recode16(e, a);
	scalarmult_digits(h, pi, e);
	WIPE(pi);
	WIPE(e);
}

/* Scalars mod l: five 52-bit limbs, Montgomery form with R = 2^260. */

static const u64 sc_l[5] = {
	0x2631a5cf5d3ed, 0xdea2f79cd6581, 0x000000014def9, 0x0000000000000,
	0x0100000000000
};

/* R mod l and R^2 mod l */
static const u64 sc_r[5] = {
	0xf48bd6721e6ed, 0x3bab5ac67e45a, 0xfffffeb35e51b, 0xfffffffffffff,
	0x00fffffffffff
};

static const u64 sc_rr[5] = {
	0x9d265e952d13b, 0xd63c715bea69f, 0x5be65cb687604, 0x3dceec73d217f,
	0x009411b7c309a
};

#define SC_LFACTOR 0x51da312547e1bULL	/* -1/l mod 2^52 */

static void sc_unpack(u64 r[5], const u8 b[32])
{
	u64 w0 = load64_le(b), w1 = load64_le(b + 8);
	u64 w2 = load64_le(b + 16), w3 = load64_le(b + 24);

	r[0] = w0 & MASK52;
	r[1] = ((w0 >> 52) | (w1 << 12)) & MASK52;
	r[2] = ((w1 >> 40) | (w2 << 24)) & MASK52;
	r[3] = ((w2 >> 28) | (w3 << 36)) & MASK52;
	r[4] = w3 >> 16;
}

/* a < l */
static void sc_pack(u8 b[32], const u64 a[5])
{
	store64_le(b, a[0] | (a[1] << 52));
	store64_le(b + 8, (a[1] >> 12) | (a[2] << 40));
	store64_le(b + 16, (a[2] >> 24) | (a[3] << 28));
	store64_le(b + 24, (a[3] >> 36) | (a[4] << 16));
}

/* r = a - b, plus l if that is negative; for a - b in [-l, l). */
static void sc_sub52(u64 r[5], const u64 a[5], const u64 b[5])
{
	u64 d[5], borrow = 0, carry = 0, mask;
	int i;

	for (i = 0; i < 5; i++) {
		borrow = a[i] - (b[i] + (borrow >> 63));
		d[i] = borrow & MASK52;
	}
	mask = 0 - (borrow >> 63);
	for (i = 0; i < 5; i++) {
		carry = (carry >> 52) + d[i] + (sc_l[i] & mask);
		r[i] = carry & MASK52;
	}
}

/* r = a + b mod l, for a, b < l */
static void sc_add52(u64 r[5], const u64 a[5], const u64 b[5])
{
	u64 sum[5], carry = 0;
	int i;

	for (i = 0; i < 5; i++) {
		carry = a[i] + b[i] + (carry >> 52);
		sum[i] = carry & MASK52;
	}
	sc_sub52(r, sum, sc_l);
}

static inline R255_U128 sc_m(u64 a, u64 b)
{
	return (R255_U128)a * b;
}

static inline u64 sc_part1(R255_U128 *sum)
{
	u64 p = ((u64)*sum * SC_LFACTOR) & MASK52;

	*sum = (*sum + sc_m(p, sc_l[0])) >> 52;
	return p;
}

static inline u64 sc_part2(R255_U128 *sum)
{
	u64 w = (u64)*sum & MASK52;

	*sum >>= 52;
	return w;
}

/* r = a * b / R mod l, for a * b < R * l (any two 256-bit values). */
static void sc_montmul(u64 r[5], const u64 a[5], const u64 b[5])
{
	R255_U128 z[9], c;
	u64 n0, n1, n2, n3, n4, t[5];
	int i, j;

	for (i = 0; i < 9; i++)
		z[i] = 0;
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			z[i + j] += sc_m(a[i], b[j]);
	c = z[0];
	n0 = sc_part1(&c);
	c += z[1] + sc_m(n0, sc_l[1]);
	n1 = sc_part1(&c);
	c += z[2] + sc_m(n0, sc_l[2]) + sc_m(n1, sc_l[1]);
	n2 = sc_part1(&c);
	c += z[3] + sc_m(n1, sc_l[2]) + sc_m(n2, sc_l[1]);
	n3 = sc_part1(&c);
	c += z[4] + sc_m(n0, sc_l[4]) + sc_m(n2, sc_l[2]) + sc_m(n3, sc_l[1]);
	n4 = sc_part1(&c);
	c += z[5] + sc_m(n1, sc_l[4]) + sc_m(n3, sc_l[2]) + sc_m(n4, sc_l[1]);
	t[0] = sc_part2(&c);
	c += z[6] + sc_m(n2, sc_l[4]) + sc_m(n4, sc_l[2]);
	t[1] = sc_part2(&c);
	c += z[7] + sc_m(n3, sc_l[4]);
	t[2] = sc_part2(&c);
	c += z[8] + sc_m(n4, sc_l[4]);
	t[3] = sc_part2(&c);
	t[4] = (u64)c;
	sc_sub52(r, t, sc_l);		/* t < 2l */
	memzero_explicit(z, sizeof(z));
	memzero_explicit(t, sizeof(t));
}

/* r = a mod l, for any 32 bytes */
static void sc_load(u64 r[5], const u8 a[32])
{
	u64 t[5];

	sc_unpack(t, a);
	sc_montmul(r, t, sc_r);
	memzero_explicit(t, sizeof(t));
}

void r255_sc_reduce64(u8 out[R255_SCALARBYTES],
		      const u8 in[R255_NONREDUCEDBYTES])
{
	u64 w[8], lo[5], hi[5];
	int i;

	for (i = 0; i < 8; i++)
		w[i] = load64_le(in + 8 * i);
	lo[0] = w[0] & MASK52;
	lo[1] = ((w[0] >> 52) | (w[1] << 12)) & MASK52;
	lo[2] = ((w[1] >> 40) | (w[2] << 24)) & MASK52;
	lo[3] = ((w[2] >> 28) | (w[3] << 36)) & MASK52;
	lo[4] = ((w[3] >> 16) | (w[4] << 48)) & MASK52;
	hi[0] = (w[4] >> 4) & MASK52;
	hi[1] = ((w[4] >> 56) | (w[5] << 8)) & MASK52;
	hi[2] = ((w[5] >> 44) | (w[6] << 20)) & MASK52;
	hi[3] = ((w[6] >> 32) | (w[7] << 32)) & MASK52;
	hi[4] = w[7] >> 20;
	sc_montmul(lo, lo, sc_r);	/* lo */
	sc_montmul(hi, hi, sc_rr);	/* hi * 2^260 */
	sc_add52(lo, lo, hi);
	sc_pack(out, lo);
	memzero_explicit(w, sizeof(w));
	memzero_explicit(lo, sizeof(lo));
	memzero_explicit(hi, sizeof(hi));
}

void r255_sc_add(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	u64 x[5], y[5];

	sc_load(x, a);
	sc_load(y, b);
	sc_add52(x, x, y);
	sc_pack(r, x);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
}

void r255_sc_sub(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	u64 x[5], y[5];

	sc_load(x, a);
	sc_load(y, b);
	sc_sub52(x, x, y);
	sc_pack(r, x);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
}

void r255_sc_mul(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	u64 x[5], y[5];

	sc_unpack(x, a);
	sc_unpack(y, b);
	sc_montmul(x, x, y);		/* a b / R */
	sc_montmul(x, x, sc_rr);	/* a b */
	sc_pack(r, x);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
}

void r255_sc_invert(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES])
{
	/* l - 2, little endian; the exponent is public. */
	static const u8 e[32] = {
		0xeb, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
	};
	static const u64 one[5] = { 1 };
	u64 x[5], acc[5];
	int i;

	sc_unpack(x, a);
	sc_montmul(x, x, sc_rr);	/* a R */
	memcpy(acc, sc_r, sizeof(acc));	/* 1 R */
	for (i = 252; i >= 0; i--) {
		sc_montmul(acc, acc, acc);
		if ((e[i / 8] >> (i % 8)) & 1)
			sc_montmul(acc, acc, x);
	}
	sc_montmul(acc, acc, one);
	sc_pack(r, acc);
	memzero_explicit(x, sizeof(x));
	memzero_explicit(acc, sizeof(acc));
}

int r255_sc_is_canonical(const u8 a[R255_SCALARBYTES])
{
	static const u8 l[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
	};
	unsigned int borrow = 0;
	int i;

	/* The borrow out of a - l is 1 exactly when a < l. */
	for (i = 0; i < 32; i++)
		borrow = ((unsigned int)a[i] - l[i] - borrow) >> 31;
	return (int)borrow;
}

int r255_sc_is_zero(const u8 a[R255_SCALARBYTES])
{
	return bytes_zero(a, R255_SCALARBYTES);
}

/*
 * h = sum of e[i] * 16^i * B: the odd digits against the table, times 16,
 * then the even ones. Apart from r255_scalarmult_base() for the frame
 * size under KASAN (see scalarmult_digits()).
 */
static noinline void base_digits(struct r255_point *h, const s8 e[65])
{
	struct r255_niels t;
	struct r255_p1p1 r;
	struct r255_p2 s;
	int i;

	p3_0(h);
	for (i = 1; i < 64; i += 2) {
		niels_select(&t, i / 2, e[i]);
		p3_madd(&r, h, &t);
		p1p1_to_p3(h, &r);
	}
	p3_to_p2(&s, h);
	p2_dbl4(&r, &s);
	p1p1_to_p3(h, &r);
	for (i = 0; i < 64; i += 2) {
		niels_select(&t, i / 2, e[i]);
		p3_madd(&r, h, &t);
		p1p1_to_p3(h, &r);
	}
	WIPE(t);
	WIPE(r);
	WIPE(s);
}

/*
 * r = a * B with the ref10 comb: a reduced mod l (B has order l), then
 * 64 signed radix-16 digits against r255_base_table.
 */
void r255_scalarmult_base(struct r255_point *h, const u8 a[R255_SCALARBYTES])
{
	u64 x[5];
	u8 c[32];
	s8 e[65];

	sc_load(x, a);
	sc_pack(c, x);
	recode16(e, c);		/* c < 2^253: e[63] <= 2, e[64] = 0 */
	base_digits(h, e);
	WIPE(x);
	WIPE(c);
	WIPE(e);
}

void r255_add(struct r255_point *r, const struct r255_point *p,
	      const struct r255_point *q)
{
	struct r255_cached c;
	struct r255_p1p1 t;

	p3_to_cached(&c, q);
	p3_add(&t, p, &c);
	p1p1_to_p3(r, &t);
	memzero_explicit(&c, sizeof(c));
	memzero_explicit(&t, sizeof(t));
}

/* ristretto255 (RFC 9496 section 4.3) */

/* 1 if the 32 bytes are a canonical field element: < p, bit 255 clear. */
static int fe_bytes_canonical(const u8 s[32])
{
	r255_fe f;
	u8 t[32];
	unsigned int i, d = s[31] & 0x80;

	fe_frombytes(f, s);
	fe_tobytes(t, f);
	for (i = 0; i < 32; i++)
		d |= t[i] ^ s[i];
	WIPE(f);
	WIPE(t);
	return (int)(((d - 1) >> 8) & 1);
}

int r255_decode(struct r255_point *p, const u8 in[R255_BYTES])
{
	r255_fe s, ss, u1, u2, u2_sqr, v, t, invsqrt, den_x, den_y, one;
	struct r255_point id;
	unsigned int ok;

	ok = fe_bytes_canonical(in) & ~in[0] & 1;
	fe_frombytes(s, in);
	fe_1(one);
	fe_sq(ss, s);
	fe_sub(u1, one, ss);
	fe_add(u2, one, ss);
	fe_sq(u2_sqr, u2);
	fe_sq(t, u1);
	fe_mul(t, t, r255_d);
	fe_neg(t, t);
	fe_sub(v, t, u2_sqr);			/* -(D u1^2) - u2^2 */
	fe_mul(t, v, u2_sqr);
	ok &= sqrt_ratio_m1(invsqrt, one, t);
	fe_mul(den_x, invsqrt, u2);
	fe_mul(den_y, invsqrt, den_x);
	fe_mul(den_y, den_y, v);
	fe_add(t, s, s);
	fe_mul(t, t, den_x);
	fe_abs(p->x, t);			/* |2 s den_x| */
	fe_mul(p->y, u1, den_y);
	fe_1(p->z);
	fe_mul(p->t, p->x, p->y);
	ok &= 1 ^ fe_isnegative(p->t);
	ok &= 1 ^ fe_iszero(p->y);
	/* Nothing of an invalid encoding is left: the identity instead. */
	p3_0(&id);
	fe_cmov(p->x, id.x, ok ^ 1);
	fe_cmov(p->y, id.y, ok ^ 1);
	fe_cmov(p->z, id.z, ok ^ 1);
	fe_cmov(p->t, id.t, ok ^ 1);
	WIPE(s);
	WIPE(ss);
	WIPE(u1);
	WIPE(u2);
	WIPE(u2_sqr);
	WIPE(v);
	WIPE(t);
	WIPE(invsqrt);
	WIPE(den_x);
	WIPE(den_y);
	return ok ? 0 : -EINVAL;
}

void r255_encode(u8 out[R255_BYTES], const struct r255_point *p)
{
	r255_fe u1, u2, t, invsqrt, den1, den2, z_inv, ix, iy, enc, x, y;
	r255_fe den_inv, one;
	unsigned int rotate;

	fe_1(one);
	fe_add(t, p->z, p->y);
	fe_sub(u1, p->z, p->y);
	fe_mul(u1, u1, t);			/* (z + y) (z - y) */
	fe_mul(u2, p->x, p->y);
	fe_sq(t, u2);
	fe_mul(t, t, u1);
	sqrt_ratio_m1(invsqrt, one, t);
	fe_mul(den1, invsqrt, u1);
	fe_mul(den2, invsqrt, u2);
	fe_mul(z_inv, den1, den2);
	fe_mul(z_inv, z_inv, p->t);
	fe_mul(ix, p->x, r255_sqrt_m1);
	fe_mul(iy, p->y, r255_sqrt_m1);
	fe_mul(enc, den1, r255_invsqrt_a_minus_d);
	fe_mul(t, p->t, z_inv);
	rotate = fe_isnegative(t);
	fe_copy(x, p->x);
	fe_copy(y, p->y);
	fe_copy(den_inv, den2);
	fe_cmov(x, iy, rotate);
	fe_cmov(y, ix, rotate);
	fe_cmov(den_inv, enc, rotate);
	fe_mul(t, x, z_inv);
	fe_cneg(y, fe_isnegative(t));
	fe_sub(t, p->z, y);
	fe_mul(t, den_inv, t);
	fe_abs(t, t);
	fe_tobytes(out, t);
	WIPE(u1);
	WIPE(u2);
	WIPE(t);
	WIPE(invsqrt);
	WIPE(den1);
	WIPE(den2);
	WIPE(z_inv);
	WIPE(ix);
	WIPE(iy);
	WIPE(enc);
	WIPE(x);
	WIPE(y);
	WIPE(den_inv);
}

/* RFC 9496 section 4.3.4 MAP */
static void r255_map(struct r255_point *p, const u8 in[32])
{
	r255_fe t, r, u, v, s, sp, c, n, w0, w1, w2, w3, one, tmp;
	unsigned int was_square;

	fe_frombytes(t, in);			/* top bit dropped */
	fe_1(one);
	fe_sq(r, t);
	fe_mul(r, r, r255_sqrt_m1);		/* SQRT_M1 t^2 */
	fe_add(u, r, one);
	fe_mul(u, u, r255_one_minus_d_sq);	/* (r + 1) ONE_MINUS_D_SQ */
	fe_mul(tmp, r, r255_d);
	fe_neg(c, one);				/* c = -1 */
	fe_sub(v, c, tmp);
	fe_add(tmp, r, r255_d);
	fe_mul(v, v, tmp);			/* (-1 - r D) (r + D) */
	was_square = sqrt_ratio_m1(s, u, v);
	fe_mul(sp, s, t);
	fe_abs(sp, sp);
	fe_neg(sp, sp);
	fe_cmov(s, sp, was_square ^ 1);
	fe_cmov(c, r, was_square ^ 1);
	fe_sub(n, r, one);
	fe_mul(n, n, c);
	fe_mul(n, n, r255_d_minus_one_sq);
	fe_sub(n, n, v);			/* c (r - 1) D_MINUS_ONE_SQ - v */
	fe_add(w0, s, s);
	fe_mul(w0, w0, v);
	fe_mul(w1, n, r255_sqrt_ad_minus_one);
	fe_sq(tmp, s);
	fe_sub(w2, one, tmp);
	fe_add(w3, one, tmp);
	fe_mul(p->x, w0, w3);
	fe_mul(p->y, w2, w1);
	fe_mul(p->z, w1, w3);
	fe_mul(p->t, w0, w2);
	WIPE(t);
	WIPE(r);
	WIPE(u);
	WIPE(v);
	WIPE(s);
	WIPE(sp);
	WIPE(c);
	WIPE(n);
	WIPE(w0);
	WIPE(w1);
	WIPE(w2);
	WIPE(w3);
	WIPE(tmp);
}

void r255_from_hash(struct r255_point *p, const u8 in[R255_HASHBYTES])
{
	struct r255_point p1, p2;

	r255_map(&p1, in);
	r255_map(&p2, in + 32);
	r255_add(p, &p1, &p2);
	memzero_explicit(&p1, sizeof(p1));
	memzero_explicit(&p2, sizeof(p2));
}

/* Equal to (0, 1) in the quotient group: x1 * 1 == y1 * 0 or y1 == 0. */
int r255_is_identity(const struct r255_point *p)
{
	return fe_iszero(p->x) | fe_iszero(p->y);
}

/* RFC 9496 appendix A.1: encodings of 0 B, 1 B, ..., 15 B */
static const char * const r255_kat_multiples[16] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
	"6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
	"94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
	"da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
	"e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
	"f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
	"44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
	"903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
	"02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
	"20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
	"bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
	"e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
	"aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
	"46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
	"e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
};

/* A.2: non-canonical, negative, non-square, negative xy, s = -1 */
static const char * const r255_kat_bad[] = {
	"00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
	"c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
	"c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
	"47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
	"f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
	"87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
	"26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
	"4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
	"de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
	"bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
	"2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
	"f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
	"8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
	"2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
	"3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
	"a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
	"d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
	"8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
	"32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
	"227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
	"5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
	"445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/* A.3: the one-way map, input (two halves of 32 bytes) and output */
static const char * const r255_kat_map[7][3] = {
	{ "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c1",
	  "4d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
	  "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46" },
	{ "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b27",
	  "0102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
	  "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b" },
	{ "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c",
	  "27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
	  "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826" },
	{ "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2",
	  "150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
	  "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a" },
	{ "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec767",
	  "5debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
	  "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179" },
	{ "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2",
	  "979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
	  "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628" },
	{ "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c7462",
	  "2c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
	  "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065" },
};

static const u8 r255_kat_one[R255_SCALARBYTES] = { 1 };

static int r255_kat_fail(const char *what, int i)
{
	pr_err("self-test ristretto255 %s %d failed\n", what, i);
	return -EINVAL;
}

int pmhs_r255_selftest(void)
{
	struct r255_point b, p, q;
	u8 want[R255_BYTES], got[R255_BYTES], k[R255_SCALARBYTES] = { 0 };
	u8 h[R255_HASHBYTES];
	unsigned int i;

	if (hex2bin(want, r255_kat_multiples[1], R255_BYTES) ||
	    r255_decode(&b, want))
		return r255_kat_fail("generator", 1);
	for (i = 0; i < ARRAY_SIZE(r255_kat_multiples); i++) {
		k[0] = i;
		if (hex2bin(want, r255_kat_multiples[i], R255_BYTES))
			return r255_kat_fail("multiple", i);
		r255_scalarmult_base(&p, k);
		r255_encode(got, &p);
		if (memcmp(got, want, R255_BYTES) ||
		    r255_is_identity(&p) != !i)
			return r255_kat_fail("base multiple", i);
		r255_scalarmult(&p, k, &b);
		r255_encode(got, &p);
		if (memcmp(got, want, R255_BYTES))
			return r255_kat_fail("multiple", i);
		if (r255_decode(&q, want))
			return r255_kat_fail("decoding", i);
		r255_encode(got, &q);
		if (memcmp(got, want, R255_BYTES))
			return r255_kat_fail("re-encoding", i);
	}
	for (i = 0; i < ARRAY_SIZE(r255_kat_bad); i++) {
		if (hex2bin(want, r255_kat_bad[i], R255_BYTES) ||
		    r255_decode(&p, want) != -EINVAL)
			return r255_kat_fail("bad encoding", i);
	}
	for (i = 0; i < ARRAY_SIZE(r255_kat_map); i++) {
		if (hex2bin(h, r255_kat_map[i][0], R255_BYTES) ||
		    hex2bin(h + R255_BYTES, r255_kat_map[i][1], R255_BYTES) ||
		    hex2bin(want, r255_kat_map[i][2], R255_BYTES))
			return r255_kat_fail("one-way map", i);
		r255_from_hash(&p, h);
		r255_encode(got, &p);
		if (memcmp(got, want, R255_BYTES))
			return r255_kat_fail("one-way map", i);
	}
	/*
	 * Every entry of the comb table against the variable-base path:
	 * all digits j (1..7, entry j - 1 of every row), then all even
	 * digits -8 (entry 7). And (l - 1) B + B is the identity.
	 */
	for (i = 1; i <= 8; i++) {
		memset(k, i == 8 ? 0x08 : i * 0x11, sizeof(k));
		k[31] = i == 8 ? 0x08 : i;	/* < l, not reduced */
		r255_scalarmult_base(&p, k);
		r255_scalarmult(&q, k, &b);
		r255_encode(got, &p);
		r255_encode(want, &q);
		if (memcmp(got, want, R255_BYTES))
			return r255_kat_fail("comb table digit", i);
	}
	memset(k, 0, sizeof(k));
	r255_sc_sub(k, k, r255_kat_one);	/* l - 1 */
	r255_scalarmult_base(&p, k);
	r255_add(&p, &p, &b);
	if (!r255_is_identity(&p))
		return r255_kat_fail("(l - 1) B + B", 0);
	/* 1/2 * 2 = 1 */
	memset(k, 0, sizeof(k));
	k[0] = 2;
	r255_sc_invert(got, k);
	r255_sc_mul(got, got, k);
	if (memcmp(got, r255_kat_one, R255_SCALARBYTES))
		return r255_kat_fail("scalar inverse", 2);
	return 0;
}
