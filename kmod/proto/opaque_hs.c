// SPDX-License-Identifier: GPL-2.0
/*
 * The opaque modes: OPAQUE-3DH (opaque.c) as session protocols, both
 * roles. opaque-register: the client blinds its password, the server
 * answers under the user's OPRF key, the client seals its envelope into
 * the registration record, which the server checks (and userspace
 * stores). opaque-login: KE1, KE2 (a fake record for an unknown user,
 * RFC 9807 section 10.9), KE3; both sides publish the session key, the
 * client its export key too.
 *
 * The client's key stretching function (Argon2id) runs in the calling
 * process, which has the password anyway: the step after the server's
 * message hands out the OPRF output (ksf-input) and the next one takes
 * the stretched value back (ksf-output). The password itself is kept
 * here, wiped, from session-new to the last step (the OPRF needs it
 * twice). Every random input is drawn here; only opaque-kat fixes them.
 *
 * Failures are uniform: a wrong password, an unknown user and a tampered
 * message all end in -EBADMSG "authentication failed" on the side that
 * finds out, with nothing published, and the session is deleted.
 *
 * The login server counts every KE2 it is asked for as a failed login
 * (opaque_limit.c) before any work, for known and unknown users alike,
 * and takes it back on a good KE3.
 */
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "compat.h"
#include "cred.h"
#include "identity.h"
#include "keyring.h"
#include "netns.h"
#include "opaque.h"
#include "opaque_limit.h"
#include "proto.h"
#include "r255.h"

enum pmhs_opq_stage {
	PMHS_OPQ_PEER,		/* the peer's message is next */
	PMHS_OPQ_KSF,		/* the caller's ksf-output is next (client) */
	PMHS_OPQ_LAST,		/* server: the client's record or KE3 is next */
	PMHS_OPQ_DONE,
};

struct pmhs_opq {
	bool client, login;
	enum pmhs_opq_stage stage;
	struct pmhs_identity *id;	/* server: the setup's */
	u8 *pw;				/* client, wiped */
	size_t pwlen;
	u8 *cred_id;			/* server */
	size_t cred_id_len;
	struct net *net;		/* login server: the limiter's */
	u8 *peer;			/* login server, optional */
	size_t peer_len;
	struct pmhs_olimit_ticket ticket;	/* login server: KE2's count */
	bool has_record, fake;
	u8 record[OPAQUE_RECORD_LEN];	/* login server */
	u8 *ctx, *cid, *sid;		/* optional, as given */
	struct opaque_params params;
	union {
		struct opaque_client_reg cr;
		struct opaque_client_login cl;
		struct opaque_server_login sl;
	};
	u8 oprf_output[OPAQUE_NH];	/* client, until the KSF comes back */
	u8 peer_msg[OPAQUE_KE2_LEN];	/* client: the response or KE2, kept */
};

/* A random non-zero scalar mod l (blinds): 64 bytes reduced, as RFC 9497. */
static void pmhs_opq_random_scalar(u8 s[OPAQUE_NSK])
{
	u8 wide[64];

	do {
		get_random_bytes(wide, sizeof(wide));
		r255_sc_reduce64(s, wide);
	} while (r255_sc_is_zero(s));
	memzero_explicit(wide, sizeof(wide));
}

static int pmhs_opq_dup(struct nlattr *a, u8 **p, size_t *len)
{
	*len = 0;
	*p = NULL;
	if (!a || !nla_len(a))
		return 0;
	*p = kmemdup(nla_data(a), nla_len(a), GFP_KERNEL_ACCOUNT);
	if (!*p)
		return -ENOMEM;
	*len = nla_len(a);
	return 0;
}

static int pmhs_opq_password(struct pmhs_opq *s, struct nlattr *const *a,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *pw = a[PMHS_A_OPAQUE_PARAMS_PASSWORD];
	struct nlattr *key = a[PMHS_A_OPAQUE_PARAMS_PASSWORD_KEY];

	if (pw && key) {
		NL_SET_ERR_MSG_ATTR(extack, key, "give either password or password-key, not both");
		return -EINVAL;
	}
	if (!pw && !key) {
		NL_SET_ERR_MSG(extack, "the client needs its password (password or password-key)");
		return -EINVAL;
	}
	if (key)
		return pmhs_keyring_read_password(nla_get_s32(key), &s->pw, &s->pwlen, extack);
	/* the front end zeroes the attribute; this copy is wiped in destroy() */
	return pmhs_opq_dup(pw, &s->pw, &s->pwlen);
}

