// SPDX-License-Identifier: GPL-2.0
/*
 * Handshakes through the real module: every password, half and mutual
 * vector of poorman-v1.json (made by the reference Python package), the
 * safety fixes (reflection, no fallback, single use), lifetime (expiry,
 * socket close, unload) and module-to-module runs across namespaces with
 * mixed key sizes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/fsuid.h>

#include <keyutils.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

static const char *const keys[] = { "alice", "bob", "carol", "dave", "erin" };

FIXTURE(vec) {
	struct pmhs_nl *nl;
	struct json_object *root;
	struct pt_reply r;
};

/* A socket, the vectors and their keys as identities (vec and rows). */
static void vec_open(struct __test_metadata *_metadata, struct pmhs_nl **nl,
		     struct json_object **root, struct pt_reply *r)
{
	*nl = pt_open();
	ASSERT_NE(NULL, *nl);
	*root = vec_load("poorman-v1.json");
	ASSERT_NE(NULL, *root);
	/* erin is 1024 bits: legacy, so allow it for the vectors. */
	ASSERT_EQ(0, po_config(*nl, 60, 1));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ASSERT_EQ(0, po_identity_vec(*nl, *root, keys[i], r));
}

static void vec_close(struct pmhs_nl *nl, struct json_object *root)
{
	if (nl) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			po_identity_del(nl, keys[i]);
		po_config(nl, 60, 0);
		pmhs_nl_close(nl);
	}
	json_object_put(root);
}

FIXTURE_SETUP(vec)
{
	vec_open(_metadata, &self->nl, &self->root, &self->r);
}

FIXTURE_TEARDOWN(vec)
{
	vec_close(self->nl, self->root);
}

/* A key with this description must not exist in the session keyring. */
static bool no_key(uint32_t id)
{
	char desc[32];

	snprintf(desc, sizeof(desc), "pmhs:%u", id);
	return keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", desc, 0) < 0 &&
	       keyctl_search(KEY_SPEC_SESSION_KEYRING, "logon", desc, 0) < 0;
}

static bool secret_is(int32_t serial, const char *hex)
{
	uint8_t buf[64];
	char got[129];
	long n = vec_key_read(serial, buf, sizeof(buf));

	if (n != 32)
		return false;
	vec_hex(buf, 32, got);
	return !strcmp(got, hex);
}

TEST_F(vec, password_valid_vectors)
{
	struct json_object *v = vec_get(self->root, "password.valid");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(5, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(v, i);
		const char *hsub_a = vec_str(c, "hsub_a"), *hsub_b = vec_str(c, "hsub_b");
		struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1 };
		struct nlattr *msg;
		uint8_t *iv;
		uint32_t id;

		ASSERT_EQ(8, vec_unhex(vec_str(c, "iv_a"), &iv));
		p.password = vec_str(c, "password");
		p.iv = iv;
		p.hsub_len = json_object_get_int(vec_get(c, "hsub_len"));
		ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r)) {
			TH_LOG("vector %zu: %s", i, self->r.extack);
		}
		msg = self->r.tb[PMHS_A_SESSION_MESSAGE];
		ASSERT_NE(NULL, msg);
		/* Our hsub is the reference's, byte for byte. */
		ASSERT_EQ(strlen(hsub_a), nla_len(msg));
		ASSERT_EQ(0, memcmp(hsub_a, nla_data(msg), nla_len(msg)));
		ASSERT_EQ(0, po_session_recv(self->nl, id, (const uint8_t *)hsub_b,
					     strlen(hsub_b), &self->r)) {
			TH_LOG("vector %zu: %s", i, self->r.extack);
		}
		ASSERT_TRUE(secret_is(po_serial(&self->r), vec_str(c, "secret"))) {
			TH_LOG("vector %zu: wrong secret", i);
		}
		free(iv);
	}
}

TEST_F(vec, password_invalid_vectors)
{
	struct json_object *v = vec_get(self->root, "password.invalid");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(5, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(v, i);
		const char *why = vec_str(c, "why"), *hsub = vec_str(c, "hsub");
		struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1 };
		bool auth = strstr(why, "wrong password") || strstr(why, "flipped");
		uint32_t id;

		p.password = vec_str(c, "password");
		ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
		EXPECT_EQ(auth ? -EKEYREJECTED : -EBADMSG,
			  po_session_recv(self->nl, id, (const uint8_t *)hsub,
					  strlen(hsub), &self->r)) {
			TH_LOG("'%s' gave %d", why, self->r.err);
		}
		EXPECT_NE(0, self->r.extack[0]);
		TH_LOG("%s: %s", why, self->r.extack);
		EXPECT_TRUE(no_key(id));
		/* The session failed for good: the right hsub no longer works. */
		EXPECT_EQ(-EALREADY, po_session_recv(self->nl, id, (const uint8_t *)hsub,
						     strlen(hsub), &self->r));
	}
}

TEST_F(vec, password_reflection_refused)
{
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.password = "Super Secret Pass Phrase" };
	uint8_t own[80];
	size_t len;
	uint32_t id;

	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	len = nla_len(self->r.tb[PMHS_A_SESSION_MESSAGE]);
	memcpy(own, nla_data(self->r.tb[PMHS_A_SESSION_MESSAGE]), len);
	ASSERT_EQ(-EBADMSG, po_session_recv(self->nl, id, own, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "own IV"));
	EXPECT_TRUE(no_key(id));
}

