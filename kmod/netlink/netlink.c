// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink front end: parse, check, call into the objects, reply.
 * Policies and the ops table are generated from docs/netlink/pmhs.yaml
 * into nl_gen.c; every rejection here carries an extack message. Secret
 * attributes (private keys, passwords) are wiped in the request once read.
 */
#include <linux/keyctl.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "cred.h"
#include "hybrid.h"
#include "identity.h"
#include "keyring.h"
#include "ktls.h"
#include "netlink.h"
#include "netns.h"
#include "nl_gen.h"
#include "rsa.h"
#include "schedule.h"
#include "session.h"
#include "sk_priv.h"
#include "xfrm.h"

#define PMHS_MODES (PMHS_MODE_FLAGS_PASSWORD | PMHS_MODE_FLAGS_RSA_MUTUAL | \
		    PMHS_MODE_FLAGS_RSA_HALF_SEND | \
		    PMHS_MODE_FLAGS_RSA_HALF_RECEIVE | PMHS_MODE_FLAGS_HYBRID | \
		    PMHS_MODE_FLAGS_NOISE | PMHS_MODE_FLAGS_OPAQUE)

static struct genl_family pmhs_nl_family;

/* What pmhs_nl_pre_doit() resolved. */
static struct pmhs_net *pmhs_nl_net(struct genl_info *info)
{
	return info->user_ptr[0];
}

int pmhs_nl_reply_begin(struct genl_info *info, size_t size,
			struct pmhs_nl_reply *r)
{
	r->msg = genlmsg_new(size, GFP_KERNEL);
	if (!r->msg)
		return -ENOMEM;
	r->hdr = genlmsg_put_reply(r->msg, info, &pmhs_nl_family, 0,
				   info->genlhdr->cmd);
	if (!r->hdr) {
		nlmsg_free(r->msg);
		return -ENOMEM;
	}
	return 0;
}

int pmhs_nl_reply_end(struct genl_info *info, struct pmhs_nl_reply *r,
		      int err)
{
	if (err) {
		nlmsg_free(r->msg);
		return err;
	}
	genlmsg_end(r->msg, r->hdr);
	return genlmsg_reply(r->msg, info);
}

/* A reply of one binary attribute. */
static int pmhs_nl_reply_bytes(struct genl_info *info, int attr, const u8 *p,
			       size_t len)
{
	struct pmhs_nl_reply r;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + len, &r);
	if (ret)
		return ret;
	return pmhs_nl_reply_end(info, &r, nla_put(r.msg, attr, len, p));
}

static bool pmhs_nl_require(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
		return true;
	pmhs_extack(info->extack, NULL, msg);
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
	return false;
}

/* The sending socket's owner record (see session.c). */
static struct pmhs_owner *pmhs_nl_owner(struct sock *sk, u32 portid,
					struct netlink_ext_ack *extack)
{
	struct pmhs_owner *o = pmhs_sk_priv_get(sk, portid);

	if (IS_ERR(o))
		NL_SET_ERR_MSG(extack, "out of memory for this socket's sessions");
	return o;
}

static void pmhs_nl_wipe(struct nlattr *attr)
{
	if (attr)
		memzero_explicit(nla_data(attr), nla_len(attr));
}

static int pmhs_nl_no_identity(struct genl_info *info, int attr)
{
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr], "no such identity");
	return -ENOENT;
}

/*
 * What pre_doit checks and resolves for an op before its doit runs: the
 * attributes it cannot do without (in this order), the identity (of
 * type @cred, unless NULL) or the session it names (into user_ptr[1],
 * dropped in post_doit), and the secret attributes wiped from the request
 * when the op is over.
 */
struct pmhs_nl_op {
	struct {
		u16 attr;
		const char *msg;
	} need[4];
	u16 identity;
	const struct pmhs_cred_type *cred;
	u16 session;
	/* Zeroed once read; a nest whole (the password or PSK inside). */
	u16 secret[3];
};

