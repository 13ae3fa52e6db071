// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl genkey: make an RSA identity key file, PKCS#1 PEM, mode 0600, as
 * poorman_handshake writes it. --ensure is the reference's HandShake(path)
 * behaviour for provisioning scripts: load, create if missing, and replace
 * a corrupt file after backing it up.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s genkey [--bits 2048|3072|4096] [--force] [--short] FILE\n"
		"       %s genkey --ensure [--bits 2048|3072|4096] [--no-regenerate] [--short] FILE\n"
		"\n"
		"Writes a new RSA private key to FILE (PKCS#1 PEM, mode 0600) and prints\n"
		"its SHA-256 fingerprint as `pmhs-ctl fingerprint` does: hex, or with\n"
		"--short SHA256:<base64>. An existing FILE is kept unless --force.\n"
		"--ensure keeps a usable FILE, creates a missing one, and moves a corrupt\n"
		"one to FILE.bak before making a new key (--no-regenerate: fail instead).\n",
		prog, prog);
	return ret;
}

static void report(const char *path, const struct pmhs_key *key, const char *outcome,
		   bool short_form)
{
	uint8_t fp[PMHS_FP_LEN];
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];

	pmhs_fingerprint(key->spki, key->spki_len, fp);
	pmhs_fp_hex(fp, hex);
	pmhs_fp_short(fp, sfp);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(path));
		json_object_object_add(o, "bits", json_object_new_int(key->bits));
		json_object_object_add(o, "sha256", json_object_new_string(hex));
		json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
		json_object_object_add(o, "outcome", json_object_new_string(outcome));
		json_emit(o);
	} else {
		/* The line `pmhs-ctl fingerprint` prints for the same key. */
		printf("%s\n", short_form ? sfp : hex);
	}
}

static int parse_bits(const char *s, int *bits)
{
	if (strcmp(s, "2048") && strcmp(s, "3072") && strcmp(s, "4096")) {
		fprintf(stderr, "%s: genkey: --bits takes 2048, 3072 or 4096, not '%s'\n", prog, s);
		return -1;
	}
	*bits = atoi(s);
	return 0;
}

int genkey_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "bits", required_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "ensure", no_argument, NULL, 'e' },
		{ "no-regenerate", no_argument, NULL, 'N' },
		{ "short", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char *const outcomes[] = { "loaded", "created", "regenerated" };
	bool force = false, ensure = false, no_regen = false, short_form = false;
	struct pmhs_key key;
	enum kf_outcome outcome = KF_CREATED;
	int bits = KF_DEFAULT_BITS, c, ret;
	char err[1024];

	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "b:fsh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_bits(optarg, &bits))
				return usage(PMHS_EXIT_USAGE);
			break;
		case 'f': force = true; break;
		case 'e': ensure = true; break;
		case 'N': no_regen = true; break;
		case 's': short_form = true; break;
		case 'h': return usage(PMHS_EXIT_OK);
		default: return usage(PMHS_EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		return usage(PMHS_EXIT_USAGE);
	if ((force && ensure) || (no_regen && !ensure)) {
		fprintf(stderr, "%s: genkey: %s\n", prog, force && ensure ?
			"--force and --ensure contradict each other" :
			"--no-regenerate only makes sense with --ensure");
		return usage(PMHS_EXIT_USAGE);
	}
	PMHS_INIT(key);
	if (ensure)
		ret = kf_load_or_create(argv[optind], bits, no_regen ? KF_NO_REGENERATE : 0,
					&key, &outcome, err, sizeof(err));
	else
		ret = pmhs_key_generate(argv[optind], (unsigned int)bits,
					force ? PMHS_WRITE_REPLACE : 0, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		if (ret == -EEXIST)
			fprintf(stderr, "%s: use --force to replace it, or --ensure to keep it\n", prog);
		return kf_exit_code(ret);
	}
	report(argv[optind], &key, outcomes[outcome], short_form);
	pmhs_key_free(&key);
	return PMHS_EXIT_OK;
}
