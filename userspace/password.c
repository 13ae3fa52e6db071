// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <keyutils.h>
#include <zxcvbn.h>

#include "password.h"
#include "pmhs-ctl.h"

#define errf(...) snprintf(err, err_len, __VA_ARGS__)
#define PW_BUF (PW_MAX + 2)	/* one byte more than allowed, to see "too long" */

int pw_exit_code(int status)
{
	switch (status) {
	case PW_OK:
		return PMHS_EXIT_OK;
	case PW_ENOENT:
		return PMHS_EXIT_NOTFOUND;
	case PW_EPERM:
		return PMHS_EXIT_PERM;
	default:
		return PMHS_EXIT_FAIL;
	}
}

int pw_handle_opt(struct pw_source *src, int c, const char *arg)
{
	switch (c) {
	case PW_OPT_FILE: src->file = arg; break;
	case PW_OPT_STDIN: src->from_stdin = true; break;
	case PW_OPT_KEY: src->key = arg; break;
	case PW_OPT_ALLOW_WEAK: src->allow_weak = true; return 1;
	default: return 0;
	}
	if (++src->count > 1) {
		fprintf(stderr, "%s: give only one of --password-file, --password-stdin "
			"and --password-key\n", prog);
		return -1;
	}
	return 1;
}

static char *pw_alloc(void)
{
	char *pw = calloc(1, PW_BUF);

	/* Keep it out of swap if we may; not being allowed to is no reason to fail. */
	if (pw)
		mlock(pw, PW_BUF);
	return pw;
}

void pw_free(char *pw)
{
	if (!pw)
		return;
	explicit_bzero(pw, PW_BUF);
	munlock(pw, PW_BUF);
	free(pw);
}

/* The last check every source goes through. */
static int validate(char *pw, size_t len, const char *from, char *err, size_t err_len)
{
	if (len && pw[len - 1] == '\r')
		pw[--len] = '\0';
	if (len > PW_MAX) {
		errf("the password from %s is longer than %d bytes", from, PW_MAX);
		return PW_EINVAL;
	}
	if (memchr(pw, '\0', len)) {
		errf("the password from %s contains a NUL byte", from);
		return PW_EINVAL;
	}
	if (!len) {
		errf("the password from %s is empty", from);
		return PW_EINVAL;
	}
	return PW_OK;
}

/*
 * One line from @fd, byte by byte: reading ahead would swallow what follows
 * on a shared stdin, and a password line is short.
 */
static int read_line(int fd, char *pw, size_t *len, const char *from, char *err, size_t err_len)
{
	ssize_t r;
	char c;

	*len = 0;
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			return PW_EIO;	/* a signal at the prompt: give up */
		if (r < 0) {
			errf("cannot read the password from %s: %s", from, strerror(errno));
			return PW_EIO;
		}
		if (r == 0 || c == '\n')
			break;
		if (*len < PW_BUF - 1)
			pw[(*len)++] = c;
		else
			*len = PW_BUF;	/* too long; keep reading to the end of line */
	}
	if (*len == PW_BUF)
		*len = PW_MAX + 1;
	pw[*len < PW_BUF ? *len : PW_BUF - 1] = '\0';
	c = 0;
	return validate(pw, *len, from, err, err_len);
}

static int from_file(const char *path, char *pw, char *err, size_t err_len)
{
	struct stat st;
	size_t len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		errf("cannot open password file %s: %s", path, strerror(errno));
		return errno == ENOENT ? PW_ENOENT : errno == EACCES ? PW_EPERM : PW_EIO;
	}
	/* fstat of the opened file: no window for a swap after the check. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) {
		close(fd);
		errf("refusing password file %s: other users can read or change it (mode %04o); "
		     "run: chmod 600 %s", path, st.st_mode & 07777, path);
		return PW_EPERM;
	}
	ret = read_line(fd, pw, &len, path, err, err_len);
	close(fd);
	return ret;
}

static key_serial_t find_key(const char *spec, char *err, size_t err_len)
{
	key_serial_t id;
	char *end;
	long v;

	if (spec[0] == '%') {
		if (strncmp(spec, "%user:", 6) || !spec[6]) {
			errf("--password-key takes SERIAL or %%user:DESC, not '%s' "
			     "(logon keys cannot be read back, by design)", spec);
			return -1;
		}
		id = find_key_by_type_and_desc("user", spec + 6, 0);
		if (id < 0)
			errf("no key %s in your keyrings: %s (add one with: keyctl padd user %s @u)",
			     spec, strerror(errno), spec + 6);
		return id;
	}
	errno = 0;
	v = strtol(spec, &end, 10);
	if (errno || *end || !*spec || v <= 0 || v > 0x7fffffff) {
		errf("--password-key takes SERIAL or %%user:DESC, not '%s'", spec);
		return -1;
	}
	return (key_serial_t)v;
}

static int from_key(const char *spec, char *pw, char *err, size_t err_len)
{
	key_serial_t id = find_key(spec, err, err_len);
	void *payload = NULL;
	long len;
	int e, ret;

	if (id < 0)
		return errno == ENOKEY ? PW_ENOENT : PW_EINVAL;
	len = keyctl_read_alloc(id, &payload);
	if (len < 0) {
		e = errno;
		errf("cannot read key %s: %s%s", spec, strerror(e),
		     e == EACCES ? " (it must be readable by you and possessed, e.g. "
				   "linked into your session or user keyring)" : "");
		return e == ENOKEY ? PW_ENOENT : e == EACCES ? PW_EPERM : PW_EIO;
	}
	/* `keyctl padd ... < file` keeps the file's newline: drop one. */
	if (len && ((char *)payload)[len - 1] == '\n')
		len--;
	if (len > PW_MAX) {
		ret = validate(pw, PW_MAX + 1, spec, err, err_len);
	} else {
		memcpy(pw, payload, (size_t)len);
		pw[len] = '\0';
		ret = validate(pw, (size_t)len, spec, err, err_len);
	}
	explicit_bzero(payload, (size_t)len);
	free(payload);
	return ret;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* Ask on /dev/tty with echo off; the terminal is restored on every path. */
