// SPDX-License-Identifier: GPL-2.0
/*
 * The pin store: pinned peers' public keys, one "NAME SHA256-HEX
 * SPKI-BASE64" line each (format in include/pmhs/pmhs.h). Read exactly or
 * not at all; rewritten atomically under an flock() of its directory.
 */
#define _GNU_SOURCE	/* asprintf, getline */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define errf(...) pmhs_errf(err, err_len, __VA_ARGS__)
#define PINS_MAX_LINE 4096	/* a 4096-bit SPKI is ~740 base64 characters */

struct entry {
	struct pmhs_pin pin;	/* pin.spki points into key.spki */
	struct pmhs_key key;
	char *before;		/* comment and blank lines above it, or NULL */
};

struct pmhs_pins {
	char *path;
	struct entry *e;
	size_t n;
	char *trailer;		/* comment and blank lines after the last pin */
};

/* What a failed system call means to a caller of the store. */
static int io_error(int e)
{
	return e == EACCES || e == EPERM || e == EROFS ? -EACCES : -EIO;
}

static bool valid_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (!len || len > PMHS_PIN_NAME_MAX || name[0] == '-' || name[0] == '#')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._:@+[]-", name[i]))
			return false;
	return true;
}

PMHS_API int pmhs_pin_name_check(const char *name, char *err, size_t err_len)
{
	if (valid_name(name))
		return 0;
	errf("'%s' is not a valid peer name: use 1 to %d of A-Z a-z 0-9 . _ : @ + [ ] -, "
	     "not starting with '-'", name ? name : "", PMHS_PIN_NAME_MAX);
	return -EINVAL;
}

