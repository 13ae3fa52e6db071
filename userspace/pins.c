// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pmhs/pmhs.h>
#include "pins.h"
#include "pmhs-ctl.h"

#define errf(...) snprintf(err, err_len, __VA_ARGS__)
#define PINS_MAX_LINE 4096	/* a 4096-bit SPKI is ~740 base64 characters */

int pins_exit_code(int status)
{
	switch (status) {
	case PIN_OK:
		return PMHS_EXIT_OK;
	case PIN_ENOTFOUND:
		return PMHS_EXIT_NOTFOUND;
	case PIN_EMISMATCH:
		return PMHS_EXIT_VERIFY;
	case PIN_EACCES:
		return PMHS_EXIT_PERM;
	case PIN_EINVAL:
		return PMHS_EXIT_USAGE;
	default:
		return PMHS_EXIT_FAIL;
	}
}

static int errno_status(int e)
{
	if (e == EACCES || e == EPERM || e == EROFS)
		return PIN_EACCES;
	return PIN_EIO;
}

bool pins_valid_name(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > PIN_NAME_MAX || name[0] == '-' || name[0] == '#')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._:@+[]-", name[i]))
			return false;
	return true;
}

static char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return strdup(h);
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? strdup(pw->pw_dir) : NULL;
}

char *pins_path(enum pin_scope scope, char *err, size_t err_len)
{
	const char *env = getenv(scope == PIN_SYSTEM ? "PMHS_SYSTEM_KNOWN_PEERS" : "PMHS_KNOWN_PEERS");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *home, *path = NULL;

	if (env && *env)
		return strdup(env);
	if (scope == PIN_SYSTEM)
		return strdup("/etc/pmhs/known_peers");
	/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
	if (xdg && xdg[0] == '/') {
		if (asprintf(&path, "%s/pmhs/known_peers", xdg) < 0)
			path = NULL;
		return path;
	}
	home = home_dir();
	if (!home) {
		errf("cannot find your home directory for the pin store: set HOME or PMHS_KNOWN_PEERS");
		return NULL;
	}
	if (asprintf(&path, "%s/.config/pmhs/known_peers", home) < 0)
		path = NULL;
	free(home);
	return path;
}

static void pin_free(struct pin *p)
{
	kf_public_free(&p->pub);
	free(p->before);
	p->before = NULL;
}

void pins_free(struct pin_store *st)
{
	for (size_t i = 0; i < st->n; i++)
		pin_free(&st->pins[i]);
	free(st->pins);
	free(st->path);
	free(st->trailer);
	memset(st, 0, sizeof(*st));
}

const struct pin *pins_find(const struct pin_store *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->pins[i].name, name))
			return &st->pins[i];
	return NULL;
}

/* Append @text and, if @newline, a '\n', to the malloc()ed string *@dst. */
static int append(char **dst, const char *text, bool newline)
{
	size_t old = *dst ? strlen(*dst) : 0, len = strlen(text);
	char *n = realloc(*dst, old + len + 2);

	if (!n)
		return -1;
	memcpy(n + old, text, len);
	if (newline)
		n[old + len++] = '\n';
	n[old + len] = '\0';
	*dst = n;
	return 0;
}

/* One "NAME HEX BASE64" line into @p; the message says what is wrong. */
static int parse_line(char *line, struct pin *p, char *err, size_t err_len)
{
	char *save = NULL, *name, *fp_hex, *b64, *extra, why[256];
	uint8_t fp[KF_FP_LEN], *spki;
	size_t spki_len;
	int ret;

	name = strtok_r(line, " \t", &save);
	fp_hex = strtok_r(NULL, " \t", &save);
	b64 = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!b64 || extra) {
		errf("expected 3 fields (NAME SHA256-HEX SPKI-BASE64), found %s",
		     extra ? "more" : "fewer");
		return PIN_ECORRUPT;
	}
	if (!pins_valid_name(name)) {
		errf("'%s' is not a valid peer name", name);
		return PIN_ECORRUPT;
	}
	if (strlen(fp_hex) != 2 * KF_FP_LEN ||
	    pmhs_hex_decode(p->fp, sizeof(p->fp), fp_hex, strlen(fp_hex), why, sizeof(why)) != KF_FP_LEN) {
		errf("the fingerprint is not 64 hex digits");
		return PIN_ECORRUPT;
	}
	if (kf_b64_decode(b64, &spki, &spki_len)) {
		errf("the key is not valid base64");
		return PIN_ECORRUPT;
	}
	ret = kf_public_from_spki(spki, spki_len, &p->pub, why, sizeof(why));
	free(spki);
	if (ret) {
		errf("%s", why);
		return PIN_ECORRUPT;
	}
	kf_fingerprint(&p->pub, fp);
	if (memcmp(fp, p->fp, KF_FP_LEN)) {
		kf_public_free(&p->pub);
		errf("the fingerprint does not match the key on that line");
		return PIN_ECORRUPT;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	return PIN_OK;
}

