// SPDX-License-Identifier: GPL-2.0
/*
 * The module's arithmetic, natively (make bench-native): kmod/crypto/mont.c
 * against OpenSSL's BN_mod_exp_mont_consttime() and kmod/crypto/r255.c
 * against libsodium's crypto_scalarmult_ristretto255{,_base}(), on the
 * same inputs. Each case runs blocks of calls, the two sides alternating
 * (and which goes first alternating too); a side's figure is the median
 * of its blocks' per-call CPU time of the thread (the machine may be
 * shared), and ratio = pmhs / reference (below 1 is faster).
 *
 * mont.c runs in every variant it has: the default (the rows
 * pmhs_mont_select() picks by timing, as the module does at load), the mulq rows
 * (shim_cpu_no_adx set: the CPU looks as if it had no BMI2/ADX) and the
 * portable C (a second copy built with PMHS_MONT_GENERIC, its symbols
 * prefixed generic_). Every timed result is checked against BN_mod_exp()
 * on an exponent without BN_FLG_CONSTTIME (another OpenSSL code path) or
 * against libsodium, so a wrong variant fails instead of being timed.
 *
 *   bench_native [--smoke] [--json FILE]
 * --smoke: every case once, TAP, timings not judged. Exits 1 if a result
 * was wrong; targets are judged by make bench-native (tools/bench-native)
 * from the "met" fields.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include "mont.h"
#include "r255.h"

int generic_pmhs_mont_new(MPI m, struct pmhs_mont **out);
void generic_pmhs_mont_free(struct pmhs_mont *ctx);
int generic_pmhs_mont_powm(const struct pmhs_mont *ctx, MPI r, MPI b, MPI e);
const char *generic_pmhs_mont_impl(const struct pmhs_mont *ctx);

#define BLOCKS 41
#define R255_CALLS 50

struct variant {
	const char *name;
	int no_adx;		/* shim_cpu_no_adx while it runs */
	int (*new)(MPI m, struct pmhs_mont **out);
	void (*free)(struct pmhs_mont *ctx);
	int (*powm)(const struct pmhs_mont *ctx, MPI r, MPI b, MPI e);
	const char *(*impl)(const struct pmhs_mont *ctx);
};

static const struct variant variants[] = {
	{ "default", 0, pmhs_mont_new, pmhs_mont_free, pmhs_mont_powm,
	  pmhs_mont_impl },
#if defined(__x86_64__)
	{ "mulq", 1, pmhs_mont_new, pmhs_mont_free, pmhs_mont_powm,
	  pmhs_mont_impl },
#endif
	{ "generic", 0, generic_pmhs_mont_new, generic_pmhs_mont_free,
	  generic_pmhs_mont_powm, generic_pmhs_mont_impl },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

struct result {
	char name[32];
	const char *variant, *impl, *ref;
	int calls;
	double pmhs, other, target;	/* seconds per call; target 0: none */
};

static struct result results[32];
static int nresults;
static int smoke, tests, failures;
static int cpu_bmi2, cpu_adx, cpu_avx2, cpu_avx512ifma;
static u64 sel_mulx, sel_mulq;
static int sel_ret;
static char cpu_model[128] = "unknown";

/* A check: a TAP line in smoke mode, and every failure in either mode. */
static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	failures += !cond;
	if (!smoke && cond)
		return;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

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

static double median(double *t, int n)
{
	qsort(t, n, sizeof(*t), cmp);
	return t[n / 2];
}

static int has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	const char *p = flags;

	while ((p = strstr(p, f))) {
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' ||
						   !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static void read_cpuinfo(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192], *v;
	int model = 0, flags = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && !(model && flags)) {
		v = strchr(line, ':');
		if (!v)
			continue;
		v += 1 + (v[1] == ' ');
		if (!model && !strncmp(line, "model name", 10)) {
			snprintf(cpu_model, sizeof(cpu_model), "%.*s",
				 (int)strcspn(v, "\n"), v);
			model = 1;
		} else if (!flags && !strncmp(line, "flags", 5)) {
			cpu_bmi2 = has_flag(v, "bmi2");
			cpu_adx = has_flag(v, "adx");
			cpu_avx2 = has_flag(v, "avx2");
			cpu_avx512ifma = has_flag(v, "avx512ifma");
			flags = 1;
		}
	}
	fclose(f);
}