PMHS_API int pmhs_pins_path(enum pmhs_pin_scope scope, char *out, size_t out_max,
			    char *err, size_t err_len)
{
	const char *env = getenv(scope == PMHS_PINS_SYSTEM ? "PMHS_SYSTEM_KNOWN_PEERS" :
				 "PMHS_KNOWN_PEERS");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (!out || (scope != PMHS_PINS_USER && scope != PMHS_PINS_SYSTEM))
		return -EINVAL;
	if (env && *env)
		n = snprintf(out, out_max, "%s", env);
	else if (scope == PMHS_PINS_SYSTEM)
		n = snprintf(out, out_max, "/etc/pmhs/known_peers");
	/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
	else if (xdg && xdg[0] == '/')
		n = snprintf(out, out_max, "%s/pmhs/known_peers", xdg);
	else {
		if (!home || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home) {
			errf("cannot find your home directory for the pin store: set HOME or "
			     "PMHS_KNOWN_PEERS");
			return -EIO;
		}
		n = snprintf(out, out_max, "%s/.config/pmhs/known_peers", home);
	}
	if (n < 0 || (size_t)n >= out_max) {
		errf("the pin store's file name is too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

static void entry_free(struct entry *e)
{
	pmhs_key_free(&e->key);
	free(e->before);
	e->before = NULL;
}

PMHS_API void pmhs_pins_free(struct pmhs_pins *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		entry_free(&st->e[i]);
	free(st->e);
	free(st->path);
	free(st->trailer);
	free(st);
}

PMHS_API size_t pmhs_pins_count(const struct pmhs_pins *st)
{
	return st ? st->n : 0;
}

PMHS_API const struct pmhs_pin *pmhs_pins_get(const struct pmhs_pins *st, size_t i)
{
	return st && i < st->n ? &st->e[i].pin : NULL;
}

static struct entry *find(const struct pmhs_pins *st, const char *name)
{
	for (size_t i = 0; st && name && i < st->n; i++)
		if (!strcmp(st->e[i].pin.name, name))
			return &st->e[i];
	return NULL;
}

PMHS_API const struct pmhs_pin *pmhs_pins_find(const struct pmhs_pins *st, const char *name)
{
	struct entry *e = find(st, name);

	return e ? &e->pin : NULL;
}

/* Append @text and, if @newline, a '\n', to the malloc()ed string *@dst. */
static int append(char **dst, const char *text, bool newline)
{
	size_t old = *dst ? strlen(*dst) : 0, len = strlen(text);
	char *n = realloc(*dst, old + len + 2);

	if (!n)
		return -ENOMEM;
	memcpy(n + old, text, len);
	if (newline)
		n[old + len++] = '\n';
	n[old + len] = '\0';
	*dst = n;
	return 0;
}

/* @e's key becomes @key's (moved), and the pin's view of it follows. */
static void set_key(struct entry *e, struct pmhs_key *key)
{
	e->key = *key;
	e->pin.spki = e->key.spki;
	e->pin.spki_len = e->key.spki_len;
	e->pin.bits = e->key.bits;
}

/* One "NAME HEX BASE64" line into @e; the message says what is wrong. */
static int parse_line(char *line, struct entry *e, char *err, size_t err_len)
{
	char *save = NULL, *name, *fp_hex, *b64, *extra, why[256];
	uint8_t fp[PMHS_FP_LEN], *spki;
	struct pmhs_key key;
	size_t spki_len;
	int ret;

	name = strtok_r(line, " \t", &save);
	fp_hex = strtok_r(NULL, " \t", &save);
	b64 = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!b64 || extra) {
		errf("expected 3 fields (NAME SHA256-HEX SPKI-BASE64), found %s",
		     extra ? "more" : "fewer");
		return -EBADMSG;
	}
	if (!valid_name(name)) {
		errf("'%s' is not a valid peer name", name);
		return -EBADMSG;
	}
	if (strlen(fp_hex) != 2 * PMHS_FP_LEN ||
	    pmhs_hex_decode(e->pin.fingerprint, PMHS_FP_LEN, fp_hex, strlen(fp_hex), why,
			    sizeof(why)) != PMHS_FP_LEN) {
		errf("the fingerprint is not 64 hex digits");
		return -EBADMSG;
	}
	ret = pmhs_b64_decode(b64, &spki, &spki_len);
	if (ret == -ENOMEM) {
		errf("out of memory");
		return ret;
	}
	if (ret) {
		errf("the key is not valid base64");
		return -EBADMSG;
	}
	PMHS_INIT(key);
	ret = pmhs_key_from_spki(spki, spki_len, &key, why, sizeof(why));
	free(spki);
	if (ret) {
		errf("%s", why);
		return ret == -ENOMEM ? ret : -EBADMSG;
	}
	pmhs_fingerprint(key.spki, key.spki_len, fp);
	if (memcmp(fp, e->pin.fingerprint, PMHS_FP_LEN)) {
		pmhs_key_free(&key);
		errf("the fingerprint does not match the key on that line");
		return -EBADMSG;
	}
	set_key(e, &key);
	snprintf(e->pin.name, sizeof(e->pin.name), "%s", name);
	return 0;
}

/* A new entry at the end of @st, zeroed. */
static struct entry *grow(struct pmhs_pins *st)
{
	struct entry *n = realloc(st->e, (st->n + 1) * sizeof(*n));

	if (!n)
		return NULL;
	st->e = n;
	memset(&st->e[st->n], 0, sizeof(*n));
	return &st->e[st->n++];
}

static int add_parsed(struct pmhs_pins *st, char *line, unsigned int lineno, char **before,
		      char *err, size_t err_len)
{
	struct entry e = { .pin.line = lineno }, *slot;
	const struct entry *dup;
	char why[300];
	int ret;

	ret = parse_line(line, &e, why, sizeof(why));
	if (ret) {
		errf("%s line %u: %s; fix or delete that line", st->path, lineno, why);
		return ret;
	}
	dup = find(st, e.pin.name);
	if (dup) {
		errf("%s line %u: '%s' is pinned twice (also line %u); delete one",
		     st->path, lineno, e.pin.name, dup->pin.line);
		entry_free(&e);
		return -EBADMSG;
	}
	slot = grow(st);
	if (!slot) {
		entry_free(&e);
		errf("out of memory");
		return -ENOMEM;
	}
	e.before = *before;
	*before = NULL;
	*slot = e;
	return 0;
}

PMHS_API int pmhs_pins_load(const char *path, struct pmhs_pins **out, char *err, size_t err_len)
{
	char *line = NULL, *comments = NULL;
	unsigned int lineno = 0;
	struct pmhs_pins *st;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ret = 0, e;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		errf("out of memory");
		return -ENOMEM;
	}
	f = fopen(path, "re");
	if (!f) {
		e = errno;
		if (e == ENOENT) {
			*out = st;
			return 0;
		}
		pmhs_pins_free(st);
		errf("cannot read %s: %s", path, strerror(e));
		return io_error(e);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (len > PINS_MAX_LINE) {
			errf("%s line %u is too long to be a pin", path, lineno);
			ret = -EBADMSG;
			break;
		}
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strspn(line, " \t") == (size_t)len || line[strspn(line, " \t")] == '#')
			ret = append(&comments, line, true);
		else
			ret = add_parsed(st, line, lineno, &comments, err, err_len);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		errf("cannot read %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	if (ret == -ENOMEM)
		errf("out of memory");
	fclose(f);
	free(line);
	st->trailer = comments;
	if (ret) {
		pmhs_pins_free(st);
		return ret;
	}
	*out = st;
	return 0;
}

/* mkdir -p of @path's parents: 0700 for the user store, 0755 for a shared one. */
static int make_parents(const char *path, mode_t mode, char *err, size_t err_len)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, mode) && errno != EEXIST) {
			errf("cannot create %s: %s", buf, strerror(errno));
			return io_error(errno);
		}
		*s = '/';
	}
	return 0;
}

