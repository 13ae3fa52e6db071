// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE sessions over netlink: session-new and session-recv of the opaque
 * modes, with the client's key stretching run here between the two
 * kernel steps that surround it (the module hands out the OPRF output as
 * ksf-input; the stretched value goes back as ksf-output), so a caller
 * sees one step per message of the protocol.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct opq_ctx {
	struct pmhs_opaque_step *st;
	bool has_ksf;
	uint8_t ksf[PMHS_OPAQUE_HASH_LEN];
};

static int opq_cb(struct nlattr **tb, void *arg)
{
	struct opq_ctx *c = arg;
	struct pmhs_opaque_step *st = c->st;
	size_t n = 0;

	pmhs_get_u32(tb, PMHS_A_SESSION_ID, &st->id);
	pmhs_get_s32(tb, PMHS_A_SESSION_KEY_SERIAL, &st->key_serial);
	pmhs_get_s32(tb, PMHS_A_SESSION_EXPORT_KEY_SERIAL, &st->export_serial);
	if (tb[PMHS_A_SESSION_KSF_INPUT]) {
		int bad = pmhs_get_bin(tb, PMHS_A_SESSION_KSF_INPUT, c->ksf, sizeof(c->ksf), &n) ||
			  n != sizeof(c->ksf);

		/* password-equivalent: not left in libnl's receive buffer */
		explicit_bzero(nla_data(tb[PMHS_A_SESSION_KSF_INPUT]),
			       nla_len(tb[PMHS_A_SESSION_KSF_INPUT]));
		if (bad)
			return -EBADMSG;
		c->has_ksf = true;
	}
	return pmhs_get_bin(tb, PMHS_A_SESSION_MESSAGE, st->msg, sizeof(st->msg), &st->msg_len);
}

static int put_bin(struct nl_msg *m, int type, const void *p, size_t len)
{
	return p && len ? nla_put(m, type, (int)len, p) : 0;
}

/* The caller's struct has the peer fields (it may predate them). */
static bool has_peer(const struct pmhs_opaque_params *p)
{
	return p->size >= offsetof(struct pmhs_opaque_params, peer_len) + sizeof(p->peer_len);
}

static int put_opaque(struct nl_msg *m, uint32_t mode, const struct pmhs_opaque_params *p)
{
	struct nlattr *n;

	if (nla_put_u32(m, PMHS_A_SESSION_MODE, mode) ||
	    (p->identity && nla_put_string(m, PMHS_A_SESSION_IDENTITY, p->identity)))
		return -EMSGSIZE;
	n = nla_nest_start(m, PMHS_A_SESSION_OPAQUE);
	if (!n || nla_put_u32(m, PMHS_A_OPAQUE_PARAMS_ROLE, p->role) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_PASSWORD, p->password, p->password_len) ||
	    (p->password_key &&
	     nla_put_s32(m, PMHS_A_OPAQUE_PARAMS_PASSWORD_KEY, p->password_key)) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER, p->cred_id, p->cred_id_len) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_RECORD, p->record,
		    p->record ? PMHS_OPAQUE_RECORD_LEN : 0) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_CONTEXT, p->context, p->context_len) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_CLIENT_IDENTITY, p->client_identity,
		    p->client_identity_len) ||
	    put_bin(m, PMHS_A_OPAQUE_PARAMS_SERVER_IDENTITY, p->server_identity,
		    p->server_identity_len) ||
	    (has_peer(p) && put_bin(m, PMHS_A_OPAQUE_PARAMS_PEER, p->peer, p->peer_len)))
		return -EMSGSIZE;
	nla_nest_end(m, n);
	return 0;
}

static void step_clear(struct pmhs_opaque_step *st)
{
	uint32_t size = st->size;

	memset(st, 0, sizeof(*st));
	st->size = size;
}

