// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libpmhs through its public header only (no module
 * needed): the codecs, the file helpers (keys, atomic writes,
 * fingerprints, the pin store) checked against OpenSSL's own encodings,
 * argument checks, and the handle without a module.
 * The plain build links libpmhs.so.0, so it also proves the exports; the
 * ASan+UBSan build links libpmhs-asan.a. TAP output.
 */
#define _GNU_SOURCE	/* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <pmhs/pmhs.h>
#include "tap.h"


static void test_hex(void)
{
	uint8_t all[256], back[256];
	char hex[2 * 256 + 1], err[128];
	ssize_t r;

	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	pmhs_hex_encode(hex, all, sizeof(all));
	ok(strlen(hex) == 512 && !strncmp(hex, "000102", 6) && !strcmp(hex + 506, "fdfeff"),
	   "hex: every byte value encodes lowercase");
	r = pmhs_hex_decode(back, sizeof(back), hex, strlen(hex), err, sizeof(err));
	ok(r == 256 && !memcmp(all, back, 256), "hex: every byte value round-trips");
	r = pmhs_hex_decode(back, 3, hex, 8, err, sizeof(err));
	ok(r == -1 && strstr(err, "too long"), "hex: a short output buffer is refused (%s)", err);
	pmhs_hex_encode(hex, all, 0);
	ok(hex[0] == '\0', "hex: empty input encodes to an empty string");
}

static void test_frame(void)
{
	uint8_t msg[PMHS_FRAME_MAX_PAYLOAD], buf[PMHS_FRAME_MAX_PAYLOAD];
	struct pmhs_frame f;
	char err[256];
	int sv[2], r;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		ok(0, "frame: socketpair");
		return;
	}
	/* A full-size frame needs the reader running: write in a child. */
	if (fork() == 0) {
		close(sv[1]);
		r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_RSA_MUTUAL, 0, PMHS_FRAME_T_MESSAGE,
				     msg, sizeof(msg), 5000, err, sizeof(err));
		_exit(r ? 1 : 0);
	}
	close(sv[0]);
	r = pmhs_frame_read(sv[1], PMHS_MODE_FLAGS_RSA_MUTUAL, &f, buf, sizeof(buf), 5000, err,
			    sizeof(err));
	ok(r == PMHS_FRAME_OK && f.len == sizeof(msg) && !memcmp(buf, msg, sizeof(msg)) &&
	   f.type == PMHS_FRAME_T_MESSAGE && f.version == PMHS_PROTO_VERSION,
	   "frame: a largest-payload frame round-trips");
	r = pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_E_CLOSED, "frame: then the peer's close (%s)", err);
	close(sv[1]);
	ok(!strcmp(pmhs_frame_mode_name(PMHS_MODE_FLAGS_PASSWORD), "password") &&
	   !pmhs_frame_mode_name(0) && !pmhs_frame_mode_name(PMHS_MODE_FLAGS_PASSWORD | 2),
	   "frame: mode names: one bit each");
}

static void test_args(void)
{
	struct pmhs_session_params p;
	struct pmhs_version v;
	struct pmhs_step st;
	char buf[8] = "x";

	PMHS_INIT(v);
	ok(v.size == sizeof(v) && v.modes == 0, "PMHS_INIT zeroes and sets the size");
	ok(pmhs_open(NULL) == -EINVAL, "open: NULL handle pointer is -EINVAL");
	pmhs_close(NULL);
	ok(!strcmp(pmhs_errmsg(NULL), ""), "errmsg: NULL handle gives an empty message");
	ok(pmhs_errmsg_copy(NULL, buf, sizeof(buf)) == 0 && buf[0] == 'x',
	   "errmsg_copy: NULL handle copies nothing");
	ok(pmhs_get_version(NULL, &v) == -EINVAL, "get_version: NULL handle is -EINVAL");
	PMHS_INIT(p);
	PMHS_INIT(st);
	ok(pmhs_session_new(NULL, &p, &st) == -EINVAL, "session_new: NULL handle is -EINVAL");
	ok(pmhs_fd(NULL) == -EINVAL, "fd: NULL handle is -EINVAL");
}

