/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ristretto255 (RFC 9496) for OPAQUE: the kernel has no Edwards25519
 * arithmetic. Field elements mod 2^255 - 19 in five 51-bit limbs (needs a
 * 64x64->128 multiply: CONFIG_ARCH_SUPPORTS_INT128), points in extended
 * coordinates, scalars mod l = 2^252 + 27742317777372353535851937790883648493.
 *
 * Everything is constant time in its secret inputs (scalars, points and
 * field elements): no branch and no memory index depends on them. Only the
 * validity results of decoding (public encodings) are branched on by
 * callers. No function allocates or sleeps; all may be called in any
 * context. Temporaries holding secrets are wiped before returning.
 *
 * The file is also compiled unchanged in userspace (selftests/r255) and
 * compared with libsodium.
 */
#ifndef _PMHS_R255_H
#define _PMHS_R255_H

#include <linux/types.h>

#define R255_BYTES		32	/* an encoded element */
#define R255_HASHBYTES		64	/* input of the one-way map */
#define R255_SCALARBYTES	32	/* a scalar, little endian, < l */
#define R255_NONREDUCEDBYTES	64	/* input of r255_sc_reduce64() */

typedef u64 r255_fe[5];

struct r255_point {
	r255_fe x, y, z, t;
};

/* Decode 32 bytes; -EINVAL for a non-canonical or invalid encoding. */
int r255_decode(struct r255_point *p, const u8 in[R255_BYTES]);
void r255_encode(u8 out[R255_BYTES], const struct r255_point *p);
/* The RFC 9496 section 4.3.4 one-way map ("from_uniform_bytes"). */
void r255_from_hash(struct r255_point *p, const u8 in[R255_HASHBYTES]);
/* 1 if @p is the identity (in the ristretto sense: its encoding is zero). */
int r255_is_identity(const struct r255_point *p);
void r255_add(struct r255_point *r, const struct r255_point *p, const struct r255_point *q);

/*
 * r = s * p and r = s * B, for a scalar s (any 32 bytes: the top bits are
 * used as given, no clamping; callers pass canonical scalars). Constant
 * time in s and p. The result may be the identity: callers check
 * r255_is_identity() where the protocol forbids it.
 */
void r255_scalarmult(struct r255_point *r, const u8 s[R255_SCALARBYTES],
		     const struct r255_point *p);
void r255_scalarmult_base(struct r255_point *r, const u8 s[R255_SCALARBYTES]);

/* Scalars mod l, little endian, all outputs canonical (< l). */
void r255_sc_reduce64(u8 out[R255_SCALARBYTES], const u8 in[R255_NONREDUCEDBYTES]);
void r255_sc_add(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES]);
void r255_sc_sub(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES]);
void r255_sc_mul(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES],
		 const u8 b[R255_SCALARBYTES]);
/* r = 1/a mod l; a = 0 gives 0 (callers refuse zero scalars first). */
void r255_sc_invert(u8 r[R255_SCALARBYTES], const u8 a[R255_SCALARBYTES]);
/* 1 if a < l (constant time). */
int r255_sc_is_canonical(const u8 a[R255_SCALARBYTES]);
/* 1 if a == 0 (constant time). */
int r255_sc_is_zero(const u8 a[R255_SCALARBYTES]);

/* Known answers at module load (RFC 9496 appendix A); 0 or -EINVAL. */
int pmhs_r255_selftest(void);

#endif /* _PMHS_R255_H */
