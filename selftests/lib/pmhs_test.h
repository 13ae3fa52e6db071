/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the selftests: netlink calls, module control. */
#ifndef PMHS_TEST_H
#define PMHS_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "nl.h"

/* Result of one request: errno (0 or negative), extack text, reply attrs. */
struct pt_reply {
	int err;
	char extack[256];
	struct nlattr *tb[64];
	unsigned char buf[65536];	/* copy of the last reply's attributes */
	int buflen;
	int count;			/* number of reply messages */
};

struct pmhs_nl *pt_open(void);
/* Build, send and wait; @msg comes from pmhs_nl_msg(). */
int pt_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr, struct pt_reply *r);
/* Is the genl family "pmhs" registered right now? */
bool pt_family_present(void);
/* Run a shell command, return its exit status. */
int pt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Drop to an unprivileged uid (no capabilities left). */
int pt_drop_privs(void);
/* hybrid in-fd: a memfd holding @len bytes, sealed against writes and resizing. */
int pt_memfd_in(const void *p, size_t len);
/* hybrid out-fd: a memfd of @size zero bytes, sealed against resizing. */
int pt_memfd_out(size_t size);

#endif
