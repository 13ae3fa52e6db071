// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl opaque setup FILE: a new OPAQUE server setup (RFC 9807,
 * ristretto255-SHA512) as a 0600 file of 128 random seed bytes in hex,
 * which `pmhs-ctl identity import NAME FILE` hands to the module. The
 * module derives the key pairs; nothing here does group arithmetic, and
 * the setup never comes back out of the module. No module needed.
 *
 * pmhs-ctl opaque register|login [--server]: either side of a
 * registration or a login as a manual exchange of lines (opaque-hs.c
 * runs the steps; listen/connect do the same over TCP).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hs.h"
#include "jsonout.h"
#include "keyfile.h"
#include "module.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s opaque setup FILE\n"
		"       %s opaque register|login [PASSWORD-OPTIONS] [--ksf-memory KIB] [OPTIONS]\n"
		"       %s opaque register|login --server --identity NAME --user NAME\n"
		"                                [--store DIR] [--replace] [OPTIONS]\n"
		"       %s opaque unlock USER\n"
		"\n"
		"setup writes a new OPAQUE server setup to FILE (mode 0600; an existing\n"
		"file is never replaced): the OPRF seed and the seeds of the server's key\n"
		"pairs. Load it into the module with\n"
		"  %s identity import NAME FILE\n"
		"Keep it secret and keep it: every registered user's record depends on it,\n"
		"so a new setup means everyone registers again.\n"
		"\n"
		"unlock forgets USER's failed logins in the module (its login limiter locks\n"
		"a user for a while after failures; see /sys/module/pmhs/parameters/opaque_*)\n"
		"in this network namespace; it needs CAP_NET_ADMIN.\n"
		"\n"
		"register and login run one side of an OPAQUE registration or login as a\n"
		"manual exchange: each of our messages is a line on stdout (hex, or\n"
		"base64url with --base64url), each of the peer's a line on stdin (hex or\n"
		"base64url, either; or --peer-message-file). The client speaks first:\n"
		"client line, server line, client line. Then the client of a registration\n"
		"prints export-serial N; a login prints serial N (the session key; the\n"
		"client also export-serial N); the server of a registration stores the\n"
		"user's record in the store. A login with a wrong password or for an\n"
		"unknown user fails alike on both sides: \"authentication failed\", exit 4.\n"
		"\n"
		"  --server               the server's side (default: the client's)\n"
		"  --base64url            print our messages in base64url (no padding), as\n"
		"                         opaque-ke based tools do\n"
		"  --peer-message-file FILE  read the peer's lines from FILE, not stdin\n"
		HS_USAGE_OPAQUE
		"Client password (as the password handshake; never on the command line):\n"
		PW_USAGE
		"Where the keys go (session key; the client's export key too):\n"
		"  --keyring @s|@u|@p|@t|@us|@g|SERIAL  keyring to publish in (default @s)\n"
		"  --logon, --description DESC, --module-keyring, --show-secret\n"
		"                         as for pmhs-ctl handshake\n",
		prog, prog, prog, prog, prog);
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

/* One side, line by line; the store before any line, the module after the first. */
static int run_manual(const struct hs_opts *o)
{
	static uint8_t peer[PMHS_MESSAGE_MAX];
	struct hs hs;
	size_t len;
	int ret = hs_prepare(o, &hs);

	if (o->opaque.server) {
		if (!ret)
			ret = hs_opaque_check_store(o, &hs);
		if (!ret)
			ret = hs_read_peer(o, &hs, peer, &len);
		if (!ret)
			ret = hs_opaque_start(o, &hs);
		if (!ret)
			ret = hs_opaque_read(o, &hs, peer, len);
		if (!ret)
			hs_print_message(o, &hs, false);
		if (!ret)
			ret = hs_read_peer(o, &hs, peer, &len);
		if (!ret)
			ret = hs_opaque_read(o, &hs, peer, len);
	} else {
		if (!ret)
			ret = hs_opaque_start(o, &hs);
		if (!ret)
			hs_print_message(o, &hs, false);
		if (!ret)
			ret = hs_read_peer(o, &hs, peer, &len);
		if (!ret)
			ret = hs_opaque_read(o, &hs, peer, len);
		if (!ret)
			hs_print_message(o, &hs, true);
	}
	if (!ret)
		ret = hs_opaque_report(o, &hs);
	hs_free(&hs);
	return ret;
}

static int cmd_session(int argc, char *argv[], int mode)
{
	static const struct option opts[] = {
		PW_LONG_OPTIONS,
		HS_OPAQUE_LONG_OPTIONS,
		{ "server", no_argument, NULL, HS_OPT_SERVER },
		{ "base64url", no_argument, NULL, HS_OPT_BASE64URL },
		{ "identity", required_argument, NULL, HS_OPT_IDENTITY },
		{ "keyring", required_argument, NULL, HS_OPT_KEYRING },
		{ "logon", no_argument, NULL, HS_OPT_LOGON },
		{ "description", required_argument, NULL, HS_OPT_DESCRIPTION },
		{ "module-keyring", no_argument, NULL, HS_OPT_MODULE_KEYRING },
		{ "show-secret", no_argument, NULL, HS_OPT_SHOW_SECRET },
		{ "peer-message-file", required_argument, NULL, HS_OPT_PEER_MSG_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct hs_opts o = { .mode = mode, .oaep = -1, .noise.role = -1 };
	int c, ret;

	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(PMHS_EXIT_OK);
		if (c == HS_OPT_PEER_MSG_FILE) {
			o.peer_msg_file = optarg;
			continue;
		}
		ret = hs_handle_opt(&o, c, optarg);
		if (ret <= 0)
			return usage(PMHS_EXIT_USAGE);
	}
	if (optind != argc) {
		fprintf(stderr, "%s: opaque %s: unexpected argument '%s'\n", prog, argv[0],
			argv[optind]);
		return usage(PMHS_EXIT_USAGE);
	}
	ret = hs_validate(&o, true);
	return ret ? ret : run_manual(&o);
}

static int cmd_unlock(const char *user)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	ret = pmhs_opaque_unlock(h, user, strlen(user));
	if (ret) {
		ret = ctl_report(h, "opaque-unlock", ret);
	} else if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "user", json_object_new_string(user));
		json_object_object_add(o, "outcome", json_object_new_string("unlocked"));
		json_emit(o);
	} else {
		printf("user '%s': failed logins forgotten\n", user);
	}
	pmhs_close(h);
	return ret;
}

int opaque_main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "%s: opaque: which command? (setup, register, login, unlock)\n",
			prog);
		return usage(PMHS_EXIT_USAGE);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(PMHS_EXIT_OK);
	if (!strcmp(argv[1], "register"))
		return cmd_session(argc - 1, argv + 1, PMHS_MODE_OPAQUE_REGISTER);
	if (!strcmp(argv[1], "login"))
		return cmd_session(argc - 1, argv + 1, PMHS_MODE_OPAQUE_LOGIN);
	if (!strcmp(argv[1], "unlock")) {
		if (argc != 3 || !*argv[2] || argv[2][0] == '-' ||
		    strlen(argv[2]) > PMHS_OPAQUE_CRED_ID_MAX) {
			fprintf(stderr, "%s: opaque unlock: give the user's name, and nothing else\n",
				prog);
			return usage(PMHS_EXIT_USAGE);
		}
		return cmd_unlock(argv[2]);
	}
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
