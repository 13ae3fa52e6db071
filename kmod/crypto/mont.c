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
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#if defined(CONFIG_X86_64) && !defined(PMHS_MONT_GENERIC)
#include <asm/cpufeature.h>
#define PMHS_MONT_X86 1
#else
#define PMHS_MONT_X86 0
#endif

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
	bool mulx;			/* BMI2 + ADX rows (x86-64) */
	unsigned long minv;		/* -m^-1 mod 2^BITS_PER_LONG */
	PMHS_DLIMB minv2;		/* -m^-1 mod 2^(2 * BITS_PER_LONG) */
	unsigned long *m;		/* k limbs each, in buf[]; m[-1] = 0 */
	unsigned long *rr;		/* R^2 mod m */
	unsigned long buf[];
};

/*
 * t[0..n) += a[0..n) * b; returns the carry limb. On x86-64 gcc turns
 * the __int128 version into about twice the instructions of this mulq
 * and two add-with-carry (a private RSA-2048 operation took ~1.15x as
 * long with it).
 */
#if PMHS_MONT_X86
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

#if PMHS_MONT_X86
/*
 * Whether new contexts run the mulx rows where the CPU has them. On
 * hardware they are the faster (~1.3x); under an emulator such as QEMU
 * TCG, where every memory access is a software TLB lookup, their extra
 * loads make them ~1.3x slower than the mulq rows. So, as lib/raid6
 * picks its algorithm, pmhs_mont_select() times both once at load and
 * keeps the faster. Written only then, before any context exists.
 */
static bool mont_mulx_faster = true;

static bool mont_cpu_mulx(void)
{
	return boot_cpu_has(X86_FEATURE_BMI2) && boot_cpu_has(X86_FEATURE_ADX);
}
#endif

/* r = t - m (k limbs each); returns the borrow, 0 or 1 */
#if PMHS_MONT_X86
/* one sbb chain (lea and jrcxz leave CF alone); c counts from -k up to 0 */
static unsigned long mont_sub(unsigned long *r, const unsigned long *t,
			      const unsigned long *m, unsigned int k)
{
	unsigned long c = 0UL - k, v, borrow;

	asm volatile("clc\n"
	    "1:\n\t"
	    "movq (%[t],%[c],8), %[v]\n\t"
	    "sbbq (%[m],%[c],8), %[v]\n\t"
	    "movq %[v], (%[r],%[c],8)\n\t"
	    "leaq 1(%[c]), %[c]\n\t"
	    "jrcxz 2f\n\t"
	    "jmp 1b\n"
	    "2:\n\t"
	    "sbbq %[b], %[b]"
	    : [c] "+&c" (c), [v] "=&r" (v), [b] "=&r" (borrow)
	    : [t] "r" (t + k), [m] "r" (m + k), [r] "r" (r + k)
	    : "cc", "memory");
	return borrow & 1;
}
#else
static unsigned long mont_sub(unsigned long *r, const unsigned long *t,
			      const unsigned long *m, unsigned int k)
{
	unsigned long borrow = 0;
	unsigned int j;
	PMHS_DLIMB x;

	for (j = 0; j < k; j++) {
		x = (PMHS_DLIMB)t[j] - m[j] - borrow;
		r[j] = (unsigned long)x;
		borrow = (unsigned long)(x >> BITS_PER_LONG) & 1;
	}
	return borrow;
}
#endif

/* r = t + top * R - m if that is not negative, else t; t + top * R < 2m */
static void mont_final(unsigned long *r, const unsigned long *t,
		       unsigned long top, const struct pmhs_mont *ctx)
{
	unsigned long borrow, keep;
	unsigned int k = ctx->k, j;

	borrow = mont_sub(r, t, ctx->m, k);
	keep = 0UL - (borrow & (top ^ 1));
	for (j = 0; j < k; j++)
		r[j] = (t[j] & keep) | (r[j] & ~keep);
}

#if PMHS_MONT_X86
/*
 * BMI2 + ADX: t[0..n) + p[0..n) * x + q[0..n) * y + cin =
 * t' + (*ha + *hb) * 2^(64n). mulx leaves the flags alone, so adcx (CF)
 * and adox (OF) run two carry chains side by side: per block of four
 * limbs, lo(p x) + hi(p x) of the limb below on CF and + t on OF; then
 * + lo(q y) on CF and + hi(q y) below on OF. Each chain is closed into
 * its high limb at the end of a block (the block's sum fits in five
 * limbs, so that never carries). Each half then starts from an xor that
 * clears CF and OF: the p x half of the next block need not wait for the
 * flags of this block's q y half, so the two halves overlap across
 * blocks. n % 4 single limbs go first.
 */
