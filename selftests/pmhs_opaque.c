// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE-3DH (RFC 9807, ristretto255-SHA512) through the real module.
 *
 *   Known answers (opaque-kat op): both real ristretto255 vectors of
 *   opaque-rfc9807.json, registration and login through both roles with
 *   the vectors' blinds, nonces and seeds: every message, key and
 *   intermediate the vector gives; the fake-record vector's KE2 (an
 *   unknown user).
 *
 *   The server setup as an identity: its public key derives from its
 *   seed as the vector's server keyshare does; refusals.
 *
 *   Refusals: a missing input (each one the path needs), a reply
 *   attribute or the other path's attribute in the request, wrong
 *   lengths, a private key that is not a canonical scalar, a fake KE1
 *   that does not decode, an unprivileged caller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <netlink/attr.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "pmhs_vec.h"
#include "raw.h"

/* Vector field -> reply attribute, for the values the kernel returns. */
static const struct {
	const char *group, *key;
	int type;
} want_real[] = {
	{ "inputs", "server_public_key", PMHS_A_OPAQUE_KAT_SERVER_PUBLIC_KEY },
	{ "outputs", "registration_request", PMHS_A_OPAQUE_KAT_REGISTRATION_REQUEST },
	{ "outputs", "registration_response", PMHS_A_OPAQUE_KAT_REGISTRATION_RESPONSE },
	{ "outputs", "registration_upload", PMHS_A_OPAQUE_KAT_REGISTRATION_UPLOAD },
	{ "outputs", "KE1", PMHS_A_OPAQUE_KAT_KE1 },
	{ "outputs", "KE2", PMHS_A_OPAQUE_KAT_KE2 },
	{ "outputs", "KE3", PMHS_A_OPAQUE_KAT_KE3 },
	{ "outputs", "session_key", PMHS_A_OPAQUE_KAT_SESSION_KEY },
	{ "outputs", "export_key", PMHS_A_OPAQUE_KAT_EXPORT_KEY },
	{ "intermediates", "oprf_key", PMHS_A_OPAQUE_KAT_OPRF_KEY },
	{ "intermediates", "randomized_password", PMHS_A_OPAQUE_KAT_RANDOMIZED_PASSWORD },
	{ "intermediates", "masking_key", PMHS_A_OPAQUE_KAT_MASKING_KEY },
	{ "intermediates", "auth_key", PMHS_A_OPAQUE_KAT_AUTH_KEY },
	{ "intermediates", "envelope", PMHS_A_OPAQUE_KAT_ENVELOPE },
	{ "intermediates", "client_public_key", PMHS_A_OPAQUE_KAT_CLIENT_PUBLIC_KEY },
	{ "intermediates", "handshake_secret", PMHS_A_OPAQUE_KAT_HANDSHAKE_SECRET },
	{ "intermediates", "server_mac_key", PMHS_A_OPAQUE_KAT_SERVER_MAC_KEY },
	{ "intermediates", "client_mac_key", PMHS_A_OPAQUE_KAT_CLIENT_MAC_KEY },
};

/* The inputs each path needs (a request without one is refused). */
static const int need_real[] = {
	PMHS_A_OPAQUE_KAT_PASSWORD, PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER,
	PMHS_A_OPAQUE_KAT_OPRF_SEED, PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY,
	PMHS_A_OPAQUE_KAT_BLIND_REGISTRATION, PMHS_A_OPAQUE_KAT_BLIND_LOGIN,
	PMHS_A_OPAQUE_KAT_ENVELOPE_NONCE, PMHS_A_OPAQUE_KAT_CLIENT_NONCE,
	PMHS_A_OPAQUE_KAT_CLIENT_KEYSHARE_SEED, PMHS_A_OPAQUE_KAT_MASKING_NONCE,
	PMHS_A_OPAQUE_KAT_SERVER_NONCE, PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED,
};

static const int need_fake[] = {
	PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER, PMHS_A_OPAQUE_KAT_OPRF_SEED,
	PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY, PMHS_A_OPAQUE_KAT_MASKING_NONCE,
	PMHS_A_OPAQUE_KAT_SERVER_NONCE, PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED,
	PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY, PMHS_A_OPAQUE_KAT_FAKE_MASKING_KEY,
	PMHS_A_OPAQUE_KAT_KE1,
};

/* The reply's @type equals the vector's hex at @group.@key. */
static bool reply_matches(struct pt_reply *r, struct json_object *vec,
			  const char *group, const char *key, int type)
{
	const char *hex = vec_str(vec_get(vec, group), key);
	uint8_t *want;
	long n;
	bool ok;

	if (!hex || !r->tb[type])
		return false;
	n = vec_unhex(hex, &want);
	ok = n >= 0 && nla_len(r->tb[type]) == n && !memcmp(nla_data(r->tb[type]), want, n);
	free(want);
	return ok;
}

static bool is_fake(struct json_object *vec)
{
	return !strcmp(vec_str(vec_get(vec, "config"), "Fake"), "True");
}

/* The ristretto255 vectors (the file keeps only those), real or fake. */
static struct json_object *vector(struct json_object *all, bool fake, int nth)
{
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *v = json_object_array_get_idx(all, i);

		if (strcmp(vec_str(vec_get(v, "config"), "Group"), "ristretto255"))
			continue;
		if (is_fake(v) == fake && nth-- == 0)
			return v;
	}
	return NULL;
}

FIXTURE(oq) {
	struct pmhs_nl *nl;
	struct json_object *vecs;
	struct pt_reply r;
};

FIXTURE_SETUP(oq)
{
	self->nl = pt_open();
	ASSERT_NE(NULL, self->nl);
	self->vecs = vec_load("opaque-rfc9807.json");
	ASSERT_NE(NULL, self->vecs);
}

FIXTURE_TEARDOWN(oq)
{
	pmhs_identity_delete(pmhs_nl_handle(self->nl), "oq-setup");
	json_object_put(self->vecs);
	pmhs_nl_close(self->nl);
}

/* Both real vectors: every value the vector gives, as the module computes it. */
TEST_F(oq, rfc9807_vectors)
{
	int n = 0;

	for (int i = 0; i < 2; i++) {
		struct json_object *v = vector(self->vecs, false, i);

		ASSERT_NE(NULL, v) {
			TH_LOG("opaque-rfc9807.json lacks real ristretto255 vector %d", i + 1);
		}
		ASSERT_EQ(0, po_opaque_kat(self->nl, v, 0, &self->r)) {
			TH_LOG("vector %d: %s", i + 1, self->r.extack);
		}
		for (size_t j = 0; j < sizeof(want_real) / sizeof(want_real[0]); j++, n++) {
			EXPECT_TRUE(reply_matches(&self->r, v, want_real[j].group,
						  want_real[j].key, want_real[j].type)) {
				TH_LOG("vector %d: %s differs from the RFC's", i + 1,
				       want_real[j].key);
			}
		}
	}
	/* 2 vectors x 18 values */
	EXPECT_EQ(36, n);
}

