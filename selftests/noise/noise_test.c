// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/proto/noise.c, compiled unchanged against shim/ (OpenSSL 3), checked
 * against every vector of noise-cacophony.json and noise-v1.json
 * (handshakes and failures), plus negative cases. TAP output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <json-c/json.h>
#include <openssl/hmac.h>

#include "noise_test.h"

int shim_aead_live;
static int tests, failed;

/* kmod/crypto/kdf.c's HMAC, here from OpenSSL. */
int pmhs_hmac_sha256(const u8 *key, size_t keylen, const u8 *msg, size_t len,
		     u8 out[32])
{
	unsigned int olen = 32;

	return HMAC(EVP_sha256(), key, keylen, msg, len, out, &olen) ? 0 : -EIO;
}

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

struct buf {
	u8 *p;
	size_t len;
};

static struct buf unhex(const char *s)
{
	struct buf b = { .len = strlen(s) / 2 };
	size_t i;

	b.p = malloc(b.len + 1);
	for (i = 0; i < b.len; i++)
		sscanf(s + 2 * i, "%2hhx", &b.p[i]);
	return b;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

static bool jhex(json_object *o, const char *k, u8 out[32])
{
	const char *s = jstr(o, k);
	struct buf b;

	if (!s)
		return false;
	b = unhex(s);
	if (b.len != 32) {
		fprintf(stderr, "%s: not 32 bytes\n", k);
		exit(2);
	}
	memcpy(out, b.p, 32);
	free(b.p);
	return true;
}

static bool eq(const u8 *a, size_t alen, const char *hex)
{
	struct buf b = unhex(hex);
	bool r = b.len == alen && !memcmp(a, b.p, alen);

	free(b.p);
	return r;
}

static u8 out[NOISE_MAX_MSG + 1], pt[NOISE_MAX_MSG + 1];

/* Side: keys of one party, from cacophony (prefix init_/resp_) or v1. */
struct side {
	u8 s[32], e[32], rs[32], psks[NOISE_MAX_PSKS][32];
	bool has_s, has_e, has_rs;
	unsigned int npsks;
	struct buf prologue;
};

static int start(struct noise_handshake *hs, const char *name, bool init,
		 struct side *sd)
{
	int ret = noise_handshake_init(hs, name, init, sd->prologue.p,
				       sd->prologue.len,
				       sd->has_s ? sd->s : NULL,
				       sd->has_rs ? sd->rs : NULL,
				       sd->npsks ? sd->psks[0] : NULL, sd->npsks);

