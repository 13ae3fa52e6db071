// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: session-new and session-recv build every mode's request
 * here, so that no caller knows the attributes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The structs as they were before the noise mode. */
#define PARAMS_V0 PMHS_V0_SIZE(struct pmhs_session_params, noise_protocol)
#define STEP_V0 PMHS_V0_SIZE(struct pmhs_step, payload)
#define INFO_V0 PMHS_V0_SIZE(struct pmhs_session_info, flags)

struct step_ctx {
	struct pmhs_step *st;
	int err;
};

/* The noise results a reply may carry: PMHS_STEP_* and the two keys. */
static uint32_t get_noise(struct nlattr **tb, uint8_t hash[32], uint8_t peer_static[32])
{
	uint32_t flags = 0;

	if (tb[PMHS_A_SESSION_OUR_TURN])
		flags |= PMHS_STEP_OUR_TURN;
	if (tb[PMHS_A_SESSION_HANDSHAKE_HASH] && nla_len(tb[PMHS_A_SESSION_HANDSHAKE_HASH]) == 32) {
		memcpy(hash, nla_data(tb[PMHS_A_SESSION_HANDSHAKE_HASH]), 32);
		flags |= PMHS_STEP_DONE;
	}
	if (tb[PMHS_A_SESSION_PEER_STATIC] && nla_len(tb[PMHS_A_SESSION_PEER_STATIC]) == 32) {
		memcpy(peer_static, nla_data(tb[PMHS_A_SESSION_PEER_STATIC]), 32);
		flags |= PMHS_STEP_PEER_STATIC;
	}
	return flags;
}

static int step_cb(struct nlattr **tb, void *arg)
{
	struct step_ctx *c = arg;
	struct pmhs_step *st = c->st;
	int ret;

	pmhs_get_u32(tb, PMHS_A_SESSION_ID, &st->id);
	st->flags = get_noise(tb, st->handshake_hash, st->peer_static);
	/* Every mode's handshake ends with the published secret. */
	if (pmhs_get_s32(tb, PMHS_A_SESSION_KEY_SERIAL, &st->key_serial))
		st->flags |= PMHS_STEP_DONE;
	ret = pmhs_get_bin(tb, PMHS_A_SESSION_PAYLOAD, st->payload, st->payload_max,
			   &st->payload_len);
	if (ret)
		return ret;
	return pmhs_get_bin(tb, PMHS_A_SESSION_MESSAGE, st->msg, st->msg_max, &st->msg_len);
}