/* An unknown user's KE2 (section 10.9) as the fake vector gives it. */
TEST_F(oq, rfc9807_fake_vector)
{
	struct json_object *v = vector(self->vecs, true, 0);

	ASSERT_NE(NULL, v);
	ASSERT_EQ(0, po_opaque_kat(self->nl, v, 0, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_TRUE(reply_matches(&self->r, v, "outputs", "KE2", PMHS_A_OPAQUE_KAT_KE2));
	EXPECT_TRUE(reply_matches(&self->r, v, "inputs", "server_public_key",
				  PMHS_A_OPAQUE_KAT_SERVER_PUBLIC_KEY));
	/* the fake path gives nothing else: no session key, no KE3 */
	EXPECT_EQ(NULL, self->r.tb[PMHS_A_OPAQUE_KAT_SESSION_KEY]);
	EXPECT_EQ(NULL, self->r.tb[PMHS_A_OPAQUE_KAT_KE3]);
	/* its KE2 has the size of a real one */
	ASSERT_NE(NULL, self->r.tb[PMHS_A_OPAQUE_KAT_KE2]);
	EXPECT_EQ(320, nla_len(self->r.tb[PMHS_A_OPAQUE_KAT_KE2]));
}

/* Every input either path needs, left out in turn: EINVAL, saying so. */
TEST_F(oq, missing_inputs_refused)
{
	struct json_object *real = vector(self->vecs, false, 0);
	struct json_object *fake = vector(self->vecs, true, 0);

	for (size_t i = 0; i < sizeof(need_real) / sizeof(need_real[0]); i++) {
		EXPECT_EQ(-EINVAL, po_opaque_kat(self->nl, real, need_real[i], &self->r));
		EXPECT_NE(NULL, strstr(self->r.extack, "missing")) {
			TH_LOG("real path without attribute %d: '%s'", need_real[i],
			       self->r.extack);
		}
	}
	for (size_t i = 0; i < sizeof(need_fake) / sizeof(need_fake[0]); i++) {
		if (need_fake[i] == PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY)
			continue;	/* below */
		EXPECT_EQ(-EINVAL, po_opaque_kat(self->nl, fake, need_fake[i], &self->r));
		EXPECT_NE(NULL, strstr(self->r.extack, "missing")) {
			TH_LOG("fake path without attribute %d: '%s'", need_fake[i],
			       self->r.extack);
		}
	}
	/*
	 * The other path's attributes are refused, not ignored: the fake
	 * vector without its private key asks for the real path, which
	 * takes no fake masking key or KE1.
	 */
	EXPECT_EQ(-EINVAL, po_opaque_kat(self->nl, fake, PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY,
					 &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "other path")) {
		TH_LOG("'%s'", self->r.extack);
	}
	/* optional: the context (then the outputs differ from the vector's) */
	ASSERT_EQ(0, po_opaque_kat(self->nl, real, PMHS_A_OPAQUE_KAT_CONTEXT, &self->r));
	EXPECT_FALSE(reply_matches(&self->r, real, "outputs", "KE2", PMHS_A_OPAQUE_KAT_KE2));
}

/* Malformed requests, built attribute by attribute on purpose. */
TEST_F(oq, malformed_refused)
{
	static const uint8_t l[32] = {	/* l, the group order: not canonical */
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2,
		0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	uint8_t b[320];
	struct nl_msg *m;

	memset(b, 0x11, sizeof(b));
	/* an oprf-seed of 32 bytes (it is 64): the policy's exact length */
	m = raw_new(self->nl, PMHS_CMD_OPAQUE_KAT, 0);
	raw_bin(m, PMHS_A_OPAQUE_KAT_OPRF_SEED, 32, b);
	EXPECT_EQ(-ERANGE, raw_call(self->nl, m, PMHS_A_OPAQUE_KAT_MAX, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* an empty credential identifier (min-len 1) */
	m = raw_new(self->nl, PMHS_CMD_OPAQUE_KAT, 0);
	raw_bin(m, PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER, 0, b);
	EXPECT_EQ(-ERANGE, raw_call(self->nl, m, PMHS_A_OPAQUE_KAT_MAX, &self->r));
	/* a reply attribute (KE3) in a request: the op's policy ends before it */
	m = raw_new(self->nl, PMHS_CMD_OPAQUE_KAT, 0);
	raw_bin(m, PMHS_A_OPAQUE_KAT_KE3, 64, b);
	EXPECT_EQ(-EINVAL, raw_call(self->nl, m, PMHS_A_OPAQUE_KAT_MAX, &self->r));
	/* the server private key l, and a fake KE1 whose element does not decode */
	for (int k = 0; k < 2; k++) {
		struct json_object *v = vector(self->vecs, true, 0);
		struct json_object *in = vec_get(v, "inputs");
		static const char *const keys[] = {
			"credential_identifier", "oprf_seed", "server_private_key",
			"masking_nonce", "server_nonce", "server_keyshare_seed",
			"client_private_key", "masking_key", "KE1" };
		static const int types[] = {
			PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER, PMHS_A_OPAQUE_KAT_OPRF_SEED,
			PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY, PMHS_A_OPAQUE_KAT_MASKING_NONCE,
			PMHS_A_OPAQUE_KAT_SERVER_NONCE, PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED,
			PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY,
			PMHS_A_OPAQUE_KAT_FAKE_MASKING_KEY, PMHS_A_OPAQUE_KAT_KE1 };

		m = raw_new(self->nl, PMHS_CMD_OPAQUE_KAT, 0);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			uint8_t *x;
			long n = vec_unhex(vec_str(in, keys[i]), &x);

			ASSERT_LT(0, n);
			if (k == 0 && types[i] == PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY)
				memcpy(x, l, 32);
			if (k == 1 && types[i] == PMHS_A_OPAQUE_KAT_KE1)
				memset(x, 0xff, 32);	/* s >= p: never canonical */
			raw_bin(m, types[i], n, x);
			free(x);
		}
		if (k == 0) {
			EXPECT_EQ(-EINVAL, raw_call(self->nl, m, PMHS_A_OPAQUE_KAT_MAX, &self->r));
			EXPECT_NE(NULL, strstr(self->r.extack, "canonical")) {
				TH_LOG("'%s'", self->r.extack);
			}
		} else {
			EXPECT_EQ(-EBADMSG, raw_call(self->nl, m, PMHS_A_OPAQUE_KAT_MAX, &self->r));
			EXPECT_NE(0, self->r.extack[0]);
			EXPECT_EQ(NULL, self->r.tb[PMHS_A_OPAQUE_KAT_KE2]);
		}
	}
}

/* Vector @v's input @key (hex) into @out, which has room for @len bytes. */
static bool vec_bytes(struct json_object *v, const char *group, const char *key,
		      size_t off, uint8_t *out, size_t len)
{
	uint8_t *b;
	long n = vec_unhex(vec_str(vec_get(v, group), key), &b);
	bool ok = n >= 0 && (size_t)n >= off + len;

	if (ok)
		memcpy(out, b + off, len);
	free(b);
	return ok;
}

/*
 * A server setup as an identity. Its AKE key pair derives from the seed
 * the way a server keyshare does, so with vector 1's server keyshare
 * seed as the key seed, the identity's public key is the server keyshare
 * in that vector's KE2 (bytes 224..255).
 */
TEST_F(oq, server_setup_identity)
{
	struct pmhs *h = pmhs_nl_handle(self->nl);
	struct json_object *v = vector(self->vecs, false, 0);
	uint8_t setup[128], want[32], pub[64], fp[32], x[32] = { 1 };
	unsigned int fplen = 32;
	struct pmhs_identity id;
	size_t len = 0;
	struct nl_msg *m;

	ASSERT_TRUE(vec_bytes(v, "inputs", "oprf_seed", 0, setup, 64));
	ASSERT_TRUE(vec_bytes(v, "inputs", "server_keyshare_seed", 0, setup + 64, 32));
	ASSERT_TRUE(vec_bytes(v, "inputs", "client_keyshare_seed", 0, setup + 96, 32));
	ASSERT_TRUE(vec_bytes(v, "outputs", "KE2", 224, want, 32));
	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_import_opaque(h, "oq-setup", setup, &id)) {
		TH_LOG("%s", pmhs_errmsg(h));
	}
	EXPECT_EQ(PMHS_CRED_TYPE_OPAQUE_SERVER, id.cred_type);
	EXPECT_EQ(252, id.bits);
	ASSERT_EQ(0, pmhs_identity_pubkey(h, "oq-setup", pub, sizeof(pub), &len));
	ASSERT_EQ(32, len);
	EXPECT_EQ(0, memcmp(want, pub, 32));
	ASSERT_EQ(1, EVP_Digest(pub, 32, fp, &fplen, EVP_sha256(), NULL));
	EXPECT_EQ(0, memcmp(fp, id.fingerprint, 32));
	/* the same setup again under the same name: taken */
	EXPECT_EQ(-EEXIST, pmhs_identity_import_opaque(h, "oq-setup", setup, NULL));
	/* a setup of the wrong length (built by hand on purpose): the policy */
	m = raw_new(self->nl, PMHS_CMD_IDENTITY_NEW, 0);
	raw_str(m, PMHS_A_IDENTITY_NAME, "oq-short");
	raw_bin(m, PMHS_A_IDENTITY_OPAQUE_SETUP, 96, setup);
	EXPECT_EQ(-ERANGE, raw_call(self->nl, m, PMHS_A_IDENTITY_MAX, &self->r));
	/* two private keys at once */
	m = raw_new(self->nl, PMHS_CMD_IDENTITY_NEW, 0);
	raw_str(m, PMHS_A_IDENTITY_NAME, "oq-two");
	raw_bin(m, PMHS_A_IDENTITY_OPAQUE_SETUP, 128, setup);
	raw_bin(m, PMHS_A_IDENTITY_X25519_KEY, 32, x);
	EXPECT_EQ(-EINVAL, raw_call(self->nl, m, PMHS_A_IDENTITY_MAX, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "one private key"));
	EXPECT_EQ(-ENOENT, pmhs_identity_get(h, "oq-two", &id));
	/* gone with identity-del */
	EXPECT_EQ(0, pmhs_identity_delete(h, "oq-setup"));
	EXPECT_EQ(-ENOENT, pmhs_identity_get(h, "oq-setup", &id));
	OPENSSL_cleanse(setup, sizeof(setup));
}


/* ---- sessions: register and log in through both roles ---- */

/* A cheap Argon2id for the many runs; one test uses opaque-ke's default. */
static const struct pmhs_opaque_ksf ksf_small = {
	.size = sizeof(struct pmhs_opaque_ksf), .m_kib = 64, .t = 1, .p = 1,
};
static const struct pmhs_opaque_ksf *ksf_params = &ksf_small;

static long reply_copy(struct pt_reply *r, int type, uint8_t *buf, size_t max)
{
	struct nlattr *a = r->tb[type];

	if (!a || (size_t)nla_len(a) > max)
		return -1;
	memcpy(buf, nla_data(a), nla_len(a));
	return nla_len(a);
}

static int32_t reply_s32(struct pt_reply *r, int type)
{
	return r->tb[type] ? nla_get_s32(r->tb[type]) : 0;
}

static bool no_key(uint32_t id)
{
	char desc[48];

	snprintf(desc, sizeof(desc), "pmhs:%u", id);
	if (keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", desc, 0) >= 0 ||
	    keyctl_search(KEY_SPEC_SESSION_KEYRING, "logon", desc, 0) >= 0)
		return false;
	snprintf(desc, sizeof(desc), "pmhs:%u:export", id);
	return keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", desc, 0) < 0 &&
	       keyctl_search(KEY_SPEC_SESSION_KEYRING, "logon", desc, 0) < 0;
}

/* The reply's ksf-input, stretched as libpmhs stretches it. */
static bool stretch(struct pt_reply *r, uint8_t out[64])
{
	return reply_copy(r, PMHS_A_SESSION_KSF_INPUT, out, 64) == 64 &&
	       pmhs_opaque_ksf(ksf_params, out, out) == 0;
}

enum { T_NONE, T_KE2, T_KE3, T_RECORD_PK };

struct opq_out {
	uint32_t cid, sid;		/* the sessions */
	char failed;			/* 'c' or 's': the side that refused */
	int step;			/* 1.. the step that failed */
	int32_t ckey, cexport, skey;
};

static int opq_register(struct pmhs_nl *c, struct pmhs_nl *sv, const char *pw, const char *user,
			uint8_t record[192], struct opq_out *o, struct pt_reply *r)
{
	struct po_opaque cp = { .password = pw };
	struct po_opaque sp = { .server = true, .identity = "oq-srv", .cred_id = user };
	uint8_t req[32], resp[64], ksf[64];
	int ret;

	memset(o, 0, sizeof(*o));
	ret = po_opaque_new(c, &cp, &o->cid, r);
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, req, 32) != 32)
		return o->failed = 'c', o->step = 1, ret ?: -EPROTO;
	ret = po_opaque_new(sv, &sp, &o->sid, r) ?:
	      po_opaque_recv(sv, o->sid, req, 32, NULL, r);
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, resp, 64) != 64)
		return o->failed = 's', o->step = 2, ret ?: -EPROTO;
	ret = po_opaque_recv(c, o->cid, resp, 64, NULL, r);
	if (ret || !stretch(r, ksf))
		return o->failed = 'c', o->step = 3, ret ?: -EPROTO;
	ret = po_opaque_recv(c, o->cid, NULL, 0, ksf, r);
	explicit_bzero(ksf, sizeof(ksf));
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, record, 192) != 192)
		return o->failed = 'c', o->step = 4, ret ?: -EPROTO;
	o->cexport = reply_s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	if (reply_s32(r, PMHS_A_SESSION_KEY_SERIAL))
		return o->failed = 'c', o->step = 4, -EPROTO;	/* no session key here */
	ret = po_opaque_recv(sv, o->sid, record, 192, NULL, r);
	if (ret)
		return o->failed = 's', o->step = 5, ret;
	return 0;
}

