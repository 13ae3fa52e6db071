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

/* 64 hex digits and a newline (or CRLF); a byte more tells "too long". */
#define KEY_FILE_READ	(2 * PMHS_X25519_LEN + 3)

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

/* @buf's key, or -EBADMSG and why; never quotes the file's bytes (a secret). */
static int parse_key(const char *path, const char *buf, size_t len, bool more,
		     uint8_t priv[PMHS_X25519_LEN], char *err, size_t err_len)
{
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (len != 2 * PMHS_X25519_LEN) {
		errf("%s is not an X25519 key file: it must hold 64 hex digits (a raw private "
		     "key, as `pmhs-ctl noise genkey` writes), not %s%zu characters", path,
		     more ? "at least " : "", len);
		return -EBADMSG;
	}
	for (size_t i = 0; i < len; i++) {
		if (pmhs_hex_val((unsigned char)buf[i]) < 0) {
			errf("%s is not an X25519 key file: character %zu is not a hex digit",
			     path, i + 1);
			return -EBADMSG;
		}
	}
	for (size_t i = 0; i < PMHS_X25519_LEN; i++)
		priv[i] = (uint8_t)(pmhs_hex_val((unsigned char)buf[2 * i]) << 4 |
				    pmhs_hex_val((unsigned char)buf[2 * i + 1]));
	return 0;
}

PMHS_API int pmhs_x25519_load_file(const char *path, uint8_t priv[PMHS_X25519_LEN],
				   char *err, size_t err_len)
{
	char buf[KEY_FILE_READ + 1];
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd, e, ret;

	if (!path || !priv) {
		errf("pmhs_x25519_load_file: invalid argument");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		errf("cannot read %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errf("%s is not a regular file, so not a key file", path);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	/* A private key others could read is compromised: refuse, say how to fix. */
	if (st.st_mode & 077) {
		close(fd);
		errf("%s: mode %04o lets others at the private key; if nobody else has read "
		     "it, run: chmod 600 %s (else make a new key)", path,
		     (unsigned int)(st.st_mode & 07777), path);
		return -EACCES;
	}
	while (got < sizeof(buf) && (r = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			explicit_bzero(buf, sizeof(buf));
			errf("cannot read %s: %s", path, strerror(e));
			return -e;
		}
		got += (size_t)r;
	}
	close(fd);
	/* A full buffer: the file may go on. */
	ret = parse_key(path, buf, got, got == sizeof(buf), priv, err, err_len);
	explicit_bzero(buf, sizeof(buf));
	if (ret)
		explicit_bzero(priv, PMHS_X25519_LEN);
	return ret;
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
