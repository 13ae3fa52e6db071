// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libpmhs's noise helpers that need no module: the PSK
 * derivations against every argon2id and PBKDF2 vector of
 * selftests/vectors/noise-v1.json, X25519 public keys against the
 * vectors' static keys and OpenSSL, the SPKI wrapping, and the key files
 * (format, modes, no overwrite). Also the noise calls' argument checks.
 * Usage: lib-noise [VECTORS-JSON] (default: ../vectors/noise-v1.json next
 * to this program). TAP output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <pmhs/pmhs.h>
#include "tap.h"

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) != json_type_string)
		return NULL;
	return json_object_get_string(v);
}

/* A vector's hex string into @out of exactly @len bytes; 0 if it is. */
static int unhex(const char *hex, uint8_t *out, size_t len)
{
	char err[128];

	return !hex || strlen(hex) != 2 * len ||
	       pmhs_hex_decode(out, len, hex, strlen(hex), err, sizeof(err)) != (ssize_t)len;
}

static void test_psk(json_object *root)
{
	json_object *arr;
	uint8_t want[32], got[32], salt[32];
	size_t n;

	json_object_object_get_ex(root, "psk_argon2id", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	ok(n >= 4, "psk: %zu argon2id vectors", n);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *pw = str(v, "password"), *node = str(v, "node_id");
		int r;

		if (!pw || unhex(str(v, "psk"), want, 32)) {
			ok(0, "psk: argon2id vector %zu readable", i);
			continue;
		}
		/* The vector's salt is what the header says it is. */
		if (node) {
			SHA256((const uint8_t *)node, strlen(node), salt);
			ok(!unhex(str(v, "salt"), got, 32) && !memcmp(got, salt, 32),
			   "psk: argon2id vector %zu's salt is SHA-256(node id)", i);
		} else {
			ok(!strcmp(str(v, "salt") ? str(v, "salt") : "",
				   "706f6f726d616e5f68616e647368616b653a6e6f6973653a70736b3a7631"),
			   "psk: argon2id vector %zu's salt is \"%s\"", i, PMHS_NOISE_PSK_SALT);
		}
		r = pmhs_noise_psk_argon2id(pw, strlen(pw), node, node ? strlen(node) : 0, got);
		ok(r == 0 && !memcmp(got, want, 32), "psk: argon2id vector %zu (node id %s)", i,
		   node ? node : "none");
	}

	json_object_object_get_ex(root, "psk_pbkdf2", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	ok(n >= 2, "psk: %zu PBKDF2 vectors", n);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i), *it;
		const char *pw = str(v, "password"), *node = str(v, "node_id");
		int r;

		if (!pw || unhex(str(v, "psk"), want, 32) ||
		    !json_object_object_get_ex(v, "iterations", &it)) {
			ok(0, "psk: PBKDF2 vector %zu readable", i);
			continue;
		}
		r = pmhs_noise_psk_pbkdf2(pw, strlen(pw), node, node ? strlen(node) : 0,
					  (uint32_t)json_object_get_int(it), got);
		ok(r == 0 && !memcmp(got, want, 32), "psk: PBKDF2 vector %zu (%d iterations)", i,
		   json_object_get_int(it));
		/* One iteration less is another key: the count is really used. */
		r = pmhs_noise_psk_pbkdf2(pw, strlen(pw), node, node ? strlen(node) : 0,
					  (uint32_t)json_object_get_int(it) - 1, got);
		ok(r == 0 && memcmp(got, want, 32), "psk: PBKDF2 vector %zu, one iteration less differs",
		   i);
	}

	/* Without a node id the PBKDF2 salt is the constant, as argon2id's. */
	ok(pmhs_noise_psk_pbkdf2("pw", 2, NULL, 0, 1000, got) == 0 &&
	   PKCS5_PBKDF2_HMAC("pw", 2, (const uint8_t *)PMHS_NOISE_PSK_SALT,
			     (int)strlen(PMHS_NOISE_PSK_SALT), 1000, EVP_sha256(), 32, want) == 1 &&
	   !memcmp(got, want, 32), "psk: PBKDF2 without a node id salts with \"%s\"",
	   PMHS_NOISE_PSK_SALT);
	ok(pmhs_noise_psk_pbkdf2("pw", 2, "n", 1, 0, got) == -EINVAL,
	   "psk: PBKDF2 with 0 iterations is -EINVAL");
	ok(pmhs_noise_psk_pbkdf2(NULL, 3, "n", 1, 10, got) == -EINVAL &&
	   pmhs_noise_psk_argon2id(NULL, 3, NULL, 0, got) == -EINVAL &&
	   pmhs_noise_psk_argon2id("pw", 2, NULL, 4, got) == -EINVAL &&
	   pmhs_noise_psk_argon2id("pw", 2, NULL, 0, NULL) == -EINVAL,
	   "psk: NULL buffers with lengths are -EINVAL");
	ok(pmhs_noise_psk_argon2id("", 0, NULL, 0, got) == 0 &&
	   pmhs_noise_psk_argon2id(NULL, 0, NULL, 0, want) == 0 && !memcmp(got, want, 32),
	   "psk: an empty password derives (NULL, 0 is the same)");
}

