// SPDX-License-Identifier: GPL-2.0
/*
 * HiveMind's Noise PSK from a password, derived here and never in the
 * kernel: argon2id (libargon2) or PBKDF2-HMAC-SHA256 (OpenSSL).
 */
#include <errno.h>
#include <string.h>

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "internal.h"

/* HiveMind v3's argon2id parameters. */
#define PSK_T_COST	3
#define PSK_M_COST	65536	/* KiB */
#define PSK_LANES	1

/* SHA-256(@node_id), or without one the constant PMHS_NOISE_PSK_SALT itself. */
static const void *psk_salt(const void *node_id, size_t node_id_len,
			    uint8_t buf[SHA256_DIGEST_LENGTH], size_t *len)
{
	if (!node_id) {
		*len = strlen(PMHS_NOISE_PSK_SALT);
		return PMHS_NOISE_PSK_SALT;
	}
	SHA256(node_id, node_id_len, buf);
	*len = SHA256_DIGEST_LENGTH;
	return buf;
}

PMHS_API int pmhs_noise_psk_argon2id(const void *password, size_t len, const void *node_id,
				     size_t node_id_len, uint8_t psk[32])
{
	uint8_t buf[SHA256_DIGEST_LENGTH];
	const void *salt;
	size_t salt_len;
	int ret;

	if ((!password && len) || (!node_id && node_id_len) || !psk || len > UINT32_MAX)
		return -EINVAL;
	salt = psk_salt(node_id, node_id_len, buf, &salt_len);
	ret = argon2id_hash_raw(PSK_T_COST, PSK_M_COST, PSK_LANES, password ? password : "",
				len, salt, salt_len, psk, 32);
	if (ret == ARGON2_OK)
		return 0;
	explicit_bzero(psk, 32);
	return ret == ARGON2_MEMORY_ALLOCATION_ERROR ? -ENOMEM : -EINVAL;
}

PMHS_API int pmhs_noise_psk_pbkdf2(const void *password, size_t len, const void *node_id,
				   size_t node_id_len, uint32_t iterations, uint8_t psk[32])
{
	uint8_t buf[SHA256_DIGEST_LENGTH];
	const void *salt;
	size_t salt_len;

	if ((!password && len) || (!node_id && node_id_len) || !psk || !iterations ||
	    iterations > INT32_MAX || len > INT32_MAX)
		return -EINVAL;
	salt = psk_salt(node_id, node_id_len, buf, &salt_len);
	if (PKCS5_PBKDF2_HMAC(password ? password : "", (int)len, salt, (int)salt_len,
			      (int)iterations, EVP_sha256(), 32, psk) != 1) {
		explicit_bzero(psk, 32);
		return -ENOMEM;
	}
	return 0;
}
