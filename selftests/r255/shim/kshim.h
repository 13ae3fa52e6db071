/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of the kernel's headers to compile kmod/crypto/r255.c. */
#ifndef _PMHS_R255_KSHIM_H
#define _PMHS_R255_KSHIM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint8_t u8;
typedef int8_t s8;
typedef uint32_t u32;
typedef uint64_t u64;

#if defined(__SIZEOF_INT128__)
#define CONFIG_ARCH_SUPPORTS_INT128 1
#endif
#define noinline __attribute__((noinline))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define pr_err(...) fprintf(stderr, __VA_ARGS__)

static inline void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static inline int shim_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The kernel's: 0, or -EINVAL on a character that is not hex. */
static inline int hex2bin(u8 *dst, const char *src, size_t count)
{
	while (count--) {
		int hi = shim_hexval(*src++), lo;

		if (hi < 0)
			return -EINVAL;
		lo = shim_hexval(*src++);
		if (lo < 0)
			return -EINVAL;
		*dst++ = (u8)((hi << 4) | lo);
	}
	return 0;
}

#endif