static inline void mont_row2_mulx(unsigned long *t, const unsigned long *p,
				  unsigned long x, const unsigned long *q,
				  unsigned long y, unsigned int n,
				  unsigned long cin, unsigned long *ha,
				  unsigned long *hb)
{
	unsigned long c = n % 4, n4 = n / 4, zero = 0, a = cin, b = 0;
	unsigned long x0, x1, x2, x3, h, lo, d;

	asm("test %[c], %[c]\n\t"
	    "jz 2f\n"
	    "1:\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[x], %%rdx\n\t"
	    "mulxq (%[p]), %[x0], %[h]\n\t"
	    "adcxq %[a], %[x0]\n\t"
	    "adoxq (%[t]), %[x0]\n\t"
	    "movq %[h], %[a]\n\t"
	    "adcxq %[z], %[a]\n\t"
	    "adoxq %[z], %[a]\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[y], %%rdx\n\t"
	    "mulxq (%[q]), %[lo], %[h]\n\t"
	    "adcxq %[lo], %[x0]\n\t"
	    "adoxq %[b], %[x0]\n\t"
	    "movq %[h], %[b]\n\t"
	    "adcxq %[z], %[b]\n\t"
	    "adoxq %[z], %[b]\n\t"
	    "movq %[x0], (%[t])\n\t"
	    "leaq 8(%[t]), %[t]\n\t"
	    "leaq 8(%[p]), %[p]\n\t"
	    "leaq 8(%[q]), %[q]\n\t"
	    "decq %[c]\n\t"
	    "jnz 1b\n"
	    "2:\n\t"
	    "movq %[n4], %[c]\n\t"
	    "test %[c], %[c]\n\t"
	    "jz 4f\n"
	    "3:\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[x], %%rdx\n\t"
	    "mulxq (%[p]), %[x0], %[h]\n\t"
	    "adcxq %[a], %[x0]\n\t"
	    "adoxq (%[t]), %[x0]\n\t"
	    "mulxq 8(%[p]), %[x1], %[a]\n\t"
	    "adcxq %[h], %[x1]\n\t"
	    "adoxq 8(%[t]), %[x1]\n\t"
	    "mulxq 16(%[p]), %[x2], %[h]\n\t"
	    "adcxq %[a], %[x2]\n\t"
	    "adoxq 16(%[t]), %[x2]\n\t"
	    "mulxq 24(%[p]), %[x3], %[a]\n\t"
	    "adcxq %[h], %[x3]\n\t"
	    "adoxq 24(%[t]), %[x3]\n\t"
	    "adcxq %[z], %[a]\n\t"
	    "adoxq %[z], %[a]\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[y], %%rdx\n\t"
	    "mulxq (%[q]), %[lo], %[h]\n\t"
	    "adcxq %[lo], %[x0]\n\t"
	    "adoxq %[b], %[x0]\n\t"
	    "mulxq 8(%[q]), %[lo], %[b]\n\t"
	    "adcxq %[lo], %[x1]\n\t"
	    "adoxq %[h], %[x1]\n\t"
	    "mulxq 16(%[q]), %[lo], %[h]\n\t"
	    "adcxq %[lo], %[x2]\n\t"
	    "adoxq %[b], %[x2]\n\t"
	    "mulxq 24(%[q]), %[lo], %[b]\n\t"
	    "adcxq %[lo], %[x3]\n\t"
	    "adoxq %[h], %[x3]\n\t"
	    "adcxq %[z], %[b]\n\t"
	    "adoxq %[z], %[b]\n\t"
	    "movq %[x0], (%[t])\n\t"
	    "movq %[x1], 8(%[t])\n\t"
	    "movq %[x2], 16(%[t])\n\t"
	    "movq %[x3], 24(%[t])\n\t"
	    "leaq 32(%[t]), %[t]\n\t"
	    "leaq 32(%[p]), %[p]\n\t"
	    "leaq 32(%[q]), %[q]\n\t"
	    "decq %[c]\n\t"
	    "jnz 3b\n"
	    "4:"
	    : [t] "+&r" (t), [p] "+&r" (p), [q] "+&r" (q), [c] "+&c" (c),
	      [a] "+&r" (a), [b] "+&r" (b), [x0] "=&r" (x0), [x1] "=&r" (x1),
	      [x2] "=&r" (x2), [x3] "=&r" (x3), [h] "=&r" (h), [lo] "=&r" (lo),
	      "=&d" (d)
	    : [x] "m" (x), [y] "m" (y), [z] "m" (zero), [n4] "m" (n4)
	    : "cc", "memory");
	*ha = a;
	*hb = b;
}

/*
 * One block of four limbs j .. j + 3 of a whole-multiply row (k % 4 == 0):
 * x = t[j..j+3] + a[j..j+3] * bi + ca (bi in rdx; lo(a bi) + hi below on
 * CF, + t on OF), ca = the fifth limb. Both chains are closed into ca (the
 * sum fits in five limbs), so nothing waits across blocks on the flags.
 */
#define MONT_MULX_A							\
	"mulxq (%[a],%[j],8), %[x0], %[h]\n\t"				\
	"adcxq %[ca], %[x0]\n\t"					\
	"adoxq (%[t],%[j],8), %[x0]\n\t"				\
	"mulxq 8(%[a],%[j],8), %[x1], %[ca]\n\t"			\
	"adcxq %[h], %[x1]\n\t"						\
	"adoxq 8(%[t],%[j],8), %[x1]\n\t"				\
	"mulxq 16(%[a],%[j],8), %[x2], %[h]\n\t"			\
	"adcxq %[ca], %[x2]\n\t"					\
	"adoxq 16(%[t],%[j],8), %[x2]\n\t"				\
	"mulxq 24(%[a],%[j],8), %[x3], %[ca]\n\t"			\
	"adcxq %[h], %[x3]\n\t"						\
	"adoxq 24(%[t],%[j],8), %[x3]\n\t"				\
	"adcxq %[z], %[ca]\n\t"						\
	"adoxq %[z], %[ca]\n\t"