static const struct pmhs_nl_op pmhs_nl_op[PMHS_CMD_MAX + 1] = {
	[PMHS_CMD_IDENTITY_NEW] = {
		.need = { { PMHS_A_IDENTITY_NAME, "identity name missing" } },
		.secret = { PMHS_A_IDENTITY_KEY_DER, PMHS_A_IDENTITY_X25519_KEY,
			    PMHS_A_IDENTITY_OPAQUE_SETUP },
	},
	[PMHS_CMD_IDENTITY_GET] = {
		.need = { { PMHS_A_IDENTITY_NAME, "identity name missing" } },
		.identity = PMHS_A_IDENTITY_NAME,
	},
	[PMHS_CMD_IDENTITY_DEL] = {
		.need = { { PMHS_A_IDENTITY_NAME, "identity name missing" } },
		.identity = PMHS_A_IDENTITY_NAME,
	},
	[PMHS_CMD_SESSION_NEW] = {
		.need = { { PMHS_A_SESSION_MODE, "handshake mode missing" } },
		.secret = { PMHS_A_SESSION_PASSWORD, PMHS_A_SESSION_NOISE,
			    PMHS_A_SESSION_OPAQUE },
	},
	[PMHS_CMD_SESSION_RECV] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" } },
		.session = PMHS_A_SESSION_ID,
		.secret = { PMHS_A_SESSION_KSF_OUTPUT },
	},
	[PMHS_CMD_SESSION_GET] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" } },
		.session = PMHS_A_SESSION_ID,
	},
	[PMHS_CMD_SESSION_DEL] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" } },
		.session = PMHS_A_SESSION_ID,
	},
	[PMHS_CMD_HYBRID_ENCRYPT] = {
		.need = { { PMHS_A_HYBRID_PEER_PUBKEY, "public key to encrypt to missing" },
			  { PMHS_A_HYBRID_IN_FD, "in-fd missing" },
			  { PMHS_A_HYBRID_OUT_FD, "out-fd missing" } },
	},
	[PMHS_CMD_HYBRID_DECRYPT] = {
		.need = { { PMHS_A_HYBRID_IDENTITY, "identity to decrypt with missing" },
			  { PMHS_A_HYBRID_IN_FD, "in-fd missing" },
			  { PMHS_A_HYBRID_OUT_FD, "out-fd missing" } },
		.identity = PMHS_A_HYBRID_IDENTITY,
		.cred = &pmhs_cred_rsa,
	},
	[PMHS_CMD_RSA_ENCRYPT] = {
		.need = { { PMHS_A_RSA_DATA, "plaintext missing" },
			  { PMHS_A_RSA_PUBKEY, "public key missing" } },
		.secret = { PMHS_A_RSA_DATA },
	},
	[PMHS_CMD_RSA_DECRYPT] = {
		.need = { { PMHS_A_RSA_DATA, "ciphertext missing" },
			  { PMHS_A_RSA_IDENTITY, "identity missing" } },
		.identity = PMHS_A_RSA_IDENTITY,
		.cred = &pmhs_cred_rsa,
	},
	[PMHS_CMD_RSA_SIGN] = {
		.need = { { PMHS_A_RSA_DATA, "message to sign missing" },
			  { PMHS_A_RSA_IDENTITY, "identity missing" } },
		.identity = PMHS_A_RSA_IDENTITY,
		.cred = &pmhs_cred_rsa,
	},
	[PMHS_CMD_RSA_VERIFY] = {
		.need = { { PMHS_A_RSA_DATA, "signed message missing" },
			  { PMHS_A_RSA_SIGNATURE, "signature missing" },
			  { PMHS_A_RSA_PUBKEY, "public key missing" } },
	},
	[PMHS_CMD_KTLS_INSTALL] = {
		.need = { { PMHS_A_KTLS_FD, "socket fd missing" },
			  { PMHS_A_KTLS_KEY_SERIAL, "secret key serial missing" },
			  { PMHS_A_KTLS_ROLE, "role (initiator or responder) missing" } },
	},
	[PMHS_CMD_IPSEC_UP] = {
		.need = { { PMHS_A_IPSEC_KEY_SERIAL, "secret key serial missing" },
			  { PMHS_A_IPSEC_ROLE, "role (initiator or responder) missing" },
			  { PMHS_A_IPSEC_LOCAL, "local IPv4 address missing" },
			  { PMHS_A_IPSEC_REMOTE, "remote IPv4 address missing" } },
	},
	[PMHS_CMD_SESSION_ENCRYPT] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" },
			  { PMHS_A_SESSION_DATA, "plaintext (data) missing" } },
		.session = PMHS_A_SESSION_ID,
		.secret = { PMHS_A_SESSION_DATA },
	},
	[PMHS_CMD_SESSION_DECRYPT] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" },
			  { PMHS_A_SESSION_DATA, "ciphertext (data) missing" } },
		.session = PMHS_A_SESSION_ID,
	},
	[PMHS_CMD_SESSION_REKEY] = {
		.need = { { PMHS_A_SESSION_ID, "session id missing" },
			  { PMHS_A_SESSION_DIRECTION, "direction (encrypt or decrypt) missing" } },
		.session = PMHS_A_SESSION_ID,
	},
	[PMHS_CMD_NOISE_KAT] = {
		.need = { { PMHS_A_NOISE_KAT_PROTOCOL, "Noise protocol name missing" },
			  { PMHS_A_NOISE_KAT_ROLE, "role (initiator or responder) missing" } },
		.secret = { PMHS_A_NOISE_KAT_STATIC_KEY, PMHS_A_NOISE_KAT_EPHEMERAL },
	},
	[PMHS_CMD_OPAQUE_UNLOCK] = {
		.need = { { PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER,
			    "credential-identifier (the user to unlock) missing" } },
	},
	[PMHS_CMD_IPSEC_DOWN] = {
		.need = { { PMHS_A_IPSEC_ROLE, "role (initiator or responder) missing" },
			  { PMHS_A_IPSEC_LOCAL, "local IPv4 address missing" },
			  { PMHS_A_IPSEC_REMOTE, "remote IPv4 address missing" } },
	},
};

static void pmhs_nl_wipe_secrets(const struct pmhs_nl_op *op,
				 struct genl_info *info)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(op->secret) && op->secret[i]; i++)
		pmhs_nl_wipe(info->attrs[op->secret[i]]);
}

static int pmhs_nl_pre_doit(const struct genl_split_ops *ops,
			    struct sk_buff *skb, struct genl_info *info)
{
	const struct pmhs_nl_op *op = &pmhs_nl_op[ops->cmd];
	struct pmhs_session *s;
	struct pmhs_identity *id;
	struct pmhs_owner *o;
	int ret = -EINVAL;

	info->user_ptr[0] = pmhs_net(genl_info_net(info));
	info->user_ptr[1] = NULL;
	/* info->attrs has room for this op's attributes only. */
	if (WARN_ON_ONCE(max3(op->identity, op->session, op->secret[0]) > ops->maxattr ||
			 max3(op->secret[1], op->secret[2], 0) > ops->maxattr))
		return -EINVAL;
	for (unsigned int i = 0; i < ARRAY_SIZE(op->need) && op->need[i].attr; i++) {
		if (WARN_ON_ONCE(op->need[i].attr > ops->maxattr) ||
		    !pmhs_nl_require(info, op->need[i].attr, op->need[i].msg))
			goto err;
	}
	if (op->identity) {
		id = pmhs_identity_find_attr(pmhs_nl_net(info),
					     info->attrs[op->identity],
					     op->cred, info->extack);
		if (IS_ERR(id)) {
			ret = PTR_ERR(id);
			goto err;
		}
		info->user_ptr[1] = id;
	}
	if (op->session) {
		o = pmhs_nl_owner(NETLINK_CB(skb).sk, info->snd_portid,
				  info->extack);
		if (IS_ERR(o)) {
			ret = PTR_ERR(o);
			goto err;
		}
		s = pmhs_session_get(genl_info_net(info), o,
				     nla_get_u32(info->attrs[op->session]),
				     info->extack);
		if (!s) {
			ret = -ENOENT;
			goto err;
		}
		info->user_ptr[1] = s;
	}
	return 0;
err:
	/* post_doit does not run after a failed pre_doit. */
	pmhs_nl_wipe_secrets(op, info);
	return ret;
}

