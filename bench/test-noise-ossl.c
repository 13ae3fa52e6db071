// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's OpenSSL Noise (noise_ossl.c) against noise-v1.json, on
 * the host: every handshake from both sides with the vectors' fixed keys
 * (messages, payloads, handshake hash, Split() keys, transport messages
 * in order) and every failure case (the side and message that must
 * fail). A reference that is wrong would make the ratio meaningless.
 *
 *   test-noise-ossl [VECTORS-DIR]    (default ../selftests/vectors)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "noise_ossl.h"

static int tests, failed;

static void ok(int cond, const char *fmt, const char *a, int i)
{
	tests++;
	if (!cond)
		failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests);
	printf(fmt, a, i);
	printf("\n");
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

/* Hex to a malloc()ed buffer (never NULL); *@len bytes. */
static uint8_t *unhex(const char *s, size_t *len)
{
	size_t n = s ? strlen(s) / 2 : 0;
	uint8_t *b = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &b[i]);
	if (len)
		*len = n;
	return b;
}

static void hex(char *out, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int side_init(struct nz_hs *hs, const char *proto, bool initiator, struct json_object *me,
		     struct json_object *peer, const char *psk_hex, const char *prologue_hex,
		     const char *rs_hex)
{
	size_t plen;
	uint8_t *s = unhex(str(me, "static_private"), NULL);
	uint8_t *e = unhex(str(me, "ephemeral_private"), NULL);
	uint8_t *psk = unhex(psk_hex, NULL);
	uint8_t *pro = unhex(prologue_hex, &plen);
	uint8_t *rs = rs_hex ? unhex(rs_hex, NULL) : NULL;
	int ret = nz_init(hs, proto, initiator, pro, plen, s, e, rs, psk);

	free(s);
	free(e);
	free(psk);
	free(pro);
	free(rs);
	return ret;
}

static void one_handshake(struct json_object *v, int idx)
{
	const char *proto = str(v, "protocol");
	struct json_object *ini = get(v, "initiator"), *res = get(v, "responder");
	struct json_object *msgs = get(v, "messages"), *tr = get(v, "transport");
	bool kk = strstr(proto, "KK") != NULL;
	struct nz_hs side[2];
	struct nz_cipher c1[2], c2[2];
	uint8_t out[70000], pl[70000], exp1[32], exp2[32];
	char hx[140001];
	bool good = true;
	size_t n, pn;

	if (side_init(&side[0], proto, true, ini, res, str(v, "psk"), str(v, "prologue"),
		      kk ? str(res, "static_public") : NULL) ||
	    side_init(&side[1], proto, false, res, ini, str(v, "psk"), str(v, "prologue"),
		      kk ? str(ini, "static_public") : NULL)) {
		ok(0, "%s #%d: init", proto, idx);
		return;
	}
	for (size_t m = 0; m < json_object_array_length(msgs); m++) {
		struct json_object *e = json_object_array_get_idx(msgs, m);
		int w = strcmp(str(e, "from"), "initiator") ? 1 : 0;
		size_t plen;
		uint8_t *payload = unhex(str(e, "payload"), &plen);

		if (nz_write(&side[w], payload, plen, out, &n)) {
			good = false;
		} else {
			hex(hx, out, n);
			good &= !strcmp(hx, str(e, "message"));
			good &= !nz_read(&side[!w], out, n, pl, &pn) && pn == plen &&
				!memcmp(pl, payload, plen);
		}
		free(payload);
	}
	ok(good, "%s #%d: messages and payloads both ways", proto, idx);
	ok(nz_done(&side[0]) && nz_done(&side[1]), "%s #%d: both sides done", proto, idx);
	hex(hx, side[0].h, 32);
	ok(!strcmp(hx, str(v, "handshake_hash")) && !memcmp(side[0].h, side[1].h, 32),
	   "%s #%d: handshake hash", proto, idx);
	ok(side[0].has_rs && !strcmp((hex(hx, side[0].rs, 32), hx), str(res, "static_public")) &&
	   side[1].has_rs && !strcmp((hex(hx, side[1].rs, 32), hx), str(ini, "static_public")),
	   "%s #%d: remote statics", proto, idx);
	nz_split(&side[0], &c1[0], &c2[0]);
	nz_split(&side[1], &c1[1], &c2[1]);
	hex(hx, c1[0].k, 32);
	good = !strcmp(hx, str(get(v, "split"), "k1"));
	hex(hx, c2[0].k, 32);
	good &= !strcmp(hx, str(get(v, "split"), "k2"));
	ok(good && !memcmp(c1[0].k, c1[1].k, 32) && !memcmp(c2[0].k, c2[1].k, 32),
	   "%s #%d: Split() keys", proto, idx);
	nz_export(&side[0], exp1);
	nz_export(&side[1], exp2);
	ok(!memcmp(exp1, exp2, 32) && memcmp(exp1, c1[0].k, 32) && memcmp(exp1, c2[0].k, 32),
	   "%s #%d: export secret agrees, differs from the transport keys", proto, idx);
	good = true;
	for (size_t m = 0; m < json_object_array_length(tr); m++) {
		struct json_object *e = json_object_array_get_idx(tr, m);
		bool from_i = !strcmp(str(e, "from"), "initiator");
		struct nz_cipher *enc = from_i ? &c1[0] : &c2[1], *dec = from_i ? &c1[1] : &c2[0];
		size_t plen;
		uint8_t *p = unhex(str(e, "plaintext"), &plen);

		good &= !nz_encrypt(enc, NULL, 0, p, plen, out);
		hex(hx, out, plen + 16);
		good &= !strcmp(hx, str(e, "ciphertext"));
		good &= !nz_decrypt(dec, NULL, 0, out, plen + 16, pl) && !memcmp(pl, p, plen);
		free(p);
	}
	ok(good, "%s #%d: transport messages in order", proto, idx);
	/* A replay fails: the nonce has moved on. */
	if (json_object_array_length(tr)) {
		struct json_object *e = json_object_array_get_idx(tr, 0);
		bool from_i = !strcmp(str(e, "from"), "initiator");
		uint8_t *c = unhex(str(e, "ciphertext"), &n);

		ok(nz_decrypt(from_i ? &c1[1] : &c2[0], NULL, 0, c, n, pl) != 0,
		   "%s #%d: a replayed transport message fails", proto, idx);
		free(c);
	}
	nz_free(&side[0]);
	nz_free(&side[1]);
}

static void one_failure(struct json_object *v)
{
	const char *proto = str(v, "protocol"), *what = str(v, "what");
	struct json_object *ini = get(v, "initiator"), *res = get(v, "responder");
	struct json_object *msgs = get(v, "messages");
	int fails_at = json_object_get_int(get(v, "fails_reading_message"));
	int failing = strcmp(str(v, "failing_side"), "initiator") ? 1 : 0;
	struct nz_hs side[2];
	uint8_t out[70000], pl[70000];
	char hx[140001], name[128];
	bool good = true;
	size_t n, pn;

	snprintf(name, sizeof(name), "%s %s", proto, what);
	if (side_init(&side[0], proto, true, ini, res, str(ini, "psk"), str(ini, "prologue"),
		      str(ini, "remote_static")) ||
	    side_init(&side[1], proto, false, res, ini, str(res, "psk"), str(res, "prologue"),
		      str(res, "remote_static"))) {
		ok(0, "%s: init%d", name, 0);
		return;
	}
	for (int m = 0; m < (int)json_object_array_length(msgs); m++) {
		struct json_object *e = json_object_array_get_idx(msgs, m);
		int w = strcmp(str(e, "from"), "initiator") ? 1 : 0;
		uint8_t *vm = unhex(str(e, "message"), &n);
		bool last = m + 1 == fails_at;
		int r;

		good &= !nz_write(&side[w], NULL, 0, out, &pn);
		hex(hx, out, pn);
		/* The tampered message differs from ours; every other one is ours. */
		if (!(last && !strcmp(what, "tampered")))
			good &= !strcmp(hx, str(e, "message"));
		r = nz_read(&side[!w], vm, n, pl, &pn);
		free(vm);
		if (last) {
			good &= r != 0 && (w ? 0 : 1) == failing;
			break;
		}
		good &= r == 0;
	}
	ok(good, "%s: fails reading message %d on the named side", name, fails_at);
	nz_free(&side[0]);
	nz_free(&side[1]);
}

int main(int argc, char *argv[])
{
	char path[4096];
	struct json_object *root, *a;

	snprintf(path, sizeof(path), "%s/noise-v1.json",
		 argc > 1 ? argv[1] : getenv("PMHS_VECTORS") ? getenv("PMHS_VECTORS") :
		 "../selftests/vectors");
	root = json_object_from_file(path);
	if (!root) {
		fprintf(stderr, "test-noise-ossl: cannot read %s\n", path);
		return 1;
	}
	a = get(root, "handshakes");
	for (size_t i = 0; i < json_object_array_length(a); i++)
		one_handshake(json_object_array_get_idx(a, i), (int)i);
	a = get(root, "failures");
	for (size_t i = 0; i < json_object_array_length(a); i++)
		one_failure(json_object_array_get_idx(a, i));
	printf("1..%d\n", tests);
	if (failed)
		printf("# %d of %d failed\n", failed, tests);
	json_object_put(root);
	return failed ? 1 : 0;
}