/* A login, the server told the client is @peer (NULL: none). */
static int opq_login_from(struct pmhs_nl *c, struct pmhs_nl *sv, const char *pw,
			  const char *user, const char *peer, const uint8_t *record, int tamper,
			  struct opq_out *o, struct pt_reply *r)
{
	struct po_opaque cp = { .login = true, .password = pw };
	/* user: the tests compare the keys (the server's default is logon) */
	struct po_opaque sp = { .login = true, .server = true, .identity = "oq-srv",
				.cred_id = user, .record = record, .peer = peer,
				.user_key = true };
	uint8_t ke1[96], ke2[320], ke3[64], ksf[64];
	int ret;

	memset(o, 0, sizeof(*o));
	ret = po_opaque_new(c, &cp, &o->cid, r);
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, ke1, 96) != 96)
		return o->failed = 'c', o->step = 1, ret ?: -EPROTO;
	ret = po_opaque_new(sv, &sp, &o->sid, r) ?:
	      po_opaque_recv(sv, o->sid, ke1, 96, NULL, r);
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, ke2, 320) != 320)
		return o->failed = 's', o->step = 2, ret ?: -EPROTO;
	if (tamper == T_KE2)
		ke2[300] ^= 1;
	ret = po_opaque_recv(c, o->cid, ke2, 320, NULL, r);
	if (ret || !stretch(r, ksf))
		return o->failed = 'c', o->step = 3, ret ?: -EPROTO;
	ret = po_opaque_recv(c, o->cid, NULL, 0, ksf, r);
	explicit_bzero(ksf, sizeof(ksf));
	if (ret || reply_copy(r, PMHS_A_SESSION_MESSAGE, ke3, 64) != 64)
		return o->failed = 'c', o->step = 4, ret ?: -EPROTO;
	o->ckey = reply_s32(r, PMHS_A_SESSION_KEY_SERIAL);
	o->cexport = reply_s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	if (tamper == T_KE3)
		ke3[0] ^= 0x80;
	ret = po_opaque_recv(sv, o->sid, ke3, 64, NULL, r);
	if (ret)
		return o->failed = 's', o->step = 5, ret;
	o->skey = reply_s32(r, PMHS_A_SESSION_KEY_SERIAL);
	return 0;
}

