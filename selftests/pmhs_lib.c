// SPDX-License-Identifier: GPL-2.0
/*
 * libpmhs through the module: every group of its API as an application
 * uses it (public header only, linked against libpmhs.so.0), with the
 * kernel's reasons coming back through pmhs_errmsg().
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/sha.h>
#include <pmhs/pmhs.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_vec.h"

/* A vector key: its private key as PKCS#8 PEM, and its SPKI DER. */
struct key {
	const char *pem;
	size_t pem_len;
	unsigned char spki[1024];
	size_t spki_len;
};

static int load_key(struct key *k, const char *name)
{
	struct json_object *root = vec_load("poorman-v1.json");
	char path[64];
	uint8_t *der;
	long n;

	if (!root)
		return -1;
	snprintf(path, sizeof(path), "keys.%s.private_pem_pkcs8", name);
	k->pem = vec_str(root, path);
	n = vec_key_pub_der(root, name, &der);
	if (!k->pem || n <= 0 || n > (long)sizeof(k->spki))
		return -1;
	k->pem_len = strlen(k->pem);
	memcpy(k->spki, der, (size_t)n);
	k->spki_len = (size_t)n;
	free(der);
	return 0;
}

static struct key key_a, key_b;

FIXTURE(lib) {
	struct pmhs *h;
};

FIXTURE_SETUP(lib)
{
	ASSERT_EQ(0, pmhs_open(&self->h));
	ASSERT_EQ(0, load_key(&key_a, "alice"));
	ASSERT_EQ(0, load_key(&key_b, "bob"));
}

FIXTURE_TEARDOWN(lib)
{
	pmhs_identity_delete(self->h, "lib-a");
	pmhs_identity_delete(self->h, "lib-b");
	pmhs_identity_delete(self->h, "lib-x");
	pmhs_identity_delete(self->h, "lib-xi");
	pmhs_identity_delete(self->h, "lib-xr");
	pmhs_close(self->h);
}

TEST_F(lib, version_and_config)
{
	struct pmhs_version v;
	struct pmhs_config c, saved;

	PMHS_INIT(v);
	ASSERT_EQ(0, pmhs_get_version(self->h, &v));
	EXPECT_EQ(PMHS_PROTO_VERSION, v.proto_version);
	EXPECT_NE(0, v.modes & PMHS_MODE_FLAGS_PASSWORD);
	EXPECT_NE(0, strlen(v.module_version));
	EXPECT_EQ(sizeof(v), v.size);

	PMHS_INIT(saved);
	ASSERT_EQ(0, pmhs_config_get(self->h, &saved));
	ASSERT_NE(0, saved.fields & PMHS_CONFIG_SESSION_TIMEOUT);
	PMHS_INIT(c);
	c.fields = PMHS_CONFIG_SESSION_TIMEOUT;
	c.session_timeout = 123;
	ASSERT_EQ(0, pmhs_config_set(self->h, &c));
	PMHS_INIT(c);
	ASSERT_EQ(0, pmhs_config_get(self->h, &c));
	EXPECT_EQ(123, c.session_timeout);
	/* Out of range: refused by the kernel, which says why. */
	c.fields = PMHS_CONFIG_SESSION_TIMEOUT;
	c.session_timeout = PMHS_SESSION_TIMEOUT_MAX + 1;
	EXPECT_EQ(-ERANGE, pmhs_config_set(self->h, &c));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));
	/* Counts are read-only. */
	c.fields = PMHS_CONFIG_SESSIONS;
	EXPECT_EQ(-EINVAL, pmhs_config_set(self->h, &c));
	saved.fields = PMHS_CONFIG_SESSION_TIMEOUT;
	ASSERT_EQ(0, pmhs_config_set(self->h, &saved));
}

static int find_cb(const struct pmhs_identity *id, void *arg)
{
	const char *want = arg;

	return strcmp(id->name, want) ? 0 : 1;
}

TEST_F(lib, identities)
{
	unsigned char spki[1024], fp[SHA256_DIGEST_LENGTH], small[8];
	struct pmhs_identity id;
	char msg[256];
	size_t len;

	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_import(self->h, "lib-a", key_a.pem, key_a.pem_len, &id));
	EXPECT_STREQ("lib-a", id.name);
	EXPECT_EQ(2048, id.bits);
	EXPECT_EQ(PMHS_CRED_TYPE_RSA, id.cred_type);
	SHA256(key_a.spki, key_a.spki_len, fp);
	EXPECT_EQ(0, memcmp(fp, id.fingerprint, sizeof(fp)));

	EXPECT_EQ(-EEXIST, pmhs_identity_import(self->h, "lib-a", key_a.pem, key_a.pem_len, NULL));
	EXPECT_NE(0, pmhs_errmsg_copy(self->h, msg, sizeof(msg)));
	TH_LOG("duplicate: %s", msg);
	EXPECT_EQ(-EINVAL, pmhs_identity_import(self->h, "lib-x", "junk", 4, NULL));
	EXPECT_NE(NULL, strstr(pmhs_errmsg(self->h), "RSA private key"));

	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_get(self->h, "lib-a", &id));
	EXPECT_EQ(2048, id.bits);
	ASSERT_EQ(0, pmhs_identity_pubkey(self->h, "lib-a", spki, sizeof(spki), &len));
	ASSERT_EQ(key_a.spki_len, len);
	EXPECT_EQ(0, memcmp(spki, key_a.spki, len));
	EXPECT_EQ(-ENOSPC, pmhs_identity_pubkey(self->h, "lib-a", small, sizeof(small), &len));
	/* The refused reply was read to its end: the next call gets its own. */
	PMHS_INIT(id);
	EXPECT_EQ(0, pmhs_identity_get(self->h, "lib-a", &id));
	EXPECT_STREQ("lib-a", id.name);
	EXPECT_EQ(1, pmhs_identity_foreach(self->h, find_cb, "lib-a"));

	ASSERT_EQ(0, pmhs_identity_delete(self->h, "lib-a"));
	EXPECT_EQ(-ENOENT, pmhs_identity_get(self->h, "lib-a", &id));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));
	EXPECT_EQ(0, pmhs_identity_foreach(self->h, find_cb, "lib-a"));
}

