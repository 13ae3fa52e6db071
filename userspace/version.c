// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include "jsonout.h"
#include "module.h"
#include "pmhs-ctl.h"

static const char *const mode_names[] = {
	"password", "rsa-mutual", "rsa-half-send", "rsa-half-receive", "hybrid",
};

int version_main(int argc, char *argv[])
{
	struct pmhs_version v;
	struct pmhs *h;
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
	PMHS_INIT(v);
	h = ctl_open_quiet(&ret);
	if (h) {
		ret = pmhs_get_version(h, &v);
		if (ret) {
			ret = ctl_report(h, "get-version", ret);
			pmhs_close(h);
			return ret;
		}
		pmhs_close(h);
		have_module = true;
	}

	if (json_output) {
		struct json_object *o = json_object_new_object(), *m = json_object_new_array();

		for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
			if (v.modes & (1u << i))
				json_object_array_add(m, json_object_new_string(mode_names[i]));
		json_object_object_add(o, "tool", json_object_new_string(PMHS_CTL_VERSION));
		json_object_object_add(o, "module", have_module ?
				       json_object_new_string(v.module_version) : NULL);
		json_object_object_add(o, "protocol", have_module ?
				       json_object_new_int((int)v.proto_version) : NULL);
		json_object_object_add(o, "modes", m);
		json_emit(o);
		return PMHS_EXIT_OK;
	}
	printf("pmhs-ctl %s\n", PMHS_CTL_VERSION);
	if (!have_module) {
		printf("pmhs.ko  not loaded (see: %s config show)\n", prog);
		return PMHS_EXIT_OK;
	}
	printf("pmhs.ko  %s (wire protocol %u)\n", v.module_version, v.proto_version);
	printf("modes:  ");
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (v.modes & (1u << i))
			printf(" %s", mode_names[i]);
	printf("\n");
	return PMHS_EXIT_OK;
}
