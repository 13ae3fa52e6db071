// SPDX-License-Identifier: GPL-2.0
/* pmhs-ctl's side of libpmhs: what to tell the user, and exit codes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "modhint.h"
#include "module.h"
#include "pmhs-ctl.h"

static void report_no_module(void)
{
	struct modhint h;
	char advice[1536];

	modhint_probe(&h);
	modhint_advice(&h, advice, sizeof(advice));
	fprintf(stderr, "%s: %s"
		"  Without the module these still work: genkey, pubkey, noise genkey,\n"
		"  noise pubkey, fingerprint, pin,\n"
		"  password-check, help, version.\n", prog, advice);
}

static struct pmhs *open_module(int *exit_code, bool quiet)
{
	struct pmhs *h;
	int err = pmhs_open(&h);

	if (!err) {
		*exit_code = PMHS_EXIT_OK;
		return h;
	}
	if (err == -ENOENT) {
		if (!quiet)
			report_no_module();
		*exit_code = PMHS_EXIT_NOMODULE;
		return NULL;
	}
	if (err == -EPROTONOSUPPORT) {
		fprintf(stderr,
			"%s: the loaded pmhs module speaks another netlink version than this tool "
			"(family version %d): install matching pmhs-dkms and pmhs-ctl, then "
			"'modprobe -r pmhs'\n", prog, PMHS_FAMILY_VERSION);
		*exit_code = PMHS_EXIT_NOMODULE;
		return NULL;
	}
	fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n", prog, strerror(-err));
	*exit_code = PMHS_EXIT_FAIL;
	return NULL;
}

struct pmhs *ctl_open(int *exit_code)
{
	return open_module(exit_code, false);
}

struct pmhs *ctl_open_quiet(int *exit_code)
{
	return open_module(exit_code, true);
}

int ctl_require(void)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	pmhs_close(h);
	return ret;
}

int ctl_report(struct pmhs *h, const char *what, int err)
{
	const char *kernel = h ? pmhs_errmsg(h) : "";

	if (*kernel)
		fprintf(stderr, "%s: %s: %s (kernel: %s)\n", prog, what, strerror(-err), kernel);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
	switch (-err) {
	case EPERM:
	case EACCES:
		if (-err == EPERM)
			fprintf(stderr, "  This needs CAP_NET_ADMIN in the network namespace (run as root).\n");
		return PMHS_EXIT_PERM;
	case ENOENT:
		return PMHS_EXIT_NOTFOUND;
	case EBADMSG:
	case EKEYREJECTED:
		return PMHS_EXIT_VERIFY;
	default:
		return PMHS_EXIT_FAIL;
	}
}