/* Which attributes each side takes: the other side's are refused, not ignored. */
static int pmhs_opq_check_attrs(const struct pmhs_opq *s, struct nlattr *const *a,
				struct netlink_ext_ack *extack)
{
	static const u16 client_only[] = {
		PMHS_A_OPAQUE_PARAMS_PASSWORD, PMHS_A_OPAQUE_PARAMS_PASSWORD_KEY,
	};
	static const u16 server_only[] = {
		PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER, PMHS_A_OPAQUE_PARAMS_RECORD,
		PMHS_A_OPAQUE_PARAMS_PEER,
	};
	const u16 *other = s->client ? server_only : client_only;
	int n = s->client ? ARRAY_SIZE(server_only) : ARRAY_SIZE(client_only);

	for (int i = 0; i < n; i++) {
		if (a[other[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, a[other[i]],
					    "this attribute belongs to the other role");
			return -EINVAL;
		}
	}
	if (s->client)
		return 0;
	if (!a[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER]) {
		NL_SET_ERR_MSG(extack, "the server needs credential-identifier (the user's name)");
		return -EINVAL;
	}
	if (!s->login && a[PMHS_A_OPAQUE_PARAMS_RECORD]) {
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_OPAQUE_PARAMS_RECORD],
				    "registration makes a record; it takes none");
		return -EINVAL;
	}
	if (!s->login && a[PMHS_A_OPAQUE_PARAMS_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_OPAQUE_PARAMS_PEER],
				    "peer is for opaque-login: the limiter counts logins");
		return -EINVAL;
	}
	return 0;
}

static int pmhs_opq_parse(struct pmhs_opq *s, const struct pmhs_proto_args *args,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *const *a = args->tb;
	int ret;

	if (!args->nest || !a[PMHS_A_OPAQUE_PARAMS_ROLE]) {
		NL_SET_ERR_MSG(extack,
			       "opaque modes need their parameters (nest opaque, with role)");
		return -EINVAL;
	}
	s->client = nla_get_u32(a[PMHS_A_OPAQUE_PARAMS_ROLE]) == PMHS_ROLE_INITIATOR;
	ret = pmhs_opq_check_attrs(s, a, extack);
	if (ret)
		return ret;
	if (s->client && args->identity) {
		NL_SET_ERR_MSG_ATTR(extack, args->identity,
				    "the client has no identity: its key comes from the password");
		return -EINVAL;
	}
	if (!s->client) {
		if (!args->identity) {
			NL_SET_ERR_MSG(extack,
				       "the server needs identity (an OPAQUE server setup)");
			return -EINVAL;
		}
		s->id = pmhs_identity_find_attr(pmhs_net(args->net), args->identity,
						&pmhs_cred_opaque, extack);
		if (IS_ERR(s->id)) {
			ret = PTR_ERR(s->id);
			s->id = NULL;
			return ret;
		}
		ret = pmhs_opq_dup(a[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER],
				   &s->cred_id, &s->cred_id_len);
		if (ret)
			return ret;
		ret = pmhs_opq_dup(a[PMHS_A_OPAQUE_PARAMS_PEER], &s->peer, &s->peer_len);
		if (ret)
			return ret;
		s->net = args->net;
		if (a[PMHS_A_OPAQUE_PARAMS_RECORD]) {
			nla_memcpy(s->record, a[PMHS_A_OPAQUE_PARAMS_RECORD],
				   sizeof(s->record));
			s->has_record = true;
		}
	} else {
		ret = pmhs_opq_password(s, a, extack);
		if (ret)
			return ret;
	}
	ret = pmhs_opq_dup(a[PMHS_A_OPAQUE_PARAMS_CONTEXT], &s->ctx,
			   &s->params.context_len);
	if (!ret)
		ret = pmhs_opq_dup(a[PMHS_A_OPAQUE_PARAMS_CLIENT_IDENTITY], &s->cid,
				   &s->params.client_id_len);
	if (!ret)
		ret = pmhs_opq_dup(a[PMHS_A_OPAQUE_PARAMS_SERVER_IDENTITY], &s->sid,
				   &s->params.server_id_len);
	s->params.context = s->ctx;
	s->params.client_id = s->cid;
	s->params.server_id = s->sid;
	return ret;
}

