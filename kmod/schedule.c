// SPDX-License-Identifier: GPL-2.0
/* The key schedule from a handshake secret to traffic keys. */
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat.h"
#include "kdf.h"
#include "schedule.h"

static const u8 pmhs_schedule_salt[] = "pmhs v1";

int pmhs_traffic_key(const u8 secret[32], const char *use, bool i2r,
		     u8 *key, size_t keylen, u8 *iv, size_t ivlen)
{
	char label[64];
	u8 prk[32];
	int ret, n;

	ret = pmhs_hkdf_sha256_extract(pmhs_schedule_salt,
				       sizeof(pmhs_schedule_salt) - 1,
				       secret, 32, prk);
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
