// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: one handshake each, single-use, owned by the netlink socket
 * that created it. This is the only file that knows about their locking,
 * expiry and ownership; the protocol files (proto.h) do the cryptography.
 *
 * Sessions live in one global xarray so that ids (and so the default key
 * descriptions "pmhs:<id>") are unique across namespaces, and so that
 * lookups take no global lock: xa_load() under RCU plus
 * refcount_inc_not_zero(). Whoever removes a session from the xarray
 * (xa_cmpxchg() decides who) drops the table's reference. Ids are random,
 * not sequential: nobody can predict another's next id (or the key
 * description it will publish under) or count others' sessions by them.
 *
 * A session is owned by its socket's struct pmhs_owner, never by the port
 * id: netlink_release() frees the port id before the socket's memory goes,
 * and another socket may bind it in between. Each owner lists its
 * sessions, so a closing socket finds its own without a walk of the table.
 */
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/netlink.h>

#include "compat.h"
#include "identity.h"
#include "netns.h"
#include "quota.h"
#include "session.h"

/*
 * The table is indexed densely, in order of creation (xa_alloc_cyclic):
 * random indexes spread over 2^31 took ~1.5 KiB of xarray nodes per
 * session. The id userspace sees is a keyed permutation of the index
 * (pmhs_session_id()), so ids stay unpredictable (threat model, item 8).
 */
static DEFINE_XARRAY_ALLOC1(pmhs_sessions);
static u32 pmhs_sessions_next;
static siphash_key_t pmhs_id_key __read_mostly;

#define PMHS_ID_MAX 0x7fffffffU

/* A 4-round Feistel network on 32 bits, keyed at load: a permutation. */
static u32 pmhs_id_feistel(u32 x, bool inverse)
{
	u32 l = x >> 16, r = x & 0xffff, f;
	int i;

	for (i = 0; i < 4; i++) {
		if (!inverse) {
			f = (u32)siphash_2u32(r, i, &pmhs_id_key) & 0xffff;
			f ^= l;
			l = r;
			r = f;
		} else {
			f = (u32)siphash_2u32(l, 3 - i, &pmhs_id_key) & 0xffff;
			f ^= r;
			r = l;
			l = f;
		}
	}
	return l << 16 | r;
}

/* Index to id and back, both in [1, 2^31): cycle-walking into the range. */
static u32 pmhs_session_id(u32 idx)
{
	do
		idx = pmhs_id_feistel(idx, false);
	while (!idx || idx > PMHS_ID_MAX);
	return idx;
}

static u32 pmhs_session_idx(u32 id)
{
	if (!id || id > PMHS_ID_MAX)
		return 0;
	do
		id = pmhs_id_feistel(id, true);
	while (!id || id > PMHS_ID_MAX);
	return id;
}

static atomic64_t pmhs_owner_ids = ATOMIC64_INIT(0);
static DEFINE_SPINLOCK(pmhs_owner_lock);	/* all owners' @sessions */
static void pmhs_session_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(pmhs_gc_work, pmhs_session_gc);

static const struct pmhs_proto *const pmhs_protos[] = {
	[PMHS_MODE_PASSWORD] = &pmhs_password_proto,
	[PMHS_MODE_RSA_MUTUAL] = &pmhs_rsa_mutual_proto,
	[PMHS_MODE_RSA_HALF_SEND] = &pmhs_rsa_half_send_proto,
	[PMHS_MODE_RSA_HALF_RECEIVE] = &pmhs_rsa_half_receive_proto,
	[PMHS_MODE_NOISE] = &pmhs_noise_proto,
	[PMHS_MODE_OPAQUE_REGISTER] = &pmhs_opaque_register_proto,
	[PMHS_MODE_OPAQUE_LOGIN] = &pmhs_opaque_login_proto,
};

const struct pmhs_proto *pmhs_proto_find(u32 mode)
{
	return mode < ARRAY_SIZE(pmhs_protos) ? pmhs_protos[mode] : NULL;
}

int pmhs_proto_selftest(void)
{
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(pmhs_protos); i++) {
		if (!pmhs_protos[i] || !pmhs_protos[i]->selftest)
			continue;
		ret = pmhs_protos[i]->selftest();
		if (ret) {
			pr_err("%s self-test failed: %d\n", pmhs_protos[i]->name, ret);
			return ret;
		}
	}
	return 0;
}