static int opq_login(struct pmhs_nl *c, struct pmhs_nl *sv, const char *pw, const char *user,
		     const uint8_t *record, int tamper, struct opq_out *o, struct pt_reply *r)
{
	return opq_login_from(c, sv, pw, user, NULL, record, tamper, o, r);
}

static bool same_key(int32_t a, int32_t b, size_t want)
{
	uint8_t ka[128], kb[128];
	long na = vec_key_read(a, ka, sizeof(ka)), nb = vec_key_read(b, kb, sizeof(kb));

	return a && b && na == (long)want && nb == na && !memcmp(ka, kb, na);
}

/* The session is gone: a failed opaque session leaves the table at once. */
static bool gone(struct pmhs_nl *nl, uint32_t id)
{
	struct pmhs_session_info si;

	PMHS_INIT(si);
	return pmhs_session_result(pmhs_nl_handle(nl), id, &si) == -ENOENT;
}

/* The limiter's module parameters: lowered by a fixture, restored in its teardown. */
static const char *const lim_params[] = {
	"opaque_peer_failures", "opaque_user_failures", "opaque_window_secs", "opaque_delay_ms",
};
enum { P_PEER, P_USER, P_WINDOW, P_DELAY, P_NR };

static int param_rw(int i, unsigned int *get, unsigned int set)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/pmhs/parameters/%s", lim_params[i]);
	f = fopen(path, get ? "r" : "w");
	if (!f)
		return -errno;
	ok = get ? fscanf(f, "%u", get) == 1 : fprintf(f, "%u\n", set) > 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

static int param_set(int i, unsigned int v)
{
	return param_rw(i, NULL, v);
}

FIXTURE(os) {
	struct pmhs_nl *c, *s;
	struct pt_reply r;
	uint8_t alice[192], bob[192];
	int32_t alice_export;
	/* this test's names: the limiter counts failures per user */
	char ua[64], ub[64], uc[64];
	unsigned int delay;
	bool delay_ok;
};

