// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "pmhs_ops.h"
#include "pmhs_vec.h"

/*
 * Requests are built by libpmhs's own builders (userspace/lib/internal.h);
 * the replies stay raw, because the tests look at their attributes.
 */
int po_api(struct pmhs_nl *nl, int ret, struct pt_reply *r)
{
	r->err = ret;
	r->count = 0;
	r->buflen = 0;
	memset(r->tb, 0, sizeof(r->tb));
	snprintf(r->extack, sizeof(r->extack), "%s", pmhs_nl_extack(nl));
	return ret;
}

int po_identity_vec(struct pmhs_nl *nl, struct json_object *root, const char *name,
		    struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_NEW, 0);
	uint8_t *der;
	long n = vec_key_priv_der(root, name, &der);

	if (n < 0) {
		nlmsg_free(m);
		return -1;
	}
	pmhs_put_identity(m, name, der, n);
	free(der);
	return pt_call(nl, m, PMHS_A_IDENTITY_MAX, r);
}

int po_identity_del(struct pmhs_nl *nl, const char *name)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_DEL, 0);
	struct pt_reply r;

	pmhs_put_identity(m, name, NULL, 0);
	return pt_call(nl, m, 0, &r);
}

static int set_config(struct pmhs_nl *nl, const struct pmhs_config *c)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SET_CONFIG, 0);
	struct pt_reply r;

	pmhs_put_config(m, c);
	return pt_call(nl, m, 0, &r);
}

int po_config(struct pmhs_nl *nl, int timeout, int legacy)
{
	struct pmhs_config c;

	PMHS_INIT(c);
	if (timeout > 0) {
		c.fields |= PMHS_CONFIG_SESSION_TIMEOUT;
		c.session_timeout = timeout;
	}
	if (legacy >= 0) {
		c.fields |= PMHS_CONFIG_ALLOW_RSA1024;
		c.allow_rsa1024 = legacy;
	}
	return set_config(nl, &c);
}

int po_config_pw(struct pmhs_nl *nl, int limit, int window)
{
	struct pmhs_config c;

	PMHS_INIT(c);
	c.fields = PMHS_CONFIG_PW_FAIL_LIMIT | PMHS_CONFIG_PW_FAIL_WINDOW;
	c.pw_fail_limit = limit;
	c.pw_fail_window = window;
	return set_config(nl, &c);
}

int po_count(struct pmhs_nl *nl, int attr)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_GET_CONFIG, 0);
	struct pt_reply r;

	if (pt_call(nl, m, PMHS_A_CONFIG_MAX, &r) || !r.tb[attr])
		return -1;
	return (int)nla_get_u32(r.tb[attr]);
}

int po_session_new(struct pmhs_nl *nl, const struct po_session *p, uint32_t *id,
		   struct pt_reply *r)
{
	struct pmhs_session_params sp;
	struct pmhs_publish pub;
	struct nl_msg *m;
	int ret;

	PMHS_INIT(pub);
	pub.keyring = p->keyring;
	pub.key_type = p->key_type;
	pub.description = p->desc;
	pub.flags = p->module_keyring ? PMHS_PUBLISH_MODULE_KEYRING : 0;
	PMHS_INIT(sp);
	sp.mode = p->mode;
	sp.identity = p->identity;
	sp.peer_pubkey = p->peer;
	sp.peer_pubkey_len = p->peerlen;
	sp.password = p->password;
	sp.password_len = p->password ? strlen(p->password) : 0;
	sp.password_key = p->password_key;
	sp.iv = p->iv;
	sp.iv_len = 8;
	sp.hsub_len = p->hsub_len;
	sp.oaep_hash = p->oaep;
	sp.publish = &pub;
	m = pmhs_raw_msg_sized(pmhs_nl_handle(nl), PMHS_CMD_SESSION_NEW, 0,
			       sp.password_len + sp.peer_pubkey_len + sp.iv_len);
	pmhs_put_session_params(m, &sp);
	ret = pt_call(nl, m, PMHS_A_SESSION_MAX, r);
	if (!ret && r->tb[PMHS_A_SESSION_ID])
		*id = nla_get_u32(r->tb[PMHS_A_SESSION_ID]);
	return ret;
}