/* Both sides' published secrets are one and the same. */
static int same_secret(int32_t a, int32_t b)
{
	void *pa = NULL, *pb = NULL;
	long la = keyctl_read_alloc(a, &pa), lb = keyctl_read_alloc(b, &pb);
	int same = la > 0 && la == lb && !memcmp(pa, pb, (size_t)la);

	free(pa);
	free(pb);
	return same;
}

/* Our first message in st, what our step returned in done. */
struct side {
	struct pmhs_step st, done;
	unsigned char msg[PMHS_MESSAGE_MAX];
};

static void side_init(struct side *s)
{
	PMHS_INIT(s->done);
	PMHS_INIT(s->st);
	s->st.msg = s->msg;
	s->st.msg_max = sizeof(s->msg);
}

static int rsa_start(struct pmhs *h, uint32_t mode, const char *me, const struct key *peer,
		     struct side *s)
{
	struct pmhs_session_params p;

	PMHS_INIT(p);
	p.mode = mode;
	p.identity = me;
	p.peer_pubkey = peer->spki;
	p.peer_pubkey_len = peer->spki_len;
	p.oaep_hash = PMHS_OAEP_HASH_SHA256;
	side_init(s);
	return pmhs_session_new(h, &p, &s->st);
}

TEST_F(lib, rsa_modes)
{
	struct side a, b;
	struct pmhs_session_info info;

	ASSERT_EQ(0, pmhs_identity_import(self->h, "lib-a", key_a.pem, key_a.pem_len, NULL));
	ASSERT_EQ(0, pmhs_identity_import(self->h, "lib-b", key_b.pem, key_b.pem_len, NULL));

	ASSERT_EQ(0, rsa_start(self->h, PMHS_MODE_RSA_MUTUAL, "lib-a", &key_b, &a));
	ASSERT_EQ(0, rsa_start(self->h, PMHS_MODE_RSA_MUTUAL, "lib-b", &key_a, &b));
	ASSERT_NE(0, a.st.msg_len);
	PMHS_INIT(info);
	ASSERT_EQ(0, pmhs_session_result(self->h, a.st.id, &info));
	EXPECT_EQ(PMHS_STATE_WAITING, info.state);
	EXPECT_EQ(PMHS_MODE_RSA_MUTUAL, info.mode);
	EXPECT_STREQ("lib-a", info.identity);
	ASSERT_EQ(0, pmhs_session_step(self->h, a.st.id, b.msg, b.st.msg_len, NULL, &a.done));
	ASSERT_EQ(0, pmhs_session_step(self->h, b.st.id, a.msg, a.st.msg_len, NULL, &b.done));
	EXPECT_TRUE(same_secret(a.done.key_serial, b.done.key_serial));
	PMHS_INIT(info);
	ASSERT_EQ(0, pmhs_session_result(self->h, a.st.id, &info));
	EXPECT_EQ(PMHS_STATE_DONE, info.state);
	EXPECT_EQ(a.done.key_serial, info.key_serial);
	EXPECT_TRUE(info.has_peer_fingerprint);

	/* Half: the sender is done at once, the receiver after its step. */
	ASSERT_EQ(0, rsa_start(self->h, PMHS_MODE_RSA_HALF_SEND, "lib-a", &key_b, &a));
	EXPECT_LT(0, a.st.key_serial);
	ASSERT_EQ(0, rsa_start(self->h, PMHS_MODE_RSA_HALF_RECEIVE, "lib-b", &key_a, &b));
	EXPECT_EQ(0, b.st.msg_len);
	ASSERT_EQ(0, pmhs_session_step(self->h, b.st.id, a.msg, a.st.msg_len, NULL, &b.done));
	EXPECT_TRUE(same_secret(a.st.key_serial, b.done.key_serial));
}

static int pw_start(struct pmhs *h, const char *pw, const struct pmhs_publish *pub,
		    struct side *s)
{
	struct pmhs_session_params p;

