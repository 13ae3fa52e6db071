// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/proto/opaque.c and kmod/crypto/sha512.c in userspace: SHA-512,
 * HMAC and HKDF against OpenSSL; OPAQUE against the RFC 9807 vectors
 * (ristretto255-SHA512: both real vectors, every intermediate and output
 * they give, and the fake-record vector's KE2); then negatives (tampered
 * KE2/KE3, wrong password, another user's record, bad elements and
 * scalars, hash failures) and random round trips. ristretto255 is
 * libsodium's (r255_sodium.c) or kmod/crypto/r255.c: R255_VARIANT says.
 * TAP output.
 *   opaque_test VECTORS.json
 */
#include <stdio.h>
#include <json-c/json.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "kshim.h"
#include "r255.h"
#include "sha512.h"
#include "opaque.h"

int shim_shash_fail_at;
static int tests, failures;

static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - r255 " R255_VARIANT ": ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

static void hexdump(const char *what, const u8 *p, size_t n)
{
	size_t i;

	printf("#   %s ", what);
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

/* ---- vectors ---- */
struct buf {
	u8 p[512];
	size_t len;
	int set;
};

static struct buf jhex(json_object *o, const char *sect, const char *k)
{
	struct buf b;

	memset(&b, 0, sizeof(b));
	json_object *s, *v;
	const char *h;

	if (!json_object_object_get_ex(o, sect, &s) ||
	    !json_object_object_get_ex(s, k, &v))
		return b;
	h = json_object_get_string(v);
	b.len = strlen(h) / 2;
	if (b.len > sizeof(b.p)) {
		fprintf(stderr, "%s too long\n", k);
		exit(2);
	}
	for (size_t i = 0; i < b.len; i++)
		sscanf(h + 2 * i, "%2hhx", &b.p[i]);
	b.set = 1;
	return b;
}

/* @got is the vector's @what (an intermediate or output) */
static int same(const char *name, const char *what, const u8 *got,
		const struct buf *want)
{
	int r = want->set && !memcmp(got, want->p, want->len);

	ok(r, "%s: %s = the vector's", name, what);
	if (!r) {
		hexdump("got ", got, want->len);
		hexdump("want", want->p, want->len);
	}
	return r;
}

struct vec {
	struct buf context, client_id, server_id, cred_id, password;
	struct buf oprf_seed, server_sk, server_pk;
	struct buf blind_reg, blind_login, client_nonce, server_nonce;
	struct buf client_ks_seed, server_ks_seed, env_nonce, masking_nonce;
	struct buf client_sk, client_pk, masking_key, ke1_in;
	/* intermediates */
	struct buf auth_key, client_mac_key, i_client_pk, envelope;
	struct buf handshake_secret, i_masking_key, oprf_key, rwd;
	struct buf server_mac_key;
	/* outputs */
	struct buf ke1, ke2, ke3, export_key, reg_req, reg_resp, reg_upload;
	struct buf session_key;
};

static void load(json_object *o, struct vec *v)
{
	v->context = jhex(o, "config", "Context");
	v->client_id = jhex(o, "inputs", "client_identity");
	v->server_id = jhex(o, "inputs", "server_identity");
	v->cred_id = jhex(o, "inputs", "credential_identifier");
	v->password = jhex(o, "inputs", "password");
	v->oprf_seed = jhex(o, "inputs", "oprf_seed");
	v->server_sk = jhex(o, "inputs", "server_private_key");
	v->server_pk = jhex(o, "inputs", "server_public_key");
	v->blind_reg = jhex(o, "inputs", "blind_registration");
	v->blind_login = jhex(o, "inputs", "blind_login");
	v->client_nonce = jhex(o, "inputs", "client_nonce");
	v->server_nonce = jhex(o, "inputs", "server_nonce");
	v->client_ks_seed = jhex(o, "inputs", "client_keyshare_seed");
	v->server_ks_seed = jhex(o, "inputs", "server_keyshare_seed");
	v->env_nonce = jhex(o, "inputs", "envelope_nonce");
	v->masking_nonce = jhex(o, "inputs", "masking_nonce");
	v->client_sk = jhex(o, "inputs", "client_private_key");
	v->client_pk = jhex(o, "inputs", "client_public_key");
	v->masking_key = jhex(o, "inputs", "masking_key");
	v->ke1_in = jhex(o, "inputs", "KE1");
	v->auth_key = jhex(o, "intermediates", "auth_key");
	v->client_mac_key = jhex(o, "intermediates", "client_mac_key");
	v->i_client_pk = jhex(o, "intermediates", "client_public_key");
	v->envelope = jhex(o, "intermediates", "envelope");
	v->handshake_secret = jhex(o, "intermediates", "handshake_secret");
	v->i_masking_key = jhex(o, "intermediates", "masking_key");
	v->oprf_key = jhex(o, "intermediates", "oprf_key");
	v->rwd = jhex(o, "intermediates", "randomized_password");
	v->server_mac_key = jhex(o, "intermediates", "server_mac_key");
	v->ke1 = jhex(o, "outputs", "KE1");
	v->ke2 = jhex(o, "outputs", "KE2");
	v->ke3 = jhex(o, "outputs", "KE3");
	v->export_key = jhex(o, "outputs", "export_key");
	v->reg_req = jhex(o, "outputs", "registration_request");
	v->reg_resp = jhex(o, "outputs", "registration_response");
	v->reg_upload = jhex(o, "outputs", "registration_upload");
	v->session_key = jhex(o, "outputs", "session_key");
}

static void params_of(const struct vec *v, struct opaque_params *p)
{
	memset(p, 0, sizeof(*p));
	p->context = v->context.p;
	p->context_len = v->context.len;
	p->client_id = v->client_id.p;
	p->client_id_len = v->client_id.set ? v->client_id.len : 0;
	p->server_id = v->server_id.p;
	p->server_id_len = v->server_id.set ? v->server_id.len : 0;
}

static void setup_of(const struct vec *v, struct opaque_server_setup *s)
{
	memcpy(s->oprf_seed, v->oprf_seed.p, OPAQUE_NH);
	memcpy(s->sk, v->server_sk.p, OPAQUE_NSK);
	memcpy(s->pk, v->server_pk.p, OPAQUE_NPK);
	/* the fake vector's fake record key pair; else the server's */
	if (v->client_sk.set) {
		memcpy(s->fake_sk, v->client_sk.p, OPAQUE_NSK);
		memcpy(s->fake_pk, v->client_pk.p, OPAQUE_NPK);
	} else {
		memcpy(s->fake_sk, v->server_sk.p, OPAQUE_NSK);
		memcpy(s->fake_pk, v->server_pk.p, OPAQUE_NPK);
	}
}

/* What one full run (registration + login) of a vector produced. */
struct run {
	u8 req[OPAQUE_REG_REQUEST_LEN], resp[OPAQUE_REG_RESPONSE_LEN];
	u8 record[OPAQUE_RECORD_LEN], reg_export[OPAQUE_NH];
	u8 ke1[OPAQUE_KE1_LEN], ke2[OPAQUE_KE2_LEN], ke3[OPAQUE_KE3_LEN];
	u8 c_session[OPAQUE_NH], c_export[OPAQUE_NH], s_session[OPAQUE_NH];
	struct opaque_trace reg_s, reg_c, login_s, login_c;
	struct opaque_client_login cl;
	struct opaque_server_login sl;
	int ret[9];
};

static void real_vector(const struct vec *v, const char *name)
{
	struct opaque_server_setup s;
	struct opaque_client_reg cr;
	struct opaque_params p;
	u8 out[OPAQUE_NH];
	struct run r;

	memset(&r, 0, sizeof(r));
	params_of(v, &p);
	setup_of(v, &s);
	ok(!opaque_server_setup_check(&s), "%s: server setup checks", name);
	ok(!opaque_client_reg_start(&cr, r.req, v->password.p, v->password.len,
				    v->blind_reg.p), "%s: registration request", name);
	same(name, "registration_request", r.req, &v->reg_req);
	ok(!opaque_server_reg_respond(r.resp, &s, r.req, v->cred_id.p,
				      v->cred_id.len, &r.reg_s),
	   "%s: registration response", name);
	same(name, "registration_response", r.resp, &v->reg_resp);
	same(name, "oprf_key (registration)", r.reg_s.oprf_key, &v->oprf_key);
	ok(!opaque_client_reg_oprf(&cr, v->password.p, v->password.len, r.resp,
				   out), "%s: registration OPRF output", name);
	/* KSF Identity: stretched = oprf_output */
	ok(!opaque_client_reg_finish(&cr, r.record, r.reg_export, r.resp, out,
				     out, v->env_nonce.p, &p, &r.reg_c),
	   "%s: registration finish", name);
	ok(zero(&cr, sizeof(cr)), "%s: registration state wiped", name);
	same(name, "registration_upload", r.record, &v->reg_upload);
	same(name, "export_key (registration)", r.reg_export, &v->export_key);
	same(name, "randomized_password (registration)", r.reg_c.randomized_password,
	     &v->rwd);
	same(name, "masking_key (registration)", r.reg_c.masking_key,
	     &v->i_masking_key);
	same(name, "auth_key (registration)", r.reg_c.auth_key, &v->auth_key);
	same(name, "envelope (registration)", r.reg_c.envelope, &v->envelope);
	same(name, "client_public_key (registration)", r.reg_c.client_public_key,
	     &v->i_client_pk);
	ok(!opaque_record_check(r.record), "%s: record checks", name);

	ok(!opaque_client_ke1(&r.cl, r.ke1, v->password.p, v->password.len,
			      v->blind_login.p, v->client_nonce.p,
			      v->client_ks_seed.p), "%s: KE1", name);
	same(name, "KE1", r.ke1, &v->ke1);
	ok(!opaque_server_ke2(&r.sl, r.ke2, &s, r.record, v->cred_id.p,
			      v->cred_id.len, r.ke1, v->masking_nonce.p,
			      v->server_nonce.p, v->server_ks_seed.p, &p,
			      &r.login_s), "%s: KE2", name);
	same(name, "KE2", r.ke2, &v->ke2);
	same(name, "oprf_key (login)", r.login_s.oprf_key, &v->oprf_key);
	same(name, "handshake_secret (server)", r.login_s.handshake_secret,
	     &v->handshake_secret);
	same(name, "server_mac_key (server)", r.login_s.server_mac_key,
	     &v->server_mac_key);
	same(name, "client_mac_key (server)", r.login_s.client_mac_key,
	     &v->client_mac_key);
	ok(!opaque_client_ke2_oprf(&r.cl, v->password.p, v->password.len,
				   r.ke2, out), "%s: login OPRF output", name);
	ok(!opaque_client_ke3(&r.cl, r.ke3, r.c_session, r.c_export, r.ke2, out,
			      out, &p, &r.login_c), "%s: KE3", name);
	ok(zero(&r.cl, sizeof(r.cl)), "%s: client login state wiped", name);
	same(name, "KE3", r.ke3, &v->ke3);
	same(name, "session_key (client)", r.c_session, &v->session_key);
	same(name, "export_key (login)", r.c_export, &v->export_key);
	same(name, "randomized_password (login)", r.login_c.randomized_password,
	     &v->rwd);
	same(name, "masking_key (login)", r.login_c.masking_key, &v->i_masking_key);
	same(name, "auth_key (login)", r.login_c.auth_key, &v->auth_key);
	same(name, "envelope (login)", r.login_c.envelope, &v->envelope);
	same(name, "client_public_key (login)", r.login_c.client_public_key,
	     &v->i_client_pk);
	same(name, "handshake_secret (client)", r.login_c.handshake_secret,
	     &v->handshake_secret);
	same(name, "server_mac_key (client)", r.login_c.server_mac_key,
	     &v->server_mac_key);
	same(name, "client_mac_key (client)", r.login_c.client_mac_key,
	     &v->client_mac_key);
	ok(!opaque_server_finish(&r.sl, r.s_session, r.ke3),
	   "%s: server accepts KE3", name);
	ok(zero(&r.sl, sizeof(r.sl)), "%s: server login state wiped", name);
	same(name, "session_key (server)", r.s_session, &v->session_key);
}

static void fake_vector(const struct vec *v)
{
	struct opaque_server_setup s;
	struct opaque_server_login sl;
	struct opaque_params p;
	u8 record[OPAQUE_RECORD_LEN], ke2[OPAQUE_KE2_LEN];

	params_of(v, &p);
	setup_of(v, &s);
	/* also: the vector's client_public_key is its client_private_key's */
	ok(!opaque_server_setup_check(&s),
	   "fake: server setup (fake key pair = the vector's client keys) checks");
	memset(record, 0xaa, sizeof(record));
	opaque_fake_record(record, &s, v->masking_key.p);
	same("fake", "record's client_public_key", record, &v->client_pk);
	ok(!memcmp(record + OPAQUE_NPK, v->masking_key.p, OPAQUE_NH),
	   "fake: record's masking key");
	ok(zero(record + OPAQUE_NPK + OPAQUE_NH, OPAQUE_ENVELOPE_LEN),
	   "fake: envelope is zero");
	ok(!opaque_server_ke2(&sl, ke2, &s, record, v->cred_id.p,
			      v->cred_id.len, v->ke1_in.p, v->masking_nonce.p,
			      v->server_nonce.p, v->server_ks_seed.p, &p, NULL),
	   "fake: KE2 made");
	same("fake", "KE2", ke2, &v->ke2);
}

/* ---- negatives on vector 1 (no identities) ---- */

/* Login up to KE2 with @record; client state in @cl, server's in @sl. */
static int login_to_ke2(const struct vec *v, const struct opaque_server_setup *s,
			const u8 *record, const struct opaque_params *p,
			struct opaque_client_login *cl,
			struct opaque_server_login *sl, u8 ke2[OPAQUE_KE2_LEN])
{
	u8 ke1[OPAQUE_KE1_LEN];

	return opaque_client_ke1(cl, ke1, v->password.p, v->password.len,
				 v->blind_login.p, v->client_nonce.p,
				 v->client_ks_seed.p) ?:
	       opaque_server_ke2(sl, ke2, s, record, v->cred_id.p,
				 v->cred_id.len, ke1, v->masking_nonce.p,
				 v->server_nonce.p, v->server_ks_seed.p, p,
				 NULL);
}

/* The client's KE3 on @ke2 with password @pw: its return, all outputs zero? */
static int client_finish(struct opaque_client_login *cl, const u8 *pw,
			 size_t pwlen, const u8 ke2[OPAQUE_KE2_LEN],
			 const struct opaque_params *p, int *outputs_zero)
{
	u8 out[OPAQUE_NH], ke3[OPAQUE_KE3_LEN], sk[OPAQUE_NH], ek[OPAQUE_NH];
	int ret;

	memset(ke3, 0xaa, sizeof(ke3));
	memset(sk, 0xaa, sizeof(sk));
	memset(ek, 0xaa, sizeof(ek));
	ret = opaque_client_ke2_oprf(cl, pw, pwlen, ke2, out);
	if (ret) {
		/* failed before KE3: no OPRF output, the state gone */
		*outputs_zero = zero(out, sizeof(out)) && zero(cl, sizeof(*cl));
		return ret;
	}
	ret = opaque_client_ke3(cl, ke3, sk, ek, ke2, out, out, p, NULL);
	*outputs_zero = zero(ke3, sizeof(ke3)) && zero(sk, sizeof(sk)) &&
			zero(ek, sizeof(ek)) && zero(cl, sizeof(*cl));
	return ret;
}

static void negatives(const struct vec *v)
{
	static const struct { int off; const char *what; } flips[] = {
		{ 0, "evaluated element" },
		{ 32, "masking nonce" },
		{ 64, "masked server public key" },
		{ 64 + 32, "masked envelope nonce" },
		{ 64 + 32 + 32 + 10, "masked envelope tag" },
		{ 192, "server nonce" },
		{ 224, "server keyshare" },
		{ 256, "server MAC (first byte)" },
		{ 319, "server MAC (last byte)" },
	};
	struct opaque_server_setup s, s2;
	struct opaque_client_login cl;
	struct opaque_server_login sl;
	struct opaque_client_reg cr;
	struct opaque_params p;
	u8 ke2[OPAQUE_KE2_LEN], t[OPAQUE_KE2_LEN], ke1[OPAQUE_KE1_LEN];
	u8 record[OPAQUE_RECORD_LEN], other[OPAQUE_RECORD_LEN];
	u8 resp[OPAQUE_REG_RESPONSE_LEN], req[32], out[64], ek[64];
	u8 ke3[64], sk[64], seed[32], mk[64];
	u8 bad[32];
	int zeroed, ret;
	size_t i;

	params_of(v, &p);
	setup_of(v, &s);
	/* the record, from the vector */
	memcpy(record, v->reg_upload.p, sizeof(record));

	for (i = 0; i < ARRAY_SIZE(flips); i++) {
		if (login_to_ke2(v, &s, record, &p, &cl, &sl, ke2)) {
			ok(0, "tampered KE2: login to KE2");
			continue;
		}
		memcpy(t, ke2, sizeof(t));
		t[flips[i].off] ^= 0x01;
		ret = client_finish(&cl, v->password.p, v->password.len, t, &p,
				    &zeroed);
		ok(ret == -EBADMSG && zeroed,
		   "tampered KE2 (%s): EBADMSG, nothing derived (%d)",
		   flips[i].what, ret);
	}

	/* wrong password */
	login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
	ret = client_finish(&cl, (const u8 *)"CorrectHorseBatteryStaplf", 25,
			    ke2, &p, &zeroed);
	ok(ret == -EBADMSG && zeroed,
	   "wrong password: EBADMSG, nothing derived (%d)", ret);
	/* wrong context or identity on the client */
	login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
	{
		struct opaque_params q = p;

		q.context_len--;
		ret = client_finish(&cl, v->password.p, v->password.len, ke2,
				    &q, &zeroed);
		ok(ret == -EBADMSG && zeroed, "other context: EBADMSG (%d)",
		   ret);
	}
	login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
	{
		struct opaque_params q = p;

		q.server_id = (const u8 *)"mallory";
		q.server_id_len = 7;
		ret = client_finish(&cl, v->password.p, v->password.len, ke2,
				    &q, &zeroed);
		ok(ret == -EBADMSG && zeroed, "other server identity: EBADMSG (%d)",
		   ret);
	}

	/* tampered KE3; then the right one after a failure is refused too */
	login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
	opaque_client_ke2_oprf(&cl, v->password.p, v->password.len, ke2, out);
	ret = opaque_client_ke3(&cl, ke3, sk, ek, ke2, out, out, &p, NULL);
	ok(!ret, "client KE3 for the KE3 tests");
	ke3[63] ^= 0x80;
	memset(sk, 0xaa, sizeof(sk));
	ret = opaque_server_finish(&sl, sk, ke3);
	ok(ret == -EBADMSG && zero(sk, sizeof(sk)) && zero(&sl, sizeof(sl)),
	   "tampered KE3: EBADMSG, no session key, state wiped (%d)", ret);
	ke3[63] ^= 0x80;
	ret = opaque_server_finish(&sl, sk, ke3);
	ok(ret == -EBADMSG, "right KE3 on a used state: EBADMSG (%d)", ret);

	/* another user's record under this identifier: the client fails */
	ret = opaque_client_reg_start(&cr, req, (const u8 *)"hunter2", 7,
				      v->blind_reg.p) ?:
	      opaque_server_reg_respond(resp, &s, req, (const u8 *)"bob", 3,
					NULL) ?:
	      opaque_client_reg_oprf(&cr, (const u8 *)"hunter2", 7, resp, out) ?:
	      opaque_client_reg_finish(&cr, other, ek, resp, out, out,
				       v->env_nonce.p, &p, NULL);
	ok(!ret, "registration of another user");
	login_to_ke2(v, &s, other, &p, &cl, &sl, ke2);
	ret = client_finish(&cl, v->password.p, v->password.len, ke2, &p,
			    &zeroed);
	ok(ret == -EBADMSG && zeroed, "another user's record: EBADMSG (%d)",
	   ret);
	/* ... and with that user's password, still not (the OPRF key is ours) */
	login_to_ke2(v, &s, other, &p, &cl, &sl, ke2);
	ret = client_finish(&cl, (const u8 *)"hunter2", 7, ke2, &p, &zeroed);
	ok(ret == -EBADMSG && zeroed,
	   "another user's record with its password: EBADMSG (%d)", ret);

	/* a fake record: same sizes, the client fails like a wrong password */
	randombytes_buf(seed, sizeof(seed));
	randombytes_buf(mk, sizeof(mk));
	s2 = s;
	ret = opaque_derive_keypair(s2.fake_sk, s2.fake_pk, seed) ?:
	      opaque_server_setup_check(&s2);
	ok(!ret, "fake key pair from a random seed");
	opaque_fake_record(other, &s2, mk);
	ret = login_to_ke2(v, &s, other, &p, &cl, &sl, ke2);
	ok(!ret, "KE2 for a fake record");
	ret = client_finish(&cl, v->password.p, v->password.len, ke2, &p,
			    &zeroed);
	ok(ret == -EBADMSG && zeroed, "fake record: client EBADMSG (%d)", ret);

	/* the server refuses bad elements in requests */
	memset(bad, 0, sizeof(bad));
	ret = opaque_server_reg_respond(resp, &s, bad, v->cred_id.p,
					v->cred_id.len, NULL);
	ok(ret == -EBADMSG && zero(resp, sizeof(resp)),
	   "registration request of the identity: EBADMSG (%d)", ret);
	memset(bad, 0xff, sizeof(bad));
	ret = opaque_server_reg_respond(resp, &s, bad, v->cred_id.p,
					v->cred_id.len, NULL);
	ok(ret == -EBADMSG, "registration request not an encoding: EBADMSG (%d)",
	   ret);
	memcpy(ke1, v->ke1.p, sizeof(ke1));
	memset(ke1, 0, 32);
	ret = opaque_server_ke2(&sl, ke2, &s, record, v->cred_id.p,
				v->cred_id.len, ke1, v->masking_nonce.p,
				v->server_nonce.p, v->server_ks_seed.p, &p, NULL);
	ok(ret == -EBADMSG && zero(ke2, sizeof(ke2)) && zero(&sl, sizeof(sl)),
	   "KE1 with an identity blinded element: EBADMSG, nothing out (%d)",
	   ret);
	memcpy(ke1, v->ke1.p, sizeof(ke1));
	memset(ke1 + 64, 0, 32);
	ret = opaque_server_ke2(&sl, ke2, &s, record, v->cred_id.p,
				v->cred_id.len, ke1, v->masking_nonce.p,
				v->server_nonce.p, v->server_ks_seed.p, &p, NULL);
	ok(ret == -EBADMSG, "KE1 with an identity keyshare: EBADMSG (%d)", ret);
	memcpy(ke1, v->ke1.p, sizeof(ke1));
	/* p + l is a non-canonical encoding: flip the top bit instead */
	ke1[64 + 31] |= 0x80;
	ret = opaque_server_ke2(&sl, ke2, &s, record, v->cred_id.p,
				v->cred_id.len, ke1, v->masking_nonce.p,
				v->server_nonce.p, v->server_ks_seed.p, &p, NULL);
	ok(ret == -EBADMSG, "KE1 keyshare with the top bit set: EBADMSG (%d)",
	   ret);
	memcpy(other, record, sizeof(other));
	memset(other, 0, 32);
	ok(opaque_record_check(other) == -EBADMSG,
	   "record with the identity as public key: EBADMSG");
	ret = opaque_server_ke2(&sl, ke2, &s, other, v->cred_id.p,
				v->cred_id.len, v->ke1.p, v->masking_nonce.p,
				v->server_nonce.p, v->server_ks_seed.p, &p, NULL);
	ok(ret == -EBADMSG, "KE2 on a record with the identity: EBADMSG (%d)",
	   ret);
	/* the client refuses an identity evaluated element */
	login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
	memset(ke2, 0, 32);
	memset(out, 0xaa, sizeof(out));
	ret = opaque_client_ke2_oprf(&cl, v->password.p, v->password.len, ke2,
				     out);
	ok(ret == -EBADMSG && zero(out, sizeof(out)) && zero(&cl, sizeof(cl)),
	   "identity evaluated element: EBADMSG, no OPRF output, state wiped (%d)",
	   ret);
	memset(resp, 0, sizeof(resp));
	memcpy(resp + 32, s.pk, 32);
	opaque_client_reg_start(&cr, req, v->password.p, v->password.len,
				v->blind_reg.p);
	ret = opaque_client_reg_oprf(&cr, v->password.p, v->password.len, resp,
				     out);
	ok(ret == -EBADMSG && zero(&cr, sizeof(cr)),
	   "registration response of the identity: EBADMSG, state wiped (%d)",
	   ret);

	/* caller errors: blinds that are zero or not canonical */
	memset(bad, 0, sizeof(bad));
	ret = opaque_client_reg_start(&cr, req, v->password.p, v->password.len,
				      bad);
	ok(ret == -EINVAL, "zero blind: EINVAL (%d)", ret);
	memset(bad, 0xff, sizeof(bad));
	bad[31] = 0x10;
	ret = opaque_client_ke1(&cl, ke1, v->password.p, v->password.len, bad,
				v->client_nonce.p, v->client_ks_seed.p);
	ok(ret == -EINVAL && zero(ke1, sizeof(ke1)),
	   "blind >= l: EINVAL, no KE1 (%d)", ret);
	s2 = s;
	s2.pk[0] ^= 1;
	ok(opaque_server_setup_check(&s2) == -EINVAL,
	   "server setup whose public key is not its private key's: EINVAL");
	s2 = s;
	memset(s2.sk, 0, 32);
	ok(opaque_server_setup_check(&s2) == -EINVAL,
	   "server setup with a zero private key: EINVAL");
	s2 = s;
	s2.fake_pk[0] ^= 1;
	ok(opaque_server_setup_check(&s2) == -EINVAL,
	   "server setup whose fake public key is not its fake private key's: EINVAL");
	s2 = s;
	memset(s2.fake_sk, 0xff, 32);
	ok(opaque_server_setup_check(&s2) == -EINVAL,
	   "server setup with a fake private key >= l: EINVAL");
	{
		struct opaque_params q = p;

		q.client_id_len = 65536;
		q.client_id = v->password.p;
		login_to_ke2(v, &s, record, &p, &cl, &sl, ke2);
		ret = client_finish(&cl, v->password.p, v->password.len, ke2,
				    &q, &zeroed);
		ok(ret == -EINVAL && zeroed, "identity over 65535 bytes: EINVAL (%d)",
		   ret);
	}

	/* a password Finalize cannot take (2-byte length) */
	{
		static u8 long_pw[65536];

		ret = opaque_client_ke1(&cl, ke1, long_pw, sizeof(long_pw),
					v->blind_login.p, v->client_nonce.p,
					v->client_ks_seed.p);
		ok(ret == -EINVAL && zero(ke1, sizeof(ke1)),
		   "password of 65536 bytes: EINVAL (%d)", ret);
		ret = opaque_client_ke1(&cl, ke1, long_pw, sizeof(long_pw) - 1,
					v->blind_login.p, v->client_nonce.p,
					v->client_ks_seed.p);
		ok(!ret, "password of 65535 bytes: accepted (%d)", ret);
	}

	/* a hash that fails midway: the error, and nothing out */
	for (i = 1; i <= 60; i += 7) {
		memset(ke2, 0xaa, sizeof(ke2));
		memcpy(ke1, v->ke1.p, sizeof(ke1));
		shim_shash_fail_at = i;
		ret = opaque_server_ke2(&sl, ke2, &s, record, v->cred_id.p,
					v->cred_id.len, ke1, v->masking_nonce.p,
					v->server_nonce.p, v->server_ks_seed.p,
					&p, NULL);
		shim_shash_fail_at = 0;
		ok(ret == -EIO && zero(ke2, sizeof(ke2)) && zero(&sl, sizeof(sl)),
		   "hash failure at call %zu in KE2: EIO, nothing out (%d)", i,
		   ret);
	}
}

/* ---- random round trips ---- */
static void round_trips(int n)
{
	int i, bad = 0, badf = 0;

	for (i = 0; i < n; i++) {
		struct opaque_server_setup s;
		struct opaque_client_reg cr;
		struct opaque_client_login cl;
		struct opaque_server_login sl;
		struct opaque_params p = { 0 };
		u8 seed[64], ks[32], fs[32], blind[32], pw[40], nonces[4][32];
		u8 ctx[20], cid[300], sid[9], wide[64];
		u8 req[32], resp[64], out[64], st[64], rec[192], ek1[64], ek2[64];
		u8 ke1[96], ke2[320], ke3[64], k1[64], k2[64];
		size_t pwlen = i % 40;

		randombytes_buf(seed, sizeof(seed));
		randombytes_buf(ks, sizeof(ks));
		randombytes_buf(fs, sizeof(fs));
		randombytes_buf(pw, sizeof(pw));
		randombytes_buf(nonces, sizeof(nonces));
		randombytes_buf(ctx, sizeof(ctx));
		randombytes_buf(cid, sizeof(cid));
		randombytes_buf(sid, sizeof(sid));
		randombytes_buf(st, sizeof(st));
		if (i & 1) {
			p.context = ctx;
			p.context_len = 1 + i % sizeof(ctx);
		}
		if (i & 2) {
			p.client_id = cid;
			p.client_id_len = 1 + (i * 37) % sizeof(cid);
		}
		if (i & 4) {
			p.server_id = sid;
			p.server_id_len = 1 + i % sizeof(sid);
		}
		randombytes_buf(wide, sizeof(wide));
		r255_sc_reduce64(blind, wide);
		if (opaque_server_setup_new(&s, seed, ks, fs) ||
		    opaque_server_setup_check(&s) ||
		    opaque_client_reg_start(&cr, req, pw, pwlen, blind) ||
		    opaque_server_reg_respond(resp, &s, req, cid, 5, NULL) ||
		    opaque_client_reg_oprf(&cr, pw, pwlen, resp, out) ||
		    opaque_client_reg_finish(&cr, rec, ek1, resp, out, st,
					     nonces[0], &p, NULL) ||
		    opaque_record_check(rec)) {
			bad++;
			continue;
		}
		randombytes_buf(wide, sizeof(wide));
		r255_sc_reduce64(blind, wide);
		if (opaque_client_ke1(&cl, ke1, pw, pwlen, blind, nonces[1],
				      nonces[2]) ||
		    opaque_server_ke2(&sl, ke2, &s, rec, cid, 5, ke1,
				      nonces[3], nonces[1], nonces[0], &p,
				      NULL) ||
		    opaque_client_ke2_oprf(&cl, pw, pwlen, ke2, out) ||
		    opaque_client_ke3(&cl, ke3, k1, ek2, ke2, out, st, &p,
				      NULL) ||
		    opaque_server_finish(&sl, k2, ke3) ||
		    memcmp(k1, k2, 64) || memcmp(ek1, ek2, 64)) {
			bad++;
			continue;
		}
		/* the same login with a different stretched value fails */
		st[i % 64] ^= 1;
		if (opaque_client_ke1(&cl, ke1, pw, pwlen, blind, nonces[1],
				      nonces[2]) ||
		    opaque_server_ke2(&sl, ke2, &s, rec, cid, 5, ke1,
				      nonces[3], nonces[1], nonces[0], &p,
				      NULL) ||
		    opaque_client_ke2_oprf(&cl, pw, pwlen, ke2, out) ||
		    opaque_client_ke3(&cl, ke3, k1, ek2, ke2, out, st, &p,
				      NULL) != -EBADMSG)
			badf++;
	}
	ok(!bad, "%d random round trips (password 0..39 bytes, context and "
	   "identities on and off): same session and export keys (%d bad)",
	   n, bad);
	ok(!badf, "%d random logins with another stretched value fail (%d bad)",
	   n, badf);
}

/* ---- SHA-512, HMAC, HKDF against OpenSSL ---- */
static void sha512_tests(void)
{
	u8 msg[600], key[300], a[64], b[64], prk[64], okm[700], ref[700];
	struct pmhs_buf v[4];
	unsigned int len;
	int i, bad = 0;

	ok(!pmhs_sha512_selftest(), "sha512 known answers (module self-test)");
	for (i = 0; i < 200; i++) {
		size_t n = i * 3 % sizeof(msg), cut1 = n / 3, cut2 = n / 2;

		RAND_bytes(msg, sizeof(msg));
		v[0] = (struct pmhs_buf){ msg, cut1 };
		v[1] = (struct pmhs_buf){ msg + cut1, 0 };
		v[2] = (struct pmhs_buf){ msg + cut1, cut2 - cut1 };
		v[3] = (struct pmhs_buf){ msg + cut2, n - cut2 };
		if (pmhs_sha512_v(v, 4, a) ||
		    !EVP_Digest(msg, n, b, &len, EVP_sha512(), NULL) ||
		    memcmp(a, b, 64))
			bad++;
	}
	ok(!bad, "sha512 of 200 messages in pieces = OpenSSL (%d bad)", bad);
	bad = 0;
	for (i = 0; i < 200; i++) {
		size_t kl = i * 7 % sizeof(key), n = i * 5 % sizeof(msg);

		RAND_bytes(key, sizeof(key));
		RAND_bytes(msg, sizeof(msg));
		if (pmhs_hmac_sha512(key, kl, msg, n, a) ||
		    !HMAC(EVP_sha512(), key, kl, msg, n, b, &len) ||
		    memcmp(a, b, 64))
			bad++;
	}
	ok(!bad, "HMAC-SHA512, keys 0..299 bytes = OpenSSL (%d bad)", bad);
	bad = 0;
	for (i = 0; i < 60; i++) {
		size_t n = 1 + i * 11, il = i % 40;
		u8 t[64], c;
		size_t done = 0;

		RAND_bytes(key, sizeof(key));
		RAND_bytes(msg, sizeof(msg));
		if (pmhs_hkdf_sha512_extract(key, i, msg, 50, prk) ||
		    pmhs_hkdf_sha512_expand(prk, msg + 100, il, okm, n)) {
			bad++;
			continue;
		}
		/* reference: RFC 5869 on OpenSSL's HMAC */
		HMAC(EVP_sha512(), key, i, msg, 50, t, &len);
		if (memcmp(t, prk, 64))
			bad++;
		for (c = 1, len = 0; done < n; c++) {
			u8 in[64 + 40 + 1];
			unsigned int inl = 0;

			memcpy(in, t, len);
			inl = len;
			memcpy(in + inl, msg + 100, il);
			inl += il;
			in[inl++] = c;
			HMAC(EVP_sha512(), prk, 64, in, inl, t, &len);
			memcpy(ref + done, t, n - done < 64 ? n - done : 64);
			done += n - done < 64 ? n - done : 64;
		}
		if (memcmp(okm, ref, n))
			bad++;
	}
	ok(!bad, "HKDF-SHA512 extract and expand to 1..650 bytes = RFC 5869 on "
	   "OpenSSL (%d bad)", bad);
	ok(pmhs_hkdf_sha512_expand(prk, NULL, 0, okm, 255 * 64 + 1) == -EINVAL,
	   "HKDF expand over 255 blocks: EINVAL");
}

int main(int argc, char **argv)
{
	json_object *all;
	int i, real = 0, fake = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTORS.json\n", argv[0]);
		return 2;
	}
	if (sodium_init() < 0 || pmhs_sha512_init() || pmhs_r255_selftest()) {
		printf("Bail out! init\n");
		return 1;
	}
	sha512_tests();
	ok(!pmhs_opaque_selftest(), "module self-test (RFC 9807 vector 1, both roles)");
	all = json_object_from_file(argv[1]);
	if (!all) {
		printf("Bail out! cannot read %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < (int)json_object_array_length(all); i++) {
		json_object *o = json_object_array_get_idx(all, i), *c, *g, *f;
		struct vec v;
		char name[32];

		json_object_object_get_ex(o, "config", &c);
		json_object_object_get_ex(c, "Group", &g);
		json_object_object_get_ex(c, "Fake", &f);
		if (strcmp(json_object_get_string(g), "ristretto255"))
			continue;
		memset(&v, 0, sizeof(v));
		load(o, &v);
		if (!strcmp(json_object_get_string(f), "True")) {
			fake++;
			fake_vector(&v);
			continue;
		}
		snprintf(name, sizeof(name), "vector %d%s", ++real,
			 v.client_id.set ? " (identities)" : "");
		real_vector(&v, name);
		if (real == 1)
			negatives(&v);
	}
	ok(real == 2 && fake == 1, "2 real and 1 fake ristretto255 vectors "
	   "(found %d and %d)", real, fake);
	json_object_put(all);
	round_trips(64);
	pmhs_sha512_uninit();
	printf("1..%d\n", tests);
	if (failures)
		printf("# %d of %d failed\n", failures, tests);
	return failures ? 1 : 0;
}
