// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/crypto/mont.c against OpenSSL's BN_mod_exp(), in userspace: random
 * moduli of awkward sizes (1 limb, a bit over a limb, every limb count
 * 1 .. 12 for the mulx rows' 4-limb blocks and single-limb rest, odd
 * counts, 2048 and 3072 bits, top limbs small and large, all-ones limbs
 * that make every carry as large as it can be), random and edge-case
 * bases and exponents, the result written over the base. Every variant
 * the build has is run and named on each line: the x86-64 build runs
 * "mulx" (BMI2 + ADX; a SKIP where the CPU lacks them) and "mulq"
 * (shim_cpu_no_adx set), the PMHS_MONT_GENERIC build "generic", the
 * portable C other architectures run. TAP output.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>

#include "mont.h"

static int tests, failures;
static const char *variant;	/* what every context must run */

static void ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - %s: %s\n", cond ? "" : "not ", tests, variant,
	       what);
}

static MPI bn2mpi(const BIGNUM *b)
{
	MPI a = mpi_alloc(0);

	shim_bn2mpi(a, b);
	return a;
}

/*
 * b^e mod m by mont.c, into a new MPI and over the base, against
 * BN_mod_exp(): how many of the two were wrong (2 if mont.c refused m).
 */
static int powm_wrong(const BIGNUM *m, const BIGNUM *b, const BIGNUM *e,
		      BN_CTX *c)
{
	BIGNUM *want = BN_new(), *got;
	struct pmhs_mont *ctx;
	MPI mm = bn2mpi(m), mb = bn2mpi(b), me = bn2mpi(e), mr = mpi_alloc(0);
	int ret, bad = 2;

	BN_mod_exp(want, b, e, m, c);
	if (pmhs_mont_new(mm, &ctx))
		goto out;
	bad = strcmp(pmhs_mont_impl(ctx), variant) ? 2 : 0;
	ret = pmhs_mont_powm(ctx, mr, mb, me);
	got = shim_mpi2bn(mr);
	if (ret || BN_cmp(got, want))
		bad++;
	BN_free(got);
	/* the result may overwrite the base */
	ret = pmhs_mont_powm(ctx, mb, mb, me);
	got = shim_mpi2bn(mb);
	if (ret || BN_cmp(got, want))
		bad++;
	BN_free(got);
	pmhs_mont_free(ctx);
out:
	mpi_free(mr);
	mpi_free(me);
	mpi_free(mb);
	mpi_free(mm);
	BN_free(want);
	return bad;
}

/* n random cases with moduli of @bits; 0 if all agreed */
static int random_cases(int bits, int n, BN_CTX *c)
{
	BIGNUM *m = BN_new(), *b = BN_new(), *e = BN_new();
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		int limbs;

		do {
			BN_rand(m, bits, i % 3 ? BN_RAND_TOP_ONE :
				BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ODD);
		} while (BN_is_one(m));
		limbs = (BN_num_bits(m) + BITS_PER_LONG - 1) / BITS_PER_LONG;
		/* any base below R (mont.c reduces it), or an edge case */
		BN_rand(b, limbs * BITS_PER_LONG, BN_RAND_TOP_ANY,
			BN_RAND_BOTTOM_ANY);
		if (i % 5 == 1)
			BN_mod(b, b, m, c);
		if (i % 7 == 2)
			BN_zero(b);
		if (i % 7 == 3)
			BN_sub(b, m, BN_value_one());
		BN_rand(e, limbs * BITS_PER_LONG - (i % 4) * 17,
			BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
		if (i % 11 == 4)
			BN_zero(e);
		if (i % 13 == 5)
			BN_one(e);
		bad += powm_wrong(m, b, e, c);
	}
	BN_free(e);
	BN_free(b);
	BN_free(m);
	return bad;
}

