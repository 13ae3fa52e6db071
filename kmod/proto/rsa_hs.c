// SPDX-License-Identifier: GPL-2.0
/*
 * RSA handshakes, as poorman_handshake does them:
 *   message = PSS-SHA256_sign(own key, ct) || ct,  ct = OAEP(peer key, own32)
 * The signature is as long as the sender's modulus, the ciphertext as the
 * receiver's, so mixed key sizes work (the reference could not do this).
 *   rsa-mutual:       secret = own32 XOR peer32
 *   rsa-half-send:    secret = own32 (done once the message is made)
 *   rsa-half-receive: secret = peer32
 * A message that fails to verify or decrypt fails the session; we never
 * fall back to our own contribution, as the reference did.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "compat.h"
#include "identity.h"
#include "netlink.h"
#include "netns.h"
#include "proto.h"
#include "rsa.h"

struct pmhs_rsa_hs {
	struct pmhs_identity *ident;
	struct pmhs_rsa_pub *peer;
	enum pmhs_hash oaep;
	u8 own[PMHS_SECRET_LEN];	/* our contribution, until used */
};

static int pmhs_rsa_hs_parse(void *priv, const struct pmhs_proto_args *args,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *pubkey = args->tb[PMHS_A_RSA_PARAMS_PEER_PUBKEY];
	const struct nlattr *oaep = args->tb[PMHS_A_RSA_PARAMS_OAEP_HASH];
	struct pmhs_net *pn = pmhs_net(args->net);
	struct pmhs_rsa_hs *s = priv;
	const char *why = NULL;
	int ret;

	s->oaep = oaep && nla_get_u32(oaep) == PMHS_OAEP_HASH_SHA256 ?
		  PMHS_HASH_SHA256 : PMHS_HASH_SHA1;
	if (!args->identity) {
		NL_SET_ERR_MSG(extack, "RSA modes need our identity");
		NL_SET_ERR_ATTR_MISS(extack, NULL, PMHS_A_SESSION_IDENTITY);
		return -EINVAL;
	}
	if (!pubkey) {
		NL_SET_ERR_MSG(extack, "RSA modes need the peer's public key");
		NL_SET_ERR_ATTR_MISS(extack, args->nest, PMHS_A_RSA_PARAMS_PEER_PUBKEY);
		return -EINVAL;
	}
	s->ident = pmhs_identity_find_attr(pn, args->identity, &pmhs_cred_rsa,
					   extack);
	if (IS_ERR(s->ident)) {
		ret = PTR_ERR(s->ident);
		s->ident = NULL;
		return ret;
	}
	ret = pmhs_rsa_pub_from_spki(nla_data(pubkey), nla_len(pubkey),
				     &s->peer, &why);
	if (ret) {
		pmhs_extack(extack, pubkey,
			    why ? why : "cannot parse the peer's public key");
		return ret;
	}
	if (pmhs_rsa_bits(s->peer) < 2048 && !READ_ONCE(pn->allow_rsa1024)) {
		NL_SET_ERR_MSG(extack,
			       "peer key under 2048 bits is legacy: enable with config allow-rsa1024");
		return -EKEYREJECTED;
	}
	return 0;
}

static void pmhs_rsa_hs_describe(const void *priv, struct pmhs_proto_info *info)
{
	const struct pmhs_rsa_hs *s = priv;

	info->identity = s->ident->name;
	info->has_peer = !pmhs_rsa_fingerprint(s->peer, info->peer_fpr);
}

static void pmhs_rsa_hs_destroy(void *priv)
{
	struct pmhs_rsa_hs *s = priv;

	pmhs_identity_put(s->ident);
	if (s->peer)
		pmhs_rsa_pub_put(s->peer);
	memzero_explicit(s->own, sizeof(s->own));
}

static int pmhs_rsa_start(struct pmhs_rsa_hs *s, u8 **out, size_t *outlen,
			  struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_priv *priv = pmhs_cred_rsa_priv(&s->ident->cred);
	size_t siglen = pmhs_rsa_size(pmhs_rsa_priv_pub(priv));
	size_t ctlen = pmhs_rsa_size(s->peer);
	u8 *msg;
	int ret;

	msg = kmalloc(siglen + ctlen, GFP_KERNEL_ACCOUNT);
	if (!msg)
		return -ENOMEM;
	get_random_bytes(s->own, sizeof(s->own));
	ret = pmhs_rsa_oaep_encrypt(s->peer, s->oaep, s->own, sizeof(s->own),
				    msg + siglen);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot encrypt to the peer's key");
		goto err;
	}
	ret = pmhs_rsa_pss_sign(priv, msg + siglen, ctlen, msg);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot sign with our identity");
		goto err;
	}
	*out = msg;
	*outlen = siglen + ctlen;
	return 0;
err:
	memzero_explicit(s->own, sizeof(s->own));
	kfree(msg);
	return ret;
}

