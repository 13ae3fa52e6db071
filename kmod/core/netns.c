// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state. Objects are created in the namespace of the
 * netlink socket that asked for them and die with it.
 */
#include <linux/netdevice.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "identity.h"
#include "keyring.h"
#include "netns.h"
#include "session.h"
#include <uapi/linux/pmhs.h>

static unsigned int pmhs_net_id __read_mostly;

struct pmhs_net *pmhs_net(const struct net *net)
{
	return net_generic(net, pmhs_net_id);
}

static int __net_init pmhs_net_init(struct net *net)
{
	struct pmhs_net *pn = pmhs_net(net);

	pn->net = net;
	mutex_init(&pn->lock);
	INIT_LIST_HEAD(&pn->identities);
	atomic_set(&pn->n_sessions, 0);
	pn->session_timeout = PMHS_SESSION_TIMEOUT_DEFAULT;
	pn->allow_rsa1024 = false;
	pmhs_keyring_net_init(pn);
	pmhs_opaque_limit_net_init(&pn->olimit);
	return 0;
}

static void __net_exit pmhs_net_exit(struct net *net)
{
	struct pmhs_net *pn = pmhs_net(net);

	/* No socket of this namespace is left, so nothing races with us. */
	pmhs_session_flush_net(net);
	pmhs_identity_flush(pn);
	pmhs_keyring_net_exit(pn);
	/* after the sessions, which may still refund into it */
	pmhs_opaque_limit_net_exit(&pn->olimit);
	mutex_destroy(&pn->lock);
}

static struct pernet_operations pmhs_net_ops = {
	.init = pmhs_net_init,
	.exit = pmhs_net_exit,
	.id = &pmhs_net_id,
	.size = sizeof(struct pmhs_net),
};

int __init pmhs_netns_init(void)
{
	return register_pernet_subsys(&pmhs_net_ops);
}

void pmhs_netns_uninit(void)
{
	unregister_pernet_subsys(&pmhs_net_ops);
}