/*
 * Limbs of all ones make every carry in the two-row code as large as it
 * can be: modulus 2^bits - 1 and 2^bits - 3, bases m - 1 and m - 2 and
 * the largest below R, exponent all ones. 0 if all agreed.
 */
static int carry_cases(int bits, BN_CTX *c)
{
	BIGNUM *m = BN_new(), *b = BN_new(), *e = BN_new();
	int i, j, bad = 0;

	for (i = 0; i < 2; i++) {
		BN_zero(m);
		BN_set_bit(m, bits);
		BN_sub_word(m, i ? 3 : 1);
		BN_zero(e);
		BN_set_bit(e, bits);
		BN_sub_word(e, 1);
		for (j = 0; j < 3; j++) {
			BN_copy(b, m);
			BN_sub_word(b, j == 2 ? 2 : 1);
			if (j == 1)	/* all ones up to R: mont.c reduces it */
				BN_copy(b, e);
			bad += powm_wrong(m, b, e, c);
		}
	}
	BN_free(e);
	BN_free(b);
	BN_free(m);
	return bad;
}

/* every test, with contexts made now running @variant */
static void run_variant(BN_CTX *c)
{
	static const int sizes[] = { 2, 63, 64, 65, 127, 128, 129, 191, 192,
				     255, 256, 320, 384, 448, 512, 576, 640,
				     704, 768, 1000, 1023, 1024, 1025, 1536,
				     2048, 3072 };
	static const int cb[] = { 64, 128, 192, 256, 320, 384, 448, 512, 576,
				  1024, 1088, 1536, 2048 };
	struct pmhs_mont *ctx = (void *)1;
	char what[128];
	MPI m, b, e;
	size_t i;
	int bad;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int n = sizes[i] > 1100 ? 40 : sizes[i] > 600 ? 150 : 300;

		bad = random_cases(sizes[i], n, c);
		snprintf(what, sizeof(what),
			 "%d-bit moduli: %d random cases agree with BN_mod_exp (%d wrong)",
			 sizes[i], n, bad);
		ok(!bad, what);
	}

	bad = 0;
	for (i = 0; i < sizeof(cb) / sizeof(cb[0]); i++)
		bad += carry_cases(cb[i], c);
	snprintf(what, sizeof(what),
		 "all-ones limbs (moduli 2^n - 1, 2^n - 3; n = 64 ... 2048): agree with BN_mod_exp (%d wrong)",
		 bad);
	ok(!bad, what);

	m = mpi_read_raw_data("\x10", 1);
	ok(pmhs_mont_new(m, &ctx) == -EINVAL && !ctx,
	   "an even modulus is refused with -EINVAL");
	mpi_free(m);

	m = mpi_read_raw_data("\x01", 1);
	ok(pmhs_mont_new(m, &ctx) == -EINVAL && !ctx,
	   "modulus 1 is refused with -EINVAL");
	mpi_free(m);

	/* a base or exponent longer than the modulus is refused */
	m = mpi_read_raw_data("\xff\xff\xff\xff\xff\xff\xff\xfb", 8);
	b = mpi_read_raw_data("\x01\x00\x00\x00\x00\x00\x00\x00\x00", 9);
	e = mpi_read_raw_data("\x03", 1);
	ok(!pmhs_mont_new(m, &ctx) &&
	   !strcmp(pmhs_mont_impl(ctx), variant) &&
	   pmhs_mont_powm(ctx, e, b, e) == -EINVAL &&
	   pmhs_mont_powm(ctx, b, e, b) == -EINVAL,
	   "a base or exponent with more limbs than the modulus: -EINVAL");
	pmhs_mont_free(ctx);
	mpi_free(e);
	mpi_free(b);
	mpi_free(m);
}

/*
 * pmhs_mont_select() (what the module runs at load): it times both row
 * codes where there is a choice, new contexts then run the faster, and
 * with no choice it says so and changes nothing.
 */
