// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency and lifecycle: 8 processes run handshakes of every mode while
 * others create, delete and dump identities and sessions, clients are
 * SIGKILLed mid-handshake, and rmmod is tried again and again (it may
 * succeed: the module is then loaded again). Afterwards every session and
 * identity the module made has been freed (the module also WARNs at unload
 * if one was not, which the VM harness turns into a failure).
 *
 * The churn runs for PMHS_STRESS_SECONDS (default 12) and then on until
 * MIN_HANDSHAKES have completed (at most MAX_SECONDS): on a loaded host a
 * TCG guest may finish none in 12 s, which says nothing about the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

#define MIN_HANDSHAKES 12
#define MAX_SECONDS 240

struct stats {
	int stop;		/* set by the test when the churn may end */
	long handshakes;
	long unexpected;
	long reloads;
	char last[256];
};

static struct stats *st;

static uint32_t live(struct pmhs_nl *nl, int attr)
{
	/* Raw: an absent count must not read as 0, as libpmhs's would. */
	struct nl_msg *m = raw_new(nl, PMHS_CMD_GET_VERSION, 0);
	struct pt_reply r;

	if (pt_call(nl, m, PMHS_A_VERSION_MAX, &r) || !r.tb[attr])
		return (uint32_t)-1;
	return nla_get_u32(r.tb[attr]);
}

/* Errors that the reloads and the churn make legitimate. */
static bool expected(int err)
{
	return err == -ENOENT || err == -EEXIST || err == -EAGAIN || err == -ENOSPC ||
	       err == -EIO || err == -EBADF || err == -ECONNREFUSED || err == -EINVAL;
}

static void note(int err, const char *what, const char *extack)
{
	if (expected(err))
		return;
	__atomic_add_fetch(&st->unexpected, 1, __ATOMIC_RELAXED);
	snprintf(st->last, sizeof(st->last), "%s: %s (%s)", what, strerror(-err), extack);
}

static int one_handshake(struct pmhs_nl *nl, struct json_object *root, int mode)
{
	struct po_session a = { .mode = mode, .oaep = -1 }, b;
	static uint8_t *pa, *pb;
	static long la, lb;
	struct pt_reply ra, rb;
	uint8_t ma[1024], mb[1024];
	size_t na, nb = 0;
	uint32_t ia, ib;
	int ret;

	if (!pa) {
		la = vec_key_pub_der(root, "alice", &pa);
		lb = vec_key_pub_der(root, "bob", &pb);
	}
	if (mode == PMHS_MODE_PASSWORD) {
		a.password = "stress stress stress 2024";
	} else {
		po_identity_vec(nl, root, "alice", &ra);
		po_identity_vec(nl, root, "bob", &ra);
		a.identity = "alice";
		a.peer = pb;
		a.peerlen = lb;
	}
	b = a;
	if (mode != PMHS_MODE_PASSWORD) {
		b.identity = "bob";
		b.peer = pa;
		b.peerlen = la;
	}
	if (mode == PMHS_MODE_RSA_HALF_SEND)
		b.mode = PMHS_MODE_RSA_HALF_RECEIVE;
	ret = po_session_new(nl, &a, &ia, &ra);
	if (ret)
		return note(ret, "session-new", ra.extack), ret;
	ret = po_session_new(nl, &b, &ib, &rb);
	if (ret)
		return note(ret, "session-new", rb.extack), ret;
	na = nla_len(ra.tb[PMHS_A_SESSION_MESSAGE]);
	memcpy(ma, nla_data(ra.tb[PMHS_A_SESSION_MESSAGE]), na);
	if (rb.tb[PMHS_A_SESSION_MESSAGE]) {
		nb = nla_len(rb.tb[PMHS_A_SESSION_MESSAGE]);
		memcpy(mb, nla_data(rb.tb[PMHS_A_SESSION_MESSAGE]), nb);
		ret = po_session_recv(nl, ia, mb, nb, &ra);
		if (ret)
			return note(ret, "session-recv", ra.extack), ret;
	}
	ret = po_session_recv(nl, ib, ma, na, &rb);
	if (ret)
		return note(ret, "session-recv", rb.extack), ret;
	__atomic_add_fetch(&st->handshakes, 1, __ATOMIC_RELAXED);
	return 0;
}

static bool running(void)
{
	return !__atomic_load_n(&st->stop, __ATOMIC_RELAXED);
}

static void worker(int n)
{
	struct json_object *root = vec_load("poorman-v1.json");

	while (running()) {
		struct pmhs_nl *nl = pt_open();

		if (!nl) {
			usleep(100000);	/* reloading */
			continue;
		}
		for (int i = 0; i < 4 && running(); i++)
			one_handshake(nl, root, (n + i) % 3 == 0 ? PMHS_MODE_PASSWORD :
					       (n + i) % 3 == 1 ? PMHS_MODE_RSA_MUTUAL :
					       PMHS_MODE_RSA_HALF_SEND);
		pmhs_nl_close(nl);
	}
	_exit(0);
}