FIXTURE_SETUP(os)
{
	uint8_t setup[128];
	struct opq_out o;

	self->c = pt_open();
	self->s = pt_open();
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, self->s);
	keyctl_join_session_keyring(NULL);
	/* failures back to back here: no backoff (the ol tests have it) */
	ASSERT_EQ(0, param_rw(P_DELAY, &self->delay, 0));
	self->delay_ok = true;
	ASSERT_EQ(0, param_set(P_DELAY, 0));
	snprintf(self->ua, sizeof(self->ua), "alice-%s", _metadata->name);
	snprintf(self->ub, sizeof(self->ub), "bob-%s", _metadata->name);
	snprintf(self->uc, sizeof(self->uc), "mallory-%s", _metadata->name);
	pmhs_identity_delete(pmhs_nl_handle(self->s), "oq-srv");
	ASSERT_EQ(0, pmhs_opaque_setup_generate(setup));
	ASSERT_EQ(0, pmhs_identity_import_opaque(pmhs_nl_handle(self->s), "oq-srv", setup, NULL));
	explicit_bzero(setup, sizeof(setup));
	ASSERT_EQ(0, opq_register(self->c, self->s, "correct horse", self->ua, self->alice, &o,
				  &self->r)) {
		TH_LOG("register alice: side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	self->alice_export = o.cexport;
	ASSERT_EQ(0, opq_register(self->c, self->s, "battery staple", self->ub, self->bob, &o,
				  &self->r)) {
		TH_LOG("register bob: side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
}

FIXTURE_TEARDOWN(os)
{
	if (self->delay_ok)
		param_set(P_DELAY, self->delay);
	/* no count left for a later run of the same test */
	pmhs_opaque_unlock(pmhs_nl_handle(self->s), self->ua, strlen(self->ua));
	pmhs_opaque_unlock(pmhs_nl_handle(self->s), self->ub, strlen(self->ub));
	pmhs_opaque_unlock(pmhs_nl_handle(self->s), self->uc, strlen(self->uc));
	pmhs_identity_delete(pmhs_nl_handle(self->s), "oq-srv");
	pmhs_nl_close(self->s);
	pmhs_nl_close(self->c);
}

/* Register, log in: both session keys equal (64 bytes), the export key is registration's. */
TEST_F(os, register_and_login)
{
	struct opq_out o;

	ASSERT_NE(0, self->alice_export);
	ASSERT_EQ(0, opq_login(self->c, self->s, "correct horse", self->ua, self->alice, T_NONE,
			       &o, &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_TRUE(same_key(o.ckey, o.skey, 64));
	EXPECT_TRUE(same_key(o.cexport, self->alice_export, 64));
	EXPECT_FALSE(same_key(o.ckey, o.cexport, 64));
}

/* A second login: new session keys, the same export key. */
TEST_F(os, second_login_new_keys)
{
	struct opq_out o, o2;

	ASSERT_EQ(0, opq_login(self->c, self->s, "correct horse", self->ua, self->alice, T_NONE,
			       &o, &self->r));
	ASSERT_EQ(0, opq_login(self->c, self->s, "correct horse", self->ua, self->alice, T_NONE,
			       &o2, &self->r));
	EXPECT_TRUE(same_key(o2.ckey, o2.skey, 64));
	EXPECT_FALSE(same_key(o.ckey, o2.ckey, 64));
	EXPECT_TRUE(same_key(o2.cexport, self->alice_export, 64));
}

/* opaque-ke's default KSF (Argon2id m=19456 KiB, t=2, p=1) works the same. */
TEST_F(os, default_ksf)
{
	struct opq_out o;
	uint8_t rec[192];

	ksf_params = NULL;
	ASSERT_EQ(0, opq_register(self->c, self->s, "x y z", "carol", rec, &o, &self->r));
	ASSERT_EQ(0, opq_login(self->c, self->s, "x y z", "carol", rec, T_NONE, &o, &self->r));
	EXPECT_TRUE(same_key(o.ckey, o.skey, 64));
	ksf_params = &ksf_small;
}

/* A wrong password fails on the client at KE3, uniformly; nothing published. */
TEST_F(os, wrong_password)
{
	struct opq_out o;

	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong horse", self->ua, self->alice,
				      T_NONE, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(4, o.step);
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_TRUE(no_key(o.cid));
	EXPECT_TRUE(gone(self->c, o.cid));
}

/*
 * An unknown user gets a KE2 of the same size from a fake record, and the
 * client fails at the same step with the same error as a wrong password.
 */
TEST_F(os, unknown_user_indistinguishable)
{
	struct opq_out o;
	char wrong_msg[256];

	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong horse", self->ua, self->alice,
				      T_NONE, &o, &self->r));
	snprintf(wrong_msg, sizeof(wrong_msg), "%s", self->r.extack);
	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "correct horse", self->uc, NULL,
				      T_NONE, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(4, o.step);
	EXPECT_STREQ(wrong_msg, self->r.extack);
	EXPECT_TRUE(no_key(o.cid));
}

/* Tampered KE2 (client refuses) and KE3 (server refuses): nothing published. */
TEST_F(os, tampered)
{
	struct opq_out o;

	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "correct horse", self->ua, self->alice,
				      T_KE2, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_TRUE(no_key(o.cid));
	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "correct horse", self->ua, self->alice,
				      T_KE3, &o, &self->r));
	EXPECT_EQ('s', o.failed);
	EXPECT_EQ(5, o.step);
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_TRUE(no_key(o.sid));
	EXPECT_TRUE(gone(self->s, o.sid));
}

/* Another user's record does not let alice in, with either password. */
TEST_F(os, record_of_another_user)
{
	struct opq_out o;

	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "correct horse", self->ua, self->bob,
				      T_NONE, &o, &self->r));
	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "battery staple", self->ua, self->bob,
				      T_NONE, &o, &self->r));
	EXPECT_TRUE(no_key(o.cid));
}

/* A KE3 replayed into a new server session (fresh KE2) fails; so does a second use. */
TEST_F(os, replayed_ke3)
{
	struct po_opaque cp = { .login = true, .password = "correct horse" };
	struct po_opaque sp = { .login = true, .server = true, .identity = "oq-srv",
				.cred_id = self->ua, .record = self->alice };
	uint8_t ke1[96], ke2[320], ke3[64], ksf[64];
	uint32_t cid, sid, sid2;

	ASSERT_EQ(0, po_opaque_new(self->c, &cp, &cid, &self->r));
	ASSERT_EQ(96, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke1, 96));
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid, &self->r));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid, ke1, 96, NULL, &self->r));
	ASSERT_EQ(320, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke2, 320));
	ASSERT_EQ(0, po_opaque_recv(self->c, cid, ke2, 320, NULL, &self->r));
	ASSERT_TRUE(stretch(&self->r, ksf));
	/* out of order: a message where ksf-output is next */
	EXPECT_EQ(-EPROTO, po_opaque_recv(self->c, cid, ke2, 320, NULL, &self->r));
	ASSERT_TRUE(gone(self->c, cid));
	/* again, in order this time */
	ASSERT_EQ(0, po_opaque_new(self->c, &cp, &cid, &self->r));
	ASSERT_EQ(96, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke1, 96));
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid, &self->r));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid, ke1, 96, NULL, &self->r));
	ASSERT_EQ(320, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke2, 320));
	ASSERT_EQ(0, po_opaque_recv(self->c, cid, ke2, 320, NULL, &self->r));
	ASSERT_TRUE(stretch(&self->r, ksf));
	ASSERT_EQ(0, po_opaque_recv(self->c, cid, NULL, 0, ksf, &self->r));
	ASSERT_EQ(64, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke3, 64));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid, ke3, 64, NULL, &self->r));
	/* the server session is used up */
	EXPECT_EQ(-EALREADY, po_opaque_recv(self->s, sid, ke3, 64, NULL, &self->r));
	/* replay KE1 then the old KE3 into a fresh server session */
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid2, &self->r));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid2, ke1, 96, NULL, &self->r));
	EXPECT_EQ(-EBADMSG, po_opaque_recv(self->s, sid2, ke3, 64, NULL, &self->r));
	EXPECT_TRUE(no_key(sid2));
	explicit_bzero(ksf, sizeof(ksf));
}

