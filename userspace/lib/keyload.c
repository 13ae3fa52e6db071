// SPDX-License-Identifier: GPL-2.0
/*
 * RSA key files: PEM or DER, PKCS#1 or PKCS#8 private keys, SPKI or PKCS#1
 * public keys. libcrypto only parses and encodes; every operation with the
 * key is the module's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

#define errf(...) pmhs_errf(err, err_len, __VA_ARGS__)

/* The file's bytes in a buffer the caller wipes: it may hold a private key. */
static int read_small_file(const char *path, char **out, size_t *out_len,
			   struct stat *st, char *err, size_t err_len)
{
	char *buf;
	size_t got = 0;
	ssize_t r;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, st) < 0) {
		e = errno;
		errf("cannot read %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		errf("%s is a directory, not a key file", path);
		return -EISDIR;
	}
	buf = malloc(PMHS_KEY_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		errf("out of memory");
		return -ENOMEM;
	}
	/* Read one byte past the limit to tell "too big" from "exactly full". */
	while (got <= PMHS_KEY_FILE_MAX &&
	       (r = read(fd, buf + got, PMHS_KEY_FILE_MAX + 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			OPENSSL_clear_free(buf, PMHS_KEY_FILE_MAX + 1);
			errf("cannot read %s: %s", path, strerror(e));
			return -e;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got > PMHS_KEY_FILE_MAX) {
		OPENSSL_clear_free(buf, PMHS_KEY_FILE_MAX + 1);
		errf("%s is too big to be a key file (more than %d bytes)", path, PMHS_KEY_FILE_MAX);
		return -EBADMSG;
	}
	*out = buf;
	*out_len = got;
	return 0;
}

static void free_file(char *buf)
{
	OPENSSL_clear_free(buf, PMHS_KEY_FILE_MAX + 1);
}

/* OpenSSL's own reason for the last failure, for "corrupt" messages. */
static const char *ssl_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	return r ? r : "unknown reason";
}

struct pem_block {
	char *name;
	char *header;
	unsigned char *data;
	long len;
};

static void pem_block_free(struct pem_block *b)
{
	OPENSSL_free(b->name);
	OPENSSL_free(b->header);
	OPENSSL_clear_free(b->data, b->len > 0 ? (size_t)b->len : 0);
}

static int first_pem_block(const char *path, const char *buf, size_t len,
			   struct pem_block *b, char *err, size_t err_len)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	int ok;

	memset(b, 0, sizeof(*b));
	ERR_clear_error();
	ok = bio && PEM_read_bio(bio, &b->name, &b->header, &b->data, &b->len);
	BIO_free(bio);
	if (ok)
		return 0;
	if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE)
		errf("%s is not a PEM or DER key file: no \"-----BEGIN\" line%s", path,
		     len ? "" : " (the file is empty)");
	else
		errf("%s is not a valid PEM file: %s", path, ssl_reason());
	return -EBADMSG;
}

/* Labels that are keys of the wrong kind get a message that says so. */
static int wrong_label(const char *path, const char *name, bool want_private,
		       char *err, size_t err_len)
{
	if (!strcmp(name, "ENCRYPTED PRIVATE KEY")) {
		errf("%s is encrypted with a passphrase; pmhs needs an unencrypted key "
		     "(decrypt a copy: openssl pkey -in %s -out NEW-FILE, and keep it mode 0600)",
		     path, path);
		return -ENOKEY;
	}
	/* `openssl ecparam -genkey` puts the parameters before the key. */
	if (!strcmp(name, "EC PARAMETERS"))
		name = "EC PRIVATE KEY";
	if (!strcmp(name, "EC PRIVATE KEY") || !strcmp(name, "DSA PRIVATE KEY")) {
		errf("%s holds an %.*s key; pmhs needs an RSA key (pmhs-ctl genkey makes one)",
		     path, (int)(strchr(name, ' ') - name), name);
		return -EOPNOTSUPP;
	}
	if (!strcmp(name, "OPENSSH PRIVATE KEY")) {
		errf("%s is in OpenSSH's own format; pmhs needs PEM (PKCS#1 or PKCS#8)", path);
		return -EOPNOTSUPP;
	}
	if (!strcmp(name, "CERTIFICATE")) {
		errf("%s is a certificate, not a key (its public key: openssl x509 -in %s -pubkey -noout)",
		     path, path);
		return -EOPNOTSUPP;
	}
	if (want_private && (!strcmp(name, "PUBLIC KEY") || !strcmp(name, "RSA PUBLIC KEY"))) {
		errf("%s holds a public key; this needs the private key", path);
		return -EOPNOTSUPP;
	}
	errf("%s holds a PEM \"%s\", not an RSA key", path, name);
	return -EOPNOTSUPP;
}

