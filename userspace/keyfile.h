/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_KEYFILE_H
#define PMHS_KEYFILE_H

/*
 * RSA key files. libcrypto is used only to parse and write PEM/DER and to
 * generate keys; every handshake operation is the kernel's.
 *
 * Private keys are read as PKCS#1 "RSA PRIVATE KEY" (what poorman_handshake
 * writes) or PKCS#8 "PRIVATE KEY" (what OpenSSL writes), and handed on as
 * PKCS#1 RSAPrivateKey DER, the form the kernel's RSA takes. Public keys are
 * SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY", or derived from a private
 * key file, and handed on as SPKI DER. Sizes outside KF_MIN_BITS..KF_MAX_BITS
 * are refused here; which of those the kernel allows is its own policy
 * (allow-rsa1024).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KF_MIN_BITS	1024
#define KF_MAX_BITS	4096
#define KF_DEFAULT_BITS	2048
#define KF_MAX_FILE	(64 * 1024)	/* a 4096-bit PEM key is ~3.3 KiB */

#define KF_FP_LEN	32		/* SHA-256 of the SPKI DER */
#define KF_FP_HEX_LEN	(2 * KF_FP_LEN + 1)
#define KF_FP_SHORT_LEN	(7 + 43 + 1)	/* "SHA256:" unpadded base64, NUL */

/* Negative returns; the message in err says which file and what to do. */
enum kf_status {
	KF_OK = 0,
	KF_ENOENT = -1,		/* no such file */
	KF_EACCES = -2,		/* not allowed to read or write it */
	KF_ECORRUPT = -3,	/* not PEM, bad base64/DER, inconsistent key */
	KF_EENCRYPTED = -4,	/* passphrase-protected: we never prompt */
	KF_ENOTRSA = -5,	/* EC, Ed25519, RSA-PSS-only, a certificate... */
	KF_EBITS = -6,		/* RSA, but outside KF_MIN_BITS..KF_MAX_BITS */
	KF_EEXIST = -7,		/* would overwrite and was told not to */
	KF_EIO = -8,		/* anything else the OS said */
};

struct kf_public {
	uint8_t *spki;		/* SubjectPublicKeyInfo DER */
	size_t spki_len;
	int bits;
};

struct kf_private {
	uint8_t *der;		/* PKCS#1 RSAPrivateKey DER, wiped when freed */
	size_t der_len;
	struct kf_public pub;
};

int kf_load_private(const char *path, struct kf_private *key, char *err, size_t err_len);
void kf_private_free(struct kf_private *key);

/* @path may hold a public or a private key. */
int kf_load_public(const char *path, struct kf_public *pub, char *err, size_t err_len);
/* Validate and copy an SPKI DER (e.g. from the pin store). */
int kf_public_from_spki(const uint8_t *spki, size_t len, struct kf_public *pub,
			char *err, size_t err_len);
void kf_public_free(struct kf_public *pub);
/* SPKI PEM ("-----BEGIN PUBLIC KEY-----"), malloc()ed, NUL-terminated. */
char *kf_public_pem(const struct kf_public *pub);

/* New RSA key (e = 65537) written as PKCS#1 PEM, mode 0600. @key may be NULL. */
int kf_generate(const char *path, int bits, bool overwrite, struct kf_private *key,
		char *err, size_t err_len);

/*
 * The reference's key file behaviour: load @path; create it if missing; if
 * it is corrupt, move it to <path>.bak (.bak.1 ... if taken), generate a new
 * key and say so loudly on stderr, unless KF_NO_REGENERATE makes that an
 * error. Encrypted, non-RSA and wrong-size keys are never replaced: those
 * are somebody's deliberate choice, not bit rot.
 */
enum { KF_NO_REGENERATE = 1 };
enum kf_outcome { KF_LOADED, KF_CREATED, KF_REGENERATED };
int kf_load_or_create(const char *path, int bits, unsigned int flags, struct kf_private *key,
		      enum kf_outcome *outcome, char *err, size_t err_len);

void kf_fingerprint(const struct kf_public *pub, uint8_t fp[KF_FP_LEN]);
void kf_fp_hex(const uint8_t fp[KF_FP_LEN], char out[KF_FP_HEX_LEN]);
void kf_fp_short(const uint8_t fp[KF_FP_LEN], char out[KF_FP_SHORT_LEN]);

/* Base64 without line breaks; decode is strict. malloc()ed results. */
char *kf_b64_encode(const uint8_t *in, size_t len);
int kf_b64_decode(const char *in, uint8_t **out, size_t *out_len);

/*
 * Write @data to @path atomically: a temporary file in the same directory,
 * created O_EXCL with mode 0600 so no one can open it in between, chmod to
 * @mode, fsync, rename (or, without @overwrite, a no-replace rename that
 * fails if @path exists), fsync of the directory.
 */
int kf_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    bool overwrite, char *err, size_t err_len);

/* PMHS_EXIT_* for a kf_status. */
int kf_exit_code(int status);

#endif