/* OpenSSL's own view of @priv: its public key and SPKI DER. */
static int openssl_public(const uint8_t priv[32], uint8_t pub[32], uint8_t *spki, int *spki_len)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	size_t len = 32;
	unsigned char *p = spki;
	int ok_ = k && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == 32;

	if (ok_ && spki)
		*spki_len = i2d_PUBKEY(k, &p);
	EVP_PKEY_free(k);
	return ok_;
}

static void test_x25519(json_object *root)
{
	static const char *const sides[] = { "initiator", "responder" };
	uint8_t priv[32], priv2[32], want[32], pub[32], spki[PMHS_X25519_SPKI_LEN], ospki[128];
	uint8_t fp[PMHS_FP_LEN], ofp[32];
	json_object *arr;
	size_t n, keys = 0, good = 0;
	int olen = 0;

	json_object_object_get_ex(root, "handshakes", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		for (int s = 0; s < 2; s++) {
			json_object *side;

			if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), sides[s],
						       &side))
				continue;
			keys++;
			if (!unhex(str(side, "static_private"), priv, 32) &&
			    !unhex(str(side, "static_public"), want, 32) &&
			    !pmhs_x25519_public(priv, pub) && !memcmp(pub, want, 32))
				good++;
			else
				printf("# handshake %zu %s: public key differs\n", i, sides[s]);
		}
	}
	ok(keys >= 24 && good == keys, "x25519: public of all %zu static keys of %zu handshakes",
	   keys, n);

	ok(pmhs_x25519_generate(priv) == 0 && pmhs_x25519_generate(priv2) == 0 &&
	   memcmp(priv, priv2, 32), "x25519: two generated keys differ");
	ok(!(priv[0] & 7) && !(priv[31] & 0x80) && (priv[31] & 0x40),
	   "x25519: a generated key is clamped (as wg genkey)");
	ok(pmhs_x25519_public(priv, pub) == 0 && openssl_public(priv, want, ospki, &olen) &&
	   !memcmp(pub, want, 32), "x25519: public of a generated key is OpenSSL's");
	pmhs_x25519_spki(pub, spki);
	ok(olen == PMHS_X25519_SPKI_LEN && !memcmp(spki, ospki, PMHS_X25519_SPKI_LEN),
	   "x25519: SPKI DER is OpenSSL's i2d_PUBKEY (%d bytes)", olen);
	pmhs_fingerprint(spki, sizeof(spki), fp);
	SHA256(ospki, (size_t)olen, ofp);
	ok(!memcmp(fp, ofp, 32), "x25519: fingerprint = SHA-256 of the SPKI");
	ok(pmhs_x25519_public(NULL, pub) == -EINVAL && pmhs_x25519_public(priv, NULL) == -EINVAL &&
	   pmhs_x25519_generate(NULL) == -EINVAL, "x25519: NULL is -EINVAL");
}

/* ---- key files ---- */

static char tmpdir[] = "/tmp/pmhs-lib-noise.XXXXXX";