/* RSA, sized PMHS_KEY_MIN_BITS..PMHS_KEY_MAX_BITS, and internally consistent. */
static int check_rsa(const char *path, EVP_PKEY *pkey, bool private, char *err, size_t err_len)
{
	EVP_PKEY_CTX *ctx;
	int bits, ok;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		errf("%s holds an %s key; pmhs needs a plain RSA key (pmhs-ctl genkey makes one)",
		     path, EVP_PKEY_get0_type_name(pkey) ?: "unknown");
		return -EOPNOTSUPP;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < PMHS_KEY_MIN_BITS || bits > PMHS_KEY_MAX_BITS) {
		errf("%s holds a %d-bit RSA key; pmhs takes %d to %d bits", path, bits,
		     PMHS_KEY_MIN_BITS, PMHS_KEY_MAX_BITS);
		return -ERANGE;
	}
	/* A bit flip that still parses must not become a silently wrong key. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	ERR_clear_error();
	ok = ctx && (private ? EVP_PKEY_check(ctx) : EVP_PKEY_public_check(ctx)) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		errf("%s holds an inconsistent RSA key (%s)", path, ssl_reason());
		return -EBADMSG;
	}
	return 0;
}

static int fill_public(EVP_PKEY *pkey, struct pmhs_key *key)
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);

	if (len <= 0)
		return -EIO;
	key->spki = malloc((size_t)len);
	if (!key->spki) {
		OPENSSL_free(der);
		return -ENOMEM;
	}
	memcpy(key->spki, der, (size_t)len);
	OPENSSL_free(der);
	key->spki_len = (size_t)len;
	key->bits = (uint32_t)EVP_PKEY_get_bits(pkey);
	return 0;
}

/* The key's DER into @key: PKCS#1 RSAPrivateKey if @private, and the SPKI. */
int pmhs_key_fill(EVP_PKEY *pkey, bool private, struct pmhs_key *key)
{
	unsigned char *der = NULL;
	int len, ret;

	if (private) {
		/* For an RSA key, i2d_PrivateKey writes the PKCS#1 RSAPrivateKey. */
		len = i2d_PrivateKey(pkey, &der);
		if (len <= 0)
			return -EIO;
		key->der = der;
		key->der_len = (size_t)len;
		key->flags |= PMHS_KEY_F_PRIVATE;
	}
	ret = fill_public(pkey, key);
	if (ret)
		pmhs_key_free(key);
	return ret;
}

/*
 * DER of a block to a key, insisting the DER is the whole block. Plain d2i,
 * not PEM_read_bio_PrivateKey(): that one would prompt on the terminal for
 * the passphrase of an encrypted key, and a daemon's key must not need one.
 */
static EVP_PKEY *decode_block(const struct pem_block *b)
{
	const unsigned char *p = b->data;
	EVP_PKEY *pkey = NULL;

	if (!strcmp(b->name, "RSA PRIVATE KEY"))
		pkey = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, b->len);
	else if (!strcmp(b->name, "PRIVATE KEY"))
		pkey = d2i_AutoPrivateKey(NULL, &p, b->len);
	else if (!strcmp(b->name, "PUBLIC KEY"))
		pkey = d2i_PUBKEY(NULL, &p, b->len);
	else if (!strcmp(b->name, "RSA PUBLIC KEY"))
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, b->len);
	if (pkey && p != b->data + b->len) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

