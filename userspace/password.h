/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_PASSWORD_H
#define PMHS_PASSWORD_H

/*
 * Passwords for the password handshake. Never from argv, where every user
 * sees them in ps and they land in shell history: from the terminal without
 * echo, a file that only its owner can read (first line), stdin, or a "user"
 * key in the kernel keyring. Buffers are locked in memory where allowed and
 * wiped when freed.
 */

#include <stdbool.h>
#include <stddef.h>

#define PW_MAX		1024	/* bytes, without the NUL */
#define PW_MIN_BITS	40	/* zxcvbn entropy estimate */

enum pw_status {
	PW_OK = 0,
	PW_ENOENT = -1,		/* no such file or key */
	PW_EPERM = -2,		/* file readable by others, key not readable */
	PW_EINVAL = -3,		/* empty, too long, NUL byte */
	PW_ENOTTY = -4,		/* no source given and no terminal */
	PW_EMISMATCH = -5,	/* the two entries differ */
	PW_EWEAK = -6,		/* below PW_MIN_BITS without allow_weak */
	PW_EIO = -7,
};

struct pw_source {
	const char *file;	/* --password-file */
	const char *key;	/* --password-key SERIAL or %user:DESC */
	bool from_stdin;	/* --password-stdin */
	bool allow_weak;	/* --allow-weak */
	int count;		/* sources given; more than one is an error */
};

enum {
	PW_OPT_FILE = 0x100,
	PW_OPT_STDIN,
	PW_OPT_KEY,
	PW_OPT_ALLOW_WEAK,
};

/* For a subcommand's getopt_long() table. */
#define PW_LONG_OPTIONS \
	{ "password-file", required_argument, NULL, PW_OPT_FILE }, \
	{ "password-stdin", no_argument, NULL, PW_OPT_STDIN }, \
	{ "password-key", required_argument, NULL, PW_OPT_KEY }, \
	{ "allow-weak", no_argument, NULL, PW_OPT_ALLOW_WEAK }

#define PW_USAGE \
	"  --password-file FILE   first line of FILE (must not be readable by others)\n" \
	"  --password-stdin       first line of standard input\n" \
	"  --password-key KEY     a \"user\" key in your keyrings: SERIAL or %%user:DESC\n" \
	"  --allow-weak           accept a password estimated below 40 bits\n" \
	"Without one of these the password is asked for on the terminal.\n"

/* 1 if getopt's @c was one of ours, 0 if not, -1 (message printed) if bad. */
int pw_handle_opt(struct pw_source *src, int c, const char *arg);

/*
 * Read the password; @confirm asks twice on a terminal (when creating one).
 * *@pw is NUL-terminated, for pw_free() only.
 */
int pw_read(const struct pw_source *src, bool confirm, char **pw, char *err, size_t err_len);
void pw_free(char *pw);

double pw_entropy_bits(const char *pw);
/* PW_EWEAK, with the reason in @err, unless strong enough or allowed. */
int pw_check_strength(const char *pw, bool allow_weak, double *bits, char *err, size_t err_len);

int pw_exit_code(int status);

#endif
