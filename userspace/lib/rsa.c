// SPDX-License-Identifier: GPL-2.0
/* The single-shot RSA operations and hybrid encryption between fds. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"

struct bin_ctx {
	int attr;
	void *out;
	size_t max, len;
	bool seen;		/* the reply had the attribute (maybe empty) */
};

static int bin_cb(struct nlattr **tb, void *arg)
{
	struct bin_ctx *c = arg;

	c->seen = tb[c->attr] != NULL;
	return pmhs_get_bin(tb, c->attr, c->out, c->max, &c->len);
}

/*
 * One rsa-* request: key by @spki or @identity, @data, optional
 * @sig and OAEP hash; the reply's @reply_attr (0: none) into @out.
 */
static int rsa_op(struct pmhs *h, uint8_t cmd, const void *spki, size_t spki_len,
		  const char *identity, int oaep, const void *data, size_t len,
		  const void *sig, size_t sig_len, int reply_attr, void *out,
		  size_t out_max, size_t *out_len)
{
	struct bin_ctx c = { .attr = reply_attr, .out = out, .max = out_max };
	struct nl_msg *m;
	bool secret = cmd == PMHS_CMD_RSA_ENCRYPT;	/* plaintext going in */
	int ret;

	if (!h || (!data && len) || len > INT32_MAX || (reply_attr && !out_len))
		return -EINVAL;
	m = pmhs_raw_msg_sized(h, cmd, 0, spki_len + len + sig_len);
	if (!m)
		return -ENOMEM;
	if ((spki && nla_put(m, PMHS_A_RSA_PUBKEY, (int)spki_len, spki)) ||
	    (identity && nla_put_string(m, PMHS_A_RSA_IDENTITY, identity)) ||
	    nla_put(m, PMHS_A_RSA_DATA, (int)len, data) ||
	    (sig && nla_put(m, PMHS_A_RSA_SIGNATURE, (int)sig_len, sig)) ||
	    (oaep >= 0 && nla_put_u32(m, PMHS_A_RSA_OAEP_HASH, (uint32_t)oaep))) {
		pmhs_raw_discard(m, secret);
		return -EMSGSIZE;
	}
	ret = pmhs_raw_call(h, m, PMHS_A_RSA_MAX, reply_attr ? bin_cb : NULL, &c, secret);
	if (!ret && reply_attr) {
		/* An empty plaintext is a result; no attribute at all is not. */
		if (!c.seen)
			return -EBADMSG;
		*out_len = c.len;
	}
	return ret;
}

PMHS_API int pmhs_rsa_encrypt(struct pmhs *h, const void *spki, size_t spki_len, int oaep_hash,
			      const void *in, size_t in_len, void *out, size_t out_max,
			      size_t *out_len)
{
	if (!spki)
		return -EINVAL;
	return rsa_op(h, PMHS_CMD_RSA_ENCRYPT, spki, spki_len, NULL, oaep_hash, in, in_len,
		      NULL, 0, PMHS_A_RSA_DATA, out, out_max, out_len);
}

PMHS_API int pmhs_rsa_decrypt(struct pmhs *h, const char *identity, int oaep_hash,
			      const void *in, size_t in_len, void *out, size_t out_max,
			      size_t *out_len)
{
	if (!identity)
		return -EINVAL;
	return rsa_op(h, PMHS_CMD_RSA_DECRYPT, NULL, 0, identity, oaep_hash, in, in_len,
		      NULL, 0, PMHS_A_RSA_DATA, out, out_max, out_len);
}

PMHS_API int pmhs_rsa_sign(struct pmhs *h, const char *identity, const void *in, size_t in_len,
			   void *sig, size_t sig_max, size_t *sig_len)
{
	if (!identity)
		return -EINVAL;
	return rsa_op(h, PMHS_CMD_RSA_SIGN, NULL, 0, identity, -1, in, in_len, NULL, 0,
		      PMHS_A_RSA_SIGNATURE, sig, sig_max, sig_len);
}

PMHS_API int pmhs_rsa_verify(struct pmhs *h, const void *spki, size_t spki_len,
			     const void *in, size_t in_len, const void *sig, size_t sig_len)
{
	if (!spki || !sig)
		return -EINVAL;
	return rsa_op(h, PMHS_CMD_RSA_VERIFY, spki, spki_len, NULL, -1, in, in_len, sig,
		      sig_len, 0, NULL, 0, NULL);
}

static int length_cb(struct nlattr **tb, void *arg)
{
	return pmhs_get_u64(tb, PMHS_A_HYBRID_LENGTH, arg) ? 0 : -EBADMSG;
}

static int hybrid(struct pmhs *h, uint8_t cmd, const void *spki, size_t spki_len,
		  const char *identity, int oaep, int in_fd, int out_fd, uint64_t *out_len)
{
	uint64_t len = 0;
	struct nl_msg *m;
	int ret;

	if (!h)
		return -EINVAL;
	m = pmhs_raw_msg_sized(h, cmd, 0, spki_len);
	if (!m)
		return -ENOMEM;
	if ((spki && nla_put(m, PMHS_A_HYBRID_PEER_PUBKEY, (int)spki_len, spki)) ||
	    (identity && nla_put_string(m, PMHS_A_HYBRID_IDENTITY, identity)) ||
	    nla_put_s32(m, PMHS_A_HYBRID_IN_FD, in_fd) ||
	    nla_put_s32(m, PMHS_A_HYBRID_OUT_FD, out_fd) ||
	    (oaep >= 0 && nla_put_u32(m, PMHS_A_HYBRID_OAEP_HASH, (uint32_t)oaep))) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	ret = pmhs_raw_call(h, m, PMHS_A_HYBRID_MAX, length_cb, &len, false);
	if (!ret && out_len)
		*out_len = len;
	return ret;
}

PMHS_API int pmhs_hybrid_encrypt(struct pmhs *h, const void *spki, size_t spki_len,
				 int oaep_hash, int in_fd, int out_fd, uint64_t *out_len)
{
	if (!spki)
		return -EINVAL;
	return hybrid(h, PMHS_CMD_HYBRID_ENCRYPT, spki, spki_len, NULL, oaep_hash, in_fd,
		      out_fd, out_len);
}

PMHS_API int pmhs_hybrid_decrypt(struct pmhs *h, const char *identity, int oaep_hash,
				 int in_fd, int out_fd, uint64_t *out_len)
{
	if (!identity)
		return -EINVAL;
	return hybrid(h, PMHS_CMD_HYBRID_DECRYPT, NULL, 0, identity, oaep_hash, in_fd, out_fd,
		      out_len);
}