static void pmhs_nl_post_doit(const struct genl_split_ops *ops,
			      struct sk_buff *skb, struct genl_info *info)
{
	const struct pmhs_nl_op *op = &pmhs_nl_op[ops->cmd];

	if (op->identity)
		pmhs_identity_put(info->user_ptr[1]);
	if (op->session)
		pmhs_session_put(info->user_ptr[1]);
	pmhs_nl_wipe_secrets(op, info);
}

int pmhs_nl_get_version_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_nl_reply r;
	struct sk_buff *msg;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE, &r);
	if (ret)
		return ret;
	msg = r.msg;
	if (nla_put_string(msg, PMHS_A_VERSION_MODULE_VERSION, PMHS_VERSION) ||
	    nla_put_u32(msg, PMHS_A_VERSION_PROTO_VERSION, PMHS_PROTO_VERSION) ||
	    nla_put_u32(msg, PMHS_A_VERSION_MODES, PMHS_MODES) ||
	    /* Counts across all namespaces: for the host's admin only. */
	    (netlink_capable(skb, CAP_NET_ADMIN) &&
	     (nla_put_u32(msg, PMHS_A_VERSION_LIVE_SESSIONS, pmhs_session_live()) ||
	      nla_put_u32(msg, PMHS_A_VERSION_LIVE_IDENTITIES, pmhs_identity_live()))))
		ret = -EMSGSIZE;
	return pmhs_nl_reply_end(info, &r, ret);
}

int pmhs_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_net *pn = pmhs_nl_net(info);
	struct pmhs_nl_reply r;
	struct sk_buff *msg;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE, &r);
	if (ret)
		return ret;
	msg = r.msg;
	if (nla_put_u32(msg, PMHS_A_CONFIG_SESSION_TIMEOUT,
			READ_ONCE(pn->session_timeout)) ||
	    nla_put_u8(msg, PMHS_A_CONFIG_ALLOW_RSA1024,
		       READ_ONCE(pn->allow_rsa1024)) ||
	    nla_put_u32(msg, PMHS_A_CONFIG_IDENTITIES,
			READ_ONCE(pn->n_identities)) ||
	    nla_put_u32(msg, PMHS_A_CONFIG_SESSIONS,
			atomic_read(&pn->n_sessions)))
		ret = -EMSGSIZE;
	return pmhs_nl_reply_end(info, &r, ret);
}

int pmhs_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_net *pn = pmhs_nl_net(info);
	struct nlattr **a = info->attrs;

	if (a[PMHS_A_CONFIG_PW_FAIL_LIMIT] || a[PMHS_A_CONFIG_PW_FAIL_WINDOW]) {
		NL_SET_ERR_MSG(info->extack,
			       "pw-fail-limit and pw-fail-window are retired: password failures are not counted (see the threat model)");
		return -EOPNOTSUPP;
	}
	if (!a[PMHS_A_CONFIG_SESSION_TIMEOUT] && !a[PMHS_A_CONFIG_ALLOW_RSA1024]) {
		NL_SET_ERR_MSG(info->extack, "set-config needs at least one setting");
		return -EINVAL;
	}
	mutex_lock(&pn->lock);
	if (a[PMHS_A_CONFIG_SESSION_TIMEOUT])
		WRITE_ONCE(pn->session_timeout,
			   nla_get_u32(a[PMHS_A_CONFIG_SESSION_TIMEOUT]));
	if (a[PMHS_A_CONFIG_ALLOW_RSA1024])
		WRITE_ONCE(pn->allow_rsa1024,
			   !!nla_get_u8(a[PMHS_A_CONFIG_ALLOW_RSA1024]));
	mutex_unlock(&pn->lock);
	return 0;
}

/* Identities */

static int pmhs_nl_put_identity(struct sk_buff *msg, struct pmhs_identity *id,
				bool pubkey)
{
	const struct pmhs_cred *c = &id->cred;
	size_t len;
	u8 *der;
	int ret;

	if (nla_put_string(msg, PMHS_A_IDENTITY_NAME, id->name) ||
	    nla_put_u32(msg, PMHS_A_IDENTITY_BITS, c->type->bits(c->key)) ||
	    nla_put_u32(msg, PMHS_A_IDENTITY_CRED_TYPE, c->type->id) ||
	    nla_put(msg, PMHS_A_IDENTITY_FINGERPRINT, sizeof(id->fingerprint),
		    id->fingerprint))
		return -EMSGSIZE;
	if (!pubkey)
		return 0;
	ret = c->type->export_public(c->key, &der, &len);
	if (ret)
		return ret;
	ret = nla_put(msg, PMHS_A_IDENTITY_PUBKEY, len, der);
	kfree(der);
	return ret;
}

static int pmhs_nl_reply_identity(struct genl_info *info,
				  struct pmhs_identity *id, bool pubkey)
{
	struct pmhs_nl_reply r;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE, &r);
	if (ret)
		return ret;
	return pmhs_nl_reply_end(info, &r, pmhs_nl_put_identity(r.msg, id, pubkey));
}

int pmhs_nl_identity_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *der = info->attrs[PMHS_A_IDENTITY_KEY_DER];
	struct nlattr *x = info->attrs[PMHS_A_IDENTITY_X25519_KEY];
	struct nlattr *o = info->attrs[PMHS_A_IDENTITY_OPAQUE_SETUP];
	const struct pmhs_cred_type *type = &pmhs_cred_rsa;
	struct pmhs_identity *id;
	int ret;

	if (!der && !x && !o) {
		NL_SET_ERR_MSG(info->extack,
			       "private key missing: key-der (RSA, PKCS#1 DER), x25519-key or opaque-setup");
		return -EINVAL;
	}
	if (!!der + !!x + !!o > 1) {
		NL_SET_ERR_MSG(info->extack,
			       "give one private key: key-der, x25519-key or opaque-setup");
		return -EINVAL;
	}
	/* key-der is a PKCS#1 DER RSA key, x25519-key 32 raw bytes. */
	if (x) {
		type = &pmhs_cred_x25519;
		der = x;
	} else if (o) {
		type = &pmhs_cred_opaque;
		der = o;
	}
	ret = pmhs_identity_add(pmhs_nl_net(info),
				nla_data(info->attrs[PMHS_A_IDENTITY_NAME]),
				type, nla_data(der), nla_len(der), &id,
				info->extack);
	if (ret)
		return ret;
	ret = pmhs_nl_reply_identity(info, id, false);
	pmhs_identity_put(id);
	return ret;
}