int po_session_recv(struct pmhs_nl *nl, uint32_t id, const uint8_t *msg, size_t len,
		    struct pt_reply *r)
{
	struct nl_msg *m = pmhs_raw_msg_sized(pmhs_nl_handle(nl), PMHS_CMD_SESSION_RECV, 0, len);

	pmhs_put_session_step(m, id, msg, len, NULL);
	return pt_call(nl, m, PMHS_A_SESSION_MAX, r);
}

int32_t po_serial(const struct pt_reply *r)
{
	return r->tb[PMHS_A_SESSION_KEY_SERIAL] ?
	       nla_get_s32(r->tb[PMHS_A_SESSION_KEY_SERIAL]) : 0;
}

int po_shared_logon(struct pmhs_nl *nl, const char *pw, int32_t *ka, int32_t *kb)
{
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.key_type = PMHS_KEY_TYPE_LOGON };
	struct pt_reply ra, rb;
	uint8_t ma[80], mb[80];
	size_t la, lb;
	uint32_t ia, ib;

	p.password = pw;
	if (po_session_new(nl, &p, &ia, &ra) || po_session_new(nl, &p, &ib, &rb))
		return -1;
	la = nla_len(ra.tb[PMHS_A_SESSION_MESSAGE]);
	lb = nla_len(rb.tb[PMHS_A_SESSION_MESSAGE]);
	memcpy(ma, nla_data(ra.tb[PMHS_A_SESSION_MESSAGE]), la);
	memcpy(mb, nla_data(rb.tb[PMHS_A_SESSION_MESSAGE]), lb);
	if (po_session_recv(nl, ia, mb, lb, &ra) || po_session_recv(nl, ib, ma, la, &rb))
		return -1;
	*ka = po_serial(&ra);
	*kb = po_serial(&rb);
	return 0;
}

/* The vector input @key (hex) as attribute @type; absent keys are skipped. */
static int po_put_hex(struct nl_msg *m, struct json_object *in, const char *key, int type)
{
	const char *hex = vec_str(in, key);
	uint8_t *b;
	long n;
	int ret;

	if (!hex)
		return 0;
	n = vec_unhex(hex, &b);
	if (n < 0)
		return -1;
	ret = nla_put(m, type, n, b);
	free(b);
	return ret;
}

int po_opaque_kat(struct pmhs_nl *nl, struct json_object *vec, int skip,
		  struct pt_reply *r)
{
	static const struct { const char *key; int type; } map[] = {
		{ "password", PMHS_A_OPAQUE_KAT_PASSWORD },
		{ "client_identity", PMHS_A_OPAQUE_KAT_CLIENT_IDENTITY },
		{ "server_identity", PMHS_A_OPAQUE_KAT_SERVER_IDENTITY },
		{ "credential_identifier", PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER },
		{ "oprf_seed", PMHS_A_OPAQUE_KAT_OPRF_SEED },
		{ "server_private_key", PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY },
		{ "blind_registration", PMHS_A_OPAQUE_KAT_BLIND_REGISTRATION },
		{ "blind_login", PMHS_A_OPAQUE_KAT_BLIND_LOGIN },
		{ "envelope_nonce", PMHS_A_OPAQUE_KAT_ENVELOPE_NONCE },
		{ "client_nonce", PMHS_A_OPAQUE_KAT_CLIENT_NONCE },
		{ "client_keyshare_seed", PMHS_A_OPAQUE_KAT_CLIENT_KEYSHARE_SEED },
		{ "masking_nonce", PMHS_A_OPAQUE_KAT_MASKING_NONCE },
		{ "server_nonce", PMHS_A_OPAQUE_KAT_SERVER_NONCE },
		{ "server_keyshare_seed", PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED },
		{ "client_private_key", PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY },
		{ "masking_key", PMHS_A_OPAQUE_KAT_FAKE_MASKING_KEY },
		{ "KE1", PMHS_A_OPAQUE_KAT_KE1 },
	};
	struct json_object *in = vec_get(vec, "inputs");
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_OPAQUE_KAT, 0);
	/* the fake vector lists a client keyshare seed its KE2 does not use */
	bool fake = vec_get(in, "client_private_key");
	int ret = 0;

	if (skip != PMHS_A_OPAQUE_KAT_CONTEXT)
		ret = po_put_hex(m, vec_get(vec, "config"), "Context", PMHS_A_OPAQUE_KAT_CONTEXT);
	for (size_t i = 0; !ret && i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].type != skip &&
		    !(fake && map[i].type == PMHS_A_OPAQUE_KAT_CLIENT_KEYSHARE_SEED))
			ret = po_put_hex(m, in, map[i].key, map[i].type);
	if (ret) {
		nlmsg_free(m);
		return -1;
	}
	return pt_call(nl, m, PMHS_A_OPAQUE_KAT_MAX, r);
}

