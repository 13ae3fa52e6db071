/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_NETLINK_H
#define _PMHS_NETLINK_H

int pmhs_netlink_init(void);
void pmhs_netlink_uninit(void);

#endif /* _PMHS_NETLINK_H */