static int pmhs_opq_register_parse(void *priv, const struct pmhs_proto_args *args,
				   struct netlink_ext_ack *extack)
{
	return pmhs_opq_parse(priv, args, extack);
}

static int pmhs_opq_login_parse(void *priv, const struct pmhs_proto_args *args,
				struct netlink_ext_ack *extack)
{
	struct pmhs_opq *s = priv;

	s->login = true;
	return pmhs_opq_parse(priv, args, extack);
}

static const struct opaque_server_setup *pmhs_opq_setup(const struct pmhs_opq *s)
{
	return pmhs_cred_opaque_setup(&s->id->cred);
}

static int pmhs_opq_out(struct pmhs_proto_io *io, size_t len)
{
	io->out = kzalloc(len, GFP_KERNEL_ACCOUNT);
	if (!io->out)
		return -ENOMEM;
	io->outlen = len;
	return 0;
}

/* The peer's message must have the length of what comes next. */
static int pmhs_opq_want(struct pmhs_proto_io *io, size_t len, struct netlink_ext_ack *extack)
{
	if (!io->in) {
		NL_SET_ERR_MSG(extack, "the peer's message is next, not ksf-output");
		return -EPROTO;
	}
	if (io->inlen != len) {
		NL_SET_ERR_MSG(extack, "peer message of the wrong length for this step");
		return -EBADMSG;
	}
	return 0;
}

/* A protocol error from opaque.c, said once, the same for every cause. */
static int pmhs_opq_fail(int ret, struct netlink_ext_ack *extack)
{
	if (ret == -ENOMEM)
		return ret;
	if (ret == -EBADMSG)
		NL_SET_ERR_MSG(extack,
			       "authentication failed (wrong password, unknown user, or a tampered message)");
	else
		NL_SET_ERR_MSG(extack, "OPAQUE step failed");
	return ret == -EINVAL ? -EBADMSG : ret;
}

/* ---- client ---- */

static int pmhs_opq_client_start(struct pmhs_opq *s, struct pmhs_proto_io *io)
{
	u8 blind[OPAQUE_NSK], nonce[OPAQUE_NN], seed[OPAQUE_NSEED];
	int ret;

	pmhs_opq_random_scalar(blind);
	if (!s->login) {
		ret = pmhs_opq_out(io, OPAQUE_REG_REQUEST_LEN) ?:
		      opaque_client_reg_start(&s->cr, io->out, s->pw, s->pwlen, blind);
	} else {
		get_random_bytes(nonce, sizeof(nonce));
		get_random_bytes(seed, sizeof(seed));
		ret = pmhs_opq_out(io, OPAQUE_KE1_LEN) ?:
		      opaque_client_ke1(&s->cl, io->out, s->pw, s->pwlen, blind, nonce, seed);
	}
	memzero_explicit(blind, sizeof(blind));
	memzero_explicit(seed, sizeof(seed));
	return ret;
}

/* The server's response or KE2: out comes the OPRF output, for the KSF. */
static int pmhs_opq_client_oprf(struct pmhs_opq *s, struct pmhs_proto_io *io,
				struct netlink_ext_ack *extack)
{
	size_t len = s->login ? OPAQUE_KE2_LEN : OPAQUE_REG_RESPONSE_LEN;
	int ret;

	ret = pmhs_opq_want(io, len, extack);
	if (ret)
		return ret;
	memcpy(s->peer_msg, io->in, len);
	ret = s->login ?
	      opaque_client_ke2_oprf(&s->cl, s->pw, s->pwlen, s->peer_msg, s->oprf_output) :
	      opaque_client_reg_oprf(&s->cr, s->pw, s->pwlen, s->peer_msg, s->oprf_output);
	if (ret)
		return pmhs_opq_fail(ret, extack);
	memcpy(io->ksf_out, s->oprf_output, PMHS_KSF_LEN);
	io->has_ksf_out = true;
	io->read = true;
	s->stage = PMHS_OPQ_KSF;
	return 0;
}

