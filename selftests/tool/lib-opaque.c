// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libpmhs's OPAQUE parts that need no module: the KSF
 * against libsodium's Argon2id (an implementation of its own), the
 * Identity KSF and the parameter checks; server setup files (format,
 * modes, no overwrite); the record store (round trips, binary and long
 * identifiers, swapped and damaged files, modes, replace); base64url
 * against RFC 4648's vectors and OpenSSL's base64. TAP output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <pmhs/pmhs.h>
#include "tap.h"

static const uint8_t zero64[64];

/* ---- the KSF ---- */

/* libsodium's Argon2id v1.3 with OPAQUE's salt: 16 zero bytes, 64 bytes out, one lane. */
static int sodium_ksf(const uint8_t in[64], uint32_t m_kib, uint32_t t, uint8_t out[64])
{
	static const uint8_t salt[crypto_pwhash_SALTBYTES];

	return crypto_pwhash(out, 64, (const char *)in, 64, salt, t, (size_t)m_kib * 1024,
			     crypto_pwhash_ALG_ARGON2ID13);
}

static struct pmhs_opaque_ksf ksf(uint32_t m_kib, uint32_t t, uint32_t p, uint32_t flags)
{
	struct pmhs_opaque_ksf k;

	PMHS_INIT(k);
	k.m_kib = m_kib;
	k.t = t;
	k.p = p;
	k.flags = flags;
	return k;
}

