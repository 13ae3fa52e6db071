// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket private memory (see sk_priv.h). An entry holds its socket so
 * that the address, its key, is not reused while the entry exists. It goes
 * at NETLINK_URELEASE, which names only (net, port id): by then the port
 * id is free and may already be bound by a new socket, so only the entry
 * whose own socket is dead (sock_orphan() ran before the notifier) goes.
 *
 * Lookups run under RCU; @pmhs_sk_priv_lock serialises changes.
 */
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "sk_priv.h"

struct pmhs_sk_priv {
	struct hlist_node node;		/* in pmhs_sk_privs, by port id */
	struct hlist_node gone;		/* on a caller's list of dead ones */
	struct rcu_head rcu;
	struct sock *sk;		/* held */
	u32 portid;
	u64 data[];
};

static DEFINE_MUTEX(pmhs_sk_priv_lock);
static DEFINE_HASHTABLE(pmhs_sk_privs, 8);
static size_t pmhs_sk_priv_size;
static void (*pmhs_sk_priv_init)(void *priv);
static void (*pmhs_sk_priv_destroy)(void *priv);

void pmhs_sk_priv_setup(size_t size, void (*init)(void *priv),
			void (*destroy)(void *priv))
{
	pmhs_sk_priv_size = size;
	pmhs_sk_priv_init = init;
	pmhs_sk_priv_destroy = destroy;
}

static struct pmhs_sk_priv *pmhs_sk_priv_find(struct sock *sk, u32 portid)
{
	struct pmhs_sk_priv *e;

	hash_for_each_possible_rcu(pmhs_sk_privs, e, node, portid,
				   lockdep_is_held(&pmhs_sk_priv_lock))
		if (e->sk == sk)
			return e;
	return NULL;
}

void *pmhs_sk_priv_get(struct sock *sk, u32 portid)
{
	struct pmhs_sk_priv *e;

	/* @sk is alive (it is sending), so its entry cannot go meanwhile. */
	rcu_read_lock();
	e = pmhs_sk_priv_find(sk, portid);
	rcu_read_unlock();
	if (e)
		return e->data;

	mutex_lock(&pmhs_sk_priv_lock);
	e = pmhs_sk_priv_find(sk, portid);
	if (e)
		goto out;
	e = kzalloc(struct_size(e, data, DIV_ROUND_UP(pmhs_sk_priv_size, 8)),
		    GFP_KERNEL_ACCOUNT);
	if (!e) {
		mutex_unlock(&pmhs_sk_priv_lock);
		return ERR_PTR(-ENOMEM);
	}
	sock_hold(sk);
	e->sk = sk;
	e->portid = portid;
	pmhs_sk_priv_init(e->data);
	hash_add_rcu(pmhs_sk_privs, &e->node, portid);
out:
	mutex_unlock(&pmhs_sk_priv_lock);
	return e->data;
}

static void pmhs_sk_priv_free(struct hlist_head *dead)
{
	struct pmhs_sk_priv *e;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(e, tmp, dead, gone) {
		pmhs_sk_priv_destroy(e->data);
		sock_put(e->sk);
		kfree_rcu(e, rcu);
	}
}

static int pmhs_sk_priv_notify(struct notifier_block *nb, unsigned long state,
			       void *ptr)
{
	struct netlink_notify *n = ptr;
	struct pmhs_sk_priv *e;
	struct hlist_node *tmp;
	HLIST_HEAD(dead);

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&pmhs_sk_priv_lock);
	hash_for_each_possible_safe(pmhs_sk_privs, e, tmp, node, n->portid) {
		if (e->portid != n->portid || !net_eq(sock_net(e->sk), n->net) ||
		    !sock_flag(e->sk, SOCK_DEAD))
			continue;
		/* Readers may walk past it until the grace period. */
		hash_del_rcu(&e->node);
		hlist_add_head(&e->gone, &dead);
	}
	mutex_unlock(&pmhs_sk_priv_lock);
	pmhs_sk_priv_free(&dead);
	return NOTIFY_DONE;
}

static struct notifier_block pmhs_sk_priv_notifier = {
	.notifier_call = pmhs_sk_priv_notify,
};

int pmhs_sk_priv_register(void)
{
	return netlink_register_notifier(&pmhs_sk_priv_notifier);
}

void pmhs_sk_priv_unregister(void)
{
	struct pmhs_sk_priv *e;
	struct hlist_node *tmp;
	HLIST_HEAD(dead);
	int bkt;

	netlink_unregister_notifier(&pmhs_sk_priv_notifier);
	mutex_lock(&pmhs_sk_priv_lock);
	hash_for_each_safe(pmhs_sk_privs, bkt, tmp, e, node) {
		hash_del_rcu(&e->node);
		hlist_add_head(&e->gone, &dead);
	}
	mutex_unlock(&pmhs_sk_priv_lock);
	pmhs_sk_priv_free(&dead);
	/* kfree_rcu() callbacks run kfree only; nothing of ours. */
}