static int add_parsed(struct pin_store *st, char *line, unsigned int lineno, char **before,
		      char *err, size_t err_len)
{
	struct pin p = { .scope = st->scope, .line = lineno }, *n;
	const struct pin *dup;
	char why[300];

	if (parse_line(line, &p, why, sizeof(why))) {
		errf("%s line %u: %s; fix or delete that line", st->path, lineno, why);
		return PIN_ECORRUPT;
	}
	dup = pins_find(st, p.name);
	if (dup) {
		errf("%s line %u: '%s' is pinned twice (also line %u); delete one",
		     st->path, lineno, p.name, dup->line);
		pin_free(&p);
		return PIN_ECORRUPT;
	}
	n = realloc(st->pins, (st->n + 1) * sizeof(*n));
	if (!n) {
		pin_free(&p);
		errf("out of memory");
		return PIN_EIO;
	}
	p.before = *before;
	*before = NULL;
	st->pins = n;
	st->pins[st->n++] = p;
	return PIN_OK;
}

int pins_load(enum pin_scope scope, struct pin_store *st, char *err, size_t err_len)
{
	char *line = NULL, *comments = NULL;
	unsigned int lineno = 0;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ret = PIN_OK;

	memset(st, 0, sizeof(*st));
	st->scope = scope;
	st->path = pins_path(scope, err, err_len);
	if (!st->path)
		return PIN_EIO;
	f = fopen(st->path, "re");
	if (!f) {
		if (errno == ENOENT)
			return PIN_OK;
		errf("cannot read %s: %s", st->path, strerror(errno));
		return errno_status(errno);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (len > PINS_MAX_LINE) {
			errf("%s line %u is too long to be a pin", st->path, lineno);
			ret = PIN_ECORRUPT;
			break;
		}
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strspn(line, " \t") == (size_t)len || line[strspn(line, " \t")] == '#')
			ret = append(&comments, line, true) ? PIN_EIO : PIN_OK;
		else
			ret = add_parsed(st, line, lineno, &comments, err, err_len);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		errf("cannot read %s: %s", st->path, strerror(errno));
		ret = PIN_EIO;
	}
	fclose(f);
	free(line);
	st->trailer = comments;
	if (ret) {
		enum pin_scope s = st->scope;

		pins_free(st);
		st->scope = s;
	}
	return ret;
}

/* mkdir -p of @path's parents: 0700 for the user store, 0755 for /etc. */
static int make_parents(const char *path, mode_t mode, char *err, size_t err_len)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, mode) && errno != EEXIST) {
			errf("cannot create %s: %s", buf, strerror(errno));
			return errno_status(errno);
		}
		*s = '/';
	}
	return PIN_OK;
}

/* Lock the store's directory for a read-modify-write; returns the fd. */
static int lock_store(const char *path, enum pin_scope scope, char *err, size_t err_len)
{
	char dir[PATH_MAX];
	int fd, ret;

	ret = make_parents(path, scope == PIN_SYSTEM ? 0755 : 0700, err, err_len);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		errf("cannot lock %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return errno_status(errno);
	}
	return fd;
}

static int pin_text(char **out, const struct pin *p)
{
	char hex[KF_FP_HEX_LEN], *b64 = kf_b64_encode(p->pub.spki, p->pub.spki_len), *line;
	int ret = -1;

	if (!b64)
		return -1;
	kf_fp_hex(p->fp, hex);
	if (asprintf(&line, "%s %s %s", p->name, hex, b64) >= 0) {
		ret = append(out, line, true);
		free(line);
	}
	free(b64);
	return ret;
}

static int store_write(const struct pin_store *st, char *err, size_t err_len)
{
	char *text = NULL;
	int ret = 0;

	for (size_t i = 0; !ret && i < st->n; i++) {
		if (st->pins[i].before)
			ret = append(&text, st->pins[i].before, false);
		if (!ret)
			ret = pin_text(&text, &st->pins[i]);
	}
	if (!ret && st->trailer)
		ret = append(&text, st->trailer, false);
	if (ret) {
		free(text);
		errf("out of memory");
		return PIN_EIO;
	}
	ret = kf_write_atomic(st->path, text, strlen(text), 0644, true, err, err_len);
	free(text);
	return ret == KF_EACCES ? PIN_EACCES : ret ? PIN_EIO : PIN_OK;
}

