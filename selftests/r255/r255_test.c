// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/crypto/r255.c against libsodium in userspace: the known answers of
 * pmhs_r255_selftest(), then thousands of random inputs per function
 * (decoding and encoding, the one-way map, scalar multiplication by a
 * point and by the generator, addition, the scalar operations) and the
 * edge cases (the RFC's bad encodings, the identity, s = 0, 1, l - 1, l,
 * 2^255 - 1, scalars 0, 1, l - 1, l and with bit 255 set). Points are
 * compared by their encodings. TAP output.
 *
 * libsodium clears bit 255 of a scalar before multiplying and refuses an
 * identity result (-1); r255.c uses all 256 bits and returns the
 * identity, so a scalar with bit 255 set is compared after reduction
 * mod l (the same element), and an identity with libsodium's -1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

#include "r255.h"

static int tests, failures;

static void ok(int cond, const char *what, int n)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - %s (%d cases)\n", cond ? "" : "not ", tests, what, n);
}

static const u8 l_bytes[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
};

static void hex(u8 *out, const char *h, size_t n)
{
	if (sodium_hex2bin(out, n, h, 2 * n, NULL, NULL, NULL)) {
		printf("Bail out! bad hex %s\n", h);
		exit(1);
	}
}

static void dump(const char *what, const u8 *b, size_t n)
{
	size_t i;

	printf("# %s ", what);
	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/* libsodium's view of s * P (encoding, or zeros for the identity) */
static void sodium_mult(u8 out[32], const u8 s[32], const u8 p[32])
{
	u8 t[64] = { 0 }, r[32];

	memcpy(t, s, 32);
	crypto_core_ristretto255_scalar_reduce(r, t);
	if (crypto_scalarmult_ristretto255(out, r, p))
		memset(out, 0, 32);
}

static void sodium_mult_base(u8 out[32], const u8 s[32])
{
	u8 t[64] = { 0 }, r[32];

	memcpy(t, s, 32);
	crypto_core_ristretto255_scalar_reduce(r, t);
	if (crypto_scalarmult_ristretto255_base(out, r))
		memset(out, 0, 32);
}

/* r255.c's decode + scalarmult + encode; -1 for an invalid point */
static int ours_mult(u8 out[32], const u8 s[32], const u8 p[32])
{
	struct r255_point a, r;

	if (r255_decode(&a, p))
		return -1;
	r255_scalarmult(&r, s, &a);
	r255_encode(out, &r);
	return 0;
}

/*
 * One decode: agrees with is_valid_point, and round trips when valid.
 * libsodium 1.0.18 ignores bit 255 of an encoding (its canonical check
 * masks it); RFC 9496 refuses such an s (>= p), and so does r255.c.
 */
static int decode_agrees(const u8 in[32])
{
	struct r255_point p;
	u8 out[32];
	int want = crypto_core_ristretto255_is_valid_point(in) &&
		   !(in[31] & 0x80);
	int ret = r255_decode(&p, in);

	if (want != (ret == 0) || (ret && ret != -EINVAL)) {
		dump("decode disagrees on", in, 32);
		return 0;
	}
	if (ret)
		return 1;
	r255_encode(out, &p);
	if (memcmp(out, in, 32)) {
		dump("round trip changed", in, 32);
		return 0;
	}
	return 1;
}

static void random_scalar(u8 s[32], int kind)
{
	switch (kind % 3) {
	case 0:		/* canonical */
		crypto_core_ristretto255_scalar_random(s);
		break;
	case 1:		/* anything below 2^255 */
		randombytes_buf(s, 32);
		s[31] &= 0x7f;
		break;
	default:	/* anything */
		randombytes_buf(s, 32);
		break;
	}
}

static void test_decode(int n)
{
	u8 b[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		randombytes_buf(b, 32);
		if (i % 4 == 0)
			b[0] &= 0xfe;	/* even: more of them valid */
		good &= decode_agrees(b);
		crypto_core_ristretto255_random(b);
		good &= decode_agrees(b);
	}
	ok(good, "decode/encode of random bytes and random points vs libsodium",
	   2 * n);
}

static void test_decode_edges(void)
{
	static const char * const bad[] = {
		"00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0100000000000000000000000000000000000000000000000000000000000080",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
		"c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
		"c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
		"47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
		"f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
		"87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
		"26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
		"4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
		"de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
		"bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
		"2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
		"f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
		"8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
		"2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
		"3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
		"a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
		"d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
		"8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
		"32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
		"227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
		"5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
		"445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	/* s = 0, 1, 2, l - 1, l, p - 1, p, 2^255 - 1, 2^256 - 1, 2^255 */
	static const char * const edge[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"0200000000000000000000000000000000000000000000000000000000000000",
		"ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010",
		"edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"0000000000000000000000000000000000000000000000000000000000000080",
	};
	struct r255_point p;
	u8 b[32];
	size_t i;
	int good = 1;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		hex(b, bad[i], 32);
		if (r255_decode(&p, b) != -EINVAL) {
			dump("bad encoding accepted", b, 32);
			good = 0;
		}
	}
	ok(good, "RFC 9496 A.2 bad encodings refused", (int)ARRAY_SIZE(bad));
	good = 1;
	for (i = 0; i < ARRAY_SIZE(edge); i++)
		good &= decode_agrees((hex(b, edge[i], 32), b));
	ok(good, "decode of s = 0, 1, 2, l-1, l, p-1, p, 2^255-1, 2^256-1, 2^255 vs libsodium",
	   (int)ARRAY_SIZE(edge));
	memset(b, 0, 32);
	ok(r255_decode(&p, b) == 0 && r255_is_identity(&p),
	   "zero encoding decodes to the identity", 1);
	crypto_core_ristretto255_random(b);
	ok(r255_decode(&p, b) == 0 && !r255_is_identity(&p),
	   "a random point is not the identity", 1);
}

static void test_from_hash(int n)
{
	struct r255_point p;
	u8 h[64], want[32], got[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		randombytes_buf(h, 64);
		if (i == 0)
			memset(h, 0, 64);
		if (i == 1)
			memset(h, 0xff, 64);
		crypto_core_ristretto255_from_hash(want, h);
		r255_from_hash(&p, h);
		r255_encode(got, &p);
		if (memcmp(want, got, 32)) {
			dump("from_hash differs on", h, 64);
			good = 0;
		}
	}
	ok(good, "from_hash vs crypto_core_ristretto255_from_hash", n);
}

static void test_scalarmult(int n)
{
	u8 s[32], p[32], want[32], got[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		random_scalar(s, i);
		crypto_core_ristretto255_random(p);
		sodium_mult(want, s, p);
		if (ours_mult(got, s, p) || memcmp(want, got, 32)) {
			dump("scalarmult differs, scalar", s, 32);
			dump("point", p, 32);
			good = 0;
		}
	}
	ok(good, "scalarmult (canonical, < 2^255 and 256-bit scalars) vs crypto_scalarmult_ristretto255",
	   n);
}

static void test_scalarmult_base(int n)
{
	struct r255_point r;
	u8 s[32], want[32], got[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		random_scalar(s, i);
		sodium_mult_base(want, s);
		r255_scalarmult_base(&r, s);
		r255_encode(got, &r);
		if (memcmp(want, got, 32)) {
			dump("scalarmult_base differs, scalar", s, 32);
			good = 0;
		}
	}
	ok(good, "scalarmult_base vs crypto_scalarmult_ristretto255_base", n);
}

static void test_scalar_edges(void)
{
	struct r255_point r;
	u8 s[5][32] = { { 0 }, { 1 } }, p[32], want[32], got[32], id[32] = { 0 };
	int i, j, good = 1;

	memcpy(s[2], l_bytes, 32);
	s[2][0]--;			/* l - 1 */
	memcpy(s[3], l_bytes, 32);	/* l */
	memset(s[4], 0xff, 32);		/* 2^256 - 1 */
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 20; j++) {
			if (j == 0)
				memset(p, 0, 32);	/* the identity */
			else
				crypto_core_ristretto255_random(p);
			sodium_mult(want, s[i], p);
			if (ours_mult(got, s[i], p) || memcmp(want, got, 32))
				good = 0;
		}
		sodium_mult_base(want, s[i]);
		r255_scalarmult_base(&r, s[i]);
		r255_encode(got, &r);
		if (memcmp(want, got, 32))
			good = 0;
		/* 0 and l give the identity, which is_identity sees */
		if ((i == 0 || i == 3) && (memcmp(got, id, 32) ||
					   !r255_is_identity(&r)))
			good = 0;
		if ((i == 1 || i == 2) && r255_is_identity(&r))
			good = 0;
	}
	ok(good, "scalars 0, 1, l-1, l, 2^256-1 times random points, the identity and B",
	   5 * 21);
}

