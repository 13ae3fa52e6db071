// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"
#include "pmhs-ctl.h"

#define errf(...) snprintf(err, err_len, __VA_ARGS__)

int kf_exit_code(int status)
{
	switch (status) {
	case 0:
		return PMHS_EXIT_OK;
	case -ENOENT:
	case -ENOTDIR:
		return PMHS_EXIT_NOTFOUND;
	case -EACCES:
	case -EPERM:
	case -EROFS:
		return PMHS_EXIT_PERM;
	default:
		return PMHS_EXIT_FAIL;
	}
}

static void warn_mode(const char *path, const struct pmhs_key *key)
{
	if ((key->flags & PMHS_KEY_F_PRIVATE) && (key->file_mode & 077))
		fprintf(stderr, "%s: warning: private key %s is readable by others (mode %04o); "
			"run: chmod 600 %s\n", prog, path, key->file_mode, path);
}

static int load(const char *path, bool private, struct pmhs_key *key, char *err, size_t err_len)
{
	int ret;

	PMHS_INIT(*key);
	ret = private ? pmhs_key_load_private(path, key, err, err_len) :
			pmhs_key_load_public(path, key, err, err_len);
	if (!ret)
		warn_mode(path, key);
	return ret;
}

int kf_load_private(const char *path, struct pmhs_key *key, char *err, size_t err_len)
{
	return load(path, true, key, err, err_len);
}

int kf_load_public(const char *path, struct pmhs_key *key, char *err, size_t err_len)
{
	return load(path, false, key, err, err_len);
}

char *kf_spki_pem(const void *spki, size_t len)
{
	/* base64, a newline per 64 columns, and the two lines around it */
	size_t max = 4 * ((len + 2) / 3) * 65 / 64 + 64;
	char *pem = malloc(max);

	if (pem && pmhs_spki_pem(spki, len, pem, max) < 0) {
		free(pem);
		pem = NULL;
	}
	return pem;
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
			      const struct pmhs_key *key)
{
	uint8_t fp[PMHS_FP_LEN];
	char fps[PMHS_FP_SHORT_LEN];

	pmhs_fingerprint(key->spki, key->spki_len, fp);
	pmhs_fp_short(fp, fps);
	fprintf(stderr,
		"%s: WARNING: ******************************************************\n"
		"%s: WARNING: %s\n"
		"%s: WARNING: The damaged file was moved to %s and a NEW %u-bit key\n"
		"%s: WARNING: was generated in %s: %s\n"
		"%s: WARNING: Peers that pinned the old key will refuse this one until\n"
		"%s: WARNING: they re-pin it. Use --no-regenerate to make this an error.\n"
		"%s: WARNING: ******************************************************\n",
		prog, prog, why, prog, bak, key->bits, prog, path, fps, prog, prog, prog);
}

int kf_load_or_create(const char *path, int bits, unsigned int flags, struct pmhs_key *key,
		      enum kf_outcome *outcome, char *err, size_t err_len)
{
	char why[512], bak[PATH_MAX + 16];
	int ret, e;

	ret = kf_load_private(path, key, why, sizeof(why));
	if (!ret) {
		*outcome = KF_LOADED;
		return 0;
	}
	PMHS_INIT(*key);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		*outcome = KF_CREATED;
		return pmhs_key_generate(path, (unsigned int)bits, 0, key, err, err_len);
	}
	/* Only a damaged file is replaced (-EBADMSG), nothing somebody chose. */
	if (ret != -EBADMSG) {
		errf("%s", why);
		return ret;
	}
	if (flags & KF_NO_REGENERATE) {
		errf("%s; not replacing it (--no-regenerate): restore it from a backup, "
		     "or move it away to have a new key made", why);
		return ret;
	}
	if (backup(path, bak, sizeof(bak))) {
		e = errno;
		errf("%s, and backing it up to %s failed (%s): not replacing it",
		     why, bak, strerror(e));
		return -e;
	}
	ret = pmhs_key_generate(path, (unsigned int)bits, PMHS_WRITE_REPLACE, key, err, err_len);
	if (ret)
		return ret;
	*outcome = KF_REGENERATED;
	shout_regenerated(path, why, bak, key);
	return 0;
}
