// SPDX-License-Identifier: GPL-2.0
/* The key schedule from a handshake secret to traffic keys. */
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat.h"
#include "kdf.h"
#include "schedule.h"

static const u8 pmhs_schedule_salt[] = "pmhs v1";
static const u8 pmhs_nonce_salt[] = "pmhs v1 nonces";

int pmhs_traffic_key(const u8 secret[32], const u8 *nonces, const char *use,
		     bool i2r, u8 *key, size_t keylen, u8 *iv, size_t ivlen)
{
	u8 salt[sizeof(pmhs_nonce_salt) - 1 + PMHS_NONCES_LEN];
	size_t saltlen;
	char label[64];
	u8 prk[32];
	int ret, n;

	if (nonces) {
		memcpy(salt, pmhs_nonce_salt, sizeof(pmhs_nonce_salt) - 1);
		memcpy(salt + sizeof(pmhs_nonce_salt) - 1, nonces, PMHS_NONCES_LEN);
		saltlen = sizeof(salt);
	} else {
		memcpy(salt, pmhs_schedule_salt, sizeof(pmhs_schedule_salt) - 1);
		saltlen = sizeof(pmhs_schedule_salt) - 1;
	}
	ret = pmhs_hkdf_sha256_extract(salt, saltlen, secret, 32, prk);
	if (ret)
		goto out;
	n = snprintf(label, sizeof(label), "pmhs %s %s key", use,
		     i2r ? "i2r" : "r2i");
	ret = pmhs_hkdf_sha256_expand(prk, (const u8 *)label, n, key, keylen);
	if (ret || !ivlen)
		goto out;
	n = snprintf(label, sizeof(label), "pmhs %s %s iv", use,
		     i2r ? "i2r" : "r2i");
	ret = pmhs_hkdf_sha256_expand(prk, (const u8 *)label, n, iv, ivlen);
out:
	memzero_explicit(prk, sizeof(prk));
	return ret;
}