static MPI bn2mpi(const BIGNUM *b)
{
	MPI a = mpi_alloc(0);

	shim_bn2mpi(a, b);
	return a;
}

/* What the variant must run on this CPU with this build. */
static const char *want_impl(const struct variant *v)
{
	if (!strcmp(v->name, "generic"))
		return "generic";
#if defined(__x86_64__)
	if (!v->no_adx)
		return pmhs_mont_rows();
	return "mulq";
#else
	return "generic";
#endif
}

/* Inputs of one modulus size: n bases and exponents, their results. */
struct mexp {
	int bits, n;
	BIGNUM *m, **b, **e, **want, **out;
	BN_MONT_CTX *mont;
	MPI mm, *mb, *me, *mr;
};

static void mexp_init(struct mexp *x, int bits, int n, BN_CTX *c)
{
	BIGNUM *e;
	int i;

	x->bits = bits;
	x->n = n;
	x->m = BN_new();
	BN_rand(x->m, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
	x->mont = BN_MONT_CTX_new();
	BN_MONT_CTX_set(x->mont, x->m, c);
	x->mm = bn2mpi(x->m);
	x->b = calloc(n, sizeof(*x->b));
	x->e = calloc(n, sizeof(*x->e));
	x->want = calloc(n, sizeof(*x->want));
	x->out = calloc(n, sizeof(*x->out));
	x->mb = calloc(n, sizeof(*x->mb));
	x->me = calloc(n, sizeof(*x->me));
	x->mr = calloc(n, sizeof(*x->mr));
	for (i = 0; i < n; i++) {
		x->b[i] = BN_new();
		BN_rand_range(x->b[i], x->m);
		e = BN_new();
		BN_rand(e, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
		x->want[i] = BN_new();
		BN_mod_exp(x->want[i], x->b[i], e, x->m, c);
		/* the timed exponent is flagged, as RSA's private ones are */
		x->e[i] = BN_dup(e);
		BN_set_flags(x->e[i], BN_FLG_CONSTTIME);
		BN_free(e);
		x->out[i] = BN_new();
		x->mb[i] = bn2mpi(x->b[i]);
		x->me[i] = bn2mpi(x->e[i]);
		x->mr[i] = mpi_alloc(0);
	}
}

static void mexp_free(struct mexp *x)
{
	int i;

	for (i = 0; i < x->n; i++) {
		BN_free(x->b[i]);
		BN_free(x->e[i]);
		BN_free(x->want[i]);
		BN_free(x->out[i]);
		mpi_free(x->mb[i]);
		mpi_free(x->me[i]);
		mpi_free(x->mr[i]);
	}
	free(x->b);
	free(x->e);
	free(x->want);
	free(x->out);
	free(x->mb);
	free(x->me);
	free(x->mr);
	mpi_free(x->mm);
	BN_MONT_CTX_free(x->mont);
	BN_free(x->m);
}

/* One block of n calls of pmhs; the number of wrong results (after timing). */
static int mexp_pmhs(const struct mexp *x, const struct variant *v,
		     const struct pmhs_mont *ctx, double *t)
{
	double t0;
	int i, bad = 0;
	BIGNUM *got;

	shim_cpu_no_adx = v->no_adx;
	t0 = now();
	for (i = 0; i < x->n; i++)
		bad += v->powm(ctx, x->mr[i], x->mb[i], x->me[i]) != 0;
	*t = (now() - t0) / x->n;
	shim_cpu_no_adx = 0;
	for (i = 0; i < x->n; i++) {
		got = shim_mpi2bn(x->mr[i]);
		bad += BN_cmp(got, x->want[i]) != 0;
		BN_free(got);
	}
	return bad;
}

static int mexp_ossl(const struct mexp *x, BN_CTX *c, double *t)
{
	double t0 = now();
	int i, bad = 0;

	for (i = 0; i < x->n; i++)
		bad += !BN_mod_exp_mont_consttime(x->out[i], x->b[i], x->e[i],
						  x->m, c, x->mont);
	*t = (now() - t0) / x->n;
	for (i = 0; i < x->n; i++)
		bad += BN_cmp(x->out[i], x->want[i]) != 0;
	return bad;
}

static void mexp_case(struct mexp *x, const struct variant *v, BN_CTX *c,
		      double target)
{
	int blocks = smoke ? 1 : BLOCKS, b, bad_p = 0, bad_o = 0;
	double tp[BLOCKS], to[BLOCKS], w;
	struct pmhs_mont *ctx;
	struct result *r;
	const char *impl;

	shim_cpu_no_adx = v->no_adx;
	b = v->new(x->mm, &ctx);
	shim_cpu_no_adx = 0;
	check(!b, "modexp %d %s: context", x->bits, v->name);
	if (b)
		return;
	if (!smoke) {	/* warm up both */
		mexp_pmhs(x, v, ctx, &w);
		mexp_ossl(x, c, &w);
	}
	for (b = 0; b < blocks; b++) {
		if (b & 1) {
			bad_o += mexp_ossl(x, c, &to[b]);
			bad_p += mexp_pmhs(x, v, ctx, &tp[b]);
		} else {
			bad_p += mexp_pmhs(x, v, ctx, &tp[b]);
			bad_o += mexp_ossl(x, c, &to[b]);
		}
	}
	impl = v->impl(ctx);
	v->free(ctx);
	check(!strcmp(impl, want_impl(v)), "modexp %d %s: runs %s (want %s)",
	      x->bits, v->name, impl, want_impl(v));
	check(!bad_p, "modexp %d %s: pmhs_mont_powm() == BN_mod_exp() (%d calls)",
	      x->bits, v->name, blocks * x->n);
	check(!bad_o, "modexp %d: BN_mod_exp_mont_consttime() == BN_mod_exp() (%d calls)",
	      x->bits, blocks * x->n);
	if (bad_p || bad_o)
		return;
	r = &results[nresults++];
	snprintf(r->name, sizeof(r->name), "modexp_%d", x->bits);
	r->variant = v->name;
	r->impl = impl;
	r->ref = "openssl";
	r->calls = x->n;
	r->pmhs = median(tp, blocks);
	r->other = median(to, blocks);
	r->target = strcmp(v->name, "default") ? 0 : target;
}

/* r255: one block of R255_CALLS scalars; which 0 is pmhs. */
static double r255_run(int which, int base, const u8 *s, const u8 *p,
		       u8 (*out)[32], int *bad)
{
	struct r255_point a, r;
	double t0 = now();
	int i;

	for (i = 0; i < R255_CALLS; i++) {
		const u8 *si = s + 32 * i;

		if (which == 0 && base) {
			r255_scalarmult_base(&r, si);
			r255_encode(out[i], &r);
		} else if (which == 0) {
			if (r255_decode(&a, p))
				(*bad)++;
			r255_scalarmult(&r, si, &a);
			r255_encode(out[i], &r);
		} else if (base) {
			*bad += crypto_scalarmult_ristretto255_base(out[i], si) != 0;
		} else {
			*bad += crypto_scalarmult_ristretto255(out[i], si, p) != 0;
		}
	}
	return (now() - t0) / R255_CALLS;
}

static void r255_case(const char *name, int base, double target)
{
	static u8 s[32 * R255_CALLS], outp[R255_CALLS][32],
		  outs[R255_CALLS][32];
	int blocks = smoke ? 1 : BLOCKS, b, i, bad = 0, differ = 0;
	double tp[BLOCKS], ts[BLOCKS];
	struct result *r;
	u8 p[32];

	for (i = 0; i < R255_CALLS; i++)
		crypto_core_ristretto255_scalar_random(s + 32 * i);
	crypto_core_ristretto255_random(p);
	if (!smoke) {
		r255_run(0, base, s, p, outp, &bad);
		r255_run(1, base, s, p, outs, &bad);
	}
	for (b = 0; b < blocks; b++) {
		memset(outp, 0, sizeof(outp));
		memset(outs, 0, sizeof(outs));
		if (b & 1) {
			ts[b] = r255_run(1, base, s, p, outs, &bad);
			tp[b] = r255_run(0, base, s, p, outp, &bad);
		} else {
			tp[b] = r255_run(0, base, s, p, outp, &bad);
			ts[b] = r255_run(1, base, s, p, outs, &bad);
		}
		differ += memcmp(outp, outs, sizeof(outp)) != 0;
	}
	check(!bad && !differ, "%s: r255 == libsodium (%d calls)", name,
	      blocks * R255_CALLS);
	if (bad || differ)
		return;
	r = &results[nresults++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->variant = "default";
	r->impl = "r255.c";
	r->ref = "libsodium";
	r->calls = R255_CALLS;
	r->pmhs = median(tp, blocks);
	r->other = median(ts, blocks);
	r->target = target;
}

static const char *compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#else
	return "gcc " __VERSION__;
#endif
}

static int met(const struct result *r)
{
	return r->pmhs / r->other <= r->target;
}

/* s as a JSON string (the CPU model comes from the kernel) */
static void json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', f);
		if ((unsigned char)*s >= 0x20)
			putc(*s, f);
	}
	putc('"', f);
}

