// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer operations: kdf and aead run the module's own PBKDF2,
 * HMAC, HKDF and AES-GCM code on inputs taken from the request, so that
 * conformance suites (Wycheproof, RFC vectors) test the code the
 * handshakes use, through the real module. noise-kat runs one side of a
 * Noise exchange with the caller's own fixed keys and ephemeral. They are pure functions of the
 * request and touch no kernel secret; they need CAP_NET_ADMIN all the same
 * (the ops table says so) because PBKDF2 burns kernel CPU time.
 */
#include <linux/bits.h>
#include <linux/math.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "gcm16.h"
#include "kdf.h"
#include "netlink.h"
#include "nl_gen.h"
#include "noise.h"

#define PMHS_KAT_HASH_LEN	32

/* Which kdf attributes each algorithm needs, and which it takes at all. */
struct pmhs_kdf_attrs {
	unsigned long need;
	unsigned long take;
};

static const struct pmhs_kdf_attrs pmhs_kdf_attrs[] = {
	[PMHS_KDF_ALG_PBKDF2_SHA256] = {
		.need = BIT(PMHS_A_KAT_KEY) | BIT(PMHS_A_KAT_ITERATIONS) |
			BIT(PMHS_A_KAT_LENGTH),
		.take = BIT(PMHS_A_KAT_SALT),
	},
	[PMHS_KDF_ALG_HMAC_SHA256] = {
		.need = BIT(PMHS_A_KAT_KEY) | BIT(PMHS_A_KAT_INPUT),
	},
	[PMHS_KDF_ALG_HKDF_SHA256] = {
		.need = BIT(PMHS_A_KAT_KEY) | BIT(PMHS_A_KAT_LENGTH),
		.take = BIT(PMHS_A_KAT_SALT) | BIT(PMHS_A_KAT_INFO),
	},
};

static void pmhs_kat_wipe(struct nlattr *attr)
{
	if (attr)
		memzero_explicit(nla_data(attr), nla_len(attr));
}

/* An optional binary attribute: its data, or an empty buffer. */
static const u8 *pmhs_kat_bytes(struct nlattr *attr, size_t *len)
{
	static const u8 empty[1];

	*len = attr ? nla_len(attr) : 0;
	return attr ? nla_data(attr) : empty;
}

static int pmhs_kat_reply(struct genl_info *info, const u8 *out, size_t len,
			  const u8 *tag)
{
	struct pmhs_nl_reply r;
	int ret;

	ret = pmhs_nl_reply_begin(info, NLMSG_GOODSIZE + len, &r);
	if (ret)
		return ret;
	if (nla_put(r.msg, PMHS_A_KAT_OUTPUT, len, out) ||
	    (tag && nla_put(r.msg, PMHS_A_KAT_TAG, PMHS_GCM_TAG_SIZE, tag)))
		ret = -EMSGSIZE;
	return pmhs_nl_reply_end(info, &r, ret);
}

/* Every attribute @want needs is there, and nothing it does not take. */
static int pmhs_kdf_check_attrs(struct genl_info *info,
				const struct pmhs_kdf_attrs *want)
{
	struct nlattr **a = info->attrs;
	int i;

	for (i = PMHS_A_KAT_KEY; i <= PMHS_A_KAT_INPUT; i++) {
		if (!a[i] && (want->need & BIT(i))) {
			NL_SET_ERR_MSG(info->extack,
				       "attribute missing: this kdf algorithm needs it");
			NL_SET_ERR_ATTR_MISS(info->extack, NULL, i);
			return -EINVAL;
		}
		if (a[i] && !((want->need | want->take) & BIT(i))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[i],
					    "attribute not used by this kdf algorithm");
			return -EINVAL;
		}
	}
	return 0;
}

