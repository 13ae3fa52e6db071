/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's headers to compile kmod/crypto/mont.c in
 * userspace, with OpenSSL's BIGNUM behind the two MPI calls it makes.
 * The MPI layout (limbs d[], nlimbs, sign) is the kernel's.
 */
#ifndef _PMHS_KSHIM_H
#define _PMHS_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>

typedef uint8_t u8;
typedef uint64_t u64;
#define U64_MAX UINT64_MAX

#include <time.h>
static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define BITS_PER_LONG (__SIZEOF_LONG__ * 8)
#if defined(__x86_64__)
#define CONFIG_X86_64 1
#endif
#if defined(__SIZEOF_INT128__)
#define CONFIG_ARCH_SUPPORTS_INT128 1
#endif
#define BIT(n) (1UL << (n))

/*
 * boot_cpu_has() for the two features mont.c asks about, from the real
 * CPU; shim_cpu_no_adx (kshim.c) non-zero denies both, so a context made
 * then runs the mulq rows.
 */
extern int shim_cpu_no_adx;
#define X86_FEATURE_BMI2 1
#define X86_FEATURE_ADX 2
static inline int boot_cpu_has(int bit)
{
	if (shim_cpu_no_adx)
		return 0;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (bit == X86_FEATURE_BMI2)
		return __builtin_cpu_supports("bmi2");
	if (bit == X86_FEATURE_ADX) {
		unsigned int a = 7, b, c = 0, d;

		/* CPUID.(EAX=7,ECX=0):EBX bit 19 (gcc 12 has no "adx" name) */
		__asm__("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d));
		return (b >> 19) & 1;
	}
#endif
	return 0;
}
#define GFP_KERNEL 0
#define kzalloc(n, f) calloc(1, n)
#define kmalloc_array(n, s, f) calloc(n, s)
#define kfree free
#define kfree_sensitive free
#define memzero_explicit(p, n) memset(p, 0, n)
#define struct_size(p, m, n) (sizeof(*(p)) + (n) * sizeof((p)->m[0]))
#define roundup(x, y) ((((x) + (y) - 1) / (y)) * (y))
#define swap(a, b) do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)

struct gcry_mpi {
	int alloced;
	int nlimbs;
	int sign;
	unsigned int flags;
	unsigned long *d;
};
typedef struct gcry_mpi *MPI;

static inline MPI mpi_alloc(unsigned int n)
{
	MPI a = calloc(1, sizeof(*a));

	if (a && n)
		a->d = calloc(n, sizeof(long));
	if (a)
		a->alloced = n;
	return a;
}

static inline void mpi_free(MPI a)
{
	if (a)
		free(a->d);
	free(a);
}

static inline BIGNUM *shim_mpi2bn(MPI a)
{
	return BN_lebin2bn((const unsigned char *)a->d,
			   a->nlimbs * sizeof(long), NULL);
}

static inline void shim_bn2mpi(MPI a, const BIGNUM *b)
{
	int n = (BN_num_bytes(b) + sizeof(long) - 1) / sizeof(long);

	free(a->d);
	a->d = calloc(n ? n : 1, sizeof(long));
	BN_bn2lebinpad(b, (unsigned char *)a->d, n * sizeof(long));
	a->nlimbs = n;
	a->alloced = n;
	a->sign = 0;
}

static inline MPI mpi_read_raw_data(const void *p, size_t n)
{
	BIGNUM *b = BN_bin2bn(p, n, NULL);
	MPI a = mpi_alloc(0);

	shim_bn2mpi(a, b);
	BN_free(b);
	return a;
}

static inline int pmhs_mpi_mod(MPI w, MPI u, MPI m)
{
	BN_CTX *c = BN_CTX_new();
	BIGNUM *bu = shim_mpi2bn(u), *bm = shim_mpi2bn(m), *bw = BN_new();

	BN_mod(bw, bu, bm, c);
	shim_bn2mpi(w, bw);
	BN_free(bu);
	BN_free(bm);
	BN_free(bw);
	BN_CTX_free(c);
	return 0;
}

#endif