/* half-receive of @shake from @sender by @receiver; returns errno. */
static int half_receive(struct __test_metadata *_metadata, struct pmhs_nl *nl,
			struct json_object *root, const char *sender,
			const char *receiver, const uint8_t *msg, size_t len,
			struct pt_reply *r, uint32_t *id)
{
	struct po_session p = { .mode = PMHS_MODE_RSA_HALF_RECEIVE, .oaep = -1 };
	uint8_t *pub;
	long plen = vec_key_pub_der(root, sender, &pub);
	int ret;

	if (plen < 0)
		return -100;
	p.identity = receiver;
	p.peer = pub;
	p.peerlen = plen;
	ret = po_session_new(nl, &p, id, r);
	free(pub);
	if (ret)
		return ret;
	if (r->tb[PMHS_A_SESSION_MESSAGE])
		return -101;	/* a receiver sends nothing */
	return po_session_recv(nl, *id, msg, len, r);
}

TEST_F(vec, half_valid_vectors)
{
	struct json_object *v = vec_get(self->root, "half.valid");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(5, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(v, i);
		uint8_t *msg;
		long len = vec_unhex(vec_str(c, "shake"), &msg);
		uint32_t id;

		ASSERT_LT(0, len);
		ASSERT_EQ(0, half_receive(_metadata, self->nl, self->root,
					  vec_str(c, "sender"), vec_str(c, "receiver"),
					  msg, len, &self->r, &id)) {
			TH_LOG("%s -> %s: %s", vec_str(c, "sender"),
			       vec_str(c, "receiver"), self->r.extack);
		}
		EXPECT_TRUE(secret_is(po_serial(&self->r), vec_str(c, "secret")));
		free(msg);
	}
}

TEST_F(vec, half_invalid_vectors)
{
	struct json_object *v = vec_get(self->root, "half.invalid");
	size_t n = json_object_array_length(v), tested = 0;

	ASSERT_EQ(8, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(v, i);
		const char *why = vec_str(c, "why");
		uint8_t *msg = NULL;
		long len = vec_unhex(vec_str(c, "shake"), &msg);
		uint32_t id = 0;
		int ret;

		/* Not hex at all: pmhs-ctl refuses those (tool tests). */
		if (len < 0) {
			EXPECT_TRUE(strstr(why, "hex") != NULL) {
				TH_LOG("vector '%s' does not decode", why);
			}
			continue;
		}
		ret = half_receive(_metadata, self->nl, self->root,
				   vec_str(c, "sender"), vec_str(c, "receiver"),
				   msg, len, &self->r, &id);
		tested++;
		TH_LOG("%s: %d %s", why, ret, self->r.extack);
		if (strstr(why, "empty")) {
			/* The policy refuses an empty message. */
			EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE);
		} else if (strstr(why, "flipped")) {
			EXPECT_EQ(-EKEYREJECTED, ret);
		} else {
			EXPECT_TRUE(ret == -EBADMSG || ret == -EKEYREJECTED);
		}
		EXPECT_NE(0, self->r.extack[0]);
		if (id) {
			EXPECT_TRUE(no_key(id));
		}
		free(msg);
	}
	EXPECT_EQ(6, tested);
}

/* OAEP-SHA1 decrypt @ct with vector key @name, in userspace, as a check. */
static long ossl_decrypt(struct json_object *root, const char *name,
			 const uint8_t *ct, size_t len, uint8_t *out)
{
	const uint8_t *p;
	uint8_t *der;
	long n = vec_key_priv_der(root, name, &der);
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *k;
	size_t outlen = 512;

	p = der;
	k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, n);
	free(der);
	ctx = EVP_PKEY_CTX_new(k, NULL);
	if (EVP_PKEY_decrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_decrypt(ctx, out, &outlen, ct, len) <= 0)
		outlen = (size_t)-1;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(k);
	return (long)outlen;
}