static void test_ksf(void)
{
	static const uint32_t sets[][2] = {
		{ 8, 1 }, { 8, 3 }, { 64, 1 }, { 256, 2 }, { 1000, 1 }, { 1024, 4 }, { 4096, 3 },
	};
	uint8_t in[64], in2[64], out[64], want[64], out2[64];
	struct pmhs_opaque_ksf k;

	RAND_bytes(in, sizeof(in));
	memcpy(in2, in, sizeof(in));
	in2[63] ^= 1;

	ok(sizeof(struct pmhs_opaque_ksf) == 20, "ksf: the struct is 5 u32 (%zu bytes)",
	   sizeof(struct pmhs_opaque_ksf));
	ok(pmhs_opaque_ksf(NULL, in, out) == 0 &&
	   sodium_ksf(in, 19456, 2, want) == 0 && !memcmp(out, want, 64),
	   "ksf: NULL is Argon2id m=19456 t=2 p=1 (opaque-ke's default), as libsodium's");
	k = ksf(PMHS_OPAQUE_KSF_M_KIB, PMHS_OPAQUE_KSF_T, PMHS_OPAQUE_KSF_P, 0);
	ok(k.m_kib == 19456 && k.t == 2 && k.p == 1 && pmhs_opaque_ksf(&k, in, out2) == 0 &&
	   !memcmp(out2, want, 64), "ksf: the PMHS_OPAQUE_KSF_* defaults spelled out are the same");
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		int r;

		k = ksf(sets[i][0], sets[i][1], 1, 0);
		memset(out, 0, 64);
		r = pmhs_opaque_ksf(&k, in, out);
		ok(r == 0 && sodium_ksf(in, sets[i][0], sets[i][1], want) == 0 &&
		   !memcmp(out, want, 64), "ksf: m=%u t=%u p=1 as libsodium's", sets[i][0],
		   sets[i][1]);
	}
	/* Several inputs, including all zeros: no input is special. */
	for (int i = 0; i < 4; i++) {
		uint8_t x[64];

		if (i)
			RAND_bytes(x, sizeof(x));
		else
			memset(x, 0, sizeof(x));
		k = ksf(32, 1, 1, 0);
		ok(pmhs_opaque_ksf(&k, x, out) == 0 && sodium_ksf(x, 32, 1, want) == 0 &&
		   !memcmp(out, want, 64), "ksf: input %d (m=32 t=1) as libsodium's", i);
	}
	k = ksf(64, 1, 1, 0);
	pmhs_opaque_ksf(&k, in, out);
	ok(pmhs_opaque_ksf(&k, in2, out2) == 0 && memcmp(out, out2, 64),
	   "ksf: one input bit flipped changes the output");
	memcpy(out2, in, 64);
	ok(pmhs_opaque_ksf(&k, out2, out2) == 0 && !memcmp(out, out2, 64),
	   "ksf: out may be in");
	/* libsodium has one lane only: p > 1 is checked to count and be stable. */
	k = ksf(64, 1, 2, 0);
	ok(pmhs_opaque_ksf(&k, in, out2) == 0 && memcmp(out, out2, 64) &&
	   pmhs_opaque_ksf(&k, in, want) == 0 && !memcmp(out2, want, 64),
	   "ksf: p=2 is another output than p=1, and the same twice");
	k = ksf(8 * 64, 1, 64, 0);
	ok(pmhs_opaque_ksf(&k, in, out) == 0, "ksf: p=64 with m=8*p runs");

	k = ksf(0, 0, 0, PMHS_OPAQUE_KSF_F_IDENTITY);
	memset(out, 0, 64);
	ok(pmhs_opaque_ksf(&k, in, out) == 0 && !memcmp(out, in, 64),
	   "ksf: PMHS_OPAQUE_KSF_F_IDENTITY is the Identity KSF (out = in)");
	memcpy(out, in, 64);
	ok(pmhs_opaque_ksf(&k, out, out) == 0 && !memcmp(out, in, 64),
	   "ksf: Identity in place");

	/* Refusals leave @out alone: no half-stretched value to mistake for one. */
	{
		static const struct {
			uint32_t m, t, p, flags;
			const char *what;
		} bad[] = {
			{ 0, 0, 0, 0, "all zero" },
			{ 0, 2, 1, 0, "m=0" },
			{ 19456, 0, 1, 0, "t=0" },
			{ 19456, 2, 0, 0, "p=0" },
			{ 7, 1, 1, 0, "m=7 < 8*p" },
			{ 15, 1, 2, 0, "m=15 < 8*p (p=2)" },
			{ 4194305, 1, 1, 0, "m above 4 GiB" },
			{ 64, 1001, 1, 0, "t=1001" },
			{ 65 * 8, 1, 65, 0, "p=65" },
			{ 64, 1, 1, 2, "an unknown flag" },
			{ 64, 1, 1, PMHS_OPAQUE_KSF_F_IDENTITY, "Identity with parameters" },
			{ 0, 1, 0, PMHS_OPAQUE_KSF_F_IDENTITY, "Identity with t" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			k = ksf(bad[i].m, bad[i].t, bad[i].p, bad[i].flags);
			memset(out, 0xa5, 64);
			ok(pmhs_opaque_ksf(&k, in, out) == -EINVAL && out[0] == 0xa5 &&
			   out[63] == 0xa5, "ksf: %s is -EINVAL", bad[i].what);
		}
	}
	k = ksf(64, 1, 1, 0);
	k.size = 16;
	ok(pmhs_opaque_ksf(&k, in, out) == -EINVAL, "ksf: a size below the struct's is -EINVAL");
	k.size = 0;
	ok(pmhs_opaque_ksf(&k, in, out) == -EINVAL, "ksf: size 0 (PMHS_INIT forgotten) is -EINVAL");
	ok(pmhs_opaque_ksf(NULL, NULL, out) == -EINVAL && pmhs_opaque_ksf(NULL, in, NULL) == -EINVAL,
	   "ksf: NULL in or out is -EINVAL");
	(void)zero64;
}

/* ---- files ---- */

static char tmpdir[] = "/tmp/pmhs-lib-opaque.XXXXXX";

