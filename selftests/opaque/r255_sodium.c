// SPDX-License-Identifier: GPL-2.0
/*
 * The kmod/crypto/r255.h contract on libsodium's ristretto255, for testing
 * kmod/proto/opaque.c until (or besides) kmod/crypto/r255.c: a point is
 * kept as its canonical encoding in the first bytes of x. libsodium's
 * add and scalarmult refuse the identity as an input, so it is handled
 * here (its encoding is zero).
 */
#include <sodium.h>

#include "kshim.h"
#include "r255.h"

static u8 *enc(struct r255_point *p)
{
	return (u8 *)p->x;
}

static const u8 *cenc(const struct r255_point *p)
{
	return (const u8 *)p->x;
}

int r255_decode(struct r255_point *p, const u8 in[R255_BYTES])
{
	static const u8 zero[R255_BYTES];

	memset(p, 0, sizeof(*p));
	/*
	 * libsodium 1.0.18 ignores the top bit (a value >= 2^255 > p),
	 * which RFC 9496 section 4.3.1 rejects as non-canonical.
	 */
	if (in[R255_BYTES - 1] & 0x80)
		return -EINVAL;
	if (memcmp(in, zero, R255_BYTES) &&
	    !crypto_core_ristretto255_is_valid_point(in))
		return -EINVAL;
	memcpy(enc(p), in, R255_BYTES);
	return 0;
}

void r255_encode(u8 out[R255_BYTES], const struct r255_point *p)
{
	memcpy(out, cenc(p), R255_BYTES);
}

void r255_from_hash(struct r255_point *p, const u8 in[R255_HASHBYTES])
{
	memset(p, 0, sizeof(*p));
	crypto_core_ristretto255_from_hash(enc(p), in);
}

int r255_is_identity(const struct r255_point *p)
{
	static const u8 zero[R255_BYTES];

	return !memcmp(cenc(p), zero, R255_BYTES);
}

void r255_add(struct r255_point *r, const struct r255_point *p,
	      const struct r255_point *q)
{
	struct r255_point t = { 0 };

	if (r255_is_identity(p))
		t = *q;
	else if (r255_is_identity(q))
		t = *p;
	else
		crypto_core_ristretto255_add(enc(&t), cenc(p), cenc(q));
	*r = t;
}

void r255_scalarmult(struct r255_point *r, const u8 s[R255_SCALARBYTES],
		     const struct r255_point *p)
{
	struct r255_point t = { 0 };

	/* -1 for an identity result, which leaves zeros: its encoding */
	if (!r255_is_identity(p) &&
	    crypto_scalarmult_ristretto255(enc(&t), s, cenc(p)))
		memset(&t, 0, sizeof(t));
	*r = t;
}

void r255_scalarmult_base(struct r255_point *r, const u8 s[R255_SCALARBYTES])
{
	struct r255_point t = { 0 };

	crypto_scalarmult_ristretto255_base(enc(&t), s);
	*r = t;
}

void r255_sc_reduce64(u8 out[R255_SCALARBYTES],
		      const u8 in[R255_NONREDUCEDBYTES])
{
	u8 t[R255_NONREDUCEDBYTES];

	memcpy(t, in, sizeof(t));
	crypto_core_ristretto255_scalar_reduce(out, t);
}

void r255_sc_add(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	crypto_core_ristretto255_scalar_add(r, a, b);
}

void r255_sc_sub(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	crypto_core_ristretto255_scalar_sub(r, a, b);
}

void r255_sc_mul(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES])
{
	crypto_core_ristretto255_scalar_mul(r, a, b);
}

void r255_sc_invert(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES])
{
	if (crypto_core_ristretto255_scalar_invert(r, a))
		memset(r, 0, R255_SCALARBYTES);
}

int r255_sc_is_canonical(const u8 a[R255_SCALARBYTES])
{
	/* l, little endian */
	static const u8 l[R255_SCALARBYTES] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	};
	int i;

	for (i = R255_SCALARBYTES - 1; i >= 0; i--)
		if (a[i] != l[i])
			return a[i] < l[i];
	return 0;
}

int r255_sc_is_zero(const u8 a[R255_SCALARBYTES])
{
	return sodium_is_zero(a, R255_SCALARBYTES);
}

int pmhs_r255_selftest(void)
{
	return sodium_init() < 0 ? -EINVAL : 0;
}
