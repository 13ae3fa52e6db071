/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for the host unit tests (unit.c, lib-unit.c): one "ok N - ..." or
 * "not ok N - ..." line per assertion, the plan at the end.
 */
#ifndef PMHS_TAP_H
#define PMHS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static __attribute__((format(printf, 2, 3))) void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed += !cond;
}

/* Print the plan; main()'s exit status. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
