// SPDX-License-Identifier: GPL-2.0
/*
 * The noise mode: a Noise handshake (noise.c) as a session protocol, then
 * the two transport CipherStates kept in the session, so an application
 * can encrypt and decrypt without ever holding the keys. What is
 * published to the keyring is the export secret (noise_export()), for
 * kTLS and IPsec; the transport keys themselves never leave the kernel.
 *
 * Stricter than the reference: any failure (a tag, a low-order key, a
 * message out of turn) ends the session, which leaves the table at once,
 * and a transport message that does not decrypt wipes both CipherStates
 * first (HiveMind drops the link too).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/sha2.h>
#include <net/netlink.h>

#include "compat.h"
#include "cred.h"
#include "identity.h"
#include "keyring.h"
#include "netlink.h"
#include "netns.h"
#include "noise.h"
#include "proto.h"

/* Room for a message's keys and tags beside its payload: e, s + tag, tag. */
#define PMHS_NOISE_OVERHEAD	(2 * NOISE_DH_LEN + 2 * NOISE_TAG_LEN)

struct pmhs_noise {
	struct noise_handshake hs;
	struct pmhs_identity *id;	/* our static key's, or NULL */
	bool done;
	/* Once done: */
	struct noise_cipher tx, rx;
	u8 hash[NOISE_HASH_LEN];
	bool has_rs;
	u8 rs[NOISE_DH_LEN];
	u8 rs_fpr[32];
};

/* The PSK: an attribute (wiped by the front end) or a key's payload. */
static int pmhs_noise_psk(struct nlattr *const *a, u8 psk[NOISE_KEY_LEN],
			  struct netlink_ext_ack *extack)
{
	size_t len = 0;
	u8 *p = NULL;
	int ret;

	if (a[PMHS_A_NOISE_PARAMS_PSK]) {
		nla_memcpy(psk, a[PMHS_A_NOISE_PARAMS_PSK], NOISE_KEY_LEN);
		return 0;
	}
	ret = pmhs_keyring_read_password(nla_get_s32(a[PMHS_A_NOISE_PARAMS_PSK_KEY]),
					 &p, &len, extack);
	if (ret)
		return ret;
	if (len != NOISE_KEY_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_NOISE_PARAMS_PSK_KEY],
				    "the PSK key's payload must be 32 bytes");
		ret = -EKEYREJECTED;
	} else {
		memcpy(psk, p, NOISE_KEY_LEN);
	}
	kfree_sensitive(p);
	return ret;
}

