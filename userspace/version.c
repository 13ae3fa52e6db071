// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include "jsonout.h"
#include "nl.h"
#include "pmhs-ctl.h"

struct version_reply {
	char module[64];
	unsigned int proto;
	unsigned int modes;
};

static const char *const mode_names[] = {
	"password", "rsa-mutual", "rsa-half-send", "rsa-half-receive", "hybrid",
};

static int version_cb(struct nlattr **tb, void *arg)
{
	struct version_reply *v = arg;

	if (tb[PMHS_A_VERSION_MODULE_VERSION])
		snprintf(v->module, sizeof(v->module), "%s",
			 nla_get_string(tb[PMHS_A_VERSION_MODULE_VERSION]));
	if (tb[PMHS_A_VERSION_PROTO_VERSION])
		v->proto = nla_get_u32(tb[PMHS_A_VERSION_PROTO_VERSION]);
	if (tb[PMHS_A_VERSION_MODES])
		v->modes = nla_get_u32(tb[PMHS_A_VERSION_MODES]);
	return 0;
}

int version_main(int argc, char *argv[])
{
	struct version_reply v = { 0 };
	struct pmhs_nl *nl = NULL;
	struct nl_msg *msg;
	bool have_module = false;
	int ret;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fprintf(help ? stdout : stderr,
			"Usage: %s version\n"
			"\n"
			"Prints the version of pmhs-ctl and, if the pmhs module is loaded, its\n"
			"version, wire protocol and modes. Exits 0 without the module too.\n", prog);
		return help ? PMHS_EXIT_OK : PMHS_EXIT_USAGE;
	}
	/* Quietly: a missing module is an answer here, not an error. */
	nl = pmhs_nl_open_quiet(&ret);
	if (nl) {
		msg = pmhs_nl_msg(nl, PMHS_CMD_GET_VERSION, 0);
		ret = msg ? pmhs_nl_call(nl, msg, PMHS_A_VERSION_MAX, version_cb, &v) : -ENOMEM;
		if (ret) {
			ret = pmhs_nl_report(nl, "get-version", ret);
			pmhs_nl_close(nl);
			return ret;
		}
		pmhs_nl_close(nl);
		have_module = true;
	}

	if (json_output) {
		struct json_object *o = json_object_new_object(), *m = json_object_new_array();

		for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
			if (v.modes & (1u << i))
				json_object_array_add(m, json_object_new_string(mode_names[i]));
		json_object_object_add(o, "tool", json_object_new_string(PMHS_CTL_VERSION));
		json_object_object_add(o, "module", have_module ?
				       json_object_new_string(v.module) : NULL);
		json_object_object_add(o, "protocol", have_module ?
				       json_object_new_int((int)v.proto) : NULL);
		json_object_object_add(o, "modes", m);
		json_emit(o);
		return PMHS_EXIT_OK;
	}
	printf("pmhs-ctl %s\n", PMHS_CTL_VERSION);
	if (!have_module) {
		printf("pmhs.ko  not loaded (see: %s config show)\n", prog);
		return PMHS_EXIT_OK;
	}
	printf("pmhs.ko  %s (wire protocol %u)\n", v.module, v.proto);
	printf("modes:  ");
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (v.modes & (1u << i))
			printf(" %s", mode_names[i]);
	printf("\n");
	return PMHS_EXIT_OK;
}