/* One DER structure that must fill the whole buffer. */
#define D2I_ALL(call, p, buf, len) \
	({ EVP_PKEY *k_ = (call); \
	   if (k_ && (p) != (buf) + (len)) { EVP_PKEY_free(k_); k_ = NULL; } k_; })

/*
 * A DER key file: PKCS#1 or PKCS#8 private key, SPKI or PKCS#1 public key
 * (what `openssl ... -outform DER` writes).
 */
static int load_der(const char *path, const unsigned char *buf, size_t len, bool want_private,
		    EVP_PKEY **out, bool *priv, char *err, size_t err_len)
{
	const unsigned char *p = buf;
	X509_SIG *enc;
	int ret;

	*priv = true;
	ERR_clear_error();
	*out = D2I_ALL(d2i_AutoPrivateKey(NULL, &p, (long)len), p, buf, len);
	if (!*out) {
		*priv = false;
		p = buf;
		*out = D2I_ALL(d2i_PUBKEY(NULL, &p, (long)len), p, buf, len);
	}
	if (!*out) {
		p = buf;
		*out = D2I_ALL(d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len), p, buf, len);
	}
	if (!*out) {
		p = buf;
		enc = d2i_X509_SIG(NULL, &p, (long)len);
		X509_SIG_free(enc);
		if (enc && p == buf + len)
			return wrong_label(path, "ENCRYPTED PRIVATE KEY", want_private, err, err_len);
		errf("%s is neither a PEM nor a DER key file (a DER structure that is not an RSA key, "
		     "or a damaged one)", path);
		return -EBADMSG;
	}
	if (want_private && !*priv) {
		EVP_PKEY_free(*out);
		*out = NULL;
		return wrong_label(path, "PUBLIC KEY", true, err, err_len);
	}
	ret = check_rsa(path, *out, *priv, err, err_len);
	if (ret) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return ret;
}

/* Parse @buf (DER, or its first PEM block) into a checked RSA key. */
static int parse_pkey(const char *path, const char *buf, size_t len, bool want_private,
		      EVP_PKEY **out, bool *priv, char *err, size_t err_len)
{
	struct pem_block b;
	int ret;

	/* DER starts with a SEQUENCE tag; PEM is text. */
	if (len && (unsigned char)buf[0] == 0x30)
		return load_der(path, (const unsigned char *)buf, len, want_private, out, priv,
				err, err_len);
	ret = first_pem_block(path, buf, len, &b, err, err_len);
	if (ret)
		return ret;
	*priv = !strcmp(b.name, "RSA PRIVATE KEY") || !strcmp(b.name, "PRIVATE KEY");
	if (!*priv && (want_private || (strcmp(b.name, "PUBLIC KEY") &&
					strcmp(b.name, "RSA PUBLIC KEY")))) {
		ret = wrong_label(path, b.name, want_private, err, err_len);
		goto out;
	}
	/* Old-style encrypted PKCS#1: "Proc-Type: 4,ENCRYPTED" in the header. */
	if (b.header && strstr(b.header, "ENCRYPTED")) {
		ret = wrong_label(path, "ENCRYPTED PRIVATE KEY", want_private, err, err_len);
		goto out;
	}
	ERR_clear_error();
	*out = decode_block(&b);
	if (!*out) {
		errf("%s: the \"%s\" block does not decode (%s): the file is damaged",
		     path, b.name, ssl_reason());
		ret = -EBADMSG;
		goto out;
	}
	ret = check_rsa(path, *out, *priv, err, err_len);
	if (ret) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
out:
	pem_block_free(&b);
	return ret;
}