static void test_add(int n)
{
	struct r255_point a, b, r;
	u8 p[32], q[32], want[32], got[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		crypto_core_ristretto255_random(p);
		if (i % 10 == 0)
			memcpy(q, p, 32);	/* doubling */
		else if (i % 10 == 1)
			memset(q, 0, 32);	/* identity */
		else
			crypto_core_ristretto255_random(q);
		crypto_core_ristretto255_add(want, p, q);
		if (r255_decode(&a, p) || r255_decode(&b, q)) {
			good = 0;
			continue;
		}
		r255_add(&r, &a, &b);
		r255_encode(got, &r);
		if (memcmp(want, got, 32)) {
			dump("add differs on", p, 32);
			good = 0;
		}
	}
	/* P + (-P) is the identity */
	crypto_core_ristretto255_random(p);
	{
		u8 minus1[32];

		memcpy(minus1, l_bytes, 32);
		minus1[0]--;
		sodium_mult(q, minus1, p);
		if (r255_decode(&a, p) || r255_decode(&b, q))
			good = 0;
		r255_add(&r, &a, &b);
		if (!r255_is_identity(&r))
			good = 0;
	}
	ok(good, "add (also P + P, P + 0, P - P) vs crypto_core_ristretto255_add",
	   n + 1);
}