/* The stretched value: the record (register) or KE3 (login), and the keys. */
static int pmhs_opq_client_finish(struct pmhs_opq *s, struct pmhs_proto_io *io,
				  struct pmhs_proto_done *done,
				  struct netlink_ext_ack *extack)
{
	u8 nonce[OPAQUE_NN];
	int ret;

	if (!io->ksf_in) {
		NL_SET_ERR_MSG(extack, "ksf-output is next: stretch ksf-input and send it back");
		return -EPROTO;
	}
	if (!s->login) {
		get_random_bytes(nonce, sizeof(nonce));
		ret = pmhs_opq_out(io, OPAQUE_RECORD_LEN) ?:
		      opaque_client_reg_finish(&s->cr, io->out, done->export_key,
					       s->peer_msg, s->oprf_output, io->ksf_in,
					       nonce, &s->params, NULL);
		/* registration publishes the export key alone */
		done->no_secret = true;
	} else {
		ret = pmhs_opq_out(io, OPAQUE_KE3_LEN) ?:
		      opaque_client_ke3(&s->cl, io->out, done->secret, done->export_key,
					s->peer_msg, s->oprf_output, io->ksf_in,
					&s->params, NULL);
		done->secret_len = OPAQUE_NH;
		/* both ephemerals and nonces went in */
		done->two_sided = true;
	}
	memzero_explicit(s->oprf_output, sizeof(s->oprf_output));
	if (ret)
		return pmhs_opq_fail(ret, extack);
	done->export_len = OPAQUE_NH;
	done->done = true;
	s->stage = PMHS_OPQ_DONE;
	return 0;
}

/* ---- server ---- */

static int pmhs_opq_server_ke2(struct pmhs_opq *s, struct pmhs_proto_io *io,
			       struct netlink_ext_ack *extack)
{
	u8 mask[OPAQUE_NH], nonces[2 * OPAQUE_NN], seed[OPAQUE_NSEED];
	int ret;

	ret = pmhs_opq_want(io, OPAQUE_KE1_LEN, extack);
	if (ret)
		return ret;
	/*
	 * Counted before any work and whatever KE3 does: each KE2 lets the
	 * client try one password offline. Unknown users alike.
	 */
	ret = pmhs_opaque_limit_check(s->net, s->cred_id, s->cred_id_len, s->peer,
				      s->peer_len, &s->ticket, extack);
	if (ret)
		return ret;
	/* The same draws and the same path for an unknown user. */
	get_random_bytes(mask, sizeof(mask));
	get_random_bytes(nonces, sizeof(nonces));
	get_random_bytes(seed, sizeof(seed));
	if (!s->has_record) {
		opaque_fake_record(s->record, pmhs_opq_setup(s), mask);
		s->fake = true;
	}
	ret = pmhs_opq_out(io, OPAQUE_KE2_LEN) ?:
	      opaque_server_ke2(&s->sl, io->out, pmhs_opq_setup(s), s->record,
				s->cred_id, s->cred_id_len, io->in, nonces,
				nonces + OPAQUE_NN, seed, &s->params, NULL);
	memzero_explicit(mask, sizeof(mask));
	memzero_explicit(seed, sizeof(seed));
	if (ret)
		return pmhs_opq_fail(ret, extack);
	io->read = true;
	return 0;
}

static int pmhs_opq_server_finish(struct pmhs_opq *s, struct pmhs_proto_io *io,
				  struct pmhs_proto_done *done,
				  struct netlink_ext_ack *extack)
{
	int ret;

	ret = pmhs_opq_want(io, OPAQUE_KE3_LEN, extack);
	if (ret)
		return ret;
	ret = opaque_server_finish(&s->sl, done->secret, io->in);
	/* An unknown user never logs in, whatever KE3 says. */
	if (!ret && s->fake) {
		memzero_explicit(done->secret, sizeof(done->secret));
		ret = -EBADMSG;
	}
	if (ret)
		return pmhs_opq_fail(ret, extack);
	/* a good KE3: this login was no failure */
	pmhs_opaque_limit_ok(s->net, s->cred_id, s->cred_id_len, s->peer, s->peer_len,
			     &s->ticket);
	io->read = true;
	done->secret_len = OPAQUE_NH;
	done->two_sided = true;
	done->done = true;
	s->stage = PMHS_OPQ_DONE;
	return 0;
}