/* x += m[j..j+3] * q + cm (q in rdx), cm = the fifth limb, as above */
#define MONT_MULX_B							\
	"mulxq (%[m],%[j],8), %[lo], %[h]\n\t"				\
	"adcxq %[lo], %[x0]\n\t"					\
	"adoxq %[cm], %[x0]\n\t"					\
	"mulxq 8(%[m],%[j],8), %[lo], %[cm]\n\t"			\
	"adcxq %[lo], %[x1]\n\t"					\
	"adoxq %[h], %[x1]\n\t"						\
	"mulxq 16(%[m],%[j],8), %[lo], %[h]\n\t"			\
	"adcxq %[lo], %[x2]\n\t"					\
	"adoxq %[cm], %[x2]\n\t"					\
	"mulxq 24(%[m],%[j],8), %[lo], %[cm]\n\t"			\
	"adcxq %[lo], %[x3]\n\t"					\
	"adoxq %[h], %[x3]\n\t"						\
	"adcxq %[z], %[cm]\n\t"						\
	"adoxq %[z], %[cm]\n\t"

/*
 * t[0..k] = a * b * R^-1 + a multiple of m, below 2m (a < R, b < m),
 * k % 4 == 0: the whole multiply in one asm, row after row (t = (t +
 * a * b[i] + m * q) / 2^64), each row in blocks of four limbs, written
 * one limb down. Rows overlap in the out-of-order core: row i + 1's q
 * needs only the first block of row i. The loop control depends on k only.
 */
static void mont_mul_mulx4(unsigned long *t, const unsigned long *a,
			   const unsigned long *b, const unsigned long *m,
			   unsigned long k, unsigned long minv)
{
	unsigned long rows = k, bi = 0, q = 0, zero = 0, j, x0, x1, x2, x3;
	unsigned long ca, cm, lo, h, d;

	memset(t, 0, (k + 1) * sizeof(*t));
	asm volatile("1:\n\t"
	    "movq (%[b]), %%rdx\n\t"
	    "movq %%rdx, %[bi]\n\t"
	    "xorl %k[j], %k[j]\n\t"
	    "xorl %k[cm], %k[cm]\n\t"
	    "xorl %k[ca], %k[ca]\n\t"
	    MONT_MULX_A
	    "movq %[x0], %%rdx\n\t"
	    "imulq %[minv], %%rdx\n\t"
	    "movq %%rdx, %[q]\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    MONT_MULX_B
	    "movq %[x1], (%[t])\n\t"
	    "movq %[x2], 8(%[t])\n\t"
	    "movq %[x3], 16(%[t])\n\t"
	    "addq $4, %[j]\n\t"
	    "cmpq %[k], %[j]\n\t"
	    "jae 3f\n"
	    "2:\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[bi], %%rdx\n\t"
	    MONT_MULX_A
	    "xorl %k[lo], %k[lo]\n\t"
	    "movq %[q], %%rdx\n\t"
	    MONT_MULX_B
	    "movq %[x0], -8(%[t],%[j],8)\n\t"
	    "movq %[x1], (%[t],%[j],8)\n\t"
	    "movq %[x2], 8(%[t],%[j],8)\n\t"
	    "movq %[x3], 16(%[t],%[j],8)\n\t"
	    "addq $4, %[j]\n\t"
	    "cmpq %[k], %[j]\n\t"
	    "jb 2b\n"
	    "3:\n\t"
	    /* t[k - 1], t[k] = ca + cm + t[k] (below 2R, see above) */
	    "xorl %k[h], %k[h]\n\t"
	    "addq %[cm], %[ca]\n\t"
	    "adcq $0, %[h]\n\t"
	    "addq (%[t],%[j],8), %[ca]\n\t"
	    "adcq $0, %[h]\n\t"
	    "movq %[ca], -8(%[t],%[j],8)\n\t"
	    "movq %[h], (%[t],%[j],8)\n\t"
	    "leaq 8(%[b]), %[b]\n\t"
	    "decq %[rows]\n\t"
	    "jnz 1b"
	    : [b] "+&r" (b), [rows] "+m" (rows), [bi] "+m" (bi), [q] "+m" (q),
	      [j] "=&r" (j), [x0] "=&r" (x0), [x1] "=&r" (x1),
	      [x2] "=&r" (x2), [x3] "=&r" (x3), [ca] "=&r" (ca),
	      [cm] "=&r" (cm), [lo] "=&r" (lo), [h] "=&r" (h), "=&d" (d)
	    : [a] "r" (a), [m] "r" (m), [t] "r" (t), [k] "m" (k),
	      [minv] "m" (minv), [z] "m" (zero)
	    : "cc", "memory");
}

/*
 * Montgomery reduction of t[0..2k) in one asm, k % 4 == 0: row i adds
 * m * q (q = t[i] * minv) to t[i..i+k) in blocks of four limbs
 * (MONT_MULX_B), its fifth limb and the carry of the row below into
 * t[i + k]; returns the carry out of t[2k - 1]. Loop control by k only.
 */