static void select_cases(void)
{
	u64 x = 1, q = 1;
	struct pmhs_mont *ctx;
	char what[160];
	const char *rows;
	MPI m = mpi_read_raw_data("\xc5\x01\x02\x03\x04\x05\x06\x07\x09", 9);
	int ret, choice = 0;
#ifdef PMHS_MONT_GENERIC
	const char *fixed = "generic";
#else
	const char *fixed = "mulq";
#endif

	variant = "default";
#ifndef PMHS_MONT_GENERIC
	shim_cpu_no_adx = 0;
	choice = boot_cpu_has(X86_FEATURE_BMI2) && boot_cpu_has(X86_FEATURE_ADX);
#endif
	ret = pmhs_mont_select("auto", &x, &q);
	rows = pmhs_mont_rows();
	snprintf(what, sizeof(what),
		 "select: returns 0 (%d), times both rows only where there is a choice (mulx %llu ns, mulq %llu ns)",
		 ret, (unsigned long long)x, (unsigned long long)q);
	ok(!ret && (choice ? x && q : !x && !q), what);
	snprintf(what, sizeof(what), "select: keeps the faster (%s)", rows);
	ok(!strcmp(rows, !choice ? fixed : x <= q ? "mulx" : "mulq"), what);
	ok(!pmhs_mont_new(m, &ctx) && !strcmp(pmhs_mont_impl(ctx), rows),
	   "select: a new context runs the rows chosen");
	pmhs_mont_free(ctx);

	/* the module parameter's other values */
	ok(pmhs_mont_select("fast", &x, &q) == -EINVAL && !strcmp(pmhs_mont_rows(), rows),
	   "select: an unknown choice is refused (-EINVAL), nothing changed");
#ifdef PMHS_MONT_GENERIC
	ok(pmhs_mont_select("mulq", &x, &q) == -EOPNOTSUPP &&
	   pmhs_mont_select("mulx", &x, &q) == -EOPNOTSUPP,
	   "select: mulq or mulx forced where only the portable C exists: -EOPNOTSUPP");
#else
	ok(!pmhs_mont_select("mulq", &x, &q) && !strcmp(pmhs_mont_rows(), "mulq") &&
	   !pmhs_mont_new(m, &ctx) && !strcmp(pmhs_mont_impl(ctx), "mulq"),
	   "select: mulq forced: new contexts run mulq");
	pmhs_mont_free(ctx);
	if (choice)
		ok(!pmhs_mont_select("mulx", &x, &q) && !strcmp(pmhs_mont_rows(), "mulx") &&
		   !pmhs_mont_new(m, &ctx) && !strcmp(pmhs_mont_impl(ctx), "mulx"),
		   "select: mulx forced: new contexts run mulx");
	else
		ok(1, "select: mulx forced # SKIP this CPU lacks BMI2 or ADX");
	if (choice)
		pmhs_mont_free(ctx);
	shim_cpu_no_adx = 1;
	ok(pmhs_mont_select("mulx", &x, &q) == -EOPNOTSUPP,
	   "select: mulx forced on a CPU without BMI2/ADX: -EOPNOTSUPP");
	shim_cpu_no_adx = 0;
#endif
	mpi_free(m);
}

int main(void)
{
	BN_CTX *c = BN_CTX_new();

	printf("TAP version 13\n");
#ifdef PMHS_MONT_GENERIC
	variant = "generic";
	run_variant(c);
#else
	variant = "mulx";
	if (boot_cpu_has(X86_FEATURE_BMI2) && boot_cpu_has(X86_FEATURE_ADX)) {
		run_variant(c);
	} else {
		tests++;
		printf("ok %d - mulx: not run # SKIP this CPU lacks BMI2 or ADX\n",
		       tests);
	}
	shim_cpu_no_adx = 1;
	variant = "mulq";
	run_variant(c);
#endif
	select_cases();
	printf("1..%d\n", tests);

	BN_CTX_free(c);
	printf("# %d of %d failed\n", failures, tests);
	return failures ? 1 : 0;
}
