// SPDX-License-Identifier: GPL-2.0
/*
 * The OPAQUE online-guessing limiter (opaque_limit.h), in the style of
 * WireGuard's ratelimiter.c: a bounded hash table per namespace, keyed by
 * siphash under a random per-namespace key, entries that expire with
 * their window, a self-test at load on a fake clock.
 *
 * An entry is a user's (SHA-256 of its credential identifier) or a
 * (user, peer) pair's (SHA-256 of that digest and the peer): the digests
 * are compared, so no identifier is kept, and they are public (both come
 * from the server's caller in the clear).
 */
#include <crypto/sha2.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "netns.h"
#include "opaque_limit.h"
#include <uapi/linux/pmhs.h>

static unsigned int pmhs_olimit_peer_failures = 5;
module_param_named(opaque_peer_failures, pmhs_olimit_peer_failures, uint, 0644);
MODULE_PARM_DESC(opaque_peer_failures, "Failed OPAQUE logins per (user, peer) per window (0: no limit)");
static unsigned int pmhs_olimit_user_failures = 50;
module_param_named(opaque_user_failures, pmhs_olimit_user_failures, uint, 0644);
MODULE_PARM_DESC(opaque_user_failures, "Failed OPAQUE logins per user over all peers per window (0: no limit)");
static unsigned int pmhs_olimit_window_secs = 900;
module_param_named(opaque_window_secs, pmhs_olimit_window_secs, uint, 0644);
MODULE_PARM_DESC(opaque_window_secs, "OPAQUE login failure window in seconds, from its first failure (0: no limiter)");
static unsigned int pmhs_olimit_delay_ms = 1000;
module_param_named(opaque_delay_ms, pmhs_olimit_delay_ms, uint, 0644);
MODULE_PARM_DESC(opaque_delay_ms, "OPAQUE backoff base: after the k-th failure a (user, peer) waits base*2^(k-1) ms");

struct pmhs_olimit_conf {
	u32 peer_max, user_max;		/* 0: no limit */
	u64 window, delay;		/* ms */
};

struct pmhs_olimit_entry {
	struct hlist_node node;
	u8 key[SHA256_DIGEST_SIZE];	/* user: SHA-256(id); peer: SHA-256(that, 1, peer) */
	u8 user[SHA256_DIGEST_SIZE];	/* SHA-256(id), for flush */
	bool is_user;
	u32 failures;			/* in the window that began at @start */
	u64 gen, start, last;		/* times in ms */
};

static void pmhs_olimit_conf_get(struct pmhs_olimit_conf *c)
{
	c->peer_max = READ_ONCE(pmhs_olimit_peer_failures);
	c->user_max = READ_ONCE(pmhs_olimit_user_failures);
	c->window = READ_ONCE(pmhs_olimit_window_secs) * 1000ULL;
	c->delay = READ_ONCE(pmhs_olimit_delay_ms);
}

static u64 pmhs_olimit_now(void)
{
	return ktime_to_ms(ktime_get_boottime());
}

/* Past its window (or refunded to nothing): counts as empty, may go. */
static bool pmhs_olimit_stale(const struct pmhs_olimit_entry *e, u64 now,
			      const struct pmhs_olimit_conf *c)
{
	return !e->failures || now - e->start >= c->window;
}

static u32 pmhs_olimit_hash(const struct pmhs_olimit *l, const u8 *key)
{
	return (u32)siphash(key, SHA256_DIGEST_SIZE, &l->key);
}

static struct pmhs_olimit_entry *
pmhs_olimit_find(struct pmhs_olimit *l, const u8 *key, bool is_user, u64 now,
		 const struct pmhs_olimit_conf *c)
{
	struct pmhs_olimit_entry *e;

	hash_for_each_possible(l->table, e, node, pmhs_olimit_hash(l, key)) {
		/* public digests (see the top of the file) */
		if (e->is_user != is_user || memcmp(e->key, key, SHA256_DIGEST_SIZE))
			continue;
		if (pmhs_olimit_stale(e, now, c))
			e->failures = 0;
		return e;
	}
	return NULL;
}

static void pmhs_olimit_del(struct pmhs_olimit *l, struct pmhs_olimit_entry *e)
{
	hash_del(&e->node);
	l->n--;
	kfree(e);
}

/* The wait after @k failures: base * 2^(k-1), at most the window. */
static u64 pmhs_olimit_delay(u32 k, const struct pmhs_olimit_conf *c)
{
	if (!k)
		return 0;
	return min(c->delay << min(k - 1, 31U), c->window);
}

