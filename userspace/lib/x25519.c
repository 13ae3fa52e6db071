// SPDX-License-Identifier: GPL-2.0
/*
 * X25519 static keys for the noise mode, no module needed: generation,
 * the public half, the SPKI wrapping for pins and fingerprints, and the
 * key file format of upstream's NoiseHandShake (64 hex digits, mode 0600).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"

#define errf(...) pmhs_errf(err, err_len, __VA_ARGS__)

/* id-X25519 (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.110 }, BIT STRING (32 bytes) } */
static const uint8_t spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
};

PMHS_API int pmhs_x25519_generate(uint8_t priv[PMHS_X25519_LEN])
{
	size_t got = 0;
	ssize_t r;

	if (!priv)
		return -EINVAL;
	while (got < PMHS_X25519_LEN) {
		r = getrandom(priv + got, PMHS_X25519_LEN - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			explicit_bzero(priv, PMHS_X25519_LEN);
			return (int)r;
		}
		got += (size_t)r;
	}
	/* Clamped as RFC 7748 uses it, so the file is what `wg genkey` would write. */
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	return 0;
}

PMHS_API int pmhs_x25519_public(const uint8_t priv[PMHS_X25519_LEN],
				uint8_t pub[PMHS_X25519_LEN])
{
	size_t len = PMHS_X25519_LEN;
	EVP_PKEY *pkey;
	int ret = 0;

	if (!priv || !pub)
		return -EINVAL;
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, PMHS_X25519_LEN);
	if (!pkey)
		return -ENOMEM;
	if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 || len != PMHS_X25519_LEN)
		ret = -EIO;
	EVP_PKEY_free(pkey);
	return ret;
}

PMHS_API void pmhs_x25519_spki(const uint8_t pub[PMHS_X25519_LEN],
			       uint8_t spki[PMHS_X25519_SPKI_LEN])
{
	memcpy(spki, spki_prefix, sizeof(spki_prefix));
	memcpy(spki + sizeof(spki_prefix), pub, PMHS_X25519_LEN);
}

static const struct pmhs_hexfile key_file = {
	.kind = "an X25519 key file",
	.holds = "64 hex digits (a raw private key, as `pmhs-ctl noise genkey` writes)",
	.secret = "the private key",
	.remedy = "make a new key",
};

PMHS_API int pmhs_x25519_load_file(const char *path, uint8_t priv[PMHS_X25519_LEN],
				   char *err, size_t err_len)
{
	if (!path || !priv) {
		errf("pmhs_x25519_load_file: invalid argument");
		return -EINVAL;
	}
	return pmhs_hexfile_load(path, priv, PMHS_X25519_LEN, &key_file, err, err_len);
}

PMHS_API int pmhs_x25519_write_file(const char *path, const uint8_t priv[PMHS_X25519_LEN],
				    unsigned int flags, char *err, size_t err_len)
{
	char hex[2 * PMHS_X25519_LEN + 2];
	int ret;

	if (!path || !priv || (flags & ~PMHS_WRITE_REPLACE)) {
		errf("pmhs_x25519_write_file: invalid argument");
		return -EINVAL;
	}
	pmhs_hex_encode(hex, priv, PMHS_X25519_LEN);
	hex[2 * PMHS_X25519_LEN] = '\n';
	ret = pmhs_write_atomic(path, hex, sizeof(hex) - 1, 0600, flags, err, err_len);
	explicit_bzero(hex, sizeof(hex));
	return ret;
}
