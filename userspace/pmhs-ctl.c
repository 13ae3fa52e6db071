// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl: the operator's tool for the pmhs kernel module. One file per
 * subcommand; this file only dispatches and handles the global options.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pmhs-ctl.h"

/* Every message starts with "pmhs-ctl:", whatever path the tool ran from. */
const char *prog = "pmhs-ctl";
const char *subcmd = "";
bool json_output;
bool json_pretty;

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *description;
} subcommands[] = {
	{ "help", help_main, "Show this list, or the help of one subcommand" },
	{ "version", version_main, "Show the versions of pmhs-ctl and of the pmhs module" },
	{ "config", config_main, "Show or change this network namespace's pmhs settings" },
	{ "ipsec", ipsec_main, "ESP security associations keyed from a handshake secret" },
	{ "genkey", genkey_main, "Generate an RSA identity key file (mode 0600)" },
	{ "pubkey", pubkey_main, "Print the public key of a key file as SPKI PEM" },
	{ "fingerprint", fingerprint_main, "Print the SHA-256 fingerprint of a key" },
	{ "pin", pin_main, "List, add, remove and check pinned peer keys" },
	{ "password-check", password_check_main, "Estimate the strength of a password" },
	{ "identity", identity_main, "Import, generate, list, show and delete module identities" },
	{ "handshake", handshake_main, "Run a handshake by copy and paste of hex lines" },
	{ "listen", listen_main, "Run a handshake with the peer that connects over TCP" },
	{ "connect", connect_main, "Run a handshake with a peer that listens over TCP" },
	{ "hybrid", hybrid_main, "Encrypt to a public key or decrypt with an identity" },
	{ "noise", noise_main, "Generate X25519 keys for the noise modes, as wg genkey/pubkey" },
	{ "opaque", opaque_main, "OPAQUE: a server setup file; register and log in by hand" },
};
#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s [-j|--json] [-p|--pretty] <cmd> [<args>]\n"
		   "       %s -V|--version\n"
		   "       %s help [<cmd>]\n\n", prog, prog, prog);
	fprintf(f, "Available subcommands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; ++i)
		fprintf(f, "  %-16s %s\n", subcommands[i].name, subcommands[i].description);
	fprintf(f, "\nGlobal options may also follow the subcommand (up to '--').\n"
		   "  -j, --json     one JSON document on stdout\n"
		   "  -p, --pretty   indent the JSON (implies --json)\n"
		   "  -V, --version  print the version of pmhs-ctl (no module needed)\n"
		   "  -h, --help     this text\n"
		   "\nRun '%s help <cmd>' or '%s <cmd> --help' for the options of one subcommand.\n",
		prog, prog);
}

static int find_subcommand(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; ++i)
		if (!strcmp(name, subcommands[i].name))
			return (int)i;
	return -1;
}

int help_main(int argc, char *argv[])
{
	int i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		return PMHS_EXIT_OK;
	}
	i = find_subcommand(argv[1]);
	if (argc > 2 || i < 0) {
		fprintf(stderr, "%s: help: no subcommand '%s' (see: %s help)\n", prog, argv[1], prog);
		return PMHS_EXIT_USAGE;
	}
	if (subcommands[i].fn == help_main) {
		show_usage(stdout);
		return PMHS_EXIT_OK;
	}
	subcmd = subcommands[i].name;
	return subcommands[i].fn(2, (char *[]){ argv[1], "--help", NULL });
}

bool wants_help(int argc, char *argv[])
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

/* getopt_long() with "pmhs-ctl: SUBCOMMAND:" in front of its messages. */
int ctl_getopt_long(int argc, char *argv[], const char *optstring,
		    const struct option *longopts, int *longindex)
{
	char name[128], *saved = argv[0];
	int c;

	if (!strcmp(argv[0], subcmd))
		snprintf(name, sizeof(name), "%s: %s", prog, subcmd);
	else
		snprintf(name, sizeof(name), "%s: %s %s", prog, subcmd, argv[0]);
	argv[0] = name;
	c = getopt_long(argc, argv, optstring, longopts, longindex);
	argv[0] = saved;
	return c;
}

enum { NOT_GLOBAL, GLOBAL, GLOBAL_DONE };

/* GLOBAL_DONE: it was -V, printed; the command line is done with. */
static int global_option(const char *arg)
{
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		json_output = true;
	} else if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
		json_output = json_pretty = true;
	} else if (!strcmp(arg, "-jp") || !strcmp(arg, "-pj")) {
		json_output = json_pretty = true;
	} else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
		printf("pmhs-ctl %s\n", PMHS_CTL_VERSION);
		return GLOBAL_DONE;
	} else {
		return NOT_GLOBAL;
	}
	return GLOBAL;
}

int main(int argc, char *argv[])
{
	int i, j, k, ret;

	while (argc > 1 && argv[1][0] == '-') {
		ret = global_option(argv[1]);
		if (ret == GLOBAL_DONE)
			return PMHS_EXIT_OK;
		if (ret == NOT_GLOBAL && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			show_usage(stdout);
			return PMHS_EXIT_OK;
		}
		if (ret == NOT_GLOBAL) {
			fprintf(stderr, "%s: unknown option '%s' (see: %s help)\n", prog, argv[1], prog);
			return PMHS_EXIT_USAGE;
		}
		argv++;
		argc--;
	}
	if (argc < 2) {
		show_usage(stderr);
		return PMHS_EXIT_USAGE;
	}
	i = find_subcommand(argv[1]);
	if (i < 0) {
		fprintf(stderr, "%s: invalid subcommand '%s' (see: %s help)\n", prog, argv[1], prog);
		return PMHS_EXIT_USAGE;
	}
	/* Global options after the subcommand, as ip and wg users expect; '--' ends them. */
	for (j = k = 2; j < argc; j++) {
		if (!strcmp(argv[j], "--")) {
			while (j < argc)
				argv[k++] = argv[j++];
			break;
		}
		ret = global_option(argv[j]);
		if (ret == GLOBAL_DONE)
			return PMHS_EXIT_OK;
		if (ret == NOT_GLOBAL)
			argv[k++] = argv[j];
	}
	argv[k] = NULL;
	argc = k;
	subcmd = subcommands[i].name;
	return subcommands[i].fn(argc - 1, argv + 1);
}
