// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN kernel source (tools/nlspec-gen.py) */

#include "nl_gen.h"

/* PMHS_CMD_SET_CONFIG - do */
static const struct nla_policy pmhs_set_config_nl_policy[PMHS_A_CONFIG_ALLOW_RSA1024 + 1] = {
	[PMHS_A_CONFIG_SESSION_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, PMHS_SESSION_TIMEOUT_MAX),
	[PMHS_A_CONFIG_ALLOW_RSA1024] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Ops table for pmhs */
const struct genl_ops pmhs_nl_ops[3] = {
	{
		.cmd		= PMHS_CMD_GET_VERSION,
		.doit		= pmhs_nl_get_version_doit,
	},
	{
		.cmd		= PMHS_CMD_GET_CONFIG,
		.doit		= pmhs_nl_get_config_doit,
	},
	{
		.cmd		= PMHS_CMD_SET_CONFIG,
		.doit		= pmhs_nl_set_config_doit,
		.policy		= pmhs_set_config_nl_policy,
		.maxattr	= PMHS_A_CONFIG_ALLOW_RSA1024,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