static unsigned long mont_redc_mulx4(unsigned long *t, const unsigned long *m,
				     unsigned long k, unsigned long minv)
{
	unsigned long rows = k, top = 0, zero = 0, j, x0, x1, x2, x3;
	unsigned long cm, lo, h, d;

	asm volatile("1:\n\t"
	    "movq (%[t]), %%rdx\n\t"
	    "imulq %[minv], %%rdx\n\t"
	    "xorl %k[j], %k[j]\n\t"
	    "xorl %k[cm], %k[cm]\n"
	    "2:\n\t"
	    "movq (%[t],%[j],8), %[x0]\n\t"
	    "movq 8(%[t],%[j],8), %[x1]\n\t"
	    "movq 16(%[t],%[j],8), %[x2]\n\t"
	    "movq 24(%[t],%[j],8), %[x3]\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    MONT_MULX_B
	    "movq %[x0], (%[t],%[j],8)\n\t"
	    "movq %[x1], 8(%[t],%[j],8)\n\t"
	    "movq %[x2], 16(%[t],%[j],8)\n\t"
	    "movq %[x3], 24(%[t],%[j],8)\n\t"
	    "addq $4, %[j]\n\t"
	    "cmpq %[k], %[j]\n\t"
	    "jb 2b\n\t"
	    /* t[i + k] += cm + top; top = the carry (at most 1) */
	    "xorl %k[h], %k[h]\n\t"
	    "addq %[top], %[cm]\n\t"
	    "adcq $0, %[h]\n\t"
	    "addq %[cm], (%[t],%[j],8)\n\t"
	    "adcq $0, %[h]\n\t"
	    "movq %[h], %[top]\n\t"
	    "leaq 8(%[t]), %[t]\n\t"
	    "decq %[rows]\n\t"
	    "jnz 1b"
	    : [t] "+&r" (t), [rows] "+m" (rows), [top] "+m" (top),
	      [j] "=&r" (j), [x0] "=&r" (x0), [x1] "=&r" (x1),
	      [x2] "=&r" (x2), [x3] "=&r" (x3), [cm] "=&r" (cm),
	      [lo] "=&r" (lo), [h] "=&r" (h), "=&d" (d)
	    : [m] "r" (m), [k] "m" (k), [minv] "m" (minv), [z] "m" (zero)
	    : "cc", "memory");
	return top;
}

/*
 * t[0..2k) = 2 * t + a[i]^2 at limbs 2i, 2i + 1 (t: mont_sqr()'s cross
 * products): adox x, x doubles a limb and passes its top bit on OF, the
 * squares go in on CF; both chains run through all 2k limbs (the loop
 * control, lea and jrcxz, leaves the flags alone) and end at 0, as the
 * result is a^2 < R^2.
 */
static void mont_sqr_diag_mulx(unsigned long *t, const unsigned long *a,
			       unsigned long k)
{
	unsigned long x0, x1, lo, h, d, c = k;

	asm volatile("xorl %k[lo], %k[lo]\n"
	    "1:\n\t"
	    "movq (%[a]), %%rdx\n\t"
	    "mulxq %%rdx, %[lo], %[h]\n\t"
	    "movq (%[t]), %[x0]\n\t"
	    "movq 8(%[t]), %[x1]\n\t"
	    "adoxq %[x0], %[x0]\n\t"
	    "adcxq %[lo], %[x0]\n\t"
	    "adoxq %[x1], %[x1]\n\t"
	    "adcxq %[h], %[x1]\n\t"
	    "movq %[x0], (%[t])\n\t"
	    "movq %[x1], 8(%[t])\n\t"
	    "leaq 8(%[a]), %[a]\n\t"
	    "leaq 16(%[t]), %[t]\n\t"
	    "leaq -1(%[c]), %[c]\n\t"
	    "jrcxz 2f\n\t"
	    "jmp 1b\n"
	    "2:"
	    : [t] "+&r" (t), [a] "+&r" (a), [c] "+&c" (c), [x0] "=&r" (x0),
	      [x1] "=&r" (x1), [lo] "=&r" (lo), [h] "=&r" (h), "=&d" (d)
	    :
	    : "cc", "memory");
}

/*
 * Rows unrolled for a fixed limb count K (even): t[0..K) += p[0..K) * rdx,
 * lo(p[j] rdx) + t[j] on CF, hi(p[j - 1] rdx) on OF, both chains open
 * along the whole row (no loop control inside it), then closed into the
 * row's top limb h1 (the row's sum fits in K + 1 limbs). .Lpmhs_o is the
 * byte offset of the limb at hand. MONT_ROW_HEAD does limbs 0 (not
 * written back: it becomes 0) and 1, MONT_ROW_TAIL limbs 2 .. K - 1. (A
 * product made of such rows took as long as mont_mul_mulx4(); they pay
 * in the reduction, whose rows wait on each other.)
 */
#define MONT_ROW_HEAD							\
	"xorl %k[lo], %k[lo]\n\t"					\
	"mulxq (%[p]), %[lo], %[h0]\n\t"				\
	"adcxq (%[t]), %[lo]\n\t"					\
	"mulxq 8(%[p]), %[lo], %[h1]\n\t"				\
	"adcxq 8(%[t]), %[lo]\n\t"					\
	"adoxq %[h0], %[lo]\n\t"					\
	"movq %[lo], 8(%[t])\n\t"