static void both_fingerprints(char *out, size_t n, const uint8_t pinned[KF_FP_LEN],
			      const uint8_t offered[KF_FP_LEN])
{
	char a[KF_FP_HEX_LEN], b[KF_FP_HEX_LEN];

	kf_fp_hex(pinned, a);
	kf_fp_hex(offered, b);
	snprintf(out, n, "pinned %s, offered %s", a, b);
}

/* Lock @scope's store and load it, for a read-modify-write. */
static int open_for_update(enum pin_scope scope, struct pin_store *st, int *lock,
			   char *err, size_t err_len)
{
	char *path = pins_path(scope, err, err_len);
	int ret;

	if (!path)
		return PIN_EIO;
	*lock = lock_store(path, scope, err, err_len);
	free(path);
	if (*lock < 0)
		return *lock;
	ret = pins_load(scope, st, err, err_len);
	if (ret)
		close(*lock);
	return ret;
}

static int check_name(const char *name, char *err, size_t err_len)
{
	if (pins_valid_name(name))
		return PIN_OK;
	errf("'%s' is not a valid peer name: use 1 to %d of A-Z a-z 0-9 . _ : @ + [ ] -, "
	     "not starting with '-'", name, PIN_NAME_MAX);
	return PIN_EINVAL;
}

static int append_pin(struct pin_store *st, const char *name, struct pin **out)
{
	struct pin *n = realloc(st->pins, (st->n + 1) * sizeof(*n));

	if (!n)
		return PIN_EIO;
	st->pins = n;
	*out = &st->pins[st->n++];
	memset(*out, 0, sizeof(**out));
	(*out)->scope = st->scope;
	snprintf((*out)->name, sizeof((*out)->name), "%s", name);
	return PIN_OK;
}

/*
 * A handshake needs every store that knows a name to agree, so a user pin
 * that contradicts the system's would make the peer unusable for good:
 * refuse it here, while the user can still choose another name.
 */
static int check_system_pin(const char *name, const struct kf_public *pub,
			    char *err, size_t err_len)
{
	struct pin_store sys;
	const struct pin *p;
	uint8_t fp[KF_FP_LEN];
	char both[200];
	int ret = pins_load(PIN_SYSTEM, &sys, err, err_len);

	if (ret)
		return ret;
	kf_fingerprint(pub, fp);
	p = pins_find(&sys, name);
	if (p && memcmp(p->fp, fp, KF_FP_LEN)) {
		both_fingerprints(both, sizeof(both), p->fp, fp);
		errf("'%s' is pinned system-wide in %s to a different key (%s), and a user pin "
		     "cannot override it (--replace does not either). If the key really "
		     "changed, root must run: %s pin add --system --replace %s KEY-FILE; "
		     "or pin this key under another name", name, sys.path, both, prog, name);
		ret = PIN_EMISMATCH;
	}
	pins_free(&sys);
	return ret;
}

int pins_add(enum pin_scope scope, const char *name, const struct kf_public *pub,
	     bool replace, int *changed, char *err, size_t err_len)
{
	struct pin_store st;
	uint8_t fp[KF_FP_LEN];
	struct pin *p;
	char both[200];
	int lock, ret;

	ret = check_name(name, err, err_len);
	if (!ret && scope == PIN_USER)
		ret = check_system_pin(name, pub, err, err_len);
	if (!ret)
		ret = open_for_update(scope, &st, &lock, err, err_len);
	if (ret)
		return ret;
	kf_fingerprint(pub, fp);
	p = (struct pin *)pins_find(&st, name);
	*changed = p ? 2 : 1;
	if (p && !memcmp(p->fp, fp, KF_FP_LEN)) {
		*changed = 0;
		goto out;
	}
	if (p && !replace) {
		both_fingerprints(both, sizeof(both), p->fp, fp);
		errf("'%s' is already pinned to a different key in %s (%s); "
		     "use --replace if the change is expected", name, st.path, both);
		ret = PIN_EMISMATCH;
		goto out;
	}
	if (p)
		kf_public_free(&p->pub);
	else if (append_pin(&st, name, &p))
		goto oom;
	/* A new file says what it is, for whoever opens it in an editor. */
	if (st.n == 1 && !st.trailer &&
	    append(&p->before, "# pmhs pinned peers: NAME SHA256-HEX SPKI-BASE64, "
		   "see pmhs-ctl(8)", true))
		goto oom;
	memcpy(p->fp, fp, KF_FP_LEN);
	p->pub.spki = malloc(pub->spki_len);
	if (!p->pub.spki)
		goto oom;
	memcpy(p->pub.spki, pub->spki, pub->spki_len);
	p->pub.spki_len = pub->spki_len;
	p->pub.bits = pub->bits;
	ret = store_write(&st, err, err_len);
out:
	pins_free(&st);
	close(lock);
	return ret;
oom:
	errf("out of memory");
	ret = PIN_EIO;
	goto out;
}

