/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, strict, bounded DER reader and the few encoders pmhs needs
 * for RSA keys. Only single-byte tags and definite, minimal lengths of
 * up to four bytes are accepted.
 */
#ifndef _PMHS_DER_H
#define _PMHS_DER_H

#include <linux/types.h>

#define PMHS_DER_INTEGER	0x02
#define PMHS_DER_BIT_STRING	0x03
#define PMHS_DER_OCTET_STRING	0x04
#define PMHS_DER_NULL		0x05
#define PMHS_DER_OID		0x06
#define PMHS_DER_SEQUENCE	0x30

/* A window onto DER input; reading advances p and shrinks len. */
struct pmhs_der {
	const u8 *p;
	size_t len;
};

static inline void pmhs_der_init(struct pmhs_der *d, const u8 *p, size_t len)
{
	d->p = p;
	d->len = len;
}

static inline bool pmhs_der_empty(const struct pmhs_der *d)
{
	return d->len == 0;
}

static inline bool pmhs_der_peek(const struct pmhs_der *d, u8 tag)
{
	return d->len && d->p[0] == tag;
}

int pmhs_der_read(struct pmhs_der *d, u8 tag, struct pmhs_der *val);
int pmhs_der_read_uint(struct pmhs_der *d, const u8 **mag, size_t *len);

size_t pmhs_der_hdr_len(size_t len);
u8 *pmhs_der_put_hdr(u8 *p, u8 tag, size_t len);
size_t pmhs_der_uint_len(const u8 *mag, size_t len);
u8 *pmhs_der_put_uint(u8 *p, const u8 *mag, size_t len);

#endif /* _PMHS_DER_H */
