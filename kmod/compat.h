/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the kernels pmhs supports
 * (Debian 6.1 and 6.12). Everything else includes this and uses the
 * newest spelling.
 */
#ifndef _PMHS_COMPAT_H
#define _PMHS_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "pmhs needs Linux 6.1 or newer"
#endif

/* get_unaligned_be32() and friends moved to linux/unaligned.h in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _PMHS_COMPAT_H */
