// SPDX-License-Identifier: GPL-2.0
/*
 * Known answers for the Noise engine at module load: XXpsk2 and KKpsk0
 * for both suites from noise-v1.json (kmod/noise_kat.h), with the
 * vectors' fixed ephemerals through the test-only hook of noise_test.h.
 * Every message, the handshake hash, both Split() keys and every
 * transport message must match byte for byte.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "noise.h"
#include "noise_kat.h"
#include "noise_test.h"

struct noise_kat_state {
	struct noise_handshake hi, hr;
	struct noise_cipher c[4];	/* initiator's c1, c2; responder's */
	u8 out[PMHS_NOISE_KAT_MAX_LEN];
	u8 pt[PMHS_NOISE_KAT_MAX_LEN];
};

/* Public test data: memcmp is fine in a known-answer test. */
static int noise_kat_msg(struct noise_kat_state *st,
			 const struct pmhs_noise_kat_msg *m)
{
	struct noise_handshake *w = m->from_initiator ? &st->hi : &st->hr;
	struct noise_handshake *r = m->from_initiator ? &st->hr : &st->hi;
	size_t olen, plen;
	int ret;

	ret = noise_write_message(w, m->pt, m->ptlen, st->out,
				  sizeof(st->out), &olen);
	if (ret)
		return ret;
	if (olen != m->ctlen || memcmp(st->out, m->ct, olen))
		return -EBADMSG;
	ret = noise_read_message(r, st->out, olen, st->pt, sizeof(st->pt),
				 &plen);
	if (ret)
		return ret;
	return plen == m->ptlen && !memcmp(st->pt, m->pt, plen) ? 0 : -EBADMSG;
}

static int noise_kat_transport(struct noise_kat_state *st,
			       const struct pmhs_noise_kat_msg *m)
{
	struct noise_cipher *enc = m->from_initiator ? &st->c[0] : &st->c[3];
	struct noise_cipher *dec = m->from_initiator ? &st->c[2] : &st->c[1];
	int ret;

	ret = noise_encrypt_ad(enc, NULL, 0, m->pt, m->ptlen, st->out);
	if (ret)
		return ret;
	if (memcmp(st->out, m->ct, m->ctlen))
		return -EBADMSG;
	ret = noise_decrypt_ad(dec, NULL, 0, st->out, m->ctlen, st->pt);
	if (ret)
		return ret;
	return memcmp(st->pt, m->pt, m->ptlen) ? -EBADMSG : 0;
}

static int noise_kat_one(struct noise_kat_state *st,
			 const struct pmhs_noise_kat *k)
{
	u8 h[NOISE_HASH_LEN];
	unsigned int i;
	bool split = false;
	int ret;

	ret = noise_handshake_init(&st->hi, k->protocol, true, k->prologue,
				   k->prologue_len, k->i_static,
				   k->known_statics ? k->r_pub : NULL, k->psk, 1);
	if (ret)
		return ret;
	ret = noise_handshake_init(&st->hr, k->protocol, false, k->prologue,
				   k->prologue_len, k->r_static,
				   k->known_statics ? k->i_pub : NULL, k->psk, 1);
	if (ret)
		goto out_i;
	ret = noise_handshake_fix_ephemeral(&st->hi, k->i_ephemeral) ?:
	      noise_handshake_fix_ephemeral(&st->hr, k->r_ephemeral);
	for (i = 0; !ret && i < k->nmsgs; i++)
		ret = noise_kat_msg(st, &k->msgs[i]);
	if (ret)
		goto out;
	noise_handshake_hash(&st->hi, h);
	if (memcmp(h, k->hash, sizeof(h)))
		ret = -EBADMSG;
	noise_handshake_hash(&st->hr, h);
	if (memcmp(h, k->hash, sizeof(h)))
		ret = -EBADMSG;
	ret = ret ?: noise_split(&st->hi, &st->c[0], &st->c[1]);
	if (ret)
		goto out;
	ret = noise_split(&st->hr, &st->c[2], &st->c[3]);
	if (ret) {
		noise_cipher_destroy(&st->c[0]);
		noise_cipher_destroy(&st->c[1]);
		goto out;
	}
	split = true;
	if (memcmp(st->c[0].k, k->k1, NOISE_KEY_LEN) ||
	    memcmp(st->c[1].k, k->k2, NOISE_KEY_LEN) ||
	    memcmp(st->c[2].k, k->k1, NOISE_KEY_LEN) ||
	    memcmp(st->c[3].k, k->k2, NOISE_KEY_LEN))
		ret = -EBADMSG;
	for (i = 0; !ret && i < k->ntransport; i++)
		ret = noise_kat_transport(st, &k->transport[i]);
out:
	if (split)
		for (i = 0; i < ARRAY_SIZE(st->c); i++)
			noise_cipher_destroy(&st->c[i]);
	noise_handshake_destroy(&st->hr);
out_i:
	noise_handshake_destroy(&st->hi);
	return ret;
}

int pmhs_noise_selftest(void)
{
	struct noise_kat_state *st;
	unsigned int i;
	int ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (i = 0; !ret && i < ARRAY_SIZE(pmhs_noise_kats); i++) {
		ret = noise_kat_one(st, &pmhs_noise_kats[i]);
		if (ret)
			pr_err("noise KAT %s failed (%d)\n",
			       pmhs_noise_kats[i].protocol, ret);
	}
	kfree_sensitive(st);
	return ret;
}
