// SPDX-License-Identifier: GPL-2.0
/* The known-answer operations: the module's KDFs and AES-GCM, for tests. */
#include <errno.h>
#include <string.h>

#include "internal.h"

struct kat_ctx {
	void *out;
	size_t max, len;
	uint8_t *tag;
	bool have_tag;
};

static int kat_cb(struct nlattr **tb, void *arg)
{
	struct kat_ctx *c = arg;
	int ret = pmhs_get_bin(tb, PMHS_A_KAT_OUTPUT, c->out, c->max, &c->len);

	if (ret)
		return ret;
	if (c->tag && tb[PMHS_A_KAT_TAG] && nla_len(tb[PMHS_A_KAT_TAG]) == 16) {
		memcpy(c->tag, nla_data(tb[PMHS_A_KAT_TAG]), 16);
		c->have_tag = true;
	}
	return 0;
}

static int put_opt(struct nl_msg *m, int attr, const void *p, size_t len)
{
	return p ? nla_put(m, attr, (int)len, p) : 0;
}

PMHS_API int pmhs_kdf(struct pmhs *h, const struct pmhs_kdf_params *p, void *out,
		      size_t out_max, size_t *got)
{
	struct kat_ctx c = { .out = out, .max = out_max };
	struct nl_msg *m;
	int ret;

	if (!h || !PMHS_SIZE_OK(p, sizeof(*p)) || !out || !got)
		return -EINVAL;
	m = pmhs_raw_msg_sized(h, PMHS_CMD_KDF, 0,
			      p->key_len + p->salt_len + p->info_len + p->input_len);
	if (!m)
		return -ENOMEM;
	if (nla_put_u32(m, PMHS_A_KAT_KDF_ALG, p->alg) ||
	    put_opt(m, PMHS_A_KAT_KEY, p->key, p->key_len) ||
	    put_opt(m, PMHS_A_KAT_SALT, p->salt, p->salt_len) ||
	    put_opt(m, PMHS_A_KAT_INFO, p->info, p->info_len) ||
	    put_opt(m, PMHS_A_KAT_INPUT, p->input, p->input_len) ||
	    (p->iterations && nla_put_u32(m, PMHS_A_KAT_ITERATIONS, p->iterations)) ||
	    (p->length && nla_put_u32(m, PMHS_A_KAT_LENGTH, p->length))) {
		pmhs_raw_discard(m, true);
		return -EMSGSIZE;
	}
	ret = pmhs_raw_call(h, m, PMHS_A_KAT_MAX, kat_cb, &c, true);
	if (!ret)
		*got = c.len;
	return ret;
}

PMHS_API int pmhs_aead(struct pmhs *h, const struct pmhs_aead_params *p, void *out,
		       size_t out_max, size_t *out_len, uint8_t tag[16])
{
	bool enc;
	struct kat_ctx c = { .out = out, .max = out_max };
	struct nl_msg *m;
	int ret;

	if (!h || !PMHS_SIZE_OK(p, sizeof(*p)) || !out_len || (!out && out_max))
		return -EINVAL;
	enc = p->direction == PMHS_AEAD_DIRECTION_ENCRYPT;
	if (enc && !tag)
		return -EINVAL;
	c.tag = enc ? tag : NULL;
	m = pmhs_raw_msg_sized(h, PMHS_CMD_AEAD, 0,
			      p->key_len + p->iv_len + p->aad_len + p->input_len + p->tag_len);
	if (!m)
		return -ENOMEM;
	if (nla_put_u32(m, PMHS_A_KAT_DIRECTION, p->direction) ||
	    put_opt(m, PMHS_A_KAT_KEY, p->key, p->key_len) ||
	    put_opt(m, PMHS_A_KAT_IV, p->iv, p->iv_len) ||
	    put_opt(m, PMHS_A_KAT_AAD, p->aad, p->aad_len) ||
	    put_opt(m, PMHS_A_KAT_INPUT, p->input, p->input_len) ||
	    put_opt(m, PMHS_A_KAT_TAG, p->tag, p->tag_len)) {
		pmhs_raw_discard(m, true);
		return -EMSGSIZE;
	}
	ret = pmhs_raw_call(h, m, PMHS_A_KAT_MAX, kat_cb, &c, true);
	if (!ret && enc && !c.have_tag)
		ret = -EBADMSG;
	if (!ret)
		*out_len = c.len;
	return ret;
}
