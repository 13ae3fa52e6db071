// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE's userspace parts, no module needed: server setup files (the
 * 128 bytes of seeds the module derives its keys from), the KSF (Argon2id
 * through libargon2, or Identity), the registration record store, and
 * base64url without padding for the messages.
 */
#define _GNU_SOURCE	/* strchrnul */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argon2.h>
#include <openssl/sha.h>

#include "internal.h"

#define errf(...) pmhs_errf(err, err_len, __VA_ARGS__)

/* ---- base64url (RFC 4648 section 5) ---- */

static const char b64url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

PMHS_API ssize_t pmhs_b64url_encode(const void *in, size_t len, char *out, size_t out_max)
{
	const uint8_t *p = in;
	size_t o = 0, n;

	if ((!in && len) || !out || len > SIZE_MAX / 4 - 1)
		return -EINVAL;
	n = PMHS_B64URL_LEN(len);
	if (out_max < n + 1)
		return -ENOSPC;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		out[o++] = b64url_alphabet[v >> 18];
		out[o++] = b64url_alphabet[(v >> 12) & 63];
		if (left > 1)
			out[o++] = b64url_alphabet[(v >> 6) & 63];
		if (left > 2)
			out[o++] = b64url_alphabet[v & 63];
	}
	out[o] = '\0';
	return (ssize_t)o;
}

/* Printable for a message: the byte itself if it is, else its value. */
static void describe(char *buf, size_t n, unsigned char c)
{
	if (c > ' ' && c < 0x7f)
		snprintf(buf, n, "'%c'", c);
	else
		snprintf(buf, n, "byte 0x%02x", c);
}