static int pmhs_noise_parse(void *priv, const struct pmhs_proto_args *args,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *const *a = args->tb;
	u8 psks[NOISE_MAX_PSKS][NOISE_KEY_LEN];
	char name[NOISE_MAX_NAME + 1];
	const struct pmhs_x25519 *key = NULL;
	struct pmhs_noise *s = priv;
	const u8 *rs = NULL;
	bool initiator;
	int ret, npsk;

	if (!args->nest) {
		NL_SET_ERR_MSG(extack, "noise mode needs its parameters (nest noise)");
		return -EINVAL;
	}
	if (!a[PMHS_A_NOISE_PARAMS_PROTOCOL] || !a[PMHS_A_NOISE_PARAMS_ROLE]) {
		NL_SET_ERR_MSG_ATTR(extack, args->nest,
				    "noise mode needs protocol and role");
		return -EINVAL;
	}
	if (a[PMHS_A_NOISE_PARAMS_PSK] && a[PMHS_A_NOISE_PARAMS_PSK_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_NOISE_PARAMS_PSK_KEY],
				    "give either psk or psk-key, not both");
		return -EINVAL;
	}
	initiator = nla_get_u32(a[PMHS_A_NOISE_PARAMS_ROLE]) == PMHS_ROLE_INITIATOR;
	if (args->payload && !initiator) {
		NL_SET_ERR_MSG_ATTR(extack, args->payload,
				    "the responder's first payload goes with session-recv");
		return -EINVAL;
	}
	nla_strscpy(name, a[PMHS_A_NOISE_PARAMS_PROTOCOL], sizeof(name));
	if (args->identity) {
		s->id = pmhs_identity_find_attr(pmhs_net(args->net), args->identity,
						&pmhs_cred_x25519, extack);
		if (IS_ERR(s->id)) {
			ret = PTR_ERR(s->id);
			s->id = NULL;
			return ret;
		}
		key = pmhs_cred_x25519_key(&s->id->cred);
	}
	if (a[PMHS_A_NOISE_PARAMS_REMOTE_STATIC])
		rs = nla_data(a[PMHS_A_NOISE_PARAMS_REMOTE_STATIC]);

	/* The psk count comes from the name; one PSK serves every modifier. */
	npsk = 0;
	for (const char *p = strstr(name, "psk"); p; p = strstr(p + 3, "psk"))
		npsk++;
	if (npsk > NOISE_MAX_PSKS) {
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_NOISE_PARAMS_PROTOCOL],
				    "at most two psk modifiers");
		return -EINVAL;
	}
	if (npsk && !a[PMHS_A_NOISE_PARAMS_PSK] && !a[PMHS_A_NOISE_PARAMS_PSK_KEY]) {
		NL_SET_ERR_MSG_ATTR(extack, args->nest,
				    "this protocol has a psk modifier: give psk or psk-key");
		return -EINVAL;
	}
	if (!npsk && (a[PMHS_A_NOISE_PARAMS_PSK] || a[PMHS_A_NOISE_PARAMS_PSK_KEY])) {
		NL_SET_ERR_MSG_ATTR(extack, args->nest,
				    "a PSK was given, but the protocol has no psk modifier");
		return -EINVAL;
	}
	if (npsk) {
		ret = pmhs_noise_psk(a, psks[0], extack);
		if (ret)
			goto out;
		memcpy(psks[1], psks[0], NOISE_KEY_LEN);
	}
	ret = noise_handshake_init(&s->hs, name, initiator,
				   a[PMHS_A_NOISE_PARAMS_PROLOGUE] ?
				   nla_data(a[PMHS_A_NOISE_PARAMS_PROLOGUE]) : NULL,
				   a[PMHS_A_NOISE_PARAMS_PROLOGUE] ?
				   nla_len(a[PMHS_A_NOISE_PARAMS_PROLOGUE]) : 0,
				   key ? key->priv : NULL, rs,
				   npsk ? psks[0] : NULL, npsk);
	switch (ret) {
	case 0:
		break;
	case -EPROTONOSUPPORT:
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_NOISE_PARAMS_PROTOCOL],
				    "unsupported Noise protocol: DH 25519, cipher ChaChaPoly or AESGCM, hash SHA256");
		goto out;
	case -ENOKEY:
		NL_SET_ERR_MSG_ATTR(extack, args->nest,
				    "the pattern needs a static key in advance: give identity (ours) or remote-static (the peer's)");
		goto out;
	case -ENOMEM:
		goto out;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a[PMHS_A_NOISE_PARAMS_PROTOCOL],
				    "not a Noise protocol name (Noise_<pattern>[pskN]_25519_<cipher>_SHA256)");
		ret = -EINVAL;
		goto out;
	}
	if (noise_needs_local_static(&s->hs) && !key) {
		NL_SET_ERR_MSG_ATTR(extack, args->nest,
				    "the pattern uses our static key: give identity (an X25519 identity)");
		ret = -ENOKEY;
		goto out;
	}
	if (key && !noise_needs_local_static(&s->hs)) {
		NL_SET_ERR_MSG_ATTR(extack, args->identity,
				    "the pattern has no static key of ours: leave identity out");
		ret = -EINVAL;
	}
out:
	memzero_explicit(psks, sizeof(psks));
	return ret;
}

/* Why a message was refused, for the caller (a reason, no secret). */
static int pmhs_noise_read_error(int ret, struct netlink_ext_ack *extack)
{
	switch (ret) {
	case -EKEYREJECTED:
		NL_SET_ERR_MSG(extack,
			       "the peer's key is of low order (an all-zero DH result)");
		return -EBADMSG;
	case -EBADMSG:
		NL_SET_ERR_MSG(extack,
			       "peer message does not decrypt: wrong PSK, prologue or key, or tampered");
		return -EBADMSG;
	case -ENOMEM:
		return ret;
	case -ENOKEY:
		NL_SET_ERR_MSG(extack, "the pattern needs a key this side does not have");
		return ret;
	default:
		NL_SET_ERR_MSG(extack, "peer message refused");
		return -EBADMSG;
	}
}

