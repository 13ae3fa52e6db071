// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's known-answer path, behind the noise-kat op: one side of a
 * Noise exchange with the caller's fixed static and ephemeral keys. This
 * and noise_kat.c are the only users of the fixed-ephemeral hook; a
 * session (noise_hs.c) always draws its ephemeral from get_random_bytes.
 */
#include <linux/kernel.h>
#include <linux/slab.h>

#include "noise.h"
#include "noise_test.h"

/* e, s + tag and the payload's tag around a payload. */
#define PMHS_NOISE_KAT_ROOM	(2 * NOISE_DH_LEN + 2 * NOISE_TAG_LEN)

struct pmhs_noise_kat_state {
	struct noise_handshake hs;
	struct noise_cipher tx, rx;
	bool split;
};

static int pmhs_noise_kat_step(struct pmhs_noise_kat_state *st,
			       struct pmhs_noise_kat_io *io)
{
	struct noise_cipher *c;
	size_t room;
	int ret;

	if (!st->split && noise_handshake_done(&st->hs)) {
		ret = noise_split(&st->hs, &st->tx, &st->rx);
		if (ret)
			return ret;
		if (!st->hs.initiator)
			swap(st->tx, st->rx);
		st->split = true;
	}
	room = io->write ? io->len + PMHS_NOISE_KAT_ROOM : io->len;
	io->out = kmalloc(max_t(size_t, room, 1), GFP_KERNEL_ACCOUNT);
	if (!io->out)
		return -ENOMEM;
	if (st->split) {
		c = io->write ? &st->tx : &st->rx;
		if (!io->write && io->len < NOISE_TAG_LEN)
			return -EBADMSG;
		ret = io->write ?
		      noise_encrypt_ad(c, NULL, 0, io->in, io->len, io->out) :
		      noise_decrypt_ad(c, NULL, 0, io->in, io->len, io->out);
		if (!ret)
			io->outlen = io->write ? io->len + NOISE_TAG_LEN :
						 io->len - NOISE_TAG_LEN;
		return ret;
	}
	if (io->write != noise_handshake_writes(&st->hs))
		return -EPROTO;
	if (io->write)
		return noise_write_message(&st->hs, io->in, io->len, io->out,
					   room, &io->outlen);
	return noise_read_message(&st->hs, io->in, io->len, io->out, room,
				  &io->outlen);
}

int pmhs_noise_kat_run(struct pmhs_noise_kat_req *r)
{
	struct pmhs_noise_kat_state *st;
	unsigned int i;
	int ret;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	r->fail_step = -1;
	r->fail_err = 0;
	r->has_hash = false;
	ret = noise_handshake_init(&st->hs, r->name, r->initiator, r->prologue,
				   r->plen, r->s_priv, r->rs, r->psks,
				   r->npsks);
	if (ret)
		goto out;
	if (r->e_priv) {
		ret = noise_handshake_fix_ephemeral(&st->hs, r->e_priv);
		if (ret)
			goto out;
	}
	for (i = 0; i < r->nsteps; i++) {
		ret = pmhs_noise_kat_step(st, &r->steps[i]);
		if (ret) {
			r->fail_step = i;
			r->fail_err = ret;
			ret = 0;
			break;
		}
	}
	if (noise_handshake_done(&st->hs) || st->split) {
		r->has_hash = true;
		memcpy(r->hash, st->hs.ss.h, NOISE_HASH_LEN);
	}
out:
	noise_handshake_destroy(&st->hs);
	noise_cipher_destroy(&st->tx);
	noise_cipher_destroy(&st->rx);
	kfree_sensitive(st);
	return ret;
}
