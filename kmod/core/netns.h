/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_NETNS_H
#define _PMHS_NETNS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "opaque_limit.h"

#define PMHS_MAX_IDENTITIES	1024
#define PMHS_MAX_SESSIONS	65536

/*
 * Everything pmhs holds lives in one network namespace.
 *
 * Locking: @lock protects @identities and serialises writers of the
 * settings; readers of a single setting use READ_ONCE(). It is never held
 * across cryptography. Sessions live in a global xarray (session.c)
 * and are only counted here. @keyring_lock serialises making module
 * keyrings (keyring.c); @keyrings holds a reference to each.
 */
struct pmhs_net {
	struct net *net;
	struct mutex lock;		/* see above */
	struct list_head identities;	/* struct pmhs_identity.node */
	unsigned int n_identities;
	atomic_t n_sessions;
	u32 session_timeout;		/* seconds */
	bool allow_rsa1024;
	struct mutex keyring_lock;	/* see above */
	struct xarray keyrings;		/* module keyring (struct key) by uid */
	struct pmhs_olimit olimit;	/* OPAQUE failed logins, its own lock */
};

struct pmhs_net *pmhs_net(const struct net *net);

int pmhs_netns_init(void);
void pmhs_netns_uninit(void);

#endif /* _PMHS_NETNS_H */
