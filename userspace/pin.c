// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl pin: the pinned-peer stores (see pins.h for where they live and
 * their format). `check` is what a handshake does with a peer's key, for
 * scripts: strict (pre-distributed keys) unless --tofu.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pins.h"
#include "pmhs-ctl.h"

static const char *const scope_names[] = { "user", "system" };

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s pin list [--system]\n"
		"       %s pin dump [--system]\n"
		"       %s pin show [--pem] NAME\n"
		"       %s pin add [--system] [--replace] NAME KEY-FILE\n"
		"       %s pin remove [--system] NAME\n"
		"       %s pin check [--tofu] NAME KEY-FILE\n"
		"\n"
		"Pins live in ~/.config/pmhs/known_peers (or $XDG_CONFIG_HOME, or\n"
		"$PMHS_KNOWN_PEERS) and, with --system, /etc/pmhs/known_peers (root only).\n"
		"list and dump show both stores; dump prints NAME, SHA256-HEX, BITS and\n"
		"user|system separated by tabs. check exits 0 if KEY-FILE is the key\n"
		"pinned for NAME, %d if it is not, %d if NAME is unknown (with --tofu: pin\n"
		"it now and exit 0). add exits %d if NAME is pinned to another key: in the\n"
		"same store (--replace replaces it) or, for a user pin, in the system store\n"
		"(which a user pin cannot override). KEY-FILE may be '-' for stdin.\n",
		prog, prog, prog, prog, prog, prog, PMHS_EXIT_VERIFY, PMHS_EXIT_NOTFOUND,
		PMHS_EXIT_VERIFY);
	return ret;
}

static int fail(int status, const char *err, enum pin_scope scope)
{
	fprintf(stderr, "%s: %s\n", prog, err);
	if (status == -EACCES && scope == PIN_SYSTEM)
		fprintf(stderr, "%s: the system-wide pins are root's: run as root, or drop "
			"--system to pin for yourself only\n", prog);
	return pins_exit_code(status);
}

static struct json_object *pin_json(const struct pmhs_pin *p, enum pin_scope scope, bool pem)
{
	struct json_object *o = json_object_new_object();
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN], *text;

	pmhs_fp_hex(p->fingerprint, hex);
	pmhs_fp_short(p->fingerprint, sfp);
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "scope", json_object_new_string(scope_names[scope]));
	json_object_object_add(o, "bits", json_object_new_int((int)p->bits));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
	if (pem && (text = kf_spki_pem(p->spki, p->spki_len))) {
		json_object_object_add(o, "public_key", json_object_new_string(text));
		free(text);
	}
	return o;
}

/* Load the stores list/dump/show look at: both, or only the system one. */
static int load_stores(bool system_only, struct pin_store st[2], size_t *n)
{
	char err[1024];
	int ret;

	*n = 0;
	for (int s = PIN_SYSTEM; s >= (system_only ? PIN_SYSTEM : PIN_USER); s--) {
		ret = pins_load((enum pin_scope)s, &st[*n], err, sizeof(err));
		if (ret) {
			for (size_t i = 0; i < *n; i++)
				pins_free(&st[i]);
			return fail(ret, err, (enum pin_scope)s);
		}
		(*n)++;
	}
	return PMHS_EXIT_OK;
}

static int pin_list(bool system_only, bool dump)
{
	struct json_object *arr = json_output ? json_object_new_array() : NULL;
	struct pin_store st[2];
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];
	size_t n;
	int ret = load_stores(system_only, st, &n);

	if (ret) {
		json_object_put(arr);
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pmhs_pins_count(st[i].pins); j++) {
			const struct pmhs_pin *p = pmhs_pins_get(st[i].pins, j);

			pmhs_fp_hex(p->fingerprint, hex);
			pmhs_fp_short(p->fingerprint, sfp);
			if (arr)
				json_object_array_add(arr, pin_json(p, st[i].scope, false));
			else if (dump)
				printf("%s\t%s\t%u\t%s\n", p->name, hex, p->bits,
				       scope_names[st[i].scope]);
			else
				printf("%-24s %s  %4u-bit  %s\n", p->name, sfp, p->bits,
				       scope_names[st[i].scope]);
		}
		pins_free(&st[i]);
	}
	if (arr)
		json_emit(arr);
	return PMHS_EXIT_OK;
}

static void show_one(const struct pmhs_pin *p, enum pin_scope scope, const char *path,
		     bool pem)
{
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN], *text;

	if (pem) {
		text = kf_spki_pem(p->spki, p->spki_len);
		if (text)
			fputs(text, stdout);
		free(text);
		return;
	}
	pmhs_fp_hex(p->fingerprint, hex);
	pmhs_fp_short(p->fingerprint, sfp);
	printf("peer: %s\n  scope: %s (%s line %u)\n  key: %u-bit RSA\n  sha256: %s\n"
	       "  fingerprint: %s\n", p->name, scope_names[scope], path, p->line,
	       p->bits, hex, sfp);
}

