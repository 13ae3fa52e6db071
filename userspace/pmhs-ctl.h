/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_CTL_H
#define PMHS_CTL_H

#include <stdbool.h>

/* Exit codes, documented in pmhs-ctl(8). Scripts rely on them. */
enum {
	PMHS_EXIT_OK = 0,
	PMHS_EXIT_FAIL = 1,		/* anything not listed below */
	PMHS_EXIT_USAGE = 2,		/* bad command line */
	PMHS_EXIT_NOTFOUND = 3,		/* no such identity, session, file */
	PMHS_EXIT_VERIFY = 4,		/* a peer's message failed to verify */
	PMHS_EXIT_PERM = 5,		/* not allowed (CAP_NET_ADMIN, file modes) */
	PMHS_EXIT_NOMODULE = 6,		/* pmhs.ko is not loaded or installed */
	PMHS_EXIT_MALFORMED = 7,	/* a peer's line is not a message at all */
};

extern const char *prog;
extern const char *subcmd;	/* the subcommand running, for messages */
extern bool json_output;
extern bool json_pretty;

struct option;
/* getopt_long() whose messages start with "pmhs-ctl: SUBCOMMAND:". */
int ctl_getopt_long(int argc, char *argv[], const char *optstring,
		    const struct option *longopts, int *longindex);

/* -h or --help among the arguments (up to '--'): for hand-parsed subcommands. */
bool wants_help(int argc, char *argv[]);

int help_main(int argc, char *argv[]);
int version_main(int argc, char *argv[]);
int config_main(int argc, char *argv[]);
int ipsec_main(int argc, char *argv[]);
int genkey_main(int argc, char *argv[]);
int pubkey_main(int argc, char *argv[]);
int fingerprint_main(int argc, char *argv[]);
int pin_main(int argc, char *argv[]);
int password_check_main(int argc, char *argv[]);
int identity_main(int argc, char *argv[]);
int handshake_main(int argc, char *argv[]);
int listen_main(int argc, char *argv[]);
int connect_main(int argc, char *argv[]);
int hybrid_main(int argc, char *argv[]);
int noise_main(int argc, char *argv[]);
int opaque_main(int argc, char *argv[]);

#endif