/* Without the module (the host): -ENOENT and no handle; with it, a handle. */
static void test_open(void)
{
	struct pmhs_session_params p;
	struct pmhs_version v;
	struct pmhs_step st;
	struct pmhs *h = (struct pmhs *)&tap_n;
	int r = pmhs_open(&h);

	ok((r == -ENOENT && !h) || (r == 0 && h), "open: %s", r ? "no module: -ENOENT" : "opened");
	if (r)
		return;
	v.size = 4;
	ok(pmhs_get_version(h, &v) == -EINVAL, "get_version: a struct too small is refused");
	PMHS_INIT(p);
	PMHS_INIT(st);
	st.msg_max = 16;
	ok(pmhs_session_new(h, &p, &st) == -EINVAL, "session_new: a buffer size without a buffer");
	pmhs_close(h);
}

/* ---- file helpers ---- */

static char tmpdir[] = "/tmp/pmhs-lib-unit.XXXXXX";

static char *tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		perror(path);
	fchmod(fd, mode);
	close(fd);
}

/* The whole file, NUL-terminated; *@len its size. NULL if unreadable. */
static char *get_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 17);
	if (buf)
		n = fread(buf, 1, (1 << 17) - 1, f);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (mode_t)-1 : st.st_mode;
}

/* What a BIO holds, as a file. */
static void bio_to_file(BIO *bio, const char *path, mode_t mode)
{
	char *data;
	long len = BIO_get_mem_data(bio, &data);

	put_file(path, data, (size_t)len, mode);
	BIO_free(bio);
}

/* @key as PKCS#8 PEM in @name. */
static void write_pkcs8(EVP_PKEY *key, const char *name, mode_t mode)
{
	BIO *bio = BIO_new(BIO_s_mem());

	PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
	bio_to_file(bio, tpath(name), mode);
}

/* An RSA key made by OpenSSL, in every encoding the loader takes. */
static EVP_PKEY *rsa_key;

static void write_encodings(void)
{
	unsigned char *der = NULL;
	BIO *bio;
	int len;

	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey_traditional(bio, rsa_key, NULL, NULL, 0, NULL, NULL);
	bio_to_file(bio, tpath("pkcs1.pem"), 0600);
	write_pkcs8(rsa_key, "pkcs8.pem", 0644);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(bio, rsa_key);
	bio_to_file(bio, tpath("spki.pem"), 0644);
	/* PKCS#1 RSAPublicKey: i2d_PublicKey's form for an RSA key. */
	len = i2d_PublicKey(rsa_key, &der);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio(bio, "RSA PUBLIC KEY", "", der, len);
	bio_to_file(bio, tpath("rsapub.pem"), 0644);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_PrivateKey(rsa_key, &der);
	put_file(tpath("pkcs1.der"), der, (size_t)len, 0600);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_PUBKEY(rsa_key, &der);
	put_file(tpath("spki.der"), der, (size_t)len, 0644);
	OPENSSL_free(der);
	/* Encrypted: PKCS#8 and the old Proc-Type header. */
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PKCS8PrivateKey(bio, rsa_key, EVP_aes_128_cbc(), "pw", 2, NULL, NULL);
	bio_to_file(bio, tpath("enc8.pem"), 0600);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey_traditional(bio, rsa_key, EVP_aes_128_cbc(),
					     (unsigned char *)"pw", 2, NULL, NULL);
	bio_to_file(bio, tpath("enc1.pem"), 0600);
}

static int same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

