// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* renameat2, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
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
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "keyfile.h"
#include "pmhs-ctl.h"

#define errf(...) snprintf(err, err_len, __VA_ARGS__)

int kf_exit_code(int status)
{
	switch (status) {
	case KF_OK:
		return PMHS_EXIT_OK;
	case KF_ENOENT:
		return PMHS_EXIT_NOTFOUND;
	case KF_EACCES:
		return PMHS_EXIT_PERM;
	default:
		return PMHS_EXIT_FAIL;
	}
}

static int errno_status(int e)
{
	if (e == ENOENT || e == ENOTDIR)
		return KF_ENOENT;
	if (e == EACCES || e == EPERM || e == EROFS)
		return KF_EACCES;
	if (e == EEXIST)
		return KF_EEXIST;
	return KF_EIO;
}

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
		return errno_status(e);
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		errf("%s is a directory, not a key file", path);
		return KF_EIO;
	}
	buf = malloc(KF_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		errf("out of memory");
		return KF_EIO;
	}
	/* Read one byte past the limit to tell "too big" from "exactly full". */
	while (got <= KF_MAX_FILE && (r = read(fd, buf + got, KF_MAX_FILE + 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			OPENSSL_clear_free(buf, KF_MAX_FILE + 1);
			errf("cannot read %s: %s", path, strerror(e));
			return errno_status(e);
		}
		got += (size_t)r;
	}
	close(fd);
	if (got > KF_MAX_FILE) {
		OPENSSL_clear_free(buf, KF_MAX_FILE + 1);
		errf("%s is too big to be a key file (more than %d bytes)", path, KF_MAX_FILE);
		return KF_ECORRUPT;
	}
	*out = buf;
	*out_len = got;
	return KF_OK;
}

static void free_file(char *buf)
{
	OPENSSL_clear_free(buf, KF_MAX_FILE + 1);
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
		return KF_OK;
	if (ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE)
		errf("%s is not a PEM or DER key file: no \"-----BEGIN\" line%s", path,
		     len ? "" : " (the file is empty)");
	else
		errf("%s is not a valid PEM file: %s", path, ssl_reason());
	return KF_ECORRUPT;
}

/* Labels that are keys of the wrong kind get a message that says so. */
static int wrong_label(const char *path, const char *name, bool want_private,
		       char *err, size_t err_len)
{
	if (!strcmp(name, "ENCRYPTED PRIVATE KEY")) {
		errf("%s is encrypted with a passphrase; pmhs needs an unencrypted key "
		     "(decrypt a copy: openssl pkey -in %s -out NEW-FILE, and keep it mode 0600)",
		     path, path);
		return KF_EENCRYPTED;
	}
	/* `openssl ecparam -genkey` puts the parameters before the key. */
	if (!strcmp(name, "EC PARAMETERS"))
		name = "EC PRIVATE KEY";
	if (!strcmp(name, "EC PRIVATE KEY") || !strcmp(name, "DSA PRIVATE KEY")) {
		errf("%s holds an %.*s key; pmhs needs an RSA key (pmhs-ctl genkey makes one)",
		     path, (int)(strchr(name, ' ') - name), name);
		return KF_ENOTRSA;
	}
	if (!strcmp(name, "OPENSSH PRIVATE KEY")) {
		errf("%s is in OpenSSH's own format; pmhs needs PEM (PKCS#1 or PKCS#8)", path);
		return KF_ENOTRSA;
	}
	if (!strcmp(name, "CERTIFICATE")) {
		errf("%s is a certificate, not a key (its public key: openssl x509 -in %s -pubkey -noout)",
		     path, path);
		return KF_ENOTRSA;
	}
	if (want_private && (!strcmp(name, "PUBLIC KEY") || !strcmp(name, "RSA PUBLIC KEY"))) {
		errf("%s holds a public key; this needs the private key", path);
		return KF_ENOTRSA;
	}
	errf("%s holds a PEM \"%s\", not an RSA key", path, name);
	return KF_ENOTRSA;
}

