// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include "jsonout.h"
#include "module.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s config [show]\n"
		"       %s config set [session-timeout SECONDS] [allow-rsa1024 yes|no]\n"
		"\n"
		"show prints one setting per line (session-timeout, allow-rsa1024)\n"
		"and the counts of identities and sessions.\n"
		"set changes the given settings of this network namespace (CAP_NET_ADMIN):\n"
		"  session-timeout 1..%d  seconds an unfinished handshake may wait\n"
		"  allow-rsa1024 yes|no    whether 1024-bit RSA keys are accepted\n",
		prog, prog, PMHS_SESSION_TIMEOUT_MAX);
	return ret;
}

static int parse_u32(const char *s, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* Settings of earlier versions that set-config refuses now. */
static bool retired(const char *name)
{
	return !strcmp(name, "pw-fail-limit") || !strcmp(name, "pw-fail-window");
}

/* With @h NULL only checks the arguments: before the module is needed. */
static int config_set(struct pmhs *h, int argc, char *argv[])
{
	struct pmhs_config c;
	unsigned int v;
	int ret;

	PMHS_INIT(c);
	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc) {
			fprintf(stderr, "%s: config set: '%s' needs a value\n", prog, argv[i]);
			goto usage;
		}
		if (!strcmp(argv[i], "session-timeout")) {
			if (parse_u32(argv[i + 1], PMHS_SESSION_TIMEOUT_MAX, &v) || !v) {
				fprintf(stderr, "%s: session-timeout must be 1..%d seconds, not '%s'\n",
					prog, PMHS_SESSION_TIMEOUT_MAX, argv[i + 1]);
				goto usage;
			}
			c.fields |= PMHS_CONFIG_SESSION_TIMEOUT;
			c.session_timeout = v;
		} else if (retired(argv[i])) {
			fprintf(stderr,
				"%s: %s is retired: pmhs no longer counts wrong passwords, which let\n"
				"  anyone lock a password out (see pmhs-ctl(8), CONFIG). Drop the setting.\n",
				prog, argv[i]);
			return PMHS_EXIT_USAGE;
		} else if (!strcmp(argv[i], "allow-rsa1024")) {
			if (strcmp(argv[i + 1], "yes") && strcmp(argv[i + 1], "no")) {
				fprintf(stderr, "%s: allow-rsa1024 takes yes or no, not '%s'\n",
					prog, argv[i + 1]);
				goto usage;
			}
			c.fields |= PMHS_CONFIG_ALLOW_RSA1024;
			c.allow_rsa1024 = !strcmp(argv[i + 1], "yes");
		} else {
			fprintf(stderr, "%s: config set: unknown setting '%s'\n", prog, argv[i]);
			goto usage;
		}
	}
	if (!h)
		return PMHS_EXIT_OK;
	ret = pmhs_config_set(h, &c);
	return ret ? ctl_report(h, "set-config", ret) : PMHS_EXIT_OK;
usage:
	return PMHS_EXIT_USAGE;
}

static int config_show(struct pmhs *h)
{
	struct pmhs_config c;
	int ret;

	PMHS_INIT(c);
	ret = pmhs_config_get(h, &c);
	if (ret)
		return ctl_report(h, "get-config", ret);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "session_timeout", json_object_new_int((int)c.session_timeout));
		json_object_object_add(o, "allow_rsa1024", json_object_new_boolean(c.allow_rsa1024));
		json_object_object_add(o, "identities", json_object_new_int((int)c.identities));
		json_object_object_add(o, "sessions", json_object_new_int((int)c.sessions));
		json_emit(o);
	} else {
		printf("session-timeout %u\n", c.session_timeout);
		printf("allow-rsa1024 %s\n", c.allow_rsa1024 ? "yes" : "no");
		printf("identities %u\n", c.identities);
		printf("sessions %u\n", c.sessions);
	}
	return PMHS_EXIT_OK;
}

int config_main(int argc, char *argv[])
{
	struct pmhs *h;
	int ret;

	if (wants_help(argc, argv))
		return usage(PMHS_EXIT_OK);
	if (argc > 1 && strcmp(argv[1], "show") && strcmp(argv[1], "set")) {
		fprintf(stderr, "%s: config: unknown command '%s'\n", prog, argv[1]);
		return usage(PMHS_EXIT_USAGE);
	}
	if (argc > 2 && !strcmp(argv[1], "show")) {
		fprintf(stderr, "%s: config show: unexpected argument '%s'\n", prog, argv[2]);
		return usage(PMHS_EXIT_USAGE);
	}
	if (argc > 1 && !strcmp(argv[1], "set")) {
		ret = config_set(NULL, argc - 2, argv + 2);
		if (ret)
			return ret;
	}
	h = ctl_open(&ret);
	if (!h)
		return ret;
	if (argc > 1 && !strcmp(argv[1], "set"))
		ret = config_set(h, argc - 2, argv + 2);
	else
		ret = config_show(h);
	pmhs_close(h);
	return ret;
}