/* Parameters refused with a reason: roles, identities, lengths, ksf-output misuse. */
TEST_F(os, refusals)
{
	struct po_opaque p;
	uint32_t id;
	uint8_t z[64] = { 0 };

	p = (struct po_opaque){ .server = true, .identity = "oq-srv" };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "credential-identifier"));
	p = (struct po_opaque){ .server = true, .cred_id = self->ua };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "identity"));
	p = (struct po_opaque){ .server = true, .identity = "oq-srv", .cred_id = "a",
				.password = "pw" };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "other role"));
	p = (struct po_opaque){ .identity = "oq-srv", .password = "pw" };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->c, &p, &id, &self->r));
	p = (struct po_opaque){ };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->c, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "password"));
	p = (struct po_opaque){ .server = true, .identity = "oq-srv", .cred_id = "a",
				.record = self->alice };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->s, &p, &id, &self->r));	/* register: no record */
	/* peer: the login server's alone, at most 64 bytes */
	p = (struct po_opaque){ .login = true, .password = "pw", .peer = "10.0.0.1" };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->c, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "other role"));
	p = (struct po_opaque){ .server = true, .identity = "oq-srv", .cred_id = "a",
				.peer = "10.0.0.1" };
	EXPECT_EQ(-EINVAL, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "opaque-login"));
	p = (struct po_opaque){ .login = true, .server = true, .identity = "oq-srv",
				.cred_id = "a", .peer = "0123456789012345678901234567890123456789"
							 "0123456789012345678901234" };
	EXPECT_EQ(-ERANGE, po_opaque_new(self->s, &p, &id, &self->r));
	/* ksf-output where a message is next; a server given ksf-output */
	p = (struct po_opaque){ .login = true, .password = "pw" };
	ASSERT_EQ(0, po_opaque_new(self->c, &p, &id, &self->r));
	EXPECT_EQ(-EPROTO, po_opaque_recv(self->c, id, NULL, 0, z, &self->r));
	p = (struct po_opaque){ .login = true, .server = true, .identity = "oq-srv",
				.cred_id = self->ua, .record = self->alice };
	ASSERT_EQ(0, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_EQ(-EINVAL, po_opaque_recv(self->s, id, NULL, 0, z, &self->r));
	/* a KE1 of the wrong length */
	ASSERT_EQ(0, po_opaque_new(self->s, &p, &id, &self->r));
	EXPECT_EQ(-EBADMSG, po_opaque_recv(self->s, id, z, 64, NULL, &self->r));
}


/* The library's steps: the client's KSF runs inside pmhs_opaque_next(). */
TEST_F(os, library_register_and_login)
{
	struct pmhs *c = pmhs_nl_handle(self->c), *sv = pmhs_nl_handle(self->s);
	struct pmhs_opaque_params cp, sp;
	struct pmhs_opaque_step a, b;
	uint8_t record[192], req[320];
	struct pmhs_publish upub;
	int32_t export_reg;
	size_t n;

	/* the test compares the keys: the server's default is a logon key */
	PMHS_INIT(upub);
	upub.flags = PMHS_PUBLISH_USER_KEY;
	PMHS_INIT(cp);
	cp.role = PMHS_ROLE_INITIATOR;
	cp.password = "library pw";
	cp.password_len = strlen("library pw");
	cp.context = "pmhs test";
	cp.context_len = 9;
	PMHS_INIT(sp);
	sp.role = PMHS_ROLE_RESPONDER;
	sp.identity = "oq-srv";
	sp.cred_id = "dave";
	sp.cred_id_len = 4;
	sp.context = "pmhs test";
	sp.context_len = 9;
	PMHS_INIT(a);
	PMHS_INIT(b);
	/* registration */
	ASSERT_EQ(0, pmhs_opaque_start(c, PMHS_MODE_OPAQUE_REGISTER, &cp, NULL, &a)) {
		TH_LOG("%s", pmhs_errmsg(c));
	}
	ASSERT_EQ(32, a.msg_len);
	ASSERT_EQ(0, pmhs_opaque_start(sv, PMHS_MODE_OPAQUE_REGISTER, &sp, NULL, &b));
	EXPECT_EQ(0, b.msg_len);
	ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, &ksf_small, a.msg, a.msg_len, NULL, &b));
	ASSERT_EQ(64, b.msg_len);
	ASSERT_EQ(0, pmhs_opaque_next(c, a.id, &ksf_small, b.msg, b.msg_len, NULL, &a)) {
		TH_LOG("%s", pmhs_errmsg(c));
	}
	ASSERT_EQ(192, a.msg_len);
	EXPECT_TRUE(a.flags & PMHS_STEP_DONE);
	EXPECT_EQ(0, a.key_serial);
	export_reg = a.export_serial;
	memcpy(record, a.msg, 192);
	ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, record, 192, NULL, &b));
	EXPECT_TRUE(b.flags & PMHS_STEP_DONE);
	/* login with the record */
	cp.context = sp.context;
	sp.record = record;
	ASSERT_EQ(0, pmhs_opaque_start(c, PMHS_MODE_OPAQUE_LOGIN, &cp, NULL, &a));
	ASSERT_EQ(96, a.msg_len);
	ASSERT_EQ(0, pmhs_opaque_start(sv, PMHS_MODE_OPAQUE_LOGIN, &sp, &upub, &b));
	ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	ASSERT_EQ(320, b.msg_len);
	n = b.msg_len;
	memcpy(req, b.msg, n);
	ASSERT_EQ(0, pmhs_opaque_next(c, a.id, &ksf_small, req, n, NULL, &a));
	ASSERT_EQ(64, a.msg_len);
	EXPECT_TRUE(a.flags & PMHS_STEP_DONE);
	ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	EXPECT_TRUE(b.flags & PMHS_STEP_DONE);
	EXPECT_TRUE(same_key(a.key_serial, b.key_serial, 64));
	EXPECT_TRUE(same_key(a.export_serial, export_reg, 64));
	/* another KSF than at registration: the login fails, as a wrong password */
	ASSERT_EQ(0, pmhs_opaque_start(c, PMHS_MODE_OPAQUE_LOGIN, &cp, NULL, &a));
	ASSERT_EQ(0, pmhs_opaque_start(sv, PMHS_MODE_OPAQUE_LOGIN, &sp, NULL, &b));
	ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	EXPECT_EQ(-EBADMSG, pmhs_opaque_next(c, a.id, NULL, b.msg, b.msg_len, NULL, &a));
	EXPECT_NE(NULL, strstr(pmhs_errmsg(c), "authentication failed"));
	EXPECT_TRUE(gone(self->c, a.id));
}

/* ---- the online-guessing limiter (module parameters lowered per test) ---- */

FIXTURE(ol) {
	struct pmhs_nl *c, *s;
	struct pt_reply r;
	unsigned int saved[P_NR];
	bool saved_ok;
	uint8_t rec_u[192], rec_v[192];
	char u[64], v[64], ghost[64];	/* this test's users */
};