static void test_keyload(void)
{
	static const char *const privs[] = { "pkcs1.pem", "pkcs8.pem", "pkcs1.der" };
	static const char *const pubs[] = { "spki.pem", "rsapub.pem", "spki.der", "pkcs8.pem" };
	unsigned char *want_der = NULL, *want_spki = NULL;
	int want_der_len = i2d_PrivateKey(rsa_key, &want_der);
	int want_spki_len = i2d_PUBKEY(rsa_key, &want_spki);
	struct pmhs_key k;
	char err[512], *pem;
	size_t len;
	int r;

	for (size_t i = 0; i < sizeof(privs) / sizeof(privs[0]); i++) {
		PMHS_INIT(k);
		r = pmhs_key_load_private(tpath(privs[i]), &k, err, sizeof(err));
		ok(!r && same(k.der, k.der_len, want_der, (size_t)want_der_len) &&
		   same(k.spki, k.spki_len, want_spki, (size_t)want_spki_len) && k.bits == 2048 &&
		   (k.flags & PMHS_KEY_F_PRIVATE), "keyload: private %s is OpenSSL's PKCS#1 and SPKI",
		   privs[i]);
		pmhs_key_free(&k);
		ok(!k.der && !k.spki && k.size == sizeof(k), "keyload: free clears the key");
	}
	for (size_t i = 0; i < sizeof(pubs) / sizeof(pubs[0]); i++) {
		PMHS_INIT(k);
		r = pmhs_key_load_public(tpath(pubs[i]), &k, err, sizeof(err));
		ok(!r && !k.der && same(k.spki, k.spki_len, want_spki, (size_t)want_spki_len),
		   "keyload: public from %s is OpenSSL's SPKI", pubs[i]);
		pmhs_key_free(&k);
	}
	PMHS_INIT(k);
	r = pmhs_key_load_public(tpath("pkcs8.pem"), &k, err, sizeof(err));
	ok(!r && (k.flags & PMHS_KEY_F_PRIVATE) && k.file_mode == 0644,
	   "keyload: says the file held a private key, and its mode (%04o)", k.file_mode);
	pmhs_key_free(&k);

	PMHS_INIT(k);
	r = pmhs_key_load_private(tpath("enc8.pem"), &k, err, sizeof(err));
	ok(r == -ENOKEY && strstr(err, "encrypted with a passphrase"),
	   "keyload: encrypted PKCS#8 refused, not prompted for (%s)", err);
	r = pmhs_key_load_private(tpath("enc1.pem"), &k, err, sizeof(err));
	ok(r == -ENOKEY, "keyload: encrypted PKCS#1 (Proc-Type) refused");
	r = pmhs_key_load_private(tpath("spki.pem"), &k, err, sizeof(err));
	ok(r == -EOPNOTSUPP && strstr(err, "public key"), "keyload: a public key is not a private one (%s)", err);
	r = pmhs_key_load_private(tpath("nonexistent"), &k, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "nonexistent"), "keyload: missing file -ENOENT (%s)", err);
	r = pmhs_key_load_private(tmpdir, &k, err, sizeof(err));
	ok(r == -EISDIR, "keyload: a directory -EISDIR");
	r = pmhs_key_load_private(tpath("nonexistent"), &k, NULL, 0);
	ok(r == -ENOENT, "keyload: no message buffer is fine");

	/* Damage: cut in half, a flipped base64 character, empty, garbage. */
	pem = get_file(tpath("pkcs1.pem"), &len);
	put_file(tpath("cut.pem"), pem, len / 2, 0600);
	r = pmhs_key_load_private(tpath("cut.pem"), &k, err, sizeof(err));
	ok(r == -EBADMSG, "keyload: truncated PEM -EBADMSG (%s)", err);
	pem[len / 2] = pem[len / 2] == 'A' ? 'B' : 'A';
	put_file(tpath("flip.pem"), pem, len, 0600);
	r = pmhs_key_load_private(tpath("flip.pem"), &k, err, sizeof(err));
	ok(r == -EBADMSG, "keyload: one changed character -EBADMSG (%s)", err);
	free(pem);
	put_file(tpath("empty.pem"), "", 0, 0600);
	r = pmhs_key_load_private(tpath("empty.pem"), &k, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "empty"), "keyload: empty file (%s)", err);
	put_file(tpath("junk.pem"), "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n",
		 68, 0600);
	r = pmhs_key_load_private(tpath("junk.pem"), &k, err, sizeof(err));
	ok(r == -EBADMSG, "keyload: bad base64 -EBADMSG (%s)", err);
	put_file(tpath("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		 58, 0600);
	r = pmhs_key_load_public(tpath("cert.pem"), &k, err, sizeof(err));
	ok(r == -EOPNOTSUPP && strstr(err, "certificate"), "keyload: a certificate is not a key (%s)", err);

	/* From an SPKI in memory, and the PEM text of one. */
	PMHS_INIT(k);
	r = pmhs_key_from_spki(want_spki, (size_t)want_spki_len, &k, err, sizeof(err));
	ok(!r && same(k.spki, k.spki_len, want_spki, (size_t)want_spki_len) && k.bits == 2048,
	   "keyload: from_spki copies a good SPKI");
	pmhs_key_free(&k);
	r = pmhs_key_from_spki(want_spki, (size_t)want_spki_len - 1, &k, err, sizeof(err));
	ok(r == -EBADMSG, "keyload: from_spki refuses a short one");
	{
		char out[1024], *openssl_pem = get_file(tpath("spki.pem"), NULL);
		ssize_t n = pmhs_spki_pem(want_spki, (size_t)want_spki_len, out, sizeof(out));

		ok(n > 0 && openssl_pem && !strcmp(out, openssl_pem) && (size_t)n == strlen(out),
		   "spki_pem: the same text as PEM_write_PUBKEY");
		ok(pmhs_spki_pem(want_spki, (size_t)want_spki_len, out, (size_t)n) == -ENOSPC,
		   "spki_pem: no room for the NUL is -ENOSPC");
		free(openssl_pem);
	}
	OPENSSL_free(want_der);
	OPENSSL_free(want_spki);
}

static void test_keyload_kinds(void)
{
	EVP_PKEY *small = EVP_RSA_gen(512), *ec = EVP_EC_gen("P-256");
	struct pmhs_key k;
	char err[512];
	int r;

	write_pkcs8(small, "small.pem", 0600);
	write_pkcs8(ec, "ec.pem", 0600);
	PMHS_INIT(k);
	r = pmhs_key_load_private(tpath("small.pem"), &k, err, sizeof(err));
	ok(r == -ERANGE && strstr(err, "512-bit"), "keyload: a 512-bit key -ERANGE (%s)", err);
	r = pmhs_key_load_private(tpath("ec.pem"), &k, err, sizeof(err));
	ok(r == -EOPNOTSUPP && strstr(err, "RSA"), "keyload: an EC key -EOPNOTSUPP (%s)", err);
	EVP_PKEY_free(small);
	EVP_PKEY_free(ec);
}

static void test_keygen(void)
{
	struct pmhs_key k, back;
	char err[512], *before, *after;
	int r;

	PMHS_INIT(k);
	r = pmhs_key_generate(tpath("gen.pem"), 2048, 0, &k, err, sizeof(err));
	ok(!r && k.bits == 2048 && k.der && (mode_of(tpath("gen.pem")) & 07777) == 0600,
	   "keygen: a 2048-bit key, file mode 0600");
	PMHS_INIT(back);
	r = pmhs_key_load_private(tpath("gen.pem"), &back, err, sizeof(err));
	ok(!r && same(k.der, k.der_len, back.der, back.der_len), "keygen: the file loads as the same key");
	pmhs_key_free(&back);
	before = get_file(tpath("gen.pem"), NULL);
	r = pmhs_key_generate(tpath("gen.pem"), 2048, 0, NULL, err, sizeof(err));
	after = get_file(tpath("gen.pem"), NULL);
	ok(r == -EEXIST && !strcmp(before, after) && strstr(err, "already exists"),
	   "keygen: an existing file is kept (%s)", err);
	free(after);
	r = pmhs_key_generate(tpath("gen.pem"), 2048, PMHS_WRITE_REPLACE, NULL, err, sizeof(err));
	after = get_file(tpath("gen.pem"), NULL);
	ok(!r && strcmp(before, after), "keygen: PMHS_WRITE_REPLACE replaces it");
	free(before);
	free(after);
	r = pmhs_key_generate(tpath("odd.pem"), 1000, 0, NULL, err, sizeof(err));
	ok(r == -ERANGE && mode_of(tpath("odd.pem")) == (mode_t)-1, "keygen: 1000 bits refused, no file");
	pmhs_key_free(&k);
}

static int count_entries(const char *dir)
{
	char cmd[300];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void test_atomic(void)
{
	char err[512], *data;
	mode_t old_umask;
	int r, entries;

	mkdir(tpath("at"), 0700);
	old_umask = umask(077);
	r = pmhs_write_atomic(tpath("at/f"), "hello\n", 6, 0644, 0, err, sizeof(err));
	umask(old_umask);
	data = get_file(tpath("at/f"), NULL);
	ok(!r && data && !strcmp(data, "hello\n") && (mode_of(tpath("at/f")) & 07777) == 0644,
	   "atomic: written with the mode asked for, whatever the umask");
	free(data);
	r = pmhs_write_atomic(tpath("at/f"), "other\n", 6, 0600, 0, err, sizeof(err));
	data = get_file(tpath("at/f"), NULL);
	ok(r == -EEXIST && !strcmp(data, "hello\n"), "atomic: an existing file is kept (%s)", err);
	free(data);
	r = pmhs_write_atomic(tpath("at/f"), "other\n", 6, 0600, PMHS_WRITE_REPLACE, err, sizeof(err));
	data = get_file(tpath("at/f"), NULL);
	ok(!r && !strcmp(data, "other\n") && (mode_of(tpath("at/f")) & 07777) == 0600,
	   "atomic: replaced when asked, with the new mode");
	free(data);
	put_file(tpath("at/target"), "precious\n", 9, 0600);
	ok(!symlink(tpath("at/target"), tpath("at/link")), "atomic: a symlink to a file");
	r = pmhs_write_atomic(tpath("at/link"), "evil\n", 5, 0600, 0, err, sizeof(err));
	data = get_file(tpath("at/target"), NULL);
	ok(r == -EEXIST && !strcmp(data, "precious\n"), "atomic: a symlink is an existing file");
	free(data);
	r = pmhs_write_atomic(tpath("at/link"), "new\n", 4, 0600, PMHS_WRITE_REPLACE, err,
			      sizeof(err));
	data = get_file(tpath("at/target"), NULL);
	ok(!r && !strcmp(data, "precious\n") && S_ISREG(mode_of(tpath("at/link"))),
	   "atomic: replacing a symlink replaces the link, not its target");
	free(data);
	r = pmhs_write_atomic(tpath("at/f"), "x", 1, 04755, PMHS_WRITE_REPLACE, err, sizeof(err));
	ok(r == -EINVAL, "atomic: setuid or other non-permission mode bits refused");
	r = pmhs_write_atomic(tpath("nodir/f"), "x", 1, 0600, 0, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "nodir"), "atomic: missing directory -ENOENT (%s)", err);
	r = pmhs_write_atomic(tpath("at/empty"), NULL, 0, 0600, 0, err, sizeof(err));
	ok(!r && mode_of(tpath("at/empty")) != (mode_t)-1, "atomic: an empty file");
	entries = count_entries(tpath("at"));
	ok(entries == 4, "atomic: no temporary files left behind (%d entries)", entries);
}

static void test_fpr(void)
{
	static const uint8_t abc_sha256[PMHS_FP_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
		0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
		0xf2, 0x00, 0x15, 0xad };
	uint8_t fp[PMHS_FP_LEN];
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];

	ok(!pmhs_fingerprint("abc", 3, fp) && !memcmp(fp, abc_sha256, PMHS_FP_LEN),
	   "fpr: SHA-256 (FIPS 180-2 'abc')");
	pmhs_fp_hex(fp, hex);
	ok(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "fpr: lowercase hex");
	pmhs_fp_short(fp, sfp);
	ok(!strcmp(sfp, "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"),
	   "fpr: short form is ssh's unpadded base64");
	ok(pmhs_fingerprint(NULL, 3, fp) == -EINVAL, "fpr: NULL input -EINVAL");
}