static int pmhs_opq_step(void *priv, struct pmhs_proto_io *io,
			 struct pmhs_proto_done *done, struct netlink_ext_ack *extack)
{
	struct pmhs_opq *s = priv;
	int ret;

	if (!io->in && !io->ksf_in) {
		/* session-new: the client writes first, the server waits */
		return s->client ? pmhs_opq_client_start(s, io) : 0;
	}
	if (s->client) {
		if (s->stage == PMHS_OPQ_PEER)
			return pmhs_opq_client_oprf(s, io, extack);
		return pmhs_opq_client_finish(s, io, done, extack);
	}
	if (io->ksf_in) {
		NL_SET_ERR_MSG(extack, "the server takes no ksf-output");
		return -EINVAL;
	}
	if (s->login) {
		if (s->stage != PMHS_OPQ_PEER)
			return pmhs_opq_server_finish(s, io, done, extack);
		ret = pmhs_opq_server_ke2(s, io, extack);
		if (!ret)
			s->stage = PMHS_OPQ_LAST;
		return ret;
	}
	/* register: the request, then the client's record to check */
	if (s->stage == PMHS_OPQ_PEER) {
		ret = pmhs_opq_want(io, OPAQUE_REG_REQUEST_LEN, extack) ?:
		      pmhs_opq_out(io, OPAQUE_REG_RESPONSE_LEN) ?:
		      opaque_server_reg_respond(io->out, pmhs_opq_setup(s), io->in,
						s->cred_id, s->cred_id_len, NULL);
		if (ret)
			return ret == -EBADMSG ? pmhs_opq_fail(ret, extack) : ret;
		io->read = true;
		s->stage = PMHS_OPQ_LAST;
		return 0;
	}
	ret = pmhs_opq_want(io, OPAQUE_RECORD_LEN, extack);
	if (ret)
		return ret;
	ret = opaque_record_check(io->in);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "not a valid registration record (its public key does not decode)");
		return -EBADMSG;
	}
	io->read = true;
	done->no_secret = true;
	done->done = true;
	s->stage = PMHS_OPQ_DONE;
	return 0;
}

/* The server's copy of the session key is for the kernel's use (kTLS, IPsec). */
static bool pmhs_opq_logon_default(const void *priv)
{
	const struct pmhs_opq *s = priv;

	return !s->client && s->login;
}

static void pmhs_opq_describe(const void *priv, struct pmhs_proto_info *info)
{
	const struct pmhs_opq *s = priv;

	info->identity = s->id ? s->id->name : NULL;
	info->our_turn = s->stage == PMHS_OPQ_KSF;
}

static void pmhs_opq_destroy(void *priv)
{
	struct pmhs_opq *s = priv;

	if (s->id)
		pmhs_identity_put(s->id);
	kfree_sensitive(s->pw);
	kfree(s->cred_id);
	kfree(s->peer);
	kfree(s->ctx);
	kfree(s->cid);
	kfree(s->sid);
	memzero_explicit(s, sizeof(*s));
}

const struct pmhs_proto pmhs_opaque_register_proto = {
	.name		= "opaque-register",
	.mode		= PMHS_MODE_OPAQUE_REGISTER,
	.priv_size	= sizeof(struct pmhs_opq),
	.nest		= PMHS_A_SESSION_OPAQUE,
	.maxattr	= PMHS_A_OPAQUE_PARAMS_MAX,
	.parse		= pmhs_opq_register_parse,
	.unlink_on_failure = true,
	.local_steps	= true,
	.step		= pmhs_opq_step,
	.logon_default	= pmhs_opq_logon_default,
	.describe	= pmhs_opq_describe,
	.destroy	= pmhs_opq_destroy,
};

const struct pmhs_proto pmhs_opaque_login_proto = {
	.name		= "opaque-login",
	.mode		= PMHS_MODE_OPAQUE_LOGIN,
	.priv_size	= sizeof(struct pmhs_opq),
	.nest		= PMHS_A_SESSION_OPAQUE,
	.maxattr	= PMHS_A_OPAQUE_PARAMS_MAX,
	.parse		= pmhs_opq_login_parse,
	.unlink_on_failure = true,
	.local_steps	= true,
	.step		= pmhs_opq_step,
	.logon_default	= pmhs_opq_logon_default,
	.describe	= pmhs_opq_describe,
	.destroy	= pmhs_opq_destroy,
};