int pins_remove(enum pin_scope scope, const char *name, char *err, size_t err_len)
{
	struct pin_store st;
	struct pin *p;
	size_t i;
	int lock, ret;

	ret = check_name(name, err, err_len);
	if (!ret)
		ret = open_for_update(scope, &st, &lock, err, err_len);
	if (ret)
		return ret;
	p = (struct pin *)pins_find(&st, name);
	if (!p) {
		errf("no pin for '%s' in %s", name, st.path);
		ret = PIN_ENOTFOUND;
		goto out;
	}
	i = (size_t)(p - st.pins);
	/* The comments above it stay, above whatever comes next. */
	if (p->before) {
		char **next = i + 1 < st.n ? &st.pins[i + 1].before : &st.trailer, *joined = NULL;

		if (append(&joined, p->before, false) || (*next && append(&joined, *next, false))) {
			free(joined);
			errf("out of memory");
			ret = PIN_EIO;
			goto out;
		}
		free(*next);
		*next = joined;
	}
	pin_free(p);
	memmove(p, p + 1, (st.n - i - 1) * sizeof(*p));
	st.n--;
	ret = store_write(&st, err, err_len);
out:
	pins_free(&st);
	close(lock);
	return ret;
}

static void shout_mismatch(const char *name, const struct pin *p, const uint8_t offered[KF_FP_LEN],
			   const char *path)
{
	char a[KF_FP_HEX_LEN], b[KF_FP_HEX_LEN], as[KF_FP_SHORT_LEN], bs[KF_FP_SHORT_LEN];

	kf_fp_hex(p->fp, a);
	kf_fp_short(p->fp, as);
	kf_fp_hex(offered, b);
	kf_fp_short(offered, bs);
	fprintf(stderr,
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"@         WARNING: THE KEY OF PEER '%s' HAS CHANGED!\n"
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"Someone may be intercepting the handshake (a man in the middle), or the\n"
		"peer's key was replaced. The handshake is refused.\n"
		"  pinned:  %s\n"
		"           %s (%s line %u)\n"
		"  offered: %s\n"
		"           %s\n"
		"If the new key is expected, re-pin it: %s pin add --replace%s %s NEW-KEY-FILE\n",
		name, a, as, path, p->line, b, bs, prog,
		p->scope == PIN_SYSTEM ? " --system" : "", name);
}

int pins_check(const char *name, const struct kf_public *pub, bool tofu, bool *new_pin,
	       char *err, size_t err_len)
{
	static const enum pin_scope scopes[] = { PIN_SYSTEM, PIN_USER };
	uint8_t fp[KF_FP_LEN];
	char both[200];
	bool found = false;
	int changed, ret;

	*new_pin = false;
	ret = check_name(name, err, err_len);
	if (ret)
		return ret;
	kf_fingerprint(pub, fp);
	/* Every store that knows the name must agree: the first mismatch loses. */
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		struct pin_store st;
		const struct pin *p;

		ret = pins_load(scopes[i], &st, err, err_len);
		if (ret)
			return ret;
		p = pins_find(&st, name);
		if (p && memcmp(p->fp, fp, KF_FP_LEN)) {
			shout_mismatch(name, p, fp, st.path);
			both_fingerprints(both, sizeof(both), p->fp, fp);
			errf("key of '%s' does not match its pin in %s (%s)", name, st.path, both);
			pins_free(&st);
			return PIN_EMISMATCH;
		}
		found |= p != NULL;
		pins_free(&st);
	}
	if (found)
		return PIN_OK;
	if (!tofu) {
		errf("'%s' is not a pinned peer, and only pinned peers are accepted; "
		     "pin it first (%s pin add %s KEY-FILE), or trust on first use with --tofu",
		     name, prog, name);
		return PIN_ENOTFOUND;
	}
	ret = pins_add(PIN_USER, name, pub, false, &changed, err, err_len);
	*new_pin = !ret && changed;
	return ret;
}