static int pmhs_noise_read(struct pmhs_noise *s, struct pmhs_proto_io *io,
			   struct netlink_ext_ack *extack)
{
	int ret;

	if (noise_handshake_writes(&s->hs)) {
		NL_SET_ERR_MSG(extack, "message out of order: our message is next");
		return -EPROTO;
	}
	/* A payload is never longer than its message. */
	io->peer_payload = kmalloc(max_t(size_t, io->inlen, 1), GFP_KERNEL_ACCOUNT);
	if (!io->peer_payload)
		return -ENOMEM;
	ret = noise_read_message(&s->hs, io->in, io->inlen, io->peer_payload,
				 io->inlen, &io->peer_plen);
	if (ret)
		return pmhs_noise_read_error(ret, extack);
	io->read = true;
	return 0;
}

static int pmhs_noise_write(struct pmhs_noise *s, struct pmhs_proto_io *io,
			    struct netlink_ext_ack *extack)
{
	size_t max = io->plen + PMHS_NOISE_OVERHEAD;
	int ret;

	io->out = kmalloc(max, GFP_KERNEL_ACCOUNT);
	if (!io->out)
		return -ENOMEM;
	ret = noise_write_message(&s->hs, io->payload, io->plen, io->out, max,
				  &io->outlen);
	if (ret == -EKEYREJECTED) {
		/* A DH with the peer's key: its message (or given key) is bad. */
		NL_SET_ERR_MSG(extack,
			       "the peer's key is of low order (an all-zero DH result)");
		ret = -EBADMSG;
	} else if (ret == -ENOKEY) {
		NL_SET_ERR_MSG(extack, "the pattern needs a key this side does not have");
	} else if (ret == -EMSGSIZE) {
		NL_SET_ERR_MSG(extack, "payload too long for a Noise message");
	}
	return ret;
}

/* Split, keep the transport keys and the public outputs, wipe the rest. */
static int pmhs_noise_finish(struct pmhs_noise *s, struct pmhs_proto_done *done)
{
	u8 spki[PMHS_X25519_SPKI_LEN];
	int ret;

	ret = noise_split(&s->hs, &s->tx, &s->rx);
	if (ret)
		return ret;
	if (!s->hs.initiator)
		swap(s->tx, s->rx);
	ret = noise_export(&s->hs, done->secret);
	if (ret)
		return ret;
	noise_handshake_hash(&s->hs, s->hash);
	s->has_rs = !noise_remote_static(&s->hs, s->rs);
	if (s->has_rs) {
		pmhs_x25519_spki(s->rs, spki);
		sha256(spki, sizeof(spki), s->rs_fpr);
	}
	noise_handshake_destroy(&s->hs);
	s->done = true;
	done->done = true;
	/* Both ephemerals are fresh random: both sides contribute. */
	done->two_sided = true;
	return 0;
}

/*
 * Read the peer's message if there is one, then write ours if it is our
 * turn and asked for (always on session-new's step).
 */
static int pmhs_noise_step(void *priv, struct pmhs_proto_io *io,
			   struct pmhs_proto_done *done,
			   struct netlink_ext_ack *extack)
{
	struct pmhs_noise *s = priv;
	int ret;

	if (s->done) {
		NL_SET_ERR_MSG(extack, "the handshake is finished");
		return -EALREADY;
	}
	if (io->in) {
		ret = pmhs_noise_read(s, io, extack);
		if (ret)
			return ret;
	}
	if (!noise_handshake_done(&s->hs) && io->write) {
		if (noise_handshake_writes(&s->hs)) {
			ret = pmhs_noise_write(s, io, extack);
			if (ret)
				return ret;
		} else if (io->payload) {
			/* (The responder's session-new has no payload.) */
			NL_SET_ERR_MSG(extack, "not our turn: the peer's message is next");
			return -EPROTO;
		}
	}
	if (noise_handshake_done(&s->hs))
		return pmhs_noise_finish(s, done);
	return 0;
}