static int pmhs_kat_kdf(struct genl_info *info, u32 alg, u8 **outp,
			size_t *outlen)
{
	struct nlattr **a = info->attrs;
	size_t keylen, saltlen, infolen, inlen, len;
	const u8 *key, *salt, *ainfo, *in;
	u8 prk[PMHS_KAT_HASH_LEN];
	u32 iterations = 0;
	u8 *out;
	int ret;

	key = pmhs_kat_bytes(a[PMHS_A_KAT_KEY], &keylen);
	salt = pmhs_kat_bytes(a[PMHS_A_KAT_SALT], &saltlen);
	ainfo = pmhs_kat_bytes(a[PMHS_A_KAT_INFO], &infolen);
	in = pmhs_kat_bytes(a[PMHS_A_KAT_INPUT], &inlen);
	len = a[PMHS_A_KAT_LENGTH] ? nla_get_u32(a[PMHS_A_KAT_LENGTH]) :
				     PMHS_KAT_HASH_LEN;

	if (alg == PMHS_KDF_ALG_PBKDF2_SHA256) {
		iterations = nla_get_u32(a[PMHS_A_KAT_ITERATIONS]);
		/* Every output block costs the full iteration count. */
		if ((u64)iterations * DIV_ROUND_UP(len, PMHS_KAT_HASH_LEN) >
		    PMHS_ITERATIONS_MAX) {
			NL_SET_ERR_MSG(info->extack,
				       "pbkdf2: iterations * output blocks exceeds iterations-max");
			return -EINVAL;
		}
	}

	out = kmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	switch (alg) {
	case PMHS_KDF_ALG_PBKDF2_SHA256:
		ret = pmhs_pbkdf2_sha256(key, keylen, salt, saltlen,
					 iterations, out, len);
		break;
	case PMHS_KDF_ALG_HMAC_SHA256:
		ret = pmhs_hmac_sha256(key, keylen, in, inlen, out);
		break;
	default:
		ret = pmhs_hkdf_sha256_extract(salt, saltlen, key, keylen,
					       prk) ?:
		      pmhs_hkdf_sha256_expand(prk, ainfo, infolen, out, len);
		memzero_explicit(prk, sizeof(prk));
		break;
	}
	if (ret == -EINTR) {
		NL_SET_ERR_MSG(info->extack, "kdf interrupted by a fatal signal");
		kfree_sensitive(out);
		return ret;
	}
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "kdf computation failed");
		kfree_sensitive(out);
		return ret;
	}
	*outp = out;
	*outlen = len;
	return 0;
}

int pmhs_nl_kdf_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *alg = info->attrs[PMHS_A_KAT_KDF_ALG];
	size_t len = 0;
	u8 *out = NULL;
	int ret;

	if (!alg) {
		NL_SET_ERR_MSG(info->extack, "kdf-alg missing");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, PMHS_A_KAT_KDF_ALG);
		ret = -EINVAL;
		goto out;
	}
	/* The policy bounds kdf-alg to the table. */
	ret = pmhs_kdf_check_attrs(info, &pmhs_kdf_attrs[nla_get_u32(alg)]) ?:
	      pmhs_kat_kdf(info, nla_get_u32(alg), &out, &len);
	if (!ret)
		ret = pmhs_kat_reply(info, out, len, NULL);
out:
	kfree_sensitive(out);
	pmhs_kat_wipe(info->attrs[PMHS_A_KAT_KEY]);
	return ret;
}

