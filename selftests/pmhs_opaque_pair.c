// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE-3DH module to module across two network namespaces: the client's
 * sessions run in this test's namespace, the server's (its setup
 * identity, its sessions, its module keyring) in a new one, and the test
 * relays every message between two netlink sockets, as two hosts would.
 *
 *   The setup identity exists only on the server's side.
 *   Register and log in: equal session keys, the export key only on the
 *   client (and equal to registration's).
 *   Failures: a wrong password, an unknown user (a KE2 of the same length,
 *   the same errno and extack), tampered KE2 and KE3, a replayed KE1 (a
 *   fresh KE2) and KE3 (refused), another user's record. Nothing is
 *   published on failure: not in the session keyring, not in the server's
 *   module keyring (its description stays free).
 *
 * A login rate limiter counts failures per user: every test has its own
 * users and fails at most three times for each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>
#include <netlink/attr.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "pmhs_vec.h"

/* Cheap Argon2id: the KSF is the client's business, not under test here. */
static const struct pmhs_opaque_ksf ksf = {
	.size = sizeof(struct pmhs_opaque_ksf), .m_kib = 64, .t = 1, .p = 1,
};

enum { T_NONE, T_KE2, T_KE3 };

/* One login or registration: the messages seen and where it stopped. */
struct leg {
	uint32_t cid, sid;
	char failed;			/* 'c' or 's': the side that refused */
	int step;			/* 1.. the step that failed */
	int32_t ckey, cexport, skey, sexport;
	uint8_t ke1[96], ke2[512], ke3[64];
	int ke2_len;
};

/* Where the server publishes: its module keyring under @desc, or the default. */
struct srv_pub {
	bool module;
	const char *desc;
};

static long msg_copy(struct pt_reply *r, int type, uint8_t *buf, size_t max)
{
	struct nlattr *a = r->tb[type];

	if (!a || (size_t)nla_len(a) > max)
		return -1;
	memcpy(buf, nla_data(a), nla_len(a));
	return nla_len(a);
}

static int32_t s32(struct pt_reply *r, int type)
{
	return r->tb[type] ? nla_get_s32(r->tb[type]) : 0;
}

/* ksf-input from the reply, stretched and sent back; the reply has the next message. */
static int ksf_step(struct pmhs_nl *c, uint32_t cid, struct pt_reply *r)
{
	uint8_t x[64];
	int ret;

	if (msg_copy(r, PMHS_A_SESSION_KSF_INPUT, x, 64) != 64 || pmhs_opaque_ksf(&ksf, x, x))
		return -EPROTO;
	ret = po_opaque_recv(c, cid, NULL, 0, x, r);
	explicit_bzero(x, sizeof(x));
	return ret;
}

static int do_register(struct pmhs_nl *c, struct pmhs_nl *s, const char *pw,
		       const char *user, uint8_t record[192], struct leg *o,
		       struct pt_reply *r)
{
	struct po_opaque cp = { .password = pw, .user_key = true };
	struct po_opaque sp = { .server = true, .identity = "opq-srv", .cred_id = user,
				.user_key = true };
	uint8_t req[32], resp[64];
	int ret;

	memset(o, 0, sizeof(*o));
	ret = po_opaque_new(c, &cp, &o->cid, r);
	if (ret || msg_copy(r, PMHS_A_SESSION_MESSAGE, req, 32) != 32)
		return o->failed = 'c', o->step = 1, ret ?: -EPROTO;
	ret = po_opaque_new(s, &sp, &o->sid, r) ?: po_opaque_recv(s, o->sid, req, 32, NULL, r);
	if (ret || msg_copy(r, PMHS_A_SESSION_MESSAGE, resp, 64) != 64)
		return o->failed = 's', o->step = 2, ret ?: -EPROTO;
	ret = po_opaque_recv(c, o->cid, resp, 64, NULL, r) ?: ksf_step(c, o->cid, r);
	if (ret || msg_copy(r, PMHS_A_SESSION_MESSAGE, record, 192) != 192)
		return o->failed = 'c', o->step = 3, ret ?: -EPROTO;
	o->cexport = s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	o->ckey = s32(r, PMHS_A_SESSION_KEY_SERIAL);
	ret = po_opaque_recv(s, o->sid, record, 192, NULL, r);
	if (ret)
		return o->failed = 's', o->step = 4, ret;
	o->skey = s32(r, PMHS_A_SESSION_KEY_SERIAL);
	o->sexport = s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	return 0;
}

/* KE1 from a new client session into a new server session: KE2 in o->ke2. */
static int login_ke2(struct pmhs_nl *c, struct pmhs_nl *s, const char *pw, const char *user,
		     const uint8_t *record, const struct srv_pub *pub, struct leg *o,
		     struct pt_reply *r)
{
	struct po_opaque cp = { .login = true, .password = pw, .user_key = true };
	struct po_opaque sp = { .login = true, .server = true, .identity = "opq-srv",
				.cred_id = user, .record = record, .user_key = true };
	int ret;

	if (pub) {
		sp.module_keyring = pub->module;
		sp.desc = pub->desc;
	}
	memset(o, 0, sizeof(*o));
	ret = po_opaque_new(c, &cp, &o->cid, r);
	if (ret || msg_copy(r, PMHS_A_SESSION_MESSAGE, o->ke1, 96) != 96)
		return o->failed = 'c', o->step = 1, ret ?: -EPROTO;
	ret = po_opaque_new(s, &sp, &o->sid, r) ?:
	      po_opaque_recv(s, o->sid, o->ke1, 96, NULL, r);
	if (!ret)
		o->ke2_len = msg_copy(r, PMHS_A_SESSION_MESSAGE, o->ke2, sizeof(o->ke2));
	if (ret || o->ke2_len != 320)
		return o->failed = 's', o->step = 2, ret ?: -EPROTO;
	return 0;
}

/* The client's answer to o->ke2 (KE3 in o->ke3), then the server's check. */
static int login_finish(struct pmhs_nl *c, struct pmhs_nl *s, int tamper, struct leg *o,
			struct pt_reply *r)
{
	int ret;

	if (tamper == T_KE2)
		o->ke2[300] ^= 1;	/* in the server's MAC */
	ret = po_opaque_recv(c, o->cid, o->ke2, 320, NULL, r) ?: ksf_step(c, o->cid, r);
	if (ret || msg_copy(r, PMHS_A_SESSION_MESSAGE, o->ke3, 64) != 64)
		return o->failed = 'c', o->step = 3, ret ?: -EPROTO;
	o->ckey = s32(r, PMHS_A_SESSION_KEY_SERIAL);
	o->cexport = s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	if (tamper == T_KE3)
		o->ke3[0] ^= 0x80;
	ret = po_opaque_recv(s, o->sid, o->ke3, 64, NULL, r);
	if (ret)
		return o->failed = 's', o->step = 4, ret;
	o->skey = s32(r, PMHS_A_SESSION_KEY_SERIAL);
	o->sexport = s32(r, PMHS_A_SESSION_EXPORT_KEY_SERIAL);
	return 0;
}

static int do_login(struct pmhs_nl *c, struct pmhs_nl *s, const char *pw, const char *user,
		    const uint8_t *record, int tamper, const struct srv_pub *pub,
		    struct leg *o, struct pt_reply *r)
{
	return login_ke2(c, s, pw, user, record, pub, o, r) ?: login_finish(c, s, tamper, o, r);
}

static bool same_key(int32_t a, int32_t b, size_t want)
{
	uint8_t ka[128], kb[128];
	long na, nb;

	if (a <= 0 || b <= 0 || a == b)
		return false;
	na = vec_key_read(a, ka, sizeof(ka));
	nb = vec_key_read(b, kb, sizeof(kb));
	return na == (long)want && nb == na && !memcmp(ka, kb, na);
}

/* Keys in our session keyring (both sides publish there by default). */
static long session_keys(void)
{
	long n = keyctl_read(KEY_SPEC_SESSION_KEYRING, NULL, 0);

	return n < 0 ? -1 : n / (long)sizeof(key_serial_t);
}

static bool gone(struct pmhs_nl *nl, uint32_t id)
{
	struct pmhs_session_info si;

	PMHS_INIT(si);
	return pmhs_session_result(pmhs_nl_handle(nl), id, &si) == -ENOENT;
}

FIXTURE(pair) {
	struct pmhs_nl *c, *s;		/* client: this netns; server: its own */
	struct pt_reply r;
	long keys;			/* session keyring at the start */
	char delay[32];			/* the limiter's backoff, restored */
};

#define DELAY_PARAM "/sys/module/pmhs/parameters/opaque_delay_ms"

/* Read (@old) or write (@val) the limiter's backoff parameter. */
static int delay_param(char *old, size_t len, const char *val)
{
	FILE *f = fopen(DELAY_PARAM, old ? "r" : "w");
	int ok;

	if (!f)
		return -errno;
	ok = old ? fgets(old, (int)len, f) != NULL : fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

FIXTURE_SETUP(pair)
{
	int here = open("/proc/self/ns/net", O_RDONLY);
	uint8_t setup[128];

	ASSERT_LE(0, here);
	/* failures back to back (each test's server netns counts its own) */
	ASSERT_EQ(0, delay_param(self->delay, sizeof(self->delay), NULL));
	ASSERT_EQ(0, delay_param(NULL, 0, "0"));
	self->c = pt_open();
	ASSERT_NE(NULL, self->c);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->s = pt_open();
	ASSERT_NE(NULL, self->s);
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));
	close(here);
	ASSERT_LE(0, keyctl_join_session_keyring(NULL));
	/* a new namespace: no identities, no sessions */
	ASSERT_EQ(0, po_count(self->s, PMHS_A_CONFIG_IDENTITIES));
	ASSERT_EQ(0, po_count(self->s, PMHS_A_CONFIG_SESSIONS));
	ASSERT_EQ(0, pmhs_opaque_setup_generate(setup));
	ASSERT_EQ(0, pmhs_identity_import_opaque(pmhs_nl_handle(self->s), "opq-srv", setup,
						 NULL)) {
		TH_LOG("%s", pmhs_errmsg(pmhs_nl_handle(self->s)));
	}
	explicit_bzero(setup, sizeof(setup));
	self->keys = session_keys();
	ASSERT_EQ(0, self->keys);
}