/* The mutual vectors: private operations on both sides, checked. */
static void mutual_vectors(struct __test_metadata *_metadata, struct pmhs_nl *nl,
			   struct json_object *root, struct pt_reply *r)
{
	struct json_object *v = vec_get(root, "mutual.valid");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(2, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(v, i);
		const char *a = vec_str(c, "a"), *b = vec_str(c, "b");
		struct po_session p = { .mode = PMHS_MODE_RSA_MUTUAL, .oaep = -1 };
		uint8_t *sa, *sb, *pub, own[64], got[64], *ca, *cb;
		long la = vec_unhex(vec_str(c, "shake_a"), &sa);
		long lb = vec_unhex(vec_str(c, "shake_b"), &sb);
		long plen;
		char hex[129];
		uint32_t id;
		struct nlattr *msg;

		/* Each side's contribution, exactly, from the other's message. */
		ASSERT_EQ(0, half_receive(_metadata, nl, root, a, b, sa, la,
					  r, &id));
		EXPECT_TRUE(secret_is(po_serial(r), vec_str(c, "contribution_a")));
		ASSERT_EQ(0, half_receive(_metadata, nl, root, b, a, sb, lb,
					  r, &id));
		EXPECT_TRUE(secret_is(po_serial(r), vec_str(c, "contribution_b")));
		ASSERT_EQ(32, vec_unhex(vec_str(c, "contribution_a"), &ca));
		ASSERT_EQ(32, vec_unhex(vec_str(c, "contribution_b"), &cb));
		for (int j = 0; j < 32; j++)
			own[j] = ca[j] ^ cb[j];
		vec_hex(own, 32, hex);
		EXPECT_STREQ(vec_str(c, "secret"), hex);

		/* A mutual session as a, finished by b's vector message. */
		plen = vec_key_pub_der(root, b, &pub);
		p.identity = a;
		p.peer = pub;
		p.peerlen = plen;
		ASSERT_EQ(0, po_session_new(nl, &p, &id, r));
		msg = r->tb[PMHS_A_SESSION_MESSAGE];
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(512, nla_len(msg));
		/* Our contribution, as b would see it. */
		ASSERT_EQ(32, ossl_decrypt(root, b, (uint8_t *)nla_data(msg) + 256,
					   256, own));
		ASSERT_EQ(0, po_session_recv(nl, id, sb, lb, r)) {
			TH_LOG("%s", r->extack);
		}
		ASSERT_EQ(32, vec_key_read(po_serial(r), got, sizeof(got)));
		for (int j = 0; j < 32; j++)
			own[j] ^= cb[j];
		EXPECT_EQ(0, memcmp(own, got, 32));
		free(pub);
		free(sa);
		free(sb);
		free(ca);
		free(cb);
	}
}

TEST_F(vec, mutual_valid_vectors)
{
	mutual_vectors(_metadata, self->nl, self->root, &self->r);
}

/*
 * Each of the module's Montgomery rows, forced by its mont_rows
 * parameter, passes the load-time known answers and the mutual vectors.
 * At load the module keeps the faster of mulx and mulq (mulq under QEMU
 * TCG), so without this only one of them would run in the kernel here.
 */
FIXTURE(rows) {
	struct pmhs_nl *nl;
	struct json_object *root;
	struct pt_reply r;
	bool cpu;	/* this CPU can run the rows */
};

FIXTURE_VARIANT(rows) {
	const char *rows;
};

FIXTURE_VARIANT_ADD(rows, mulx) {
	.rows = "mulx",
};

FIXTURE_VARIANT_ADD(rows, mulq) {
	.rows = "mulq",
};

FIXTURE_SETUP(rows)
{
	const char *ko = getenv("PMHS_KO");

	ASSERT_NE(NULL, ko);
	self->cpu = strcmp(variant->rows, "mulx") ||
		    !pt_sh("grep -qw bmi2 /proc/cpuinfo && grep -qw adx /proc/cpuinfo");
	ASSERT_EQ(0, pt_sh("rmmod pmhs"));
	if (!self->cpu) {
		/* refused at load, with the reason in the kernel log */
		EXPECT_NE(0, pt_sh("insmod %s mont_rows=mulx 2>/dev/null", ko));
		EXPECT_EQ(0, pt_sh("dmesg | tail -n 5 | grep -q 'mont_rows=mulx: this CPU cannot'"));
		ASSERT_EQ(0, pt_sh("insmod %s", ko));
		return;
	}
	ASSERT_EQ(0, pt_sh("insmod %s mont_rows=%s", ko, variant->rows));
	ASSERT_EQ(0, pt_sh("grep -qx %s /sys/module/pmhs/parameters/mont_rows",
			   variant->rows));
	/* the known answers ran on these rows */
	ASSERT_EQ(0, pt_sh("dmesg | grep 'RSA self-tests passed' | tail -n 1 | grep -q 'Montgomery rows: %s;'",
			   variant->rows));
	vec_open(_metadata, &self->nl, &self->root, &self->r);
}

FIXTURE_TEARDOWN(rows)
{
	const char *ko = getenv("PMHS_KO");

	vec_close(self->nl, self->root);
	/* back to the default choice for the tests after this one */
	if (ko && self->cpu && !pt_sh("rmmod pmhs"))
		EXPECT_EQ(0, pt_sh("insmod %s", ko));
}

TEST_F(rows, known_answers_and_mutual_vectors)
{
	if (!self->cpu)
		return;	/* the refusal was the test */
	mutual_vectors(_metadata, self->nl, self->root, &self->r);
}

TEST(mont_rows_unknown_refused)
{
	const char *ko = getenv("PMHS_KO");
	int st, said;

	ASSERT_NE(NULL, ko);
	ASSERT_EQ(0, pt_sh("rmmod pmhs"));
	st = pt_sh("insmod %s mont_rows=fast 2>/dev/null", ko);
	said = pt_sh("dmesg | tail -n 5 | grep -q 'mont_rows=fast: want auto, mulx or mulq'");
	ASSERT_EQ(0, pt_sh("lsmod | grep -q '^pmhs ' || insmod %s", ko));
	EXPECT_NE(0, st);
	EXPECT_EQ(0, said);
}

