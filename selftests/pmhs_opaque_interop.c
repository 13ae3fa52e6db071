// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE interoperability with opaque-ke 4 (as opaque-ke-py wraps it):
 * the module against @serenity-kit/opaque 1.1.0 (opaque-ke 4.0.1 in
 * WASM), run as `node interop/peer.mjs` with pipes, one base64url
 * message a line. Both sides use the same settings: Argon2id m=19456
 * KiB, t=2, p=1 (opaque-ke's Argon2::default(), pmhs's default KSF),
 * an empty context, the public keys as identities unless both are set,
 * and the user name's bytes as the credential identifier.
 *
 *   JS client at the pmhs server, pmhs client at the JS server: register
 *   and log in, the session keys equal, the export key the same at
 *   registration and login; the server's public key is the one the
 *   client sees.
 *   Across: a record made by one implementation's client, logged in to
 *   by the other's (the envelope's format): the export keys equal.
 *   A wrong password or an unknown user fails on both sides, nothing
 *   published. Custom identities match serenity's identifiers.
 *
 * One peer process (two for JS against JS) runs a test's steps: node
 * and the WASM take seconds to start under TCG.
 *
 * Needs node and selftests/interop/node_modules (make deps-dev); fails,
 * saying so, without them. Every case has its own user name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_test.h"
#include "pmhs_vec.h"
#include "nl.h"

#include <pmhs/pmhs.h>

#define PEER_TIMEOUT	600	/* node and WASM Argon2 under TCG */

static char interop_dir[PATH_MAX];	/* selftests/interop */
static char work_dir[64];	/* the JS server's setup and records */

struct peer {
	pid_t pid;
	FILE *in;	/* its stdin */
	FILE *out;	/* its stdout */
};

/*
 * Start `node peer.mjs serve`; its stderr goes to ours. V8 compiles the
 * WASM once, with TurboFan, on the main thread, without AVX/FMA: no
 * Liftoff tier-up, no background compiler patching code. With its
 * defaults under TCG (`-cpu max`), node 20 has aborted in the tier-up
 * trigger ("Check failed: maybe_code.has_value()") and trapped with
 * "memory access out of bounds" in WASM that runs clean natively.
 */