/* Lock the store's directory for a read-modify-write; returns the fd. */
static int lock_store(const char *path, unsigned int flags, char *err, size_t err_len)
{
	char dir[PATH_MAX];
	int fd, ret, e;

	ret = make_parents(path, flags & PMHS_PINS_SHARED ? 0755 : 0700, err, err_len);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		e = errno;
		errf("cannot lock %s: %s", dir, strerror(e));
		if (fd >= 0)
			close(fd);
		return io_error(e);
	}
	return fd;
}

static int pin_text(char **out, const struct entry *e)
{
	char hex[PMHS_FP_HEX_LEN], *b64 = pmhs_b64_encode(e->pin.spki, e->pin.spki_len), *line;
	int ret = -ENOMEM;

	if (!b64)
		return -ENOMEM;
	pmhs_fp_hex(e->pin.fingerprint, hex);
	if (asprintf(&line, "%s %s %s", e->pin.name, hex, b64) >= 0) {
		ret = append(out, line, true);
		free(line);
	}
	free(b64);
	return ret;
}

static int store_write(const struct pmhs_pins *st, char *err, size_t err_len)
{
	char *text = NULL;
	int ret = 0;

	for (size_t i = 0; !ret && i < st->n; i++) {
		if (st->e[i].before)
			ret = append(&text, st->e[i].before, false);
		if (!ret)
			ret = pin_text(&text, &st->e[i]);
	}
	if (!ret && st->trailer)
		ret = append(&text, st->trailer, false);
	if (ret) {
		free(text);
		errf("out of memory");
		return -ENOMEM;
	}
	/* An empty store is an empty file, not a missing one. */
	ret = pmhs_write_atomic(st->path, text ? text : "", text ? strlen(text) : 0, 0644,
				PMHS_WRITE_REPLACE, err, err_len);
	free(text);
	return ret ? io_error(-ret) : 0;
}

/* Lock @path's store and load it, for a read-modify-write. */
static int open_for_update(const char *path, unsigned int flags, struct pmhs_pins **st,
			   int *lock, char *err, size_t err_len)
{
	int ret;

	*lock = lock_store(path, flags, err, err_len);
	if (*lock < 0)
		return *lock;
	ret = pmhs_pins_load(path, st, err, err_len);
	if (ret)
		close(*lock);
	return ret;
}

