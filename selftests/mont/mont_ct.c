// SPDX-License-Identifier: GPL-2.0
/*
 * Constant-time check of mont.c under valgrind (as ctgrind does): the
 * context's modulus (a secret prime), its inverses and R^2, the base and
 * the exponent are marked undefined, so memcheck reports any branch or
 * memory index that depends on them; the result is marked defined again
 * and compared with BN_mod_exp. mont.c is included to reach the context
 * (its creation, which checks m and has lib/mpi compute R^2, is outside
 * the claim) and to force the mulx rows: valgrind runs ADCX/ADOX but
 * hides ADX from CPUID. Every variant the build has; exponents random,
 * zero and all ones; limb counts 1, 5, 16, 17, 24, 32.
 * `make -C selftests/mont ct`: exits non-zero on any report.
 */
#include <stdio.h>
#include <valgrind/memcheck.h>

#include "mont.c"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)

static MPI bn2mpi(const BIGNUM *b)
{
	MPI a = mpi_alloc(0);

	shim_bn2mpi(a, b);
	return a;
}

/* b^e mod m with every secret undefined; 0 if it agrees with BN */
static int ct_case(const BIGNUM *m, const BIGNUM *b, const BIGNUM *e,
		   int mulx, BN_CTX *c)
{
	BIGNUM *want = BN_new(), *got;
	MPI mm = bn2mpi(m), mb = bn2mpi(b), me = bn2mpi(e), mr = mpi_alloc(0);
	struct pmhs_mont *ctx;
	int bad = 1;

	BN_mod_exp(want, b, e, m, c);
	if (pmhs_mont_new(mm, &ctx))
		goto out;
	ctx->mulx = mulx;
	SECRET(ctx->m, ctx->k * sizeof(long));
	SECRET(ctx->rr, ctx->k * sizeof(long));
	SECRET(&ctx->minv, sizeof(ctx->minv));
	SECRET(&ctx->minv2, sizeof(ctx->minv2));
	SECRET(mb->d, mb->nlimbs * sizeof(long));
	SECRET(me->d, me->nlimbs * sizeof(long));
	if (!pmhs_mont_powm(ctx, mr, mb, me)) {
		PUBLIC(&mr->nlimbs, sizeof(mr->nlimbs));
		PUBLIC(mr->d, mr->nlimbs * sizeof(long));
		got = shim_mpi2bn(mr);
		bad = BN_cmp(got, want) != 0;
		BN_free(got);
	}
	pmhs_mont_free(ctx);
out:
	mpi_free(mr);
	mpi_free(me);
	mpi_free(mb);
	mpi_free(mm);
	BN_free(want);
	return bad;
}

int main(void)
{
	static const int bits[] = { 61, 320, 1024, 1088, 1536, 2048 };
#ifdef PMHS_MONT_GENERIC
	static const char *const name[] = { "generic" };
#else
	static const char *const name[] = { "mulq", "mulx" };
#endif
	BN_CTX *c = BN_CTX_new();
	BIGNUM *m = BN_new(), *b = BN_new(), *e = BN_new();
	int v, i, j, bad, fail = 0;

	for (v = 0; v < (int)(sizeof(name) / sizeof(name[0])); v++) {
		bad = 0;
		for (i = 0; i < (int)(sizeof(bits) / sizeof(bits[0])); i++) {
			BN_generate_prime_ex(m, bits[i], 0, NULL, NULL, NULL);
			for (j = 0; j < 4; j++) {
				BN_rand_range(b, m);
				BN_rand(e, bits[i], BN_RAND_TOP_ANY,
					BN_RAND_BOTTOM_ANY);
				if (j == 1)
					BN_zero(e);
				if (j == 2) {
					BN_zero(e);
					BN_set_bit(e, bits[i]);
					BN_sub_word(e, 1);
				}
				bad += ct_case(m, b, e, v, c);
			}
		}
		printf("%sok %d - %s: no secret-dependent branch or index (valgrind memcheck), results agree with BN_mod_exp (%d wrong)\n",
		       bad ? "not " : "", v + 1, name[v], bad);
		fail |= bad;
	}
	BN_free(e);
	BN_free(b);
	BN_free(m);
	BN_CTX_free(c);
	return fail;
}