/* a < l by plain comparison from the top */
static int ref_canonical(const u8 a[32])
{
	int i;

	for (i = 31; i >= 0; i--)
		if (a[i] != l_bytes[i])
			return a[i] < l_bytes[i];
	return 0;
}

static void test_scalars(int n)
{
	u8 a[32], b[32], ra[32], rb[32], w[64], want[32], got[32], t[64];
	int i, g_red = 1, g_add = 1, g_sub = 1, g_mul = 1, g_inv = 1;
	int g_can = 1, g_zero = 1;

	for (i = 0; i < n; i++) {
		randombytes_buf(w, 64);
		if (i == 0)
			memset(w, 0xff, 64);
		if (i == 1)
			memset(w, 0, 64);
		crypto_core_ristretto255_scalar_reduce(want, w);
		r255_sc_reduce64(got, w);
		g_red &= !memcmp(want, got, 32);

		random_scalar(a, i);
		random_scalar(b, i / 3);
		if (i == 2)
			memset(a, 0, 32);
		/*
		 * libsodium's add, sub and mul are meant for canonical
		 * inputs (its add drops the carry out of bit 255): give it
		 * a and b reduced; r255.c reduces any 32 bytes itself.
		 */
		memset(t, 0, 64);
		memcpy(t, a, 32);
		crypto_core_ristretto255_scalar_reduce(ra, t);
		memcpy(t, b, 32);
		crypto_core_ristretto255_scalar_reduce(rb, t);
		crypto_core_ristretto255_scalar_add(want, ra, rb);
		r255_sc_add(got, a, b);
		g_add &= !memcmp(want, got, 32);
		crypto_core_ristretto255_scalar_sub(want, ra, rb);
		r255_sc_sub(got, a, b);
		g_sub &= !memcmp(want, got, 32);
		crypto_core_ristretto255_scalar_mul(want, ra, rb);
		r255_sc_mul(got, a, b);
		g_mul &= !memcmp(want, got, 32);

		crypto_core_ristretto255_scalar_random(a);
		crypto_core_ristretto255_scalar_invert(want, a);
		r255_sc_invert(got, a);
		g_inv &= !memcmp(want, got, 32);

		randombytes_buf(a, 32);
		if (i % 4 == 0) {	/* near l: equal top bytes */
			memcpy(a + 8, l_bytes + 8, 24);
		}
		g_can &= r255_sc_is_canonical(a) == ref_canonical(a);
		g_zero &= r255_sc_is_zero(a) == sodium_is_zero(a, 32);
	}
	ok(g_red, "sc_reduce64 vs crypto_core_ristretto255_scalar_reduce", n);
	ok(g_add, "sc_add vs crypto_core_ristretto255_scalar_add", n);
	ok(g_sub, "sc_sub vs crypto_core_ristretto255_scalar_sub", n);
	ok(g_mul, "sc_mul vs crypto_core_ristretto255_scalar_mul", n);
	ok(g_inv, "sc_invert vs crypto_core_ristretto255_scalar_invert", n);
	ok(g_can, "sc_is_canonical vs comparison with l", n);
	ok(g_zero, "sc_is_zero vs sodium_is_zero", n);
}