PMHS_API ssize_t pmhs_b64url_decode(const char *in, size_t len, void *out, size_t out_max,
				    char *err, size_t err_len)
{
	uint8_t *o = out;
	size_t data = len, n, w = 0;
	uint32_t acc = 0;
	int bits = 0;
	char what[16];

	if ((!in && len) || (!out && out_max)) {
		errf("pmhs_b64url_decode: invalid argument");
		return -EINVAL;
	}
	/* Padding, if any, makes whole groups of four and is one or two '='. */
	while (data && in[data - 1] == '=' && len - data < 2)
		data--;
	if (data < len && (len % 4 || data % 4 == 0 || data % 4 == 1)) {
		errf("base64url: wrong padding: %zu '=' after %zu characters (padding fills "
		     "the last group of four; it may also be left out)", len - data, data);
		return -EINVAL;
	}
	for (size_t i = 0; i < data; i++) {
		if (b64url_val((unsigned char)in[i]) < 0) {
			describe(what, sizeof(what), (unsigned char)in[i]);
			errf("base64url: not a base64url character at position %zu: %s%s", i + 1,
			     what, in[i] == '+' || in[i] == '/' ?
			     " (that is standard base64; base64url has '-' and '_')" :
			     in[i] == '=' ? " (padding goes only at the end)" : "");
			return -EINVAL;
		}
	}
	if (data % 4 == 1) {
		errf("base64url: a length of %zu is one character too many or too few "
		     "(base64url is never 4n+1 characters long)", data);
		return -EINVAL;
	}
	n = data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0);
	if (n > out_max) {
		errf("base64url: %zu bytes do not fit in %zu", n, out_max);
		return -ENOSPC;
	}
	for (size_t i = 0; i < data; i++) {
		acc = acc << 6 | (uint32_t)b64url_val((unsigned char)in[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[w++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Another encoding of the same bytes would let messages differ unseen. */
	if (acc) {
		errf("base64url: position %zu: the last character's unused bits are not zero "
		     "(not the canonical encoding)", data);
		explicit_bzero(out, n);
		return -EINVAL;
	}
	return (ssize_t)w;
}

/* ---- server setup files ---- */

static int fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = getrandom(p + got, len - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			explicit_bzero(buf, len);
			return (int)r;
		}
		got += (size_t)r;
	}
	return 0;
}

PMHS_API int pmhs_opaque_setup_generate(uint8_t setup[PMHS_OPAQUE_SETUP_LEN])
{
	if (!setup)
		return -EINVAL;
	return fill_random(setup, PMHS_OPAQUE_SETUP_LEN);
}

static const struct pmhs_hexfile setup_file = {
	.kind = "an OPAQUE server setup file",
	.holds = "256 hex digits (the OPRF seed and the AKE and fake-record key seeds, as "
		 "`pmhs-ctl opaque setup` writes them)",
	/* whoever read them can impersonate the server and attack every record offline */
	.secret = "the server's secret seeds",
	.remedy = "make a new setup, and every user has to register again",
};

PMHS_API int pmhs_opaque_setup_load_file(const char *path, uint8_t setup[PMHS_OPAQUE_SETUP_LEN],
					 char *err, size_t err_len)
{
	if (!path || !setup) {
		errf("pmhs_opaque_setup_load_file: invalid argument");
		return -EINVAL;
	}
	return pmhs_hexfile_load(path, setup, PMHS_OPAQUE_SETUP_LEN, &setup_file, err, err_len);
}

PMHS_API int pmhs_opaque_setup_write_file(const char *path,
					  const uint8_t setup[PMHS_OPAQUE_SETUP_LEN],
					  unsigned int flags, char *err, size_t err_len)
{
	char hex[2 * PMHS_OPAQUE_SETUP_LEN + 2];
	int ret;

	if (!path || !setup || (flags & ~PMHS_WRITE_REPLACE)) {
		errf("pmhs_opaque_setup_write_file: invalid argument");
		return -EINVAL;
	}
	pmhs_hex_encode(hex, setup, PMHS_OPAQUE_SETUP_LEN);
	hex[2 * PMHS_OPAQUE_SETUP_LEN] = '\n';
	ret = pmhs_write_atomic(path, hex, sizeof(hex) - 1, 0600, flags, err, err_len);
	explicit_bzero(hex, sizeof(hex));
	return ret;
}

/* ---- the KSF ---- */

PMHS_API int pmhs_opaque_ksf(const struct pmhs_opaque_ksf *k,
			     const uint8_t in[PMHS_OPAQUE_HASH_LEN],
			     uint8_t out[PMHS_OPAQUE_HASH_LEN])
{
	/* RFC 9807's KSF takes no salt: opaque-ke passes 16 zero bytes. */
	static const uint8_t salt[16];
	uint32_t m = PMHS_OPAQUE_KSF_M_KIB, t = PMHS_OPAQUE_KSF_T, p = PMHS_OPAQUE_KSF_P;
	uint8_t buf[PMHS_OPAQUE_HASH_LEN];
	int r;

	if (!in || !out)
		return -EINVAL;
	if (k) {
		if (!PMHS_SIZE_OK(k, sizeof(*k)) || (k->flags & ~PMHS_OPAQUE_KSF_F_IDENTITY))
			return -EINVAL;
		if (k->flags & PMHS_OPAQUE_KSF_F_IDENTITY) {
			/* Parameters with Identity would mean the caller expects a cost. */
			if (k->m_kib || k->t || k->p)
				return -EINVAL;
			memmove(out, in, PMHS_OPAQUE_HASH_LEN);
			return 0;
		}
		m = k->m_kib;
		t = k->t;
		p = k->p;
		if (p < 1 || p > PMHS_OPAQUE_KSF_P_MAX || t < 1 || t > PMHS_OPAQUE_KSF_T_MAX ||
		    m < 8 * p || m > PMHS_OPAQUE_KSF_M_KIB_MAX)
			return -EINVAL;
	}
	/* A copy, so that @out may be @in. */
	memcpy(buf, in, sizeof(buf));
	r = argon2id_hash_raw(t, m, p, buf, sizeof(buf), salt, sizeof(salt), out,
			      PMHS_OPAQUE_HASH_LEN);
	explicit_bzero(buf, sizeof(buf));
	if (r == ARGON2_OK)
		return 0;
	explicit_bzero(out, PMHS_OPAQUE_HASH_LEN);
	return r == ARGON2_MEMORY_ALLOCATION_ERROR ? -ENOMEM :
	       r == ARGON2_THREAD_FAIL ? -EAGAIN : -EINVAL;
}

/* ---- the record store ---- */

#define STORE_HEADER	"pmhs-opaque-record 1"
/* The three lines of the longest record file, and one byte to tell "too long". */
#define STORE_FILE_MAX	(sizeof(STORE_HEADER) + sizeof("credential-id ") + \
			 PMHS_B64URL_LEN(PMHS_OPAQUE_CRED_ID_MAX) + sizeof("record ") + \
			 PMHS_B64URL_LEN(PMHS_OPAQUE_RECORD_LEN) + 1)

static int check_cred_id(const void *cred_id, size_t len, char *err, size_t err_len)
{
	if (!cred_id || !len || len > PMHS_OPAQUE_CRED_ID_MAX) {
		errf("an OPAQUE credential identifier is 1 to %d bytes, not %zu",
		     PMHS_OPAQUE_CRED_ID_MAX, cred_id ? len : 0);
		return -EINVAL;
	}
	return 0;
}

/* mkdir -p @dir, each directory made 0700 (whatever the umask). */
static int make_dirs(const char *dir, char *err, size_t err_len)
{
	char buf[PATH_MAX];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "%s", dir);
	if (n >= sizeof(buf)) {
		errf("%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	for (char *s = buf + 1; ; s++) {
		bool last;

		s = strchrnul(s, '/');
		last = !*s;
		*s = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST) {
			int e = errno;

			errf("cannot create the OPAQUE record store %s: %s", buf, strerror(e));
			return -e;
		}
		if (last)
			break;
		*s = '/';
	}
	return 0;
}