static char *tpath(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void put_file(const char *name, const char *data, mode_t mode)
{
	int fd = open(tpath(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		perror(name);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static const char *key_hex =
	"97f11ae651070506a68a02f0e161af37f86cb9078738c370f07e8d3b583bad38";

/* Load @name; 0 or -errno; @err gets the message. */
static int load(const char *name, uint8_t priv[32], char *err, size_t len)
{
	err[0] = '\0';
	return pmhs_x25519_load_file(tpath(name), priv, err, len);
}

static void test_keyfile_load(void)
{
	uint8_t want[32], priv[32];
	char err[512], buf[256];
	int r;

	unhex(key_hex, want, 32);
	snprintf(buf, sizeof(buf), "%s\n", key_hex);
	put_file("nl", buf, 0600);
	ok(load("nl", priv, err, sizeof(err)) == 0 && !memcmp(priv, want, 32),
	   "keyfile: 64 hex digits and a newline load");
	put_file("bare", key_hex, 0400);
	ok(load("bare", priv, err, sizeof(err)) == 0 && !memcmp(priv, want, 32),
	   "keyfile: without the newline, mode 0400, too");
	snprintf(buf, sizeof(buf), "%s\r\n", key_hex);
	put_file("crlf", buf, 0600);
	ok(load("crlf", priv, err, sizeof(err)) == 0 && !memcmp(priv, want, 32),
	   "keyfile: a CRLF line ending is forgiven");
	for (size_t i = 0; i < 64; i++)
		buf[i] = (char)(key_hex[i] >= 'a' ? key_hex[i] - 32 : key_hex[i]);
	buf[64] = '\0';
	put_file("upper", buf, 0600);
	ok(load("upper", priv, err, sizeof(err)) == 0 && !memcmp(priv, want, 32),
	   "keyfile: uppercase hex loads");

	snprintf(buf, sizeof(buf), "%.40sxz%s\n", key_hex, key_hex + 42);
	put_file("badhex", buf, 0600);
	memset(priv, 0xaa, 32);
	r = load("badhex", priv, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "character 41 is not a hex digit") &&
	   !strstr(err, "97f11a") && !strstr(err, "'x'"),
	   "keyfile: a non-hex digit is -EBADMSG, says where, quotes none of it (%s)", err);
	ok(!memcmp(priv, (uint8_t[32]){ 0 }, 32), "keyfile: a failed load leaves zeros in priv");
	snprintf(buf, sizeof(buf), "%.62s\n", key_hex);
	put_file("short", buf, 0600);
	r = load("short", priv, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "64 hex digits") && strstr(err, "not 62"),
	   "keyfile: 62 digits are -EBADMSG (%s)", err);
	snprintf(buf, sizeof(buf), "%s00\n", key_hex);
	put_file("long", buf, 0600);
	ok(load("long", priv, err, sizeof(err)) == -EBADMSG && strstr(err, "not 66"),
	   "keyfile: 66 digits are -EBADMSG (%s)", err);
	snprintf(buf, sizeof(buf), "%s\n\n", key_hex);
	put_file("twonl", buf, 0600);
	ok(load("twonl", priv, err, sizeof(err)) == -EBADMSG,
	   "keyfile: a second newline is -EBADMSG");
	snprintf(buf, sizeof(buf), " %s\n", key_hex);
	put_file("space", buf, 0600);
	ok(load("space", priv, err, sizeof(err)) == -EBADMSG,
	   "keyfile: leading whitespace is -EBADMSG");
	put_file("empty", "", 0600);
	ok(load("empty", priv, err, sizeof(err)) == -EBADMSG && strstr(err, "not 0"),
	   "keyfile: an empty file is -EBADMSG (%s)", err);
	put_file("pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIA==\n"
		 "-----END PRIVATE KEY-----\n", 0600);
	ok(load("pem", priv, err, sizeof(err)) == -EBADMSG,
	   "keyfile: a PEM file is -EBADMSG (%s)", err);

	snprintf(buf, sizeof(buf), "%s\n", key_hex);
	put_file("m644", buf, 0644);
	r = load("m644", priv, err, sizeof(err));
	ok(r == -EACCES && strstr(err, "0644") && strstr(err, "chmod 600"),
	   "keyfile: mode 0644 is refused with how to fix it (%s)", err);
	put_file("m640", buf, 0640);
	ok(load("m640", priv, err, sizeof(err)) == -EACCES, "keyfile: mode 0640 is refused");
	put_file("m604", buf, 0604);
	ok(load("m604", priv, err, sizeof(err)) == -EACCES, "keyfile: mode 0604 is refused");
	put_file("m620", buf, 0620);
	ok(load("m620", priv, err, sizeof(err)) == -EACCES,
	   "keyfile: mode 0620 (others may replace it) is refused");
	ok(load("missing", priv, err, sizeof(err)) == -ENOENT && strstr(err, "missing"),
	   "keyfile: a missing file is -ENOENT naming it (%s)", err);
	mkdir(tpath("dir"), 0700);
	ok(load("dir", priv, err, sizeof(err)) == -EISDIR, "keyfile: a directory is -EISDIR");
	ok(pmhs_x25519_load_file(NULL, priv, err, sizeof(err)) == -EINVAL &&
	   pmhs_x25519_load_file(tpath("nl"), NULL, NULL, 0) == -EINVAL,
	   "keyfile: NULL arguments are -EINVAL (err may be NULL)");
}

static void test_keyfile_write(void)
{
	uint8_t priv[32], back[32], other[32];
	char err[512], want[66], *p = tpath("new.key");
	struct stat st;
	char buf[128];
	int fd, n = 0;

	pmhs_x25519_generate(priv);
	pmhs_x25519_generate(other);
	umask(022);
	err[0] = '\0';
	ok(pmhs_x25519_write_file(p, priv, 0, err, sizeof(err)) == 0, "keyfile: write (%s)", err);
	ok(!stat(p, &st) && (st.st_mode & 07777) == 0600, "keyfile: written mode 0600 (umask 022)");
	pmhs_hex_encode(want, priv, 32);
	want[64] = '\n';
	want[65] = '\0';
	fd = open(p, O_RDONLY);
	if (fd >= 0) {
		n = (int)read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	ok(n == 65 && !memcmp(buf, want, 65), "keyfile: the file is 64 lowercase hex digits and a newline");
	ok(pmhs_x25519_load_file(p, back, err, sizeof(err)) == 0 && !memcmp(back, priv, 32),
	   "keyfile: write then load round-trips");
	ok(pmhs_x25519_write_file(p, other, 0, err, sizeof(err)) == -EEXIST &&
	   strstr(err, "not overwriting"), "keyfile: an existing file is -EEXIST (%s)", err);
	ok(pmhs_x25519_load_file(p, back, err, sizeof(err)) == 0 && !memcmp(back, priv, 32),
	   "keyfile: and is untouched");
	ok(symlink("nowhere", tpath("link.key")) == 0 &&
	   pmhs_x25519_write_file(tpath("link.key"), other, 0, err, sizeof(err)) == -EEXIST,
	   "keyfile: a dangling symlink is not written through");
	ok(pmhs_x25519_write_file(p, other, PMHS_WRITE_REPLACE, err, sizeof(err)) == 0 &&
	   pmhs_x25519_load_file(p, back, err, sizeof(err)) == 0 && !memcmp(back, other, 32),
	   "keyfile: PMHS_WRITE_REPLACE replaces it");
	ok(pmhs_x25519_write_file(tpath("nodir/x.key"), priv, 0, err, sizeof(err)) == -ENOENT,
	   "keyfile: a missing directory is -ENOENT (%s)", err);
	ok(pmhs_x25519_write_file(p, priv, 0x80, err, sizeof(err)) == -EINVAL &&
	   pmhs_x25519_write_file(p, NULL, 0, err, sizeof(err)) == -EINVAL,
	   "keyfile: unknown flags, NULL key are -EINVAL");
}

static int rm_dir(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The noise calls' own argument checks (no module needed to reach them). */
static void test_noise_args(void)
{
	struct pmhs_noise_kat k;
	struct pmhs_step st;
	struct pmhs_identity id;
	uint8_t key[32] = { 0 }, out[64];
	size_t len;

	PMHS_INIT(k);
	PMHS_INIT(st);
	PMHS_INIT(id);
	ok(pmhs_noise_kat(NULL, &k) == -EINVAL, "noise_kat: NULL handle is -EINVAL");
	ok(pmhs_session_step_payload(NULL, 1, NULL, 0, NULL, 0, PMHS_STEP_WRITE, NULL, &st) ==
	   -EINVAL, "session_step_payload: NULL handle is -EINVAL");
	ok(pmhs_session_encrypt(NULL, 1, NULL, 0, "x", 1, out, sizeof(out), &len, NULL) == -EINVAL &&
	   pmhs_session_decrypt(NULL, 1, NULL, 0, "x", 1, out, sizeof(out), &len, NULL) == -EINVAL &&
	   pmhs_session_rekey(NULL, 1, 0) == -EINVAL,
	   "session_encrypt/decrypt/rekey: NULL handle is -EINVAL");
	ok(pmhs_identity_import_x25519(NULL, "n", key, &id) == -EINVAL,
	   "identity_import_x25519: NULL handle is -EINVAL");
}

int main(int argc, char *argv[])
{
	char path[PATH_MAX], exe[PATH_MAX];
	json_object *root;
	ssize_t n;

	if (argc > 1) {
		snprintf(path, sizeof(path), "%s", argv[1]);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof(path), "%s/../vectors/noise-v1.json", dirname(exe));
	}
	root = json_object_from_file(path);
	ok(root != NULL, "vectors: %s", path);
	if (root) {
		test_psk(root);
		test_x25519(root);
		json_object_put(root);
	}
	if (mkdtemp(tmpdir)) {
		test_keyfile_load();
		test_keyfile_write();
		rm_dir(tmpdir);
	} else {
		ok(0, "mkdtemp");
	}
	test_noise_args();
	return tap_done();
}