FIXTURE_TEARDOWN(pair)
{
	if (self->delay[0])
		delay_param(NULL, 0, self->delay);
	pmhs_nl_close(self->s);
	pmhs_nl_close(self->c);
}

/* The setup identity lives in the server's namespace only. */
TEST_F(pair, setup_only_in_server_netns)
{
	struct po_opaque sp = { .login = true, .server = true, .identity = "opq-srv",
				.cred_id = "pair-ns" };
	struct pmhs_identity id;
	uint32_t sid = 0;

	PMHS_INIT(id);
	ASSERT_EQ(0, pmhs_identity_get(pmhs_nl_handle(self->s), "opq-srv", &id));
	EXPECT_EQ(PMHS_CRED_TYPE_OPAQUE_SERVER, id.cred_type);
	EXPECT_EQ(1, po_count(self->s, PMHS_A_CONFIG_IDENTITIES));
	EXPECT_EQ(-ENOENT, pmhs_identity_get(pmhs_nl_handle(self->c), "opq-srv", &id));
	/* a server session in the client's namespace cannot use it */
	EXPECT_EQ(-ENOENT, po_opaque_new(self->c, &sp, &sid, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "no such identity")) {
		TH_LOG("'%s'", self->r.extack);
	}
	EXPECT_EQ(0, sid);
	/* while in its own namespace it can */
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_NE(0, sid);
	/* and the session is the server's namespace's, not the client's */
	EXPECT_TRUE(gone(self->c, sid));
	EXPECT_FALSE(gone(self->s, sid));
}

