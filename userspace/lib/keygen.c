// SPDX-License-Identifier: GPL-2.0
/* New RSA keys, written as PKCS#1 PEM with an atomic 0600 write. */
#include <errno.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "internal.h"

PMHS_API int pmhs_key_generate(const char *path, unsigned int bits, unsigned int flags,
			       struct pmhs_key *key, char *err, size_t err_len)
{
	const char *why;
	EVP_PKEY *pkey;
	BIO *bio = NULL;
	char *pem;
	long len;
	int ret = -EIO;

	if (!path || (key && !PMHS_SIZE_OK(key, sizeof(*key))) ||
	    (flags & ~PMHS_WRITE_REPLACE)) {
		pmhs_errf(err, err_len, "invalid argument");
		return -EINVAL;
	}
	if (bits != 2048 && bits != 3072 && bits != 4096) {
		pmhs_errf(err, err_len, "cannot generate a %u-bit key: choose 2048, 3072 or 4096",
			  bits);
		return -ERANGE;
	}
	if (key) {
		memset(key, 0, sizeof(*key));
		key->size = sizeof(*key);
	}
	/* EVP_RSA_gen() uses e = 65537. */
	pkey = EVP_RSA_gen(bits);
	if (!pkey) {
		why = ERR_reason_error_string(ERR_peek_last_error());
		pmhs_errf(err, err_len, "RSA key generation failed: %s", why ?: "unknown reason");
		return -EIO;
	}
	/* secmem BIO: the PEM text is wiped when the BIO is freed. */
	bio = BIO_new(BIO_s_secmem());
	if (!bio || !PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0, NULL, NULL)) {
		why = ERR_reason_error_string(ERR_peek_last_error());
		pmhs_errf(err, err_len, "cannot encode the new key: %s", why ?: "unknown reason");
		goto out;
	}
	len = BIO_get_mem_data(bio, &pem);
	ret = pmhs_write_atomic(path, pem, (size_t)len, 0600, flags, err, err_len);
	if (!ret && key) {
		ret = pmhs_key_fill(pkey, true, key);
		if (!ret)
			key->file_mode = 0600;
	}
out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return ret;
}
