/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_MODHINT_H
#define PMHS_MODHINT_H

/*
 * Why the pmhs family is missing, and what an admin should do about it.
 * modhint_probe() looks at the system (no side effects: /sys/module,
 * `modprobe -n -v`, /lib/modules, the SecureBoot EFI variable);
 * modhint_advice() turns what it found into words, and is pure so that
 * the unit tests can feed it every case.
 */
#include <stdbool.h>
#include <stddef.h>

struct modhint {
	bool loaded;		/* /sys/module/pmhs exists */
	int modprobe_rc;	/* of `modprobe -n -v pmhs`; -1: could not run it */
	char modprobe_out[512];	/* its output, both streams */
	char kernel[128];	/* uname -r */
	char other_kernels[256];/* kernels with a pmhs.ko, space-separated */
	int secure_boot;	/* 1 on, 0 off, -1 unknown */
};

enum modhint_case {
	MODHINT_NOT_INSTALLED,	/* no pmhs.ko anywhere */
	MODHINT_OTHER_KERNEL,	/* built for other kernels only */
	MODHINT_LOAD_FAILED,	/* installed for this kernel, not loaded */
	MODHINT_SECURE_BOOT,	/* the same with Secure Boot on */
	MODHINT_NO_FAMILY,	/* loaded, but no "pmhs" family */
};

void modhint_probe(struct modhint *h);
enum modhint_case modhint_classify(const struct modhint *h);
/* The explanation (several lines, each ending in '\n') into @buf. */
enum modhint_case modhint_advice(const struct modhint *h, char *buf, size_t len);

#endif
