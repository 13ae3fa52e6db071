/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_PINS_H
#define PMHS_PINS_H

/*
 * pmhs-ctl's two pin stores (libpmhs's pmhs_pins_*, format in
 * <pmhs/pmhs.h>):
 *
 *   user    $PMHS_KNOWN_PEERS, else $XDG_CONFIG_HOME/pmhs/known_peers,
 *           else ~/.config/pmhs/known_peers (directory made 0700)
 *   system  $PMHS_SYSTEM_KNOWN_PEERS, else /etc/pmhs/known_peers; read by
 *           everyone, written only by root (pmhs-ctl pin --system)
 *
 * and the policy between them: every store that knows a name must agree,
 * and a user pin may not contradict the system's. Statuses are libpmhs's
 * -errno: -ENOENT unknown name, -EKEYREJECTED pinned to another key,
 * -EBADMSG a malformed store, -EACCES, -EINVAL a bad name, -EIO.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <pmhs/pmhs.h>

enum pin_scope { PIN_USER = PMHS_PINS_USER, PIN_SYSTEM = PMHS_PINS_SYSTEM };

struct pin_store {
	enum pin_scope scope;
	char path[PATH_MAX];
	struct pmhs_pins *pins;
};

/* A missing file is an empty store. */
int pins_load(enum pin_scope scope, struct pin_store *st, char *err, size_t err_len);
void pins_free(struct pin_store *st);

/* Pin @name to @pub in @scope. *@changed: 0 already so, 1 added, 2 replaced. */
int pins_add(enum pin_scope scope, const char *name, const struct pmhs_key *pub,
	     bool replace, int *changed, char *err, size_t err_len);
int pins_remove(enum pin_scope scope, const char *name, char *err, size_t err_len);

/*
 * Is @pub the key pinned for @name, in either store? A mismatch is shouted
 * on stderr with both fingerprints. Unknown names are refused unless @tofu,
 * which pins them in the user store and sets *@new_pin.
 */
int pins_check(const char *name, const struct pmhs_key *pub, bool tofu, bool *new_pin,
	       char *err, size_t err_len);

int pins_exit_code(int status);

#endif
