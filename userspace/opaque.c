// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl opaque setup FILE: a new OPAQUE server setup (RFC 9807,
 * ristretto255-SHA512) as a 0600 file of 128 random seed bytes in hex,
 * which `pmhs-ctl identity import NAME FILE` hands to the module. The
 * module derives the key pairs; nothing here does group arithmetic, and
 * the setup never comes back out of the module. No module needed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s opaque setup FILE\n"
		"\n"
		"setup writes a new OPAQUE server setup to FILE (mode 0600; an existing\n"
		"file is never replaced): the OPRF seed and the seeds of the server's key\n"
		"pairs. Load it into the module with\n"
		"  %s identity import NAME FILE\n"
		"Keep it secret and keep it: every registered user's record depends on it,\n"
		"so a new setup means everyone registers again.\n", prog, prog);
	return ret;
}

static int cmd_setup(const char *file)
{
	uint8_t setup[PMHS_OPAQUE_SETUP_LEN];
	char err[1024];
	int ret;

	ret = pmhs_opaque_setup_generate(setup);
	if (!ret)
		ret = pmhs_opaque_setup_write_file(file, setup, 0, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "cannot draw random bytes: %s", strerror(-ret));
	explicit_bzero(setup, sizeof(setup));
	if (ret) {
		fprintf(stderr, "%s: opaque setup: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "outcome", json_object_new_string("created"));
		json_emit(o);
	} else {
		printf("%s: a new OPAQUE server setup (mode 0600); load it with "
		       "'%s identity import NAME %s'\n", file, prog, file);
	}
	return PMHS_EXIT_OK;
}

int opaque_main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "%s: opaque: which command? (setup)\n", prog);
		return usage(PMHS_EXIT_USAGE);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(PMHS_EXIT_OK);
	if (strcmp(argv[1], "setup")) {
		fprintf(stderr, "%s: opaque: unknown command '%s'\n", prog, argv[1]);
		return usage(PMHS_EXIT_USAGE);
	}
	if (argc != 3 || !*argv[2] || argv[2][0] == '-') {
		fprintf(stderr, "%s: opaque setup: give the file to write, and nothing else\n", prog);
		return usage(PMHS_EXIT_USAGE);
	}
	return cmd_setup(argv[2]);
}
