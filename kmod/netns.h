/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_NETNS_H
#define _PMHS_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>

/*
 * Everything pmhs holds lives in one network namespace. @lock serialises
 * configuration changes; readers of single fields use READ_ONCE().
 */
struct pmhs_net {
	struct net *net;
	struct mutex lock;	/* serialises writers of the fields below */
	u32 session_timeout;	/* seconds */
	bool allow_rsa1024;
};

struct pmhs_net *pmhs_net(const struct net *net);

int pmhs_netns_init(void);
void pmhs_netns_uninit(void);

#endif /* _PMHS_NETNS_H */
