/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_KDF_H
#define _PMHS_KDF_H

#include <linux/types.h>

int pmhs_sha256(const u8 *data, size_t len, u8 out[32]);
int pmhs_hmac_sha256(const u8 *key, size_t keylen, const u8 *msg, size_t len,
		     u8 out[32]);
/* PBKDF2-HMAC-SHA256 (RFC 8018); iterations >= 1, outlen >= 1. */
int pmhs_pbkdf2_sha256(const u8 *pw, size_t pwlen, const u8 *salt,
		       size_t saltlen, u32 iterations, u8 *out, size_t outlen);
/* HKDF-SHA256 (RFC 5869); expand takes outlen <= 255 * 32. */
int pmhs_hkdf_sha256_extract(const u8 *salt, size_t saltlen, const u8 *ikm,
			     size_t ikmlen, u8 prk[32]);
int pmhs_hkdf_sha256_expand(const u8 prk[32], const u8 *info, size_t infolen,
			    u8 *out, size_t outlen);

int pmhs_kdf_init(void);
/* The sha256 driver in use, for the self-test's report. */
const char *pmhs_kdf_driver(void);
void pmhs_kdf_uninit(void);
/* Known-answer tests: 0 or -errno. */
int pmhs_kdf_selftest(void);

#endif /* _PMHS_KDF_H */