int pmhs_put_publish(struct nl_msg *m, const struct pmhs_publish *p)
{
	if (!p)
		return 0;
	if (p->size < sizeof(*p))
		return -EINVAL;
	if ((p->flags & PMHS_PUBLISH_USER_KEY) && p->key_type)
		return -EINVAL;
	if ((p->keyring && nla_put_s32(m, PMHS_A_SESSION_KEYRING, p->keyring)) ||
	    (p->key_type && nla_put_u32(m, PMHS_A_SESSION_KEY_TYPE, p->key_type)) ||
	    ((p->flags & PMHS_PUBLISH_USER_KEY) &&
	     nla_put_u32(m, PMHS_A_SESSION_KEY_TYPE, PMHS_KEY_TYPE_USER)) ||
	    (p->description && nla_put_string(m, PMHS_A_SESSION_DESCRIPTION, p->description)) ||
	    ((p->flags & PMHS_PUBLISH_MODULE_KEYRING) &&
	     nla_put_flag(m, PMHS_A_SESSION_MODULE_KEYRING)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Each protocol's parameters go into its own nest (docs/netlink/pmhs.yaml),
 * one put function per nest. A nest is sent for its own modes, and for any
 * other mode whose caller set one of its fields: the kernel refuses
 * another mode's nest and says why. oaep_hash alone does not count, as 0
 * is both sha1 and what PMHS_INIT leaves.
 */
static int put_password(struct nl_msg *m, const struct pmhs_session_params *p)
{
	struct nlattr *n;

	if (p->mode != PMHS_MODE_PASSWORD && !p->password && !p->password_key && !p->iv &&
	    !p->hsub_len && !p->iterations)
		return 0;
	n = nla_nest_start(m, PMHS_A_SESSION_PASSWORD);
	if (!n ||
	    (p->password && nla_put(m, PMHS_A_PASSWORD_PARAMS_PASSWORD, (int)p->password_len,
				    p->password)) ||
	    (p->password_key &&
	     nla_put_s32(m, PMHS_A_PASSWORD_PARAMS_PASSWORD_KEY, p->password_key)) ||
	    (p->iv && nla_put(m, PMHS_A_PASSWORD_PARAMS_IV, (int)p->iv_len, p->iv)) ||
	    (p->hsub_len && nla_put_u32(m, PMHS_A_PASSWORD_PARAMS_HSUB_LEN, p->hsub_len)) ||
	    (p->iterations && nla_put_u32(m, PMHS_A_PASSWORD_PARAMS_ITERATIONS, p->iterations)))
		return -EMSGSIZE;
	nla_nest_end(m, n);
	return 0;
}

static int put_rsa(struct nl_msg *m, const struct pmhs_session_params *p)
{
	struct nlattr *n;

	bool rsa_mode = p->mode == PMHS_MODE_RSA_MUTUAL || p->mode == PMHS_MODE_RSA_HALF_SEND ||
			p->mode == PMHS_MODE_RSA_HALF_RECEIVE;

	if (!rsa_mode && !p->peer_pubkey)
		return 0;
	if (!p->peer_pubkey && p->oaep_hash < 0)
		return 0;
	n = nla_nest_start(m, PMHS_A_SESSION_RSA);
	if (!n ||
	    (p->peer_pubkey && nla_put(m, PMHS_A_RSA_PARAMS_PEER_PUBKEY,
				       (int)p->peer_pubkey_len, p->peer_pubkey)) ||
	    (p->oaep_hash >= 0 &&
	     nla_put_u32(m, PMHS_A_RSA_PARAMS_OAEP_HASH, (uint32_t)p->oaep_hash)))
		return -EMSGSIZE;
	nla_nest_end(m, n);
	return 0;
}

static int put_noise(struct nl_msg *m, const struct pmhs_session_params *p)
{
	struct nlattr *n;

	/* The first payload is the session's, outside the nest (as in session-recv). */
	if ((p->payload || p->payload_len) &&
	    nla_put(m, PMHS_A_SESSION_PAYLOAD, (int)p->payload_len, p->payload))
		return -EMSGSIZE;
	if (p->mode != PMHS_MODE_NOISE && !p->noise_protocol && !p->prologue &&
	    !p->remote_static && !p->psk && !p->psk_key)
		return 0;
	n = nla_nest_start(m, PMHS_A_SESSION_NOISE);
	if (!n ||
	    (p->noise_protocol &&
	     nla_put_string(m, PMHS_A_NOISE_PARAMS_PROTOCOL, p->noise_protocol)) ||
	    nla_put_u32(m, PMHS_A_NOISE_PARAMS_ROLE, p->role) ||
	    (p->prologue &&
	     nla_put(m, PMHS_A_NOISE_PARAMS_PROLOGUE, (int)p->prologue_len, p->prologue)) ||
	    (p->remote_static &&
	     nla_put(m, PMHS_A_NOISE_PARAMS_REMOTE_STATIC, PMHS_X25519_LEN, p->remote_static)) ||
	    (p->psk && nla_put(m, PMHS_A_NOISE_PARAMS_PSK, 32, p->psk)) ||
	    (p->psk_key && nla_put_s32(m, PMHS_A_NOISE_PARAMS_PSK_KEY, p->psk_key)))
		return -EMSGSIZE;
	nla_nest_end(m, n);
	return 0;
}

static int (*const put_proto[])(struct nl_msg *, const struct pmhs_session_params *) = {
	put_password,
	put_rsa,
	put_noise,
};

int pmhs_put_session_params(struct nl_msg *m, const struct pmhs_session_params *p)
{
	int ret;

	if (nla_put_u32(m, PMHS_A_SESSION_MODE, p->mode) ||
	    (p->identity && nla_put_string(m, PMHS_A_SESSION_IDENTITY, p->identity)))
		return -EMSGSIZE;
	for (size_t i = 0; i < sizeof(put_proto) / sizeof(put_proto[0]); i++) {
		ret = put_proto[i](m, p);
		if (ret)
			return ret;
	}
	return pmhs_put_publish(m, p->publish);
}

int pmhs_put_session_recv(struct nl_msg *m, uint32_t id, const void *msg, size_t len,
			  const void *payload, size_t payload_len, bool payload_set,
			  const struct pmhs_publish *publish)
{
	if (nla_put_u32(m, PMHS_A_SESSION_ID, id) ||
	    (msg && nla_put(m, PMHS_A_SESSION_MESSAGE, (int)len, msg)) ||
	    (payload_set && nla_put(m, PMHS_A_SESSION_PAYLOAD, (int)payload_len, payload)))
		return -EMSGSIZE;
	return pmhs_put_publish(m, publish);
}

int pmhs_put_session_step(struct nl_msg *m, uint32_t id, const void *msg, size_t len,
			  const struct pmhs_publish *publish)
{
	/* The older modes always send a message, an empty one included. */
	return pmhs_put_session_recv(m, id, msg ? msg : "", len, NULL, 0, false, publish);
}

static int step_ok(const struct pmhs_step *st)
{
	if (!PMHS_SIZE_OK(st, STEP_V0) || (!st->msg && st->msg_max))
		return 0;
	/* The noise members, if the caller's struct has them. */
	return st->size < sizeof(*st) || st->payload || !st->payload_max;
}

/* The caller's step as a whole struct in @w, outputs cleared. */
static void step_begin(struct pmhs_step *w, const struct pmhs_step *st)
{
	memcpy(w, pmhs_whole(st, st->size, w, sizeof(*w)), sizeof(*w));
	w->id = 0;
	w->key_serial = 0;
	w->msg_len = 0;
	w->payload_len = 0;
	w->flags = 0;
	memset(w->handshake_hash, 0, sizeof(w->handshake_hash));
	memset(w->peer_static, 0, sizeof(w->peer_static));
}

PMHS_API int pmhs_session_new(struct pmhs *h, const struct pmhs_session_params *p,
			      struct pmhs_step *st)
{
	struct pmhs_session_params tmp;
	struct pmhs_step w;
	struct step_ctx c = { .st = &w };
	struct nl_msg *m;
	int ret;

	/* Lengths are the kernel's to judge, with a reason in the extack. */
	if (!h || !PMHS_SIZE_OK(p, PARAMS_V0) || !step_ok(st))
		return -EINVAL;
	p = pmhs_whole(p, p->size, &tmp, sizeof(tmp));
	if (!p->payload && p->payload_len) {
		ret = -EINVAL;
		goto out;
	}
	step_begin(&w, st);
	m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_NEW, 0,
			      p->password_len + p->peer_pubkey_len + p->iv_len +
			      p->prologue_len + p->payload_len);
	if (!m) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pmhs_put_session_params(m, p);
	if (ret) {
		pmhs_raw_discard(m, true);
		goto out;
	}
	/* The password or PSK (if any) is in the request: wiped after sending. */
	ret = pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, step_cb, &c, true);
out:
	pmhs_copy_out(st, st->size, &w, sizeof(w));
	if (p == &tmp)
		explicit_bzero(&tmp, sizeof(tmp));
	return ret;
}

/* session-recv: @peer_msg NULL sends none; @payload_set sends @payload. */
static int session_recv(struct pmhs *h, uint32_t id, const void *peer_msg, size_t len,
			const void *payload, size_t payload_len, bool payload_set,
			const struct pmhs_publish *publish, struct pmhs_step *st)
{
	struct pmhs_step w;
	struct step_ctx c = { .st = &w };
	struct nl_msg *m;
	int ret;

	if (!h || !step_ok(st) || len > INT32_MAX || payload_len > INT32_MAX ||
	    (!payload && payload_len))
		return -EINVAL;
	step_begin(&w, st);
	m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_RECV, 0, len + payload_len);
	if (!m) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pmhs_put_session_recv(m, id, peer_msg, len, payload, payload_len, payload_set,
				    publish);
	/* Our payload is what the handshake encrypts: wiped after sending too. */
	if (ret) {
		pmhs_raw_discard(m, payload_set);
		goto out;
	}
	ret = pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, step_cb, &c, payload_set);