	PMHS_INIT(p);
	p.mode = PMHS_MODE_PASSWORD;
	p.password = pw;
	p.password_len = strlen(pw);
	p.iterations = PMHS_ITERATIONS_MIN;
	p.oaep_hash = -1;
	p.publish = pub;
	side_init(s);
	return pmhs_session_new(h, &p, &s->st);
}

static int count_cb(const struct pmhs_session_info *s, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

TEST_F(lib, password_sessions)
{
	struct pmhs_publish pub;
	struct pmhs_session_info info;
	struct side a, b;
	key_serial_t found;
	int n = 0;

	PMHS_INIT(pub);
	pub.description = "libpmhs:test";
	ASSERT_EQ(0, pw_start(self->h, "a fine long password", &pub, &a));
	ASSERT_EQ(0, pw_start(self->h, "a fine long password", NULL, &b));
	ASSERT_EQ(0, pmhs_session_foreach(self->h, count_cb, &n));
	EXPECT_LE(2, n);
	ASSERT_EQ(0, pmhs_session_step(self->h, a.st.id, b.msg, b.st.msg_len, NULL, &a.done));
	ASSERT_EQ(0, pmhs_session_step(self->h, b.st.id, a.msg, a.st.msg_len, NULL, &b.done));
	EXPECT_TRUE(same_secret(a.done.key_serial, b.done.key_serial));
	found = keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "libpmhs:test", 0);
	EXPECT_EQ(a.done.key_serial, found);

	/* Another password: refused, with the kernel's reason. */
	ASSERT_EQ(0, pw_start(self->h, "a fine long password", NULL, &a));
	ASSERT_EQ(0, pw_start(self->h, "another long password", NULL, &b));
	EXPECT_GT(0, pmhs_session_step(self->h, a.st.id, b.msg, b.st.msg_len, NULL, &a.done));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));
	EXPECT_EQ(0, a.done.key_serial);
	PMHS_INIT(info);
	ASSERT_EQ(0, pmhs_session_result(self->h, a.st.id, &info));
	EXPECT_EQ(PMHS_STATE_FAILED, info.state);
	ASSERT_EQ(0, pmhs_session_delete(self->h, b.st.id));
	EXPECT_EQ(-ENOENT, pmhs_session_result(self->h, b.st.id, &info));
}

TEST_F(lib, rsa_ops_and_known_answers)
{
	/* RFC 4231 test case 2. */
	static const unsigned char hmac2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	unsigned char ct[512], pt[512], sig[512], out[64], tag[16], key[32] = { 1 }, iv[12];
	struct pmhs_kdf_params k;
	struct pmhs_aead_params a;
	size_t ctl, ptl, sigl, outl;

	ASSERT_EQ(0, pmhs_identity_import(self->h, "lib-a", key_a.pem, key_a.pem_len, NULL));
	ASSERT_EQ(0, pmhs_rsa_encrypt(self->h, key_a.spki, key_a.spki_len, -1, "hello", 5,
				      ct, sizeof(ct), &ctl));
	EXPECT_EQ(256, ctl);
	ASSERT_EQ(0, pmhs_rsa_decrypt(self->h, "lib-a", -1, ct, ctl, pt, sizeof(pt), &ptl));
	ASSERT_EQ(5, ptl);
	EXPECT_EQ(0, memcmp(pt, "hello", 5));
	/* An empty plaintext is a result, not a refusal (it was -EBADMSG). */
	ASSERT_EQ(0, pmhs_rsa_encrypt(self->h, key_a.spki, key_a.spki_len, -1, "", 0,
				      ct, sizeof(ct), &ctl));
	ptl = 99;
	EXPECT_EQ(0, pmhs_rsa_decrypt(self->h, "lib-a", -1, ct, ctl, pt, sizeof(pt), &ptl));
	EXPECT_EQ(0, ptl);
	ASSERT_EQ(0, pmhs_rsa_sign(self->h, "lib-a", "msg", 3, sig, sizeof(sig), &sigl));
	EXPECT_EQ(0, pmhs_rsa_verify(self->h, key_a.spki, key_a.spki_len, "msg", 3, sig, sigl));
	EXPECT_GT(0, pmhs_rsa_verify(self->h, key_a.spki, key_a.spki_len, "msh", 3, sig, sigl));

	PMHS_INIT(k);
	k.alg = PMHS_KDF_ALG_HMAC_SHA256;
	k.key = "Jefe";
	k.key_len = 4;
	k.input = "what do ya want for nothing?";
	k.input_len = 28;
	ASSERT_EQ(0, pmhs_kdf(self->h, &k, out, sizeof(out), &outl));
	ASSERT_EQ(32, outl);
	EXPECT_EQ(0, memcmp(out, hmac2, 32));

	memset(iv, 2, sizeof(iv));
	PMHS_INIT(a);
	a.direction = PMHS_AEAD_DIRECTION_ENCRYPT;
	a.key = key;
	a.key_len = sizeof(key);
	a.iv = iv;
	a.iv_len = sizeof(iv);
	a.input = "sixteen byte msg";
	a.input_len = 16;
	ASSERT_EQ(0, pmhs_aead(self->h, &a, out, sizeof(out), &outl, tag));
	ASSERT_EQ(16, outl);
	memcpy(ct, out, 16);
	a.direction = PMHS_AEAD_DIRECTION_DECRYPT;
	a.input = ct;
	a.tag = tag;
	a.tag_len = 16;
	ASSERT_EQ(0, pmhs_aead(self->h, &a, out, sizeof(out), &outl, NULL));
	EXPECT_EQ(0, memcmp(out, "sixteen byte msg", 16));
	tag[0] ^= 1;
	EXPECT_EQ(-EBADMSG, pmhs_aead(self->h, &a, out, sizeof(out), &outl, NULL));
}

