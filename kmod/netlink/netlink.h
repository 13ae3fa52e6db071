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

/*
 * A reply to a request: begin() makes room for @size bytes of
 * attributes, the caller puts them into @msg, end() sends it, or frees it
 * and returns @err if that is not 0 (so a failed nla_put() can go
 * straight in).
 */
struct pmhs_nl_reply {
	struct sk_buff *msg;
	void *hdr;
};

int pmhs_nl_reply_begin(struct genl_info *info, size_t size,
			struct pmhs_nl_reply *r);
int pmhs_nl_reply_end(struct genl_info *info, struct pmhs_nl_reply *r,
		      int err);

int pmhs_netlink_init(void);
void pmhs_netlink_uninit(void);

#endif /* _PMHS_NETLINK_H */
