/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_QUOTA_H
#define _PMHS_QUOTA_H

#include <linux/uidgid.h>

struct netlink_ext_ack;

/*
 * Per-user limits, by the caller's kuid across all network and user
 * namespaces: CAP_NET_ADMIN in a user namespace of one's own is no
 * privilege, so each namespace's own limits alone bound nothing.
 */
enum pmhs_quota {
	PMHS_QUOTA_SESSIONS,
	PMHS_QUOTA_IDENTITIES,
	PMHS_QUOTA_NR,
};

/* Count one more @q for the current euid (in *uid): -EDQUOT at the limit. */
int pmhs_quota_charge(enum pmhs_quota q, kuid_t *uid,
		      struct netlink_ext_ack *extack);
void pmhs_quota_uncharge(enum pmhs_quota q, kuid_t uid);

#endif /* _PMHS_QUOTA_H */
