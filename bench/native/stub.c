// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the interface of issue #23's MULX work, built only while
 * it is missing (see the Makefile): today's mont.c runs one row code, the
 * mulq one on x86-64 and the portable C elsewhere or with
 * PMHS_MONT_GENERIC, and reads no CPU flags.
 */
#ifdef STUB_IMPL
struct pmhs_mont;
const char *pmhs_mont_impl(const struct pmhs_mont *ctx);

const char *pmhs_mont_impl(const struct pmhs_mont *ctx)
{
#if defined(__x86_64__) && !defined(PMHS_MONT_GENERIC)
	return "mulq";
#else
	return "generic";
#endif
}
#endif

#ifdef STUB_CPU
int shim_cpu_no_adx;
#endif