int pmhs_nl_identity_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pmhs_nl_reply_identity(info, info->user_ptr[1], true);
}

int pmhs_nl_identity_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pmhs_net *pn = pmhs_net(sock_net(skb->sk));
	struct pmhs_identity *id;
	long idx = 0, start = cb->args[0];
	int ret = 0;
	void *hdr;

	mutex_lock(&pn->lock);
	list_for_each_entry(id, &pn->identities, node) {
		if (idx++ < start)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pmhs_nl_family,
				  NLM_F_MULTI, PMHS_CMD_IDENTITY_GET);
		if (!hdr) {
			idx--;
			break;
		}
		ret = pmhs_nl_put_identity(skb, id, true);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			idx--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&pn->lock);
	cb->args[0] = idx;
	/* A full skb ends this round; the dump goes on in the next. */
	if (ret == -EMSGSIZE)
		ret = 0;
	return ret ? ret : skb->len;
}

int pmhs_nl_identity_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	/* Found, but a racing request may have deleted it since. */
	if (pmhs_identity_del(pmhs_nl_net(info), info->user_ptr[1]))
		return pmhs_nl_no_identity(info, PMHS_A_IDENTITY_NAME);
	return 0;
}

/* Sessions */

/* Where to publish; @set says whether the request said anything about it. */
static int pmhs_nl_parse_publish(struct genl_info *info,
				 struct pmhs_publish *pub, bool *set)
{
	struct nlattr **a = info->attrs;

	*set = a[PMHS_A_SESSION_KEYRING] || a[PMHS_A_SESSION_KEY_TYPE] ||
	       a[PMHS_A_SESSION_DESCRIPTION] || a[PMHS_A_SESSION_MODULE_KEYRING];
	memset(pub, 0, sizeof(*pub));
	pub->net = genl_info_net(info);
	pub->keyring = KEY_SPEC_SESSION_KEYRING;
	if (a[PMHS_A_SESSION_KEYRING])
		pub->keyring = nla_get_s32(a[PMHS_A_SESSION_KEYRING]);
	if (a[PMHS_A_SESSION_KEY_TYPE]) {
		pub->logon = nla_get_u32(a[PMHS_A_SESSION_KEY_TYPE]) ==
			     PMHS_KEY_TYPE_LOGON;
		pub->type_set = true;
	}
	if (a[PMHS_A_SESSION_DESCRIPTION])
		nla_strscpy(pub->desc, a[PMHS_A_SESSION_DESCRIPTION],
			    sizeof(pub->desc));
	pub->module = nla_get_flag(a[PMHS_A_SESSION_MODULE_KEYRING]);
	if (pub->module && a[PMHS_A_SESSION_KEYRING]) {
		NL_SET_ERR_MSG(info->extack, "give either keyring or module-keyring, not both");
		return -EINVAL;
	}
	return 0;
}

/*
 * Hand @proto its own nest, split into @tb (the policy has checked it),
 * and refuse the nests of every other protocol.
 */
static int pmhs_nl_proto_args(struct genl_info *info,
			      const struct pmhs_proto *proto,
			      struct nlattr **tb, struct pmhs_proto_args *args)
{
	struct nlattr **a = info->attrs;
	const struct pmhs_proto *other;
	u32 mode;

	for (mode = 0; mode < __PMHS_MODE_MAX; mode++) {
		other = pmhs_proto_find(mode);
		if (!other || other->nest == proto->nest ||
		    WARN_ON_ONCE(other->nest > PMHS_A_SESSION_MAX))
			continue;
		if (a[other->nest]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[other->nest],
					    "these parameters are for another handshake mode");
			return -EINVAL;
		}
	}
	if (a[PMHS_A_SESSION_PAYLOAD] && !proto->payloads) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[PMHS_A_SESSION_PAYLOAD],
				    "this mode carries no payloads");
		return -EINVAL;
	}
	memset(args, 0, sizeof(*args));
	args->net = genl_info_net(info);
	args->identity = a[PMHS_A_SESSION_IDENTITY];
	args->payload = a[PMHS_A_SESSION_PAYLOAD];
	args->tb = tb;
	if (WARN_ON_ONCE(proto->maxattr > PMHS_PROTO_ATTR_MAX ||
			 proto->nest > PMHS_A_SESSION_MAX))
		return -EINVAL;
	if (!a[proto->nest])
		return 0;
	args->nest = a[proto->nest];
	return nla_parse_nested(tb, proto->maxattr, a[proto->nest], NULL,
				info->extack);
}

int pmhs_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PMHS_PROTO_ATTR_MAX + 1] = {};
	const struct pmhs_proto *proto;
	struct pmhs_proto_args args;
	key_serial_t serial = 0;
	struct pmhs_publish pub;
	struct pmhs_nl_reply r;
	struct pmhs_owner *o;
	size_t msglen = 0;
	u8 *out = NULL;
	bool unused;
	u32 id;
	int ret;

	proto = pmhs_proto_find(nla_get_u32(info->attrs[PMHS_A_SESSION_MODE]));
	if (!proto) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PMHS_A_SESSION_MODE],
				    "no such handshake mode");
		return -EOPNOTSUPP;
	}
	ret = pmhs_nl_proto_args(info, proto, tb, &args);
	if (ret)
		return ret;
	ret = pmhs_nl_parse_publish(info, &pub, &unused);
	if (ret)
		return ret;
	o = pmhs_nl_owner(NETLINK_CB(skb).sk, info->snd_portid, info->extack);
	if (IS_ERR(o))
		return PTR_ERR(o);
	ret = pmhs_session_new(genl_info_net(info), o, proto, &args, &pub, &id,
			       &out, &msglen, &serial, info->extack);
	if (ret)
		goto out;
	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + msglen, &r);
	if (ret)
		goto out_del;
	if (nla_put_u32(r.msg, PMHS_A_SESSION_ID, id) ||
	    (out && nla_put(r.msg, PMHS_A_SESSION_MESSAGE, msglen, out)) ||
	    (serial && nla_put_s32(r.msg, PMHS_A_SESSION_KEY_SERIAL, serial)))
		ret = -EMSGSIZE;
	ret = pmhs_nl_reply_end(info, &r, ret);
	if (!ret)
		goto out;