#define MONT_ROW_TAIL							\
	".set .Lpmhs_o, 16\n\t"						\
	".rept (%c[K] - 2) / 2\n\t"					\
	"mulxq .Lpmhs_o(%[p]), %[lo], %[h0]\n\t"			\
	"adcxq .Lpmhs_o(%[t]), %[lo]\n\t"				\
	"adoxq %[h1], %[lo]\n\t"					\
	"movq %[lo], .Lpmhs_o(%[t])\n\t"				\
	"mulxq .Lpmhs_o + 8(%[p]), %[lo], %[h1]\n\t"			\
	"adcxq .Lpmhs_o + 8(%[t]), %[lo]\n\t"				\
	"adoxq %[h0], %[lo]\n\t"					\
	"movq %[lo], .Lpmhs_o + 8(%[t])\n\t"				\
	".set .Lpmhs_o, .Lpmhs_o + 16\n\t"				\
	".endr\n\t"							\
	"adcxq %[z], %[h1]\n\t"						\
	"adoxq %[z], %[h1]\n\t"

/*
 * mont_sqr()'s cross products for a fixed K, every row unrolled (row i:
 * t[2i + 1 .. i + K) += a[i + 1 .. K) * a[i], its top limb into t[i + K],
 * 0 before): a single multiplier per row, lo + t on CF, hi of the limb
 * below on OF, both chains open along the row. .Lpa and .Lpt are the byte
 * offsets in a and t of the limb at hand; pmhs_step does one limb, the
 * hi registers alternating, so pmhs_row splits on the parity of n. Row 0
 * (.Lpi == 0) writes t[1..K] without reading it: t needs no clearing.
 */
static __always_inline void mont_sqr_cross_k(unsigned long *t,
					     const unsigned long *a,
					     const unsigned int K)
{
	unsigned long lo, h0, h1, d;

	asm volatile(".macro pmhs_step hp, hn\n\t"
	    "mulxq .Lpa(%[a]), %[lo], \\hn\n\t"
	    ".if .Lpi\n\t"
	    "adcxq .Lpt(%[t]), %[lo]\n\t"
	    ".endif\n\t"
	    "adoxq \\hp, %[lo]\n\t"
	    "movq %[lo], .Lpt(%[t])\n\t"
	    ".set .Lpa, .Lpa + 8\n\t"
	    ".set .Lpt, .Lpt + 8\n\t"
	    ".endm\n\t"
	    ".macro pmhs_row\n\t"
	    "xorl %k[lo], %k[lo]\n\t"
	    "mulxq .Lpa(%[a]), %[lo], %[h0]\n\t"
	    ".if .Lpi\n\t"
	    "adcxq .Lpt(%[t]), %[lo]\n\t"
	    ".endif\n\t"
	    "movq %[lo], .Lpt(%[t])\n\t"
	    ".set .Lpa, .Lpa + 8\n\t"
	    ".set .Lpt, .Lpt + 8\n\t"
	    ".if (.Lpn - 1) %% 2\n\t"
	    "pmhs_step %[h0], %[h1]\n\t"
	    ".rept (.Lpn - 2) / 2\n\t"
	    "pmhs_step %[h1], %[h0]\n\t"
	    "pmhs_step %[h0], %[h1]\n\t"
	    ".endr\n\t"
	    "adcxq %[z], %[h1]\n\t"
	    "adoxq %[z], %[h1]\n\t"
	    "movq %[h1], .Lpt(%[t])\n\t"
	    ".else\n\t"
	    ".rept (.Lpn - 1) / 2\n\t"
	    "pmhs_step %[h0], %[h1]\n\t"
	    "pmhs_step %[h1], %[h0]\n\t"
	    ".endr\n\t"
	    "adcxq %[z], %[h0]\n\t"
	    "adoxq %[z], %[h0]\n\t"
	    "movq %[h0], .Lpt(%[t])\n\t"
	    ".endif\n\t"
	    ".endm\n\t"
	    ".set .Lpi, 0\n\t"
	    ".rept %c[K] - 1\n\t"
	    "movq .Lpi * 8(%[a]), %%rdx\n\t"
	    ".set .Lpa, .Lpi * 8 + 8\n\t"
	    ".set .Lpt, .Lpi * 16 + 8\n\t"
	    ".set .Lpn, %c[K] - 1 - .Lpi\n\t"
	    "pmhs_row\n\t"
	    ".set .Lpi, .Lpi + 1\n\t"
	    ".endr\n\t"
	    ".purgem pmhs_row\n\t"
	    ".purgem pmhs_step"
	    : [lo] "=&r" (lo), [h0] "=&r" (h0), [h1] "=&r" (h1), "=&d" (d)
	    : [t] "r" (t), [a] "r" (a), [K] "i" (K), [z] "r" (0UL)
	    : "cc", "memory");
}

/* mont_sqr_cross_k() for k = 16, 24, 32; false for other k */
static bool mont_sqr_cross_fixed(unsigned long *t, const unsigned long *a,
				 unsigned int k)
{
	switch (k) {
	case 16:
		mont_sqr_cross_k(t, a, 16);
		return true;
	case 24:
		mont_sqr_cross_k(t, a, 24);
		return true;
	case 32:
		mont_sqr_cross_k(t, a, 32);
		return true;
	}
	return false;
}

/*
 * mont_redc_mulx4() with unrolled rows for K limbs; the next row's q is
 * made from the register holding the new t[1], not reloaded from memory,
 * so row after row waits on mulx, two adds and imul only.
 */
