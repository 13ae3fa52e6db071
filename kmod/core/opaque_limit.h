/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OPAQUE online-guessing limiter: failed logins counted per (network
 * namespace, credential identifier, peer) and per (namespace, credential
 * identifier) over all peers, in fixed windows, with a backoff per peer.
 *
 * A KE2 the server sends counts as a failure at once (each KE2 lets the
 * client test one password against the envelope, KE3 or not); a good KE3
 * on that session takes it back. Unknown users count like known ones.
 *
 * Locking: each namespace's @lock (a mutex: entries are allocated with
 * GFP_KERNEL_ACCOUNT under it) protects its table, its count and its
 * window generation. It is taken in process context only, never held
 * across cryptography (SHA-256 of the key runs before it), and innermost:
 * the opaque-login step takes it under its session's lock; opaque-unlock
 * under none. Nothing is taken under it.
 */
#ifndef _PMHS_OPAQUE_LIMIT_H
#define _PMHS_OPAQUE_LIMIT_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/siphash.h>
#include <linux/types.h>

struct net;
struct netlink_ext_ack;

/* Entries one namespace may hold. */
#define PMHS_OLIMIT_MAX		4096

struct pmhs_olimit {
	struct mutex lock;		/* see above */
	DECLARE_HASHTABLE(table, 8);
	unsigned int n;
	u64 gen;			/* the last window's number */
	siphash_key_t key;
};

/* What a counted attempt took, for its refund: the windows it went into. */
struct pmhs_olimit_ticket {
	bool held;
	u64 peer_gen, user_gen;
};

/*
 * Before a KE2: -EAGAIN (with extack) if (@id, @peer) or @id is locked or
 * in backoff, else count the failure in both and fill @t. -ENOMEM too.
 */
int pmhs_opaque_limit_check(struct net *net, const u8 *id, size_t idlen,
			    const u8 *peer, size_t plen,
			    struct pmhs_olimit_ticket *t,
			    struct netlink_ext_ack *extack);
/* A good KE3: take back what @t counted, if its windows still run. */
void pmhs_opaque_limit_ok(struct net *net, const u8 *id, size_t idlen,
			  const u8 *peer, size_t plen,
			  struct pmhs_olimit_ticket *t);
/* Forget every count of @id (all peers); the number of entries dropped. */
unsigned int pmhs_opaque_limit_flush(struct net *net, const u8 *id, size_t idlen);

void pmhs_opaque_limit_net_init(struct pmhs_olimit *l);
void pmhs_opaque_limit_net_exit(struct pmhs_olimit *l);
/* The counting, backoff, refund and eviction logic on a fake clock. */
int pmhs_opaque_limit_selftest(void);

#endif /* _PMHS_OPAQUE_LIMIT_H */
