/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_KTLS_H
#define _PMHS_KTLS_H

#include <linux/netlink.h>
#include <linux/types.h>

int pmhs_ktls_install(int fd, const u8 secret[32], bool initiator, bool aes128,
		      struct netlink_ext_ack *extack);

#endif /* _PMHS_KTLS_H */
