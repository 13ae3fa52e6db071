// SPDX-License-Identifier: GPL-2.0
/* The SHA-256 fingerprint of an SPKI, the name pins and identities go by. */
#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "internal.h"

PMHS_API int pmhs_fingerprint(const void *spki, size_t len, uint8_t fp[PMHS_FP_LEN])
{
	if (!spki || !len || !fp)
		return -EINVAL;
	return EVP_Digest(spki, len, fp, NULL, EVP_sha256(), NULL) == 1 ? 0 : -EIO;
}

PMHS_API void pmhs_fp_hex(const uint8_t fp[PMHS_FP_LEN], char out[PMHS_FP_HEX_LEN])
{
	pmhs_hex_encode(out, fp, PMHS_FP_LEN);
}

PMHS_API void pmhs_fp_short(const uint8_t fp[PMHS_FP_LEN], char out[PMHS_FP_SHORT_LEN])
{
	unsigned char b64[48];
	int n = EVP_EncodeBlock(b64, fp, PMHS_FP_LEN);

	/* As ssh-keygen -l prints it: unpadded. */
	while (n > 0 && b64[n - 1] == '=')
		n--;
	snprintf(out, PMHS_FP_SHORT_LEN, "SHA256:%.*s", n, b64);
}
