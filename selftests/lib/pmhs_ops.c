// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "pmhs_ops.h"
#include "pmhs_vec.h"

int po_identity_vec(struct pmhs_nl *nl, struct json_object *root, const char *name,
		    struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_NEW, 0);
	uint8_t *der;
	long n = vec_key_priv_der(root, name, &der);

	if (n < 0)
		return -1;
	nla_put_string(m, PMHS_A_IDENTITY_NAME, name);
	nla_put(m, PMHS_A_IDENTITY_KEY_DER, n, der);
	free(der);
	return pt_call(nl, m, PMHS_A_IDENTITY_MAX, r);
}

int po_identity_del(struct pmhs_nl *nl, const char *name)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_DEL, 0);
	struct pt_reply r;

	nla_put_string(m, PMHS_A_IDENTITY_NAME, name);
	return pt_call(nl, m, 0, &r);
}

int po_config(struct pmhs_nl *nl, int timeout, int legacy)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SET_CONFIG, 0);
	struct pt_reply r;

	if (timeout > 0)
		nla_put_u32(m, PMHS_A_CONFIG_SESSION_TIMEOUT, timeout);
	if (legacy >= 0)
		nla_put_u8(m, PMHS_A_CONFIG_ALLOW_RSA1024, legacy);
	return pt_call(nl, m, 0, &r);
}

int po_config_pw(struct pmhs_nl *nl, int limit, int window)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SET_CONFIG, 0);
	struct pt_reply r;

	nla_put_u32(m, PMHS_A_CONFIG_PW_FAIL_LIMIT, limit);
	nla_put_u32(m, PMHS_A_CONFIG_PW_FAIL_WINDOW, window);
	return pt_call(nl, m, 0, &r);
}

int po_count(struct pmhs_nl *nl, int attr)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_GET_CONFIG, 0);
	struct pt_reply r;

	if (pt_call(nl, m, PMHS_A_CONFIG_MAX, &r) || !r.tb[attr])
		return -1;
	return (int)nla_get_u32(r.tb[attr]);
}

static void po_publish(struct nl_msg *m, const struct po_session *p)
{
	if (p->keyring)
		nla_put_s32(m, PMHS_A_SESSION_KEYRING, p->keyring);
	if (p->key_type)
		nla_put_u32(m, PMHS_A_SESSION_KEY_TYPE, p->key_type);
	if (p->desc)
		nla_put_string(m, PMHS_A_SESSION_DESCRIPTION, p->desc);
	if (p->module_keyring)
		nla_put_flag(m, PMHS_A_SESSION_MODULE_KEYRING);
}

int po_session_new(struct pmhs_nl *nl, const struct po_session *p, uint32_t *id,
		   struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SESSION_NEW, 0);
	int ret;

	nla_put_u32(m, PMHS_A_SESSION_MODE, p->mode);
	if (p->identity)
		nla_put_string(m, PMHS_A_SESSION_IDENTITY, p->identity);
	if (p->peer)
		nla_put(m, PMHS_A_SESSION_PEER_PUBKEY, p->peerlen, p->peer);
	if (p->password)
		nla_put(m, PMHS_A_SESSION_PASSWORD, strlen(p->password), p->password);
	if (p->password_key)
		nla_put_s32(m, PMHS_A_SESSION_PASSWORD_KEY, p->password_key);
	if (p->iv)
		nla_put(m, PMHS_A_SESSION_IV, 8, p->iv);
	if (p->hsub_len)
		nla_put_u32(m, PMHS_A_SESSION_HSUB_LEN, p->hsub_len);
	if (p->oaep >= 0)
		nla_put_u32(m, PMHS_A_SESSION_OAEP_HASH, p->oaep);
	po_publish(m, p);
	ret = pt_call(nl, m, PMHS_A_SESSION_MAX, r);
	if (!ret && r->tb[PMHS_A_SESSION_ID])
		*id = nla_get_u32(r->tb[PMHS_A_SESSION_ID]);
	return ret;
}

int po_session_recv(struct pmhs_nl *nl, uint32_t id, const uint8_t *msg, size_t len,
		    struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_SESSION_RECV, 0);

	nla_put_u32(m, PMHS_A_SESSION_ID, id);
	nla_put(m, PMHS_A_SESSION_MESSAGE, len, msg);
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
