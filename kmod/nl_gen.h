/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN kernel source (tools/nlspec-gen.py) */

#ifndef _PMHS_NL_GEN_H
#define _PMHS_NL_GEN_H

#include <net/genetlink.h>
#include <uapi/linux/pmhs.h>

/* Ops table */
int pmhs_nl_get_version_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct genl_ops pmhs_nl_ops[3];

#endif /* _PMHS_NL_GEN_H */