/* Make room for one entry: stale ones go first, then the least failed. */
static void pmhs_olimit_room(struct pmhs_olimit *l, u64 now,
			     const struct pmhs_olimit_conf *c,
			     const struct pmhs_olimit_entry *keep)
{
	struct pmhs_olimit_entry *e, *least = NULL;
	struct hlist_node *tmp;
	int b;

	if (l->n < PMHS_OLIMIT_MAX)
		return;
	hash_for_each_safe(l->table, b, tmp, e, node)
		if (e != keep && pmhs_olimit_stale(e, now, c))
			pmhs_olimit_del(l, e);
	if (l->n < PMHS_OLIMIT_MAX)
		return;
	hash_for_each(l->table, b, e, node)
		if (e != keep && (!least || e->failures < least->failures))
			least = e;
	if (least)
		pmhs_olimit_del(l, least);
}

static struct pmhs_olimit_entry *
pmhs_olimit_new(struct pmhs_olimit *l, const u8 *key, const u8 *user, bool is_user,
		u64 now, const struct pmhs_olimit_conf *c,
		const struct pmhs_olimit_entry *keep)
{
	struct pmhs_olimit_entry *e;

	pmhs_olimit_room(l, now, c, keep);
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return NULL;
	memcpy(e->key, key, SHA256_DIGEST_SIZE);
	memcpy(e->user, user, SHA256_DIGEST_SIZE);
	e->is_user = is_user;
	hash_add(l->table, &e->node, pmhs_olimit_hash(l, key));
	l->n++;
	return e;
}

static void pmhs_olimit_count(struct pmhs_olimit *l, struct pmhs_olimit_entry *e, u64 now)
{
	if (!e->failures) {
		e->start = now;
		e->gen = ++l->gen;
	}
	e->failures++;
	e->last = now;
}

/* Under l->lock: refuse, or count one failure in both entries. */
static int pmhs_olimit_check_locked(struct pmhs_olimit *l, const struct pmhs_olimit_conf *c,
				    u64 now, const u8 *ukey, const u8 *pkey,
				    struct pmhs_olimit_ticket *t)
{
	struct pmhs_olimit_entry *p, *u;

	t->held = false;
	if (!c->window)
		return 0;
	p = pmhs_olimit_find(l, pkey, false, now, c);
	u = pmhs_olimit_find(l, ukey, true, now, c);
	if (p && c->peer_max && p->failures >= c->peer_max)
		return -EAGAIN;
	if (p && p->failures && now - p->last < pmhs_olimit_delay(p->failures, c))
		return -EAGAIN;
	if (u && c->user_max && u->failures >= c->user_max)
		return -EAGAIN;
	if (!p)
		p = pmhs_olimit_new(l, pkey, ukey, false, now, c, u);
	if (p && !u)
		u = pmhs_olimit_new(l, ukey, ukey, true, now, c, p);
	if (!p || !u)
		return -ENOMEM;
	pmhs_olimit_count(l, p, now);
	pmhs_olimit_count(l, u, now);
	t->held = true;
	t->peer_gen = p->gen;
	t->user_gen = u->gen;
	return 0;
}

static void pmhs_olimit_take_back(struct pmhs_olimit *l, struct pmhs_olimit_entry *e,
				  u64 gen)
{
	/* only into the window it was counted in */
	if (!e || e->gen != gen || !e->failures)
		return;
	if (!--e->failures)
		pmhs_olimit_del(l, e);
}

static void pmhs_olimit_ok_locked(struct pmhs_olimit *l, const struct pmhs_olimit_conf *c,
				  u64 now, const u8 *ukey, const u8 *pkey,
				  struct pmhs_olimit_ticket *t)
{
	if (!t->held)
		return;
	t->held = false;
	pmhs_olimit_take_back(l, pmhs_olimit_find(l, pkey, false, now, c), t->peer_gen);
	pmhs_olimit_take_back(l, pmhs_olimit_find(l, ukey, true, now, c), t->user_gen);
}

static unsigned int pmhs_olimit_flush_locked(struct pmhs_olimit *l, const u8 *ukey)
{
	struct pmhs_olimit_entry *e;
	struct hlist_node *tmp;
	unsigned int n = 0;
	int b;

	hash_for_each_safe(l->table, b, tmp, e, node) {
		/* public digests */
		if (!memcmp(e->user, ukey, SHA256_DIGEST_SIZE)) {
			pmhs_olimit_del(l, e);
			n++;
		}
	}
	return n;
}

