/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' raw netlink: requests they build themselves (malformed,
 * oversized, by attribute number) over a libpmhs handle, whose plumbing
 * (extended acks, the call loop) they share through libpmhs.a.
 */
#ifndef PMHS_SELFTEST_NL_H
#define PMHS_SELFTEST_NL_H

#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"		/* userspace/lib: the handle and raw calls */

struct pmhs_nl;

/* Called once per reply message with its attributes parsed. */
typedef pmhs_raw_cb pmhs_nl_cb;

/* NULL if the family does not resolve; *@exit_code is then non-zero. */
struct pmhs_nl *pmhs_nl_open(int *exit_code);
/* The same, bound to port id @port (0: any); NULL if taken. */
struct pmhs_nl *pmhs_nl_open_port(int *exit_code, uint32_t port);
void pmhs_nl_close(struct pmhs_nl *nl);
int pmhs_nl_fd(const struct pmhs_nl *nl);
/* The library handle underneath, for the library's own calls. */
struct pmhs *pmhs_nl_handle(const struct pmhs_nl *nl);

struct nl_msg *pmhs_nl_msg(struct pmhs_nl *nl, unsigned char cmd, int flags);
/* Send @msg (consumed), feed every reply to @cb, wait for the ack: 0 or -errno. */
int pmhs_nl_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		 pmhs_nl_cb cb, void *arg);
const char *pmhs_nl_extack(const struct pmhs_nl *nl);

#endif