/* Objects made and not yet freed; checked at unload. */
static atomic_t pmhs_sessions_live = ATOMIC_INIT(0);

u32 pmhs_session_live(void)
{
	return atomic_read(&pmhs_sessions_live);
}

static void pmhs_session_free_rcu(struct rcu_head *rcu)
{
	kfree_sensitive(container_of(rcu, struct pmhs_session, rcu));
	atomic_dec(&pmhs_sessions_live);
}

void pmhs_session_put(struct pmhs_session *s)
{
	if (!s || !refcount_dec_and_test(&s->ref))
		return;
	/* Process context: the teardown may sleep; only the memory waits. */
	pmhs_quota_uncharge(PMHS_QUOTA_SESSIONS, s->quota_uid);
	s->proto->destroy(s->priv);
	mutex_destroy(&s->lock);
	put_net(s->net);
	call_rcu(&s->rcu, pmhs_session_free_rcu);
}

/* Drop the table's reference, once, whoever calls first. */
static void pmhs_session_unlink(struct pmhs_session *s)
{
	if (xa_cmpxchg(&pmhs_sessions, s->idx, s, NULL, GFP_KERNEL) != s)
		return;
	spin_lock(&pmhs_owner_lock);
	list_del_init(&s->owner_node);
	spin_unlock(&pmhs_owner_lock);
	/* Safe: the session holds its namespace. */
	atomic_dec(&pmhs_net(s->net)->n_sessions);
	pmhs_session_put(s);
}

static bool pmhs_session_expired(const struct pmhs_session *s)
{
	/* A finished session with transport keys lives until deleted. */
	return !READ_ONCE(s->transport) && time_after_eq(jiffies, s->expires);
}

void pmhs_owner_init(void *priv)
{
	struct pmhs_owner *o = priv;

	o->id = atomic64_inc_return(&pmhs_owner_ids);
	INIT_LIST_HEAD(&o->sessions);
}

/* The socket is going: so are its sessions. May sleep. */
void pmhs_owner_destroy(void *priv)
{
	struct pmhs_owner *o = priv;
	struct pmhs_session *s;

	for (;;) {
		spin_lock(&pmhs_owner_lock);
		s = list_first_entry_or_null(&o->sessions, struct pmhs_session,
					     owner_node);
		if (s) {
			list_del_init(&s->owner_node);
			/* Listed means in the table, so referenced. */
			refcount_inc(&s->ref);
		}
		spin_unlock(&pmhs_owner_lock);
		if (!s)
			break;
		pmhs_session_unlink(s);
		pmhs_session_put(s);
	}
}

