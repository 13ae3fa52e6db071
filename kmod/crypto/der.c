// SPDX-License-Identifier: GPL-2.0
/*
 * Strict DER: anything BER allows but DER forbids (indefinite or
 * non-minimal lengths, padded integers) is rejected, and every read is
 * bounded by the enclosing window.
 */
#include <linux/errno.h>
#include <linux/string.h>

#include "der.h"

/**
 * pmhs_der_read() - read one TLV with tag @tag from @d
 * @d:   input window, advanced past the TLV on success
 * @tag: expected tag (single byte)
 * @val: set to the value octets
 *
 * Return: 0, or -EINVAL on any tag, length or bounds problem.
 */
int pmhs_der_read(struct pmhs_der *d, u8 tag, struct pmhs_der *val)
{
	size_t hdr = 2, vlen, i, nlen;

	if (d->len < 2 || d->p[0] != tag)
		return -EINVAL;
	vlen = d->p[1];
	if (vlen & 0x80) {
		nlen = vlen & 0x7f;
		/* 0x80 is BER's indefinite form; more than 4 is absurd here */
		if (nlen == 0 || nlen > 4 || d->len < 2 + nlen)
			return -EINVAL;
		/* DER: no leading zero octet, and long form only if needed */
		if (d->p[2] == 0)
			return -EINVAL;
		vlen = 0;
		for (i = 0; i < nlen; i++)
			vlen = (vlen << 8) | d->p[2 + i];
		if (vlen < 0x80)
			return -EINVAL;
		hdr += nlen;
	}
	if (vlen > d->len - hdr)
		return -EINVAL;
	val->p = d->p + hdr;
	val->len = vlen;
	d->p += hdr + vlen;
	d->len -= hdr + vlen;
	return 0;
}

/**
 * pmhs_der_read_uint() - read a non-negative, minimally encoded INTEGER
 * @d:   input window
 * @mag: set to the big-endian magnitude, without the sign octet
 * @len: set to its length; 0 for the value zero
 *
 * Return: 0, or -EINVAL for a negative or non-minimal INTEGER.
 */
int pmhs_der_read_uint(struct pmhs_der *d, const u8 **mag, size_t *len)
{
	struct pmhs_der v;
	int ret;

	ret = pmhs_der_read(d, PMHS_DER_INTEGER, &v);
	if (ret)
		return ret;
	if (v.len == 0 || (v.p[0] & 0x80))
		return -EINVAL;
	if (v.p[0] == 0) {
		if (v.len > 1 && !(v.p[1] & 0x80))
			return -EINVAL;
		v.p++;
		v.len--;
	}
	*mag = v.p;
	*len = v.len;
	return 0;
}

/* Bytes taken by the tag and length octets of a @len byte value. */
size_t pmhs_der_hdr_len(size_t len)
{
	if (len < 0x80)
		return 2;
	if (len < 0x100)
		return 3;
	if (len < 0x10000)
		return 4;
	return 5;
}

/* Write tag and length; return the position of the value. */
u8 *pmhs_der_put_hdr(u8 *p, u8 tag, size_t len)
{
	*p++ = tag;
	if (len < 0x80) {
		*p++ = len;
	} else if (len < 0x100) {
		*p++ = 0x81;
		*p++ = len;
	} else if (len < 0x10000) {
		*p++ = 0x82;
		*p++ = len >> 8;
		*p++ = len;
	} else {
		*p++ = 0x83;
		*p++ = len >> 16;
		*p++ = len >> 8;
		*p++ = len;
	}
	return p;
}

/* Strip leading zero octets; the magnitude of zero is empty. */
static void pmhs_der_trim(const u8 **mag, size_t *len)
{
	while (*len && **mag == 0) {
		(*mag)++;
		(*len)--;
	}
}

/* Encoded size of the non-negative INTEGER with magnitude @mag. */
size_t pmhs_der_uint_len(const u8 *mag, size_t len)
{
	size_t vlen;

	pmhs_der_trim(&mag, &len);
	vlen = len == 0 || (mag[0] & 0x80) ? len + 1 : len;
	return pmhs_der_hdr_len(vlen) + vlen;
}

/* Encode a non-negative INTEGER; return the position after it. */
u8 *pmhs_der_put_uint(u8 *p, const u8 *mag, size_t len)
{
	bool pad;

	pmhs_der_trim(&mag, &len);
	pad = len == 0 || (mag[0] & 0x80);
	p = pmhs_der_put_hdr(p, PMHS_DER_INTEGER, len + pad);
	if (pad)
		*p++ = 0;
	memcpy(p, mag, len);
	return p + len;
}
