/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_IDENTITY_H
#define _PMHS_IDENTITY_H

#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <uapi/linux/pmhs.h>

#include "cred.h"
#include "netns.h"

/*
 * A named credential (cred.h). Refcounted: the namespace's list holds one
 * reference, each session using it another. The key is wiped when the
 * last reference goes.
 */
struct pmhs_identity {
	refcount_t ref;
	struct list_head node;		/* in pmhs_net.identities */
	char name[PMHS_NAME_MAX + 1];
	struct pmhs_cred cred;
	u8 fingerprint[PMHS_CRED_FPR_LEN];
	kuid_t quota_uid;		/* charged for it (quota.h) */
};

/* A new identity @name holding the credential of @type imported from @der. */
int pmhs_identity_add(struct pmhs_net *pn, const char *name,
		      const struct pmhs_cred_type *type, const u8 *der,
		      size_t len, struct pmhs_identity **out,
		      struct netlink_ext_ack *extack);
struct pmhs_identity *pmhs_identity_find(struct pmhs_net *pn, const char *name);
/*
 * The identity @name (a string attribute) names, or "no such identity";
 * unless @type is NULL, one holding a credential of another type is
 * refused too.
 */
struct pmhs_identity *pmhs_identity_find_attr(struct pmhs_net *pn,
					      const struct nlattr *name,
					      const struct pmhs_cred_type *type,
					      struct netlink_ext_ack *extack);
int pmhs_identity_del(struct pmhs_net *pn, struct pmhs_identity *id);
void pmhs_identity_put(struct pmhs_identity *id);
void pmhs_identity_flush(struct pmhs_net *pn);
u32 pmhs_identity_live(void);

#endif /* _PMHS_IDENTITY_H */
