// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl password-check: how strong zxcvbn thinks a password is, read the
 * same way the password handshake reads it, so an operator can vet one
 * before configuring it. Never prints the password.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "password.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s password-check [--password-file FILE | --password-stdin |\n"
		"                          --password-key KEY] [--allow-weak]\n"
		"\n"
		"Prints zxcvbn's entropy estimate of the password in bits. Exits %d if it\n"
		"is below %d bits, the minimum of the password handshake, unless\n"
		"--allow-weak.\n\n" PW_USAGE,
		prog, PMHS_EXIT_FAIL, PW_MIN_BITS);
	return ret;
}

int password_check_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		PW_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pw_source src = { 0 };
	char err[1024], *pw;
	double bits;
	int c, ret;

	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(PMHS_EXIT_OK);
		ret = pw_handle_opt(&src, c, optarg);
		if (ret <= 0)
			return usage(PMHS_EXIT_USAGE);
	}
	if (optind != argc)
		return usage(PMHS_EXIT_USAGE);
	ret = pw_read(&src, false, &pw, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pw_exit_code(ret);
	}
	ret = pw_check_strength(pw, src.allow_weak, &bits, err, sizeof(err));
	pw_free(pw);
	if (json_output) {
		struct json_object *o = json_object_new_object();
		char num[32];

		/* One decimal, as the text says: json-c would print 17 digits. */
		snprintf(num, sizeof(num), "%.1f", bits);
		json_object_object_add(o, "bits", json_object_new_double_s(bits, num));
		json_object_object_add(o, "min_bits", json_object_new_int(PW_MIN_BITS));
		json_object_object_add(o, "strong", json_object_new_boolean(bits >= PW_MIN_BITS));
		json_emit(o);
	} else {
		printf("%.1f bits, %s\n", bits, bits >= PW_MIN_BITS ? "ok" : "weak");
	}
	if (ret)
		fprintf(stderr, "%s: %s\n", prog, err);
	else if (bits < PW_MIN_BITS)
		fprintf(stderr, "%s: warning: weak password accepted because of --allow-weak\n", prog);
	return pw_exit_code(ret);
}