	if (!ret && sd->has_e)
		ret = noise_handshake_fix_ephemeral(hs, sd->e);
	return ret;
}

/* Send one message a -> b, check the bytes and the payload. */
static bool step(struct noise_handshake *a, struct noise_handshake *b,
		 const char *payload, const char *expect)
{
	struct buf p = unhex(payload);
	size_t olen, plen;
	bool r;

	r = !noise_write_message(a, p.p, p.len, out, sizeof(out), &olen) &&
	    (!expect || eq(out, olen, expect)) &&
	    !noise_read_message(b, out, olen, pt, sizeof(pt), &plen) &&
	    plen == p.len && !memcmp(pt, p.p, plen);
	free(p.p);
	return r;
}

static bool transport(struct noise_cipher *enc, struct noise_cipher *dec,
		      const char *payload, const char *expect)
{
	struct buf p = unhex(payload);
	bool r;

	r = !noise_encrypt_ad(enc, NULL, 0, p.p, p.len, out) &&
	    eq(out, p.len + 16, expect) &&
	    !noise_decrypt_ad(dec, NULL, 0, out, p.len + 16, pt) &&
	    !memcmp(pt, p.p, p.len);
	free(p.p);
	return r;
}

static void load_caco_side(json_object *v, const char *pfx, struct side *sd)
{
	char k[64];
	json_object *a;
	size_t i;

	memset(sd, 0, sizeof(*sd));
	snprintf(k, sizeof(k), "%s_static", pfx);
	sd->has_s = jhex(v, k, sd->s);
	snprintf(k, sizeof(k), "%s_ephemeral", pfx);
	sd->has_e = jhex(v, k, sd->e);
	snprintf(k, sizeof(k), "%s_remote_static", pfx);
	sd->has_rs = jhex(v, k, sd->rs);
	snprintf(k, sizeof(k), "%s_prologue", pfx);
	sd->prologue = unhex(jstr(v, k) ?: "");
	snprintf(k, sizeof(k), "%s_psks", pfx);
	if (json_object_object_get_ex(v, k, &a)) {
		sd->npsks = json_object_array_length(a);
		for (i = 0; i < sd->npsks && i < NOISE_MAX_PSKS; i++) {
			struct buf b = unhex(json_object_get_string(
				json_object_array_get_idx(a, i)));
			memcpy(sd->psks[i], b.p, 32);
			free(b.p);
		}
	}
}

static bool is_one_way(const char *name)
{
	const char *p = name + 6;

	return (p[0] == 'N' || p[0] == 'K' || p[0] == 'X') &&
	       (p[1] == '_' || !strncmp(p + 1, "psk", 3));
}

static void cacophony(const char *path)
{
	json_object *root = json_object_from_file(path), *vs, *msgs;
	size_t i, j, nv;

	if (!root || !json_object_object_get_ex(root, "vectors", &vs)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	nv = json_object_array_length(vs);
	for (i = 0; i < nv; i++) {
		json_object *v = json_object_array_get_idx(vs, i);
		const char *name = jstr(v, "protocol_name");
		struct noise_handshake hi, hr;
		struct noise_cipher ci1, ci2, cr1, cr2;
		struct side si, sr;
		bool good = true, oneway = is_one_way(name);
		u8 h1[32], h2[32];
		size_t n;

		load_caco_side(v, "init", &si);
		load_caco_side(v, "resp", &sr);
		json_object_object_get_ex(v, "messages", &msgs);
		n = json_object_array_length(msgs);
		good = !start(&hi, name, true, &si) &&
		       !start(&hr, name, false, &sr);
		for (j = 0; good && j < n; j++) {
			json_object *m = json_object_array_get_idx(msgs, j);
			const char *p = jstr(m, "payload"), *c = jstr(m, "ciphertext");
			bool from_i = oneway || !(j & 1);

			if (!noise_handshake_done(&hi)) {
				good = from_i ? step(&hi, &hr, p, c) :
						step(&hr, &hi, p, c);
				if (good && noise_handshake_done(&hi)) {
					noise_handshake_hash(&hi, h1);
					noise_handshake_hash(&hr, h2);
					good = noise_handshake_done(&hr) &&
					       eq(h1, 32, jstr(v, "handshake_hash")) &&
					       !memcmp(h1, h2, 32) &&
					       !noise_split(&hi, &ci1, &ci2) &&
					       !noise_split(&hr, &cr1, &cr2);
					if (!good)
						break;
				}
				continue;
			}
			good = from_i ? transport(&ci1, &cr1, p, c) :
					transport(&cr2, &ci2, p, c);
		}
		good = good && noise_handshake_done(&hi);
		ok(good, "cacophony %zu %s", i, name);
		if (noise_handshake_done(&hi)) {
			noise_cipher_destroy(&ci1);
			noise_cipher_destroy(&ci2);
			noise_cipher_destroy(&cr1);
			noise_cipher_destroy(&cr2);
		}
		noise_handshake_destroy(&hi);
		noise_handshake_destroy(&hr);
		free(si.prologue.p);
		free(sr.prologue.p);
	}
	json_object_put(root);
}

static void load_v1_side(json_object *h, json_object *party, struct side *sd,
			 const char *other, json_object *hs_obj)
{
	json_object *o;

	memset(sd, 0, sizeof(*sd));
	sd->has_s = jhex(party, "static_private", sd->s);
	sd->has_e = jhex(party, "ephemeral_private", sd->e);
	/* handshakes: KK knows the other side's public key in advance;
	 * failures name remote_static and psk per side. */
	if (json_object_object_get_ex(party, "remote_static", &o))
		sd->has_rs = jhex(party, "remote_static", sd->rs);
	else if (strstr(jstr(h, "protocol"), "_KK") &&
		 json_object_object_get_ex(hs_obj, other, &o))
		sd->has_rs = jhex(o, "static_public", sd->rs);
	if (jhex(party, "psk", sd->psks[0]) || jhex(h, "psk", sd->psks[0]))
		sd->npsks = 1;
	sd->prologue = unhex(jstr(party, "prologue") ?: jstr(h, "prologue") ?: "");
}

static void v1(const char *path)
{
	json_object *root = json_object_from_file(path), *hss, *fs;
	size_t i, j;

	if (!root || !json_object_object_get_ex(root, "handshakes", &hss) ||
	    !json_object_object_get_ex(root, "failures", &fs)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	for (i = 0; i < json_object_array_length(hss); i++) {
		json_object *h = json_object_array_get_idx(hss, i), *pi, *pr,
			    *msgs, *tr, *split;
		const char *name = jstr(h, "protocol");
		struct noise_handshake hi, hr;
		struct noise_cipher ci1, ci2, cr1, cr2;
		struct side si, sr;
		u8 h1[32], h2[32], rs[32];
		bool good;

		json_object_object_get_ex(h, "initiator", &pi);
		json_object_object_get_ex(h, "responder", &pr);
		json_object_object_get_ex(h, "messages", &msgs);
		json_object_object_get_ex(h, "transport", &tr);
		json_object_object_get_ex(h, "split", &split);
		load_v1_side(h, pi, &si, "responder", h);
		load_v1_side(h, pr, &sr, "initiator", h);
		good = !start(&hi, name, true, &si) &&
		       !start(&hr, name, false, &sr);
		for (j = 0; good && j < json_object_array_length(msgs); j++) {
			json_object *m = json_object_array_get_idx(msgs, j);
			bool from_i = !strcmp(jstr(m, "from"), "initiator");

			good = from_i ? step(&hi, &hr, jstr(m, "payload"), jstr(m, "message")) :
					step(&hr, &hi, jstr(m, "payload"), jstr(m, "message"));
		}
		good = good && noise_handshake_done(&hi) && noise_handshake_done(&hr);
		ok(good, "v1 %zu %s: handshake messages", i, name);
		if (!good)
			goto next;
		noise_handshake_hash(&hi, h1);
		noise_handshake_hash(&hr, h2);
		ok(eq(h1, 32, jstr(h, "handshake_hash")) && !memcmp(h1, h2, 32),
		   "v1 %zu %s: handshake hash", i, name);
		ok(!noise_remote_static(&hi, rs) && eq(rs, 32, jstr(pr, "static_public")) &&
		   !noise_remote_static(&hr, rs) && eq(rs, 32, jstr(pi, "static_public")),
		   "v1 %zu %s: remote static keys", i, name);
		good = !noise_split(&hi, &ci1, &ci2) && !noise_split(&hr, &cr1, &cr2);
		ok(good && eq(ci1.k, 32, jstr(split, "k1")) && eq(ci2.k, 32, jstr(split, "k2")) &&
		   !memcmp(ci1.k, cr1.k, 32) && !memcmp(ci2.k, cr2.k, 32),
		   "v1 %zu %s: split keys", i, name);
		if (!good)
			goto next;
		good = true;
		for (j = 0; good && j < json_object_array_length(tr); j++) {
			json_object *m = json_object_array_get_idx(tr, j);
			bool from_i = !strcmp(jstr(m, "from"), "initiator");

			good = from_i ? transport(&ci1, &cr1, jstr(m, "plaintext"), jstr(m, "ciphertext")) :
					transport(&cr2, &ci2, jstr(m, "plaintext"), jstr(m, "ciphertext"));
		}
		ok(good, "v1 %zu %s: transport messages", i, name);
		noise_cipher_destroy(&ci1);
		noise_cipher_destroy(&ci2);
		noise_cipher_destroy(&cr1);
		noise_cipher_destroy(&cr2);
next:
		noise_handshake_destroy(&hi);
		noise_handshake_destroy(&hr);
		free(si.prologue.p);
		free(sr.prologue.p);
	}

	for (i = 0; i < json_object_array_length(fs); i++) {
		json_object *f = json_object_array_get_idx(fs, i), *pi, *pr, *msgs;
		const char *name = jstr(f, "protocol"), *what = jstr(f, "what");
		int fail_at = json_object_get_int(json_object_object_get(f, "fails_reading_message"));
		bool fail_i = !strcmp(jstr(f, "failing_side"), "initiator");
		struct noise_handshake hi, hr;
		struct side si, sr;
		bool good;

		json_object_object_get_ex(f, "initiator", &pi);
		json_object_object_get_ex(f, "responder", &pr);
		json_object_object_get_ex(f, "messages", &msgs);
		load_v1_side(f, pi, &si, NULL, NULL);
		load_v1_side(f, pr, &sr, NULL, NULL);
		good = !start(&hi, name, true, &si) &&
		       !start(&hr, name, false, &sr);
		for (j = 0; good && j < json_object_array_length(msgs); j++) {
			json_object *m = json_object_array_get_idx(msgs, j);
			bool from_i = !strcmp(jstr(m, "from"), "initiator");
			struct noise_handshake *w = from_i ? &hi : &hr;
			struct noise_handshake *r = from_i ? &hr : &hi;
			struct buf msg = unhex(jstr(m, "message"));
			size_t olen, plen;
			int ret;

			/* The writer makes the vector's bytes, but for a
			 * tampered one; the reader gets the vector's. */
			good = !noise_write_message(w, NULL, 0, out, sizeof(out), &olen) &&
			       ((int)j + 1 == fail_at || (olen == msg.len && !memcmp(out, msg.p, olen)));
			ret = noise_read_message(r, msg.p, msg.len, pt, sizeof(pt), &plen);
			if ((int)j + 1 == fail_at)
				good = good && ret && from_i != fail_i &&
				       noise_read_message(r, msg.p, msg.len, pt, sizeof(pt), &plen) &&
				       !noise_handshake_done(r);
			else
				good = good && !ret;
			free(msg.p);
			if ((int)j + 1 == fail_at)
				break;
		}
		ok(good && j + 1 == (size_t)fail_at, "v1 failure %zu %s %s: %s fails reading message %d",
		   i, name, what, fail_i ? "initiator" : "responder", fail_at);
		noise_handshake_destroy(&hi);
		noise_handshake_destroy(&hr);
		free(si.prologue.p);
		free(sr.prologue.p);
	}
	json_object_put(root);
}

#define XX "Noise_XX_25519_ChaChaPoly_SHA256"

static void pair(struct noise_handshake *hi, struct noise_handshake *hr,
		 const char *name, const u8 *si, const u8 *sr)
{
	if (noise_handshake_init(hi, name, true, NULL, 0, si, NULL, NULL, 0) ||
	    noise_handshake_init(hr, name, false, NULL, 0, sr, NULL, NULL, 0)) {
		fprintf(stderr, "init %s failed\n", name);
		exit(2);
	}
}

static void negative(void)
{
	static const u8 low_order[32] = {
		0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
		0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
		0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00 };
	static const u8 zero[32];
	u8 si[32], sr[32], msg[200], k[32];
	const char *names[] = { "Noise_XX_25519_ChaChaPoly_SHA256",
				"Noise_XX_25519_AESGCM_SHA256" };
	struct noise_handshake hi, hr;
	struct noise_cipher c1, c2, d1, d2;
	size_t olen, plen, n;
	int c, ret;

	memset(si, 1, 32);
	memset(sr, 2, 32);

	/* A zero or low-order ephemeral from the initiator: the responder's
	 * ee gives all zeros and its write fails. */
	for (c = 0; c < 2; c++) {
		const u8 *bad = c ? low_order : zero;

		pair(&hi, &hr, XX, si, sr);
		noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &olen);
		memcpy(msg, bad, 32);
		ret = noise_read_message(&hr, msg, olen, pt, sizeof(pt), &plen);
		ok(!ret && noise_write_message(&hr, NULL, 0, msg, sizeof(msg), &olen) == -EKEYREJECTED &&
		   noise_write_message(&hr, NULL, 0, msg, sizeof(msg), &olen) == -EINVAL,
		   "%s peer ephemeral refused", c ? "low-order" : "all-zero");
		noise_handshake_destroy(&hi);
		noise_handshake_destroy(&hr);
	}
	/* A low-order remote static in KK: es fails on the first message. */
	ret = noise_handshake_init(&hi, "Noise_KK_25519_ChaChaPoly_SHA256", true,
				   NULL, 0, si, low_order, NULL, 0);
	ok(!ret && noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &olen) == -EKEYREJECTED,
	   "low-order remote static refused");
	noise_handshake_destroy(&hi);

	/* Truncated and oversized messages. */
	pair(&hi, &hr, XX, si, sr);
	noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &olen);
	ok(noise_read_message(&hr, msg, 31, pt, sizeof(pt), &plen) == -EBADMSG &&
	   noise_read_message(&hr, msg, olen, pt, sizeof(pt), &plen) == -EINVAL,
	   "truncated first message refused, handshake failed");
	noise_handshake_destroy(&hi);
	noise_handshake_destroy(&hr);