out:
	pmhs_copy_out(st, st->size, &w, sizeof(w));
	return ret;
}

PMHS_API int pmhs_session_step(struct pmhs *h, uint32_t id, const void *peer_msg, size_t len,
			       const struct pmhs_publish *publish, struct pmhs_step *st)
{
	if (!peer_msg && len)
		return -EINVAL;
	/* The older modes always send a message, an empty one included. */
	return session_recv(h, id, peer_msg ? peer_msg : "", len, NULL, 0, false, publish, st);
}

PMHS_API int pmhs_session_step_payload(struct pmhs *h, uint32_t id, const void *peer_msg,
				       size_t len, const void *payload, size_t payload_len,
				       unsigned int flags, const struct pmhs_publish *publish,
				       struct pmhs_step *st)
{
	bool write = flags & PMHS_STEP_WRITE;

	/* A payload only goes with a message of ours to carry it. */
	if ((flags & ~PMHS_STEP_WRITE) || (!peer_msg && len) || (!write && payload_len))
		return -EINVAL;
	return session_recv(h, id, peer_msg, len, payload, payload_len, write, publish, st);
}

struct info_ctx {
	struct pmhs_session_info *list;
	size_t n, cap;
};

static int info_cb(struct nlattr **tb, void *arg)
{
	struct info_ctx *c = arg;
	struct pmhs_session_info *s;

	if (!c)
		return 0;
	if (!tb[PMHS_A_SESSION_ID])
		return -EBADMSG;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct pmhs_session_info *l = reallocarray(c->list, cap, sizeof(*l));

		if (!l)
			return -ENOMEM;
		c->list = l;
		c->cap = cap;
	}
	s = &c->list[c->n++];
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	pmhs_get_u32(tb, PMHS_A_SESSION_ID, &s->id);
	pmhs_get_u32(tb, PMHS_A_SESSION_MODE, &s->mode);
	pmhs_get_u32(tb, PMHS_A_SESSION_STATE, &s->state);
	pmhs_get_u32(tb, PMHS_A_SESSION_EXPIRES, &s->expires);
	pmhs_get_s32(tb, PMHS_A_SESSION_KEY_SERIAL, &s->key_serial);
	pmhs_get_str(tb, PMHS_A_SESSION_IDENTITY, s->identity, sizeof(s->identity));
	if (tb[PMHS_A_SESSION_PEER_FINGERPRINT] &&
	    nla_len(tb[PMHS_A_SESSION_PEER_FINGERPRINT]) == PMHS_FP_LEN) {
		memcpy(s->peer_fingerprint, nla_data(tb[PMHS_A_SESSION_PEER_FINGERPRINT]),
		       PMHS_FP_LEN);
		s->has_peer_fingerprint = 1;
	}
	s->flags = get_noise(tb, s->handshake_hash, s->peer_static);
	return 0;
}