TEST_F(vec, replay_on_finished_session_refused)
{
	struct json_object *c = vec_get(self->root, "half.valid.0");
	uint8_t *msg;
	long len = vec_unhex(vec_str(c, "shake"), &msg);
	uint32_t id;

	ASSERT_EQ(0, half_receive(_metadata, self->nl, self->root, vec_str(c, "sender"),
				  vec_str(c, "receiver"), msg, len, &self->r, &id));
	EXPECT_EQ(-EALREADY, po_session_recv(self->nl, id, msg, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "single-use"));
	free(msg);
}

TEST_F(vec, logon_and_module_keyring)
{
	struct json_object *c = vec_get(self->root, "half.valid.0");
	struct po_session p = { .mode = PMHS_MODE_RSA_HALF_RECEIVE, .oaep = -1,
				.key_type = PMHS_KEY_TYPE_LOGON };
	uint8_t *msg, *pub, buf[64];
	long len = vec_unhex(vec_str(c, "shake"), &msg);
	long plen = vec_key_pub_der(self->root, vec_str(c, "sender"), &pub);
	int32_t serial;
	uint32_t id;

	p.identity = vec_str(c, "receiver");
	p.peer = pub;
	p.peerlen = plen;
	/* A logon key in our session keyring: exists, cannot be read. */
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	ASSERT_EQ(0, po_session_recv(self->nl, id, msg, len, &self->r));
	serial = po_serial(&self->r);
	ASSERT_LT(0, serial);
	EXPECT_EQ(-EOPNOTSUPP, vec_key_read(serial, buf, sizeof(buf)));
	/* The module's own keyring, with a custom description. */
	p.key_type = 0;
	p.module_keyring = true;
	p.desc = "pmhs-test:module";
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	ASSERT_EQ(0, po_session_recv(self->nl, id, msg, len, &self->r));
	serial = po_serial(&self->r);
	ASSERT_LT(0, serial);
	EXPECT_GT(0, vec_key_read(serial, buf, sizeof(buf)));
	/* A logon description without a prefix is refused up front. */
	p.module_keyring = false;
	p.key_type = PMHS_KEY_TYPE_LOGON;
	p.desc = "noprefix";
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	EXPECT_EQ(-EINVAL, po_session_recv(self->nl, id, msg, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "prefix"));
	free(msg);
	free(pub);
}

/* One password handshake published as @desc in the module keyring. */
static int32_t module_publish(struct __test_metadata *_metadata, struct pmhs_nl *nl,
			      struct json_object *c, const char *desc, int *err,
			      struct pt_reply *r)
{
	const char *hsub_b = vec_str(c, "hsub_b");
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.module_keyring = true, .desc = desc };
	uint8_t *iv;
	uint32_t id;

	if (vec_unhex(vec_str(c, "iv_a"), &iv) != 8)
		return 0;
	p.password = vec_str(c, "password");
	p.iv = iv;
	*err = po_session_new(nl, &p, &id, r);
	if (!*err)
		*err = po_session_recv(nl, id, (const uint8_t *)hsub_b,
				       strlen(hsub_b), r);
	free(iv);
	if (*err)
		TH_LOG("%s: %d %s", desc, *err, r->extack);
	return *err ? 0 : po_serial(r);
}

/*
 * The module keyring is one per user and namespace: another user may
 * publish under the same description (no squatting, no probing), owns
 * what it published, may invalidate its own keys and nobody else's.
 * Session ids are random, so nobody can predict a default description.
 */
TEST_F(vec, module_keyring_per_user_and_netns)
{
	struct json_object *c = vec_get(self->root, "password.valid.1");
	const char *desc = "pmhs-test:shared";
	int32_t mine, theirs, again, there;
	struct pmhs_nl *nl2;
	uint32_t ids[4];
	bool consecutive = true;
	char *d = NULL;
	int err;

	mine = module_publish(_metadata, self->nl, c, desc, &err, &self->r);
	ASSERT_LT(0, mine);
	/* Our own keyring still refuses a second key of that description. */
	EXPECT_EQ(0, module_publish(_metadata, self->nl, c, desc, &err, &self->r));
	EXPECT_EQ(-EEXIST, err);

	setfsuid(1001);
	ASSERT_EQ(1001, setfsuid(-1));
	theirs = module_publish(_metadata, self->nl, c, desc, &err, &self->r);
	ASSERT_LT(0, theirs);
	EXPECT_NE(mine, theirs);
	ASSERT_LT(0, keyctl_describe_alloc(theirs, &d));
	/* "type;uid;gid;perm;desc": 1001 owns it. */
	EXPECT_EQ(0, strncmp(d, "logon;1001;", 11)) {
		TH_LOG("%s", d);
	}
	free(d);
	/* Not root's key, but its own. */
	EXPECT_EQ(-1, keyctl_invalidate(mine));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, keyctl_invalidate(theirs));
	setfsuid(0);
	ASSERT_EQ(0, setfsuid(-1));
	EXPECT_GT(0, keyctl_describe_alloc(theirs, &d));
	/* Root's key is untouched; 1001's description is free again. */
	ASSERT_LT(0, keyctl_describe_alloc(mine, &d));
	free(d);

	/* Random ids: four new sessions are not numbered one after another. */
	for (int i = 0; i < 4; i++) {
		struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
					.password = "correct horse battery staple" };

		ASSERT_EQ(0, po_session_new(self->nl, &p, &ids[i], &self->r));
		if (i && ids[i] != ids[i - 1] + 1)
			consecutive = false;
	}
	EXPECT_FALSE(consecutive);

	/* Another namespace has its own module keyrings. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	nl2 = pt_open();
	ASSERT_NE(NULL, nl2);
	there = module_publish(_metadata, nl2, c, desc, &err, &self->r);
	EXPECT_LT(0, there);
	EXPECT_NE(mine, there);
	again = module_publish(_metadata, nl2, c, desc, &err, &self->r);
	EXPECT_EQ(0, again);
	EXPECT_EQ(-EEXIST, err);
	pmhs_nl_close(nl2);
	keyctl_invalidate(mine);
}

/*
 * Keys go only into keyrings the caller may write: a refusal names the
 * reason, consumes nothing, and the same message goes through once the
 * caller is allowed to write there.
 */
