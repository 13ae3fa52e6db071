// SPDX-License-Identifier: GPL-2.0
/* Write a file atomically: readers see the old file or the new, never half. */
#define _GNU_SOURCE	/* renameat2, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

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

PMHS_API int pmhs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			       unsigned int flags, char *err, size_t err_len)
{
	char tmp[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
	int fd, e;

	if (!path || !*path || (!data && len) || (mode & ~(mode_t)0777) ||
	    (flags & ~PMHS_WRITE_REPLACE)) {
		pmhs_errf(err, err_len, "pmhs_write_atomic: invalid argument");
		return -EINVAL;
	}
	/* dirname() may return a static "." instead of editing its argument. */
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	snprintf(base, sizeof(base), "%s", path);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(base)) >=
	    (int)sizeof(tmp)) {
		pmhs_errf(err, err_len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	/*
	 * mkostemp: O_CREAT|O_EXCL, mode 0600 from the first byte on, and a
	 * new name, so no symlink planted in the directory is written through.
	 */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		pmhs_errf(err, err_len, "cannot create a file in %s: %s", dir, strerror(e));
		return -e;
	}
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		e = errno ? errno : EIO;
		close(fd);
		goto fail;
	}
	if (close(fd)) {
		e = errno;
		goto fail;
	}
	/* rename() replaces a symlink at @path itself, never its target. */
	if ((flags & PMHS_WRITE_REPLACE) ? rename(tmp, path) : rename_noreplace(tmp, path)) {
		e = errno;
		goto fail;
	}
	/* The rename itself must survive a crash, or the old file comes back. */
	if (fsync_dir(dir)) {
		pmhs_errf(err, err_len, "%s written, but syncing %s failed: %s", path, dir,
			  strerror(errno));
		return -EIO;
	}
	return 0;
fail:
	unlink(tmp);
	if (e == EEXIST)
		pmhs_errf(err, err_len, "%s already exists; not overwriting it", path);
	else
		pmhs_errf(err, err_len, "cannot write %s: %s", path, strerror(e));
	return -e;
}
