/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_SHA512_H
#define _PMHS_SHA512_H

#include <linux/types.h>

#define PMHS_SHA512_LEN		64

/* One piece of a message hashed as the concatenation of several. */
struct pmhs_buf {
	const void *p;
	size_t len;
};

int pmhs_sha512(const u8 *data, size_t len, u8 out[PMHS_SHA512_LEN]);
/* SHA-512 of v[0] || ... || v[n - 1]. */
int pmhs_sha512_v(const struct pmhs_buf *v, unsigned int n,
		  u8 out[PMHS_SHA512_LEN]);
int pmhs_hmac_sha512(const u8 *key, size_t keylen, const u8 *msg, size_t len,
		     u8 out[PMHS_SHA512_LEN]);
int pmhs_hmac_sha512_v(const u8 *key, size_t keylen,
		       const struct pmhs_buf *v, unsigned int n,
		       u8 out[PMHS_SHA512_LEN]);
/* HKDF-SHA512 (RFC 5869); expand takes outlen <= 255 * 64. */
int pmhs_hkdf_sha512_extract(const u8 *salt, size_t saltlen, const u8 *ikm,
			     size_t ikmlen, u8 prk[PMHS_SHA512_LEN]);
/* The info is the concatenation of @info[0..n - 1]. */
int pmhs_hkdf_sha512_expand_v(const u8 prk[PMHS_SHA512_LEN],
			      const struct pmhs_buf *info, unsigned int n,
			      u8 *out, size_t outlen);
int pmhs_hkdf_sha512_expand(const u8 prk[PMHS_SHA512_LEN], const u8 *info,
			    size_t infolen, u8 *out, size_t outlen);

int pmhs_sha512_init(void);
/* The sha512 driver in use, for the self-test's report. */
const char *pmhs_sha512_driver(void);
void pmhs_sha512_uninit(void);
/* Known answers (FIPS 180-2, RFC 4231, RFC 5869 style): 0 or -errno. */
int pmhs_sha512_selftest(void);

#endif /* _PMHS_SHA512_H */