FIXTURE_SETUP(ol)
{
	uint8_t setup[128];
	struct opq_out o;

	self->c = pt_open();
	self->s = pt_open();
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, self->s);
	keyctl_join_session_keyring(NULL);
	for (int i = 0; i < P_NR; i++)
		ASSERT_EQ(0, param_rw(i, &self->saved[i], 0));
	self->saved_ok = true;
	/* 3 failures per (user, peer), no backoff unless a test wants it */
	ASSERT_EQ(0, param_set(P_PEER, 3));
	ASSERT_EQ(0, param_set(P_USER, 50));
	ASSERT_EQ(0, param_set(P_WINDOW, 900));
	ASSERT_EQ(0, param_set(P_DELAY, 0));
	snprintf(self->u, sizeof(self->u), "lim-u-%s", _metadata->name);
	snprintf(self->v, sizeof(self->v), "lim-v-%s", _metadata->name);
	snprintf(self->ghost, sizeof(self->ghost), "lim-ghost-%s", _metadata->name);
	pmhs_identity_delete(pmhs_nl_handle(self->s), "oq-srv");
	ASSERT_EQ(0, pmhs_opaque_setup_generate(setup));
	ASSERT_EQ(0, pmhs_identity_import_opaque(pmhs_nl_handle(self->s), "oq-srv", setup, NULL));
	explicit_bzero(setup, sizeof(setup));
	ASSERT_EQ(0, opq_register(self->c, self->s, "pw u", self->u, self->rec_u, &o, &self->r));
	ASSERT_EQ(0, opq_register(self->c, self->s, "pw v", self->v, self->rec_v, &o, &self->r));
}

FIXTURE_TEARDOWN(ol)
{
	struct pmhs *h = pmhs_nl_handle(self->s);

	for (int i = 0; self->saved_ok && i < P_NR; i++)
		param_set(i, self->saved[i]);
	pmhs_opaque_unlock(h, self->u, strlen(self->u));
	pmhs_opaque_unlock(h, self->v, strlen(self->v));
	pmhs_opaque_unlock(h, self->ghost, strlen(self->ghost));
	pmhs_identity_delete(h, "oq-srv");
	pmhs_nl_close(self->s);
	pmhs_nl_close(self->c);
}

#define LOCKED_MSG "too many failed logins for this user: try again later"

/* Refused at the server's KE2 step: EAGAIN, the message, no KE2, session gone. */
static bool refused(struct pmhs_nl *sv, int ret, const struct opq_out *o, struct pt_reply *r)
{
	return ret == -EAGAIN && o->failed == 's' && o->step == 2 &&
	       !strcmp(r->extack, LOCKED_MSG) && !r->tb[PMHS_A_SESSION_MESSAGE] &&
	       gone(sv, o->sid);
}

/* Failed logins lock the user (even with the right password); others log in. */
TEST_F(ol, locked_after_failures)
{
	struct opq_out o;
	int ret;

	ASSERT_EQ(0, param_set(P_PEER, 5));
	for (int i = 0; i < 5; i++) {
		EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->u, self->rec_u,
					      T_NONE, &o, &self->r));
		EXPECT_EQ('c', o.failed);
	}
	ret = opq_login(self->c, self->s, "wrong", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r)) {
		TH_LOG("%d %c%d '%s'", ret, o.failed, o.step, self->r.extack);
	}
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	EXPECT_EQ(0, opq_login(self->c, self->s, "pw v", self->v, self->rec_v, T_NONE, &o,
			       &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
}

/* After a failure the next attempt waits opaque_delay_ms, then goes through. */
TEST_F(ol, backoff)
{
	struct opq_out o;
	int ret;

	ASSERT_EQ(0, param_set(P_DELAY, 300));
	EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->u, self->rec_u, T_NONE,
				      &o, &self->r));
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r)) {
		TH_LOG("%d '%s'", ret, self->r.extack);
	}
	usleep(400 * 1000);
	EXPECT_EQ(0, opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o,
			       &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
}

/* A good KE3 takes its KE2's count back: logins in a row never back off or lock. */
TEST_F(ol, good_logins_refunded)
{
	struct opq_out o;

	ASSERT_EQ(0, param_set(P_DELAY, 1000));
	for (int i = 0; i < 10; i++) {
		EXPECT_EQ(0, opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE,
				       &o, &self->r)) {
			TH_LOG("login %d: %s", i + 1, self->r.extack);
		}
	}
}

/* An unknown user locks after as many failures, with the same error and message. */
TEST_F(ol, unknown_user_like_known)
{
	char known[256];
	struct opq_out o;
	int ret;

	for (int i = 0; i < 3; i++)
		EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->u, self->rec_u,
					      T_NONE, &o, &self->r));
	ret = opq_login(self->c, self->s, "wrong", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	snprintf(known, sizeof(known), "%s", self->r.extack);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->ghost, NULL,
					      T_NONE, &o, &self->r));
		EXPECT_EQ('c', o.failed);
	}
	ret = opq_login(self->c, self->s, "wrong", self->ghost, NULL, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	EXPECT_STREQ(known, self->r.extack);
}

/* A KE2 counts when no KE3 ever comes (one offline guess each). */
TEST_F(ol, abandoned_ke2_counts)
{
	struct po_opaque cp = { .login = true, .password = "pw u" };
	struct po_opaque sp = { .login = true, .server = true, .identity = "oq-srv",
				.cred_id = self->u, .record = self->rec_u };
	uint8_t ke1[96];
	uint32_t cid, sid;

	ASSERT_EQ(0, param_set(P_PEER, 2));
	ASSERT_EQ(0, po_opaque_new(self->c, &cp, &cid, &self->r));
	ASSERT_EQ(96, reply_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke1, 96));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid, &self->r));
		EXPECT_EQ(0, po_opaque_recv(self->s, sid, ke1, 96, NULL, &self->r));
		EXPECT_NE(NULL, self->r.tb[PMHS_A_SESSION_MESSAGE]);
	}
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid, &self->r));
	EXPECT_EQ(-EAGAIN, po_opaque_recv(self->s, sid, ke1, 96, NULL, &self->r));
	EXPECT_STREQ(LOCKED_MSG, self->r.extack);
	EXPECT_EQ(NULL, self->r.tb[PMHS_A_SESSION_MESSAGE]);
	EXPECT_TRUE(gone(self->s, sid));
}