static int write_json(const char *path)
{
	char date[32];
	time_t t = time(NULL);
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		perror(path);
		return -1;
	}
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fprintf(f, "{\n  \"date\": \"%s\",\n  \"smoke\": %s,\n", date,
		smoke ? "true" : "false");
	fprintf(f, "  \"cpu\": {\"model\": ");
	json_str(f, cpu_model);
	fprintf(f, ", \"bmi2\": %s, \"adx\": %s, "
		"\"avx2\": %s, \"avx512ifma\": %s},\n",
		cpu_bmi2 ? "true" : "false", cpu_adx ? "true" : "false",
		cpu_avx2 ? "true" : "false", cpu_avx512ifma ? "true" : "false");
	fprintf(f, "  \"compiler\": ");
	json_str(f, compiler());
	fprintf(f, ",\n  \"cflags\": \"-O2\",\n  \"openssl\": ");
	json_str(f, OpenSSL_version(OPENSSL_VERSION));
	fprintf(f, ",\n  \"libsodium\": ");
	json_str(f, sodium_version_string());
	fprintf(f, ",\n");
	fprintf(f, "  \"mont_select\": {\"rows\": \"%s\", \"mulx_ns\": %llu, "
		"\"mulq_ns\": %llu},\n", pmhs_mont_rows(),
		(unsigned long long)sel_mulx, (unsigned long long)sel_mulq);
	fprintf(f, "  \"blocks\": %d,\n  \"unit\": \"us per call\",\n  \"cases\": [\n",
		smoke ? 1 : BLOCKS);
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];

		fprintf(f, "    {\"name\": \"%s\", \"variant\": \"%s\", \"impl\": \"%s\", "
			"\"calls_per_block\": %d, \"pmhs\": %.3f, \"reference\": \"%s\", "
			"\"%s\": %.3f, \"ratio\": %.4f, ", r->name, r->variant,
			r->impl, r->calls, r->pmhs * 1e6, r->ref, r->ref,
			r->other * 1e6, r->pmhs / r->other);
		if (r->target && !smoke)
			fprintf(f, "\"target\": %.2f, \"met\": %s}", r->target,
				met(r) ? "true" : "false");
		else if (r->target)
			fprintf(f, "\"target\": %.2f, \"met\": null}", r->target);
		else
			fprintf(f, "\"target\": null, \"met\": null}");
		fprintf(f, "%s\n", i + 1 < nresults ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

static void print_table(void)
{
	int i;

	printf("# %s (bmi2 %d, adx %d, avx2 %d, avx512ifma %d); %s; %s; libsodium %s\n",
	       cpu_model, cpu_bmi2, cpu_adx, cpu_avx2, cpu_avx512ifma,
	       compiler(), OpenSSL_version(OPENSSL_VERSION),
	       sodium_version_string());
	printf("# default rows: %s (pmhs_mont_select: 32 squarings mulx %llu ns, mulq %llu ns)\n",
	       pmhs_mont_rows(), (unsigned long long)sel_mulx,
	       (unsigned long long)sel_mulq);
	printf("# median of %d blocks per side, us per call (thread CPU time)\n",
	       smoke ? 1 : BLOCKS);
	printf("%-22s %-8s %-8s %10s %10s %-10s %7s %8s %s\n", "case", "variant",
	       "runs", "pmhs", "reference", "(which)", "ratio", "target", "met");
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		char tg[16] = "";

		if (r->target)
			snprintf(tg, sizeof(tg), "<= %.2f", r->target);
		printf("%-22s %-8s %-8s %10.1f %10.1f %-10s %7.3f %8s %s\n",
		       r->name, r->variant, r->impl, r->pmhs * 1e6,
		       r->other * 1e6, r->ref, r->pmhs / r->other, tg,
		       !r->target || smoke ? "" : met(r) ? "yes" : "NO");
	}
}

