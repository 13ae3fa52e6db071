/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Montgomery exponentiation for the RSA private operation (the CRT
 * halves). lib/mpi's mpi_powm() goes bit by bit and reduces by long
 * division; this uses fixed 5-bit windows and Montgomery reduction, so
 * it is faster, and its timing depends on the sizes of the modulus and
 * exponent only: every window is taken, every table entry is read, and
 * the final subtraction is done by mask.
 *
 * A context is immutable after pmhs_mont_new(): any number of threads
 * may use one at once. All functions may sleep.
 */
#ifndef _PMHS_MONT_H
#define _PMHS_MONT_H

#include <linux/mpi.h>

struct pmhs_mont;

/*
 * Context for the odd modulus @m > 1 (copied). -EINVAL for an even or
 * too small modulus, -EOPNOTSUPP where the architecture has no
 * double-limb multiply (64-bit without __int128): use mpi_powm().
 */
int pmhs_mont_new(MPI m, struct pmhs_mont **out);
/* Wipes and frees; NULL is fine. */
void pmhs_mont_free(struct pmhs_mont *ctx);
/*
 * r = b^e mod m, for b < m and e < 2^bits(m) (-EINVAL otherwise).
 * @r may be @b. Scratch space is wiped before it is freed.
 */
int pmhs_mont_powm(const struct pmhs_mont *ctx, MPI r, MPI b, MPI e);
/*
 * Once, before any context. @want "auto": on x86-64 with BMI2 + ADX,
 * times the mulx and mulq rows (32 squarings, 1024 bits, best of five,
 * into @mulx_ns and @mulq_ns; 0 where there is no choice) and makes new
 * contexts run the faster (-EIO if the two disagree). "mulx" or "mulq"
 * forces those rows: -EOPNOTSUPP where they cannot run. -EINVAL for
 * anything else.
 */
int pmhs_mont_select(const char *want, u64 *mulx_ns, u64 *mulq_ns);
/* The rows a new context runs: "mulx", "mulq" or "generic". */
const char *pmhs_mont_rows(void);
/* "mulx", "mulq" or "generic": the rows @ctx runs (for tests) */
const char *pmhs_mont_impl(const struct pmhs_mont *ctx);

#endif /* _PMHS_MONT_H */
