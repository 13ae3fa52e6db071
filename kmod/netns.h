/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_NETNS_H
#define _PMHS_NETNS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>

#define PMHS_MAX_IDENTITIES	1024
#define PMHS_MAX_SESSIONS	65536

/*
 * Everything pmhs holds lives in one network namespace.
 *
 * Locking: @lock protects @identities and serialises writers of the
 * settings; readers of a single setting use READ_ONCE(). It is never held
 * across cryptography. It may be taken under a session's lock (password.c),
 * never the other way round. Sessions live in a global xarray (session.c)
 * and are only counted here.
 */
struct pmhs_net {
	struct net *net;
	struct mutex lock;		/* see above */
	struct list_head identities;	/* struct pmhs_identity.node */
	unsigned int n_identities;
	atomic_t n_sessions;
	u32 session_timeout;		/* seconds */
	bool allow_rsa1024;
	u32 pw_fail_limit;		/* failures per window */
	u32 pw_fail_window;		/* seconds */
	struct list_head pw_fails;	/* struct pmhs_pw_fail, under @lock */
	unsigned int n_pw_fails;
};

struct pmhs_net *pmhs_net(const struct net *net);

int pmhs_netns_init(void);
void pmhs_netns_uninit(void);

#endif /* _PMHS_NETNS_H */