TEST_F(vec, keys_only_where_the_caller_may_write)
{
	struct json_object *c = vec_get(self->root, "half.valid.0");
	struct po_session p = { .mode = PMHS_MODE_RSA_HALF_RECEIVE, .oaep = -1 };
	const key_perm_t ro = KEY_POS_VIEW | KEY_POS_READ | KEY_POS_SEARCH |
			      KEY_POS_LINK | KEY_POS_SETATTR;
	uint8_t *msg, *pub;
	long len = vec_unhex(vec_str(c, "shake"), &msg);
	long plen = vec_key_pub_der(self->root, vec_str(c, "sender"), &pub);
	key_serial_t ring, user;
	uint32_t id;

	ring = add_key("keyring", "pmhs-test:readonly", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, ring);
	ASSERT_EQ(0, keyctl_setperm(ring, ro));
	p.identity = vec_str(c, "receiver");
	p.peer = pub;
	p.peerlen = plen;
	p.keyring = ring;
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	/* Root too: key permissions have no capability override for write. */
	EXPECT_EQ(-EACCES, po_session_recv(self->nl, id, msg, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "no write permission")) {
		TH_LOG("extack: %s", self->r.extack);
	}
	EXPECT_EQ(0, keyctl_read(ring, NULL, 0));
	/* Nothing was consumed: allowed to write, the same message works. */
	ASSERT_EQ(0, keyctl_setperm(ring, ro | KEY_POS_WRITE));
	ASSERT_EQ(0, po_session_recv(self->nl, id, msg, len, &self->r)) {
		TH_LOG("extack: %s", self->r.extack);
	}
	EXPECT_EQ(sizeof(key_serial_t), keyctl_read(ring, (char *)&user, sizeof(user)));
	EXPECT_EQ(po_serial(&self->r), user);

	/* A key that is not a keyring, and one that does not exist. */
	user = add_key("user", "pmhs-test:notakeyring", "x", 1, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, user);
	p.keyring = user;
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	EXPECT_NE(0, po_session_recv(self->nl, id, msg, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "not a keyring"));
	p.keyring = 0x7ffffff0;
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r));
	EXPECT_NE(0, po_session_recv(self->nl, id, msg, len, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "cannot find the target keyring"));
	keyctl_unlink(user, KEY_SPEC_SESSION_KEYRING);
	keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING);
	free(msg);
	free(pub);
}

TEST_F(vec, password_from_keyring_key)
{
	struct json_object *c = vec_get(self->root, "password.valid.1");
	const char *pw = vec_str(c, "password"), *hsub_b = vec_str(c, "hsub_b");
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1 };
	uint8_t *iv;
	uint32_t id;
	key_serial_t k;

	k = add_key("user", "pmhs-test:pw", pw, strlen(pw), KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, k);
	ASSERT_EQ(8, vec_unhex(vec_str(c, "iv_a"), &iv));
	p.password_key = k;
	p.iv = iv;
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, po_session_recv(self->nl, id, (const uint8_t *)hsub_b,
				     strlen(hsub_b), &self->r));
	EXPECT_TRUE(secret_is(po_serial(&self->r), vec_str(c, "secret")));
	keyctl_unlink(k, KEY_SPEC_SESSION_KEYRING);
	free(iv);
}

/*
 * session-new with raw nests: malformed on purpose (nests or an identity
 * the mode does not take, a required member missing), which the library
 * never builds.
 */
static int nest_request(struct pmhs_nl *nl, uint32_t mode, bool identity,
			bool pw_nest, bool rsa_nest, const uint8_t *pub, long publen,
			struct pt_reply *r)
{
	struct nl_msg *m = raw_new(nl, PMHS_CMD_SESSION_NEW, 0);
	struct nlattr *n;

	raw_u32(m, PMHS_A_SESSION_MODE, mode);
	if (identity)
		raw_str(m, PMHS_A_SESSION_IDENTITY, "alice");
	if (pw_nest) {
		n = raw_nest_start(m, PMHS_A_SESSION_PASSWORD);
		raw_bin(m, PMHS_A_PASSWORD_PARAMS_PASSWORD, 4, "abcd");
		raw_nest_end(m, n);
	}
	if (rsa_nest) {
		n = raw_nest_start(m, PMHS_A_SESSION_RSA);
		raw_bin(m, PMHS_A_RSA_PARAMS_PEER_PUBKEY, publen, pub);
		raw_nest_end(m, n);
	}
	return pt_call(nl, m, PMHS_A_SESSION_MAX, r);
}

