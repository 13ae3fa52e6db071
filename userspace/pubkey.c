// SPDX-License-Identifier: GPL-2.0
/* pmhs-ctl pubkey: the public half of a key file, as SPKI PEM, like `wg pubkey`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s pubkey [KEY-FILE]\n"
		"\n"
		"Prints the public key of KEY-FILE (a private or public RSA key, PEM) as\n"
		"an SPKI \"PUBLIC KEY\" PEM. Without KEY-FILE, or with '-', reads stdin.\n",
		prog);
	return ret;
}

int pubkey_main(int argc, char *argv[])
{
	const char *path = "/dev/stdin";
	struct pmhs_key pub;
	char err[1024], *pem;
	int ret;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(PMHS_EXIT_OK);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1]))
		return usage(PMHS_EXIT_USAGE);
	if (argc == 2 && strcmp(argv[1], "-"))
		path = argv[1];
	ret = kf_load_public(path, &pub, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	pem = kf_spki_pem(pub.spki, pub.spki_len);
	pmhs_key_free(&pub);
	if (!pem) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return PMHS_EXIT_FAIL;
	}
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "public_key", json_object_new_string(pem));
		json_emit(o);
	} else {
		fputs(pem, stdout);
	}
	free(pem);
	return PMHS_EXIT_OK;
}