PMHS_API int pmhs_pins_add(const char *path, const char *name, const void *spki,
			   size_t spki_len, unsigned int flags, int *changed,
			   char *err, size_t err_len)
{
	char a[PMHS_FP_HEX_LEN], b[PMHS_FP_HEX_LEN];
	uint8_t fp[PMHS_FP_LEN];
	struct pmhs_pins *st;
	struct pmhs_key key;
	struct entry *e;
	int lock, ret;

	if (!path || !spki || !changed || (flags & ~(PMHS_PINS_REPLACE | PMHS_PINS_SHARED)))
		return -EINVAL;
	ret = pmhs_pin_name_check(name, err, err_len);
	if (ret)
		return ret;
	PMHS_INIT(key);
	ret = pmhs_key_from_spki(spki, spki_len, &key, err, err_len);
	if (ret)
		return ret;
	pmhs_fingerprint(key.spki, key.spki_len, fp);
	ret = open_for_update(path, flags, &st, &lock, err, err_len);
	if (ret) {
		pmhs_key_free(&key);
		return ret;
	}
	e = find(st, name);
	*changed = e ? 2 : 1;
	if (e && !memcmp(e->pin.fingerprint, fp, PMHS_FP_LEN)) {
		*changed = 0;
		goto out;
	}
	if (e && !(flags & PMHS_PINS_REPLACE)) {
		pmhs_fp_hex(e->pin.fingerprint, a);
		pmhs_fp_hex(fp, b);
		errf("'%s' is already pinned to a different key in %s (pinned %s, offered %s)",
		     name, st->path, a, b);
		ret = -EKEYREJECTED;
		goto out;
	}
	if (e) {
		pmhs_key_free(&e->key);
	} else {
		e = grow(st);
		if (!e)
			goto oom;
		snprintf(e->pin.name, sizeof(e->pin.name), "%s", name);
	}
	/* A new file says what it is, for whoever opens it in an editor. */
	if (st->n == 1 && !st->trailer &&
	    append(&e->before, "# pmhs pinned peers: NAME SHA256-HEX SPKI-BASE64, "
		   "see pmhs-ctl(8)", true))
		goto oom;
	memcpy(e->pin.fingerprint, fp, PMHS_FP_LEN);
	set_key(e, &key);
	PMHS_INIT(key);
	ret = store_write(st, err, err_len);
out:
	pmhs_key_free(&key);
	pmhs_pins_free(st);
	close(lock);
	return ret;
oom:
	errf("out of memory");
	ret = -ENOMEM;
	goto out;
}

PMHS_API int pmhs_pins_remove(const char *path, const char *name, unsigned int flags,
			      char *err, size_t err_len)
{
	struct pmhs_pins *st;
	struct entry *e;
	size_t i;
	int lock, ret;

	if (!path || (flags & ~PMHS_PINS_SHARED))
		return -EINVAL;
	ret = pmhs_pin_name_check(name, err, err_len);
	if (!ret)
		ret = open_for_update(path, flags, &st, &lock, err, err_len);
	if (ret)
		return ret;
	e = find(st, name);
	if (!e) {
		errf("no pin for '%s' in %s", name, st->path);
		ret = -ENOENT;
		goto out;
	}
	i = (size_t)(e - st->e);
	/* The comments above it stay, above whatever comes next. */
	if (e->before) {
		char **next = i + 1 < st->n ? &st->e[i + 1].before : &st->trailer, *joined = NULL;

		if (append(&joined, e->before, false) || (*next && append(&joined, *next, false))) {
			free(joined);
			errf("out of memory");
			ret = -ENOMEM;
			goto out;
		}
		free(*next);
		*next = joined;
	}
	entry_free(e);
	memmove(e, e + 1, (st->n - i - 1) * sizeof(*e));
	st->n--;
	ret = store_write(st, err, err_len);
out:
	pmhs_pins_free(st);
	close(lock);
	return ret;
}