/*
 * Each mode's parameters live in its own nest, parsed with its own policy:
 * another mode's nest is refused with a reason, an attribute past the
 * nest's maxattr is refused by the policy, and so is the flat layout of
 * family version 1. Nothing is made by a refused request.
 */
TEST_F(vec, params_in_their_own_nest)
{
	uint32_t before = po_count(self->nl, PMHS_A_CONFIG_SESSIONS), id;
	struct po_session pw = { .mode = PMHS_MODE_PASSWORD, .oaep = -1 };
	struct po_session rsa = { .mode = PMHS_MODE_RSA_MUTUAL, .oaep = -1 };
	struct nl_msg *m;
	struct nlattr *n;
	uint8_t *pub;
	long publen;

	publen = vec_key_pub_der(self->root, "bob", &pub);
	ASSERT_LT(0, publen);
	/* Both right: made (then dropped with the socket's others). */
	pw.password = "abcd";
	EXPECT_EQ(0, po_session_new(self->nl, &pw, &id, &self->r));
	rsa.identity = "alice";
	rsa.peer = pub;
	rsa.peerlen = publen;
	EXPECT_EQ(0, po_session_new(self->nl, &rsa, &id, &self->r));
	EXPECT_EQ(before + 2, po_count(self->nl, PMHS_A_CONFIG_SESSIONS));

	EXPECT_EQ(-EINVAL, nest_request(self->nl, PMHS_MODE_PASSWORD, false, true, true,
					pub, publen, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "another handshake mode"));
	EXPECT_EQ(-EINVAL, nest_request(self->nl, PMHS_MODE_RSA_MUTUAL, true, true, true,
					pub, publen, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "another handshake mode"));
	EXPECT_EQ(-EINVAL, nest_request(self->nl, PMHS_MODE_RSA_HALF_SEND, true, true, false,
					NULL, 0, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "another handshake mode"));
	/* The identity is not the password mode's either. */
	EXPECT_EQ(-EINVAL, nest_request(self->nl, PMHS_MODE_PASSWORD, true, true, false,
					NULL, 0, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "takes no identity"));
	/* A required member missing from the nest is named. */
	EXPECT_EQ(-EINVAL, nest_request(self->nl, PMHS_MODE_RSA_MUTUAL, true, false, false,
					NULL, 0, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "peer's public key"));

	/* Malformed: an attribute past the password nest's maxattr. */
	m = raw_new(self->nl, PMHS_CMD_SESSION_NEW, 0);
	raw_u32(m, PMHS_A_SESSION_MODE, PMHS_MODE_PASSWORD);
	n = raw_nest_start(m, PMHS_A_SESSION_PASSWORD);
	raw_bin(m, PMHS_A_PASSWORD_PARAMS_PASSWORD, 4, "abcd");
	raw_u32(m, PMHS_A_PASSWORD_PARAMS_MAX + 1, 1);
	raw_nest_end(m, n);
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, PMHS_A_SESSION_MAX, &self->r));
	/* Malformed: a member out of its range, inside the nest. */
	m = raw_new(self->nl, PMHS_CMD_SESSION_NEW, 0);
	raw_u32(m, PMHS_A_SESSION_MODE, PMHS_MODE_PASSWORD);
	n = raw_nest_start(m, PMHS_A_SESSION_PASSWORD);
	raw_bin(m, PMHS_A_PASSWORD_PARAMS_PASSWORD, 4, "abcd");
	raw_u32(m, PMHS_A_PASSWORD_PARAMS_ITERATIONS, 0);
	raw_nest_end(m, n);
	EXPECT_EQ(-ERANGE, pt_call(self->nl, m, PMHS_A_SESSION_MAX, &self->r));
	/* Malformed: version 1's flat password attribute where the nest now is. */
	m = raw_new(self->nl, PMHS_CMD_SESSION_NEW, 0);
	raw_u32(m, PMHS_A_SESSION_MODE, PMHS_MODE_PASSWORD);
	raw_bin(m, PMHS_A_SESSION_PASSWORD, 12, "flat secret!");
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, PMHS_A_SESSION_MAX, &self->r));

	EXPECT_EQ(before + 2, po_count(self->nl, PMHS_A_CONFIG_SESSIONS));
	free(pub);
}