/* A referenced, live session of this socket, or NULL. */
static struct pmhs_session *pmhs_session_lookup(struct net *net,
						struct pmhs_owner *o,
						u32 id, bool *expired)
{
	struct pmhs_session *s;

	*expired = false;
	rcu_read_lock();
	s = xa_load(&pmhs_sessions, pmhs_session_idx(id));
	if (s && !refcount_inc_not_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	if (!s)
		return NULL;
	/* Another socket's or namespace's session does not exist for us. */
	if (!net_eq(s->net, net) || s->owner != o->id) {
		pmhs_session_put(s);
		return NULL;
	}
	if (pmhs_session_expired(s)) {
		*expired = true;
		pmhs_session_unlink(s);
		pmhs_session_put(s);
		return NULL;
	}
	return s;
}

struct pmhs_session *pmhs_session_get(struct net *net, struct pmhs_owner *o,
				      u32 id, struct netlink_ext_ack *extack)
{
	struct pmhs_session *s;
	bool expired;

	s = pmhs_session_lookup(net, o, id, &expired);
	if (!s)
		NL_SET_ERR_MSG(extack, "no such session for this socket");
	if (!s && expired)
		NL_SET_ERR_MSG(extack, "session expired");
	return s;
}

struct pmhs_session *pmhs_session_next(struct net *net, struct pmhs_owner *o,
				       unsigned long *pos)
{
	struct pmhs_session *s;

	rcu_read_lock();
	xa_for_each_start(&pmhs_sessions, *pos, s, *pos) {
		if (net_eq(s->net, net) && s->owner == o->id &&
		    refcount_inc_not_zero(&s->ref)) {
			rcu_read_unlock();
			return s;
		}
	}
	rcu_read_unlock();
	return NULL;
}

/*
 * The export key's description: the secret's with ":export" after it
 * (pmhs:<id>:export by default), in the same keyring, of the same type.
 */
static int pmhs_session_export_pub(const struct pmhs_session *s,
				   struct pmhs_publish *xp,
				   struct netlink_ext_ack *extack)
{
	int n;

	*xp = s->publish;
	if (s->publish.desc[0])
		n = snprintf(xp->desc, sizeof(xp->desc), "%s:export", s->publish.desc);
	else
		n = snprintf(xp->desc, sizeof(xp->desc), "pmhs:%u:export", s->id);
	if (n >= sizeof(xp->desc)) {
		NL_SET_ERR_MSG(extack,
			       "description too long for the export key's (it adds \":export\")");
		return -EINVAL;
	}
	return 0;
}

/* Publish what the finishing step derived, and wipe it. */
static int pmhs_session_publish(struct pmhs_session *s,
				struct pmhs_proto_done *done,
				struct netlink_ext_ack *extack)
{
	struct pmhs_publish xp;
	int ret = 0;

	if (!done->no_secret)
		ret = pmhs_keyring_publish(&s->publish, s->id, done->secret,
					   done->secret_len ?: PMHS_SECRET_LEN,
					   done->two_sided, &s->serial, extack);
	if (!ret && done->export_len) {
		ret = pmhs_session_export_pub(s, &xp, extack) ?:
		      pmhs_keyring_publish(&xp, s->id, done->export_key,
					   done->export_len, false,
					   &s->export_serial, extack);
		/* Both or neither. */
		if (ret && s->serial) {
			pmhs_keyring_unpublish(s->serial);
			s->serial = 0;
		}
	}
	memzero_explicit(done, sizeof(*done));
	return ret;
}

/*
 * The next free index (a NULL entry reserves it) and its id. Cyclic: an
 * index, and so an id, comes back only after 2^31 - 1 others.
 */
static int pmhs_session_reserve_id(struct pmhs_session *s,
				   struct netlink_ext_ack *extack)
{
	int ret;

	ret = xa_alloc_cyclic(&pmhs_sessions, &s->idx, NULL,
			      XA_LIMIT(1, PMHS_ID_MAX), &pmhs_sessions_next,
			      GFP_KERNEL_ACCOUNT);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG(extack, "out of session ids");
	else if (ret < 0)
		NL_SET_ERR_MSG(extack, "out of memory for the session table");
	if (ret < 0)
		return ret;
	s->id = pmhs_session_id(s->idx);
	return 0;
}

/* Where the secret goes; a mode may make logon the default key type. */
static void pmhs_session_set_publish(struct pmhs_session *s,
				     const struct pmhs_publish *publish)
{
	s->publish = *publish;
	if (!publish->type_set && s->proto->logon_default &&
	    s->proto->logon_default(s->priv))
		s->publish.logon = true;
}

int pmhs_session_new(struct net *net, struct pmhs_owner *o,
		     const struct pmhs_proto *proto,
		     const struct pmhs_proto_args *args,
		     const struct pmhs_publish *publish, u32 *id, u8 **msg,
		     size_t *msglen, key_serial_t *serial,
		     struct netlink_ext_ack *extack)
{
	struct pmhs_net *pn = pmhs_net(net);
	struct pmhs_proto_done done = {};
	struct pmhs_proto_io io = { .write = true };
	struct pmhs_session *s;
	kuid_t uid;
	int ret;

	/* The parameters first: their errors come before any limit's. */
	s = kzalloc(struct_size(s, priv, proto->priv_size), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->proto = proto;
	ret = proto->parse(s->priv, args, extack);
	if (ret)
		goto err_free;
	if (atomic_inc_return(&pn->n_sessions) > PMHS_MAX_SESSIONS) {
		NL_SET_ERR_MSG(extack, "too many sessions in this namespace");
		ret = -ENOSPC;
		goto err_count;
	}
	ret = pmhs_quota_charge(PMHS_QUOTA_SESSIONS, &uid, extack);
	if (ret)
		goto err_count;
	/* From here the session holds the charge, and put() undoes it all. */
	s->quota_uid = uid;
	atomic_inc(&pmhs_sessions_live);
	refcount_set(&s->ref, 1);
	mutex_init(&s->lock);
	s->owner = o->id;
	INIT_LIST_HEAD(&s->owner_node);
	/* The GC may still count it out after the socket has gone. */
	s->net = get_net(net);
	s->state = PMHS_STATE_WAITING;
	s->expires = jiffies + READ_ONCE(pn->session_timeout) * HZ;
	pmhs_session_set_publish(s, publish);

	/* Reserve the id (lookups see nothing yet): descriptions need it. */
	ret = pmhs_session_reserve_id(s, extack);
	if (ret)
		goto err_put;
	if (proto->done_on_start) {
		ret = pmhs_keyring_check(&s->publish, s->id, extack);
		if (ret)
			goto err_id;
	}
	if (args->payload) {
		io.payload = nla_data(args->payload);
		io.plen = nla_len(args->payload);
	}
	ret = proto->step(s->priv, &io, &done, extack);
	kfree_sensitive(io.peer_payload);
	if (ret) {
		kfree_sensitive(io.out);
		goto err_id;
	}
	*msg = io.out;
	*msglen = io.outlen;
	if (done.done) {
		/* Published, or never to be: the keyring has the only copy. */
		ret = pmhs_session_publish(s, &done, extack);
		if (ret)
			goto err_msg;
		s->state = PMHS_STATE_DONE;
		s->transport = !!proto->transport;
		*serial = s->serial;
	}
	/* Complete: now others may find it (listed first: see destroy). */
	spin_lock(&pmhs_owner_lock);
	list_add_tail(&s->owner_node, &o->sessions);
	spin_unlock(&pmhs_owner_lock);
	xa_store(&pmhs_sessions, s->idx, s, GFP_KERNEL);
	*id = s->id;
	queue_delayed_work(system_wq, &pmhs_gc_work, HZ);
	return 0;

err_msg:
	kfree(*msg);
	*msg = NULL;
err_id:
	xa_erase(&pmhs_sessions, s->idx);
err_put:
	pmhs_session_put(s);
	atomic_dec(&pn->n_sessions);
	return ret;
err_count:
	atomic_dec(&pn->n_sessions);
err_free:
	proto->destroy(s->priv);
	kfree_sensitive(s);
	return ret;
}

int pmhs_session_recv(struct pmhs_session *s, struct pmhs_proto_io *io,
		      const struct pmhs_publish *publish, key_serial_t *serial,
		      struct netlink_ext_ack *extack)
{
	struct pmhs_proto_done done = {};
	bool finished;
	int ret;

	io->out = NULL;
	io->outlen = 0;
	io->peer_payload = NULL;
	io->peer_plen = 0;
	io->read = false;
	io->has_ksf_out = false;
	if (io->ksf_in && !s->proto->local_steps) {
		NL_SET_ERR_MSG(extack, "this mode takes no ksf-output");
		return -EINVAL;
	}
	if (io->ksf_in && io->in) {
		NL_SET_ERR_MSG(extack, "give the peer's message or ksf-output, not both");
		return -EINVAL;
	}
	if (!s->proto->payloads && !io->in && !io->ksf_in) {
		if (s->proto->local_steps)
			NL_SET_ERR_MSG(extack, "peer message (or ksf-output) missing");
		else
			NL_SET_ERR_MSG(extack, "peer message missing");
		return -EINVAL;
	}
	if (!s->proto->payloads && io->payload) {
		NL_SET_ERR_MSG(extack, "this mode carries no payloads");
		return -EINVAL;
	}
	if (!io->in && !io->payload && !io->ksf_in) {
		NL_SET_ERR_MSG(extack, "give the peer's message, a payload to send, or both");
		return -EINVAL;
	}
	io->write = !!io->payload;
	mutex_lock(&s->lock);
	if (s->state != PMHS_STATE_WAITING) {
		if (s->state == PMHS_STATE_FAILED)
			NL_SET_ERR_MSG(extack, "session failed earlier; start a new one");
		else
			NL_SET_ERR_MSG(extack, "session already finished; sessions are single-use");
		ret = -EALREADY;
		goto out_unlock;
	}
	if (publish)
		pmhs_session_set_publish(s, publish);
	/* Refuse a bad destination before the peer's message is consumed. */
	ret = pmhs_keyring_check(&s->publish, s->id, extack);
	if (ret)
		goto out_unlock;
	ret = s->proto->step(s->priv, io, &done, extack);
	finished = done.done;
	if (!ret && finished)
		ret = pmhs_session_publish(s, &done, extack);
	memzero_explicit(&done, sizeof(done));
	if (ret) {
		/* Never fall back to our own contribution: fail for good. */
		s->state = PMHS_STATE_FAILED;
		kfree_sensitive(io->out);
		io->out = NULL;
		io->outlen = 0;
		kfree_sensitive(io->peer_payload);
		io->peer_payload = NULL;
		io->peer_plen = 0;
		io->read = false;
		io->has_ksf_out = false;
		memzero_explicit(io->ksf_out, sizeof(io->ksf_out));
		goto out_unlock;
	}
	if (finished) {
		s->state = PMHS_STATE_DONE;
		*serial = s->serial;
		if (s->proto->transport)
			WRITE_ONCE(s->transport, true);
	}
out_unlock:
	mutex_unlock(&s->lock);
	if (ret && s->state == PMHS_STATE_FAILED && s->proto->unlink_on_failure)
		pmhs_session_unlink(s);
	return ret;
}

int pmhs_session_transport(struct pmhs_session *s, struct pmhs_xport *x,
			   struct netlink_ext_ack *extack)
{
	int ret;

	x->out = NULL;
	x->outlen = 0;
	if (!s->proto->transport) {
		NL_SET_ERR_MSG(extack, "this mode has no transport: use its published secret");
		return -EOPNOTSUPP;
	}
	mutex_lock(&s->lock);
	if (s->state != PMHS_STATE_DONE) {
		if (s->state == PMHS_STATE_FAILED)
			NL_SET_ERR_MSG(extack, "session failed earlier; start a new one");
		else
			NL_SET_ERR_MSG(extack, "the handshake is not finished yet");
		ret = s->state == PMHS_STATE_FAILED ? -EALREADY : -ENOTCONN;
		goto out;
	}
	ret = s->proto->transport(s->priv, x, extack);
	if (ret == -EBADMSG)
		/* The protocol has wiped its keys: no second try. */
		s->state = PMHS_STATE_FAILED;
out:
	mutex_unlock(&s->lock);
	if (ret == -EBADMSG && s->proto->unlink_on_failure)
		pmhs_session_unlink(s);
	return ret;
}

void pmhs_session_describe(struct pmhs_session *s, struct pmhs_proto_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	mutex_lock(&s->lock);
	if (s->proto->describe)
		s->proto->describe(s->priv, pi);
	mutex_unlock(&s->lock);
}

void pmhs_session_del(struct pmhs_session *s)
{
	pmhs_session_unlink(s);
}

void pmhs_session_del_id(struct net *net, struct pmhs_owner *o, u32 id)
{
	struct pmhs_session *s = pmhs_session_get(net, o, id, NULL);

	if (s) {
		pmhs_session_unlink(s);
		pmhs_session_put(s);
	}
}

/* Remove every session matching; NULL net matches all. */
static void pmhs_session_remove_if(struct net *net, bool expired_only)
{
	struct pmhs_session *s;
	unsigned long idx;

	rcu_read_lock();
	xa_for_each(&pmhs_sessions, idx, s) {
		if (net && !net_eq(s->net, net))
			continue;
		if (expired_only && !pmhs_session_expired(s))
			continue;
		/* Our reference keeps it alive across the unlink. */
		if (!refcount_inc_not_zero(&s->ref))
			continue;
		rcu_read_unlock();
		pmhs_session_unlink(s);
		pmhs_session_put(s);
		rcu_read_lock();
	}
	rcu_read_unlock();
}

void pmhs_session_flush_net(struct net *net)
{
	pmhs_session_remove_if(net, false);
}

static void pmhs_session_gc(struct work_struct *work)
{
	pmhs_session_remove_if(NULL, true);
	if (!xa_empty(&pmhs_sessions))
		queue_delayed_work(system_wq, &pmhs_gc_work, HZ);
}

int __init pmhs_session_init(void)
{
	get_random_bytes(&pmhs_id_key, sizeof(pmhs_id_key));
	return 0;
}

void pmhs_session_uninit(void)
{
	cancel_delayed_work_sync(&pmhs_gc_work);
	pmhs_session_remove_if(NULL, false);
	/* pmhs_session_free_rcu() is module text. */
	rcu_barrier();
}
