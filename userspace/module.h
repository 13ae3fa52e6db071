/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_MODULE_H
#define PMHS_MODULE_H

#include <pmhs/pmhs.h>

/*
 * Open a libpmhs handle; on failure say why and what to do (the _quiet
 * one says nothing if only the module is missing). *@exit_code: PMHS_EXIT_*.
 */
struct pmhs *ctl_open(int *exit_code);
struct pmhs *ctl_open_quiet(int *exit_code);
/*
 * 0 if the module answers, else the exit code after saying why: the
 * check before a command does anything it cannot undo (write a file,
 * bind a port).
 */
int ctl_require(void);
/* Print "prog: what: reason (kernel: extack)" and map to an exit code. */
int ctl_report(struct pmhs *h, const char *what, int err);

#endif
