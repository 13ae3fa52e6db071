// SPDX-License-Identifier: GPL-2.0
/*
 * opaque-kat: OPAQUE-3DH with the request's fixed randomness, for the RFC
 * 9807 vectors through the real module (proto/opaque_kat_run.c does the
 * work). A pure function of the request: no session, no key published.
 * CAP_NET_ADMIN, as the other known-answer ops (the ops table says so).
 * opaque-unlock: the online-guessing limiter's admin unlock.
 */
#include <linux/bits.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "nl_gen.h"
#include "opaque_kat_run.h"
#include "opaque_limit.h"

#define A(x)	BIT_ULL(PMHS_A_OPAQUE_KAT_##x)

/* Both paths need these; each path needs its own, and takes no other. */
#define PMHS_OKAT_BOTH	(A(CREDENTIAL_IDENTIFIER) | A(OPRF_SEED) | \
			 A(SERVER_PRIVATE_KEY) | A(MASKING_NONCE) | \
			 A(SERVER_NONCE) | A(SERVER_KEYSHARE_SEED))
#define PMHS_OKAT_REAL	(A(PASSWORD) | A(BLIND_REGISTRATION) | A(BLIND_LOGIN) | \
			 A(ENVELOPE_NONCE) | A(CLIENT_NONCE) | \
			 A(CLIENT_KEYSHARE_SEED))
#define PMHS_OKAT_FAKE	(A(FAKE_CLIENT_PRIVATE_KEY) | A(FAKE_MASKING_KEY) | A(KE1))
#define PMHS_OKAT_OPT	(A(CONTEXT) | A(CLIENT_IDENTITY) | A(SERVER_IDENTITY))

static int pmhs_okat_check(struct genl_info *info, u64 need, u64 take)
{
	struct nlattr **a = info->attrs;
	int i;

	/*
	 * info->attrs ends at the op's maxattr, its last request attribute
	 * (KE1): the policy refuses the reply attributes above it.
	 */
	for (i = 1; i <= PMHS_A_OPAQUE_KAT_KE1; i++) {
		if (a[i] && !((need | take) & BIT_ULL(i))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[i],
					    "attribute not taken here: it belongs to the other path (real or fake)");
			return -EINVAL;
		}
	}
	for (i = 1; i <= PMHS_A_OPAQUE_KAT_KE1; i++) {
		if (!a[i] && (need & BIT_ULL(i))) {
			NL_SET_ERR_MSG(info->extack,
				       "attribute missing: this opaque-kat path needs it");
			NL_SET_ERR_ATTR_MISS(info->extack, NULL, i);
			return -EINVAL;
		}
	}
	return 0;
}

static const u8 *pmhs_okat_opt(struct nlattr *attr, size_t *len)
{
	*len = attr ? nla_len(attr) : 0;
	return attr ? nla_data(attr) : NULL;
}

static void pmhs_okat_take(struct pmhs_opaque_kat *k, struct nlattr **a)
{
#define D(x)	(a[PMHS_A_OPAQUE_KAT_##x] ? nla_data(a[PMHS_A_OPAQUE_KAT_##x]) : NULL)
	k->pw = pmhs_okat_opt(a[PMHS_A_OPAQUE_KAT_PASSWORD], &k->pwlen);
	k->params.context = pmhs_okat_opt(a[PMHS_A_OPAQUE_KAT_CONTEXT],
					  &k->params.context_len);
	k->params.client_id = pmhs_okat_opt(a[PMHS_A_OPAQUE_KAT_CLIENT_IDENTITY],
					    &k->params.client_id_len);
	k->params.server_id = pmhs_okat_opt(a[PMHS_A_OPAQUE_KAT_SERVER_IDENTITY],
					    &k->params.server_id_len);
	k->cred_id = pmhs_okat_opt(a[PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER],
				   &k->cred_id_len);
	k->oprf_seed = D(OPRF_SEED);
	k->server_sk = D(SERVER_PRIVATE_KEY);
	k->blind_reg = D(BLIND_REGISTRATION);
	k->blind_login = D(BLIND_LOGIN);
	k->env_nonce = D(ENVELOPE_NONCE);
	k->client_nonce = D(CLIENT_NONCE);
	k->client_seed = D(CLIENT_KEYSHARE_SEED);
	k->masking_nonce = D(MASKING_NONCE);
	k->server_nonce = D(SERVER_NONCE);
	k->server_seed = D(SERVER_KEYSHARE_SEED);
	k->fake_sk = D(FAKE_CLIENT_PRIVATE_KEY);
	k->fake_masking_key = D(FAKE_MASKING_KEY);
	if (k->fake)
		nla_memcpy(k->ke1, a[PMHS_A_OPAQUE_KAT_KE1], sizeof(k->ke1));
#undef D
}