out_del:
	/* The caller never learns of it: take back a published key too. */
	if (serial)
		pmhs_keyring_unpublish(serial);
	pmhs_session_del_id(genl_info_net(info), o, id);
out:
	kfree_sensitive(out);
	return ret;
}

/* The public outputs of a session, as session-recv and session-get give them. */
static int pmhs_nl_put_outputs(struct sk_buff *msg,
			       const struct pmhs_proto_info *pi)
{
	if ((pi->our_turn && nla_put_flag(msg, PMHS_A_SESSION_OUR_TURN)) ||
	    (pi->has_hash && nla_put(msg, PMHS_A_SESSION_HANDSHAKE_HASH,
				     sizeof(pi->hash), pi->hash)) ||
	    (pi->has_peer_static && nla_put(msg, PMHS_A_SESSION_PEER_STATIC,
					    sizeof(pi->peer_static),
					    pi->peer_static)))
		return -EMSGSIZE;
	return 0;
}

int pmhs_nl_session_recv_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *m = info->attrs[PMHS_A_SESSION_MESSAGE];
	struct nlattr *p = info->attrs[PMHS_A_SESSION_PAYLOAD];
	struct pmhs_session *s = info->user_ptr[1];
	struct pmhs_proto_io io = {};
	struct pmhs_proto_info pi;
	struct pmhs_nl_reply r;
	struct pmhs_publish pub;
	key_serial_t serial = 0;
	bool set;
	int ret;

	ret = pmhs_nl_parse_publish(info, &pub, &set);
	if (ret)
		return ret;
	if (m) {
		io.in = nla_data(m);
		io.inlen = nla_len(m);
	}
	if (p) {
		io.payload = nla_data(p);
		io.plen = nla_len(p);
	}
	if (info->attrs[PMHS_A_SESSION_KSF_OUTPUT])
		io.ksf_in = nla_data(info->attrs[PMHS_A_SESSION_KSF_OUTPUT]);
	ret = pmhs_session_recv(s, &io, set ? &pub : NULL, &serial,
				info->extack);
	if (ret)
		return ret;
	pmhs_session_describe(s, &pi);
	/* Our next message if the handshake goes on, the secret if done. */
	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + io.outlen + io.peer_plen,
				  &r);
	if (!ret) {
		if (nla_put_u32(r.msg, PMHS_A_SESSION_ID, s->id) ||
		    (io.out && nla_put(r.msg, PMHS_A_SESSION_MESSAGE, io.outlen,
				       io.out)) ||
		    (io.read && s->proto->payloads &&
		     nla_put(r.msg, PMHS_A_SESSION_PAYLOAD, io.peer_plen,
			     io.peer_payload)) ||
		    (serial && nla_put_s32(r.msg, PMHS_A_SESSION_KEY_SERIAL, serial)) ||
		    (io.has_ksf_out && nla_put(r.msg, PMHS_A_SESSION_KSF_INPUT,
					       sizeof(io.ksf_out), io.ksf_out)) ||
		    (s->state == PMHS_STATE_DONE && s->export_serial &&
		     nla_put_s32(r.msg, PMHS_A_SESSION_EXPORT_KEY_SERIAL,
				 s->export_serial)) ||
		    (pi.has_peer && serial &&
		     nla_put(r.msg, PMHS_A_SESSION_PEER_FINGERPRINT,
			     sizeof(pi.peer_fpr), pi.peer_fpr)) ||
		    pmhs_nl_put_outputs(r.msg, &pi))
			ret = -EMSGSIZE;
		ret = pmhs_nl_reply_end(info, &r, ret);
	}
	kfree_sensitive(io.out);
	kfree_sensitive(io.peer_payload);
	memzero_explicit(io.ksf_out, sizeof(io.ksf_out));
	return ret;
}

static int pmhs_nl_put_session(struct sk_buff *msg, struct pmhs_session *s)
{
	long left = (long)s->expires - (long)jiffies;
	struct pmhs_proto_info pi = {};
	int ret = 0;

	mutex_lock(&s->lock);
	if (s->proto->describe)
		s->proto->describe(s->priv, &pi);
	if (nla_put_u32(msg, PMHS_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, PMHS_A_SESSION_MODE, s->proto->mode) ||
	    nla_put_u32(msg, PMHS_A_SESSION_STATE, s->state) ||
	    /* A finished session with transport keys does not expire. */
	    (!s->transport &&
	     nla_put_u32(msg, PMHS_A_SESSION_EXPIRES,
			 left > 0 ? DIV_ROUND_UP(left, HZ) : 0)) ||
	    (s->state != PMHS_STATE_FAILED && pmhs_nl_put_outputs(msg, &pi)) ||
	    (pi.identity && nla_put_string(msg, PMHS_A_SESSION_IDENTITY, pi.identity)) ||
	    (s->serial && nla_put_s32(msg, PMHS_A_SESSION_KEY_SERIAL, s->serial)) ||
	    (pi.has_peer && nla_put(msg, PMHS_A_SESSION_PEER_FINGERPRINT,
				    sizeof(pi.peer_fpr), pi.peer_fpr)))
		ret = -EMSGSIZE;
	mutex_unlock(&s->lock);
	return ret;
}

int pmhs_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_nl_reply r;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE, &r);
	if (ret)
		return ret;
	return pmhs_nl_reply_end(info, &r,
				 pmhs_nl_put_session(r.msg, info->user_ptr[1]));
}

int pmhs_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 portid = NETLINK_CB(cb->skb).portid;
	unsigned long pos = cb->args[0];
	struct pmhs_session *s;
	struct pmhs_owner *o;
	void *hdr;

	/* The dumping socket owns the dump's skb. */
	o = pmhs_nl_owner(skb->sk, portid, cb->extack);
	if (IS_ERR(o))
		return PTR_ERR(o);
	while ((s = pmhs_session_next(sock_net(skb->sk), o, &pos))) {
		hdr = genlmsg_put(skb, portid, cb->nlh->nlmsg_seq,
				  &pmhs_nl_family, NLM_F_MULTI,
				  PMHS_CMD_SESSION_GET);
		if (!hdr || pmhs_nl_put_session(skb, s)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			pmhs_session_put(s);
			break;
		}
		genlmsg_end(skb, hdr);
		pmhs_session_put(s);
		pos++;
	}
	cb->args[0] = pos;
	return skb->len;
}