/* Clear the caller's @key for a result, if its input @in and @key are usable. */
static int key_start(const void *in, struct pmhs_key *key, char *err, size_t err_len)
{
	if (!in || !PMHS_SIZE_OK(key, sizeof(*key))) {
		errf("invalid argument");
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	key->size = sizeof(*key);
	return 0;
}

static int load(const char *path, bool want_private, struct pmhs_key *key,
		char *err, size_t err_len)
{
	EVP_PKEY *pkey = NULL;
	struct stat st;
	bool priv = false;
	size_t len = 0;
	char *buf = NULL;
	int ret = key_start(path, key, err, err_len);

	if (ret)
		return ret;
	ret = read_small_file(path, &buf, &len, &st, err, err_len);
	if (ret)
		return ret;
	ret = parse_pkey(path, buf, len, want_private, &pkey, &priv, err, err_len);
	free_file(buf);
	if (ret)
		return ret;
	ret = pmhs_key_fill(pkey, want_private, key);
	EVP_PKEY_free(pkey);
	if (ret) {
		errf(want_private ? "%s: cannot re-encode the key" :
		     "%s: cannot encode the public key", path);
		return ret;
	}
	if (priv)
		key->flags |= PMHS_KEY_F_PRIVATE;
	if (S_ISREG(st.st_mode))
		key->file_mode = st.st_mode & 07777;
	return 0;
}

PMHS_API int pmhs_key_load_private(const char *path, struct pmhs_key *key,
				   char *err, size_t err_len)
{
	return load(path, true, key, err, err_len);
}

PMHS_API int pmhs_key_load_public(const char *path, struct pmhs_key *key,
				  char *err, size_t err_len)
{
	return load(path, false, key, err, err_len);
}

PMHS_API int pmhs_key_from_spki(const void *spki, size_t len, struct pmhs_key *key,
				char *err, size_t err_len)
{
	const unsigned char *p = spki;
	EVP_PKEY *pkey;
	int ret = key_start(spki, key, err, err_len);

	if (ret)
		return ret;
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (!pkey || p != (const unsigned char *)spki + len) {
		EVP_PKEY_free(pkey);
		errf("not a SubjectPublicKeyInfo");
		return -EBADMSG;
	}
	/* A Noise static key (X25519) is pinned like an RSA key (issue #20). */
	ret = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_X25519 ? 0 :
	      check_rsa("the key", pkey, false, err, err_len);
	if (!ret)
		ret = pmhs_key_fill(pkey, false, key);
	EVP_PKEY_free(pkey);
	return ret;
}

PMHS_API void pmhs_key_free(struct pmhs_key *key)
{
	uint32_t size;

	if (!key)
		return;
	size = key->size;
	if (key->der)
		OPENSSL_clear_free(key->der, key->der_len);
	free(key->spki);
	memset(key, 0, sizeof(*key));
	key->size = size;
}

PMHS_API ssize_t pmhs_spki_pem(const void *spki, size_t len, char *out, size_t out_max)
{
	char *b64;
	size_t b64_len, need, n = 0;

	if (!spki || !len || !out)
		return -EINVAL;
	b64 = pmhs_b64_encode(spki, len);
	if (!b64)
		return -ENOMEM;
	b64_len = strlen(b64);
	need = sizeof("-----BEGIN PUBLIC KEY-----\n") - 1 + b64_len + (b64_len + 63) / 64 +
	       sizeof("-----END PUBLIC KEY-----\n");
	if (need > out_max) {
		free(b64);
		return -ENOSPC;
	}
	/* 64 columns, as PEM_write_PUBKEY does, so the output diffs cleanly. */
	n += (size_t)snprintf(out, out_max, "-----BEGIN PUBLIC KEY-----\n");
	for (size_t i = 0; i < b64_len; i += 64)
		n += (size_t)snprintf(out + n, out_max - n, "%.64s\n", b64 + i);
	n += (size_t)snprintf(out + n, out_max - n, "-----END PUBLIC KEY-----\n");
	free(b64);
	return (ssize_t)n;
}