/* One peer locked leaves the others; the per-user cap locks every peer. */
TEST_F(ol, per_peer_and_per_user)
{
	struct opq_out o;
	int ret;

	ASSERT_EQ(0, param_set(P_PEER, 2));
	ASSERT_EQ(0, param_set(P_USER, 3));
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(-EBADMSG, opq_login_from(self->c, self->s, "wrong", self->u, "10.0.0.1",
						   self->rec_u, T_NONE, &o, &self->r));
	ret = opq_login_from(self->c, self->s, "pw u", self->u, "10.0.0.1", self->rec_u, T_NONE,
			     &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	/* another peer gets in (and its good login is no failure) */
	EXPECT_EQ(0, opq_login_from(self->c, self->s, "pw u", self->u, "10.0.0.2", self->rec_u,
				    T_NONE, &o, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	/* the user's third failure, from a second peer: now every peer waits */
	EXPECT_EQ(-EBADMSG, opq_login_from(self->c, self->s, "wrong", self->u, "10.0.0.2",
					   self->rec_u, T_NONE, &o, &self->r));
	ret = opq_login_from(self->c, self->s, "pw u", self->u, "10.0.0.3", self->rec_u, T_NONE,
			     &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	/* another user, from the locked peer: in */
	EXPECT_EQ(0, opq_login_from(self->c, self->s, "pw v", self->v, "10.0.0.1", self->rec_v,
				    T_NONE, &o, &self->r));
}

/* opaque-unlock: CAP_NET_ADMIN only, needs the user, clears every peer's count. */
TEST_F(ol, unlock)
{
	struct opq_out o;
	struct nl_msg *m;
	int ret, st;
	pid_t pid;

	ASSERT_EQ(0, param_set(P_PEER, 2));
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->u, self->rec_u,
					      T_NONE, &o, &self->r));
		EXPECT_EQ(-EBADMSG, opq_login_from(self->c, self->s, "wrong", self->u, "p2",
						   self->rec_u, T_NONE, &o, &self->r));
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct pmhs_nl *nl;

		if (pt_drop_privs())
			_exit(10);
		nl = pt_open();
		if (!nl)
			_exit(11);
		_exit(pmhs_opaque_unlock(pmhs_nl_handle(nl), self->u, strlen(self->u)) == -EPERM ?
		      0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	/* without the user: refused, saying what is missing */
	m = raw_new(self->s, PMHS_CMD_OPAQUE_UNLOCK, 0);
	EXPECT_EQ(-EINVAL, raw_call(self->s, m, PMHS_A_OPAQUE_PARAMS_MAX, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "credential-identifier"));
	EXPECT_EQ(0, pmhs_opaque_unlock(pmhs_nl_handle(self->s), self->u, strlen(self->u)));
	EXPECT_EQ(0, opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o,
			       &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(0, opq_login_from(self->c, self->s, "pw u", self->u, "p2", self->rec_u,
				    T_NONE, &o, &self->r));
}

/* Another network namespace counts on its own. */
TEST_F(ol, netns_own_counts)
{
	struct opq_out o;
	int ret, st;
	pid_t pid;

	ASSERT_EQ(0, param_set(P_PEER, 2));
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(-EBADMSG, opq_login(self->c, self->s, "wrong", self->u, self->rec_u,
					      T_NONE, &o, &self->r));
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct pmhs_nl *c, *sv;
		struct pt_reply r;
		uint8_t setup[128], rec[192];

		if (unshare(CLONE_NEWNET))
			_exit(10);
		c = pt_open();
		sv = pt_open();
		if (!c || !sv || pmhs_opaque_setup_generate(setup) ||
		    pmhs_identity_import_opaque(pmhs_nl_handle(sv), "oq-srv", setup, NULL))
			_exit(11);
		if (opq_register(c, sv, "pw u", self->u, rec, &o, &r))
			_exit(12);
		_exit(opq_login(c, sv, "pw u", self->u, rec, T_NONE, &o, &r) ? 13 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* still locked here */
	ret = opq_login(self->c, self->s, "pw u", self->u, self->rec_u, T_NONE, &o, &self->r);
	EXPECT_TRUE(refused(self->s, ret, &o, &self->r));
}

/* The op costs kernel CPU time: CAP_NET_ADMIN only. */
TEST_F(oq, unprivileged_refused)
{
	struct json_object *v = vector(self->vecs, false, 0);
	int st;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct pmhs_nl *nl;
		struct pt_reply r;

		if (pt_drop_privs())
			_exit(10);
		nl = pt_open();
		if (!nl)
			_exit(11);
		_exit(po_opaque_kat(nl, v, 0, &r) == -EPERM ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/* The key type of a published key: "user", "logon", or "" if none. */
static const char *key_type_of(int32_t serial, char *buf, size_t len)
{
	long n = keyctl_describe(serial, buf, len);
	char *semi = n > 0 ? strchr(buf, ';') : NULL;

	if (!semi)
		return "";
	*semi = '\0';
	return buf;
}

/*
 * The server's session key is a logon key unless the request names a
 * type: only the kernel (kTLS, IPsec) uses it. The client's stays a user
 * key; naming user on the server still works.
 */
TEST_F(os, server_key_is_logon_by_default)
{
	struct pmhs *c = pmhs_nl_handle(self->c), *sv = pmhs_nl_handle(self->s);
	struct pmhs_opaque_params cp, sp;
	struct pmhs_opaque_step a, b;
	struct pmhs_publish pub;
	char buf[512], buf2[512];
	uint8_t k[64];

	PMHS_INIT(cp);
	cp.role = PMHS_ROLE_INITIATOR;
	cp.password = "correct horse";
	cp.password_len = strlen("correct horse");
	PMHS_INIT(sp);
	sp.role = PMHS_ROLE_RESPONDER;
	sp.identity = "oq-srv";
	sp.cred_id = self->ua;
	sp.cred_id_len = strlen(self->ua);
	sp.record = self->alice;
	PMHS_INIT(a);
	PMHS_INIT(b);
	for (int named = 0; named < 3; named++) {
		/* 0: nothing named; 1: user named; 2: logon named */
		PMHS_INIT(pub);
		pub.flags = named == 1 ? PMHS_PUBLISH_USER_KEY : 0;
		pub.key_type = named == 2 ? PMHS_KEY_TYPE_LOGON : 0;
		ASSERT_EQ(0, pmhs_opaque_start(c, PMHS_MODE_OPAQUE_LOGIN, &cp, NULL, &a));
		ASSERT_EQ(0, pmhs_opaque_start(sv, PMHS_MODE_OPAQUE_LOGIN, &sp, &pub, &b));
		ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, a.msg, a.msg_len, NULL, &b));
		ASSERT_EQ(0, pmhs_opaque_next(c, a.id, &ksf_small, b.msg, b.msg_len, NULL, &a));
		ASSERT_EQ(0, pmhs_opaque_next(sv, b.id, NULL, a.msg, a.msg_len, NULL, &b)) {
			TH_LOG("%s", pmhs_errmsg(sv));
		}
		ASSERT_LT(0, b.key_serial);
		EXPECT_STREQ("user", key_type_of(a.key_serial, buf, sizeof(buf)));
		EXPECT_STREQ(named == 1 ? "user" : "logon",
			     key_type_of(b.key_serial, buf2, sizeof(buf2)));
		if (named == 1) {
			EXPECT_TRUE(same_key(a.key_serial, b.key_serial, 64));
		} else {
			EXPECT_EQ(-1, keyctl_read(b.key_serial, (char *)k, sizeof(k)));
			EXPECT_EQ(EOPNOTSUPP, errno);
		}
	}
	/* both user and logon named at once: the library refuses */
	PMHS_INIT(pub);
	pub.flags = PMHS_PUBLISH_USER_KEY;
	pub.key_type = PMHS_KEY_TYPE_LOGON;
	EXPECT_EQ(-EINVAL, pmhs_opaque_start(sv, PMHS_MODE_OPAQUE_LOGIN, &sp, &pub, &b));
}

PMHS_TEST_HARNESS_MAIN