int pmhs_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	pmhs_session_del(info->user_ptr[1]);
	return 0;
}

static int pmhs_nl_session_xport(struct genl_info *info, enum pmhs_xport_op op)
{
	struct nlattr *ad = info->attrs[PMHS_A_SESSION_AD];
	struct nlattr *d = info->attrs[PMHS_A_SESSION_DATA];
	struct pmhs_session *s = info->user_ptr[1];
	struct pmhs_xport x = { .op = op };
	struct pmhs_nl_reply r;
	int ret;

	if (ad) {
		x.ad = nla_data(ad);
		x.adlen = nla_len(ad);
	}
	x.in = nla_data(d);
	x.len = nla_len(d);
	/* The reply first: once a nonce is spent, its message must go out. */
	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + x.len + 16, &r);
	if (ret)
		return ret;
	ret = pmhs_session_transport(s, &x, info->extack);
	if (ret) {
		nlmsg_free(r.msg);
		goto out;
	}
	if (nla_put_u32(r.msg, PMHS_A_SESSION_ID, s->id) ||
	    nla_put(r.msg, PMHS_A_SESSION_DATA, x.outlen, x.out) ||
	    nla_put_u64_64bit(r.msg, PMHS_A_SESSION_NONCE, x.nonce,
			      PMHS_A_SESSION_PAD))
		ret = -EMSGSIZE;
	ret = pmhs_nl_reply_end(info, &r, ret);
out:
	kfree_sensitive(x.out);
	return ret;
}

int pmhs_nl_session_encrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pmhs_nl_session_xport(info, PMHS_XPORT_ENCRYPT);
}

int pmhs_nl_session_decrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pmhs_nl_session_xport(info, PMHS_XPORT_DECRYPT);
}

int pmhs_nl_session_rekey_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_xport x = {};

	x.op = nla_get_u32(info->attrs[PMHS_A_SESSION_DIRECTION]) ==
	       PMHS_AEAD_DIRECTION_ENCRYPT ? PMHS_XPORT_REKEY_TX :
					     PMHS_XPORT_REKEY_RX;
	return pmhs_session_transport(info->user_ptr[1], &x, info->extack);
}

/* Hybrid encryption, between the caller's sealed memfds (hybrid.c) */

static int pmhs_nl_reply_length(struct genl_info *info, size_t len)
{
	struct pmhs_nl_reply r;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE, &r);
	if (ret)
		return ret;
	return pmhs_nl_reply_end(info, &r,
				 nla_put_u64_64bit(r.msg, PMHS_A_HYBRID_LENGTH,
						   len, 0));
}

/* The public key in attribute @attr. */
static int pmhs_nl_pub(struct genl_info *info, int attr,
		       struct pmhs_rsa_pub **pub)
{
	struct nlattr *a = info->attrs[attr];
	const char *why = NULL;
	int ret;

	ret = pmhs_rsa_pub_from_spki(nla_data(a), nla_len(a), pub, &why);
	if (ret)
		pmhs_extack(info->extack, a,
			    why ? why : "cannot parse the public key");
	return ret;
}

static enum pmhs_hash pmhs_nl_hash(struct genl_info *info, int attr)
{
	struct nlattr *h = info->attrs[attr];

	return h && nla_get_u32(h) == PMHS_OAEP_HASH_SHA256 ?
	       PMHS_HASH_SHA256 : PMHS_HASH_SHA1;
}

int pmhs_nl_hybrid_encrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_rsa_pub *pub;
	size_t len = 0;
	int ret;

	ret = pmhs_nl_pub(info, PMHS_A_HYBRID_PEER_PUBKEY, &pub);
	if (ret)
		return ret;
	ret = pmhs_hybrid_encrypt_fd(pub,
				     pmhs_nl_hash(info, PMHS_A_HYBRID_OAEP_HASH),
				     nla_get_s32(info->attrs[PMHS_A_HYBRID_IN_FD]),
				     nla_get_s32(info->attrs[PMHS_A_HYBRID_OUT_FD]),
				     &len, info->extack);
	pmhs_rsa_pub_put(pub);
	return ret ?: pmhs_nl_reply_length(info, len);
}

int pmhs_nl_hybrid_decrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_identity *id = info->user_ptr[1];
	size_t len = 0;
	int ret;

	ret = pmhs_hybrid_decrypt_fd(pmhs_cred_rsa_priv(&id->cred),
				     pmhs_nl_hash(info, PMHS_A_HYBRID_OAEP_HASH),
				     nla_get_s32(info->attrs[PMHS_A_HYBRID_IN_FD]),
				     nla_get_s32(info->attrs[PMHS_A_HYBRID_OUT_FD]),
				     &len, info->extack);
	return ret ?: pmhs_nl_reply_length(info, len);
}

/* Single-shot RSA operations, the reference's public low-level API */

int pmhs_nl_rsa_encrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[PMHS_A_RSA_DATA];
	struct pmhs_rsa_pub *pub;
	u8 *ct;
	int ret;

	ret = pmhs_nl_pub(info, PMHS_A_RSA_PUBKEY, &pub);
	if (ret)
		return ret;
	ct = kmalloc(pmhs_rsa_size(pub), GFP_KERNEL_ACCOUNT);
	if (!ct) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pmhs_rsa_oaep_encrypt(pub, pmhs_nl_hash(info, PMHS_A_RSA_OAEP_HASH),
				    nla_data(data), nla_len(data), ct);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "plaintext too long for this key and hash");
	else
		ret = pmhs_nl_reply_bytes(info, PMHS_A_RSA_DATA, ct,
					  pmhs_rsa_size(pub));
	kfree(ct);
out:
	pmhs_rsa_pub_put(pub);
	return ret;
}

