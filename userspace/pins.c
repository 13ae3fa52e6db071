// SPDX-License-Identifier: GPL-2.0
/* pmhs-ctl's user and system pin stores on top of libpmhs's pin store. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pins.h"
#include "pmhs-ctl.h"

#define errf(...) snprintf(err, err_len, __VA_ARGS__)

int pins_exit_code(int status)
{
	switch (status) {
	case 0:
		return PMHS_EXIT_OK;
	case -ENOENT:
		return PMHS_EXIT_NOTFOUND;
	case -EKEYREJECTED:
		return PMHS_EXIT_VERIFY;
	case -EACCES:
		return PMHS_EXIT_PERM;
	case -EINVAL:
		return PMHS_EXIT_USAGE;
	default:
		return PMHS_EXIT_FAIL;
	}
}

static unsigned int scope_flags(enum pin_scope scope)
{
	return scope == PIN_SYSTEM ? PMHS_PINS_SHARED : 0;
}

int pins_load(enum pin_scope scope, struct pin_store *st, char *err, size_t err_len)
{
	int ret;

	memset(st, 0, sizeof(*st));
	st->scope = scope;
	ret = pmhs_pins_path((enum pmhs_pin_scope)scope, st->path, sizeof(st->path), err, err_len);
	if (!ret)
		ret = pmhs_pins_load(st->path, &st->pins, err, err_len);
	return ret;
}

void pins_free(struct pin_store *st)
{
	pmhs_pins_free(st->pins);
	st->pins = NULL;
}

static void both_fingerprints(char *out, size_t n, const uint8_t pinned[PMHS_FP_LEN],
			      const uint8_t offered[PMHS_FP_LEN])
{
	char a[PMHS_FP_HEX_LEN], b[PMHS_FP_HEX_LEN];

	pmhs_fp_hex(pinned, a);
	pmhs_fp_hex(offered, b);
	snprintf(out, n, "pinned %s, offered %s", a, b);
}

/*
 * A handshake needs every store that knows a name to agree, so a user pin
 * that contradicts the system's would make the peer unusable for good:
 * refuse it here, while the user can still choose another name.
 */
static int check_system_pin(const char *name, const struct pmhs_key *pub,
			    char *err, size_t err_len)
{
	struct pin_store sys;
	const struct pmhs_pin *p;
	uint8_t fp[PMHS_FP_LEN];
	char both[200];
	int ret = pins_load(PIN_SYSTEM, &sys, err, err_len);

	if (ret)
		return ret;
	pmhs_fingerprint(pub->spki, pub->spki_len, fp);
	p = pmhs_pins_find(sys.pins, name);
	if (p && memcmp(p->fingerprint, fp, PMHS_FP_LEN)) {
		both_fingerprints(both, sizeof(both), p->fingerprint, fp);
		errf("'%s' is pinned system-wide in %s to a different key (%s), and a user pin "
		     "cannot override it (--replace does not either). If the key really "
		     "changed, root must run: %s pin add --system --replace %s KEY-FILE; "
		     "or pin this key under another name", name, sys.path, both, prog, name);
		ret = -EKEYREJECTED;
	}
	pins_free(&sys);
	return ret;
}

int pins_add(enum pin_scope scope, const char *name, const struct pmhs_key *pub,
	     bool replace, int *changed, char *err, size_t err_len)
{
	char path[PATH_MAX];
	size_t n;
	int ret;

	ret = pmhs_pin_name_check(name, err, err_len);
	if (!ret && scope == PIN_USER)
		ret = check_system_pin(name, pub, err, err_len);
	if (!ret)
		ret = pmhs_pins_path((enum pmhs_pin_scope)scope, path, sizeof(path), err, err_len);
	if (ret)
		return ret;
	ret = pmhs_pins_add(path, name, pub->spki, pub->spki_len,
			    scope_flags(scope) | (replace ? PMHS_PINS_REPLACE : 0), changed,
			    err, err_len);
	n = strlen(err);
	if (ret == -EKEYREJECTED && n < err_len)
		snprintf(err + n, err_len - n, "; use --replace if the change is expected");
	return ret;
}

int pins_remove(enum pin_scope scope, const char *name, char *err, size_t err_len)
{
	char path[PATH_MAX];
	int ret = pmhs_pins_path((enum pmhs_pin_scope)scope, path, sizeof(path), err, err_len);

	return ret ? ret : pmhs_pins_remove(path, name, scope_flags(scope), err, err_len);
}

static void shout_mismatch(const char *name, const struct pmhs_pin *p, enum pin_scope scope,
			   const uint8_t offered[PMHS_FP_LEN], const char *path)
{
	char a[PMHS_FP_HEX_LEN], b[PMHS_FP_HEX_LEN], as[PMHS_FP_SHORT_LEN], bs[PMHS_FP_SHORT_LEN];

	pmhs_fp_hex(p->fingerprint, a);
	pmhs_fp_short(p->fingerprint, as);
	pmhs_fp_hex(offered, b);
	pmhs_fp_short(offered, bs);
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
		scope == PIN_SYSTEM ? " --system" : "", name);
}

int pins_check(const char *name, const struct pmhs_key *pub, bool tofu, bool *new_pin,
	       char *err, size_t err_len)
{
	static const enum pin_scope scopes[] = { PIN_SYSTEM, PIN_USER };
	uint8_t fp[PMHS_FP_LEN];
	char both[200];
	bool found = false;
	int changed, ret;

	*new_pin = false;
	ret = pmhs_pin_name_check(name, err, err_len);
	if (ret)
		return ret;
	pmhs_fingerprint(pub->spki, pub->spki_len, fp);
	/* Every store that knows the name must agree: the first mismatch loses. */
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		struct pin_store st;
		const struct pmhs_pin *p;

		ret = pins_load(scopes[i], &st, err, err_len);
		if (ret)
			return ret;
		p = pmhs_pins_find(st.pins, name);
		if (p && memcmp(p->fingerprint, fp, PMHS_FP_LEN)) {
			shout_mismatch(name, p, scopes[i], fp, st.path);
			both_fingerprints(both, sizeof(both), p->fingerprint, fp);
			errf("key of '%s' does not match its pin in %s (%s)", name, st.path, both);
			pins_free(&st);
			return -EKEYREJECTED;
		}
		found |= p != NULL;
		pins_free(&st);
	}
	if (found)
		return 0;
	if (!tofu) {
		errf("'%s' is not a pinned peer, and only pinned peers are accepted; "
		     "pin it first (%s pin add %s KEY-FILE), or trust on first use with --tofu",
		     name, prog, name);
		return -ENOENT;
	}
	ret = pins_add(PIN_USER, name, pub, false, &changed, err, err_len);
	*new_pin = !ret && changed;
	return ret;
}
