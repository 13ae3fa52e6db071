/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_PINS_H
#define PMHS_PINS_H

/*
 * Pinned peers, like ssh's known_hosts. Two stores:
 *
 *   user    $PMHS_KNOWN_PEERS, else $XDG_CONFIG_HOME/pmhs/known_peers,
 *           else ~/.config/pmhs/known_peers (directory made 0700)
 *   system  $PMHS_SYSTEM_KNOWN_PEERS, else /etc/pmhs/known_peers; read by
 *           everyone, written only by root (pmhs-ctl pin --system)
 *
 * File format, one peer per line, fields separated by spaces or tabs:
 *
 *   NAME SHA256-HEX SPKI-BASE64
 *
 * NAME is 1..255 characters of [A-Za-z0-9._:@+[]-], not starting with '-';
 * SHA256-HEX is the 64 lowercase hex digits of SHA-256 over the SPKI DER
 * (`pmhs-ctl fingerprint`); SPKI-BASE64 is that DER in one line of base64,
 * so a pin carries the whole key, not just its hash. '#' starts a comment
 * line; comments and blank lines survive rewrites. A line whose fingerprint
 * does not match its key, or a name pinned twice, makes the whole file an
 * error: a pin store that cannot be read exactly must not be half-trusted.
 * The file is rewritten atomically, mode 0644, under an flock() of its
 * directory so that two TOFU pins at once cannot lose one.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"

#define PIN_NAME_MAX 255

enum pin_scope { PIN_USER, PIN_SYSTEM };

enum pin_status {
	PIN_OK = 0,
	PIN_ENOTFOUND = -1,	/* no pin for that name (strict mode: refused) */
	PIN_EMISMATCH = -2,	/* pinned to another key */
	PIN_ECORRUPT = -3,	/* the store file is malformed */
	PIN_EACCES = -4,	/* cannot read or write the store */
	PIN_EIO = -5,
	PIN_EINVAL = -6,	/* bad name */
};

struct pin {
	char name[PIN_NAME_MAX + 1];
	uint8_t fp[KF_FP_LEN];
	struct kf_public pub;
	enum pin_scope scope;
	unsigned int line;
	char *before;		/* comment and blank lines above it, or NULL */
};

struct pin_store {
	enum pin_scope scope;
	char *path;
	struct pin *pins;
	size_t n;
	char *trailer;		/* comment and blank lines after the last pin */
};

/* The store's file name for @scope, or NULL (message in @err). malloc()ed. */
char *pins_path(enum pin_scope scope, char *err, size_t err_len);

/* A missing file is an empty store. */
int pins_load(enum pin_scope scope, struct pin_store *st, char *err, size_t err_len);
void pins_free(struct pin_store *st);
const struct pin *pins_find(const struct pin_store *st, const char *name);
bool pins_valid_name(const char *name);

/* Pin @name to @pub in @scope. *@changed: 0 already so, 1 added, 2 replaced. */
int pins_add(enum pin_scope scope, const char *name, const struct kf_public *pub,
	     bool replace, int *changed, char *err, size_t err_len);
int pins_remove(enum pin_scope scope, const char *name, char *err, size_t err_len);

/*
 * Is @pub the key pinned for @name, in either store? A mismatch is shouted
 * on stderr with both fingerprints. Unknown names are refused unless @tofu,
 * which pins them in the user store and sets *@new_pin.
 */
int pins_check(const char *name, const struct kf_public *pub, bool tofu, bool *new_pin,
	       char *err, size_t err_len);

int pins_exit_code(int status);

#endif