/* RSA, sized 1024..4096, and internally consistent. */
static int check_rsa(const char *path, EVP_PKEY *pkey, bool private, char *err, size_t err_len)
{
	EVP_PKEY_CTX *ctx;
	int bits, ok;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		errf("%s holds an %s key; pmhs needs a plain RSA key (pmhs-ctl genkey makes one)",
		     path, EVP_PKEY_get0_type_name(pkey) ?: "unknown");
		return KF_ENOTRSA;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < KF_MIN_BITS || bits > KF_MAX_BITS) {
		errf("%s holds a %d-bit RSA key; pmhs takes %d to %d bits", path, bits,
		     KF_MIN_BITS, KF_MAX_BITS);
		return KF_EBITS;
	}
	/* A bit flip that still parses must not become a silently wrong key. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	ERR_clear_error();
	ok = ctx && (private ? EVP_PKEY_check(ctx) : EVP_PKEY_public_check(ctx)) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		errf("%s holds an inconsistent RSA key (%s)", path, ssl_reason());
		return KF_ECORRUPT;
	}
	return KF_OK;
}

static int fill_public(EVP_PKEY *pkey, struct kf_public *pub)
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(pkey, &der);

	if (len <= 0)
		return KF_EIO;
	pub->spki = malloc((size_t)len);
	if (!pub->spki) {
		OPENSSL_free(der);
		return KF_EIO;
	}
	memcpy(pub->spki, der, (size_t)len);
	OPENSSL_free(der);
	pub->spki_len = (size_t)len;
	pub->bits = EVP_PKEY_get_bits(pkey);
	return KF_OK;
}

static int fill_private(EVP_PKEY *pkey, struct kf_private *key)
{
	unsigned char *der = NULL;
	int len;

	memset(key, 0, sizeof(*key));
	/* For an RSA key, i2d_PrivateKey writes the PKCS#1 RSAPrivateKey. */
	len = i2d_PrivateKey(pkey, &der);
	if (len <= 0)
		return KF_EIO;
	key->der = der;
	key->der_len = (size_t)len;
	if (fill_public(pkey, &key->pub)) {
		kf_private_free(key);
		return KF_EIO;
	}
	return KF_OK;
}

void kf_private_free(struct kf_private *key)
{
	if (key->der)
		OPENSSL_clear_free(key->der, key->der_len);
	kf_public_free(&key->pub);
	memset(key, 0, sizeof(*key));
}

