/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_NL_H
#define PMHS_NL_H

#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

struct pmhs_nl;

/* Called once per reply message with its attributes parsed. */
typedef int (*pmhs_nl_cb)(struct nlattr **tb, void *arg);

/*
 * Connect and resolve the family (which autoloads pmhs.ko); on failure
 * print why and what to do (the _quiet one prints nothing if only the
 * module is missing).
 */
struct pmhs_nl *pmhs_nl_open(int *exit_code);
struct pmhs_nl *pmhs_nl_open_quiet(int *exit_code);
/* The same, bound to port id @port (0: any); NULL, silently, if taken. */
struct pmhs_nl *pmhs_nl_open_port(int *exit_code, uint32_t port);
/*
 * 0 if the module answers, else the exit code after saying why: the
 * check before a command does anything it cannot undo (write a file,
 * bind a port).
 */
int pmhs_nl_require(void);
void pmhs_nl_close(struct pmhs_nl *nl);
/* The socket, for tests that look at raw messages. */
int pmhs_nl_fd(const struct pmhs_nl *nl);

struct nl_msg *pmhs_nl_msg(struct pmhs_nl *nl, unsigned char cmd, int flags);

/*
 * Send @msg (consumed), feed every reply to @cb and wait for the ack.
 * Returns 0 or a negative errno; the kernel's extack text, if any, is
 * then in pmhs_nl_extack().
 */
int pmhs_nl_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		 pmhs_nl_cb cb, void *arg);
/* The same for a request that holds a secret: wiped before it is freed. */
int pmhs_nl_call_wipe(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		      pmhs_nl_cb cb, void *arg);
const char *pmhs_nl_extack(const struct pmhs_nl *nl);

/* Print "prog: what: reason (kernel: extack)" and map to an exit code. */
int pmhs_nl_report(const struct pmhs_nl *nl, const char *what, int err);

#endif