/* The user's digest, and the (user, peer) pair's. */
static void pmhs_olimit_keys(const u8 *id, size_t idlen, const u8 *peer, size_t plen,
			     u8 ukey[SHA256_DIGEST_SIZE], u8 pkey[SHA256_DIGEST_SIZE])
{
	u8 buf[SHA256_DIGEST_SIZE + 1 + PMHS_OPAQUE_PEER_MAX];

	sha256(id, idlen, ukey);
	if (!pkey)
		return;
	plen = min_t(size_t, plen, PMHS_OPAQUE_PEER_MAX);
	memcpy(buf, ukey, SHA256_DIGEST_SIZE);
	buf[SHA256_DIGEST_SIZE] = 1;
	if (plen)
		memcpy(buf + SHA256_DIGEST_SIZE + 1, peer, plen);
	sha256(buf, SHA256_DIGEST_SIZE + 1 + plen, pkey);
}

int pmhs_opaque_limit_check(struct net *net, const u8 *id, size_t idlen,
			    const u8 *peer, size_t plen,
			    struct pmhs_olimit_ticket *t,
			    struct netlink_ext_ack *extack)
{
	struct pmhs_olimit *l = &pmhs_net(net)->olimit;
	u8 ukey[SHA256_DIGEST_SIZE], pkey[SHA256_DIGEST_SIZE];
	struct pmhs_olimit_conf c;
	int ret;

	pmhs_olimit_conf_get(&c);
	pmhs_olimit_keys(id, idlen, peer, plen, ukey, pkey);
	mutex_lock(&l->lock);
	ret = pmhs_olimit_check_locked(l, &c, pmhs_olimit_now(), ukey, pkey, t);
	mutex_unlock(&l->lock);
	if (ret == -EAGAIN)
		NL_SET_ERR_MSG(extack, "too many failed logins for this user: try again later");
	return ret;
}

void pmhs_opaque_limit_ok(struct net *net, const u8 *id, size_t idlen,
			  const u8 *peer, size_t plen,
			  struct pmhs_olimit_ticket *t)
{
	struct pmhs_olimit *l = &pmhs_net(net)->olimit;
	u8 ukey[SHA256_DIGEST_SIZE], pkey[SHA256_DIGEST_SIZE];
	struct pmhs_olimit_conf c;

	if (!t->held)
		return;
	pmhs_olimit_conf_get(&c);
	pmhs_olimit_keys(id, idlen, peer, plen, ukey, pkey);
	mutex_lock(&l->lock);
	pmhs_olimit_ok_locked(l, &c, pmhs_olimit_now(), ukey, pkey, t);
	mutex_unlock(&l->lock);
}

unsigned int pmhs_opaque_limit_flush(struct net *net, const u8 *id, size_t idlen)
{
	struct pmhs_olimit *l = &pmhs_net(net)->olimit;
	u8 ukey[SHA256_DIGEST_SIZE];
	unsigned int n;

	pmhs_olimit_keys(id, idlen, NULL, 0, ukey, NULL);
	mutex_lock(&l->lock);
	n = pmhs_olimit_flush_locked(l, ukey);
	mutex_unlock(&l->lock);
	return n;
}

void pmhs_opaque_limit_net_init(struct pmhs_olimit *l)
{
	mutex_init(&l->lock);
	hash_init(l->table);
	l->n = 0;
	l->gen = 0;
	get_random_bytes(&l->key, sizeof(l->key));
}

void pmhs_opaque_limit_net_exit(struct pmhs_olimit *l)
{
	struct pmhs_olimit_entry *e;
	struct hlist_node *tmp;
	int b;

	hash_for_each_safe(l->table, b, tmp, e, node)
		pmhs_olimit_del(l, e);
	WARN_ON_ONCE(l->n);
	mutex_destroy(&l->lock);
}

/* ---- self-test: a table of its own, a fake clock ---- */

struct pmhs_olimit_st {
	struct pmhs_olimit *l;
	struct pmhs_olimit_conf c;
	u64 now;
};

static int pmhs_olimit_st_check(struct pmhs_olimit_st *st, const char *user,
				const char *peer, struct pmhs_olimit_ticket *t)
{
	u8 ukey[SHA256_DIGEST_SIZE], pkey[SHA256_DIGEST_SIZE];
	struct pmhs_olimit_ticket dummy;

	pmhs_olimit_keys(user, strlen(user), peer, strlen(peer), ukey, pkey);
	return pmhs_olimit_check_locked(st->l, &st->c, st->now, ukey, pkey, t ?: &dummy);
}