static char *tpath(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void put_path(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		perror(path);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static void put_file(const char *name, const char *data, mode_t mode)
{
	put_path(tpath(name), data, strlen(data), mode);
}

/* The whole file, NUL-terminated, or "" if it cannot be read. */
static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : (int)(st.st_mode & 07777);
}

/* ---- server setup files ---- */

static int load_setup(const char *name, uint8_t s[PMHS_OPAQUE_SETUP_LEN], char *err, size_t len)
{
	err[0] = '\0';
	return pmhs_opaque_setup_load_file(tpath(name), s, err, len);
}

static void test_setup(void)
{
	uint8_t a[PMHS_OPAQUE_SETUP_LEN], b[PMHS_OPAQUE_SETUP_LEN], back[PMHS_OPAQUE_SETUP_LEN];
	char hex[2 * PMHS_OPAQUE_SETUP_LEN + 1], buf[1024], err[512], *p = tpath("setup");
	int r;

	ok(pmhs_opaque_setup_generate(a) == 0 && pmhs_opaque_setup_generate(b) == 0 &&
	   memcmp(a, b, sizeof(a)) && memcmp(a, zero64, 64),
	   "setup: two generated setups differ (and are not zeros)");
	ok(pmhs_opaque_setup_generate(NULL) == -EINVAL, "setup: generate(NULL) is -EINVAL");

	umask(022);
	err[0] = '\0';
	ok(pmhs_opaque_setup_write_file(p, a, 0, err, sizeof(err)) == 0, "setup: write (%s)", err);
	ok(mode_of(p) == 0600, "setup: written mode 0600 (umask 022)");
	pmhs_hex_encode(hex, a, sizeof(a));
	snprintf(buf, sizeof(buf), "%s\n", hex);
	ok(!strcmp(slurp(p), buf), "setup: the file is 256 lowercase hex digits and a newline");
	ok(pmhs_opaque_setup_load_file(p, back, err, sizeof(err)) == 0 && !memcmp(back, a, sizeof(a)),
	   "setup: write then load round-trips");
	ok(pmhs_opaque_setup_write_file(p, b, 0, err, sizeof(err)) == -EEXIST &&
	   strstr(err, "not overwriting"), "setup: an existing file is -EEXIST (%s)", err);
	ok(pmhs_opaque_setup_load_file(p, back, err, sizeof(err)) == 0 && !memcmp(back, a, sizeof(a)),
	   "setup: and is untouched");
	ok(pmhs_opaque_setup_write_file(p, b, PMHS_WRITE_REPLACE, err, sizeof(err)) == 0 &&
	   pmhs_opaque_setup_load_file(p, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, b, sizeof(b)), "setup: PMHS_WRITE_REPLACE replaces it");
	ok(symlink("nowhere", tpath("setup-link")) == 0 &&
	   pmhs_opaque_setup_write_file(tpath("setup-link"), a, 0, err, sizeof(err)) == -EEXIST &&
	   mode_of(tpath("nowhere")) < 0, "setup: a dangling symlink is not written through");
	ok(pmhs_opaque_setup_write_file(tpath("nodir/s"), a, 0, err, sizeof(err)) == -ENOENT,
	   "setup: a missing directory is -ENOENT (%s)", err);
	ok(pmhs_opaque_setup_write_file(p, a, 0x80, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_setup_write_file(p, NULL, 0, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_setup_write_file(NULL, a, 0, NULL, 0) == -EINVAL,
	   "setup: unknown flags, NULL setup or path are -EINVAL");

	/* What a person may have made with an editor. */
	put_file("bare", hex, 0400);
	ok(load_setup("bare", back, err, sizeof(err)) == 0 && !memcmp(back, a, sizeof(a)),
	   "setup: without the newline, mode 0400, loads");
	snprintf(buf, sizeof(buf), "%s\r\n", hex);
	put_file("crlf", buf, 0600);
	ok(load_setup("crlf", back, err, sizeof(err)) == 0 && !memcmp(back, a, sizeof(a)),
	   "setup: a CRLF line end is forgiven");
	for (size_t i = 0; i < 256; i++)
		buf[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	buf[256] = '\0';
	put_file("upper", buf, 0600);
	ok(load_setup("upper", back, err, sizeof(err)) == 0 && !memcmp(back, a, sizeof(a)),
	   "setup: uppercase hex loads");

	snprintf(buf, sizeof(buf), "%.199sxz%s\n", hex, hex + 201);
	put_file("badhex", buf, 0600);
	memset(back, 0xaa, sizeof(back));
	r = load_setup("badhex", back, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "character 200 is not a hex digit") &&
	   strstr(err, "256 hex digits") && !strstr(err, "'x'"),
	   "setup: a non-hex digit is -EBADMSG, says where, quotes none of it (%s)", err);
	ok(!memcmp(back, zero64, 64) && !memcmp(back + 64, zero64, 64),
	   "setup: a failed load leaves zeros");
	snprintf(buf, sizeof(buf), "%.254s\n", hex);
	put_file("short", buf, 0600);
	r = load_setup("short", back, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "not 254") && strstr(err, "pmhs-ctl opaque setup"),
	   "setup: 254 digits are -EBADMSG and say what it must be (%s)", err);
	snprintf(buf, sizeof(buf), "%s00\n", hex);
	put_file("long", buf, 0600);
	ok(load_setup("long", back, err, sizeof(err)) == -EBADMSG && strstr(err, "not 258"),
	   "setup: 258 digits are -EBADMSG (%s)", err);
	snprintf(buf, sizeof(buf), "%s%s\n", hex, hex);
	put_file("double", buf, 0600);
	ok(load_setup("double", back, err, sizeof(err)) == -EBADMSG && strstr(err, "at least"),
	   "setup: a much longer file is -EBADMSG (%s)", err);
	pmhs_x25519_generate(b);
	pmhs_hex_encode(buf, b, 32);
	put_file("x25519", buf, 0600);
	ok(load_setup("x25519", back, err, sizeof(err)) == -EBADMSG && strstr(err, "not 64"),
	   "setup: an X25519 key file is -EBADMSG (%s)", err);
	snprintf(buf, sizeof(buf), "%s\n\n", hex);
	put_file("twonl", buf, 0600);
	ok(load_setup("twonl", back, err, sizeof(err)) == -EBADMSG,
	   "setup: a second newline is -EBADMSG");
	put_file("empty", "", 0600);
	ok(load_setup("empty", back, err, sizeof(err)) == -EBADMSG && strstr(err, "not 0"),
	   "setup: an empty file is -EBADMSG (%s)", err);

	snprintf(buf, sizeof(buf), "%s\n", hex);
	put_file("m644", buf, 0644);
	r = load_setup("m644", back, err, sizeof(err));
	ok(r == -EACCES && strstr(err, "0644") && strstr(err, "chmod 600") &&
	   strstr(err, "register again"), "setup: mode 0644 is refused with how to fix it (%s)", err);
	put_file("m640", buf, 0640);
	ok(load_setup("m640", back, err, sizeof(err)) == -EACCES, "setup: mode 0640 is refused");
	put_file("m604", buf, 0604);
	ok(load_setup("m604", back, err, sizeof(err)) == -EACCES, "setup: mode 0604 is refused");
	put_file("m620", buf, 0620);
	ok(load_setup("m620", back, err, sizeof(err)) == -EACCES,
	   "setup: mode 0620 (others may replace it) is refused");
	ok(load_setup("missing", back, err, sizeof(err)) == -ENOENT && strstr(err, "missing"),
	   "setup: a missing file is -ENOENT naming it (%s)", err);
	mkdir(tpath("sdir"), 0700);
	ok(load_setup("sdir", back, err, sizeof(err)) == -EISDIR, "setup: a directory is -EISDIR");
	ok(pmhs_opaque_setup_load_file(NULL, back, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_setup_load_file(p, NULL, NULL, 0) == -EINVAL,
	   "setup: NULL arguments are -EINVAL (err may be NULL)");
}

/* ---- the record store ---- */

static void record_file(const char *dir, const void *id, size_t len, char *out)
{
	uint8_t h[32];
	char hex[65];

	SHA256(id, len, h);
	pmhs_hex_encode(hex, h, 32);
	snprintf(out, PATH_MAX, "%s/%s", dir, hex);
}

static void test_store(void)
{
	uint8_t rec[PMHS_OPAQUE_RECORD_LEN], rec2[PMHS_OPAQUE_RECORD_LEN];
	uint8_t back[PMHS_OPAQUE_RECORD_LEN], longid[PMHS_OPAQUE_CRED_ID_MAX + 1];
	static const uint8_t binid[] = { 0, 0xff, '\n', '/', 0, 'a', 0x80 };
	char dir[PATH_MAX], path[PATH_MAX], path2[PATH_MAX], err[1024], want[2048];
	char b64id[64], b64rec[300], *text;
	int r;

	RAND_bytes(rec, sizeof(rec));
	RAND_bytes(rec2, sizeof(rec2));
	RAND_bytes(longid, sizeof(longid));
	snprintf(dir, sizeof(dir), "%s", tpath("store/opaque"));

	err[0] = '\0';
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == -ENOENT &&
	   strstr(err, "no OPAQUE record store"), "store: get from a missing store is -ENOENT (%s)",
	   err);
	err[0] = '\0';
	ok(pmhs_opaque_store_put(dir, "alice", 5, rec, 0, err, sizeof(err)) == 0,
	   "store: put makes the store (%s)", err);
	ok(mode_of(dir) == 0700 && mode_of(tpath("store")) == 0700,
	   "store: its directories are made 0700");
	record_file(dir, "alice", 5, path);
	ok(mode_of(path) == 0600, "store: the record file is named by SHA-256 of the id, mode 0600");
	pmhs_b64url_encode("alice", 5, b64id, sizeof(b64id));
	pmhs_b64url_encode(rec, sizeof(rec), b64rec, sizeof(b64rec));
	snprintf(want, sizeof(want), "pmhs-opaque-record 1\ncredential-id %s\nrecord %s\n", b64id,
		 b64rec);
	ok(!strcmp(slurp(path), want), "store: the file is the three versioned lines");
	memset(back, 0, sizeof(back));
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec, sizeof(rec)), "store: get gives the record back");
	ok(pmhs_opaque_store_get(dir, "alic", 4, back, err, sizeof(err)) == -ENOENT &&
	   pmhs_opaque_store_get(dir, "alice\0", 6, back, err, sizeof(err)) == -ENOENT &&
	   strstr(err, "no OPAQUE record"), "store: a prefix or a longer id is another user (%s)",
	   err);

	r = pmhs_opaque_store_put(dir, "alice", 5, rec2, 0, err, sizeof(err));
	ok(r == -EEXIST && strstr(err, "PMHS_WRITE_REPLACE"),
	   "store: put over a record is -EEXIST, says how to replace (%s)", err);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec, sizeof(rec)), "store: and the record is untouched");
	ok(pmhs_opaque_store_put(dir, "alice", 5, rec2, PMHS_WRITE_REPLACE, err, sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec2, sizeof(rec2)) && mode_of(path) == 0600,
	   "store: PMHS_WRITE_REPLACE re-registers");

	ok(pmhs_opaque_store_put(dir, binid, sizeof(binid), rec, 0, err, sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, binid, sizeof(binid), back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec, sizeof(rec)), "store: a binary id (NUL, '/', newline, 0xff) round-trips");
	err[0] = '\0';
	ok(pmhs_opaque_store_put(dir, longid, PMHS_OPAQUE_CRED_ID_MAX, rec2, 0, err,
				 sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, longid, PMHS_OPAQUE_CRED_ID_MAX, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec2, sizeof(rec2)), "store: a 1024-byte id round-trips (%s)", err);
	ok(pmhs_opaque_store_get(dir, longid, PMHS_OPAQUE_CRED_ID_MAX - 1, back, err,
				 sizeof(err)) == -ENOENT, "store: its 1023-byte prefix is not it");
	r = pmhs_opaque_store_put(dir, longid, PMHS_OPAQUE_CRED_ID_MAX + 1, rec, 0, err, sizeof(err));
	ok(r == -EINVAL && strstr(err, "1 to 1024 bytes"), "store: 1025 bytes are -EINVAL (%s)", err);
	ok(pmhs_opaque_store_put(dir, "x", 0, rec, 0, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_get(dir, "x", 0, back, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_del(dir, "x", 0, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_get(dir, NULL, 3, back, err, sizeof(err)) == -EINVAL,
	   "store: an empty or NULL id is -EINVAL");
	ok(pmhs_opaque_store_put(NULL, "a", 1, rec, 0, NULL, 0) == -EINVAL &&
	   pmhs_opaque_store_put(dir, "a", 1, NULL, 0, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_put(dir, "a", 1, rec, 2, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_get("", "a", 1, back, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_get(dir, "a", 1, NULL, err, sizeof(err)) == -EINVAL &&
	   pmhs_opaque_store_del(NULL, "a", 1, err, sizeof(err)) == -EINVAL,
	   "store: NULL dir or record, unknown flags are -EINVAL (err may be NULL)");

	/* Swapping: bob's file renamed to alice's name is refused for alice. */
	ok(pmhs_opaque_store_put(dir, "bob", 3, rec, 0, err, sizeof(err)) == 0,
	   "store: put bob");
	record_file(dir, "bob", 3, path2);
	ok(rename(path2, path) == 0, "store: bob's file renamed over alice's");
	r = pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "another credential identifier"),
	   "store: get(alice) of bob's record is -EBADMSG and says why (%s)", err);
	ok(pmhs_opaque_store_del(dir, "alice", 5, err, sizeof(err)) == -EBADMSG &&
	   mode_of(path) == 0600, "store: del(alice) refuses to delete bob's record too");
	ok(pmhs_opaque_store_get(dir, "bob", 3, back, err, sizeof(err)) == -ENOENT,
	   "store: bob has no record under his own name now");
	ok(pmhs_opaque_store_put(dir, "alice", 5, rec2, PMHS_WRITE_REPLACE, err, sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0 &&
	   !memcmp(back, rec2, sizeof(rec2)), "store: re-registering alice repairs it");

	/* del */
	ok(pmhs_opaque_store_del(dir, binid, sizeof(binid), err, sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, binid, sizeof(binid), back, err, sizeof(err)) == -ENOENT,
	   "store: del, then get is -ENOENT");
	ok(pmhs_opaque_store_del(dir, binid, sizeof(binid), err, sizeof(err)) == -ENOENT,
	   "store: del of nothing is -ENOENT");
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0,
	   "store: others' records stay");
	ok(pmhs_opaque_store_put(dir, binid, sizeof(binid), rec, 0, err, sizeof(err)) == 0,
	   "store: put after del needs no flag");

	/* Damaged files: every one refused, none half-read. */
	{
		static const struct {
			const char *fmt, *what, *say;
		} bad[] = {
			{ "pmhs-opaque-record 2\ncredential-id %s\nrecord %s\n", "version 2",
			  "first line" },
			{ "credential-id %s\nrecord %s\n", "no header", "first line" },
			{ "pmhs-opaque-record 1\ncredential-id %s\nrecord %s", "no last newline",
			  "line 3" },
			{ "pmhs-opaque-record 1\ncredential-id %s\nrecord %s\n\n", "an extra line",
			  "more after line 3" },
			{ "pmhs-opaque-record 1\ncredential-id %s\nrecord %sAA\n", "193 bytes",
			  "192 bytes" },
			{ "pmhs-opaque-record 1\ncredential-id %s\nrecord %.252s\n", "189 bytes",
			  "192 bytes" },
			{ "pmhs-opaque-record 1\ncredential-id %s==\nrecord %s\n", "bad padding",
			  "padding" },
			{ "pmhs-opaque-record 1\ncredential-id  %s\nrecord %s\n", "two spaces",
			  "position 1" },
			{ "pmhs-opaque-record 1\nrecord %s\ncredential-id %s\n", "lines swapped",
			  "line 2" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			text = want;
			/* The formats are this table's, each with the two %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(text, sizeof(want), bad[i].fmt, b64id, b64rec);
#pragma GCC diagnostic pop
			put_path(path, text, strlen(text), 0600);
			memset(back, 0x5a, sizeof(back));
			r = pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err));
			ok(r == -EBADMSG && strstr(err, bad[i].say) &&
			   strstr(err, "register again") && back[0] == 0x5a,
			   "store: a file with %s is -EBADMSG (%s)", bad[i].what, err);
		}
	}
	text = want;
	memset(text, 'A', 1900);
	put_path(path, text, 1900, 0600);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == -EBADMSG &&
	   strstr(err, "too big"), "store: an oversized file is -EBADMSG (%s)", err);
	unlink(path);
	ok(symlink(path2, path) == 0 && pmhs_opaque_store_put(dir, "bob", 3, rec, 0, err,
							       sizeof(err)) == 0 &&
	   pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == -ELOOP &&
	   strstr(err, "symbolic link"), "store: a symlink is not followed (%s)", err);
	unlink(path);

	/* Permissions: whoever can write may swap records. */
	ok(pmhs_opaque_store_put(dir, "alice", 5, rec, 0, err, sizeof(err)) == 0,
	   "store: put alice again");
	chmod(path, 0644);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0,
	   "store: a record others can read is fine (records are not secret)");
	chmod(path, 0620);
	r = pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err));
	ok(r == -EACCES && strstr(err, "chmod go-w") && strstr(err, "0620"),
	   "store: a group-writable record is -EACCES, says how to fix (%s)", err);
	chmod(path, 0602);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == -EACCES,
	   "store: an other-writable record is -EACCES");
	chmod(path, 0600);
	chmod(dir, 0770);
	r = pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err));
	ok(r == -EACCES && strstr(err, "chmod go-w") && strstr(err, dir),
	   "store: a group-writable store is -EACCES, says how to fix (%s)", err);
	ok(pmhs_opaque_store_put(dir, "carol", 5, rec, 0, err, sizeof(err)) == -EACCES &&
	   pmhs_opaque_store_del(dir, "alice", 5, err, sizeof(err)) == -EACCES,
	   "store: put and del refuse it too");
	chmod(dir, 0703);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == -EACCES,
	   "store: an other-writable store is -EACCES");
	chmod(dir, 0755);
	ok(pmhs_opaque_store_get(dir, "alice", 5, back, err, sizeof(err)) == 0,
	   "store: a store others can read is fine");
	chmod(dir, 0700);
	put_file("notdir", "x", 0600);
	ok(pmhs_opaque_store_put(tpath("notdir"), "a", 1, rec, 0, err, sizeof(err)) == -ENOTDIR &&
	   pmhs_opaque_store_get(tpath("notdir"), "a", 1, back, err, sizeof(err)) == -ENOTDIR,
	   "store: a file as the store is -ENOTDIR (%s)", err);
	ok(pmhs_opaque_store_put(tpath("notdir/sub"), "a", 1, rec, 0, err, sizeof(err)) == -ENOTDIR,
	   "store: a file in the store's path is -ENOTDIR (%s)", err);
}

