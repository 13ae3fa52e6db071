// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink front end: parse, check, call into the objects, reply.
 * Policies and the ops table are generated from docs/netlink/pmhs.yaml
 * into nl_gen.c; every rejection here carries an extack message.
 */
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "nl_gen.h"

#define PMHS_MODES (PMHS_MODE_FLAGS_PASSWORD | PMHS_MODE_FLAGS_RSA_MUTUAL | \
		    PMHS_MODE_FLAGS_RSA_HALF_SEND | \
		    PMHS_MODE_FLAGS_RSA_HALF_RECEIVE | PMHS_MODE_FLAGS_HYBRID)

static struct genl_family pmhs_nl_family;

static struct sk_buff *pmhs_nl_reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &pmhs_nl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int pmhs_nl_get_version_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = pmhs_nl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, PMHS_A_VERSION_MODULE_VERSION, PMHS_VERSION) ||
	    nla_put_u32(msg, PMHS_A_VERSION_PROTO_VERSION, PMHS_PROTO_VERSION) ||
	    nla_put_u32(msg, PMHS_A_VERSION_MODES, PMHS_MODES)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int pmhs_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_net *pn = pmhs_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = pmhs_nl_reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PMHS_A_CONFIG_SESSION_TIMEOUT,
			READ_ONCE(pn->session_timeout)) ||
	    nla_put_u8(msg, PMHS_A_CONFIG_ALLOW_RSA1024,
		       READ_ONCE(pn->allow_rsa1024))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int pmhs_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_net *pn = pmhs_net(genl_info_net(info));
	struct nlattr **a = info->attrs;

	if (!a[PMHS_A_CONFIG_SESSION_TIMEOUT] && !a[PMHS_A_CONFIG_ALLOW_RSA1024]) {
		NL_SET_ERR_MSG(info->extack, "set-config needs at least one setting");
		return -EINVAL;
	}
	mutex_lock(&pn->lock);
	if (a[PMHS_A_CONFIG_SESSION_TIMEOUT])
		WRITE_ONCE(pn->session_timeout,
			   nla_get_u32(a[PMHS_A_CONFIG_SESSION_TIMEOUT]));
	if (a[PMHS_A_CONFIG_ALLOW_RSA1024])
		WRITE_ONCE(pn->allow_rsa1024,
			   !!nla_get_u8(a[PMHS_A_CONFIG_ALLOW_RSA1024]));
	mutex_unlock(&pn->lock);
	return 0;
}

static struct genl_family pmhs_nl_family __ro_after_init = {
	.name		= PMHS_FAMILY_NAME,
	.version	= PMHS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= pmhs_nl_ops,
	.n_ops		= ARRAY_SIZE(pmhs_nl_ops),
	.resv_start_op	= PMHS_CMD_MAX + 1,
};

int __init pmhs_netlink_init(void)
{
	return genl_register_family(&pmhs_nl_family);
}

void pmhs_netlink_uninit(void)
{
	genl_unregister_family(&pmhs_nl_family);
}