	pair(&hi, &hr, XX, si, sr);
	noise_write_message(&hi, NULL, 0, msg, sizeof(msg), &olen);
	noise_read_message(&hr, msg, olen, pt, sizeof(pt), &plen);
	noise_write_message(&hr, NULL, 0, msg, sizeof(msg), &olen);
	ok(noise_read_message(&hi, msg, olen - 1, pt, sizeof(pt), &plen) == -EBADMSG,
	   "message with a truncated tag refused");
	noise_handshake_destroy(&hi);
	noise_handshake_destroy(&hr);

	pair(&hi, &hr, XX, si, sr);
	ok(noise_write_message(&hi, pt, NOISE_MAX_MSG - 31, out, sizeof(out), &olen) == -EMSGSIZE &&
	   !noise_write_message(&hi, pt, NOISE_MAX_MSG - 32, out, sizeof(out), &olen) &&
	   olen == NOISE_MAX_MSG,
	   "message over 65535 bytes refused, 65535 accepted");
	ok(noise_read_message(&hr, out, NOISE_MAX_MSG + 1, pt, sizeof(pt), &plen) == -EBADMSG,
	   "read of 65536 bytes refused");
	noise_handshake_destroy(&hi);
	noise_handshake_destroy(&hr);

	pair(&hi, &hr, XX, si, sr);
	ok(noise_write_message(&hi, NULL, 0, msg, 31, &olen) == -ENOBUFS &&
	   noise_read_message(&hi, msg, 32, pt, sizeof(pt), &plen) == -EINVAL &&
	   noise_split(&hi, &c1, &c2) == -EINVAL,
	   "short buffer, out-of-turn read and early split refused");
	noise_handshake_destroy(&hi);
	noise_handshake_destroy(&hr);

