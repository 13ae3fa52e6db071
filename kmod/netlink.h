/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_NETLINK_H
#define _PMHS_NETLINK_H

#include <linux/netlink.h>

/*
 * NL_SET_ERR_MSG() wants a string literal; the reasons the crypto code
 * gives back are static strings chosen at run time.
 */
static inline void pmhs_extack(struct netlink_ext_ack *extack,
			       const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

struct genl_info;
struct sk_buff;

/* A reply to @info's request, to fill between *@hdr and genlmsg_end(). */
struct sk_buff *pmhs_nl_reply_new(struct genl_info *info, size_t size,
				  void **hdr);

int pmhs_netlink_init(void);
void pmhs_netlink_uninit(void);

#endif /* _PMHS_NETLINK_H */