static int ask_tty(int tty, const char *prompt, char *pw, char *err, size_t err_len)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa = { .sa_handler = on_signal }, old[sizeof(sigs) / sizeof(sigs[0])];
	struct termios saved, quiet;
	size_t len;
	int ret;

	if (tcgetattr(tty, &saved)) {
		errf("cannot set up the terminal: %s", strerror(errno));
		return PW_EIO;
	}
	got_signal = 0;
	/* No SA_RESTART: a ^C must end the read, not be swallowed by it. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (write(tty, prompt, strlen(prompt)) < 0 || tcsetattr(tty, TCSAFLUSH, &quiet)) {
		ret = PW_EIO;
		errf("cannot set up the terminal: %s", strerror(errno));
	} else {
		ret = read_line(tty, pw, &len, "the terminal", err, err_len);
	}
	tcsetattr(tty, TCSAFLUSH, &saved);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (got_signal) {
		explicit_bzero(pw, PW_BUF);
		if (write(tty, "\n", 1) < 0)
			ret = PW_EIO;
		raise(got_signal);
		errf("interrupted");
		return PW_EIO;
	}
	return ret;
}

static int from_tty(bool confirm, char *pw, char *err, size_t err_len)
{
	char *again;
	int tty, ret;

	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) {
		errf("no terminal to ask for the password on: use --password-file, "
		     "--password-stdin or --password-key");
		return PW_ENOTTY;
	}
	ret = ask_tty(tty, "Password: ", pw, err, err_len);
	if (!ret && confirm) {
		again = pw_alloc();
		if (!again) {
			close(tty);
			errf("out of memory");
			return PW_EIO;
		}
		ret = ask_tty(tty, "Password (again): ", again, err, err_len);
		if (!ret && strcmp(pw, again)) {
			errf("the two passwords differ");
			ret = PW_EMISMATCH;
		}
		pw_free(again);
	}
	close(tty);
	return ret;
}

int pw_read(const struct pw_source *src, bool confirm, char **out, char *err, size_t err_len)
{
	char *pw = pw_alloc();
	size_t len;
	int ret;

	*out = NULL;
	if (!pw) {
		errf("out of memory");
		return PW_EIO;
	}
	if (src->file)
		ret = from_file(src->file, pw, err, err_len);
	else if (src->key)
		ret = from_key(src->key, pw, err, err_len);
	else if (src->from_stdin)
		ret = read_line(STDIN_FILENO, pw, &len, "stdin", err, err_len);
	else
		ret = from_tty(confirm, pw, err, err_len);
	if (ret) {
		pw_free(pw);
		return ret;
	}
	*out = pw;
	return PW_OK;
}

double pw_entropy_bits(const char *pw)
{
	return ZxcvbnMatch(pw, NULL, NULL);
}

int pw_check_strength(const char *pw, bool allow_weak, double *bits, char *err, size_t err_len)
{
	*bits = pw_entropy_bits(pw);
	if (*bits >= PW_MIN_BITS || allow_weak)
		return PW_OK;
	errf("the password is too weak for the password handshake: about %.0f bits of "
	     "entropy, at least %d needed.\n"
	     "  Each side sends an hsub, a hash of the password and a random IV, in the "
	     "clear: anyone who records one\n"
	     "  can try guesses against it offline, as fast as their hardware goes, and "
	     "a weak password falls quickly.\n"
	     "  Use a longer passphrase (four or more random words), or --allow-weak to "
	     "accept that risk.", *bits, PW_MIN_BITS);
	return PW_EWEAK;
}