	ok(noise_handshake_init(&hi, "Noise_XXpsk2_25519_ChaChaPoly_SHA256", true,
				NULL, 0, si, NULL, NULL, 0) == -EINVAL &&
	   noise_handshake_init(&hi, "Noise_ZZ_25519_ChaChaPoly_SHA256", true,
				NULL, 0, si, NULL, NULL, 0) == -EPROTONOSUPPORT &&
	   noise_handshake_init(&hi, "Noise_XX_448_ChaChaPoly_SHA256", true,
				NULL, 0, si, NULL, NULL, 0) == -EPROTONOSUPPORT &&
	   noise_handshake_init(&hi, "Noise_XXpsk9_25519_ChaChaPoly_SHA256", true,
				NULL, 0, si, NULL, si, 1) == -EINVAL &&
	   noise_handshake_init(&hi, "Noise_KK_25519_ChaChaPoly_SHA256", true,
				NULL, 0, si, NULL, NULL, 0) == -ENOKEY,
	   "missing psk, unknown pattern/DH, bad modifier, missing key refused");

	for (c = 0; c < 2; c++) {
		u8 ct[48], exp[48];

		pair(&hi, &hr, names[c], si, sr);
		for (n = 0; n < 3; n++) {
			struct noise_handshake *w = n & 1 ? &hr : &hi;
			struct noise_handshake *r = n & 1 ? &hi : &hr;

			noise_write_message(w, NULL, 0, msg, sizeof(msg), &olen);
			noise_read_message(r, msg, olen, pt, sizeof(pt), &plen);
		}
		noise_split(&hi, &c1, &c2);
		noise_split(&hr, &d1, &d2);

		/* A failed decryption leaves n where it was. */
		noise_encrypt_ad(&c1, NULL, 0, (u8 *)"abc", 3, ct);
		ct[0] ^= 1;
		ret = noise_decrypt_ad(&d1, NULL, 0, ct, 19, pt);
		ct[0] ^= 1;
		ok(ret == -EBADMSG && d1.n == 0 && !noise_decrypt_ad(&d1, NULL, 0, ct, 19, pt) &&
		   d1.n == 1 && noise_decrypt_ad(&d1, NULL, 0, ct, 19, pt) == -EBADMSG,
		   "%s: tampered transport refused, nonce kept; replay refused", names[c]);

		/* MAX_NONCE is never used. */
		noise_cipher_set_nonce(&c1, NOISE_MAX_NONCE - 1);
		noise_cipher_set_nonce(&d1, NOISE_MAX_NONCE - 1);
		ok(!noise_encrypt_ad(&c1, NULL, 0, (u8 *)"x", 1, ct) &&
		   !noise_decrypt_ad(&d1, NULL, 0, ct, 17, pt) &&
		   c1.n == NOISE_MAX_NONCE &&
		   noise_encrypt_ad(&c1, NULL, 0, (u8 *)"x", 1, ct) == -EOVERFLOW &&
		   noise_decrypt_ad(&d1, NULL, 0, ct, 17, pt) == -EOVERFLOW,
		   "%s: nonce 2^64-1 refused", names[c]);

		/* Rekey: k' = ENCRYPT(k, 2^64-1, "", zeros)[0:32], n kept. */
		memcpy(k, c2.k, 32);
		{
			u8 iv[12] = {}, zeros[32] = {};

			memset(iv + (c ? 4 : 4), 0xff, 8);
			shim_aead(c ? EVP_aes_256_gcm() : EVP_chacha20_poly1305(),
				  true, k, iv, NULL, 0, zeros, 32, exp);
		}
		noise_encrypt_ad(&c2, NULL, 0, (u8 *)"y", 1, ct);
		noise_decrypt_ad(&d2, NULL, 0, ct, 17, pt);
		ok(!noise_cipher_rekey(&c2) && !noise_cipher_rekey(&d2) &&
		   !memcmp(c2.k, exp, 32) && c2.n == 1 &&
		   !noise_encrypt_ad(&c2, NULL, 0, (u8 *)"z", 1, ct) &&
		   !noise_decrypt_ad(&d2, NULL, 0, ct, 17, pt) && pt[0] == 'z',
		   "%s: rekey", names[c]);

		noise_cipher_destroy(&c1);
		noise_cipher_destroy(&c2);
		noise_cipher_destroy(&d1);
		noise_cipher_destroy(&d2);
		noise_handshake_destroy(&hi);
		noise_handshake_destroy(&hr);
	}
	ok(shim_aead_live == 0, "no AES-GCM transform leaked (%d live)", shim_aead_live);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "selftests/vectors";
	char path[4096];

	snprintf(path, sizeof(path), "%s/noise-cacophony.json", dir);
	cacophony(path);
	snprintf(path, sizeof(path), "%s/noise-v1.json", dir);
	v1(path);
	negative();
	printf("1..%d\n# noise: %d/%d passed\n", tests, tests - failed, tests);
	return failed ? 1 : 0;
}