/* ---- base64url ---- */

/* @s for a test's name: C escapes for what is not printable ASCII. */
static const char *shown(const char *s)
{
	static char buf[128];
	size_t o = 0;

	for (; *s && o < sizeof(buf) - 5; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, c == '\n' ? "\\n" :
					      c == ' ' ? " " : "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

static void test_b64url(void)
{
	static const char *const rfc[][2] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *const padded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					       "Zm9vYmFy" };
	uint8_t buf[600], in[600];
	char enc[900], ref[900], err[512];
	ssize_t n;
	int good = 0, r;

	for (size_t i = 0; i < 7; i++) {
		size_t len = strlen(rfc[i][0]);

		n = pmhs_b64url_encode(rfc[i][0], len, enc, sizeof(enc));
		ok(n == (ssize_t)strlen(rfc[i][1]) && !strcmp(enc, rfc[i][1]) &&
		   (size_t)n == PMHS_B64URL_LEN(len), "b64url: encode \"%s\" is \"%s\"", rfc[i][0],
		   rfc[i][1]);
		n = pmhs_b64url_decode(rfc[i][1], strlen(rfc[i][1]), buf, sizeof(buf), err,
				       sizeof(err));
		ok(n == (ssize_t)len && !memcmp(buf, rfc[i][0], len), "b64url: decode \"%s\"",
		   rfc[i][1]);
		n = pmhs_b64url_decode(padded[i], strlen(padded[i]), buf, sizeof(buf), err,
				       sizeof(err));
		ok(n == (ssize_t)len && !memcmp(buf, rfc[i][0], len),
		   "b64url: decode padded \"%s\"", padded[i]);
	}
	n = pmhs_b64url_encode("\xfb\xff\xbf", 3, enc, sizeof(enc));
	ok(n == 4 && !strcmp(enc, "-_-_"), "b64url: 62 and 63 are '-' and '_' (%s)", enc);
	ok(pmhs_b64url_decode("-_-_", 4, buf, sizeof(buf), err, sizeof(err)) == 3 &&
	   !memcmp(buf, "\xfb\xff\xbf", 3), "b64url: and decode back");

	/* Every length 0..600 against OpenSSL's base64, translated. */
	for (size_t len = 0; len <= sizeof(in); len++) {
		size_t k;

		RAND_bytes(in, (int)len);
		EVP_EncodeBlock((unsigned char *)ref, in, (int)len);
		for (k = 0; ref[k] && ref[k] != '='; k++)
			ref[k] = ref[k] == '+' ? '-' : ref[k] == '/' ? '_' : ref[k];
		ref[k] = '\0';
		n = pmhs_b64url_encode(in, len, enc, sizeof(enc));
		if (n != (ssize_t)k || strcmp(enc, ref))
			continue;
		n = pmhs_b64url_decode(enc, (size_t)n, buf, sizeof(buf), err, sizeof(err));
		if (n == (ssize_t)len && !memcmp(buf, in, len))
			good++;
	}
	ok(good == (int)sizeof(in) + 1, "b64url: lengths 0..600 as OpenSSL's base64 (url "
	   "alphabet, no '='), and back (%d)", good);

	ok(pmhs_b64url_encode("foo", 3, enc, 4) == -ENOSPC &&
	   pmhs_b64url_encode("foo", 3, enc, 5) == 4, "b64url: encode needs room for the NUL");
	ok(pmhs_b64url_encode(NULL, 1, enc, 9) == -EINVAL &&
	   pmhs_b64url_encode("a", 1, NULL, 9) == -EINVAL &&
	   pmhs_b64url_encode(NULL, 0, enc, 9) == 0 && !enc[0],
	   "b64url: encode NULL with a length is -EINVAL; NULL, 0 is \"\"");
	r = (int)pmhs_b64url_decode("Zm9vYmFy", 8, buf, 5, err, sizeof(err));
	ok(r == -ENOSPC && pmhs_b64url_decode("Zm9vYmFy", 8, buf, 6, err, sizeof(err)) == 6,
	   "b64url: decode into too small a buffer is -ENOSPC (%s)", err);

	{
		static const struct {
			const char *in, *say;
		} bad[] = {
			{ "Zm9+YmFy", "position 4: '+' (that is standard base64" },
			{ "Zm9vYm/y", "position 7: '/'" },
			{ "Zm9v YmFy", "position 5: byte 0x20" },
			{ "Zm9vYmFy\n", "position 9: byte 0x0a" },
			{ "Zm9vY\xc3\xa9", "position 6: byte 0xc3" },
			{ "Zg=", "padding" },
			{ "Zg===", "padding" },
			{ "Zm8==", "padding" },
			{ "Zm9v=", "padding" },
			{ "=", "padding" },
			{ "Zg==Zg==", "position 3: '=' (padding goes only at the end)" },
			{ "Z", "a length of 1 is one character too many" },
			{ "Zm9vY", "a length of 5" },
			{ "Zh", "position 2: the last character's unused bits" },
			{ "Zm9", "position 3: the last character's unused bits" },
			{ "Zh==", "unused bits" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			err[0] = '\0';
			n = pmhs_b64url_decode(bad[i].in, strlen(bad[i].in), buf, sizeof(buf), err,
					       sizeof(err));
			ok(n == -EINVAL && strstr(err, bad[i].say), "b64url: \"%s\" is refused (%s)",
			   shown(bad[i].in), err);
		}
	}
	ok(pmhs_b64url_decode(NULL, 0, NULL, 0, err, sizeof(err)) == 0 &&
	   pmhs_b64url_decode(NULL, 2, buf, 9, NULL, 0) == -EINVAL,
	   "b64url: decode of nothing is 0 bytes; NULL with a length is -EINVAL");
	/* Base64url of a 192-byte record is 256 characters, as the store writes it. */
	ok(PMHS_B64URL_LEN(PMHS_OPAQUE_RECORD_LEN) == 256 && PMHS_B64URL_LEN(96) == 128 &&
	   PMHS_B64URL_LEN(320) == 427, "b64url: PMHS_B64URL_LEN of OPAQUE's message sizes");
}

static int rm_dir(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	if (sodium_init() < 0) {
		printf("Bail out! sodium_init failed\n");
		return 1;
	}
	test_ksf();
	if (mkdtemp(tmpdir)) {
		test_setup();
		test_store();
		rm_dir(tmpdir);
	} else {
		ok(0, "mkdtemp");
	}
	test_b64url();
	return tap_done();
}