static int pmhs_noise_transport(void *priv, struct pmhs_xport *x,
				struct netlink_ext_ack *extack)
{
	struct pmhs_noise *s = priv;
	struct noise_cipher *cs;
	int ret;

	switch (x->op) {
	case PMHS_XPORT_REKEY_TX:
	case PMHS_XPORT_REKEY_RX:
		cs = x->op == PMHS_XPORT_REKEY_TX ? &s->tx : &s->rx;
		return noise_cipher_rekey(cs);
	case PMHS_XPORT_ENCRYPT:
		if (x->len > PMHS_NOISE_DATA_MAX) {
			NL_SET_ERR_MSG(extack, "at most 65515 bytes of plaintext a message");
			return -EMSGSIZE;
		}
		x->out = kmalloc(x->len + NOISE_TAG_LEN, GFP_KERNEL_ACCOUNT);
		if (!x->out)
			return -ENOMEM;
		x->nonce = s->tx.n;
		ret = noise_encrypt_ad(&s->tx, x->ad, x->adlen, x->in, x->len,
				       x->out);
		if (ret == -EOVERFLOW)
			NL_SET_ERR_MSG(extack, "nonces exhausted: start a new session");
		if (!ret)
			x->outlen = x->len + NOISE_TAG_LEN;
		return ret;
	case PMHS_XPORT_DECRYPT:
		if (x->len < NOISE_TAG_LEN) {
			ret = -EBADMSG;
		} else {
			x->out = kmalloc(max_t(size_t, x->len - NOISE_TAG_LEN, 1),
					 GFP_KERNEL_ACCOUNT);
			if (!x->out)
				return -ENOMEM;
			x->nonce = s->rx.n;
			ret = noise_decrypt_ad(&s->rx, x->ad, x->adlen, x->in,
					       x->len, x->out);
		}
		if (ret == -EOVERFLOW) {
			NL_SET_ERR_MSG(extack, "nonces exhausted: start a new session");
		} else if (ret == -EBADMSG) {
			NL_SET_ERR_MSG(extack,
				       "transport message does not decrypt (tampered, replayed or out of order): session ended");
			noise_cipher_destroy(&s->tx);
			noise_cipher_destroy(&s->rx);
		}
		if (!ret)
			x->outlen = x->len - NOISE_TAG_LEN;
		return ret;
	}
	return -EINVAL;
}

static void pmhs_noise_describe(const void *priv, struct pmhs_proto_info *info)
{
	const struct pmhs_noise *s = priv;

	info->identity = s->id ? s->id->name : NULL;
	if (!s->done) {
		info->our_turn = !s->hs.failed && noise_handshake_writes(&s->hs);
		return;
	}
	info->has_hash = true;
	memcpy(info->hash, s->hash, sizeof(info->hash));
	if (s->has_rs) {
		info->has_peer = true;
		memcpy(info->peer_fpr, s->rs_fpr, sizeof(info->peer_fpr));
		info->has_peer_static = true;
		memcpy(info->peer_static, s->rs, sizeof(info->peer_static));
	}
}

static void pmhs_noise_destroy(void *priv)
{
	struct pmhs_noise *s = priv;

	noise_handshake_destroy(&s->hs);
	noise_cipher_destroy(&s->tx);
	noise_cipher_destroy(&s->rx);
	if (s->id)
		pmhs_identity_put(s->id);
	memzero_explicit(s, sizeof(*s));
}

const struct pmhs_proto pmhs_noise_proto = {
	.name		= "noise",
	.mode		= PMHS_MODE_NOISE,
	.priv_size	= sizeof(struct pmhs_noise),
	.nest		= PMHS_A_SESSION_NOISE,
	.maxattr	= PMHS_A_NOISE_PARAMS_MAX,
	.parse		= pmhs_noise_parse,
	.payloads	= true,
	.unlink_on_failure = true,
	.step		= pmhs_noise_step,
	.transport	= pmhs_noise_transport,
	.describe	= pmhs_noise_describe,
	.destroy	= pmhs_noise_destroy,
	.selftest	= pmhs_noise_selftest,
};