static __always_inline unsigned long mont_redc_k(unsigned long *t,
						 const unsigned long *m,
						 unsigned long minv,
						 const unsigned int K)
{
	unsigned long rows = K, zero = 0, top = 0, lo, h0, h1, nq, d;

	asm volatile("movq (%[t]), %%rdx\n\t"
	    "imulq %[minv], %%rdx\n"
	    "1:\n\t"
	    MONT_ROW_HEAD
	    "movq %[lo], %[nq]\n\t"
	    MONT_ROW_TAIL
	    /* imul sets CF and OF: after the row; it runs early anyway */
	    "imulq %[minv], %[nq]\n\t"
	    /* t[i + K] += h1 + top; top = the carry (at most 1) */
	    "xorl %k[lo], %k[lo]\n\t"
	    "addq %[top], %[h1]\n\t"
	    "adcq $0, %[lo]\n\t"
	    "addq %[h1], .Lpmhs_o(%[t])\n\t"
	    "adcq $0, %[lo]\n\t"
	    "movq %[lo], %[top]\n\t"
	    "movq %[nq], %%rdx\n\t"
	    "leaq 8(%[t]), %[t]\n\t"
	    "decq %[rows]\n\t"
	    "jnz 1b"
	    : [t] "+&r" (t), [rows] "+m" (rows), [top] "+&r" (top),
	      [lo] "=&r" (lo), [h0] "=&r" (h0), [h1] "=&r" (h1),
	      [nq] "=&r" (nq), "=&d" (d)
	    : [p] "r" (m), [K] "i" (K), [z] "m" (zero), [minv] "m" (minv)
	    : "cc", "memory");
	return top;
}

/*
 * r = t * R^-1 mod m (t: 2k limbs) by mont_redc_k() for the limb counts
 * of RSA-2048, -3072 and -4096 CRT halves; false for other k.
 */
static bool mont_redc_fixed(unsigned long *r, unsigned long *t,
			    const struct pmhs_mont *ctx)
{
	unsigned long top;

	switch (ctx->k) {
	case 16:
		top = mont_redc_k(t, ctx->m, ctx->minv, 16);
		break;
	case 24:
		top = mont_redc_k(t, ctx->m, ctx->minv, 24);
		break;
	case 32:
		top = mont_redc_k(t, ctx->m, ctx->minv, 32);
		break;
	default:
		return false;
	}
	mont_final(r, t + ctx->k, top, ctx);
	return true;
}

/*
 * r = a * b * R^-1 mod m (a < R, b < m): one row per limb of b, adding
 * a * b[i] and m * q together (q makes limb i zero), t growing upwards.
 */
static void mont_mul_mulx(unsigned long *r, const unsigned long *a,
			  const unsigned long *b, const struct pmhs_mont *ctx,
			  unsigned long *t)
{
	unsigned int k = ctx->k, i;
	unsigned long q, ha, hb, top = 0;
	PMHS_DLIMB x;

	if (k % 4 == 0) {
		mont_mul_mulx4(t, a, b, ctx->m, k, ctx->minv);
		mont_final(r, t, t[k], ctx);
		return;
	}
	memset(t, 0, k * sizeof(*t));
	for (i = 0; i < k; i++) {
		q = (t[i] + a[0] * b[i]) * ctx->minv;
		mont_row2_mulx(t + i, a, b[i], ctx->m, q, k, 0, &ha, &hb);
		x = (PMHS_DLIMB)ha + hb + top;
		t[i + k] = (unsigned long)x;
		top = x >> BITS_PER_LONG;
	}
	mont_final(r, t + k, top, ctx);
}

/*
 * mont_redc() with two limbs of q per row: t[i + j] += m[j] * q0 +
 * m[j - 1] * q1; the row takes j = 0 .. k - 1 (m[-1] is 0: no single
 * limbs at the start for k % 4 == 0), j = k is done here.
 */
static void mont_redc_mulx(unsigned long *r, unsigned long *t,
			   const struct pmhs_mont *ctx)
{
	const unsigned long *m = ctx->m;
	unsigned int k = ctx->k, i;
	unsigned long c, top = 0, q0, q1, ha, hb;
	PMHS_DLIMB x, y, q;

	for (i = 0; i + 1 < k; i += 2) {
		q = (((PMHS_DLIMB)t[i + 1] << BITS_PER_LONG) | t[i]) *
		    ctx->minv2;
		q0 = (unsigned long)q;
		q1 = (unsigned long)(q >> BITS_PER_LONG);
		mont_row2_mulx(t + i, m, q0, m - 1, q1, k, 0, &ha, &hb);
		x = (PMHS_DLIMB)m[k - 1] * q1 + t[i + k] + ha;
		y = (PMHS_DLIMB)(unsigned long)x + hb + top;
		t[i + k] = (unsigned long)y;
		y = (PMHS_DLIMB)t[i + k + 1] + (unsigned long)(x >> BITS_PER_LONG) +
		    (unsigned long)(y >> BITS_PER_LONG);
		t[i + k + 1] = (unsigned long)y;
		top = y >> BITS_PER_LONG;
	}
	if (i < k) {
		c = mont_addmul(t + i, m, k, t[i] * ctx->minv);
		x = (PMHS_DLIMB)t[i + k] + c + top;
		t[i + k] = (unsigned long)x;
		top = x >> BITS_PER_LONG;
	}
	mont_final(r, t + k, top, ctx);
}

/*
 * mont_sqr()'s cross products, rows i and i + 1 together: t[2i + 3 + j]
 * += a[i + 3 + j] * a[i] + a[i + 2 + j] * a[i + 1]; the two products of
 * row i below that and row i + 1's last above it are done here.
 */
