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

struct step_ctx {
	struct pmhs_step *st;
	int err;
};

static int step_cb(struct nlattr **tb, void *arg)
{
	struct step_ctx *c = arg;
	struct pmhs_step *st = c->st;

	pmhs_get_u32(tb, PMHS_A_SESSION_ID, &st->id);
	pmhs_get_s32(tb, PMHS_A_SESSION_KEY_SERIAL, &st->key_serial);
	if (tb[PMHS_A_SESSION_MESSAGE])
		return pmhs_get_bin(tb, PMHS_A_SESSION_MESSAGE, st->msg, st->msg_max,
				    &st->msg_len);
	return 0;
}

static int put_publish(struct nl_msg *m, const struct pmhs_publish *p)
{
	if (!p)
		return 0;
	if (p->size < sizeof(*p))
		return -EINVAL;
	if ((p->keyring && nla_put_s32(m, PMHS_A_SESSION_KEYRING, p->keyring)) ||
	    (p->key_type && nla_put_u32(m, PMHS_A_SESSION_KEY_TYPE, p->key_type)) ||
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

static int (*const put_proto[])(struct nl_msg *, const struct pmhs_session_params *) = {
	put_password,
	put_rsa,
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
	return put_publish(m, p->publish);
}

int pmhs_put_session_step(struct nl_msg *m, uint32_t id, const void *msg, size_t len,
			  const struct pmhs_publish *publish)
{
	if (nla_put_u32(m, PMHS_A_SESSION_ID, id) ||
	    nla_put(m, PMHS_A_SESSION_MESSAGE, (int)len, msg))
		return -EMSGSIZE;
	return put_publish(m, publish);
}

static int step_ok(const struct pmhs_step *st)
{
	return PMHS_SIZE_OK(st, sizeof(*st)) && (st->msg || !st->msg_max);
}

static void step_reset(struct pmhs_step *st)
{
	st->id = 0;
	st->key_serial = 0;
	st->msg_len = 0;
}

PMHS_API int pmhs_session_new(struct pmhs *h, const struct pmhs_session_params *p,
			      struct pmhs_step *st)
{
	struct step_ctx c = { .st = st };
	struct nl_msg *m;
	int ret;

	/* Lengths are the kernel's to judge, with a reason in the extack. */
	if (!h || !PMHS_SIZE_OK(p, sizeof(*p)) || !step_ok(st))
		return -EINVAL;
	step_reset(st);
	m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_NEW, 0,
			      p->password_len + p->peer_pubkey_len + p->iv_len);
	if (!m)
		return -ENOMEM;
	ret = pmhs_put_session_params(m, p);
	if (ret) {
		pmhs_raw_discard(m, true);
		return ret;
	}
	/* The password (if any) is in the request: wiped after sending. */
	return pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, step_cb, &c, true);
}

PMHS_API int pmhs_session_step(struct pmhs *h, uint32_t id, const void *peer_msg, size_t len,
			       const struct pmhs_publish *publish, struct pmhs_step *st)
{
	struct step_ctx c = { .st = st };
	struct nl_msg *m;
	int ret;

	if (!h || !step_ok(st) || (!peer_msg && len) || len > INT32_MAX)
		return -EINVAL;
	step_reset(st);
	m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_RECV, 0, len);
	if (!m)
		return -ENOMEM;
	ret = pmhs_put_session_step(m, id, peer_msg, len, publish);
	if (ret) {
		pmhs_raw_discard(m, false);
		return ret;
	}
	return pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, step_cb, &c, false);
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
	uint32_t size;
	int ret;

	if (!PMHS_SIZE_OK(info, sizeof(*info)))
		return -EINVAL;
	ret = id_request(h, PMHS_CMD_SESSION_GET, 0, &id, &c);
	if (!ret && !c.n)
		ret = -EBADMSG;
	if (!ret) {
		size = info->size;
		memcpy(info, &c.list[0], sizeof(*info));
		info->size = size;
	}
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