/* One handle, several threads: the handle's lock keeps requests apart. */
static void *hammer(void *arg)
{
	struct pmhs_version v;

	for (int i = 0; i < 200; i++) {
		PMHS_INIT(v);
		if (pmhs_get_version(arg, &v) || v.proto_version != PMHS_PROTO_VERSION)
			return (void *)1;
	}
	return NULL;
}

TEST_F(lib, threads_share_a_handle)
{
	pthread_t t[4];
	void *ret;
	int bad = 0;

	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, hammer, self->h));
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &ret);
		bad += ret != NULL;
	}
	EXPECT_EQ(0, bad);
}

/*
 * A program built before the noise members: its structs are shorter, and
 * the library reads and writes only what they have (a guard after each).
 */
TEST_F(lib, structs_of_the_first_version)
{
	size_t pv0 = offsetof(struct pmhs_session_params, noise_protocol);
	size_t sv0 = offsetof(struct pmhs_step, payload);
	size_t iv0 = offsetof(struct pmhs_session_info, flags);
	struct pmhs_session_params *p = malloc(sizeof(*p));
	struct pmhs_step *st[2] = { malloc(sizeof(**st)), malloc(sizeof(**st)) };
	struct pmhs_session_info *info = malloc(sizeof(*info));
	unsigned char msg[2][PMHS_MESSAGE_MAX];

	ASSERT_TRUE(p && st[0] && st[1] && info);
	for (int j = 0; j < 2; j++) {
		/* Garbage where the new members are: a newer library must not look. */
		memset(p, 0xa5, sizeof(*p));
		memset(p, 0, pv0);
		p->size = (uint32_t)pv0;
		p->mode = PMHS_MODE_PASSWORD;
		p->password = "a fine long password";
		p->password_len = strlen(p->password);
		p->iterations = PMHS_ITERATIONS_MIN;
		p->oaep_hash = -1;
		memset(st[j], 0xa5, sizeof(*st[j]));
		memset(st[j], 0, sv0);
		st[j]->size = (uint32_t)sv0;
		st[j]->msg = msg[j];
		st[j]->msg_max = sizeof(msg[j]);
		ASSERT_EQ(0, pmhs_session_new(self->h, p, st[j]))
			TH_LOG("%s", pmhs_errmsg(self->h));
		EXPECT_NE(0, st[j]->msg_len);
		EXPECT_EQ(0xa5a5a5a5u, st[j]->flags);
		EXPECT_EQ(0xa5, st[j]->handshake_hash[0]);
	}
	ASSERT_EQ(0, pmhs_session_step(self->h, st[0]->id, msg[1], st[1]->msg_len, NULL, st[0]));
	EXPECT_NE(0, st[0]->key_serial);
	EXPECT_EQ(0xa5a5a5a5u, st[0]->flags);
	EXPECT_EQ(0xa5, st[0]->peer_static[31]);

	memset(info, 0xa5, sizeof(*info));
	info->size = (uint32_t)iv0;
	ASSERT_EQ(0, pmhs_session_result(self->h, st[0]->id, info));
	EXPECT_EQ(PMHS_STATE_DONE, info->state);
	EXPECT_EQ(iv0, info->size);
	EXPECT_EQ(0xa5a5a5a5u, info->flags);
	EXPECT_EQ(0xa5, info->handshake_hash[0]);
	info->size = (uint32_t)iv0 - 4;
	EXPECT_EQ(-EINVAL, pmhs_session_result(self->h, st[0]->id, info));
	p->size = (uint32_t)pv0 - 4;
	EXPECT_EQ(-EINVAL, pmhs_session_new(self->h, p, st[1]));
	pmhs_session_delete(self->h, st[0]->id);
	pmhs_session_delete(self->h, st[1]->id);
	free(p);
	free(st[0]);
	free(st[1]);
	free(info);
}

/* ---- noise ---- */

/* Hex string @path of noise-v1.json into @out of exactly @len bytes; 0 if it is. */
static int noise_vec(const char *path, uint8_t *out, size_t len)
{
	struct json_object *root = vec_load("noise-v1.json");
	const char *hex = root ? vec_str(root, path) : NULL;
	uint8_t *b = NULL;
	long n = hex ? vec_unhex(hex, &b) : -1;
	int ret = n == (long)len ? 0 : -1;

	if (!ret && len)
		memcpy(out, b, len);
	free(b);
	return ret;
}

static int find_type_cb(const struct pmhs_identity *id, void *arg)
{
	return !strcmp(id->name, "lib-x") ? (int)id->cred_type + 10 : 0;
}