int po_opaque_new(struct pmhs_nl *nl, const struct po_opaque *p, uint32_t *id,
		  struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SESSION_NEW, 0);
	struct nlattr *n;
	int ret;

	ret = nla_put_u32(m, PMHS_A_SESSION_MODE, p->login ? PMHS_MODE_OPAQUE_LOGIN :
							     PMHS_MODE_OPAQUE_REGISTER);
	if (!ret && p->identity)
		ret = nla_put_string(m, PMHS_A_SESSION_IDENTITY, p->identity);
	if (!ret && (p->key_type || p->user_key))
		ret = nla_put_u32(m, PMHS_A_SESSION_KEY_TYPE, p->key_type);
	if (!ret && p->keyring)
		ret = nla_put_s32(m, PMHS_A_SESSION_KEYRING, p->keyring);
	if (!ret && p->module_keyring)
		ret = nla_put_flag(m, PMHS_A_SESSION_MODULE_KEYRING);
	if (!ret && p->desc)
		ret = nla_put_string(m, PMHS_A_SESSION_DESCRIPTION, p->desc);
	n = nla_nest_start(m, PMHS_A_SESSION_OPAQUE);
	if (!n)
		ret = -EMSGSIZE;
	if (!ret)
		ret = nla_put_u32(m, PMHS_A_OPAQUE_PARAMS_ROLE,
				  p->server ? PMHS_ROLE_RESPONDER : PMHS_ROLE_INITIATOR);
	if (!ret && p->password)
		ret = nla_put(m, PMHS_A_OPAQUE_PARAMS_PASSWORD, strlen(p->password), p->password);
	if (!ret && p->cred_id)
		ret = nla_put(m, PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER, strlen(p->cred_id),
			      p->cred_id);
	if (!ret && p->record)
		ret = nla_put(m, PMHS_A_OPAQUE_PARAMS_RECORD, 192, p->record);
	if (!ret && p->context)
		ret = nla_put(m, PMHS_A_OPAQUE_PARAMS_CONTEXT, strlen(p->context), p->context);
	if (!ret && p->peer)
		ret = nla_put(m, PMHS_A_OPAQUE_PARAMS_PEER, strlen(p->peer), p->peer);
	if (!ret)
		ret = nla_nest_end(m, n) < 0 ? -EMSGSIZE : 0;
	if (ret) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	ret = pt_call(nl, m, PMHS_A_SESSION_MAX, r);
	if (!ret && id)
		*id = r->tb[PMHS_A_SESSION_ID] ? nla_get_u32(r->tb[PMHS_A_SESSION_ID]) : 0;
	return ret;
}

int po_opaque_recv(struct pmhs_nl *nl, uint32_t id, const uint8_t *msg, size_t len,
		   const uint8_t *ksf, struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SESSION_RECV, 0);

	if (nla_put_u32(m, PMHS_A_SESSION_ID, id) ||
	    (msg && nla_put(m, PMHS_A_SESSION_MESSAGE, len, msg)) ||
	    (ksf && nla_put(m, PMHS_A_SESSION_KSF_OUTPUT, 64, ksf))) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	return pt_call(nl, m, PMHS_A_SESSION_MAX, r);
}
