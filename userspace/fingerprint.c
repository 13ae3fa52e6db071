// SPDX-License-Identifier: GPL-2.0
/* pmhs-ctl fingerprint: SHA-256 of a key's SPKI DER, the name pins use. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s fingerprint [--short] KEY-FILE|-\n"
		"\n"
		"Prints the SHA-256 of the key's SubjectPublicKeyInfo DER in lowercase hex\n"
		"(the same as: openssl pkey -pubout -outform DER | sha256sum), or with\n"
		"--short as SHA256:<base64>, ssh style. KEY-FILE may be private or public,\n"
		"PEM or DER; '-' reads it from stdin.\n",
		prog);
	return ret;
}

int fingerprint_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "short", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char err[1024], hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];
	uint8_t fp[PMHS_FP_LEN];
	struct pmhs_key pub;
	bool short_form = false;
	int c, ret;

	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "sh", opts, NULL)) != -1) {
		switch (c) {
		case 's': short_form = true; break;
		case 'h': return usage(PMHS_EXIT_OK);
		default: return usage(PMHS_EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		return usage(PMHS_EXIT_USAGE);
	ret = kf_load_public(strcmp(argv[optind], "-") ? argv[optind] : "/dev/stdin", &pub,
			     err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	pmhs_fingerprint(pub.spki, pub.spki_len, fp);
	pmhs_fp_hex(fp, hex);
	pmhs_fp_short(fp, sfp);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(argv[optind]));
		json_object_object_add(o, "bits", json_object_new_int(pub.bits));
		json_object_object_add(o, "sha256", json_object_new_string(hex));
		json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
		json_emit(o);
	} else {
		puts(short_form ? sfp : hex);
	}
	pmhs_key_free(&pub);
	return PMHS_EXIT_OK;
}