int pmhs_nl_rsa_decrypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[PMHS_A_RSA_DATA];
	struct pmhs_identity *id = info->user_ptr[1];
	u8 pt[PMHS_RSA_MAX_BYTES];
	size_t ptlen = 0;
	int ret;

	ret = pmhs_rsa_oaep_decrypt(pmhs_cred_rsa_priv(&id->cred),
				    pmhs_nl_hash(info, PMHS_A_RSA_OAEP_HASH),
				    nla_data(data), nla_len(data), pt,
				    sizeof(pt), &ptlen);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "decryption failed");
	else
		ret = pmhs_nl_reply_bytes(info, PMHS_A_RSA_DATA, pt, ptlen);
	memzero_explicit(pt, sizeof(pt));
	return ret;
}

int pmhs_nl_rsa_sign_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[PMHS_A_RSA_DATA];
	struct pmhs_identity *id = info->user_ptr[1];
	struct pmhs_rsa_priv *priv = pmhs_cred_rsa_priv(&id->cred);
	size_t len;
	u8 *sig;
	int ret;

	len = pmhs_rsa_size(pmhs_rsa_priv_pub(priv));
	sig = kmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!sig)
		return -ENOMEM;
	ret = pmhs_rsa_pss_sign(priv, nla_data(data), nla_len(data), sig);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "signing failed");
	else
		ret = pmhs_nl_reply_bytes(info, PMHS_A_RSA_SIGNATURE, sig, len);
	kfree(sig);
	return ret;
}

int pmhs_nl_rsa_verify_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *data = info->attrs[PMHS_A_RSA_DATA];
	struct nlattr *sig = info->attrs[PMHS_A_RSA_SIGNATURE];
	struct pmhs_rsa_pub *pub;
	int ret;

	ret = pmhs_nl_pub(info, PMHS_A_RSA_PUBKEY, &pub);
	if (ret)
		return ret;
	ret = pmhs_rsa_pss_verify(pub, nla_data(data), nla_len(data),
				  nla_data(sig), nla_len(sig));
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "signature does not verify");
		ret = -EKEYREJECTED;
	}
	pmhs_rsa_pub_put(pub);
	return ret;
}

/*
 * One installation at a time, so that a secret checked unused is consumed
 * before anyone else looks (installs are rare).
 */
static DEFINE_MUTEX(pmhs_install_lock);

/*
 * Both sides' nonces from @nonce and @peer into @out, the initiator's
 * first; 0 if neither was given (*@have false), else both are needed.
 */
static int pmhs_nl_nonces(struct genl_info *info, int nonce, int peer,
			  bool initiator, u8 out[PMHS_NONCES_LEN], bool *have)
{
	struct nlattr **a = info->attrs;
	u8 *ours = out + (initiator ? 0 : PMHS_NONCE_LEN);
	u8 *theirs = out + (initiator ? PMHS_NONCE_LEN : 0);

	*have = false;
	if (!a[nonce] && !a[peer])
		return 0;
	if (!a[nonce] || !a[peer]) {
		NL_SET_ERR_MSG(info->extack, "give both nonce and peer-nonce, or neither");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, a[nonce] ? peer : nonce);
		return -EINVAL;
	}
	nla_memcpy(ours, a[nonce], PMHS_NONCE_LEN);
	nla_memcpy(theirs, a[peer], PMHS_NONCE_LEN);
	/* A reflected nonce would leave only one side's randomness. */
	/* Nonces are public: each side sends its own in the clear. */
	if (!memcmp(ours, theirs, PMHS_NONCE_LEN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[peer],
				    "the peer's nonce is ours (reflected)");
		return -EINVAL;
	}
	*have = true;
	return 0;
}

/* kTLS from a handshake secret, inside the kernel */

int pmhs_nl_ktls_install_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	u8 secret[32], nonces[PMHS_NONCES_LEN];
	bool initiator, have_nonces, used = false;
	u32 cipher = PMHS_TLS_CIPHER_AES_GCM_256;
	struct key *key;
	int ret;

	initiator = nla_get_u32(a[PMHS_A_KTLS_ROLE]) == PMHS_ROLE_INITIATOR;
	if (a[PMHS_A_KTLS_CIPHER])
		cipher = nla_get_u32(a[PMHS_A_KTLS_CIPHER]);
	ret = pmhs_nl_nonces(info, PMHS_A_KTLS_NONCE, PMHS_A_KTLS_PEER_NONCE,
			     initiator, nonces, &have_nonces);
	if (ret)
		return ret;
	mutex_lock(&pmhs_install_lock);
	ret = pmhs_keyring_take_secret(nla_get_s32(a[PMHS_A_KTLS_KEY_SERIAL]),
				       have_nonces, secret, &key, info->extack);
	if (ret)
		goto out_unlock;
	ret = pmhs_ktls_install(nla_get_s32(a[PMHS_A_KTLS_FD]), secret,
				have_nonces ? nonces : NULL, initiator, cipher,
				&used, info->extack);
	pmhs_keyring_done_secret(key, used);
	memzero_explicit(secret, sizeof(secret));
out_unlock:
	mutex_unlock(&pmhs_install_lock);
	return ret;
}

/* IPsec ESP SAs keyed inside the kernel */

/*
 * Fill @p from the request. Without both SPIs, those of key-serial's
 * secret (no nonces) are looked up, for ipsec-down.
 */