static void mont_sqr_cross_mulx(unsigned long *t, const unsigned long *a,
				unsigned int k)
{
	unsigned long c, ha, hb;
	unsigned int i;
	PMHS_DLIMB x;

	for (i = 0; i + 2 < k; i += 2) {
		c = mont_addmul(t + 2 * i + 1, a + i + 1, 2, a[i]);
		mont_row2_mulx(t + 2 * i + 3, a + i + 3, a[i], a + i + 2,
			       a[i + 1], k - i - 3, c, &ha, &hb);
		x = (PMHS_DLIMB)a[k - 1] * a[i + 1] + ha;
		x += hb;
		t[i + k] = (unsigned long)x;
		t[i + k + 1] = (unsigned long)(x >> BITS_PER_LONG);
	}
	if (i + 1 < k)
		t[i + k] = mont_addmul(t + 2 * i + 1, a + i + 1, k - i - 1,
				       a[i]);
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
	unsigned int k = ctx->k, i;
	unsigned long c, top = 0, h0, h1;
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
	mont_final(r, t + k, top, ctx);
}

/* r = a * b * R^-1 mod m for a < R, b < m. t: 2k limbs. */
static void mont_mul(unsigned long *r, const unsigned long *a,
		     const unsigned long *b, const struct pmhs_mont *ctx,
		     unsigned long *t)
{
	unsigned int k = ctx->k, i;

#if PMHS_MONT_X86
	if (ctx->mulx) {
		mont_mul_mulx(r, a, b, ctx, t);
		return;
	}
#endif
	memset(t, 0, k * sizeof(*t));
	for (i = 0; i + 1 < k; i += 2)
		mont_addmul2(t + i, a, k, b[i], b[i + 1], 0, &t[i + k],
			     &t[i + k + 1]);
	if (i < k)
		t[i + k] = mont_addmul(t + i, a, k, b[i]);
	mont_redc(r, t, ctx);
}

/*
 * t[1..2k - 1) = the cross products a[i] * a[j], i < j, each once; t[0..k)
 * and t[2k - 1] are 0. Rows i and i + 1 go together from a[i + 2] on;
 * a[i + 1] * a[i], which row i + 1 lacks, is added first and its carry
 * goes in with them.
 */
static void mont_sqr_cross(unsigned long *t, const unsigned long *a,
			   unsigned int k)
{
	unsigned long c;
	unsigned int i;

	for (i = 0; i + 2 < k; i += 2) {
		c = mont_addmul(t + 2 * i + 1, a + i + 1, 1, a[i]);
		mont_addmul2(t + 2 * i + 2, a + i + 2, k - i - 2, a[i],
			     a[i + 1], c, &t[i + k], &t[i + k + 1]);
	}
	if (i + 1 < k)
		t[i + k] = mont_addmul(t + 2 * i + 1, a + i + 1, k - i - 1,
				       a[i]);
}

/* t[0..2k) = 2 * t + a[i]^2 at limbs 2i, 2i + 1 (t: the cross products) */
static void mont_sqr_diag(unsigned long *t, const unsigned long *a,
			  unsigned int k)
{
	unsigned long c, v;
	unsigned int i;
	PMHS_DLIMB x;

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
}

/* r = a^2 * R^-1 mod m for a < m: each cross product once, doubled. */
static void mont_sqr(unsigned long *r, const unsigned long *a,
		     const struct pmhs_mont *ctx, unsigned long *t)
{
	unsigned int k = ctx->k;

	t[0] = 0;
	t[2 * k - 1] = 0;
#if PMHS_MONT_X86
	if (ctx->mulx) {
		if (!mont_sqr_cross_fixed(t, a, k)) {
			memset(t, 0, k * sizeof(*t));
			mont_sqr_cross_mulx(t, a, k);
		}
		mont_sqr_diag_mulx(t, a, k);
		if (mont_redc_fixed(r, t, ctx))
			return;
		if (k % 4 == 0)
			mont_final(r, t + k,
				   mont_redc_mulx4(t, ctx->m, k, ctx->minv),
				   ctx);
		else
			mont_redc_mulx(r, t, ctx);
		return;
	}
#endif
	memset(t, 0, k * sizeof(*t));
	mont_sqr_cross(t, a, k);
	mont_sqr_diag(t, a, k);
	mont_redc(r, t, ctx);
}

/* 1 if i == idx, else 0, without a branch (i, idx < PMHS_MONT_TAB) */
static inline unsigned long mont_mask(unsigned long i, unsigned long idx)
{
	return 0UL - (((i ^ idx) - 1) >> (BITS_PER_LONG - 1));
}

/*
 * out = tab[idx], reading every entry. Eight limbs of out at a time stay
 * in registers while all entries go by: one memory access per limb read
 * (or-ing into out[] took three), and one mask per entry for eight limbs.
 */