static int pmhs_okat_reply(struct genl_info *info, const struct pmhs_opaque_kat *k)
{
	const struct opaque_trace *t = &k->trace;
	struct pmhs_nl_reply r;
	struct sk_buff *m;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + 2048, &r);
	if (ret)
		return ret;
	m = r.msg;
#define P(x, v)	nla_put(m, PMHS_A_OPAQUE_KAT_##x, sizeof(v), v)
	if (P(SERVER_PUBLIC_KEY, k->server_pk) || P(KE2, k->ke2))
		ret = -EMSGSIZE;
	else if (!k->fake &&
		 (P(REGISTRATION_REQUEST, k->reg_request) ||
		  P(REGISTRATION_RESPONSE, k->reg_response) ||
		  P(REGISTRATION_UPLOAD, k->record) || P(KE1, k->ke1) ||
		  P(KE3, k->ke3) || P(SESSION_KEY, k->session_key) ||
		  P(EXPORT_KEY, k->export_key) || P(OPRF_KEY, t->oprf_key) ||
		  P(RANDOMIZED_PASSWORD, t->randomized_password) ||
		  P(MASKING_KEY, t->masking_key) || P(AUTH_KEY, t->auth_key) ||
		  P(ENVELOPE, t->envelope) ||
		  P(CLIENT_PUBLIC_KEY, t->client_public_key) ||
		  P(HANDSHAKE_SECRET, t->handshake_secret) ||
		  P(SERVER_MAC_KEY, t->server_mac_key) ||
		  P(CLIENT_MAC_KEY, t->client_mac_key)))
		ret = -EMSGSIZE;
#undef P
	return pmhs_nl_reply_end(info, &r, ret);
}

int pmhs_nl_opaque_kat_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct pmhs_opaque_kat *k;
	int ret;

	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	if (!k)
		return -ENOMEM;
	k->fake = a[PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY];
	ret = pmhs_okat_check(info, PMHS_OKAT_BOTH |
			      (k->fake ? PMHS_OKAT_FAKE : PMHS_OKAT_REAL),
			      PMHS_OKAT_OPT);
	if (ret)
		goto out;
	pmhs_okat_take(k, a);
	ret = pmhs_opaque_kat_run(k);
	if (ret == -ERANGE) {
		NL_SET_ERR_MSG(info->extack,
			       "a private key is not a canonical non-zero scalar mod l");
		ret = -EINVAL;
	} else if (ret == -EINVAL) {
		NL_SET_ERR_MSG(info->extack,
			       "a blind is not a canonical non-zero scalar mod l");
	} else if (ret == -EBADMSG) {
		NL_SET_ERR_MSG(info->extack,
			       "the protocol refused a message (a KE1 that does not decode, or a check that failed)");
	} else if (ret) {
		NL_SET_ERR_MSG(info->extack, "OPAQUE failed (hash error)");
	}
	if (!ret)
		ret = pmhs_okat_reply(info, k);
out:
	/* the request's secrets: password, seeds, private keys */
	if (a[PMHS_A_OPAQUE_KAT_PASSWORD])
		memzero_explicit(nla_data(a[PMHS_A_OPAQUE_KAT_PASSWORD]),
				 nla_len(a[PMHS_A_OPAQUE_KAT_PASSWORD]));
	kfree_sensitive(k);
	return ret;
}

/*
 * opaque-unlock: an admin forgets one user's failed logins (all its
 * peers) in this namespace; 0 whether or not any were counted. pre_doit
 * made sure of credential-identifier.
 */
int pmhs_nl_opaque_unlock_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER];

	pmhs_opaque_limit_flush(genl_info_net(info), nla_data(id), nla_len(id));
	return 0;
}