TEST_F(lib, x25519_identity)
{
	uint8_t priv[32], pub[32], spki[PMHS_X25519_SPKI_LEN], got[128], fp[32];
	struct pmhs_identity id, *old;
	size_t len, v0 = offsetof(struct pmhs_identity, cred_type);

	/* A noiseprotocol static key, and the public key the vector gives for it. */
	ASSERT_EQ(0, noise_vec("handshakes.0.responder.static_private", priv, 32));
	ASSERT_EQ(0, noise_vec("handshakes.0.responder.static_public", pub, 32));
	pmhs_x25519_spki(pub, spki);
	SHA256(spki, sizeof(spki), fp);

	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_import_x25519(self->h, "lib-x", priv, &id));
	EXPECT_STREQ("lib-x", id.name);
	EXPECT_EQ(PMHS_CRED_TYPE_X25519, id.cred_type);
	EXPECT_EQ(253, id.bits);
	EXPECT_EQ(0, memcmp(fp, id.fingerprint, 32));
	EXPECT_EQ(-EEXIST, pmhs_identity_import_x25519(self->h, "lib-x", priv, NULL));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));

	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_get(self->h, "lib-x", &id));
	EXPECT_EQ(PMHS_CRED_TYPE_X25519, id.cred_type);
	EXPECT_EQ(253, id.bits);
	EXPECT_EQ(0, memcmp(fp, id.fingerprint, 32));
	/* Only the public half comes back: the SPKI of the vector's public key. */
	ASSERT_EQ(0, pmhs_identity_pubkey(self->h, "lib-x", got, sizeof(got), &len));
	ASSERT_EQ(PMHS_X25519_SPKI_LEN, len);
	EXPECT_EQ(0, memcmp(got, spki, len));
	EXPECT_EQ(10 + PMHS_CRED_TYPE_X25519, pmhs_identity_foreach(self->h, find_type_cb, NULL));

	/* A program built before cred_type: the library writes only its size. */
	old = malloc(sizeof(*old));
	ASSERT_NE(NULL, old);
	memset(old, 0, sizeof(*old));
	old->size = (uint32_t)v0;
	old->cred_type = 0xdeadbeef;
	EXPECT_EQ(0, pmhs_identity_get(self->h, "lib-x", old));
	EXPECT_EQ(253, old->bits);
	EXPECT_EQ(0xdeadbeef, old->cred_type);
	EXPECT_EQ(v0, old->size);
	old->size = (uint32_t)v0 - 4;
	EXPECT_EQ(-EINVAL, pmhs_identity_get(self->h, "lib-x", old));
	free(old);
}

#define XX "Noise_XXpsk2_25519_ChaChaPoly_SHA256"

struct nside {
	struct pmhs_step st;
	uint8_t msg[PMHS_MESSAGE_MAX], payload[256];
};

static void nside_init(struct nside *s)
{
	PMHS_INIT(s->st);
	s->st.msg = s->msg;
	s->st.msg_max = sizeof(s->msg);
	s->st.payload = s->payload;
	s->st.payload_max = sizeof(s->payload);
}

static int noise_start(struct pmhs *h, const char *identity, uint32_t role, const uint8_t *psk,
		       const char *payload, struct nside *s)
{
	struct pmhs_session_params p;

	PMHS_INIT(p);
	p.mode = PMHS_MODE_NOISE;
	p.identity = identity;
	p.noise_protocol = XX;
	p.role = role;
	p.prologue = "hivemind-v3";
	p.prologue_len = 11;
	p.psk = psk;
	p.payload = payload;
	p.payload_len = payload ? strlen(payload) : 0;
	nside_init(s);
	return pmhs_session_new(h, &p, &s->st);
}

static int same_payload(const struct nside *s, const char *want)
{
	return s->st.payload_len == strlen(want) && !memcmp(s->payload, want, strlen(want));
}