static int pin_show(const char *name, bool pem)
{
	struct json_object *obj = NULL, *scopes = NULL;
	struct pin_store st[2];
	bool found = false;
	size_t n;
	int ret = load_stores(false, st, &n);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		const struct pmhs_pin *p = pmhs_pins_find(st[i].pins, name);

		/* One JSON object: the first store's pin, and every store that has it. */
		if (p && json_output) {
			if (!obj) {
				obj = pin_json(p, st[i].scope, true);
				scopes = json_object_new_array();
				json_object_object_add(obj, "scopes", scopes);
			}
			json_object_array_add(scopes, json_object_new_string(scope_names[st[i].scope]));
		} else if (p) {
			show_one(p, st[i].scope, st[i].path, pem);
		}
		found |= p != NULL;
		pins_free(&st[i]);
	}
	if (!found) {
		fprintf(stderr, "%s: no pin for '%s' (see: %s pin list)\n", prog, name, prog);
		return PMHS_EXIT_NOTFOUND;
	}
	if (obj)
		json_emit(obj);
	return PMHS_EXIT_OK;
}

static int load_key(const char *path, struct pmhs_key *pub)
{
	char err[1024];
	int ret = kf_load_public(strcmp(path, "-") ? path : "/dev/stdin", pub, err, sizeof(err));

	if (ret)
		fprintf(stderr, "%s: %s\n", prog, err);
	return ret ? kf_exit_code(ret) : PMHS_EXIT_OK;
}

static void report(const char *name, const struct pmhs_key *pub, const char *outcome,
		   enum pin_scope scope)
{
	uint8_t fp[PMHS_FP_LEN];
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];

	pmhs_fingerprint(pub->spki, pub->spki_len, fp);
	pmhs_fp_hex(fp, hex);
	pmhs_fp_short(fp, sfp);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "scope", json_object_new_string(scope_names[scope]));
		json_object_object_add(o, "sha256", json_object_new_string(hex));
		json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
		json_object_object_add(o, "result", json_object_new_string(outcome));
		json_emit(o);
	} else {
		printf("%s %s %s\n", name, outcome, sfp);
	}
}

static int pin_add(const char *name, const char *file, enum pin_scope scope, bool replace)
{
	static const char *const outcomes[] = { "unchanged", "pinned", "replaced" };
	struct pmhs_key pub;
	char err[1024];
	int changed, ret = load_key(file, &pub);

	if (ret)
		return ret;
	ret = pins_add(scope, name, &pub, replace, &changed, err, sizeof(err));
	if (ret) {
		pmhs_key_free(&pub);
		return fail(ret, err, scope);
	}
	if (changed == 2)
		fprintf(stderr, "%s: replaced the pinned key of '%s'\n", prog, name);
	report(name, &pub, outcomes[changed], scope);
	pmhs_key_free(&pub);
	return PMHS_EXIT_OK;
}

static int pin_check(const char *name, const char *file, bool tofu)
{
	struct pmhs_key pub;
	bool new_pin;
	char err[1024];
	int ret = load_key(file, &pub);

	if (ret)
		return ret;
	ret = pins_check(name, &pub, tofu, &new_pin, err, sizeof(err));
	if (ret) {
		pmhs_key_free(&pub);
		return fail(ret, err, PIN_USER);
	}
	if (new_pin)
		fprintf(stderr, "%s: '%s' was unknown: pinned its key on first use\n", prog, name);
	report(name, &pub, new_pin ? "new-pin" : "match", PIN_USER);
	pmhs_key_free(&pub);
	return PMHS_EXIT_OK;
}

int pin_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "system", no_argument, NULL, 's' },
		{ "replace", no_argument, NULL, 'r' },
		{ "tofu", no_argument, NULL, 't' },
		{ "pem", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool system = false, replace = false, tofu = false, pem = false;
	const char *cmd;
	char err[1024];
	int c, nargs, ret;

	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage(PMHS_EXIT_OK);
	optind = 1;
	while ((c = ctl_getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': system = true; break;
		case 'r': replace = true; break;
		case 't': tofu = true; break;
		case 'p': pem = true; break;
		case 'h': return usage(PMHS_EXIT_OK);
		default: return usage(PMHS_EXIT_USAGE);
		}
	}
	argv += optind + 1;
	nargs = argc - 1 - optind;
	if ((!strcmp(cmd, "list") || !strcmp(cmd, "dump")) && !nargs && !replace && !tofu && !pem)
		return pin_list(system, !strcmp(cmd, "dump"));
	if (!strcmp(cmd, "show") && nargs == 1 && !system && !replace && !tofu)
		return pin_show(argv[0], pem);
	if (!strcmp(cmd, "add") && nargs == 2 && !tofu && !pem)
		return pin_add(argv[0], argv[1], system ? PIN_SYSTEM : PIN_USER, replace);
	if (!strcmp(cmd, "remove") && nargs == 1 && !replace && !tofu && !pem) {
		ret = pins_remove(system ? PIN_SYSTEM : PIN_USER, argv[0], err, sizeof(err));
		return ret ? fail(ret, err, system ? PIN_SYSTEM : PIN_USER) : PMHS_EXIT_OK;
	}
	if (!strcmp(cmd, "check") && nargs == 2 && !system && !replace && !pem)
		return pin_check(argv[0], argv[1], tofu);
	if (strcmp(cmd, "list") && strcmp(cmd, "dump") && strcmp(cmd, "show") &&
	    strcmp(cmd, "add") && strcmp(cmd, "remove") && strcmp(cmd, "check"))
		fprintf(stderr, "%s: pin: unknown command '%s'\n", prog, cmd);
	else
		fprintf(stderr, "%s: pin %s: wrong arguments or options\n", prog, cmd);
	return usage(PMHS_EXIT_USAGE);
}