/* Both ends in the kernel, in two namespaces, every mode, mixed sizes. */
TEST_F(vec, module_to_module_across_netns)
{
	int here = open("/proc/self/ns/net", O_RDONLY);
	struct pmhs_nl *peer;
	struct pt_reply r2;
	uint8_t *carol, *dave, ma[1024], mb[1024], sa[64], sb[64];
	long lc = vec_key_pub_der(self->root, "carol", &carol);
	long ld = vec_key_pub_der(self->root, "dave", &dave);
	size_t na, nb;
	uint32_t ia, ib;

	ASSERT_LE(0, here);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	peer = pt_open();
	ASSERT_NE(NULL, peer);
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));
	/* The new namespace has none of our identities. */
	ASSERT_EQ(0, po_count(peer, PMHS_A_CONFIG_IDENTITIES));
	ASSERT_EQ(0, po_identity_vec(peer, self->root, "dave", &r2));

	for (int mode = PMHS_MODE_PASSWORD; mode <= PMHS_MODE_RSA_HALF_SEND; mode++) {
		struct po_session a = { .mode = mode, .oaep = -1 }, b = a;

		if (mode == PMHS_MODE_PASSWORD) {
			a.password = b.password = "correct horse battery staple";
		} else {
			a.identity = "carol";	/* 3072 bits, here */
			a.peer = dave;
			a.peerlen = ld;
			b.identity = "dave";	/* 4096 bits, there */
			b.peer = carol;
			b.peerlen = lc;
		}
		if (mode == PMHS_MODE_RSA_HALF_SEND)
			b.mode = PMHS_MODE_RSA_HALF_RECEIVE;
		ASSERT_EQ(0, po_session_new(self->nl, &a, &ia, &self->r)) {
			TH_LOG("mode %d: %s", mode, self->r.extack);
		}
		na = nla_len(self->r.tb[PMHS_A_SESSION_MESSAGE]);
		memcpy(ma, nla_data(self->r.tb[PMHS_A_SESSION_MESSAGE]), na);
		ASSERT_EQ(0, po_session_new(peer, &b, &ib, &r2));
		if (mode == PMHS_MODE_RSA_HALF_SEND) {
			/* The sender is done at once; the receiver finishes. */
			ASSERT_LT(0, po_serial(&self->r));
			ASSERT_EQ(32, vec_key_read(po_serial(&self->r), sa, sizeof(sa)));
			ASSERT_EQ(384 + 512, na);
		} else {
			nb = nla_len(r2.tb[PMHS_A_SESSION_MESSAGE]);
			memcpy(mb, nla_data(r2.tb[PMHS_A_SESSION_MESSAGE]), nb);
			ASSERT_EQ(0, po_session_recv(self->nl, ia, mb, nb, &self->r)) {
				TH_LOG("mode %d: %s", mode, self->r.extack);
			}
			ASSERT_EQ(32, vec_key_read(po_serial(&self->r), sa, sizeof(sa)));
		}
		ASSERT_EQ(0, po_session_recv(peer, ib, ma, na, &r2)) {
			TH_LOG("mode %d: %s", mode, r2.extack);
		}
		ASSERT_EQ(32, vec_key_read(po_serial(&r2), sb, sizeof(sb)));
		EXPECT_EQ(0, memcmp(sa, sb, 32)) {
			TH_LOG("mode %d: secrets differ", mode);
		}
	}
	pmhs_nl_close(peer);
	close(here);
	free(carol);
	free(dave);
}

/* Message of a fresh password session with @pw. */
static int pw_msg(struct pmhs_nl *nl, const char *pw, uint8_t *out, size_t *len,
		  uint32_t *id)
{
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1, .password = pw };
	struct pt_reply r;

	if (po_session_new(nl, &p, id, &r))
		return -1;
	*len = nla_len(r.tb[PMHS_A_SESSION_MESSAGE]);
	memcpy(out, nla_data(r.tb[PMHS_A_SESSION_MESSAGE]), *len);
	return 0;
}

/*
 * Wrong hsubs from a stranger (more than the old limit of 5) neither lock
 * the password out nor change what the right one gets: no lockout, no
 * oracle. The old knobs are refused with a reason.
 */
TEST(wrong_passwords_lock_nobody_out)
{
	const char *pw = "locked out? not any more 42";
	struct pmhs_nl *nl = pt_open();
	uint8_t mine[80], theirs[80];
	struct pt_reply r;
	uint32_t id, peer;
	size_t lm, lt;

	ASSERT_NE(NULL, nl);
	for (int i = 0; i < 12; i++) {
		ASSERT_EQ(0, pw_msg(nl, pw, mine, &lm, &id));
		ASSERT_EQ(0, pw_msg(nl, "a wrong guess, try " "again", theirs, &lt, &peer));
		EXPECT_EQ(-EKEYREJECTED, po_session_recv(nl, id, theirs, lt, &r));
		EXPECT_NE(NULL, strstr(r.extack, "wrong password"));
	}
	ASSERT_EQ(0, pw_msg(nl, pw, mine, &lm, &id));
	ASSERT_EQ(0, pw_msg(nl, pw, theirs, &lt, &peer));
	EXPECT_EQ(0, po_session_recv(nl, id, theirs, lt, &r)) {
		TH_LOG("%s", r.extack);
	}
	EXPECT_EQ(-EOPNOTSUPP, po_config_pw(nl, 2, 3));
	pmhs_nl_close(nl);
}

