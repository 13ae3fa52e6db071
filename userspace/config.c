// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include "jsonout.h"
#include "nl.h"
#include "pmhs-ctl.h"

struct config_reply {
	unsigned int timeout;
	int allow_rsa1024;
	unsigned int identities, sessions;
};

static int config_cb(struct nlattr **tb, void *arg)
{
	struct config_reply *c = arg;

	if (tb[PMHS_A_CONFIG_SESSION_TIMEOUT])
		c->timeout = nla_get_u32(tb[PMHS_A_CONFIG_SESSION_TIMEOUT]);
	if (tb[PMHS_A_CONFIG_ALLOW_RSA1024])
		c->allow_rsa1024 = nla_get_u8(tb[PMHS_A_CONFIG_ALLOW_RSA1024]);
	if (tb[PMHS_A_CONFIG_IDENTITIES])
		c->identities = nla_get_u32(tb[PMHS_A_CONFIG_IDENTITIES]);
	if (tb[PMHS_A_CONFIG_SESSIONS])
		c->sessions = nla_get_u32(tb[PMHS_A_CONFIG_SESSIONS]);
	return 0;
}

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

/* With @nl NULL only checks the arguments: before the module is needed. */
static int config_set(struct pmhs_nl *nl, int argc, char *argv[])
{
	struct nl_msg *msg = nl ? pmhs_nl_msg(nl, PMHS_CMD_SET_CONFIG, 0) : nlmsg_alloc();
	unsigned int v;
	int ret;

	if (!msg)
		return PMHS_EXIT_FAIL;
	if (argc < 2) {
		nlmsg_free(msg);
		return usage(PMHS_EXIT_USAGE);
	}
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
			nla_put_u32(msg, PMHS_A_CONFIG_SESSION_TIMEOUT, v);
		} else if (retired(argv[i])) {
			fprintf(stderr,
				"%s: %s is retired: pmhs no longer counts wrong passwords, which let\n"
				"  anyone lock a password out (see pmhs-ctl(8), CONFIG). Drop the setting.\n",
				prog, argv[i]);
			nlmsg_free(msg);
			return PMHS_EXIT_USAGE;
		} else if (!strcmp(argv[i], "allow-rsa1024")) {
			if (strcmp(argv[i + 1], "yes") && strcmp(argv[i + 1], "no")) {
				fprintf(stderr, "%s: allow-rsa1024 takes yes or no, not '%s'\n",
					prog, argv[i + 1]);
				goto usage;
			}
			nla_put_u8(msg, PMHS_A_CONFIG_ALLOW_RSA1024, !strcmp(argv[i + 1], "yes"));
		} else {
			fprintf(stderr, "%s: config set: unknown setting '%s'\n", prog, argv[i]);
			goto usage;
		}
	}
	if (!nl) {
		nlmsg_free(msg);
		return PMHS_EXIT_OK;
	}
	ret = pmhs_nl_call(nl, msg, 0, NULL, NULL);
	return ret ? pmhs_nl_report(nl, "set-config", ret) : PMHS_EXIT_OK;
usage:
	nlmsg_free(msg);
	return PMHS_EXIT_USAGE;
}

static int config_show(struct pmhs_nl *nl)
{
	struct config_reply c = { 0 };
	struct nl_msg *msg = pmhs_nl_msg(nl, PMHS_CMD_GET_CONFIG, 0);
	int ret;

	if (!msg)
		return PMHS_EXIT_FAIL;
	ret = pmhs_nl_call(nl, msg, PMHS_A_CONFIG_MAX, config_cb, &c);
	if (ret)
		return pmhs_nl_report(nl, "get-config", ret);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "session_timeout", json_object_new_int((int)c.timeout));
		json_object_object_add(o, "allow_rsa1024", json_object_new_boolean(c.allow_rsa1024));
		json_object_object_add(o, "identities", json_object_new_int((int)c.identities));
		json_object_object_add(o, "sessions", json_object_new_int((int)c.sessions));
		json_emit(o);
	} else {
		printf("session-timeout %u\n", c.timeout);
		printf("allow-rsa1024 %s\n", c.allow_rsa1024 ? "yes" : "no");
		printf("identities %u\n", c.identities);
		printf("sessions %u\n", c.sessions);
	}
	return PMHS_EXIT_OK;
}

int config_main(int argc, char *argv[])
{
	struct pmhs_nl *nl;
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
	nl = pmhs_nl_open(&ret);
	if (!nl)
		return ret;
	if (argc > 1 && !strcmp(argv[1], "set"))
		ret = config_set(nl, argc - 2, argv + 2);
	else
		ret = config_show(nl);
	pmhs_nl_close(nl);
	return ret;
}