static void test_scalar_edges2(void)
{
	u8 s[32], z[32] = { 0 }, one[32] = { 1 }, got[32], want[32];
	int good = 1;

	/* is_canonical: l - 1, l, l + 1, 2^255, 2^256 - 1, 0 */
	memcpy(s, l_bytes, 32);
	s[0]--;
	good &= r255_sc_is_canonical(s) == 1;
	s[0]++;
	good &= r255_sc_is_canonical(s) == 0;
	s[0]++;
	good &= r255_sc_is_canonical(s) == 0;
	memset(s, 0, 32);
	s[31] = 0x80;
	good &= r255_sc_is_canonical(s) == 0;
	memset(s, 0xff, 32);
	good &= r255_sc_is_canonical(s) == 0;
	good &= r255_sc_is_canonical(z) == 1;
	good &= r255_sc_is_zero(z) == 1 && r255_sc_is_zero(one) == 0;
	/* l reduces to 0; 0 inverts to 0; (l - 1)^2 = 1 */
	r255_sc_add(got, l_bytes, z);
	good &= r255_sc_is_zero(got);
	r255_sc_invert(got, z);
	good &= r255_sc_is_zero(got);
	memcpy(s, l_bytes, 32);
	s[0]--;
	r255_sc_mul(got, s, s);
	good &= !memcmp(got, one, 32);
	r255_sc_sub(got, z, one);
	good &= !memcmp(got, s, 32);
	r255_sc_add(got, s, one);
	good &= r255_sc_is_zero(got);
	crypto_core_ristretto255_scalar_invert(want, s);
	r255_sc_invert(got, s);
	good &= !memcmp(got, want, 32);
	ok(good, "scalar edges: l-1, l, l+1, 2^255, 2^256-1, 0 (canonical, zero, inverse, wrap)",
	   15);
}

/* Outputs may overwrite inputs; a refused encoding leaves the identity. */
static void test_aliasing(int n)
{
	struct r255_point a, b, c;
	u8 s[32], t[32], p[32], q[32], want[32], got[32];
	int i, good = 1;

	for (i = 0; i < n; i++) {
		crypto_core_ristretto255_scalar_random(s);
		crypto_core_ristretto255_scalar_random(t);
		crypto_core_ristretto255_random(p);
		crypto_core_ristretto255_random(q);
		if (r255_decode(&a, p) || r255_decode(&b, q))
			good = 0;
		r255_scalarmult(&c, s, &a);
		r255_scalarmult(&a, s, &a);
		good &= !memcmp(&a, &c, sizeof(a));
		r255_add(&c, &a, &b);
		r255_add(&a, &a, &b);
		good &= !memcmp(&a, &c, sizeof(a));
		r255_add(&c, &b, &a);
		r255_add(&a, &b, &a);
		good &= !memcmp(&a, &c, sizeof(a));
		r255_sc_mul(want, s, t);
		memcpy(got, s, 32);
		r255_sc_mul(got, got, t);
		good &= !memcmp(want, got, 32);
		r255_sc_add(want, s, t);
		memcpy(got, t, 32);
		r255_sc_add(got, s, got);
		good &= !memcmp(want, got, 32);
		r255_sc_sub(want, s, t);
		memcpy(got, s, 32);
		r255_sc_sub(got, got, t);
		good &= !memcmp(want, got, 32);
		r255_sc_invert(want, s);
		memcpy(got, s, 32);
		r255_sc_invert(got, got);
		good &= !memcmp(want, got, 32);
		p[0] |= 1;			/* negative: refused */
		if (r255_decode(&a, p) != -EINVAL || !r255_is_identity(&a))
			good = 0;
		r255_encode(got, &a);
		good &= sodium_is_zero(got, 32);
	}
	ok(good, "outputs over inputs; a refused encoding decodes to the identity",
	   n);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;

	if (sodium_init() < 0) {
		printf("Bail out! sodium_init failed\n");
		return 1;
	}
	ok(pmhs_r255_selftest() == 0,
	   "pmhs_r255_selftest (RFC 9496 appendix A, comb table)", 16 * 3 + 29 + 7 + 8 + 2);
	test_decode_edges();
	test_decode(4 * n);
	test_from_hash(2 * n);
	test_scalarmult(n);
	test_scalarmult_base(2 * n);
	test_scalar_edges();
	test_add(2 * n);
	test_scalars(4 * n);
	test_scalar_edges2();
	test_aliasing(n / 4);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