/*
 * Register, log in: both session keys equal (64 bytes); the export key is
 * the client's alone and equals registration's; the server's registration
 * publishes nothing.
 */
TEST_F(pair, register_and_login)
{
	uint8_t rec[192];
	struct leg reg, o;

	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-alice", rec, &reg,
				 &self->r)) {
		TH_LOG("side %c step %d: %s", reg.failed, reg.step, self->r.extack);
	}
	EXPECT_LT(0, reg.cexport);
	EXPECT_EQ(0, reg.ckey);
	EXPECT_EQ(0, reg.skey);
	EXPECT_EQ(0, reg.sexport);
	ASSERT_EQ(0, do_login(self->c, self->s, "correct horse", "pair-alice", rec, T_NONE,
			      NULL, &o, &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_TRUE(same_key(o.ckey, o.skey, 64));
	EXPECT_TRUE(same_key(o.cexport, reg.cexport, 64));
	EXPECT_FALSE(same_key(o.ckey, o.cexport, 64));
	EXPECT_EQ(0, o.sexport);
	/* registration's export key, then the login's session key x2 and export key */
	EXPECT_EQ(self->keys + 4, session_keys());
	/* the server session is used up */
	EXPECT_EQ(-EALREADY, po_opaque_recv(self->s, o.sid, o.ke3, 64, NULL, &self->r));
}

/*
 * A wrong password fails on the client (at KE3), uniformly; nothing is
 * published on either side, and the server's description stays free: the
 * right password then publishes under it.
 */
TEST_F(pair, wrong_password)
{
	const struct srv_pub pub = { .module = true, .desc = "opq-pair:wrong" };
	uint8_t rec[192];
	struct leg o;
	long before;

	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-wrong", rec, &o,
				 &self->r));
	before = session_keys();
	EXPECT_EQ(-EBADMSG, do_login(self->c, self->s, "wrong horse", "pair-wrong", rec, T_NONE,
				     &pub, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(3, o.step);
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_EQ(0, o.ckey);
	EXPECT_EQ(before, session_keys());
	EXPECT_TRUE(gone(self->c, o.cid));
	/* the server saw no KE3: its session is still waiting, unpublished */
	EXPECT_FALSE(gone(self->s, o.sid));
	ASSERT_EQ(0, do_login(self->c, self->s, "correct horse", "pair-wrong", rec, T_NONE,
			      &pub, &o, &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_LT(0, o.skey);
	/* the check can fail: the description is taken now */
	EXPECT_EQ(-EEXIST, do_login(self->c, self->s, "correct horse", "pair-wrong", rec,
				    T_NONE, &pub, &o, &self->r));
	EXPECT_EQ('s', o.failed);
}

/*
 * An unknown user gets a KE2 of the same length from a fake record, and
 * the client fails at the same step with the same errno and extack as a
 * wrong password.
 */
TEST_F(pair, unknown_user_indistinguishable)
{
	uint8_t rec[192];
	struct leg w, u;
	char wrong_msg[256];
	int wrong_err, unknown_err;

	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-known", rec, &w,
				 &self->r));
	ASSERT_EQ(0, login_ke2(self->c, self->s, "wrong horse", "pair-known", rec, NULL, &w,
			       &self->r));
	wrong_err = login_finish(self->c, self->s, T_NONE, &w, &self->r);
	snprintf(wrong_msg, sizeof(wrong_msg), "%s", self->r.extack);
	ASSERT_EQ(0, login_ke2(self->c, self->s, "correct horse", "pair-nobody", NULL, NULL, &u,
			       &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	unknown_err = login_finish(self->c, self->s, T_NONE, &u, &self->r);
	EXPECT_EQ(320, w.ke2_len);
	EXPECT_EQ(w.ke2_len, u.ke2_len);
	EXPECT_EQ(-EBADMSG, wrong_err);
	EXPECT_EQ(wrong_err, unknown_err);
	EXPECT_EQ(w.failed, u.failed);
	EXPECT_EQ(w.step, u.step);
	EXPECT_STREQ(wrong_msg, self->r.extack);
	EXPECT_NE(0, wrong_msg[0]);
	EXPECT_EQ(0, u.ckey);
	EXPECT_EQ(0, u.cexport);
	EXPECT_TRUE(gone(self->c, u.cid));
	/* one key: registration's export key */
	EXPECT_EQ(self->keys + 1, session_keys());
}

/* A tampered KE2 (the client refuses) and KE3 (the server refuses): nothing published. */
TEST_F(pair, tampered)
{
	const struct srv_pub pub = { .module = true, .desc = "opq-pair:tampered" };
	uint8_t r2[192], r3[192];
	struct leg o;
	long before;

	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-tamper2", r2, &o,
				 &self->r));
	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-tamper3", r3, &o,
				 &self->r));
	before = session_keys();
	EXPECT_EQ(-EBADMSG, do_login(self->c, self->s, "correct horse", "pair-tamper2", r2,
				     T_KE2, &pub, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(3, o.step);
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_TRUE(gone(self->c, o.cid));
	EXPECT_EQ(-EBADMSG, do_login(self->c, self->s, "correct horse", "pair-tamper3", r3,
				     T_KE3, &pub, &o, &self->r));
	EXPECT_EQ('s', o.failed);
	EXPECT_EQ(4, o.step);
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_TRUE(gone(self->s, o.sid));
	/* the client finished and published its two keys; the server nothing */
	EXPECT_LT(0, o.ckey);
	EXPECT_EQ(before + 2, session_keys());
	/* the server's description is still free */
	ASSERT_EQ(0, do_login(self->c, self->s, "correct horse", "pair-tamper3", r3, T_NONE,
			      &pub, &o, &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_LT(0, o.skey);
}

/*
 * A KE1 replayed into a second server session gets a fresh KE2: the same
 * OPRF evaluation, new masking nonce, server nonce and keyshare. The KE3
 * answering the first KE2 is refused by the second session and by a
 * third one fed the same KE1, and once more by the first (used up).
 */
TEST_F(pair, replayed_ke1_ke3)
{
	struct po_opaque sp = { .login = true, .server = true, .identity = "opq-srv",
				.cred_id = "pair-replay", .user_key = true };
	uint8_t rec[192], ke2b[320];
	struct leg o;
	uint32_t sid2, sid3;
	long before;

	ASSERT_EQ(0, do_register(self->c, self->s, "correct horse", "pair-replay", rec, &o,
				 &self->r));
	sp.record = rec;
	before = session_keys();
	ASSERT_EQ(0, login_ke2(self->c, self->s, "correct horse", "pair-replay", rec, NULL, &o,
			       &self->r));
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid2, &self->r));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid2, o.ke1, 96, NULL, &self->r));
	ASSERT_EQ(320, msg_copy(&self->r, PMHS_A_SESSION_MESSAGE, ke2b, sizeof(ke2b)));
	/* evaluated element 0..31, masking nonce 32..63, server nonce 192..223, keyshare 224..255 */
	EXPECT_EQ(0, memcmp(o.ke2, ke2b, 32));
	EXPECT_NE(0, memcmp(o.ke2 + 32, ke2b + 32, 32));
	EXPECT_NE(0, memcmp(o.ke2 + 192, ke2b + 192, 32));
	EXPECT_NE(0, memcmp(o.ke2 + 224, ke2b + 224, 32));
	/* the client answers the first KE2; the first session accepts */
	ASSERT_EQ(0, login_finish(self->c, self->s, T_NONE, &o, &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_TRUE(same_key(o.ckey, o.skey, 64));
	EXPECT_EQ(before + 3, session_keys());
	/* the second refuses that KE3 */
	EXPECT_EQ(-EBADMSG, po_opaque_recv(self->s, sid2, o.ke3, 64, NULL, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "authentication failed"));
	EXPECT_TRUE(gone(self->s, sid2));
	/* so does a third, fed the same KE1 */
	ASSERT_EQ(0, po_opaque_new(self->s, &sp, &sid3, &self->r));
	ASSERT_EQ(0, po_opaque_recv(self->s, sid3, o.ke1, 96, NULL, &self->r));
	EXPECT_EQ(-EBADMSG, po_opaque_recv(self->s, sid3, o.ke3, 64, NULL, &self->r));
	EXPECT_TRUE(gone(self->s, sid3));
	/* and the first, once done */
	EXPECT_EQ(-EALREADY, po_opaque_recv(self->s, o.sid, o.ke3, 64, NULL, &self->r));
	EXPECT_EQ(before + 3, session_keys());
}

/*
 * Alice's record replayed for bob: bob cannot log in with it, with his
 * password or hers (the OPRF key is per credential identifier); nothing
 * published; with his own record he can.
 */
TEST_F(pair, record_of_another_user)
{
	const struct srv_pub pub = { .module = true, .desc = "opq-pair:bob" };
	uint8_t ra[192], rb[192];
	struct leg o;
	long before;

	ASSERT_EQ(0, do_register(self->c, self->s, "alice pw", "pair-rec-alice", ra, &o,
				 &self->r));
	ASSERT_EQ(0, do_register(self->c, self->s, "bob pw", "pair-rec-bob", rb, &o, &self->r));
	before = session_keys();
	EXPECT_EQ(-EBADMSG, do_login(self->c, self->s, "bob pw", "pair-rec-bob", ra, T_NONE,
				     &pub, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(-EBADMSG, do_login(self->c, self->s, "alice pw", "pair-rec-bob", ra, T_NONE,
				     &pub, &o, &self->r));
	EXPECT_EQ('c', o.failed);
	EXPECT_EQ(before, session_keys());
	ASSERT_EQ(0, do_login(self->c, self->s, "bob pw", "pair-rec-bob", rb, T_NONE, &pub, &o,
			      &self->r)) {
		TH_LOG("side %c step %d: %s", o.failed, o.step, self->r.extack);
	}
	EXPECT_LT(0, o.skey);
	/* alice's record still works for alice */
	ASSERT_EQ(0, do_login(self->c, self->s, "alice pw", "pair-rec-alice", ra, T_NONE, NULL,
			      &o, &self->r));
	EXPECT_TRUE(same_key(o.ckey, o.skey, 64));
}

PMHS_TEST_HARNESS_MAIN
