// SPDX-License-Identifier: GPL-2.0
/*
 * Hybrid encryption in poorman_handshake's format:
 *   u16be rsa_len || RSA-OAEP(aes_key) || nonce16 || tag16 || AES-256-GCM(pt)
 * with no AAD. GCM with a 16-byte nonce is gcm16.c's job. The _fd
 * variants run it between the caller's sealed memfds (memfd.c says why).
 */
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/pmhs.h>

#include "compat.h"
#include "gcm16.h"
#include "hybrid.h"
#include "memfd.h"
#include "netlink.h"

size_t pmhs_hybrid_header_len(const struct pmhs_rsa_pub *pub)
{
	return 2 + pmhs_rsa_size(pub) + PMHS_HYBRID_NONCE_LEN + PMHS_HYBRID_TAG_LEN;
}

int pmhs_hybrid_encrypt(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			const u8 *in, size_t len, u8 *out)
{
	size_t rsa_len = pmhs_rsa_size(pub);
	size_t hdr = pmhs_hybrid_header_len(pub);
	u8 key[PMHS_HYBRID_KEY_LEN];
	u8 *nonce, *tag;
	int ret;

	nonce = out + 2 + rsa_len;
	tag = nonce + PMHS_HYBRID_NONCE_LEN;
	put_unaligned_be16(rsa_len, out);
	get_random_bytes(key, sizeof(key));
	get_random_bytes(nonce, PMHS_HYBRID_NONCE_LEN);
	ret = pmhs_rsa_oaep_encrypt(pub, h, key, sizeof(key), out + 2);
	if (!ret)
		ret = pmhs_gcm_encrypt(key, sizeof(key), nonce,
				       PMHS_HYBRID_NONCE_LEN, NULL, 0, in, len,
				       out + hdr, tag);
	if (ret)
		memset(out, 0, hdr + len);
	memzero_explicit(key, sizeof(key));
	return ret;
}

/* Stands in for @emit when the AES key was garbage: emits nothing. */
static int pmhs_hybrid_drop(void *ctx, const u8 *p, size_t n)
{
	return -EBADMSG;
}

int pmhs_hybrid_decrypt(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			const u8 *buf, size_t len,
			int (*emit)(void *ctx, const u8 *p, size_t n),
			void *ctx, size_t *outlen, const char **why)
{
	size_t rsa_len, hdr, klen = 0;
	u8 key[PMHS_RSA_MAX_BYTES];
	u8 nonce[PMHS_HYBRID_NONCE_LEN], tag[PMHS_HYBRID_TAG_LEN];
	bool bad_key;
	int ret;

	if (len < 2) {
		*why = "hybrid message too short";
		return -EBADMSG;
	}
	rsa_len = get_unaligned_be16(buf);
	hdr = 2 + rsa_len + PMHS_HYBRID_NONCE_LEN + PMHS_HYBRID_TAG_LEN;
	if (len < hdr) {
		*why = "hybrid message shorter than its header (rsa_len, nonce, tag)";
		return -EBADMSG;
	}
	if (rsa_len != pmhs_rsa_size(pmhs_rsa_priv_pub(priv))) {
		*why = "hybrid message is not for this key (rsa_len differs from our modulus)";
		return -EBADMSG;
	}
	memcpy(nonce, buf + 2 + rsa_len, sizeof(nonce));
	memcpy(tag, buf + 2 + rsa_len + sizeof(nonce), sizeof(tag));
	ret = pmhs_rsa_oaep_decrypt(priv, h, buf + 2, rsa_len, key, sizeof(key),
				    &klen);
	/*
	 * Implicit rejection: a bad OAEP block goes on with a random key, so
	 * it fails like a bad tag, with the same message and GHASH's time.
	 */
	if (ret == -ENOMEM) {
		*why = "out of memory";
		goto out;
	}
	bad_key = ret || klen != PMHS_HYBRID_KEY_LEN;
	if (bad_key)
		get_random_bytes(key, PMHS_HYBRID_KEY_LEN);
	/* Nothing reaches @emit unless the tag verifies. */
	ret = pmhs_gcm_decrypt_stream(key, PMHS_HYBRID_KEY_LEN, nonce,
				      PMHS_HYBRID_NONCE_LEN, NULL, 0,
				      buf + hdr, len - hdr, tag,
				      bad_key ? pmhs_hybrid_drop : emit, ctx);
	if (ret == -EBADMSG || (!ret && bad_key)) {
		*why = "hybrid message does not decrypt: wrong key or OAEP hash, or tampered";
		ret = -EBADMSG;
		goto out;
	}
	if (ret) {
		/* Otherwise it is the output's error (-ENOSPC, -EINTR...). */
		*why = ret == -ENOMEM ? "out of memory" :
		       ret == -EINTR ? "interrupted" : "cannot write the plaintext out";
		goto out;
	}
	*outlen = len - hdr;
out:
	memzero_explicit(key, sizeof(key));
	return ret;
}