/* SPKI of a new 1024-bit key (quick to make), malloc()ed. */
static unsigned char *new_spki(int *len)
{
	EVP_PKEY *k = EVP_RSA_gen(1024);
	unsigned char *der = NULL;

	*len = i2d_PUBKEY(k, &der);
	EVP_PKEY_free(k);
	return der;
}

static void test_pins(void)
{
	const struct pmhs_pin *p;
	struct pmhs_pins *st;
	char err[1024], path[4096], *text, *line, hex[PMHS_FP_HEX_LEN];
	uint8_t fp[PMHS_FP_LEN];
	int alen, blen, changed, r;
	unsigned char *a = new_spki(&alen), *b = new_spki(&blen);
	const char *store = tpath("pins/sub/known_peers");

	r = pmhs_pins_load(store, &st, err, sizeof(err));
	ok(!r && pmhs_pins_count(st) == 0 && !pmhs_pins_find(st, "x"), "pins: a missing file is an empty store");
	pmhs_pins_free(st);
	r = pmhs_pins_add(store, "alice", a, (size_t)alen, 0, &changed, err, sizeof(err));
	ok(!r && changed == 1 && (mode_of(store) & 07777) == 0644 &&
	   (mode_of(tpath("pins/sub")) & 07777) == 0700, "pins: add creates the file 0644 in a 0700 directory");
	pmhs_fingerprint(a, (size_t)alen, fp);
	pmhs_fp_hex(fp, hex);
	text = get_file(store, NULL);
	ok(text && text[0] == '#' && (line = strstr(text, "\nalice ")) && !strncmp(line + 7, hex, 64) &&
	   line[7 + 64] == ' ', "pins: the line is NAME SHA256-HEX SPKI-BASE64 under a comment");
	free(text);
	r = pmhs_pins_add(store, "alice", a, (size_t)alen, 0, &changed, err, sizeof(err));
	ok(!r && changed == 0, "pins: the same pin again changes nothing");
	r = pmhs_pins_add(store, "alice", b, (size_t)blen, 0, &changed, err, sizeof(err));
	ok(r == -EKEYREJECTED && strstr(err, "different key"), "pins: another key is refused (%s)", err);
	r = pmhs_pins_add(store, "bob", b, (size_t)blen, 0, &changed, err, sizeof(err));
	ok(!r && changed == 1, "pins: a second peer");
	r = pmhs_pins_load(store, &st, err, sizeof(err));
	p = r ? NULL : pmhs_pins_find(st, "alice");
	ok(p && same(p->spki, p->spki_len, a, (size_t)alen) && !memcmp(p->fingerprint, fp, PMHS_FP_LEN) &&
	   p->bits == 1024 && p->line == 2 && pmhs_pins_count(st) == 2 &&
	   !strcmp(pmhs_pins_get(st, 1)->name, "bob") && !pmhs_pins_get(st, 2),
	   "pins: load finds both, with their keys and lines");
	pmhs_pins_free(st);
	r = pmhs_pins_add(store, "alice", b, (size_t)blen, PMHS_PINS_REPLACE, &changed, err, sizeof(err));
	ok(!r && changed == 2, "pins: PMHS_PINS_REPLACE replaces");
	r = pmhs_pins_add(store, "-bad", a, (size_t)alen, 0, &changed, err, sizeof(err));
	ok(r == -EINVAL && strstr(err, "not a valid peer name"), "pins: a bad name -EINVAL (%s)", err);
	ok(pmhs_pin_name_check("a.b_c:d@e+[f]-1", NULL, 0) == 0 && pmhs_pin_name_check("a b", NULL, 0) == -EINVAL &&
	   pmhs_pin_name_check("", NULL, 0) == -EINVAL, "pins: name rules");
	r = pmhs_pins_add(store, "carol", "junk", 4, 0, &changed, err, sizeof(err));
	ok(r == -EBADMSG, "pins: an SPKI that is not one is refused");

	/* Comments survive a rewrite; remove keeps the comment above a pin. */
	text = get_file(store, NULL);
	line = NULL;
	if (text && asprintf(&line, "%s# about carol\n\n", text) > 0)
		put_file(store, line, strlen(line), 0644);
	free(text);
	free(line);
	r = pmhs_pins_remove(store, "alice", 0, err, sizeof(err));
	text = get_file(store, NULL);
	ok(!r && text && !strstr(text, "alice ") && strstr(text, "bob ") && text[0] == '#' &&
	   strstr(text, "# about carol\n\n"), "pins: remove keeps the others and the comments");
	free(text);
	r = pmhs_pins_remove(store, "alice", 0, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "no pin for 'alice'"), "pins: removing it again -ENOENT");

	/* Corruption: every kind makes the whole file an error, naming the line. */
	{
		char *good = get_file(store, NULL), *bob = good ? strstr(good, "\nbob ") : NULL;
		char b64[2048] = "", bhex[PMHS_FP_HEX_LEN], ahex[PMHS_FP_HEX_LEN], l[4096], *all;
		const struct { const char *what, *msg; } bad[] = {
			{ "two fields", "expected 3 fields" },
			{ "four fields", "expected 3 fields" },
			{ "bad name", "not a valid peer name" },
			{ "short hex", "not 64 hex" },
			{ "bad base64", "not valid base64" },
			{ "fingerprint of another key", "does not match" },
			{ "pinned twice", "pinned twice" },
		};

		if (bob)
			sscanf(bob + 1, "bob %64s %2047s", bhex, b64);
		pmhs_fp_hex(fp, ahex);		/* alice's first key, a */
		for (size_t i = 0; bob && i < sizeof(bad) / sizeof(bad[0]); i++) {
			switch (i) {
			case 0: snprintf(l, sizeof(l), "eve 00"); break;
			case 1: snprintf(l, sizeof(l), "eve 00 AAAA x"); break;
			case 2: snprintf(l, sizeof(l), "-eve %s %s", bhex, b64); break;
			case 3: snprintf(l, sizeof(l), "eve 00ff %s", b64); break;
			case 4: snprintf(l, sizeof(l), "eve %s AA!A", bhex); break;
			case 5: snprintf(l, sizeof(l), "eve %s %s", ahex, b64); break;
			default: snprintf(l, sizeof(l), "bob %s %s", bhex, b64); break;
			}
			if (asprintf(&all, "%s%s\n", good, l) < 0)
				break;
			put_file(store, all, strlen(all), 0644);
			free(all);
			r = pmhs_pins_load(store, &st, err, sizeof(err));
			ok(r == -EBADMSG && !st && strstr(err, bad[i].msg) && strstr(err, " line "),
			   "pins: %s: the store is refused (%s)", bad[i].what, err);
		}
		if (good)
			put_file(store, good, strlen(good), 0644);
		free(good);
	}
	r = pmhs_pins_load(store, &st, err, sizeof(err));
	ok(!r && pmhs_pins_count(st) == 1, "pins: the good file loads again");
	pmhs_pins_free(st);

	/* Where the stores are. */
	setenv("PMHS_KNOWN_PEERS", "/x/peers", 1);
	r = pmhs_pins_path(PMHS_PINS_USER, path, sizeof(path), err, sizeof(err));
	ok(!r && !strcmp(path, "/x/peers"), "pins: PMHS_KNOWN_PEERS first");
	unsetenv("PMHS_KNOWN_PEERS");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	r = pmhs_pins_path(PMHS_PINS_USER, path, sizeof(path), err, sizeof(err));
	ok(!r && !strcmp(path, "/home/u/.config/pmhs/known_peers"),
	   "pins: a relative XDG_CONFIG_HOME is ignored (%s)", path);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	r = pmhs_pins_path(PMHS_PINS_USER, path, sizeof(path), err, sizeof(err));
	ok(!r && !strcmp(path, "/xdg/pmhs/known_peers"), "pins: XDG_CONFIG_HOME");
	unsetenv("PMHS_SYSTEM_KNOWN_PEERS");
	r = pmhs_pins_path(PMHS_PINS_SYSTEM, path, sizeof(path), err, sizeof(err));
	ok(!r && !strcmp(path, "/etc/pmhs/known_peers"), "pins: the system store");
	r = pmhs_pins_path(PMHS_PINS_SYSTEM, path, 5, err, sizeof(err));
	ok(r == -ENAMETOOLONG, "pins: a short buffer -ENAMETOOLONG");
	r = pmhs_pins_add(tpath("pins/shared/known_peers"), "bob", b, (size_t)blen, PMHS_PINS_SHARED,
			  &changed, err, sizeof(err));
	ok(!r && (mode_of(tpath("pins/shared")) & 07777) == 0755, "pins: PMHS_PINS_SHARED makes 0755 directories");
	OPENSSL_free(a);
	OPENSSL_free(b);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void test_files(void)
{
	if (!mkdtemp(tmpdir)) {
		ok(0, "files: mkdtemp");
		return;
	}
	rsa_key = EVP_RSA_gen(2048);
	write_encodings();
	test_keyload();
	test_keyload_kinds();
	test_keygen();
	test_atomic();
	test_fpr();
	test_pins();
	EVP_PKEY_free(rsa_key);
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	test_hex();
	test_frame();
	test_files();
	test_args();
	test_open();
	return tap_done();
}