void kf_public_free(struct kf_public *pub)
{
	free(pub->spki);
	memset(pub, 0, sizeof(*pub));
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

static void warn_mode(const char *path, const struct stat *st)
{
	if (S_ISREG(st->st_mode) && (st->st_mode & 077))
		fprintf(stderr, "%s: warning: private key %s is readable by others (mode %04o); "
			"run: chmod 600 %s\n", prog, path, st->st_mode & 07777, path);
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
		return KF_ECORRUPT;
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

/* Parse @path (DER, or its first PEM block) into a checked RSA key. */
static int load_pkey(const char *path, bool want_private, EVP_PKEY **out,
		     char *err, size_t err_len)
{
	struct pem_block b;
	struct stat st;
	bool priv;
	size_t len;
	char *buf;
	int ret;

	ret = read_small_file(path, &buf, &len, &st, err, err_len);
	if (ret)
		return ret;
	/* DER starts with a SEQUENCE tag; PEM is text. */
	if (len && (unsigned char)buf[0] == 0x30) {
		ret = load_der(path, (const unsigned char *)buf, len, want_private, out, &priv,
			       err, err_len);
		free_file(buf);
		if (!ret && priv)
			warn_mode(path, &st);
		return ret;
	}
	ret = first_pem_block(path, buf, len, &b, err, err_len);
	free_file(buf);
	if (ret)
		return ret;
	priv = !strcmp(b.name, "RSA PRIVATE KEY") || !strcmp(b.name, "PRIVATE KEY");
	if (!priv && (want_private || (strcmp(b.name, "PUBLIC KEY") &&
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
		ret = KF_ECORRUPT;
		goto out;
	}
	ret = check_rsa(path, *out, priv, err, err_len);
	if (ret) {
		EVP_PKEY_free(*out);
		*out = NULL;
		goto out;
	}
	if (priv)
		warn_mode(path, &st);
out:
	pem_block_free(&b);
	return ret;
}

int kf_load_private(const char *path, struct kf_private *key, char *err, size_t err_len)
{
	EVP_PKEY *pkey = NULL;
	int ret;

	memset(key, 0, sizeof(*key));
	ret = load_pkey(path, true, &pkey, err, err_len);
	if (ret)
		return ret;
	ret = fill_private(pkey, key);
	EVP_PKEY_free(pkey);
	if (ret)
		errf("%s: cannot re-encode the key", path);
	return ret;
}

int kf_load_public(const char *path, struct kf_public *pub, char *err, size_t err_len)
{
	EVP_PKEY *pkey = NULL;
	int ret;

	memset(pub, 0, sizeof(*pub));
	ret = load_pkey(path, false, &pkey, err, err_len);
	if (ret)
		return ret;
	ret = fill_public(pkey, pub);
	EVP_PKEY_free(pkey);
	if (ret)
		errf("%s: cannot encode the public key", path);
	return ret;
}

int kf_public_from_spki(const uint8_t *spki, size_t len, struct kf_public *pub,
			char *err, size_t err_len)
{
	const unsigned char *p = spki;
	EVP_PKEY *pkey;
	int ret;

	memset(pub, 0, sizeof(*pub));
	pkey = d2i_PUBKEY(NULL, &p, (long)len);
	if (!pkey || p != spki + len) {
		EVP_PKEY_free(pkey);
		errf("not a SubjectPublicKeyInfo");
		return KF_ECORRUPT;
	}
	ret = check_rsa("the key", pkey, false, err, err_len);
	if (!ret)
		ret = fill_public(pkey, pub);
	EVP_PKEY_free(pkey);
	return ret;
}

char *kf_public_pem(const struct kf_public *pub)
{
	char *b64 = kf_b64_encode(pub->spki, pub->spki_len), *pem;
	size_t len, n = 0;

	if (!b64)
		return NULL;
	len = strlen(b64);
	/* 64 columns, as PEM_write_PUBKEY does, so the output diffs cleanly. */
	pem = malloc(len + len / 64 + 64);
	if (pem) {
		n += (size_t)sprintf(pem, "-----BEGIN PUBLIC KEY-----\n");
		for (size_t i = 0; i < len; i += 64)
			n += (size_t)sprintf(pem + n, "%.64s\n", b64 + i);
		sprintf(pem + n, "-----END PUBLIC KEY-----\n");
	}
	free(b64);
	return pem;
}

void kf_fingerprint(const struct kf_public *pub, uint8_t fp[KF_FP_LEN])
{
	EVP_Digest(pub->spki, pub->spki_len, fp, NULL, EVP_sha256(), NULL);
}

void kf_fp_hex(const uint8_t fp[KF_FP_LEN], char out[KF_FP_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < KF_FP_LEN; i++) {
		out[2 * i] = digits[fp[i] >> 4];
		out[2 * i + 1] = digits[fp[i] & 0xf];
	}
	out[2 * KF_FP_LEN] = '\0';
}

void kf_fp_short(const uint8_t fp[KF_FP_LEN], char out[KF_FP_SHORT_LEN])
{
	unsigned char b64[48];
	int n = EVP_EncodeBlock(b64, fp, KF_FP_LEN);

	/* As ssh-keygen -l prints it: unpadded. */
	while (n > 0 && b64[n - 1] == '=')
		n--;
	snprintf(out, KF_FP_SHORT_LEN, "SHA256:%.*s", n, b64);
}

char *kf_b64_encode(const uint8_t *in, size_t len)
{
	char *out;

	if (len > INT_MAX / 2)
		return NULL;
	out = malloc(4 * ((len + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

int kf_b64_decode(const char *in, uint8_t **out, size_t *out_len)
{
	size_t len = strlen(in), pad = 0;
	int n;

	if (!len || len % 4 || len > INT_MAX / 2)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '=' ? i < len - 2 : !(c == '+' || c == '/' || (c >= '0' && c <= '9') ||
					      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return -1;
	}
	pad = (in[len - 1] == '=') + (in[len - 2] == '=');
	if (in[len - 1] != '=' && in[len - 2] == '=')
		return -1;
	*out = malloc(len / 4 * 3);
	if (!*out)
		return -1;
	n = EVP_DecodeBlock(*out, (const unsigned char *)in, (int)len);
	if (n < 0) {
		free(*out);
		return -1;
	}
	*out_len = (size_t)n - pad;
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* rename() that fails with EEXIST instead of replacing: a key is precious. */
static int rename_noreplace(const char *from, const char *to)
{
	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* Filesystems without RENAME_NOREPLACE: link() also refuses to replace. */
	if (link(from, to))
		return -1;
	unlink(from);
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int kf_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    bool overwrite, char *err, size_t err_len)
{
	char tmp[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
	int fd, e;

	/* dirname() may return a static "." instead of editing its argument. */
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	snprintf(base, sizeof(base), "%s", path);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(base)) >=
	    (int)sizeof(tmp)) {
		errf("%s: path too long", path);
		return KF_EIO;
	}
	/* mkostemp: O_CREAT|O_EXCL, mode 0600 from the first byte on. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		errf("cannot create a file in %s: %s", dir, strerror(e));
		return errno_status(e);
	}
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd)) {
		e = errno;
		goto fail;
	}
	if (overwrite ? rename(tmp, path) : rename_noreplace(tmp, path)) {
		e = errno;
		goto fail;
	}
	/* The rename itself must survive a crash, or the old file comes back. */
	if (fsync_dir(dir)) {
		errf("%s written, but syncing %s failed: %s", path, dir, strerror(errno));
		return KF_EIO;
	}
	return KF_OK;
fail:
	unlink(tmp);
	if (e == EEXIST)
		errf("%s already exists; not overwriting it", path);
	else
		errf("cannot write %s: %s", path, strerror(e));
	return errno_status(e);
}

int kf_generate(const char *path, int bits, bool overwrite, struct kf_private *key,
		char *err, size_t err_len)
{
	EVP_PKEY *pkey;
	BIO *bio = NULL;
	char *pem;
	long len;
	int ret = KF_EIO;

	if (bits != 2048 && bits != 3072 && bits != 4096) {
		errf("cannot generate a %d-bit key: choose 2048, 3072 or 4096", bits);
		return KF_EBITS;
	}
	/* EVP_RSA_gen() uses e = 65537. */
	pkey = EVP_RSA_gen((unsigned int)bits);
	if (!pkey) {
		errf("RSA key generation failed: %s", ssl_reason());
		return KF_EIO;
	}
	/* secmem BIO: the PEM text is wiped when the BIO is freed. */
	bio = BIO_new(BIO_s_secmem());
	if (!bio || !PEM_write_bio_PrivateKey_traditional(bio, pkey, NULL, NULL, 0, NULL, NULL)) {
		errf("cannot encode the new key: %s", ssl_reason());
		goto out;
	}
	len = BIO_get_mem_data(bio, &pem);
	ret = kf_write_atomic(path, pem, (size_t)len, 0600, overwrite, err, err_len);
	if (!ret && key)
		ret = fill_private(pkey, key);
out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return ret;
}

/* <path>.bak, or .bak.1 ... when a backup is already there: keep them all. */
static int backup(const char *path, char *bak, size_t bak_len)
{
	for (int i = 0; i < 100; i++) {
		if (i)
			snprintf(bak, bak_len, "%s.bak.%d", path, i);
		else
			snprintf(bak, bak_len, "%s.bak", path);
		if (!link(path, bak))
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static void shout_regenerated(const char *path, const char *why, const char *bak,
			      const struct kf_private *key)
{
	uint8_t fp[KF_FP_LEN];
	char fps[KF_FP_SHORT_LEN];

	kf_fingerprint(&key->pub, fp);
	kf_fp_short(fp, fps);
	fprintf(stderr,
		"%s: WARNING: ******************************************************\n"
		"%s: WARNING: %s\n"
		"%s: WARNING: The damaged file was moved to %s and a NEW %d-bit key\n"
		"%s: WARNING: was generated in %s: %s\n"
		"%s: WARNING: Peers that pinned the old key will refuse this one until\n"
		"%s: WARNING: they re-pin it. Use --no-regenerate to make this an error.\n"
		"%s: WARNING: ******************************************************\n",
		prog, prog, why, prog, bak, key->pub.bits, prog, path, fps, prog, prog, prog);
}

int kf_load_or_create(const char *path, int bits, unsigned int flags, struct kf_private *key,
		      enum kf_outcome *outcome, char *err, size_t err_len)
{
	char why[512], bak[PATH_MAX + 16];
	int ret;

	ret = kf_load_private(path, key, why, sizeof(why));
	if (!ret) {
		*outcome = KF_LOADED;
		return KF_OK;
	}
	if (ret == KF_ENOENT) {
		*outcome = KF_CREATED;
		return kf_generate(path, bits, false, key, err, err_len);
	}
	if (ret != KF_ECORRUPT) {
		errf("%s", why);
		return ret;
	}
	if (flags & KF_NO_REGENERATE) {
		errf("%s; not replacing it (--no-regenerate): restore it from a backup, "
		     "or move it away to have a new key made", why);
		return ret;
	}
	if (backup(path, bak, sizeof(bak))) {
		errf("%s, and backing it up to %s failed (%s): not replacing it",
		     why, bak, strerror(errno));
		return errno_status(errno);
	}
	ret = kf_generate(path, bits, true, key, err, err_len);
	if (ret)
		return ret;
	*outcome = KF_REGENERATED;
	shout_regenerated(path, why, bak, key);
	return KF_OK;
}
