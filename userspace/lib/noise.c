// SPDX-License-Identifier: GPL-2.0
/*
 * The noise mode's own operations: transport messages through a finished
 * session's CipherStates (session-encrypt, -decrypt, -rekey) and the
 * engine's known-answer path (noise-kat).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"

struct xport_ctx {
	void *out;
	size_t max, len;
	uint64_t nonce;
	bool have_data;
};

static int xport_cb(struct nlattr **tb, void *arg)
{
	struct xport_ctx *c = arg;

	pmhs_get_u64(tb, PMHS_A_SESSION_NONCE, &c->nonce);
	c->have_data = tb[PMHS_A_SESSION_DATA] != NULL;
	return pmhs_get_bin(tb, PMHS_A_SESSION_DATA, c->out, c->max, &c->len);
}

static int transport(struct pmhs *h, uint8_t cmd, uint32_t id, const void *ad, size_t ad_len,
		     const void *in, size_t in_len, void *out, size_t out_max,
		     size_t *out_len, uint64_t *nonce)
{
	struct xport_ctx c = { .out = out, .max = out_max };
	struct nl_msg *m;
	int ret;

	if (!h || (!ad && ad_len) || (!in && in_len) || (!out && out_max) || !out_len ||
	    ad_len > INT32_MAX || in_len > INT32_MAX)
		return -EINVAL;
	*out_len = 0;
	m = pmhs_raw_msg_sized(h, cmd, 0, ad_len + in_len);
	if (!m)
		return -ENOMEM;
	if (nla_put_u32(m, PMHS_A_SESSION_ID, id) ||
	    (ad && nla_put(m, PMHS_A_SESSION_AD, (int)ad_len, ad)) ||
	    nla_put(m, PMHS_A_SESSION_DATA, (int)in_len, in ? in : "")) {
		pmhs_raw_discard(m, true);
		return -EMSGSIZE;
	}
	/* A plaintext in the request: wiped after sending. */
	ret = pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, xport_cb, &c,
			    cmd == PMHS_CMD_SESSION_ENCRYPT);
	if (!ret && !c.have_data)
		ret = -EBADMSG;
	if (ret) {
		if (c.len && out)
			explicit_bzero(out, c.len);
		return ret;
	}
	*out_len = c.len;
	if (nonce)
		*nonce = c.nonce;
	return 0;
}

PMHS_API int pmhs_session_encrypt(struct pmhs *h, uint32_t id, const void *ad, size_t ad_len,
				  const void *in, size_t in_len, void *out, size_t out_max,
				  size_t *out_len, uint64_t *nonce)
{
	return transport(h, PMHS_CMD_SESSION_ENCRYPT, id, ad, ad_len, in, in_len, out, out_max,
			 out_len, nonce);
}

PMHS_API int pmhs_session_decrypt(struct pmhs *h, uint32_t id, const void *ad, size_t ad_len,
				  const void *in, size_t in_len, void *out, size_t out_max,
				  size_t *out_len, uint64_t *nonce)
{
	return transport(h, PMHS_CMD_SESSION_DECRYPT, id, ad, ad_len, in, in_len, out, out_max,
			 out_len, nonce);
}

PMHS_API int pmhs_session_rekey(struct pmhs *h, uint32_t id, uint32_t direction)
{
	struct nl_msg *m;

	if (!h)
		return -EINVAL;
	m = pmhs_raw_msg(h, PMHS_CMD_SESSION_REKEY, 0);
	if (!m)
		return -ENOMEM;
	if (nla_put_u32(m, PMHS_A_SESSION_ID, id) ||
	    nla_put_u32(m, PMHS_A_SESSION_DIRECTION, direction)) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, NULL, NULL, false);
}

/* ---- noise-kat ---- */

#define KAT_V0 sizeof(struct pmhs_noise_kat)

static int put_opt(struct nl_msg *m, int attr, const void *p, size_t len)
{
	return p ? nla_put(m, attr, (int)len, p) : 0;
}