int pmhs_hybrid_encrypt_fd(const struct pmhs_rsa_pub *pub, enum pmhs_hash h,
			   int in_fd, int out_fd, size_t *outlen,
			   struct netlink_ext_ack *extack)
{
	size_t hdr = pmhs_hybrid_header_len(pub);
	struct pmhs_memfd in = { }, out = { };
	int ret;

	ret = pmhs_memfd_get(&in, in_fd, false, PMHS_HYBRID_MAX, extack);
	if (ret)
		goto out;
	ret = pmhs_memfd_get(&out, out_fd, true, 0, extack);
	if (ret)
		goto out;
	ret = pmhs_memfd_map_out(&out, hdr + in.size, extack);
	if (!ret)
		ret = pmhs_memfd_map(&in, in.size, extack);
	if (ret)
		goto out;
	ret = pmhs_hybrid_encrypt(pub, h, in.map, in.size, out.map);
	if (ret) {
		NL_SET_ERR_MSG(extack, "hybrid encryption failed");
		goto out;
	}
	*outlen = hdr + in.size;
out:
	pmhs_memfd_put(&out);
	pmhs_memfd_put(&in);
	return ret;
}

/* Where the next piece of plaintext goes in out-fd's mapping. */
struct pmhs_hybrid_out {
	u8 *p;
	size_t room;
};

static int pmhs_hybrid_emit(void *ctx, const u8 *p, size_t n)
{
	struct pmhs_hybrid_out *o = ctx;

	if (n > o->room)
		return -ENOSPC;
	memcpy(o->p, p, n);
	o->p += n;
	o->room -= n;
	return fatal_signal_pending(current) ? -EINTR : 0;
}

int pmhs_hybrid_decrypt_fd(struct pmhs_rsa_priv *priv, enum pmhs_hash h,
			   int in_fd, int out_fd, size_t *outlen,
			   struct netlink_ext_ack *extack)
{
	size_t hdr = pmhs_hybrid_header_len(pmhs_rsa_priv_pub(priv));
	struct pmhs_memfd in = { }, out = { };
	struct pmhs_hybrid_out o = { };
	const char *why = NULL;
	int ret;

	/* A malformed message is pmhs_hybrid_decrypt()'s to explain. */
	ret = pmhs_memfd_get(&out, out_fd, true, 0, extack);
	if (ret)
		goto out;
	ret = pmhs_memfd_get(&in, in_fd, false, PMHS_HYBRID_MAX + hdr, extack);
	if (ret)
		goto out;
	o.room = in.size > hdr ? in.size - hdr : 0;
	ret = pmhs_memfd_map_out(&out, o.room, extack);
	if (!ret)
		ret = pmhs_memfd_map(&in, in.size, extack);
	if (ret)
		goto out;
	o.p = out.map;
	/* Plaintext reaches out-fd only once the tag is good. */
	ret = pmhs_hybrid_decrypt(priv, h, in.map, in.size, pmhs_hybrid_emit,
				  &o, outlen, &why);
	if (ret)
		pmhs_extack(extack, NULL, why ? why : "hybrid decryption failed");
out:
	pmhs_memfd_put(&in);
	pmhs_memfd_put(&out);
	return ret;
}
