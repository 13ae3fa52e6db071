// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl: the operator's tool for the pmhs kernel module. One file per
 * subcommand; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "pmhs-ctl.h"

const char *prog;
bool json_output;

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *description;
} subcommands[] = {
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
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s [-j|--json] <cmd> [<args>]\n\n", prog);
	fprintf(f, "Available subcommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i)
		fprintf(f, "  %-16s %s\n", subcommands[i].name, subcommands[i].description);
	fprintf(f, "\nRun '%s <cmd> --help' for the options of one subcommand.\n", prog);
}

int main(int argc, char *argv[])
{
	prog = argv[0];
	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			json_output = true;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			show_usage(stdout);
			return PMHS_EXIT_OK;
		} else if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
			return version_main(1, (char *[]){ "version", NULL });
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[1]);
			show_usage(stderr);
			return PMHS_EXIT_USAGE;
		}
		argv++;
		argc--;
	}
	if (argc < 2) {
		show_usage(stderr);
		return PMHS_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: invalid subcommand '%s'\n", prog, argv[1]);
	show_usage(stderr);
	return PMHS_EXIT_USAGE;
}
