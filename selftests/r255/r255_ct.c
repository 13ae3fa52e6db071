// SPDX-License-Identifier: GPL-2.0
/*
 * Constant-time check of r255.c under valgrind (as ctgrind does): the
 * secret inputs are marked undefined, so memcheck reports any branch or
 * memory index that depends on them. The results are marked defined
 * again before they are printed. `make -C selftests/r255 ct`; exits
 * non-zero (--error-exitcode) on any report.
 */
#include <stdio.h>
#include <sodium.h>
#include <valgrind/memcheck.h>

#include "r255.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)

int main(void)
{
	struct r255_point p, r;
	u8 s[32], t[32], h[64], out[32], enc[32];
	int i, acc = 0;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < 4; i++) {
		crypto_core_ristretto255_scalar_random(s);
		crypto_core_ristretto255_scalar_random(t);
		randombytes_buf(h, 64);
		crypto_core_ristretto255_random(enc);
		if (i == 1)
			memset(s, 0, 32);	/* digits 0: the identity entry */
		if (r255_decode(&p, enc))
			return 1;
		SECRET(s, 32);
		SECRET(t, 32);
		SECRET(h, 64);
		SECRET(&p, sizeof(p));

		r255_scalarmult(&r, s, &p);
		r255_encode(out, &r);
		acc ^= out[0];
		r255_scalarmult_base(&r, s);
		r255_encode(out, &r);
		acc ^= out[0];
		r255_from_hash(&r, h);
		r255_add(&r, &r, &p);
		r255_encode(out, &r);
		acc ^= out[0];
		r255_sc_reduce64(out, h);
		r255_sc_add(out, out, s);
		r255_sc_sub(out, out, t);
		r255_sc_mul(out, out, t);
		r255_sc_invert(out, out);
		acc ^= out[0];
		acc ^= r255_sc_is_canonical(s) + r255_sc_is_zero(t);
		acc ^= r255_is_identity(&r);
		PUBLIC(&acc, sizeof(acc));
	}
	printf("ok - no secret-dependent branch or index (valgrind memcheck) %d\n",
	       acc & 0);
	return 0;
}
