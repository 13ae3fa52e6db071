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

#include "compat.h"
#include "identity.h"
#include "rsa.h"
#include "session.h"

static int pmhs_rsa_start(struct pmhs_session *s, u8 **out, size_t *outlen,
			  struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_priv *priv = s->ident->key;
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

static int pmhs_rsa_recv_start(struct pmhs_session *s, u8 **out,
			       size_t *outlen, struct netlink_ext_ack *extack)
{
	*out = NULL;
	*outlen = 0;
	return 0;
}

/* Verify the peer's message and recover its 32 bytes into @peer32. */
static int pmhs_rsa_open(struct pmhs_session *s, const u8 *msg, size_t len,
			 u8 peer32[PMHS_SECRET_LEN],
			 struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_priv *priv = s->ident->key;
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

static int pmhs_rsa_mutual_finish(struct pmhs_session *s, const u8 *msg,
				  size_t len, u8 secret[PMHS_SECRET_LEN],
				  struct netlink_ext_ack *extack)
{
	int ret, i;

	ret = pmhs_rsa_open(s, msg, len, secret, extack);
	if (ret)
		return ret;
	for (i = 0; i < PMHS_SECRET_LEN; i++)
		secret[i] ^= s->own[i];
	return 0;
}

const struct pmhs_mode_ops pmhs_rsa_mutual_ops = {
	.start = pmhs_rsa_start,
	.finish = pmhs_rsa_mutual_finish,
	.two_sided = true,
};

const struct pmhs_mode_ops pmhs_rsa_half_send_ops = {
	.start = pmhs_rsa_start,
	.done_on_start = true,
};

const struct pmhs_mode_ops pmhs_rsa_half_receive_ops = {
	.start = pmhs_rsa_recv_start,
	.finish = pmhs_rsa_open,
};