static void mont_select(unsigned long *out, const unsigned long *tab,
			unsigned int k, unsigned long idx)
{
	unsigned long i, mask, o0, o1, o2, o3, o4, o5, o6, o7;
	const unsigned long *e;
	unsigned int j = 0;

	for (; j + 8 <= k; j += 8) {
		o0 = 0;
		o1 = 0;
		o2 = 0;
		o3 = 0;
		o4 = 0;
		o5 = 0;
		o6 = 0;
		o7 = 0;
		for (i = 0; i < PMHS_MONT_TAB; i++) {
			mask = mont_mask(i, idx);
			e = tab + i * k + j;
			o0 |= e[0] & mask;
			o1 |= e[1] & mask;
			o2 |= e[2] & mask;
			o3 |= e[3] & mask;
			o4 |= e[4] & mask;
			o5 |= e[5] & mask;
			o6 |= e[6] & mask;
			o7 |= e[7] & mask;
		}
		out[j] = o0;
		out[j + 1] = o1;
		out[j + 2] = o2;
		out[j + 3] = o3;
		out[j + 4] = o4;
		out[j + 5] = o5;
		out[j + 6] = o6;
		out[j + 7] = o7;
	}
	for (; j + 4 <= k; j += 4) {
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

/*
 * A new MPI holding the k limbs @a, normalized; the limb count is found
 * with masks, not by a loop that stops at the top non-zero limb.
 */
static MPI mont_to_mpi(const unsigned long *a, unsigned int k)
{
	MPI r = mpi_alloc(k);
	unsigned long n = 0, nz;
	unsigned int j;

	if (!r)
		return NULL;
	memcpy(r->d, a, k * sizeof(*a));
	for (j = 0; j < k; j++) {
		nz = 0UL - ((a[j] | (0UL - a[j])) >> (BITS_PER_LONG - 1));
		n = ((j + 1) & nz) | (n & ~nz);
	}
	r->nlimbs = n;
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
	ctx = kzalloc(struct_size(ctx, buf, 2 * k + 1), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->k = k;
#if PMHS_MONT_X86
	ctx->mulx = mont_mulx_faster && mont_cpu_mulx();
#endif
	ctx->m = ctx->buf + 1;
	ctx->rr = ctx->m + k;
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

#if PMHS_MONT_X86
/* ns for MONT_SEL_SQR squarings of @a in place */
#define MONT_SEL_SQR 32
static u64 mont_time_sqr(const struct pmhs_mont *ctx, unsigned long *a,
			 unsigned long *t)
{
	u64 t0 = ktime_get_ns();
	int i;

	for (i = 0; i < MONT_SEL_SQR; i++)
		mont_sqr(a, a, ctx, t);
	return ktime_get_ns() - t0;
}
#endif

int pmhs_mont_select(const char *want, u64 *mulx_ns, u64 *mulq_ns)
{
#if PMHS_MONT_X86
	u64 best[2] = { U64_MAX, U64_MAX }, dt;
	unsigned long *s, *v[2], *t, diff = 0;
	struct pmhs_mont *ctx;
	unsigned int k, j;
	u8 raw[128];
	MPI m;
	int r, i, ret;
#endif

	*mulx_ns = 0;
	*mulq_ns = 0;
#if PMHS_MONT_X86
	if (!strcmp(want, "mulx") || !strcmp(want, "mulq")) {
		if (want[3] == 'x' && !mont_cpu_mulx())
			return -EOPNOTSUPP;
		mont_mulx_faster = want[3] == 'x';
		return 0;
	}
#else
	if (!strcmp(want, "mulx") || !strcmp(want, "mulq"))
		return -EOPNOTSUPP;	/* the portable C only */
#endif
	if (strcmp(want, "auto"))
		return -EINVAL;
#if PMHS_MONT_X86
	if (!mont_cpu_mulx())
		return 0;
	/* a fixed public 1024-bit odd modulus: the size of an RSA-2048 half */
	for (j = 0; j < sizeof(raw); j++)
		raw[j] = (u8)(j * 157 + 91);
	raw[0] |= 0x80;
	raw[sizeof(raw) - 1] |= 1;
	m = mpi_read_raw_data(raw, sizeof(raw));
	if (!m)
		return -ENOMEM;
	mont_mulx_faster = true;
	ret = pmhs_mont_new(m, &ctx);
	mpi_free(m);
	if (ret)
		return ret;
	k = ctx->k;
	s = kmalloc_array(4 * k, sizeof(*s), GFP_KERNEL);
	if (!s) {
		pmhs_mont_free(ctx);
		return -ENOMEM;
	}
	v[0] = s;
	v[1] = s + k;
	t = s + 2 * k;
	/* alternating, best of five: the other work on this CPU varies */
	for (r = 0; r < 5; r++) {
		for (i = 0; i < 2; i++) {
			ctx->mulx = i;
			memcpy(v[i], ctx->rr, k * sizeof(*s));
			dt = mont_time_sqr(ctx, v[i], t);
			if (dt < best[i])
				best[i] = dt;
		}
		for (j = 0; j < k; j++)
			diff |= v[0][j] ^ v[1][j];
	}
	kfree(s);
	pmhs_mont_free(ctx);
	if (diff)
		return -EIO;	/* the two row codes disagree: use neither */
	mont_mulx_faster = best[1] <= best[0];
	*mulx_ns = best[1];
	*mulq_ns = best[0];
#endif
	return 0;
}

const char *pmhs_mont_rows(void)
{
#if PMHS_MONT_X86
	if (mont_mulx_faster && mont_cpu_mulx())
		return "mulx";
#endif
	return PMHS_MONT_X86 ? "mulq" : "generic";
}

const char *pmhs_mont_impl(const struct pmhs_mont *ctx)
{
	if (ctx->mulx)
		return "mulx";
	return PMHS_MONT_X86 ? "mulq" : "generic";
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