static int pmhs_kat_aead(struct genl_info *info, u8 **outp, size_t *outlen,
			 u8 tag[PMHS_GCM_TAG_SIZE])
{
	struct nlattr **a = info->attrs;
	struct nlattr *key = a[PMHS_A_KAT_KEY], *iv = a[PMHS_A_KAT_IV];
	size_t aadlen, len;
	const u8 *aad, *in;
	bool decrypt;
	u8 *out;
	int ret;

	if (!key || !iv || !a[PMHS_A_KAT_INPUT] || !a[PMHS_A_KAT_DIRECTION]) {
		NL_SET_ERR_MSG(info->extack,
			       "aead needs key, iv, input and direction");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL,
				     !key ? PMHS_A_KAT_KEY :
				     !iv ? PMHS_A_KAT_IV :
				     !a[PMHS_A_KAT_INPUT] ? PMHS_A_KAT_INPUT :
				     PMHS_A_KAT_DIRECTION);
		return -EINVAL;
	}
	decrypt = nla_get_u32(a[PMHS_A_KAT_DIRECTION]) ==
		  PMHS_AEAD_DIRECTION_DECRYPT;
	if (decrypt && !a[PMHS_A_KAT_TAG]) {
		NL_SET_ERR_MSG(info->extack, "aead decrypt needs the tag");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, PMHS_A_KAT_TAG);
		return -EINVAL;
	}
	if (!decrypt && a[PMHS_A_KAT_TAG]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[PMHS_A_KAT_TAG],
				    "aead encrypt returns the tag, it takes none");
		return -EINVAL;
	}
	if (nla_len(key) != 16 && nla_len(key) != 24 && nla_len(key) != 32) {
		NL_SET_ERR_MSG_ATTR(info->extack, key,
				    "AES key must be 16, 24 or 32 bytes");
		return -EINVAL;
	}
	aad = pmhs_kat_bytes(a[PMHS_A_KAT_AAD], &aadlen);
	in = pmhs_kat_bytes(a[PMHS_A_KAT_INPUT], &len);

	out = kmalloc(len + 1, GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	if (decrypt)
		ret = pmhs_gcm_decrypt(nla_data(key), nla_len(key),
				       nla_data(iv), nla_len(iv), aad, aadlen,
				       in, len, nla_data(a[PMHS_A_KAT_TAG]),
				       out);
	else
		ret = pmhs_gcm_encrypt(nla_data(key), nla_len(key),
				       nla_data(iv), nla_len(iv), aad, aadlen,
				       in, len, out, tag);
	if (ret) {
		if (ret == -EBADMSG)
			NL_SET_ERR_MSG(info->extack, "GCM tag does not verify");
		else
			NL_SET_ERR_MSG(info->extack, "AES-GCM failed");
		kfree_sensitive(out);
		return ret;
	}
	*outp = out;
	*outlen = len;
	return 0;
}

int pmhs_nl_aead_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 tag[PMHS_GCM_TAG_SIZE];
	size_t len = 0;
	u8 *out = NULL;
	int ret;

	ret = pmhs_kat_aead(info, &out, &len, tag);
	if (!ret)
		ret = pmhs_kat_reply(info, out, len,
				     info->attrs[PMHS_A_KAT_TAG] ? NULL : tag);
	kfree_sensitive(out);
	memzero_explicit(tag, sizeof(tag));
	pmhs_kat_wipe(info->attrs[PMHS_A_KAT_KEY]);
	return ret;
}

/* Take the request's steps and PSKs, in order (repeated attributes). */
static int pmhs_noise_kat_parse(struct genl_info *info,
				struct pmhs_noise_kat_req *r, u8 *psks)
{
	struct nlattr *tb[PMHS_A_NOISE_KAT_STEP_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(a) == PMHS_A_NOISE_KAT_PSK) {
			if (r->npsks >= NOISE_MAX_PSKS) {
				NL_SET_ERR_MSG_ATTR(info->extack, a, "at most two PSKs");
				return -EINVAL;
			}
			memcpy(psks + r->npsks++ * NOISE_KEY_LEN, nla_data(a),
			       NOISE_KEY_LEN);
			continue;
		}
		if (nla_type(a) != PMHS_A_NOISE_KAT_STEP)
			continue;
		if (r->nsteps >= PMHS_NOISE_STEPS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many steps (noise-steps-max)");
			return -E2BIG;
		}
		ret = nla_parse_nested(tb, PMHS_A_NOISE_KAT_STEP_MAX, a,
				       pmhs_noise_kat_step_nl_policy, info->extack);
		if (ret)
			return ret;
		if (!!tb[PMHS_A_NOISE_KAT_STEP_PAYLOAD] ==
		    !!tb[PMHS_A_NOISE_KAT_STEP_MESSAGE]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "a step is a payload to write or a message to read");
			return -EINVAL;
		}
		a = tb[PMHS_A_NOISE_KAT_STEP_PAYLOAD] ?: tb[PMHS_A_NOISE_KAT_STEP_MESSAGE];
		r->steps[r->nsteps].write = !!tb[PMHS_A_NOISE_KAT_STEP_PAYLOAD];
		r->steps[r->nsteps].in = nla_data(a);
		r->steps[r->nsteps].len = nla_len(a);
		r->nsteps++;
	}
	return 0;
}