/* Verify the peer's message and recover its 32 bytes into @peer32. */
static int pmhs_rsa_open(struct pmhs_rsa_hs *s, const u8 *msg, size_t len,
			 u8 peer32[PMHS_SECRET_LEN],
			 struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_priv *priv = pmhs_cred_rsa_priv(&s->ident->cred);
	size_t siglen = pmhs_rsa_size(s->peer);
	size_t ctlen = pmhs_rsa_size(pmhs_rsa_priv_pub(priv));
	size_t ptlen = 0;
	u8 pt[PMHS_RSA_MAX_BYTES];
	int ret;

	if (len != siglen + ctlen) {
		PMHS_ERR_FMT(extack,
			     "message length must be the peer's modulus (signature) plus ours (ciphertext)",
			     "message is %zu bytes, expected %zu (signature) + %zu (ciphertext)",
			     len, siglen, ctlen);
		return -EBADMSG;
	}
	ret = pmhs_rsa_pss_verify(s->peer, msg + siglen, ctlen, msg, siglen);
	if (ret) {
		NL_SET_ERR_MSG(extack, "signature does not verify with the peer's key");
		return -EKEYREJECTED;
	}
	ret = pmhs_rsa_oaep_decrypt(priv, s->oaep, msg + siglen, ctlen, pt,
				    sizeof(pt), &ptlen);
	if (ret || ptlen != PMHS_SECRET_LEN) {
		NL_SET_ERR_MSG(extack, "cannot decrypt: not for our key, or corrupted");
		ret = -EBADMSG;
	} else {
		memcpy(peer32, pt, PMHS_SECRET_LEN);
	}
	memzero_explicit(pt, sizeof(pt));
	return ret;
}

/* Ours, then the peer's: secret = own32 XOR peer32. */
static int pmhs_rsa_mutual_step(void *priv, struct pmhs_proto_io *io,
				struct pmhs_proto_done *done,
				struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_hs *s = priv;
	int ret, i;

	if (!io->in)
		return pmhs_rsa_start(s, &io->out, &io->outlen, extack);
	ret = pmhs_rsa_open(s, io->in, io->inlen, done->secret, extack);
	for (i = 0; !ret && i < PMHS_SECRET_LEN; i++)
		done->secret[i] ^= s->own[i];
	/* Used, or never to be: the session is over either way. */
	memzero_explicit(s->own, sizeof(s->own));
	done->done = !ret;
	done->two_sided = true;
	return ret;
}

/* Ours only: secret = own32, known once the message is made. */
static int pmhs_rsa_half_send_step(void *priv, struct pmhs_proto_io *io,
				   struct pmhs_proto_done *done,
				   struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_hs *s = priv;
	int ret;

	ret = pmhs_rsa_start(s, &io->out, &io->outlen, extack);
	if (ret)
		return ret;
	memcpy(done->secret, s->own, PMHS_SECRET_LEN);
	memzero_explicit(s->own, sizeof(s->own));
	done->done = true;
	return 0;
}

/* No message of ours; the peer's: secret = peer32. */
static int pmhs_rsa_half_receive_step(void *priv, struct pmhs_proto_io *io,
				      struct pmhs_proto_done *done,
				      struct netlink_ext_ack *extack)
{
	int ret;

	if (!io->in)
		return 0;
	ret = pmhs_rsa_open(priv, io->in, io->inlen, done->secret, extack);
	done->done = !ret;
	return ret;
}

#define PMHS_RSA_HS_PROTO(_name, _mode, _step, _done_on_start)	\
	{							\
		.name = _name,					\
		.mode = _mode,					\
		.priv_size = sizeof(struct pmhs_rsa_hs),	\
		.nest = PMHS_A_SESSION_RSA,			\
		.maxattr = PMHS_A_RSA_PARAMS_MAX,		\
		.parse = pmhs_rsa_hs_parse,			\
		.done_on_start = _done_on_start,		\
		.step = _step,					\
		.describe = pmhs_rsa_hs_describe,		\
		.destroy = pmhs_rsa_hs_destroy,			\
	}

const struct pmhs_proto pmhs_rsa_mutual_proto =
	PMHS_RSA_HS_PROTO("rsa-mutual", PMHS_MODE_RSA_MUTUAL,
			  pmhs_rsa_mutual_step, false);
const struct pmhs_proto pmhs_rsa_half_send_proto =
	PMHS_RSA_HS_PROTO("rsa-half-send", PMHS_MODE_RSA_HALF_SEND,
			  pmhs_rsa_half_send_step, true);
const struct pmhs_proto pmhs_rsa_half_receive_proto =
	PMHS_RSA_HS_PROTO("rsa-half-receive", PMHS_MODE_RSA_HALF_RECEIVE,
			  pmhs_rsa_half_receive_step, false);
