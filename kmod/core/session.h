/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_SESSION_H
#define _PMHS_SESSION_H

#include <linux/key.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <net/net_namespace.h>
#include <uapi/linux/pmhs.h>

#include "keyring.h"
#include "proto.h"

struct pmhs_net;
struct pmhs_session;

/*
 * The netlink socket that owns sessions: its genetlink private memory
 * (pmhs_sk_priv_get()), freed with the socket. @id is never reused, unlike
 * the socket's port id or address. @sessions is under pmhs_owner_lock.
 */
struct pmhs_owner {
	u64 id;
	struct list_head sessions;	/* struct pmhs_session.owner_node */
};

void pmhs_owner_init(void *priv);
void pmhs_owner_destroy(void *priv);

/*
 * One handshake. Refcounted: the global session table holds one
 * reference, every operation in flight another; memory is freed an RCU
 * grace period after the last put so lookups can run under RCU.
 * @lock serialises the steps of this handshake and guards @state.
 */
struct pmhs_session {
	refcount_t ref;
	struct rcu_head rcu;
	struct mutex lock;		/* see above */
	u32 id;				/* userspace's: pmhs_session_id(idx) */
	u32 idx;			/* in the table */
	u64 owner;			/* pmhs_owner.id */
	struct list_head owner_node;	/* while in the table */
	kuid_t quota_uid;		/* charged for it (quota.h) */
	struct net *net;		/* referenced */
	unsigned long expires;		/* jiffies */
	const struct pmhs_proto *proto;
	enum pmhs_state state;
	bool transport;			/* done, with transport keys: no expiry */
	key_serial_t serial;		/* of the published secret, once done */
	key_serial_t export_serial;	/* of the export key (opaque client), or 0 */
	struct pmhs_publish publish;
	/* The protocol's state: proto->priv_size bytes. */
	u8 priv[] __aligned(sizeof(u64));
};

/* @args: session-new's parameters, for @proto->parse(). */
int pmhs_session_new(struct net *net, struct pmhs_owner *o,
		     const struct pmhs_proto *proto,
		     const struct pmhs_proto_args *args,
		     const struct pmhs_publish *publish, u32 *id, u8 **msg,
		     size_t *msglen, key_serial_t *serial,
		     struct netlink_ext_ack *extack);
/*
 * The caller holds a reference to @s (pmhs_session_get()). *@out: our
 * next message, if the handshake goes on (kmalloc'd), else NULL.
 */
int pmhs_session_recv(struct pmhs_session *s, struct pmhs_proto_io *io,
		      const struct pmhs_publish *publish, key_serial_t *serial,
		      struct netlink_ext_ack *extack);
/* A transport op on a finished session; x->out is the caller's to free. */
int pmhs_session_transport(struct pmhs_session *s, struct pmhs_xport *x,
			   struct netlink_ext_ack *extack);
/* Its public outputs, under its lock. */
void pmhs_session_describe(struct pmhs_session *s, struct pmhs_proto_info *pi);
/* Out of the table, if not already; the caller's reference stays. */
void pmhs_session_del(struct pmhs_session *s);
void pmhs_session_del_id(struct net *net, struct pmhs_owner *o, u32 id);
struct pmhs_session *pmhs_session_get(struct net *net, struct pmhs_owner *o,
				      u32 id, struct netlink_ext_ack *extack);
/* Next session of this owner with id >= *pos, referenced; NULL at the end. */
struct pmhs_session *pmhs_session_next(struct net *net, struct pmhs_owner *o,
				       unsigned long *pos);
void pmhs_session_put(struct pmhs_session *s);
u32 pmhs_session_live(void);
/* Every protocol's known-answer tests. */
int pmhs_proto_selftest(void);

void pmhs_session_flush_net(struct net *net);

int pmhs_session_init(void);
void pmhs_session_uninit(void);

#endif /* _PMHS_SESSION_H */