static int pmhs_nl_ipsec_parse(struct genl_info *info, struct pmhs_ipsec *p)
{
	struct nlattr **a = info->attrs;
	u32 i2r = 0, r2i = 0;
	u8 secret[32];
	int ret;

	memset(p, 0, sizeof(*p));
	p->initiator = nla_get_u32(a[PMHS_A_IPSEC_ROLE]) == PMHS_ROLE_INITIATOR;
	p->local = nla_get_be32(a[PMHS_A_IPSEC_LOCAL]);
	p->remote = nla_get_be32(a[PMHS_A_IPSEC_REMOTE]);
	ret = pmhs_ipsec_check_addrs(p, info->extack);
	if (ret)
		return ret;
	if (!a[PMHS_A_IPSEC_SPI_I2R] || !a[PMHS_A_IPSEC_SPI_R2I]) {
		if (!a[PMHS_A_IPSEC_KEY_SERIAL]) {
			NL_SET_ERR_MSG(info->extack,
				       "give key-serial, or both spi-i2r and spi-r2i");
			NL_SET_ERR_ATTR_MISS(info->extack, NULL, PMHS_A_IPSEC_KEY_SERIAL);
			return -EINVAL;
		}
		ret = pmhs_keyring_read_secret(nla_get_s32(a[PMHS_A_IPSEC_KEY_SERIAL]),
					       secret, info->extack);
		if (!ret) {
			ret = pmhs_ipsec_spis(secret, NULL, &i2r, &r2i);
			if (ret)
				NL_SET_ERR_MSG(info->extack, "cannot derive the SPIs");
		}
		memzero_explicit(secret, sizeof(secret));
		if (ret)
			return ret;
	}
	p->spi_i2r = a[PMHS_A_IPSEC_SPI_I2R] ? nla_get_u32(a[PMHS_A_IPSEC_SPI_I2R]) : i2r;
	p->spi_r2i = a[PMHS_A_IPSEC_SPI_R2I] ? nla_get_u32(a[PMHS_A_IPSEC_SPI_R2I]) : r2i;
	return 0;
}

int pmhs_nl_ipsec_up_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 secret[32], nonces[PMHS_NONCES_LEN];
	struct nlattr **a = info->attrs;
	bool have_nonces, used = false;
	struct pmhs_ipsec p = {};
	struct pmhs_nl_reply r;
	struct key *key;
	u32 i2r, r2i;
	int ret;

	p.initiator = nla_get_u32(a[PMHS_A_IPSEC_ROLE]) == PMHS_ROLE_INITIATOR;
	p.local = nla_get_be32(a[PMHS_A_IPSEC_LOCAL]);
	p.remote = nla_get_be32(a[PMHS_A_IPSEC_REMOTE]);
	/*
	 * reqid is read here, not in the shared parser: info->attrs only has
	 * room up to each op's maxattr (KASAN caught that read).
	 */
	if (a[PMHS_A_IPSEC_REQID])
		p.reqid = nla_get_u32(a[PMHS_A_IPSEC_REQID]);
	if (a[PMHS_A_IPSEC_ALG])
		p.alg = nla_get_u32(a[PMHS_A_IPSEC_ALG]);
	ret = pmhs_ipsec_check_addrs(&p, info->extack);
	if (!ret && a[PMHS_A_IPSEC_SPI_I2R] && a[PMHS_A_IPSEC_SPI_R2I] &&
	    nla_get_u32(a[PMHS_A_IPSEC_SPI_I2R]) == nla_get_u32(a[PMHS_A_IPSEC_SPI_R2I])) {
		NL_SET_ERR_MSG(info->extack, "the two directions need different SPIs");
		ret = -EINVAL;
	}
	if (!ret)
		ret = pmhs_nl_nonces(info, PMHS_A_IPSEC_NONCE, PMHS_A_IPSEC_PEER_NONCE,
				     p.initiator, nonces, &have_nonces);
	if (ret)
		return ret;
	p.nonces = have_nonces ? nonces : NULL;
	/* Room first: a reply that cannot be sent must not use the secret. */
	ret = pmhs_nl_reply_begin(info, nla_total_size(sizeof(u32)) * 2, &r);
	if (ret)
		return ret;
	mutex_lock(&pmhs_install_lock);
	ret = pmhs_keyring_take_secret(nla_get_s32(a[PMHS_A_IPSEC_KEY_SERIAL]),
				       have_nonces, secret, &key, info->extack);
	if (ret)
		goto out_unlock;
	ret = pmhs_ipsec_spis(secret, p.nonces, &i2r, &r2i);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "cannot derive the SPIs");
	p.spi_i2r = a[PMHS_A_IPSEC_SPI_I2R] ? nla_get_u32(a[PMHS_A_IPSEC_SPI_I2R]) : i2r;
	p.spi_r2i = a[PMHS_A_IPSEC_SPI_R2I] ? nla_get_u32(a[PMHS_A_IPSEC_SPI_R2I]) : r2i;
	if (!ret && (nla_put_u32(r.msg, PMHS_A_IPSEC_SPI_I2R, p.spi_i2r) ||
		     nla_put_u32(r.msg, PMHS_A_IPSEC_SPI_R2I, p.spi_r2i)))
		ret = -EMSGSIZE;
	if (!ret)
		ret = pmhs_ipsec_up(genl_info_net(info), &p, secret, &used,
				    info->extack);
	pmhs_keyring_done_secret(key, used);
	memzero_explicit(secret, sizeof(secret));
out_unlock:
	mutex_unlock(&pmhs_install_lock);
	memzero_explicit(nonces, sizeof(nonces));
	return pmhs_nl_reply_end(info, &r, ret);
}

int pmhs_nl_ipsec_down_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pmhs_ipsec p;
	int ret;

	ret = pmhs_nl_ipsec_parse(info, &p);
	if (ret)
		return ret;
	return pmhs_ipsec_down(genl_info_net(info), &p, info->extack);
}

static struct genl_family pmhs_nl_family __ro_after_init = {
	.name		= PMHS_FAMILY_NAME,
	.version	= PMHS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.pre_doit	= pmhs_nl_pre_doit,
	.post_doit	= pmhs_nl_post_doit,
	.ops		= pmhs_nl_ops,
	.n_ops		= ARRAY_SIZE(pmhs_nl_ops),
	.resv_start_op	= PMHS_CMD_MAX + 1,
};

int __init pmhs_netlink_init(void)
{
	int ret;

	/* A closing socket takes its sessions with it. */
	pmhs_sk_priv_setup(sizeof(struct pmhs_owner), pmhs_owner_init,
			   pmhs_owner_destroy);
	ret = pmhs_sk_priv_register();
	if (ret)
		return ret;
	ret = genl_register_family(&pmhs_nl_family);
	if (ret)
		pmhs_sk_priv_unregister();
	return ret;
}

void pmhs_netlink_uninit(void)
{
	genl_unregister_family(&pmhs_nl_family);
	pmhs_sk_priv_unregister();
}

/* The first request for the family loads the module. */
MODULE_ALIAS_GENL_FAMILY(PMHS_FAMILY_NAME);
