// SPDX-License-Identifier: GPL-2.0
/*
 * Identities: named credentials, per network namespace. What a credential
 * is, is its type's business (cred.h); only its public half ever leaves
 * the kernel.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "compat.h"
#include "identity.h"
#include "netlink.h"
#include "quota.h"

/* Objects made and not yet freed; checked at unload. */
static atomic_t pmhs_identities_live = ATOMIC_INIT(0);

u32 pmhs_identity_live(void)
{
	return atomic_read(&pmhs_identities_live);
}

static void pmhs_identity_free(struct pmhs_identity *id)
{
	if (id->cred.key)
		id->cred.type->free(id->cred.key);
	pmhs_quota_uncharge(PMHS_QUOTA_IDENTITIES, id->quota_uid);
	kfree_sensitive(id);
	atomic_dec(&pmhs_identities_live);
}

void pmhs_identity_put(struct pmhs_identity *id)
{
	if (id && refcount_dec_and_test(&id->ref))
		pmhs_identity_free(id);
}

/* Caller holds pn->lock. */
static struct pmhs_identity *pmhs_identity_lookup(struct pmhs_net *pn,
						  const char *name)
{
	struct pmhs_identity *id;

	list_for_each_entry(id, &pn->identities, node)
		if (!strcmp(id->name, name))
			return id;
	return NULL;
}

int pmhs_identity_add(struct pmhs_net *pn, const char *name,
		      const struct pmhs_cred_type *type, const u8 *der,
		      size_t len, struct pmhs_identity **out,
		      struct netlink_ext_ack *extack)
{
	struct pmhs_identity *id;
	kuid_t uid;
	int ret;

	if (!name[0]) {
		NL_SET_ERR_MSG(extack, "identity name must not be empty");
		return -EINVAL;
	}
	ret = pmhs_quota_charge(PMHS_QUOTA_IDENTITIES, &uid, extack);
	if (ret)
		return ret;
	id = kzalloc(sizeof(*id), GFP_KERNEL_ACCOUNT);
	if (!id) {
		pmhs_quota_uncharge(PMHS_QUOTA_IDENTITIES, uid);
		return -ENOMEM;
	}
	id->quota_uid = uid;
	atomic_inc(&pmhs_identities_live);
	refcount_set(&id->ref, 1);
	strscpy(id->name, name, sizeof(id->name));
	id->cred.type = type;

	/* Import outside the lock: it is the slow part. */
	ret = type->import(pn, der, len, &id->cred.key, extack);
	if (ret) {
		id->cred.key = NULL;
		goto err_free;
	}
	ret = type->fingerprint(id->cred.key, id->fingerprint);
	if (ret)
		goto err_free;

	mutex_lock(&pn->lock);
	if (pmhs_identity_lookup(pn, name)) {
		NL_SET_ERR_MSG(extack, "an identity with this name exists");
		ret = -EEXIST;
		goto err_unlock;
	}
	if (pn->n_identities >= PMHS_MAX_IDENTITIES) {
		NL_SET_ERR_MSG(extack, "too many identities in this namespace");
		ret = -ENOSPC;
		goto err_unlock;
	}
	list_add_tail(&id->node, &pn->identities);
	pn->n_identities++;
	refcount_inc(&id->ref);
	mutex_unlock(&pn->lock);
	*out = id;
	return 0;

err_unlock:
	mutex_unlock(&pn->lock);
err_free:
	pmhs_identity_free(id);
	return ret;
}

struct pmhs_identity *pmhs_identity_find(struct pmhs_net *pn, const char *name)
{
	struct pmhs_identity *id;

	mutex_lock(&pn->lock);
	id = pmhs_identity_lookup(pn, name);
	if (id)
		refcount_inc(&id->ref);
	mutex_unlock(&pn->lock);
	return id;
}

struct pmhs_identity *pmhs_identity_find_attr(struct pmhs_net *pn,
					      const struct nlattr *name,
					      const struct pmhs_cred_type *type,
					      struct netlink_ext_ack *extack)
{
	struct pmhs_identity *id = pmhs_identity_find(pn, nla_data(name));

	if (!id) {
		NL_SET_ERR_MSG_ATTR(extack, name, "no such identity");
		return ERR_PTR(-ENOENT);
	}
	if (type && id->cred.type != type) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "this identity holds another type of credential");
		pmhs_identity_put(id);
		return ERR_PTR(-EINVAL);
	}
	return id;
}

int pmhs_identity_del(struct pmhs_net *pn, struct pmhs_identity *id)
{
	bool listed;

	mutex_lock(&pn->lock);
	/* Unlinked nodes are kept empty: a racing delete finds it gone. */
	listed = !list_empty(&id->node);
	if (listed) {
		list_del_init(&id->node);
		pn->n_identities--;
	}
	mutex_unlock(&pn->lock);
	if (!listed)
		return -ENOENT;
	pmhs_identity_put(id);
	return 0;
}

void pmhs_identity_flush(struct pmhs_net *pn)
{
	struct pmhs_identity *id, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&pn->lock);
	list_splice_init(&pn->identities, &dead);
	pn->n_identities = 0;
	mutex_unlock(&pn->lock);
	list_for_each_entry_safe(id, tmp, &dead, node) {
		list_del_init(&id->node);
		pmhs_identity_put(id);
	}
}
