// SPDX-License-Identifier: GPL-2.0
/*
 * libpmhs through the module: every group of its API as an application
 * uses it (public header only, linked against libpmhs.so.0), with the
 * kernel's reasons coming back through pmhs_errmsg().
 */
#include <errno.h>
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

PMHS_TEST_HARNESS_MAIN
