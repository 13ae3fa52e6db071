// SPDX-License-Identifier: GPL-2.0
/*
 * r255_scalarmult() and r255_scalarmult_base() against libsodium's
 * crypto_scalarmult_ristretto255{,_base}(), natively: both decode the
 * point and encode the result, as libsodium's calls do. Blocks of each
 * alternate; the median per-call time (CPU time of the thread: the
 * machine may be shared) of each gives the ratio (r255.c
 * time / libsodium time, below 1 is faster).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sodium.h>

#include "r255.h"

#define BLOCKS 41
#define CALLS 50

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static u8 sink;

static double run(int which, int base, const u8 *s, const u8 *p)
{
	struct r255_point a, r;
	u8 out[32];
	double t0 = now();
	int i;

	for (i = 0; i < CALLS; i++) {
		const u8 *si = s + 32 * i;

		if (which == 0 && base) {
			r255_scalarmult_base(&r, si);
			r255_encode(out, &r);
		} else if (which == 0) {
			if (r255_decode(&a, p))
				abort();
			r255_scalarmult(&r, si, &a);
			r255_encode(out, &r);
		} else if (base) {
			crypto_scalarmult_ristretto255_base(out, si);
		} else {
			crypto_scalarmult_ristretto255(out, si, p);
		}
		sink ^= out[0];
	}
	return (now() - t0) / CALLS;
}

static void bench(const char *name, int base, const u8 *s, const u8 *p)
{
	double t[2][BLOCKS];
	int b;

	for (b = 0; b < BLOCKS; b++) {
		t[0][b] = run(0, base, s, p);
		t[1][b] = run(1, base, s, p);
	}
	qsort(t[0], BLOCKS, sizeof(double), cmp);
	qsort(t[1], BLOCKS, sizeof(double), cmp);
	printf("%-16s r255 %7.1f us  libsodium %7.1f us  ratio %.3f\n", name,
	       t[0][BLOCKS / 2] * 1e6, t[1][BLOCKS / 2] * 1e6,
	       t[0][BLOCKS / 2] / t[1][BLOCKS / 2]);
}

int main(void)
{
	static u8 s[32 * CALLS];
	u8 p[32];
	int i;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < CALLS; i++)
		crypto_core_ristretto255_scalar_random(s + 32 * i);
	crypto_core_ristretto255_random(p);
	bench("scalarmult", 0, s, p);
	bench("scalarmult_base", 1, s, p);
	return sink == 0x100;
}