TEST_F(lib, noise_session)
{
	uint8_t ipriv[32], rpriv[32], ipub[32], rpub[32], psk[32];
	uint8_t ct[64], pt[64], hash[32];
	struct pmhs_session_info info;
	struct nside i, r;
	uint32_t iid, rid, spare;
	uint64_t nonce = 99;
	size_t len;

	ASSERT_EQ(0, pmhs_x25519_generate(ipriv));
	ASSERT_EQ(0, pmhs_x25519_generate(rpriv));
	ASSERT_EQ(0, pmhs_x25519_public(ipriv, ipub));
	ASSERT_EQ(0, pmhs_x25519_public(rpriv, rpub));
	ASSERT_EQ(0, pmhs_identity_import_x25519(self->h, "lib-xi", ipriv, NULL));
	ASSERT_EQ(0, pmhs_identity_import_x25519(self->h, "lib-xr", rpriv, NULL));
	ASSERT_EQ(0, pmhs_noise_psk_pbkdf2("a fine long password", 20, "node-1", 6, 1000, psk));

	/* -> e (with the initiator's first payload) */
	ASSERT_EQ(0, noise_start(self->h, "lib-xi", PMHS_ROLE_INITIATOR, psk, "hello", &i));
	iid = i.st.id;
	EXPECT_NE(0, i.st.msg_len);
	EXPECT_EQ(0, i.st.flags & PMHS_STEP_DONE);
	ASSERT_EQ(0, noise_start(self->h, "lib-xr", PMHS_ROLE_RESPONDER, psk, NULL, &r));
	rid = r.st.id;
	EXPECT_EQ(0, r.st.msg_len);
	/* The responder has nothing to write yet: a write alone is refused. */
	PMHS_INIT(info);
	ASSERT_EQ(0, pmhs_session_result(self->h, rid, &info));
	EXPECT_EQ(0, info.flags & PMHS_STEP_OUR_TURN);
	/* A write out of turn (on a spare responder: it fails that session). */
	ASSERT_EQ(0, noise_start(self->h, "lib-xr", PMHS_ROLE_RESPONDER, psk, NULL, &r));
	spare = r.st.id;
	nside_init(&r);
	EXPECT_EQ(-EPROTO, pmhs_session_step_payload(self->h, spare, NULL, 0, "x", 1,
						     PMHS_STEP_WRITE, NULL, &r.st));
	TH_LOG("write out of turn: %s", pmhs_errmsg(self->h));
	pmhs_session_delete(self->h, spare);
	/* Neither a message nor a write: nothing to do (the kernel says so). */
	nside_init(&r);
	EXPECT_EQ(-EINVAL, pmhs_session_step_payload(self->h, iid, NULL, 0, NULL, 0, 0, NULL,
						     &r.st));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));
	/* A payload without the write flag never reaches the kernel. */
	EXPECT_EQ(-EINVAL, pmhs_session_step_payload(self->h, iid, NULL, 0, "x", 1, 0, NULL,
						     &r.st));

	/* <- e, ee, s, es (responder's payload) */
	nside_init(&r);
	ASSERT_EQ(0, pmhs_session_step_payload(self->h, rid, i.msg, i.st.msg_len, "world", 5,
					       PMHS_STEP_WRITE, NULL, &r.st))
		TH_LOG("%s", pmhs_errmsg(self->h));
	EXPECT_TRUE(same_payload(&r, "hello"));
	EXPECT_NE(0, r.st.msg_len);
	EXPECT_EQ(0, r.st.flags & (PMHS_STEP_DONE | PMHS_STEP_OUR_TURN));
	EXPECT_EQ(0, r.st.key_serial);

	/* -> s, se, psk (the last payload); the initiator is done */
	nside_init(&i);
	ASSERT_EQ(0, pmhs_session_step_payload(self->h, iid, r.msg, r.st.msg_len, "bye", 3,
					       PMHS_STEP_WRITE, NULL, &i.st));
	EXPECT_TRUE(same_payload(&i, "world"));
	EXPECT_NE(0, i.st.msg_len);
	EXPECT_NE(0, i.st.flags & PMHS_STEP_DONE);
	ASSERT_NE(0, i.st.flags & PMHS_STEP_PEER_STATIC);
	EXPECT_EQ(0, memcmp(i.st.peer_static, rpub, 32));
	EXPECT_NE(0, i.st.key_serial);
	memcpy(hash, i.st.handshake_hash, 32);

	nside_init(&r);
	ASSERT_EQ(0, pmhs_session_step_payload(self->h, rid, i.msg, i.st.msg_len, NULL, 0, 0,
					       NULL, &r.st));
	EXPECT_TRUE(same_payload(&r, "bye"));
	EXPECT_EQ(0, r.st.msg_len);
	EXPECT_NE(0, r.st.flags & PMHS_STEP_DONE);
	ASSERT_NE(0, r.st.flags & PMHS_STEP_PEER_STATIC);
	EXPECT_EQ(0, memcmp(r.st.peer_static, ipub, 32));
	EXPECT_EQ(0, memcmp(r.st.handshake_hash, hash, 32));
	EXPECT_TRUE(same_secret(i.st.key_serial, r.st.key_serial));

	PMHS_INIT(info);
	ASSERT_EQ(0, pmhs_session_result(self->h, iid, &info));
	EXPECT_EQ(PMHS_MODE_NOISE, info.mode);
	EXPECT_NE(0, info.flags & PMHS_STEP_DONE);
	EXPECT_EQ(0, memcmp(info.handshake_hash, hash, 32));
	EXPECT_EQ(0, memcmp(info.peer_static, rpub, 32));

	/* Transport through the kernel's CipherStates, both ways. */
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, iid, "ad", 2, "ping", 4, ct, sizeof(ct), &len,
					  &nonce));
	ASSERT_EQ(4 + 16, len);
	EXPECT_EQ(0, nonce);	/* the nonce used: the first is 0 */
	ASSERT_EQ(0, pmhs_session_decrypt(self->h, rid, "ad", 2, ct, len, pt, sizeof(pt), &len,
					  NULL));
	ASSERT_EQ(4, len);
	EXPECT_EQ(0, memcmp(pt, "ping", 4));
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, rid, NULL, 0, "pong", 4, ct, sizeof(ct), &len,
					  NULL));
	ASSERT_EQ(0, pmhs_session_decrypt(self->h, iid, NULL, 0, ct, len, pt, sizeof(pt), &len,
					  NULL));
	EXPECT_EQ(0, memcmp(pt, "pong", 4));
	/* The initiator's second message uses nonce 1; a short buffer is -ENOSPC. */
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, iid, NULL, 0, "x", 1, ct, sizeof(ct), &len,
					  &nonce));
	EXPECT_EQ(1, nonce);
	EXPECT_EQ(-ENOSPC, pmhs_session_decrypt(self->h, rid, NULL, 0, ct, len, pt, 0, &len,
						NULL));
	/* An empty message is a tag alone. */
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, iid, NULL, 0, NULL, 0, ct, sizeof(ct), &len,
					  NULL));
	ASSERT_EQ(16, len);
	ASSERT_EQ(0, pmhs_session_decrypt(self->h, rid, NULL, 0, ct, len, pt, sizeof(pt), &len,
					  NULL));
	EXPECT_EQ(0, len);

	/* Rekey the initiator's sending side and the responder's receiving side. */
	ASSERT_EQ(0, pmhs_session_rekey(self->h, iid, PMHS_AEAD_DIRECTION_ENCRYPT));
	ASSERT_EQ(0, pmhs_session_rekey(self->h, rid, PMHS_AEAD_DIRECTION_DECRYPT));
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, iid, NULL, 0, "again", 5, ct, sizeof(ct), &len,
					  NULL));
	ASSERT_EQ(0, pmhs_session_decrypt(self->h, rid, NULL, 0, ct, len, pt, sizeof(pt), &len,
					  NULL));
	EXPECT_EQ(0, memcmp(pt, "again", 5));

	/* A tampered message fails the session for good. */
	ASSERT_EQ(0, pmhs_session_encrypt(self->h, iid, NULL, 0, "last", 4, ct, sizeof(ct), &len,
					  NULL));
	ct[0] ^= 1;
	EXPECT_EQ(-EBADMSG, pmhs_session_decrypt(self->h, rid, NULL, 0, ct, len, pt, sizeof(pt),
						 &len, NULL));
	EXPECT_EQ(0, len);
	TH_LOG("tampered: %s", pmhs_errmsg(self->h));
	ct[0] ^= 1;
	/* The failure ended the session: it is gone, the genuine message too late. */
	EXPECT_EQ(-ENOENT, pmhs_session_decrypt(self->h, rid, NULL, 0, ct, 20, pt, sizeof(pt),
						&len, NULL));
	ASSERT_EQ(0, pmhs_session_delete(self->h, iid));
	EXPECT_EQ(-ENOENT, pmhs_session_delete(self->h, rid));
}

