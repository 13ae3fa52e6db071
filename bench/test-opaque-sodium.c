// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's libsodium OPAQUE server (opaque_sodium.c) against both
 * real ristretto255 vectors of opaque-rfc9807.json, on the host: with
 * the vectors' nonces and keyshare seed, the exact KE2, the vector's KE3
 * accepted with its session key, a tampered KE3 refused, and the key
 * pairs derived as the vector's. A wrong reference would make the
 * ratio meaningless.
 *
 *   test-opaque-sodium [VECTORS-DIR]    (default ../selftests/vectors)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "opaque_sodium.h"

static int tests, failed;

static void ok(int cond, const char *what, int v)
{
	tests++;
	if (!cond)
		failed++;
	printf("%s %d - vector %d: %s\n", cond ? "ok" : "not ok", tests, v, what);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

/* Hex at @o.@k into a malloc()ed buffer (NULL if absent); *@len bytes. */
static uint8_t *unhex(struct json_object *o, const char *k, size_t *len)
{
	struct json_object *v = get(o, k);
	const char *s = v ? json_object_get_string(v) : NULL;
	size_t n = s ? strlen(s) / 2 : 0;
	uint8_t *b;

	*len = n;
	if (!s)
		return NULL;
	b = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &b[i]);
	return b;
}

static bool is(struct json_object *v, const char *k, const char *want)
{
	struct json_object *s = get(get(v, "config"), k);

	return s && !strcmp(json_object_get_string(s), want);
}

static void one(struct json_object *v, int nr)
{
	struct json_object *in = get(v, "inputs"), *out = get(v, "outputs");
	size_t l[16];
	uint8_t *seed = unhex(in, "oprf_seed", &l[0]);
	uint8_t *sk = unhex(in, "server_private_key", &l[1]);
	uint8_t *pk = unhex(in, "server_public_key", &l[2]);
	uint8_t *cred = unhex(in, "credential_identifier", &l[3]);
	uint8_t *mn = unhex(in, "masking_nonce", &l[4]);
	uint8_t *sn = unhex(in, "server_nonce", &l[5]);
	uint8_t *ks = unhex(in, "server_keyshare_seed", &l[6]);
	uint8_t *cid = unhex(in, "client_identity", &l[7]);
	uint8_t *sid = unhex(in, "server_identity", &l[8]);
	uint8_t *ctx = unhex(get(v, "config"), "Context", &l[9]);
	uint8_t *rec = unhex(out, "registration_upload", &l[10]);
	uint8_t *ke1 = unhex(out, "KE1", &l[11]);
	uint8_t *ke2 = unhex(out, "KE2", &l[12]);
	uint8_t *ke3 = unhex(out, "KE3", &l[13]);
	uint8_t *key = unhex(out, "session_key", &l[14]);
	struct osd_params p = { ctx, cid, sid, l[9], l[7], l[8] };
	uint8_t fixed[96], got[OSD_KE2_LEN], share[32], esk[32], sk2[64], bad[96];
	struct osd_server s;
	struct osd_login st;

	if (!seed || l[0] != 64 || !sk || l[1] != 32 || !pk || l[2] != 32 || !cred || !mn ||
	    l[4] != 32 || !sn || l[5] != 32 || !ks || l[6] != 32 || !rec || l[10] != 192 ||
	    !ke1 || l[11] != 96 || !ke2 || l[12] != 320 || !ke3 || l[13] != 64 || !key ||
	    l[14] != 64) {
		ok(0, "inputs and outputs present, of the right lengths", nr);
		return;
	}
	memcpy(s.oprf_seed, seed, 64);
	memcpy(s.sk, sk, 32);
	ok(!crypto_scalarmult_ristretto255_base(s.pk, s.sk) && !memcmp(s.pk, pk, 32),
	   "server public key from its private key", nr);
	ok(!osd_derive_keypair(esk, share, ks) && !memcmp(share, ke2 + 224, 32),
	   "server keyshare derived from its seed as in KE2", nr);
	memcpy(fixed, mn, 32);
	memcpy(fixed + 32, sn, 32);
	memcpy(fixed + 64, ks, 32);
	ok(!osd_server_ke2(&st, got, &s, rec, cred, l[3], ke1, &p, fixed) &&
	   !memcmp(got, ke2, OSD_KE2_LEN), "KE2 exactly the vector's", nr);
	ok(!osd_server_finish(&st, sk2, ke3) && !memcmp(sk2, key, 64),
	   "KE3 accepted, the vector's session key", nr);
	osd_server_ke2(&st, got, &s, rec, cred, l[3], ke1, &p, fixed);
	ke3[63] ^= 1;
	ok(osd_server_finish(&st, sk2, ke3) == -1, "a tampered KE3 refused", nr);
	/* random nonces: a KE2 that differs, same evaluated element */
	ok(!osd_server_ke2(&st, got, &s, rec, cred, l[3], ke1, &p, NULL) &&
	   !memcmp(got, ke2, 32) && memcmp(got + 32, ke2 + 32, 32),
	   "random nonces: the same OPRF evaluation, another masking nonce", nr);
	/* a KE1 whose element does not decode */
	memcpy(bad, ke1, 96);
	memset(bad, 0xff, 32);
	ok(osd_server_ke2(&st, got, &s, rec, cred, l[3], bad, &p, fixed) == -1 &&
	   sodium_is_zero(got, sizeof(got)), "a KE1 that does not decode refused", nr);
	free(seed); free(sk); free(pk); free(cred); free(mn); free(sn); free(ks);
	free(cid); free(sid); free(ctx); free(rec); free(ke1); free(ke2); free(ke3); free(key);
}

int main(int argc, char *argv[])
{
	const char *dir = argc > 1 ? argv[1] : "../selftests/vectors";
	char path[4096];
	struct json_object *all;
	int n = 0;

	if (sodium_init() < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/opaque-rfc9807.json", dir);
	all = json_object_from_file(path);
	if (!all) {
		printf("not ok 1 - cannot read %s\n", path);
		return 1;
	}
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *v = json_object_array_get_idx(all, i);

		if (!is(v, "Group", "ristretto255") || !is(v, "Fake", "False"))
			continue;
		one(v, ++n);
	}
	ok(n == 2, "two real ristretto255 vectors", 0);
	printf("1..%d\n", tests);
	json_object_put(all);
	return failed ? 1 : 0;
}