static int put_kat(struct nl_msg *m, const struct pmhs_noise_kat *k)
{
	struct nlattr *n;

	if ((k->protocol && nla_put_string(m, PMHS_A_NOISE_KAT_PROTOCOL, k->protocol)) ||
	    nla_put_u32(m, PMHS_A_NOISE_KAT_ROLE, k->role) ||
	    put_opt(m, PMHS_A_NOISE_KAT_PROLOGUE, k->prologue, k->prologue_len) ||
	    put_opt(m, PMHS_A_NOISE_KAT_STATIC_KEY, k->static_key, PMHS_X25519_LEN) ||
	    put_opt(m, PMHS_A_NOISE_KAT_EPHEMERAL, k->ephemeral, PMHS_X25519_LEN) ||
	    put_opt(m, PMHS_A_NOISE_KAT_REMOTE_STATIC, k->remote_static, PMHS_X25519_LEN))
		return -EMSGSIZE;
	for (unsigned int i = 0; i < k->npsk; i++)
		if (nla_put(m, PMHS_A_NOISE_KAT_PSK, 32, k->psk[i]))
			return -EMSGSIZE;
	for (unsigned int i = 0; i < k->nsteps; i++) {
		const struct pmhs_noise_kat_step *s = &k->steps[i];

		n = nla_nest_start(m, PMHS_A_NOISE_KAT_STEP);
		if (!n || nla_put(m, s->write ? PMHS_A_NOISE_KAT_STEP_PAYLOAD :
					  PMHS_A_NOISE_KAT_STEP_MESSAGE,
				  (int)s->in_len, s->in ? s->in : ""))
			return -EMSGSIZE;
		nla_nest_end(m, n);
	}
	return 0;
}

struct kat_ctx {
	struct pmhs_noise_kat *k;
	unsigned int nstep;		/* reply steps seen */
};

/* One reply step: a write step's message, or a read step's payload. */
static int kat_step(struct kat_ctx *c, struct nlattr *nest)
{
	struct nlattr *tb[PMHS_A_NOISE_KAT_STEP_MAX + 1];
	struct pmhs_noise_kat_step *s;

	if (c->nstep >= c->k->nsteps)
		return -EBADMSG;
	s = &c->k->steps[c->nstep++];
	if (nla_parse_nested(tb, PMHS_A_NOISE_KAT_STEP_MAX, nest, NULL))
		return -EBADMSG;
	return pmhs_get_bin(tb, s->write ? PMHS_A_NOISE_KAT_STEP_MESSAGE :
				  PMHS_A_NOISE_KAT_STEP_PAYLOAD,
			    s->out, s->out_max, &s->out_len);
}

static int kat_cb(struct nlmsghdr *nlh, void *arg)
{
	struct kat_ctx *c = arg;
	struct pmhs_noise_kat *k = c->k;
	struct nlattr *a;
	uint32_t v;
	int rem, ret;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		switch (nla_type(a)) {
		case PMHS_A_NOISE_KAT_STEP:
			ret = kat_step(c, a);
			if (ret)
				return ret;
			break;
		case PMHS_A_NOISE_KAT_HANDSHAKE_HASH:
			if (nla_len(a) != 32)
				return -EBADMSG;
			memcpy(k->handshake_hash, nla_data(a), 32);
			k->has_hash = 1;
			break;
		case PMHS_A_NOISE_KAT_FAIL_STEP:
		case PMHS_A_NOISE_KAT_FAIL_ERRNO:
			if (nla_len(a) < (int)sizeof(v))
				return -EBADMSG;
			v = nla_get_u32(a);
			if (v > INT32_MAX)
				return -EBADMSG;
			if (nla_type(a) == PMHS_A_NOISE_KAT_FAIL_STEP)
				k->fail_step = (int)v;
			else
				k->fail_errno = (int)v;
			break;
		}
	}
	return 0;
}

PMHS_API int pmhs_noise_kat(struct pmhs *h, struct pmhs_noise_kat *k)
{
	struct kat_ctx c = { .k = k };
	size_t len;
	struct nl_msg *m;
	int ret;

	if (!h || !PMHS_SIZE_OK(k, KAT_V0) || k->npsk > 2 || (k->nsteps && !k->steps) ||
	    (!k->prologue && k->prologue_len))
		return -EINVAL;
	len = k->prologue_len;
	for (unsigned int i = 0; i < k->npsk; i++)
		if (!k->psk[i])
			return -EINVAL;
	for (unsigned int i = 0; i < k->nsteps; i++) {
		const struct pmhs_noise_kat_step *s = &k->steps[i];

		if ((!s->in && s->in_len) || (!s->out && s->out_max) || s->in_len > INT32_MAX)
			return -EINVAL;
		len += s->in_len;
	}
	for (unsigned int i = 0; i < k->nsteps; i++)
		k->steps[i].out_len = 0;
	k->has_hash = 0;
	memset(k->handshake_hash, 0, sizeof(k->handshake_hash));
	k->fail_step = -1;
	k->fail_errno = 0;
	m = pmhs_raw_msg_sized(h, PMHS_CMD_NOISE_KAT, 0, len + 16 * k->nsteps);
	if (!m)
		return -ENOMEM;
	ret = put_kat(m, k);
	if (ret) {
		pmhs_raw_discard(m, true);
		return ret;
	}
	/* Private keys and PSKs in the request: wiped after sending. */
	return pmhs_raw_call_nlh(h, m, kat_cb, &c, true);
}