TEST_F(lib, noise_session_wrong_psk)
{
	uint8_t ipriv[32], rpriv[32], psk[32], other[32];
	struct pmhs_session_info info;
	struct nside i, r;
	uint32_t iid, rid;

	ASSERT_EQ(0, pmhs_x25519_generate(ipriv));
	ASSERT_EQ(0, pmhs_x25519_generate(rpriv));
	ASSERT_EQ(0, pmhs_identity_import_x25519(self->h, "lib-xi", ipriv, NULL));
	ASSERT_EQ(0, pmhs_identity_import_x25519(self->h, "lib-xr", rpriv, NULL));
	ASSERT_EQ(0, pmhs_noise_psk_pbkdf2("one password", 12, NULL, 0, 1000, psk));
	ASSERT_EQ(0, pmhs_noise_psk_pbkdf2("another one", 11, NULL, 0, 1000, other));

	ASSERT_EQ(0, noise_start(self->h, "lib-xi", PMHS_ROLE_INITIATOR, psk, NULL, &i));
	iid = i.st.id;
	ASSERT_EQ(0, noise_start(self->h, "lib-xr", PMHS_ROLE_RESPONDER, other, NULL, &r));
	rid = r.st.id;
	nside_init(&r);
	ASSERT_EQ(0, pmhs_session_step_payload(self->h, rid, i.msg, i.st.msg_len, NULL, 0,
					       PMHS_STEP_WRITE, NULL, &r.st));
	/* XXpsk2: the PSK ends message 2, which the initiator cannot read. */
	nside_init(&i);
	EXPECT_EQ(-EBADMSG, pmhs_session_step_payload(self->h, iid, r.msg, r.st.msg_len, NULL, 0,
						      PMHS_STEP_WRITE, NULL, &i.st));
	TH_LOG("wrong psk: %s", pmhs_errmsg(self->h));
	EXPECT_NE(0, strlen(pmhs_errmsg(self->h)));
	EXPECT_EQ(0, i.st.key_serial);
	EXPECT_EQ(0, i.st.msg_len);
	EXPECT_EQ(0, i.st.flags & PMHS_STEP_DONE);
	/* A failed noise session is deleted at once. */
	PMHS_INIT(info);
	EXPECT_EQ(-ENOENT, pmhs_session_result(self->h, iid, &info));
	ASSERT_EQ(0, pmhs_session_delete(self->h, rid));
}