static int pmhs_noise_kat_reply(struct genl_info *info,
				const struct pmhs_noise_kat_req *r)
{
	const struct pmhs_noise_kat_io *io;
	struct pmhs_nl_reply rep;
	size_t size = NLMSG_GOODSIZE;
	struct nlattr *nest;
	unsigned int i;
	int ret;

	for (i = 0; i < r->nsteps; i++)
		size += nla_total_size(nla_total_size(r->steps[i].outlen));
	ret = pmhs_nl_reply_begin(info, size, &rep);
	if (ret)
		return ret;
	for (i = 0; !ret && i < r->nsteps && (r->fail_step < 0 || i < r->fail_step); i++) {
		io = &r->steps[i];
		nest = nla_nest_start(rep.msg, PMHS_A_NOISE_KAT_STEP);
		if (!nest ||
		    nla_put(rep.msg, io->write ? PMHS_A_NOISE_KAT_STEP_MESSAGE :
						 PMHS_A_NOISE_KAT_STEP_PAYLOAD,
			    io->outlen, io->out))
			ret = -EMSGSIZE;
		else
			nla_nest_end(rep.msg, nest);
	}
	if (!ret &&
	    ((r->has_hash && nla_put(rep.msg, PMHS_A_NOISE_KAT_HANDSHAKE_HASH,
				     sizeof(r->hash), r->hash)) ||
	     (r->fail_step >= 0 &&
	      (nla_put_u32(rep.msg, PMHS_A_NOISE_KAT_FAIL_STEP, r->fail_step) ||
	       nla_put_u32(rep.msg, PMHS_A_NOISE_KAT_FAIL_ERRNO, -r->fail_err)))))
		ret = -EMSGSIZE;
	return pmhs_nl_reply_end(info, &rep, ret);
}

int pmhs_nl_noise_kat_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct pmhs_noise_kat_req *r;
	char name[NOISE_MAX_NAME + 1];
	u8 psks[NOISE_MAX_PSKS * NOISE_KEY_LEN];
	unsigned int i;
	struct nlattr *p;
	int rem, ret;

	r = kzalloc(sizeof(*r) + PMHS_NOISE_STEPS_MAX * sizeof(*r->steps),
		    GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->steps = (void *)(r + 1);
	ret = pmhs_noise_kat_parse(info, r, psks);
	if (ret)
		goto out;
	nla_strscpy(name, a[PMHS_A_NOISE_KAT_PROTOCOL], sizeof(name));
	r->name = name;
	r->initiator = nla_get_u32(a[PMHS_A_NOISE_KAT_ROLE]) == PMHS_ROLE_INITIATOR;
	if (a[PMHS_A_NOISE_KAT_PROLOGUE]) {
		r->prologue = nla_data(a[PMHS_A_NOISE_KAT_PROLOGUE]);
		r->plen = nla_len(a[PMHS_A_NOISE_KAT_PROLOGUE]);
	}
	if (a[PMHS_A_NOISE_KAT_STATIC_KEY])
		r->s_priv = nla_data(a[PMHS_A_NOISE_KAT_STATIC_KEY]);
	if (a[PMHS_A_NOISE_KAT_EPHEMERAL])
		r->e_priv = nla_data(a[PMHS_A_NOISE_KAT_EPHEMERAL]);
	if (a[PMHS_A_NOISE_KAT_REMOTE_STATIC])
		r->rs = nla_data(a[PMHS_A_NOISE_KAT_REMOTE_STATIC]);
	r->psks = r->npsks ? psks : NULL;
	ret = pmhs_noise_kat_run(r);
	if (ret == -EPROTONOSUPPORT || ret == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack, a[PMHS_A_NOISE_KAT_PROTOCOL],
				    "unsupported Noise protocol, or not as many PSKs as psk modifiers");
	else if (ret == -ENOKEY)
		NL_SET_ERR_MSG(info->extack,
			       "the pattern needs a static key in advance (static-key or remote-static)");
	if (!ret)
		ret = pmhs_noise_kat_reply(info, r);
	for (i = 0; i < r->nsteps; i++)
		kfree_sensitive(r->steps[i].out);
out:
	memzero_explicit(psks, sizeof(psks));
	nla_for_each_attr(p, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		if (nla_type(p) == PMHS_A_NOISE_KAT_PSK)
			pmhs_kat_wipe(p);
	kfree(r);
	return ret;
}