/*
 * The store directory @dir exists (made if @create) and only its owner
 * may change it: whoever can write there can swap users' records.
 */
static int check_dir(const char *dir, bool create, char *err, size_t err_len)
{
	struct stat st;
	int e, ret;

	if (stat(dir, &st)) {
		e = errno;
		if (e == ENOENT && create) {
			ret = make_dirs(dir, err, err_len);
			if (ret)
				return ret;
			return check_dir(dir, false, err, err_len);
		}
		if (e == ENOENT)
			errf("no OPAQUE record store at %s (nothing registered yet)", dir);
		else
			errf("cannot use the OPAQUE record store %s: %s", dir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		errf("%s is not a directory, so not an OPAQUE record store", dir);
		return -ENOTDIR;
	}
	if (st.st_mode & 022) {
		errf("%s: mode %04o lets others add, remove or swap OPAQUE records; run: "
		     "chmod go-w %s", dir, (unsigned int)(st.st_mode & 07777), dir);
		return -EACCES;
	}
	return 0;
}

/* @dir/<hex SHA-256(@cred_id)>. */
static int record_path(const char *dir, const void *cred_id, size_t len, char *path,
		       size_t path_max, char *err, size_t err_len)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];

	SHA256(cred_id, len, h);
	pmhs_hex_encode(hex, h, sizeof(h));
	if ((size_t)snprintf(path, path_max, "%s/%s", dir, hex) >= path_max) {
		errf("%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Lock @dir against other writers of the store; the fd, or -errno. */
static int lock_dir(const char *dir, char *err, size_t err_len)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;

	if (fd < 0 || flock(fd, LOCK_EX)) {
		e = errno;
		errf("cannot lock the OPAQUE record store %s: %s", dir, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

/* The next line of @buf from *@pos: must start with @key; its value. */
static const char *field(const char *buf, size_t len, size_t *pos, const char *key,
			 size_t *vlen)
{
	size_t klen = strlen(key);
	const char *nl, *s = buf + *pos;

	nl = memchr(s, '\n', len - *pos);
	if (!nl || (size_t)(nl - s) < klen || memcmp(s, key, klen))
		return NULL;
	*vlen = (size_t)(nl - s) - klen;
	*pos += (size_t)(nl - s) + 1;
	return s + klen;
}

/*
 * Read @path and check it holds @cred_id's record; the record into
 * @record (may be NULL: the check alone). -ENOENT if there is none.
 */
static int read_record(const char *path, const void *cred_id, size_t len,
		       uint8_t *record, char *err, size_t err_len)
{
	static const char fix[] = "delete it and have the user register again";
	char buf[STORE_FILE_MAX + 1], what[160];
	uint8_t id[PMHS_OPAQUE_CRED_ID_MAX], rec[PMHS_OPAQUE_RECORD_LEN];
	const char *v;
	size_t got = 0, pos = 0, vlen = 0;
	struct stat st;
	ssize_t r, n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		if (e == ENOENT)
			errf("no OPAQUE record for this credential identifier (%s)", path);
		else if (e == ELOOP)
			errf("%s is a symbolic link: the OPAQUE record store holds only regular "
			     "files; %s", path, fix);
		else
			errf("cannot read %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errf("%s is not a regular file, so not an OPAQUE record; %s", path, fix);
		return -EBADMSG;
	}
	if (st.st_mode & 022) {
		close(fd);
		errf("%s: mode %04o lets others change this OPAQUE record; run: chmod go-w %s",
		     path, (unsigned int)(st.st_mode & 07777), path);
		return -EACCES;
	}
	while (got < sizeof(buf) && (r = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errf("cannot read %s: %s", path, strerror(e));
			return -e;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got == sizeof(buf)) {
		errf("%s is too big for an OPAQUE record file; %s", path, fix);
		return -EBADMSG;
	}
	if (!field(buf, got, &pos, STORE_HEADER, &vlen) || vlen) {
		errf("%s is not an OPAQUE record file: its first line is not \"%s\"; %s", path,
		     STORE_HEADER, fix);
		return -EBADMSG;
	}
	v = field(buf, got, &pos, "credential-id ", &vlen);
	n = v ? pmhs_b64url_decode(v, vlen, id, sizeof(id), what, sizeof(what)) : -EINVAL;
	if (n <= 0) {
		errf("%s is not an OPAQUE record file: line 2 must be \"credential-id "
		     "<base64url>\"%s%s; %s", path, n < 0 && v ? ": " : "",
		     n < 0 && v ? what : "", fix);
		return -EBADMSG;
	}
	/* The name is only a hash: the file itself says whose record it is. */
	if ((size_t)n != len || memcmp(id, cred_id, len)) {
		errf("%s holds the OPAQUE record of another credential identifier (renamed or "
		     "copied from another user's file?); refusing it: %s", path, fix);
		return -EBADMSG;
	}
	v = field(buf, got, &pos, "record ", &vlen);
	n = v ? pmhs_b64url_decode(v, vlen, rec, sizeof(rec), what, sizeof(what)) : -EINVAL;
	if (n != PMHS_OPAQUE_RECORD_LEN) {
		errf("%s is not an OPAQUE record file: line 3 must be \"record <base64url of "
		     "%d bytes>\"%s%s; %s", path, PMHS_OPAQUE_RECORD_LEN, n < 0 && v ? ": " : "",
		     n < 0 && v ? what : "", fix);
		return -EBADMSG;
	}
	if (pos != got) {
		errf("%s is not an OPAQUE record file: there is more after line 3; %s", path,
		     fix);
		return -EBADMSG;
	}
	if (record)
		memcpy(record, rec, sizeof(rec));
	return 0;
}

PMHS_API int pmhs_opaque_store_put(const char *dir, const void *cred_id, size_t len,
				   const uint8_t record[PMHS_OPAQUE_RECORD_LEN],
				   unsigned int flags, char *err, size_t err_len)
{
	char path[PATH_MAX], *text, *p;
	size_t max = STORE_FILE_MAX;
	int ret, lock;

	if (!dir || !*dir || !record || (flags & ~PMHS_WRITE_REPLACE)) {
		errf("pmhs_opaque_store_put: invalid argument");
		return -EINVAL;
	}
	ret = check_cred_id(cred_id, len, err, err_len);
	if (!ret)
		ret = check_dir(dir, true, err, err_len);
	if (!ret)
		ret = record_path(dir, cred_id, len, path, sizeof(path), err, err_len);
	if (ret)
		return ret;
	text = malloc(max);
	if (!text) {
		errf("out of memory");
		return -ENOMEM;
	}
	p = text + snprintf(text, max, "%s\ncredential-id ", STORE_HEADER);
	p += pmhs_b64url_encode(cred_id, len, p, max - (size_t)(p - text));
	p += snprintf(p, max - (size_t)(p - text), "\nrecord ");
	p += pmhs_b64url_encode(record, PMHS_OPAQUE_RECORD_LEN, p, max - (size_t)(p - text));
	*p++ = '\n';

	lock = lock_dir(dir, err, err_len);
	if (lock < 0) {
		free(text);
		return lock;
	}
	ret = pmhs_write_atomic(path, text, (size_t)(p - text), 0600, flags, err, err_len);
	if (ret == -EEXIST)
		errf("%s already holds a record for this credential identifier (%s); "
		     "registering again replaces it only when asked (PMHS_WRITE_REPLACE)",
		     dir, path);
	close(lock);
	free(text);
	return ret;
}

PMHS_API int pmhs_opaque_store_get(const char *dir, const void *cred_id, size_t len,
				   uint8_t record[PMHS_OPAQUE_RECORD_LEN],
				   char *err, size_t err_len)
{
	char path[PATH_MAX];
	int ret;

	if (!dir || !*dir || !record) {
		errf("pmhs_opaque_store_get: invalid argument");
		return -EINVAL;
	}
	ret = check_cred_id(cred_id, len, err, err_len);
	if (!ret)
		ret = check_dir(dir, false, err, err_len);
	if (!ret)
		ret = record_path(dir, cred_id, len, path, sizeof(path), err, err_len);
	if (!ret)
		ret = read_record(path, cred_id, len, record, err, err_len);
	return ret;
}

PMHS_API int pmhs_opaque_store_del(const char *dir, const void *cred_id, size_t len,
				   char *err, size_t err_len)
{
	char path[PATH_MAX];
	int ret, lock, e;

	if (!dir || !*dir) {
		errf("pmhs_opaque_store_del: invalid argument");
		return -EINVAL;
	}
	ret = check_cred_id(cred_id, len, err, err_len);
	if (!ret)
		ret = check_dir(dir, false, err, err_len);
	if (!ret)
		ret = record_path(dir, cred_id, len, path, sizeof(path), err, err_len);
	if (ret)
		return ret;
	lock = lock_dir(dir, err, err_len);
	if (lock < 0)
		return lock;
	/* Only this user's record: a swapped file is someone else's, left for a person. */
	ret = read_record(path, cred_id, len, NULL, err, err_len);
	if (!ret && unlink(path)) {
		e = errno;
		errf("cannot delete %s: %s", path, strerror(e));
		ret = -e;
	}
	close(lock);
	return ret;
}
