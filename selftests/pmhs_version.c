// SPDX-License-Identifier: GPL-2.0
/*
 * The first link of the chain: the family resolves, version and config come
 * back, state changes need CAP_NET_ADMIN, policy rejections carry extack
 * text, and the module unloads and reloads while the tool is idle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/pmhs.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_test.h"
#include "raw.h"

FIXTURE(nl) {
	struct pmhs_nl *nl;
	struct pt_reply r;
};

FIXTURE_SETUP(nl)
{
	self->nl = pt_open();
	ASSERT_NE(NULL, self->nl);
}

FIXTURE_TEARDOWN(nl)
{
	pmhs_nl_close(self->nl);
}

TEST(family_resolves)
{
	ASSERT_TRUE(pt_family_present());
}

TEST_F(nl, version_and_status)
{
	/* Raw: the test looks at which attributes the reply carries. */
	struct nl_msg *m = raw_new(self->nl, PMHS_CMD_GET_VERSION, 0);

	ASSERT_EQ(0, pt_call(self->nl, m, PMHS_A_VERSION_MAX, &self->r));
	ASSERT_EQ(1, self->r.count);
	ASSERT_NE(NULL, self->r.tb[PMHS_A_VERSION_MODULE_VERSION]);
	EXPECT_STREQ(PMHS_CTL_VERSION,
		     nla_get_string(self->r.tb[PMHS_A_VERSION_MODULE_VERSION]));
	ASSERT_NE(NULL, self->r.tb[PMHS_A_VERSION_PROTO_VERSION]);
	EXPECT_EQ(PMHS_PROTO_VERSION, nla_get_u32(self->r.tb[PMHS_A_VERSION_PROTO_VERSION]));
	ASSERT_NE(NULL, self->r.tb[PMHS_A_VERSION_MODES]);
	EXPECT_NE(0, nla_get_u32(self->r.tb[PMHS_A_VERSION_MODES]) & PMHS_MODE_FLAGS_PASSWORD);
	EXPECT_NE(0, nla_get_u32(self->r.tb[PMHS_A_VERSION_MODES]) & PMHS_MODE_FLAGS_RSA_MUTUAL);
	/* We are the host's admin: the module-wide counts are ours to see. */
	EXPECT_NE(NULL, self->r.tb[PMHS_A_VERSION_LIVE_SESSIONS]);
	EXPECT_NE(NULL, self->r.tb[PMHS_A_VERSION_LIVE_IDENTITIES]);
}

/*
 * A request refused before its handler (policy error, EPERM) comes back
 * whole in the ack, password or private key included, unless the socket
 * asked for capped acks: the library (and so pmhs-ctl) must.
 */
TEST_F(nl, acks_capped_and_extended)
{
	int fd = pmhs_nl_fd(self->nl), v = 0;
	socklen_t len = sizeof(v);

	ASSERT_EQ(0, getsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, &len));
	EXPECT_EQ(1, v);
	v = 0;
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, &len));
	EXPECT_EQ(1, v);
}

TEST_F(nl, config_roundtrip)
{
	struct pmhs *h = pmhs_nl_handle(self->nl);
	struct pmhs_config c;

	PMHS_INIT(c);
	c.fields = PMHS_CONFIG_SESSION_TIMEOUT;
	c.session_timeout = 42;
	ASSERT_EQ(0, pmhs_config_set(h, &c));
	PMHS_INIT(c);
	ASSERT_EQ(0, pmhs_config_get(h, &c));
	ASSERT_NE(0, c.fields & PMHS_CONFIG_SESSION_TIMEOUT);
	EXPECT_EQ(42, c.session_timeout);
	PMHS_INIT(c);
	c.fields = PMHS_CONFIG_SESSION_TIMEOUT;
	c.session_timeout = PMHS_SESSION_TIMEOUT_DEFAULT;
	ASSERT_EQ(0, pmhs_config_set(h, &c));
}