static void pmhs_olimit_st_ok(struct pmhs_olimit_st *st, const char *user,
			      const char *peer, struct pmhs_olimit_ticket *t)
{
	u8 ukey[SHA256_DIGEST_SIZE], pkey[SHA256_DIGEST_SIZE];

	pmhs_olimit_keys(user, strlen(user), peer, strlen(peer), ukey, pkey);
	pmhs_olimit_ok_locked(st->l, &st->c, st->now, ukey, pkey, t);
}

static int pmhs_olimit_st_assert(bool ok, const char *what, int line)
{
	if (!ok)
		pr_err("opaque limiter self-test failed: %s (line %d)\n", what, line);
	return ok ? 0 : -EINVAL;
}

/* Every check runs; any failure fails the self-test. */
#define PMHS_OLIMIT_ST(cond) (ret |= pmhs_olimit_st_assert(cond, #cond, __LINE__))

int pmhs_opaque_limit_selftest(void)
{
	struct pmhs_olimit_st st = {
		.c = { .peer_max = 3, .user_max = 5, .window = 10000, .delay = 100 },
	};
	struct pmhs_olimit_ticket t, t2;
	u8 ukey[SHA256_DIGEST_SIZE];
	char name[16];
	int ret = 0, i;

	st.l = kzalloc(sizeof(*st.l), GFP_KERNEL);
	if (!st.l)
		return -ENOMEM;
	pmhs_opaque_limit_net_init(st.l);
	mutex_lock(&st.l->lock);
	/* backoff: 100 ms after the first failure, 200 after the second */
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	st.now = 99;
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "x", NULL) == -EAGAIN);
	st.now = 100;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	st.now = 299;
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "x", NULL) == -EAGAIN);
	st.now = 300;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", &t));
	/* the third failure locks (a, x) for the rest of the window */
	st.now = 9999;
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "x", NULL) == -EAGAIN);
	/* other peers of a still count, up to the user's cap of 5 */
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "y", NULL));
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "", &t2));
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "z", NULL) == -EAGAIN);
	/* another user is not touched */
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "b", "x", NULL));
	/* a refund opens one attempt again; a second refund of it does nothing */
	pmhs_olimit_st_ok(&st, "a", "", &t2);
	PMHS_OLIMIT_ST(!t2.held);
	pmhs_olimit_st_ok(&st, "a", "", &t2);
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "z", NULL));
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "w", NULL) == -EAGAIN);
	/* a new window from the first failure's: all open; an old ticket refunds nothing */
	st.now = 10000;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	pmhs_olimit_st_ok(&st, "a", "x", &t);
	st.now = 10050;
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "x", NULL) == -EAGAIN);
	/* a refunded failure leaves no entry behind */
	i = st.l->n;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "c", "x", &t));
	PMHS_OLIMIT_ST(st.l->n == i + 2);
	pmhs_olimit_st_ok(&st, "c", "x", &t);
	PMHS_OLIMIT_ST(st.l->n == i);
	/* flush drops the user with all its peers */
	pmhs_olimit_keys("a", 1, NULL, 0, ukey, NULL);
	PMHS_OLIMIT_ST(pmhs_olimit_flush_locked(st.l, ukey) == 4);
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	/* full: the least failed go, the table stays bounded */
	st.now = 20000;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	st.now = 20100;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "a", "x", NULL));
	for (i = 0; i < PMHS_OLIMIT_MAX / 2 + 8; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, name, "", NULL));
		PMHS_OLIMIT_ST(st.l->n <= PMHS_OLIMIT_MAX);
	}
	PMHS_OLIMIT_ST(st.l->n == PMHS_OLIMIT_MAX);
	/* (a, x) with two failures is still there: in backoff */
	PMHS_OLIMIT_ST(pmhs_olimit_st_check(&st, "a", "x", NULL) == -EAGAIN);
	/* past the window, every stale entry goes at the next insert */
	st.now += 100000;
	PMHS_OLIMIT_ST(!pmhs_olimit_st_check(&st, "d", "", NULL));
	PMHS_OLIMIT_ST(st.l->n == 2);
	mutex_unlock(&st.l->lock);
	pmhs_opaque_limit_net_exit(st.l);
	kfree(st.l);
	return ret;
}
