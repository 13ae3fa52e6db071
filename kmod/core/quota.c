// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user counts of sessions and identities. An entry lives while its
 * user holds anything; @pmhs_users_lock protects the table and counts.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "quota.h"

static unsigned int pmhs_max_user[PMHS_QUOTA_NR] = {
	[PMHS_QUOTA_SESSIONS] = 1024,
	[PMHS_QUOTA_IDENTITIES] = 64,
};
module_param_named(max_user_sessions, pmhs_max_user[PMHS_QUOTA_SESSIONS],
		   uint, 0644);
MODULE_PARM_DESC(max_user_sessions, "Sessions one user (kuid) may hold in all namespaces together");
module_param_named(max_user_identities, pmhs_max_user[PMHS_QUOTA_IDENTITIES],
		   uint, 0644);
MODULE_PARM_DESC(max_user_identities, "Identities one user (kuid) may hold in all namespaces together");

struct pmhs_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int n[PMHS_QUOTA_NR];
};

static DEFINE_SPINLOCK(pmhs_users_lock);
static DEFINE_HASHTABLE(pmhs_users, 6);

static struct pmhs_user *pmhs_user_lookup(kuid_t uid)
{
	struct pmhs_user *u;

	hash_for_each_possible(pmhs_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* Unhash @u if it holds nothing; the caller frees what comes back. */
static struct pmhs_user *pmhs_user_unused(struct pmhs_user *u)
{
	int i;

	for (i = 0; i < PMHS_QUOTA_NR; i++)
		if (u->n[i])
			return NULL;
	hash_del(&u->node);
	return u;
}

int pmhs_quota_charge(enum pmhs_quota q, kuid_t *uid,
		      struct netlink_ext_ack *extack)
{
	struct pmhs_user *u, *fresh = NULL, *dead = NULL;
	int ret = 0;

	*uid = current_euid();
	for (;;) {
		spin_lock(&pmhs_users_lock);
		u = pmhs_user_lookup(*uid);
		if (u || fresh)
			break;
		spin_unlock(&pmhs_users_lock);
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
		if (!fresh)
			return -ENOMEM;
		fresh->uid = *uid;
	}
	if (!u) {
		u = fresh;
		fresh = NULL;
		hash_add(pmhs_users, &u->node, __kuid_val(*uid));
	}
	if (u->n[q] >= READ_ONCE(pmhs_max_user[q])) {
		ret = -EDQUOT;
		dead = pmhs_user_unused(u);
	} else {
		u->n[q]++;
	}
	spin_unlock(&pmhs_users_lock);
	kfree(fresh);
	kfree(dead);
	if (!ret)
		return 0;
	if (q == PMHS_QUOTA_SESSIONS)
		NL_SET_ERR_MSG(extack, "too many sessions for this user (max_user_sessions)");
	else
		NL_SET_ERR_MSG(extack, "too many identities for this user (max_user_identities)");
	return ret;
}

void pmhs_quota_uncharge(enum pmhs_quota q, kuid_t uid)
{
	struct pmhs_user *u, *dead = NULL;

	spin_lock(&pmhs_users_lock);
	u = pmhs_user_lookup(uid);
	if (!WARN_ON_ONCE(!u || !u->n[q])) {
		u->n[q]--;
		dead = pmhs_user_unused(u);
	}
	spin_unlock(&pmhs_users_lock);
	kfree(dead);
}