static int peer_spawn(struct peer *p)
{
	char script[PATH_MAX + 16];
	const char *argv[] = { "node", "--single-threaded", "--no-liftoff", "--no-enable-avx",
			       "--no-enable-avx2", "--no-enable-fma3", script, "serve", NULL };
	int to[2], from[2];

	snprintf(script, sizeof(script), "%s/peer.mjs", interop_dir);
	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -errno;
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		execvp("node", (char *const *)argv);
		fprintf(stderr, "exec node: %s\n", strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	p->in = fdopen(to[1], "w");
	p->out = fdopen(from[0], "r");
	return p->in && p->out ? 0 : -ENOMEM;
}

/* One run of the peer: "client login --opt val ...", as peer.mjs's arguments. */
static int peer_start(struct peer *p, const char *const *args)
{
	int ret = p->pid ? 0 : peer_spawn(p);

	for (; !ret && *args; args++)
		if (fprintf(p->in, "%s%c", *args, args[1] ? ' ' : '\n') < 0)
			ret = -EIO;
	return ret ?: fflush(p->in) ? -EIO : 0;
}

static int peer_send_line(struct peer *p, const char *s)
{
	return fprintf(p->in, "%s\n", s) < 0 || fflush(p->in) ? -EIO : 0;
}

static int peer_send(struct peer *p, const void *msg, size_t len)
{
	char b[PMHS_B64URL_LEN(PMHS_OPAQUE_MSG_MAX) + 1];

	if (pmhs_b64url_encode(msg, len, b, sizeof(b)) < 0)
		return -EINVAL;
	return peer_send_line(p, b);
}

/*
 * The next line: a message (@tag NULL) or "@tag <b64url>", decoded into
 * @buf. -EBADMSG for "fail" (the peer refused), -EPROTO for anything else.
 */
static long peer_recv(struct peer *p, const char *tag, void *buf, size_t max)
{
	char line[1024], err[64], *s = line;
	size_t n;

	if (!fgets(line, sizeof(line), p->out))
		return -EPIPE;
	n = strcspn(line, "\n");
	line[n] = 0;
	if (!strcmp(line, "fail"))
		return -EBADMSG;
	if (tag) {
		n = strlen(tag);
		if (strncmp(line, tag, n) || line[n] != ' ')
			return -EPROTO;
		s += n + 1;
	}
	return pmhs_b64url_decode(s, strlen(s), buf, max, err, sizeof(err));
}

/* The run's status, as the exit status of a single run; -1 if none came. */
static int peer_wait(struct peer *p)
{
	char line[1024];

	while (fgets(line, sizeof(line), p->out))
		if (!strncmp(line, "status ", 7))
			return atoi(line + 7);
	return -1;
}

static void peer_close(struct peer *p)
{
	if (!p->pid)
		return;
	fclose(p->in);	/* the end of its input ends it */
	fclose(p->out);
	waitpid(p->pid, NULL, 0);
	p->pid = 0;
}

static long key_read(int32_t serial, uint8_t *buf, size_t size)
{
	return serial ? vec_key_read(serial, buf, size) : -ENOKEY;
}

/* The key behind @serial is @want (64 bytes). */
static bool key_is(int32_t serial, const uint8_t want[64])
{
	uint8_t k[128];

	return key_read(serial, k, sizeof(k)) == 64 && !memcmp(k, want, 64);
}

/* Nothing published for session @id: no key, no export key. */
static bool no_key(uint32_t id)
{
	static const char *const types[] = { "user", "logon" };
	char d[2][48];

	snprintf(d[0], sizeof(d[0]), "pmhs:%u", id);
	snprintf(d[1], sizeof(d[1]), "pmhs:%u:export", id);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (keyctl_search(KEY_SPEC_SESSION_KEYRING, types[j], d[i], 0) >= 0)
				return false;
	return true;
}

static bool gone(struct pmhs *h, uint32_t id)
{
	struct pmhs_session_info si;

	PMHS_INIT(si);
	return pmhs_session_result(h, id, &si) == -ENOENT;
}

/* Both sides' settings: see the top; the context stays empty. */
struct side {
	const char *password;
	const char *user;
	const char *client_id, *server_id;	/* NULL: the public keys */
};

static void client_params(struct pmhs_opaque_params *p, const struct side *s)
{
	PMHS_INIT(*p);
	p->role = PMHS_ROLE_INITIATOR;
	p->password = s->password;
	p->password_len = strlen(s->password);
	if (s->client_id) {
		p->client_identity = s->client_id;
		p->client_identity_len = strlen(s->client_id);
	}
	if (s->server_id) {
		p->server_identity = s->server_id;
		p->server_identity_len = strlen(s->server_id);
	}
}

static void server_params(struct pmhs_opaque_params *p, const struct side *s,
			  const uint8_t *record)
{
	struct side c = *s;

	client_params(p, &c);
	p->role = PMHS_ROLE_RESPONDER;
	p->password = NULL;
	p->password_len = 0;
	p->identity = "interop-srv";
	p->cred_id = s->user;
	p->cred_id_len = strlen(s->user);
	p->record = record;
}

/* The JS peer's arguments: role, operation, and for a server its files. */
static void js_args(const char **a, char *setup, char *rec, const char *role, const char *op,
		    const struct side *s)
{
	int n = 0;

	a[n++] = role;
	a[n++] = op;
	if (!strcmp(role, "server")) {
		snprintf(setup, PATH_MAX, "%s/setup", work_dir);
		snprintf(rec, PATH_MAX, "%s/%s.record", work_dir, s->user);
		a[n++] = "--setup";
		a[n++] = setup;
		a[n++] = "--record";
		a[n++] = rec;
		a[n++] = "--user";
		a[n++] = s->user;
	}
	if (s->client_id) {
		a[n++] = "--client-id";
		a[n++] = s->client_id;
	}
	if (s->server_id) {
		a[n++] = "--server-id";
		a[n++] = s->server_id;
	}
	a[n] = NULL;
}

static const struct pmhs_publish pub_user = {
	.size = sizeof(pub_user), .flags = PMHS_PUBLISH_USER_KEY,
};

FIXTURE(ix) {
	struct pmhs_nl *c, *s;
	struct pmhs *hc, *hs;
	uint8_t srv_pk[32];	/* the pmhs server's public key */
	struct peer js[2];	/* started when first needed */
};

FIXTURE_SETUP(ix)
{
	char exe[PATH_MAX], mod[PATH_MAX + 64];
	uint8_t setup[PMHS_OPAQUE_SETUP_LEN];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len;

	ASSERT_LT(0, n);
	exe[n] = 0;
	snprintf(interop_dir, sizeof(interop_dir), "%s/interop", dirname(exe));
	ASSERT_EQ(0, system("node --version >/dev/null 2>&1")) {
		TH_LOG("node is missing: install nodejs (make deps-dev)");
	}
	snprintf(mod, sizeof(mod), "%s/node_modules/@serenity-kit/opaque/package.json",
		 interop_dir);
	ASSERT_EQ(0, access(mod, R_OK)) {
		TH_LOG("%s missing: run make deps-dev (npm ci in selftests/interop)", mod);
	}
	/* a namespace per test: its own setup identity and login limiter counts */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	snprintf(work_dir, sizeof(work_dir), "/tmp/pmhs-interop.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(work_dir));
	signal(SIGPIPE, SIG_IGN);

	self->c = pt_open();
	self->s = pt_open();
	ASSERT_NE(NULL, self->c);
	ASSERT_NE(NULL, self->s);
	self->hc = pmhs_nl_handle(self->c);
	self->hs = pmhs_nl_handle(self->s);
	keyctl_join_session_keyring(NULL);
	pmhs_identity_delete(self->hs, "interop-srv");
	ASSERT_EQ(0, pmhs_opaque_setup_generate(setup));
	ASSERT_EQ(0, pmhs_identity_import_opaque(self->hs, "interop-srv", setup, NULL));
	explicit_bzero(setup, sizeof(setup));
	ASSERT_EQ(0, pmhs_identity_pubkey(self->hs, "interop-srv", self->srv_pk,
					  sizeof(self->srv_pk), &len));
	ASSERT_EQ(32, len);
}

FIXTURE_TEARDOWN(ix)
{
	char cmd[PATH_MAX + 16];

	peer_close(&self->js[0]);
	peer_close(&self->js[1]);
	pmhs_identity_delete(self->hs, "interop-srv");
	pmhs_nl_close(self->s);
	pmhs_nl_close(self->c);
	if (work_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work_dir);
		if (system(cmd))
			TH_LOG("could not remove %s", work_dir);
	}
}

/* Results of one run, for the checks. */
struct run {
	uint8_t record[PMHS_OPAQUE_RECORD_LEN];
	uint8_t session[64], export[64], pk[32];	/* the JS side's */
	int32_t key, export_serial;			/* the pmhs side's */
	uint32_t id;					/* the pmhs session */
	int err;					/* the pmhs side's refusal */
	int js_status;					/* the peer's exit status */
};

/* JS client registers at the pmhs server. */
static int js_client_register(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
			      const struct side *sd, struct run *r)
{
	const char *a[16];
	char dummy[2][PATH_MAX];
	struct pmhs_opaque_params sp;
	struct pmhs_opaque_step b;
	struct peer *p = &self->js[0];
	uint8_t m[PMHS_OPAQUE_MSG_MAX];
	long n;

	memset(r, 0, sizeof(*r));
	js_args(a, dummy[0], dummy[1], "client", "register", sd);
	server_params(&sp, sd, NULL);
	PMHS_INIT(b);
	EXPECT_EQ(0, peer_start(p, a));
	EXPECT_EQ(0, peer_send_line(p, sd->password));
	n = peer_recv(p, NULL, m, sizeof(m));
	EXPECT_EQ(32, n);
	EXPECT_EQ(0, pmhs_opaque_start(self->hs, PMHS_MODE_OPAQUE_REGISTER, &sp, NULL, &b));
	r->err = pmhs_opaque_next(self->hs, b.id, NULL, m, n > 0 ? n : 0, NULL, &b);
	EXPECT_EQ(0, r->err) {
		TH_LOG("server: %s", pmhs_errmsg(self->hs));
	}
	EXPECT_EQ(64, b.msg_len);
	EXPECT_EQ(0, peer_send(p, b.msg, b.msg_len));
	EXPECT_EQ(192, peer_recv(p, NULL, r->record, sizeof(r->record)));
	EXPECT_EQ(64, peer_recv(p, "export", r->export, 64));
	EXPECT_EQ(32, peer_recv(p, "pubkey", r->pk, 32));
	r->js_status = peer_wait(p);
	EXPECT_EQ(0, r->js_status);
	r->err = pmhs_opaque_next(self->hs, b.id, NULL, r->record, 192, NULL, &b);
	EXPECT_EQ(0, r->err) {
		TH_LOG("server: %s", pmhs_errmsg(self->hs));
	}
	EXPECT_TRUE(b.flags & PMHS_STEP_DONE);
	return _metadata->passed ? 0 : -1;
}

/*
 * JS client logs in at the pmhs server with @record (NULL: unknown user).
 * On the JS client's refusal the server gets 64 zero bytes as KE3, as
 * from a client that goes on regardless.
 */
static void js_client_login(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
			    const struct side *sd, const uint8_t *record, struct run *r)
{
	const char *a[16];
	char dummy[2][PATH_MAX];
	struct pmhs_opaque_params sp;
	struct pmhs_opaque_step b;
	struct peer *p = &self->js[0];
	uint8_t m[PMHS_OPAQUE_MSG_MAX] = { 0 };
	long n;

	memset(r, 0, sizeof(*r));
	js_args(a, dummy[0], dummy[1], "client", "login", sd);
	server_params(&sp, sd, record);
	PMHS_INIT(b);
	ASSERT_EQ(0, peer_start(p, a));
	ASSERT_EQ(0, peer_send_line(p, sd->password));
	ASSERT_EQ(96, peer_recv(p, NULL, m, sizeof(m)));
	ASSERT_EQ(0, pmhs_opaque_start(self->hs, PMHS_MODE_OPAQUE_LOGIN, &sp, &pub_user, &b));
	r->id = b.id;
	ASSERT_EQ(0, pmhs_opaque_next(self->hs, b.id, NULL, m, 96, &pub_user, &b)) {
		TH_LOG("server: %s", pmhs_errmsg(self->hs));
	}
	ASSERT_EQ(320, b.msg_len);
	ASSERT_EQ(0, peer_send(p, b.msg, b.msg_len));
	n = peer_recv(p, NULL, m, sizeof(m));
	if (n == -EBADMSG) {
		r->js_status = peer_wait(p);
		memset(m, 0, 64);
	} else {
		ASSERT_EQ(64, n);
		EXPECT_EQ(64, peer_recv(p, "session", r->session, 64));
		EXPECT_EQ(64, peer_recv(p, "export", r->export, 64));
		EXPECT_EQ(32, peer_recv(p, "pubkey", r->pk, 32));
		r->js_status = peer_wait(p);
	}
	r->err = pmhs_opaque_next(self->hs, b.id, NULL, m, 64, &pub_user, &b);
	if (!r->err) {
		EXPECT_TRUE(b.flags & PMHS_STEP_DONE);
		EXPECT_EQ(0, b.msg_len);
		r->key = b.key_serial;
		r->export_serial = b.export_serial;
	}
}

/* pmhs client registers at the JS server. */
static void pmhs_client_register(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
				 const struct side *sd, struct run *r)
{
	const char *a[16];
	char setup[PATH_MAX], rec[PATH_MAX];
	struct pmhs_opaque_params cp;
	struct pmhs_opaque_step c;
	struct peer *p = &self->js[0];
	uint8_t m[PMHS_OPAQUE_MSG_MAX];

	memset(r, 0, sizeof(*r));
	js_args(a, setup, rec, "server", "register", sd);
	client_params(&cp, sd);
	PMHS_INIT(c);
	ASSERT_EQ(0, pmhs_opaque_start(self->hc, PMHS_MODE_OPAQUE_REGISTER, &cp, &pub_user, &c));
	ASSERT_EQ(32, c.msg_len);
	ASSERT_EQ(0, peer_start(p, a));
	ASSERT_EQ(0, peer_send(p, c.msg, c.msg_len));
	ASSERT_EQ(64, peer_recv(p, NULL, m, sizeof(m)));
	r->err = pmhs_opaque_next(self->hc, c.id, NULL, m, 64, &pub_user, &c);
	ASSERT_EQ(0, r->err) {
		TH_LOG("client: %s", pmhs_errmsg(self->hc));
	}
	ASSERT_EQ(192, c.msg_len);
	EXPECT_TRUE(c.flags & PMHS_STEP_DONE);
	EXPECT_EQ(0, c.key_serial);
	r->export_serial = c.export_serial;
	memcpy(r->record, c.msg, 192);
	ASSERT_EQ(0, peer_send(p, c.msg, c.msg_len));
	/* what the JS server stores is what the pmhs client made */
	ASSERT_EQ(192, peer_recv(p, "record", m, sizeof(m)));
	EXPECT_EQ(0, memcmp(m, r->record, 192));
	EXPECT_EQ(32, peer_recv(p, "pubkey", r->pk, 32));
	r->js_status = peer_wait(p);
	EXPECT_EQ(0, r->js_status);
}

/* pmhs client logs in at the JS server (its record file, if any). */
static void pmhs_client_login(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
			      const struct side *sd, struct run *r)
{
	const char *a[16];
	char setup[PATH_MAX], rec[PATH_MAX];
	struct pmhs_opaque_params cp;
	struct pmhs_opaque_step c;
	struct peer *p = &self->js[0];
	uint8_t m[PMHS_OPAQUE_MSG_MAX];

	memset(r, 0, sizeof(*r));
	js_args(a, setup, rec, "server", "login", sd);
	client_params(&cp, sd);
	PMHS_INIT(c);
	ASSERT_EQ(0, pmhs_opaque_start(self->hc, PMHS_MODE_OPAQUE_LOGIN, &cp, &pub_user, &c));
	r->id = c.id;
	ASSERT_EQ(96, c.msg_len);
	ASSERT_EQ(0, peer_start(p, a));
	ASSERT_EQ(0, peer_send(p, c.msg, c.msg_len));
	ASSERT_EQ(320, peer_recv(p, NULL, m, sizeof(m)));
	r->err = pmhs_opaque_next(self->hc, c.id, NULL, m, 320, &pub_user, &c);
	if (r->err) {
		/* as a client that goes on regardless: a KE3 of zeros */
		memset(m, 0, 64);
		ASSERT_EQ(0, peer_send(p, m, 64));
		EXPECT_EQ(-EBADMSG, peer_recv(p, NULL, m, sizeof(m)));
		r->js_status = peer_wait(p);
		return;
	}
	ASSERT_EQ(64, c.msg_len);
	EXPECT_TRUE(c.flags & PMHS_STEP_DONE);
	r->key = c.key_serial;
	r->export_serial = c.export_serial;
	ASSERT_EQ(0, peer_send(p, c.msg, c.msg_len));
	EXPECT_EQ(64, peer_recv(p, "session", r->session, 64));
	EXPECT_EQ(32, peer_recv(p, "pubkey", r->pk, 32));
	r->js_status = peer_wait(p);
	EXPECT_EQ(0, r->js_status);
}

/* pmhs client logs in at the pmhs server with @record. */
static void pmhs_pmhs_login(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
			    const struct side *sd, const uint8_t *record, struct run *r)
{
	struct pmhs_opaque_params cp, sp;
	struct pmhs_opaque_step c, s;

	memset(r, 0, sizeof(*r));
	client_params(&cp, sd);
	server_params(&sp, sd, record);
	PMHS_INIT(c);
	PMHS_INIT(s);
	ASSERT_EQ(0, pmhs_opaque_start(self->hc, PMHS_MODE_OPAQUE_LOGIN, &cp, &pub_user, &c));
	ASSERT_EQ(0, pmhs_opaque_start(self->hs, PMHS_MODE_OPAQUE_LOGIN, &sp, &pub_user, &s));
	ASSERT_EQ(0, pmhs_opaque_next(self->hs, s.id, NULL, c.msg, c.msg_len, &pub_user, &s));
	r->id = c.id;
	r->err = pmhs_opaque_next(self->hc, c.id, NULL, s.msg, s.msg_len, &pub_user, &c);
	if (r->err)
		return;
	ASSERT_EQ(0, pmhs_opaque_next(self->hs, s.id, NULL, c.msg, c.msg_len, &pub_user, &s)) {
		TH_LOG("server: %s", pmhs_errmsg(self->hs));
	}
	r->key = c.key_serial;
	r->export_serial = c.export_serial;
	EXPECT_NE(0, s.key_serial);
	ASSERT_EQ(64, key_read(s.key_serial, r->session, 64));
}

/* JS client logs in at the JS server (its record file). */
static void js_js_login(struct __test_metadata *_metadata, FIXTURE_DATA(ix) *self,
			const struct side *sd, struct run *r)
{
	const char *ca[16], *sa[16];
	char setup[PATH_MAX], rec[PATH_MAX], dummy[2][PATH_MAX];
	struct peer *c = &self->js[0], *s = &self->js[1];
	uint8_t m[PMHS_OPAQUE_MSG_MAX], session[64];
	long n;

	memset(r, 0, sizeof(*r));
	js_args(ca, dummy[0], dummy[1], "client", "login", sd);
	js_args(sa, setup, rec, "server", "login", sd);
	ASSERT_EQ(0, peer_start(c, ca));
	ASSERT_EQ(0, peer_start(s, sa));
	ASSERT_EQ(0, peer_send_line(c, sd->password));
	ASSERT_EQ(96, n = peer_recv(c, NULL, m, sizeof(m)));
	ASSERT_EQ(0, peer_send(s, m, n));
	ASSERT_EQ(320, n = peer_recv(s, NULL, m, sizeof(m)));
	ASSERT_EQ(0, peer_send(c, m, n));
	ASSERT_EQ(64, n = peer_recv(c, NULL, m, sizeof(m)));
	ASSERT_EQ(0, peer_send(s, m, n));
	EXPECT_EQ(64, peer_recv(c, "session", r->session, 64));
	EXPECT_EQ(64, peer_recv(c, "export", r->export, 64));
	EXPECT_EQ(64, peer_recv(s, "session", session, 64));
	EXPECT_EQ(0, memcmp(session, r->session, 64));
	EXPECT_EQ(0, peer_wait(c));
	EXPECT_EQ(0, peer_wait(s));
}

/* 1. JS client, pmhs server: register, log in; the session keys equal. */
TEST_F_TIMEOUT(ix, js_client_pmhs_server, PEER_TIMEOUT)
{
	const struct side sd = { .password = "js client pw", .user = "ix-jc-alice" };
	struct run reg, r;
	uint8_t k[64];

	ASSERT_EQ(0, js_client_register(_metadata, self, &sd, &reg));
	EXPECT_EQ(0, memcmp(reg.pk, self->srv_pk, 32));
	js_client_login(_metadata, self, &sd, reg.record, &r);
	ASSERT_EQ(0, r.js_status);
	ASSERT_EQ(0, r.err) {
		TH_LOG("server: %s", pmhs_errmsg(self->hs));
	}
	EXPECT_TRUE(key_is(r.key, r.session));
	EXPECT_EQ(0, r.export_serial);	/* the export key is the client's alone */
	EXPECT_EQ(0, memcmp(r.export, reg.export, 64));
	EXPECT_EQ(0, memcmp(r.pk, self->srv_pk, 32));
	/* the session key is no export key */
	EXPECT_NE(0, memcmp(r.session, r.export, 64));
	EXPECT_EQ(64, key_read(r.key, k, 64));
}

/* 2. pmhs client, JS server: register, log in; session and export keys equal. */
TEST_F_TIMEOUT(ix, pmhs_client_js_server, PEER_TIMEOUT)
{
	const struct side sd = { .password = "pmhs client pw", .user = "ix-pc-bob" };
	struct run reg, r;
	uint8_t ereg[64];

	pmhs_client_register(_metadata, self, &sd, &reg);
	ASSERT_EQ(64, key_read(reg.export_serial, ereg, 64));
	pmhs_client_login(_metadata, self, &sd, &r);
	ASSERT_EQ(0, r.err) {
		TH_LOG("client: %s", pmhs_errmsg(self->hc));
	}
	EXPECT_TRUE(key_is(r.key, r.session));
	EXPECT_TRUE(key_is(r.export_serial, ereg));
	EXPECT_EQ(0, memcmp(r.pk, reg.pk, 32));
	EXPECT_NE(0, memcmp(r.pk, self->srv_pk, 32));	/* the JS server's own key */
}

/* 3a. Registered by the JS client at the pmhs server, logged in by the pmhs client. */
TEST_F_TIMEOUT(ix, js_record_pmhs_login, PEER_TIMEOUT)
{
	const struct side sd = { .password = "cross one", .user = "ix-x-carol" };
	struct run reg, r;

	ASSERT_EQ(0, js_client_register(_metadata, self, &sd, &reg));
	pmhs_pmhs_login(_metadata, self, &sd, reg.record, &r);
	ASSERT_EQ(0, r.err) {
		TH_LOG("client: %s", pmhs_errmsg(self->hc));
	}
	EXPECT_TRUE(key_is(r.key, r.session));
	/* the envelope the JS client sealed opens to the same export key */
	EXPECT_TRUE(key_is(r.export_serial, reg.export));
}

/* 3b. Registered by the pmhs client at the JS server, logged in by the JS client. */
TEST_F_TIMEOUT(ix, pmhs_record_js_login, PEER_TIMEOUT)
{
	const struct side sd = { .password = "cross two", .user = "ix-x-dave" };
	struct run reg, r;

	pmhs_client_register(_metadata, self, &sd, &reg);
	ASSERT_EQ(0, reg.js_status);
	js_js_login(_metadata, self, &sd, &r);
	EXPECT_TRUE(key_is(reg.export_serial, r.export));
}

/* 4a. JS client, wrong password, at the pmhs server: both refuse, nothing published. */
TEST_F_TIMEOUT(ix, js_client_wrong_password, PEER_TIMEOUT)
{
	struct side sd = { .password = "right one", .user = "ix-w-erin" };
	struct run reg, r;

	ASSERT_EQ(0, js_client_register(_metadata, self, &sd, &reg));
	sd.password = "wrong one";
	js_client_login(_metadata, self, &sd, reg.record, &r);
	EXPECT_EQ(2, r.js_status);	/* finishLogin() returned undefined */
	EXPECT_EQ(-EBADMSG, r.err);
	EXPECT_NE(NULL, strstr(pmhs_errmsg(self->hs), "authentication failed"));
	EXPECT_TRUE(no_key(r.id));
	EXPECT_TRUE(gone(self->hs, r.id));
}

/* 4b. pmhs client, wrong password, at the JS server: both refuse, nothing published. */
TEST_F_TIMEOUT(ix, pmhs_client_wrong_password, PEER_TIMEOUT)
{
	struct side sd = { .password = "right two", .user = "ix-w-frank" };
	struct run reg, r;

	pmhs_client_register(_metadata, self, &sd, &reg);
	ASSERT_EQ(0, reg.js_status);
	sd.password = "wrong two";
	pmhs_client_login(_metadata, self, &sd, &r);
	EXPECT_EQ(-EBADMSG, r.err);
	EXPECT_NE(NULL, strstr(pmhs_errmsg(self->hc), "authentication failed"));
	EXPECT_EQ(2, r.js_status);	/* the JS server refused the KE3 */
	EXPECT_TRUE(no_key(r.id));
	EXPECT_TRUE(gone(self->hc, r.id));
}

/* 5. Unknown users, both ways: the same failure as a wrong password. */
TEST_F_TIMEOUT(ix, unknown_user, PEER_TIMEOUT)
{
	const struct side sd = { .password = "nobody's", .user = "ix-u-grace" };
	struct run r;

	js_client_login(_metadata, self, &sd, NULL, &r);
	EXPECT_EQ(2, r.js_status);
	EXPECT_EQ(-EBADMSG, r.err);
	EXPECT_TRUE(no_key(r.id));
	pmhs_client_login(_metadata, self, &sd, &r);	/* no record file */
	EXPECT_EQ(-EBADMSG, r.err);
	EXPECT_EQ(2, r.js_status);
	EXPECT_TRUE(no_key(r.id));
}

/* 6. Custom identities: pmhs's client/server identity are serenity's identifiers. */
TEST_F_TIMEOUT(ix, custom_identities, PEER_TIMEOUT)
{
	struct side sd = { .password = "ids", .user = "ix-i-heidi",
			   .client_id = "heidi@example.org", .server_id = "login.example.org" };
	struct run reg, r;

	ASSERT_EQ(0, js_client_register(_metadata, self, &sd, &reg));
	js_client_login(_metadata, self, &sd, reg.record, &r);
	ASSERT_EQ(0, r.js_status);
	ASSERT_EQ(0, r.err);
	EXPECT_TRUE(key_is(r.key, r.session));
	pmhs_pmhs_login(_metadata, self, &sd, reg.record, &r);
	ASSERT_EQ(0, r.err) {
		TH_LOG("client: %s", pmhs_errmsg(self->hc));
	}
	EXPECT_TRUE(key_is(r.export_serial, reg.export));
	/* the identities are bound into the envelope: the defaults fail */
	sd.client_id = NULL;
	sd.server_id = NULL;
	pmhs_pmhs_login(_metadata, self, &sd, reg.record, &r);
	EXPECT_EQ(-EBADMSG, r.err);
	EXPECT_TRUE(no_key(r.id));
}

PMHS_TEST_HARNESS_MAIN
