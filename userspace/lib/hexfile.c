// SPDX-License-Identifier: GPL-2.0
/*
 * Secret files of one line of hex digits (an X25519 private key, an
 * OPAQUE server setup): read whole, refused unless a regular file only
 * its owner may read, and parsed without ever quoting their bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define errf(...) pmhs_errf(err, err_len, __VA_ARGS__)

/* @buf's bytes, or -EBADMSG and why; @more: the file went on past @buf. */
static int parse(const char *path, const char *buf, size_t n, bool more, uint8_t *out,
		 size_t len, const struct pmhs_hexfile *f, char *err, size_t err_len)
{
	if (n && buf[n - 1] == '\n')
		n--;
	if (n && buf[n - 1] == '\r')
		n--;
	if (n != 2 * len) {
		errf("%s is not %s: it must hold %s, not %s%zu characters", path, f->kind,
		     f->holds, more ? "at least " : "", n);
		return -EBADMSG;
	}
	for (size_t i = 0; i < n; i++) {
		if (pmhs_hex_val((unsigned char)buf[i]) < 0) {
			errf("%s is not %s: character %zu is not a hex digit; it must hold %s",
			     path, f->kind, i + 1, f->holds);
			return -EBADMSG;
		}
	}
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(pmhs_hex_val((unsigned char)buf[2 * i]) << 4 |
				   pmhs_hex_val((unsigned char)buf[2 * i + 1]));
	return 0;
}

int pmhs_hexfile_load(const char *path, uint8_t *out, size_t len,
		      const struct pmhs_hexfile *f, char *err, size_t err_len)
{
	/* the digits, CRLF, and a byte more to tell "too long" */
	char buf[2 * PMHS_HEXFILE_MAX + 4];
	size_t want = 2 * len + 4, got = 0;
	struct stat st;
	ssize_t r;
	int fd, e, ret;

	if (len > PMHS_HEXFILE_MAX)
		return -EINVAL;
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
		errf("%s is not a regular file, so not %s", path, f->kind);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	/* A secret others could read is compromised: refuse, say how to fix. */
	if (st.st_mode & 077) {
		close(fd);
		errf("%s: mode %04o lets others at %s; if nobody else has read it, run: "
		     "chmod 600 %s (else %s)", path, (unsigned int)(st.st_mode & 07777),
		     f->secret, path, f->remedy);
		return -EACCES;
	}
	while (got < want && (r = read(fd, buf + got, want - got)) != 0) {
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
	ret = parse(path, buf, got, got == want, out, len, f, err, err_len);
	explicit_bzero(buf, sizeof(buf));
	if (ret)
		explicit_bzero(out, len);
	return ret;
}
