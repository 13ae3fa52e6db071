// SPDX-License-Identifier: GPL-2.0
/*
 * Quick native timing of mont.c against OpenSSL's
 * BN_mod_exp_mont_consttime() on the same random odd modulus (top bit
 * set), base and full-size exponent: short blocks alternate between the
 * two sides; ratio = mont.c / OpenSSL, the median over pairs of adjacent
 * blocks (robust against load from others) and best block against best.
 * `make -C selftests/mont time` (not run by make check: timing only).
 * Argument "mulq" makes the contexts use the mulq rows. Under load,
 * count cycles instead: MONT_TIME_ONLY=pmhs or =ossl runs one side only,
 * for `perf stat -e cycles:u`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>

#include "mont.h"

#define BLOCKS 31

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 1024, 1536, 2048 };
	const char *bits_env = getenv("MONT_TIME_BITS");
	BN_CTX *c = BN_CTX_new();
	const char *only = getenv("MONT_TIME_ONLY");
	int run_p = !only || !strcmp(only, "pmhs");
	int run_o = !only || !strcmp(only, "ossl");
	size_t s;

	if (argc > 1 && !strcmp(argv[1], "mulq"))
		shim_cpu_no_adx = 1;
	for (s = 0; s < (bits_env ? 1 : sizeof(sizes) / sizeof(sizes[0])); s++) {
		int bits = bits_env ? atoi(bits_env) : sizes[s], reps = 16 * 1024 * 1024 / bits / bits;
		BIGNUM *m = BN_new(), *b = BN_new(), *e = BN_new();
		BIGNUM *r = BN_new(), *chk;
		BN_MONT_CTX *mc = BN_MONT_CTX_new();
		double tm[BLOCKS], to[BLOCKS], q[BLOCKS], t0;
		struct pmhs_mont *ctx;
		MPI mm, mb, me, mr = mpi_alloc(0);
		int i, j;

		BN_rand(m, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
		BN_rand_range(b, m);
		BN_rand(e, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
		BN_set_flags(e, BN_FLG_CONSTTIME);
		BN_MONT_CTX_set(mc, m, c);
		mm = mpi_alloc(0);
		shim_bn2mpi(mm, m);
		mb = mpi_alloc(0);
		shim_bn2mpi(mb, b);
		me = mpi_alloc(0);
		shim_bn2mpi(me, e);
		if (pmhs_mont_new(mm, &ctx))
			return 1;
		for (j = 0; j < BLOCKS; j++) {
			t0 = now();
			for (i = 0; i < reps * run_p; i++)
				pmhs_mont_powm(ctx, mr, mb, me);
			tm[j] = (now() - t0) / reps;
			t0 = now();
			for (i = 0; i < reps * run_o; i++)
				BN_mod_exp_mont_consttime(r, b, e, m, c, mc);
			to[j] = (now() - t0) / reps;
			q[j] = tm[j] / to[j];
		}
		if (!run_p || !run_o)
			continue;	/* leaks: one run, counted by perf */
		chk = shim_mpi2bn(mr);
		qsort(tm, BLOCKS, sizeof(double), cmp);
		qsort(to, BLOCKS, sizeof(double), cmp);
		qsort(q, BLOCKS, sizeof(double), cmp);
		printf("%d-bit %-7s: mont.c %7.1f us, OpenSSL %7.1f us (medians), ratio %.3f (median of adjacent blocks), %.3f (best of each)%s\n",
		       bits, pmhs_mont_impl(ctx), tm[BLOCKS / 2] * 1e6,
		       to[BLOCKS / 2] * 1e6, q[BLOCKS / 2], tm[0] / to[0],
		       BN_cmp(chk, r) ? " WRONG RESULT" : "");
		BN_free(chk);
		pmhs_mont_free(ctx);
		mpi_free(mm);
		mpi_free(mb);
		mpi_free(me);
		mpi_free(mr);
		BN_MONT_CTX_free(mc);
		BN_free(r);
		BN_free(e);
		BN_free(b);
		BN_free(m);
	}
	BN_CTX_free(c);
	return 0;
}