static int id_request(struct pmhs *h, uint8_t cmd, int flags, const uint32_t *id,
		      struct info_ctx *c)
{
	struct nl_msg *m;

	if (!h)
		return -EINVAL;
	m = pmhs_raw_msg(h, cmd, flags);
	if (!m)
		return -ENOMEM;
	if (id && nla_put_u32(m, PMHS_A_SESSION_ID, *id)) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, info_cb, c, false);
}

PMHS_API int pmhs_session_result(struct pmhs *h, uint32_t id, struct pmhs_session_info *info)
{
	struct info_ctx c = { 0 };
	int ret;

	if (!PMHS_SIZE_OK(info, INFO_V0))
		return -EINVAL;
	ret = id_request(h, PMHS_CMD_SESSION_GET, 0, &id, &c);
	if (!ret && !c.n)
		ret = -EBADMSG;
	if (!ret)
		pmhs_copy_out(info, info->size, &c.list[0], sizeof(*info));
	free(c.list);
	return ret;
}

PMHS_API int pmhs_session_foreach(struct pmhs *h,
				  int (*cb)(const struct pmhs_session_info *s, void *arg),
				  void *arg)
{
	struct info_ctx c = { 0 };
	int ret;

	if (!cb)
		return -EINVAL;
	ret = id_request(h, PMHS_CMD_SESSION_GET, NLM_F_DUMP, NULL, &c);
	/* Outside the handle's lock: @cb may use the handle. */
	for (size_t i = 0; !ret && i < c.n; i++)
		ret = cb(&c.list[i], arg);
	free(c.list);
	return ret;
}

PMHS_API int pmhs_session_delete(struct pmhs *h, uint32_t id)
{
	return id_request(h, PMHS_CMD_SESSION_DEL, 0, &id, NULL);
}