/* One side of handshake vector @n through noise-kat: messages, payloads, transport, hash. */
static void kat_side(struct __test_metadata *_metadata, struct pmhs *h, int n, bool initiator,
		     int tamper)
{
	struct json_object *root = vec_load("noise-v1.json");
	struct json_object *hs, *msgs, *xp;
	const char *me = initiator ? "initiator" : "responder";
	uint8_t sk[32], ek[32], rs[32], psk[32], hash[32], *in[PMHS_NOISE_STEPS_MAX],
		*want[PMHS_NOISE_STEPS_MAX];
	uint8_t out[PMHS_NOISE_STEPS_MAX][512], *pro = NULL;
	struct pmhs_noise_kat_step steps[PMHS_NOISE_STEPS_MAX];
	struct pmhs_noise_kat k;
	long want_len[PMHS_NOISE_STEPS_MAX], pro_len;
	unsigned int ns = 0;
	char path[96];

	ASSERT_NE(NULL, root);
	snprintf(path, sizeof(path), "handshakes.%d", n);
	hs = vec_get(root, path);
	ASSERT_NE(NULL, hs);
	snprintf(path, sizeof(path), "handshakes.%d.%s.static_private", n, me);
	ASSERT_EQ(0, noise_vec(path, sk, 32));
	snprintf(path, sizeof(path), "handshakes.%d.%s.ephemeral_private", n, me);
	ASSERT_EQ(0, noise_vec(path, ek, 32));
	snprintf(path, sizeof(path), "handshakes.%d.%s.static_public", n, initiator ? "responder" : "initiator");
	ASSERT_EQ(0, noise_vec(path, rs, 32));
	snprintf(path, sizeof(path), "handshakes.%d.psk", n);
	ASSERT_EQ(0, noise_vec(path, psk, 32));
	snprintf(path, sizeof(path), "handshakes.%d.handshake_hash", n);
	ASSERT_EQ(0, noise_vec(path, hash, 32));
	pro_len = vec_unhex(vec_str(hs, "prologue"), &pro);
	ASSERT_LE(0, pro_len);

	msgs = vec_get(hs, "messages");
	xp = vec_get(hs, "transport");
	memset(steps, 0, sizeof(steps));
	for (int pass = 0; pass < 2; pass++) {
		struct json_object *arr = pass ? xp : msgs;

		for (size_t j = 0; j < json_object_array_length(arr); j++) {
			struct json_object *m = json_object_array_get_idx(arr, j);
			bool ours = !strcmp(vec_str(m, "from"), me);
			const char *pt = vec_str(m, pass ? "plaintext" : "payload");
			const char *ct = vec_str(m, pass ? "ciphertext" : "message");
			long il;

			ASSERT_GT(PMHS_NOISE_STEPS_MAX, ns);
			il = vec_unhex(ours ? pt : ct, &in[ns]);
			want_len[ns] = vec_unhex(ours ? ct : pt, &want[ns]);
			ASSERT_LE(0, il);
			ASSERT_LE(0, want_len[ns]);
			if ((int)ns == tamper && il)
				in[ns][il - 1] ^= 0x80;
			steps[ns].in = in[ns];
			steps[ns].in_len = (size_t)il;
			steps[ns].write = ours;
			steps[ns].out = out[ns];
			steps[ns].out_max = sizeof(out[ns]);
			ns++;
		}
	}
	PMHS_INIT(k);
	k.protocol = vec_str(hs, "protocol");
	k.role = initiator ? PMHS_ROLE_INITIATOR : PMHS_ROLE_RESPONDER;
	k.prologue = pro;
	k.prologue_len = (size_t)pro_len;
	k.static_key = sk;
	k.ephemeral = ek;
	/* KK knows the peer's key in advance; XX learns it. */
	k.remote_static = strstr(k.protocol, "_KK") ? rs : NULL;
	k.psk[0] = psk;
	k.npsk = 1;
	k.steps = steps;
	k.nsteps = ns;
	ASSERT_EQ(0, pmhs_noise_kat(h, &k));
	if (tamper >= 0) {
		EXPECT_EQ(tamper, k.fail_step);
		EXPECT_EQ(EBADMSG, k.fail_errno);
	} else {
		EXPECT_EQ(-1, k.fail_step);
		EXPECT_TRUE(k.has_hash);
		EXPECT_EQ(0, memcmp(k.handshake_hash, hash, 32));
	}
	for (unsigned int j = 0; j < ns; j++) {
		if (tamper >= 0 && (int)j >= tamper)
			break;
		EXPECT_EQ(want_len[j], (long)steps[j].out_len);
		EXPECT_EQ(0, memcmp(steps[j].out, want[j], steps[j].out_len));
	}
	for (unsigned int j = 0; j < ns; j++) {
		free(in[j]);
		free(want[j]);
	}
	free(pro);
}

TEST_F(lib, noise_kat)
{
	/* XXpsk2 with a prologue, KKpsk0 over AES-GCM: each side. */
	kat_side(_metadata, self->h, 2, true, -1);
	kat_side(_metadata, self->h, 2, false, -1);
	kat_side(_metadata, self->h, 9, true, -1);
	kat_side(_metadata, self->h, 9, false, -1);
	/* The responder's second step reads message 3 of XX: tampered, it fails there. */
	kat_side(_metadata, self->h, 2, false, 2);
}

PMHS_TEST_HARNESS_MAIN