static int no_identity(const struct pmhs_identity *id, void *arg)
{
	return 0;
}

static int no_session(const struct pmhs_session_info *s, void *arg)
{
	return 0;
}

static void churner(void)
{
	struct json_object *root = vec_load("poorman-v1.json");
	struct pt_reply r;

	while (running()) {
		struct pmhs_nl *nl = pt_open();

		if (!nl) {
			usleep(100000);
			continue;
		}
		po_identity_vec(nl, root, "carol", &r);
		pmhs_identity_foreach(pmhs_nl_handle(nl), no_identity, NULL);
		pmhs_session_foreach(pmhs_nl_handle(nl), no_session, NULL);
		po_identity_del(nl, "carol");
		pmhs_nl_close(nl);
	}
	_exit(0);
}

static void killer(void)
{
	while (running()) {
		pid_t pid = fork();

		if (pid == 0) {
			struct pmhs_nl *nl = pt_open();
			struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
						.password = "killed mid-handshake 99" };
			struct pt_reply r;
			uint32_t id;

			for (int i = 0; nl && i < 50; i++)
				po_session_new(nl, &p, &id, &r);
			pause();
		}
		usleep(50000 + rand() % 100000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	_exit(0);
}

static void reloader(const char *ko)
{
	while (running()) {
		sleep(2);
		if (!pt_sh("rmmod pmhs 2>/dev/null")) {
			__atomic_add_fetch(&st->reloads, 1, __ATOMIC_RELAXED);
			if (pt_sh("insmod %s", ko))
				_exit(1);
		}
	}
	_exit(0);
}

FIXTURE(s) {
};

FIXTURE_SETUP(s)
{
}

FIXTURE_TEARDOWN(s)
{
}

TEST_F_TIMEOUT(s, handshakes_churn_kills_and_rmmod, 600)
{
	const char *ko = getenv("PMHS_KO"), *ss = getenv("PMHS_STRESS_SECONDS");
	int seconds = ss ? atoi(ss) : 12, status;
	time_t start = time(NULL), now;
	pid_t pids[16];
	int n = 0, bad = 0;
	struct pmhs_nl *nl;

	ASSERT_NE(NULL, ko);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st);
	nl = pt_open();
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, po_config(nl, 60, 0));
	pmhs_nl_close(nl);

	for (int i = 0; i < 8; i++)
		if ((pids[n++] = fork()) == 0) {
			/* "module not loaded" during reloads is expected noise */
			freopen("/dev/null", "w", stderr);
			worker(i);
		}
	if ((pids[n++] = fork()) == 0) {
		freopen("/dev/null", "w", stderr);
		churner();
	}
	if ((pids[n++] = fork()) == 0) {
		freopen("/dev/null", "w", stderr);
		killer();
	}
	if ((pids[n++] = fork()) == 0)
		reloader(ko);
	do {
		sleep(1);
		now = time(NULL);
	} while (now - start < seconds ||
		 (st->handshakes < MIN_HANDSHAKES && now - start < MAX_SECONDS));
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++) {
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	TH_LOG("%ld s: %ld handshakes, %ld module reloads, %ld unexpected errors%s%s",
	       (long)(now - start), st->handshakes, st->reloads, st->unexpected,
	       st->unexpected ? "; last: " : "", st->last);
	EXPECT_EQ(0, bad);
	EXPECT_LE(MIN_HANDSHAKES, st->handshakes);
	EXPECT_EQ(0, st->unexpected);

	/* Everyone is gone: nothing the module made may be left. */
	if (!pt_family_present())
		ASSERT_EQ(0, pt_sh("insmod %s", ko));
	nl = pt_open();
	ASSERT_NE(NULL, nl);
	po_identity_del(nl, "alice");
	po_identity_del(nl, "bob");
	po_identity_del(nl, "carol");
	/* RCU frees sessions later; a loaded guest may take seconds */
	for (int i = 0; i < 300 && (live(nl, PMHS_A_VERSION_LIVE_SESSIONS) ||
				    live(nl, PMHS_A_VERSION_LIVE_IDENTITIES)); i++)
		usleep(100000);
	EXPECT_EQ(0, live(nl, PMHS_A_VERSION_LIVE_SESSIONS));
	EXPECT_EQ(0, live(nl, PMHS_A_VERSION_LIVE_IDENTITIES));
	pmhs_nl_close(nl);
	/* The module's own leak check runs at unload. */
	EXPECT_EQ(0, pt_sh("rmmod pmhs"));
	EXPECT_EQ(0, pt_sh("insmod %s", ko));
}

PMHS_TEST_HARNESS_MAIN
