/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_KTLS_H
#define _PMHS_KTLS_H

#include <linux/netlink.h>
#include <linux/types.h>

/*
 * @cipher is a PMHS_TLS_CIPHER_* value. *@used is set once TLS took keys
 * from @secret (TX at least).
 */
int pmhs_ktls_install(int fd, const u8 secret[32], const u8 *nonces,
		      bool initiator, u32 cipher, bool *used,
		      struct netlink_ext_ack *extack);

#endif /* _PMHS_KTLS_H */