TEST(expired_session_is_gone)
{
	struct pmhs_nl *nl = pt_open();
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.password = "correct horse battery staple" };
	struct pt_reply r;
	int before;
	uint32_t id;

	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, po_config(nl, 1, -1));
	before = po_count(nl, PMHS_A_CONFIG_SESSIONS);
	ASSERT_EQ(0, po_session_new(nl, &p, &id, &r));
	EXPECT_EQ(before + 1, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	sleep(3);
	/* The collector freed it, whether or not anyone asked. */
	EXPECT_EQ(before, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	EXPECT_EQ(-ENOENT, po_session_recv(nl, id, (const uint8_t *)"00", 2, &r));
	EXPECT_NE(0, r.extack[0]);
	po_config(nl, 60, -1);
	pmhs_nl_close(nl);
}

TEST(socket_close_frees_sessions)
{
	struct pmhs_nl *nl = pt_open(), *other = pt_open();
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.password = "correct horse battery staple" };
	struct pt_reply r;
	uint32_t id[3];
	int before;

	ASSERT_NE(NULL, nl);
	ASSERT_NE(NULL, other);
	before = po_count(nl, PMHS_A_CONFIG_SESSIONS);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, po_session_new(other, &p, &id[i], &r));
	EXPECT_EQ(before + 3, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	/* Another socket cannot drive them, even knowing the id. */
	EXPECT_EQ(-ENOENT, po_session_recv(nl, id[0], (const uint8_t *)"00", 2, &r));
	pmhs_nl_close(other);
	EXPECT_EQ(before, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	pmhs_nl_close(nl);
}

static int count_session(const struct pmhs_session_info *s, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* session-get of one id, or (id 0) a dump of all, counted in r->count. */
static int session_get(struct pmhs_nl *nl, uint32_t id, struct pt_reply *r)
{
	struct pmhs_session_info info = { .size = sizeof(info) };
	int n = 0, ret;

	if (id)
		return po_api(nl, pmhs_session_result(pmhs_nl_handle(nl), id, &info), r);
	ret = pmhs_session_foreach(pmhs_nl_handle(nl), count_session, &n);
	po_api(nl, ret, r);
	r->count = n;
	return ret;
}

static void *close_socket(void *nl)
{
	pmhs_nl_close(nl);
	return NULL;
}

/*
 * netlink_release() frees the port id before the module hears of the
 * close: a new socket may bind it in between. It must neither see nor
 * drive the dying socket's sessions, and the late release must not take
 * the new socket's. Many sessions on the dying socket widen the window.
 */
TEST(port_id_reuse_while_closing)
{
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.password = "correct horse battery staple" };
	uint32_t port = 0x51000000u | (uint32_t)getpid(), last, mine;
	const char *lim = "/sys/module/pmhs/parameters/max_user_sessions";
	char old[32] = "";
	struct pmhs_nl *a, *b;
	struct pt_reply r;
	int code;
	pthread_t t;
	FILE *f;

	/* 2,000 sessions of one user: above the default per-user limit. */
	f = fopen(lim, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	f = fopen(lim, "w");
	ASSERT_NE(NULL, f);
	fputs("4096", f);
	ASSERT_EQ(0, fclose(f));
	for (int round = 0; round < 6; round++) {
		a = pmhs_nl_open_port(&code, port + round);
		ASSERT_NE(NULL, a);
		for (int i = 0; i < 2000; i++)
			ASSERT_EQ(0, po_session_new(a, &p, &last, &r));
		ASSERT_EQ(0, pthread_create(&t, NULL, close_socket, a));
		while (!(b = pmhs_nl_open_port(&code, port + round)))
			;
		ASSERT_EQ(0, po_session_new(b, &p, &mine, &r));
		/* Only its own session, even while the old one's go. */
		ASSERT_EQ(0, session_get(b, 0, &r));
		EXPECT_EQ(1, r.count);
		EXPECT_EQ(-ENOENT, po_session_recv(b, last, (const uint8_t *)"00", 2, &r));
		ASSERT_EQ(0, pthread_join(t, NULL));
		EXPECT_EQ(0, session_get(b, mine, &r)) {
			TH_LOG("round %d: %s", round, r.extack);
		}
		pmhs_nl_close(b);
	}
	f = fopen(lim, "w");
	ASSERT_NE(NULL, f);
	fputs(old, f);
	ASSERT_EQ(0, fclose(f));
}

TEST(unload_with_live_objects)
{
	struct pmhs_nl *nl = pt_open();
	struct json_object *root = vec_load("poorman-v1.json");
	struct po_session p = { .mode = PMHS_MODE_RSA_MUTUAL, .oaep = -1,
				.identity = "alice" };
	const char *ko = getenv("PMHS_KO");
	struct pt_reply r;
	uint8_t *pub;
	uint32_t id;

	ASSERT_NE(NULL, ko);
	ASSERT_NE(NULL, nl);
	p.peerlen = vec_key_pub_der(root, "bob", &pub);
	p.peer = pub;
	ASSERT_EQ(0, po_identity_vec(nl, root, "alice", &r));
	ASSERT_EQ(0, po_session_new(nl, &p, &id, &r));
	/* The tool still holds its socket and session. */
	ASSERT_EQ(0, pt_sh("rmmod pmhs"));
	ASSERT_FALSE(pt_family_present());
	ASSERT_EQ(0, pt_sh("insmod %s", ko));
	pmhs_nl_close(nl);
	nl = pt_open();
	ASSERT_NE(NULL, nl);
	EXPECT_EQ(0, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	EXPECT_EQ(0, po_count(nl, PMHS_A_CONFIG_IDENTITIES));
	pmhs_nl_close(nl);
	json_object_put(root);
	free(pub);
}

PMHS_TEST_HARNESS_MAIN