int main(int argc, char **argv)
{
	/* size, calls per block (a block is 5-15 ms), target */
	static const struct { int bits, calls; double target; } sizes[] = {
		{ 1024, 16, 1.05 }, { 1536, 6, 1.10 }, { 2048, 3, 1.10 },
	};
	const char *json = NULL;
	struct mexp x;
	BN_CTX *c;
	size_t i, j;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			smoke = 1;
		} else if (!strcmp(argv[i], "--json") && i + 1 < (size_t)argc) {
			json = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_native [--smoke] [--json FILE]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	read_cpuinfo();
	c = BN_CTX_new();
	/* the module's load-time choice, which "default" then runs */
	sel_ret = pmhs_mont_select("auto", &sel_mulx, &sel_mulq);
	if (smoke)
		printf("TAP version 13\n1..%zu\n", sizeof(sizes) / sizeof(sizes[0]) *
		       (1 + NVARIANTS * 4) + 3);
	check(!sel_ret, "pmhs_mont_select: %d, default rows %s", sel_ret,
	      pmhs_mont_rows());
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mexp_init(&x, sizes[i].bits, smoke ? 1 : sizes[i].calls, c);
		check(BN_num_bits(x.m) == sizes[i].bits && BN_is_odd(x.m),
		      "modexp %d: an odd modulus of %d bits", sizes[i].bits,
		      sizes[i].bits);
		for (j = 0; j < NVARIANTS; j++)
			mexp_case(&x, &variants[j], c, sizes[i].target);
		mexp_free(&x);
	}
	r255_case("r255_scalarmult", 0, 1.3);
	r255_case("r255_scalarmult_base", 1, 1.3);
	BN_CTX_free(c);
	if (!smoke || failures)
		print_table();
	if (json && write_json(json)) {
		failures++;
		fprintf(stderr, "bench_native: cannot write %s\n", json);
	}
	if (failures)
		fprintf(stderr, "bench_native: %d of %d checks failed\n", failures,
			tests);
	return failures ? 1 : 0;
}