PMHS_API int pmhs_opaque_start(struct pmhs *h, uint32_t mode, const struct pmhs_opaque_params *p,
			       const struct pmhs_publish *publish, struct pmhs_opaque_step *st)
{
	struct opq_ctx c = { .st = st };
	struct nl_msg *m;
	int ret;

	if (!h || !PMHS_SIZE_OK(p, offsetof(struct pmhs_opaque_params, peer)) ||
	    !PMHS_SIZE_OK(st, sizeof(*st)) ||
	    (mode != PMHS_MODE_OPAQUE_REGISTER && mode != PMHS_MODE_OPAQUE_LOGIN) ||
	    (!p->password && p->password_len) || p->password_len > PMHS_PASSWORD_MAX ||
	    p->cred_id_len > PMHS_OPAQUE_CRED_ID_MAX || p->context_len > PMHS_OPAQUE_ID_MAX ||
	    p->client_identity_len > PMHS_OPAQUE_ID_MAX ||
	    p->server_identity_len > PMHS_OPAQUE_ID_MAX ||
	    (has_peer(p) && (p->peer_len > PMHS_OPAQUE_PEER_MAX || (!p->peer && p->peer_len))))
		return -EINVAL;
	step_clear(st);
	m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_NEW, 0,
			      p->password_len + p->cred_id_len + p->context_len +
			      p->client_identity_len + p->server_identity_len +
			      PMHS_OPAQUE_RECORD_LEN + PMHS_OPAQUE_PEER_MAX);
	if (!m)
		return -ENOMEM;
	ret = put_opaque(m, mode, p);
	if (!ret && publish)
		ret = pmhs_put_publish(m, publish);
	if (ret) {
		pmhs_raw_discard(m, true);
		return ret;
	}
	/* The password is in the request: wiped after sending. */
	ret = pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, opq_cb, &c, true);
	explicit_bzero(c.ksf, sizeof(c.ksf));
	return ret;
}

static int opq_recv(struct pmhs *h, uint32_t id, const void *msg, size_t len, const uint8_t *ksf,
		    const struct pmhs_publish *publish, struct opq_ctx *c)
{
	struct nl_msg *m = pmhs_raw_msg_sized(h, PMHS_CMD_SESSION_RECV, 0, len + 64);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = nla_put_u32(m, PMHS_A_SESSION_ID, id) ? -EMSGSIZE : 0;
	if (!ret && msg)
		ret = nla_put(m, PMHS_A_SESSION_MESSAGE, (int)len, msg) ? -EMSGSIZE : 0;
	if (!ret && ksf)
		ret = nla_put(m, PMHS_A_SESSION_KSF_OUTPUT, PMHS_OPAQUE_HASH_LEN, ksf) ?
		      -EMSGSIZE : 0;
	if (!ret && publish)
		ret = pmhs_put_publish(m, publish);
	if (ret) {
		pmhs_raw_discard(m, ksf);
		return ret;
	}
	/* The stretched value is as secret as the password: wiped after sending. */
	return pmhs_raw_call(h, m, PMHS_A_SESSION_MAX, opq_cb, c, ksf);
}

PMHS_API int pmhs_opaque_next(struct pmhs *h, uint32_t id, const struct pmhs_opaque_ksf *ksf,
			      const void *peer_msg, size_t len, const struct pmhs_publish *publish,
			      struct pmhs_opaque_step *st)
{
	struct opq_ctx c = { .st = st };
	int ret;

	if (!h || !peer_msg || !len || len > PMHS_OPAQUE_RECORD_LEN + PMHS_OPAQUE_MSG_MAX ||
	    !PMHS_SIZE_OK(st, sizeof(*st)))
		return -EINVAL;
	step_clear(st);
	st->id = id;
	ret = opq_recv(h, id, peer_msg, len, NULL, publish, &c);
	if (!ret && c.has_ksf) {
		/* The client's KSF, between the two kernel steps. */
		ret = pmhs_opaque_ksf(ksf, c.ksf, c.ksf);
		if (ret) {
			/* the session waits for ksf-output: end it rather than leave it */
			pmhs_session_delete(h, id);
			pmhs_set_errmsg(h, "the key stretching function failed (bad parameters?)");
		} else {
			c.has_ksf = false;
			step_clear(st);
			st->id = id;
			ret = opq_recv(h, id, NULL, 0, c.ksf, publish, &c);
		}
	}
	explicit_bzero(c.ksf, sizeof(c.ksf));
	if (!ret && (st->key_serial || st->export_serial || !st->msg_len))
		st->flags |= PMHS_STEP_DONE;
	return ret;
}

PMHS_API int pmhs_opaque_unlock(struct pmhs *h, const void *cred_id, size_t len)
{
	struct nl_msg *m;

	if (!h || !cred_id || !len || len > PMHS_OPAQUE_CRED_ID_MAX)
		return -EINVAL;
	m = pmhs_raw_msg_sized(h, PMHS_CMD_OPAQUE_UNLOCK, 0, len);
	if (!m)
		return -ENOMEM;
	if (nla_put(m, PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER, (int)len, cred_id)) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, 0, NULL, NULL, false);
}