TEST_F(nl, config_rejections_explain)
{
	struct nl_msg *m = raw_new(self->nl, PMHS_CMD_SET_CONFIG, 0);

	/* Malformed: no attribute at all. */
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, 0, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "at least one"));
	/* Malformed: a value out of the policy's range. */
	m = raw_new(self->nl, PMHS_CMD_SET_CONFIG, 0);
	raw_u32(m, PMHS_A_CONFIG_SESSION_TIMEOUT, PMHS_SESSION_TIMEOUT_MAX + 1);
	EXPECT_EQ(-ERANGE, pt_call(self->nl, m, 0, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* Malformed: wrong type (u8 where u32 is expected). */
	m = raw_new(self->nl, PMHS_CMD_SET_CONFIG, 0);
	raw_u8(m, PMHS_A_CONFIG_SESSION_TIMEOUT, 5);
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, 0, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* Malformed: a read-only attribute, which set-config does not take. */
	m = raw_new(self->nl, PMHS_CMD_SET_CONFIG, 0);
	raw_u32(m, PMHS_A_CONFIG_SESSIONS, 5);
	EXPECT_NE(0, pt_call(self->nl, m, 0, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
}

TEST(unprivileged_is_refused)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pmhs_config c;
		struct pmhs_nl *nl;
		struct pt_reply r;
		struct nl_msg *m;

		if (pt_drop_privs())
			_exit(10);
		nl = pt_open();
		if (!nl)
			_exit(11);
		/* Reading is allowed ... (raw: the reply must lack the counts) */
		m = raw_new(nl, PMHS_CMD_GET_VERSION, 0);
		if (pt_call(nl, m, PMHS_A_VERSION_MAX, &r))
			_exit(12);
		/* ... but not counts of other users' and namespaces' objects. */
		if (r.tb[PMHS_A_VERSION_LIVE_SESSIONS] ||
		    r.tb[PMHS_A_VERSION_LIVE_IDENTITIES])
			_exit(15);
		PMHS_INIT(c);
		if (pmhs_config_get(pmhs_nl_handle(nl), &c))
			_exit(13);
		/* ... changing state is not. */
		PMHS_INIT(c);
		c.fields = PMHS_CONFIG_SESSION_TIMEOUT;
		c.session_timeout = 7;
		if (pmhs_config_set(pmhs_nl_handle(nl), &c) != -EPERM)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
}

TEST(tool_reports_versions)
{
	ASSERT_EQ(0, pt_sh("pmhs-ctl version > /tmp/pmhs-version.out"));
	ASSERT_EQ(0, pt_sh("grep -qx 'pmhs-ctl %s' /tmp/pmhs-version.out", PMHS_CTL_VERSION));
	ASSERT_EQ(0, pt_sh("grep -q '^pmhs.ko  %s ' /tmp/pmhs-version.out", PMHS_CTL_VERSION));
	ASSERT_EQ(0, pt_sh("pmhs-ctl -j version | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"module\"] == \"%s\"'",
			   PMHS_CTL_VERSION));
}

/*
 * The module goes away and comes back with the tool idle. Without PMHS_KO
 * (vm/run --autoload) the installed module is in use: looking the family
 * up loads it again through its alias.
 */
TEST(unload_idle_and_reload)
{
	const char *ko = getenv("PMHS_KO");

	if (!ko || !*ko) {
		ASSERT_EQ(0, pt_sh("rmmod pmhs"));
		ASSERT_NE(0, pt_sh("grep -q '^pmhs ' /proc/modules"));
		ASSERT_TRUE(pt_family_present());
		ASSERT_EQ(0, pt_sh("grep -q '^pmhs ' /proc/modules"));
		return;
	}
	ASSERT_EQ(0, pt_sh("rmmod pmhs"));
	ASSERT_FALSE(pt_family_present());
	/*
	 * version never needs the module; a command that does explains a
	 * missing one with its own exit code. Reload before asserting, so a
	 * failure here does not take the module from every later test.
	 */
	int v = pt_sh("pmhs-ctl version >/tmp/pmhs-nomod.out 2>&1");
	int nl = pt_sh("grep -q 'not loaded' /tmp/pmhs-nomod.out");
	int cfg = pt_sh("pmhs-ctl config show >/dev/null 2>/tmp/pmhs-nomod.err");
	int why = pt_sh("grep -q 'not installed\\|did not load\\|not loaded' /tmp/pmhs-nomod.err");

	ASSERT_EQ(0, pt_sh("insmod %s", ko));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, nl);
	EXPECT_EQ(6, cfg);
	EXPECT_EQ(0, why);
	ASSERT_TRUE(pt_family_present());
}

PMHS_TEST_HARNESS_MAIN
