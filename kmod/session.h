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
#include "rsa.h"

#define PMHS_SECRET_LEN		32
#define PMHS_IV_LEN		8

struct pmhs_identity;
struct pmhs_net;
struct pmhs_session;

/*
 * What a handshake mode does; session.c drives it and owns locking,
 * lifetime and ownership. The mode files only do cryptography.
 */
struct pmhs_mode_ops {
	/* Our outgoing message (kmalloc'd into *out), or none. */
	int (*start)(struct pmhs_session *s, u8 **out, size_t *outlen,
		     struct netlink_ext_ack *extack);
	/* Check the peer's message and derive the secret. */
	int (*finish)(struct pmhs_session *s, const u8 *msg, size_t len,
		      u8 secret[PMHS_SECRET_LEN], struct netlink_ext_ack *extack);
	/* The secret is known once started (rsa-half-send). */
	bool done_on_start;
	/* Both sides put fresh randomness into the secret. */
	bool two_sided;
};

extern const struct pmhs_mode_ops pmhs_password_ops;
int pmhs_password_selftest(void);
extern const struct pmhs_mode_ops pmhs_rsa_mutual_ops;
extern const struct pmhs_mode_ops pmhs_rsa_half_send_ops;
extern const struct pmhs_mode_ops pmhs_rsa_half_receive_ops;

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
	u32 id;
	u64 owner;			/* pmhs_owner.id */
	struct list_head owner_node;	/* while in the table */
	kuid_t quota_uid;		/* charged for it (quota.h) */
	struct net *net;		/* referenced */
	unsigned long expires;		/* jiffies */
	enum pmhs_mode mode;
	enum pmhs_state state;
	const struct pmhs_mode_ops *ops;
	key_serial_t serial;		/* of the published secret, once done */
	struct pmhs_publish publish;
	/* RSA modes */
	struct pmhs_identity *ident;
	struct pmhs_rsa_pub *peer;
	enum pmhs_hash oaep;
	u8 own[PMHS_SECRET_LEN];	/* our contribution */
	/* password mode */
	u8 *pw;
	size_t pwlen;
	u32 iterations;
	u32 hsub_len;
	bool iv_fixed;			/* @iv given by the caller */
	u8 iv[PMHS_IV_LEN];
};

/* Everything session-new needs; ownership of the pointers moves in. */
struct pmhs_session_params {
	enum pmhs_mode mode;
	struct pmhs_identity *ident;
	struct pmhs_rsa_pub *peer;
	enum pmhs_hash oaep;
	u8 *pw;
	size_t pwlen;
	u32 iterations;
	u32 hsub_len;
	bool iv_fixed;
	u8 iv[PMHS_IV_LEN];
	struct pmhs_publish publish;
};

int pmhs_session_new(struct net *net, struct pmhs_owner *o,
		     struct pmhs_session_params *p, u32 *id, u8 **msg,
		     size_t *msglen, key_serial_t *serial,
		     struct netlink_ext_ack *extack);
/* The caller holds a reference to @s (pmhs_session_get()). */
int pmhs_session_recv(struct pmhs_session *s, const u8 *msg, size_t len,
		      const struct pmhs_publish *publish, key_serial_t *serial,
		      struct netlink_ext_ack *extack);
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
void pmhs_session_params_clear(struct pmhs_session_params *p);

void pmhs_session_flush_net(struct net *net);

int pmhs_session_init(void);
void pmhs_session_uninit(void);

#endif /* _PMHS_SESSION_H */
