// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzing of every op: random and mutated messages (random
 * attributes, wrong types and lengths, missing attributes, nested garbage,
 * huge and zero lengths, random commands and flags) while other processes
 * make and drop sessions and identities and get SIGKILLed mid-handshake.
 * Passes when the module answered every message (no hang, no crash), still
 * completes a normal handshake, holds no stray objects and unloads
 * cleanly; the VM harness fails the run on any kernel splat.
 *
 *   PMHS_FUZZ_COUNT (default 20000; make check-debug sends 1000000),
 *   PMHS_FUZZ_SEED (default: the time; printed, so a run can be replayed),
 *   PMHS_FUZZ_JOBS (default: one sender per CPU; sender i seeds with SEED + i)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from the printed seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd();
}

static size_t rnd_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 48, 64, 80,
				       81, 256, 294, 512, 1024, 1218, 4096, 16385, 60000 };

	return rnd() % 4 ? lens[rnd() % (sizeof(lens) / sizeof(lens[0]))] :
			   rnd() % 2048;
}

/* A valid request for @cmd, to mutate from: raw, as the mutations are. */
static void template(struct nl_msg *m, int cmd, const uint8_t *der, size_t derlen,
		     const uint8_t *pub, size_t publen)
{
	struct nlattr *n;

	switch (cmd) {
	case PMHS_CMD_SET_CONFIG:
		raw_u32(m, PMHS_A_CONFIG_SESSION_TIMEOUT, 60);
		break;
	case PMHS_CMD_IDENTITY_NEW:
		raw_str(m, PMHS_A_IDENTITY_NAME, rnd() % 2 ? "fz" : "fx");
		if (rnd() % 2)
			raw_bin(m, PMHS_A_IDENTITY_KEY_DER, derlen, der);
		else
			raw_bin(m, PMHS_A_IDENTITY_X25519_KEY, 32, der + 64);
		break;
	case PMHS_CMD_IDENTITY_GET:
	case PMHS_CMD_IDENTITY_DEL:
		raw_str(m, PMHS_A_IDENTITY_NAME, "fz");
		break;
	case PMHS_CMD_SESSION_NEW:
		if (rnd() % 3 == 0) {
			static const char *const protos[] = {
				"Noise_XXpsk2_25519_ChaChaPoly_SHA256",
				"Noise_KKpsk0_25519_AESGCM_SHA256",
				"Noise_NN_25519_ChaChaPoly_SHA256",
				"Noise_IKpsk1+psk2_25519_AESGCM_SHA256",
			};

			raw_u32(m, PMHS_A_SESSION_MODE, PMHS_MODE_NOISE);
			raw_str(m, PMHS_A_SESSION_IDENTITY, "fx");
			if (rnd() % 2)
				raw_bin(m, PMHS_A_SESSION_PAYLOAD, rnd() % 64, der);
			n = raw_nest_start(m, PMHS_A_SESSION_NOISE);
			raw_str(m, PMHS_A_NOISE_PARAMS_PROTOCOL, protos[rnd() % 4]);
			raw_u32(m, PMHS_A_NOISE_PARAMS_ROLE, rnd() % 2);
			raw_bin(m, PMHS_A_NOISE_PARAMS_PSK, 32, der + 32);
			if (rnd() % 2)
				raw_bin(m, PMHS_A_NOISE_PARAMS_REMOTE_STATIC, 32, pub + publen - 32);
			raw_nest_end(m, n);
		} else if (rnd() % 2) {
			raw_u32(m, PMHS_A_SESSION_MODE, PMHS_MODE_PASSWORD);
			n = raw_nest_start(m, PMHS_A_SESSION_PASSWORD);
			raw_bin(m, PMHS_A_PASSWORD_PARAMS_PASSWORD, 12, "fuzz me hard");
			raw_nest_end(m, n);
		} else {
			raw_u32(m, PMHS_A_SESSION_MODE, rnd() % 4);
			raw_str(m, PMHS_A_SESSION_IDENTITY, "fz");
			n = raw_nest_start(m, PMHS_A_SESSION_RSA);
			raw_bin(m, PMHS_A_RSA_PARAMS_PEER_PUBKEY, publen, pub);
			raw_nest_end(m, n);
		}
		break;
	case PMHS_CMD_SESSION_RECV:
		raw_u32(m, PMHS_A_SESSION_ID, 1 + rnd() % 64);
		raw_bin(m, PMHS_A_SESSION_MESSAGE, 48, "0123456789abcdef0123456789abcdef0123456789abcdef");
		if (rnd() % 2)
			raw_bin(m, PMHS_A_SESSION_PAYLOAD, rnd() % 64, der);
		break;
	case PMHS_CMD_SESSION_ENCRYPT:
	case PMHS_CMD_SESSION_DECRYPT:
		raw_u32(m, PMHS_A_SESSION_ID, 1 + rnd() % 64);
		raw_bin(m, PMHS_A_SESSION_DATA, rnd() % 128, der);
		if (rnd() % 2)
			raw_bin(m, PMHS_A_SESSION_AD, rnd() % 32, der);
		break;
	case PMHS_CMD_SESSION_REKEY:
		raw_u32(m, PMHS_A_SESSION_ID, 1 + rnd() % 64);
		raw_u32(m, PMHS_A_SESSION_DIRECTION, rnd() % 2);
		break;
	case PMHS_CMD_NOISE_KAT:
		raw_str(m, PMHS_A_NOISE_KAT_PROTOCOL, rnd() % 2 ?
			"Noise_XXpsk2_25519_ChaChaPoly_SHA256" : "Noise_NN_25519_AESGCM_SHA256");
		raw_u32(m, PMHS_A_NOISE_KAT_ROLE, rnd() % 2);
		raw_bin(m, PMHS_A_NOISE_KAT_STATIC_KEY, 32, der);
		raw_bin(m, PMHS_A_NOISE_KAT_EPHEMERAL, 32, der + 32);
		for (int i = rnd() % 3; i > 0; i--)
			raw_bin(m, PMHS_A_NOISE_KAT_PSK, 32, der + 64);
		for (int i = rnd() % 20; i > 0; i--) {
			n = raw_nest_start(m, PMHS_A_NOISE_KAT_STEP);
			if (!n)
				break;
			raw_bin(m, rnd() % 2 ? PMHS_A_NOISE_KAT_STEP_PAYLOAD :
					       PMHS_A_NOISE_KAT_STEP_MESSAGE,
				rnd() % 200, der);
			raw_nest_end(m, n);
		}
		break;
	case PMHS_CMD_OPAQUE_KAT: {
		/* scalars with the top nibble cleared are canonical: deeper paths */
		static const int real[] = {
			PMHS_A_OPAQUE_KAT_BLIND_REGISTRATION, PMHS_A_OPAQUE_KAT_BLIND_LOGIN,
			PMHS_A_OPAQUE_KAT_ENVELOPE_NONCE, PMHS_A_OPAQUE_KAT_CLIENT_NONCE,
			PMHS_A_OPAQUE_KAT_CLIENT_KEYSHARE_SEED };
		uint8_t b[96];

		rnd_bytes(b, sizeof(b));
		b[31] &= 0x0f;
		raw_bin(m, PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER, 1 + rnd() % 32, b);
		raw_bin(m, PMHS_A_OPAQUE_KAT_OPRF_SEED, 64, b);
		raw_bin(m, PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY, 32, b);
		raw_bin(m, PMHS_A_OPAQUE_KAT_MASKING_NONCE, 32, b + 32);
		raw_bin(m, PMHS_A_OPAQUE_KAT_SERVER_NONCE, 32, b + 32);
		raw_bin(m, PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED, 32, b + 32);
		if (rnd() % 2) {
			raw_bin(m, PMHS_A_OPAQUE_KAT_PASSWORD, 1 + rnd() % 64, b + 32);
			for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
				raw_bin(m, real[i], 32, b);
		} else {
			raw_bin(m, PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY, 32, b);
			raw_bin(m, PMHS_A_OPAQUE_KAT_FAKE_MASKING_KEY, 64, b + 32);
			raw_bin(m, PMHS_A_OPAQUE_KAT_KE1, 96, b);
		}
		if (rnd() % 2)
			raw_bin(m, PMHS_A_OPAQUE_KAT_CONTEXT, rnd() % 64, b);
		break;
	}
	case PMHS_CMD_OPAQUE_UNLOCK:
		raw_bin(m, PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER, 1 + rnd() % 32, der);
		break;
	case PMHS_CMD_SESSION_GET:
	case PMHS_CMD_SESSION_DEL:
		raw_u32(m, PMHS_A_SESSION_ID, 1 + rnd() % 64);
		break;
	case PMHS_CMD_RSA_VERIFY:
		raw_bin(m, PMHS_A_RSA_PUBKEY, publen, pub);
		raw_bin(m, PMHS_A_RSA_DATA, 5, "hello");
		raw_bin(m, PMHS_A_RSA_SIGNATURE, 256, der);
		break;
	case PMHS_CMD_RSA_ENCRYPT:
		raw_bin(m, PMHS_A_RSA_PUBKEY, publen, pub);
		raw_bin(m, PMHS_A_RSA_DATA, 5, "hello");
		break;
	case PMHS_CMD_RSA_DECRYPT:
	case PMHS_CMD_RSA_SIGN:
		raw_str(m, PMHS_A_RSA_IDENTITY, "fz");
		raw_bin(m, PMHS_A_RSA_DATA, 256, der);
		break;
	default:
		break;
	}
}

/* Build one random or mutated message and send it; returns its errno. */
static int fuzz_one(struct pmhs_nl *nl, const uint8_t *der, size_t derlen,
		    const uint8_t *pub, size_t publen)
{
	static uint8_t buf[65536];
	int cmd = rnd() % 5 ? 1 + rnd() % PMHS_CMD_MAX : rnd() % 256;
	int flags = rnd() % 10 ? 0 : NLM_F_DUMP;
	struct nl_msg *m = raw_new(nl, cmd, flags);
	struct pt_reply *r = malloc(sizeof(*r));
	int n = rnd() % 7, ret;

	if (!m || !r)
		return -ENOMEM;
	if (rnd() % 3 == 0)
		template(m, cmd, der, derlen, pub, publen);
	for (int i = 0; i < n; i++) {
		int type = rnd() % 3 ? 1 + rnd() % 28 : rnd() % 0x7fff;
		size_t len = rnd_len();

		switch (rnd() % 5) {
		case 0:	/* nested garbage */
		{
			struct nlattr *nest = raw_nest_start(m, type);

			/* A full message has no room for the nest (libnl: NULL). */
			if (!nest)
				break;
			for (int j = rnd() % 4; j > 0; j--) {
				size_t l = rnd() % 64;

				rnd_bytes(buf, l);
				raw_bin(m, rnd() % 32, l, buf);
			}
			raw_nest_end(m, nest);
			break;
		}
		case 1:	/* a string, maybe without its NUL */
			len = len > 300 ? 300 : len;
			for (size_t j = 0; j < len; j++)
				buf[j] = 'a' + rnd() % 26;
			if (len && rnd() % 2)
				buf[len - 1] = 0;
			raw_bin(m, type, len, buf);
			break;
		case 2:	/* small integers: fds, serials, modes, ids */
		{
			/* 1 to 8 bytes of it: a small (maybe negative) value. */
			int64_t v = (int64_t)(rnd() % 16) - 8;

			raw_bin(m, type, rnd() % 2 ? 4 : 1 + rnd() % 8, &v);
			break;
		}
		default:
			if (nlmsg_get_max_size(m) < len + 64)
				len = 64;
			rnd_bytes(buf, len);
			raw_bin(m, type, len, buf);
		}
	}
	ret = pt_call(nl, m, 0, r);
	free(r);
	return ret;
}

static int no_session(const struct pmhs_session_info *s, void *arg)
{
	return 0;
}

/* Churn: sessions and identities come and go; some of us die mid-way. */
static void churn(int seconds, const uint8_t *der, size_t derlen, const uint8_t *pub,
		  size_t publen)
{
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end) {
		pid_t pid = fork();

		if (pid == 0) {
			struct pmhs_nl *nl = pt_open();
			struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
						.password = "churn churn churn" };
			struct pt_reply r;
			uint32_t id;

			for (int i = 0; nl && i < 20; i++) {
				po_session_new(nl, &p, &id, &r);
				if (i % 5 == 0)
					pmhs_session_foreach(pmhs_nl_handle(nl), no_session,
							     NULL);
			}
			/* Exit without closing anything: the kernel cleans up. */
			_exit(0);
		}
		usleep(20000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * One sender: @count messages from the stream seeded with @seed, on a socket
 * of its own (reopened every 20000 messages, which bounds its sessions).
 * Returns the number answered; errs[] counts them by errno.
 */
static long fuzz_sender(long count, uint64_t seed, long errs[256], const uint8_t *der,
			size_t derlen, const uint8_t *pub, size_t publen)
{
	struct pmhs_nl *nl = pt_open();
	long answered = 0;

	rng = seed ? seed : 1;
	for (long i = 0; nl && i < count; i++) {
		int ret = fuzz_one(nl, der, derlen, pub, publen);

		errs[(-ret) & 0xff]++;
		answered++;
		if (i % 20000 == 19999) {
			pmhs_nl_close(nl);
			nl = pt_open();
		}
	}
	if (nl)
		pmhs_nl_close(nl);
	return answered;
}

static char fz_names[1100][PMHS_NAME_MAX + 1];
static int fz_count;

static int name_cb(const struct pmhs_identity *id, void *arg)
{
	if (fz_count < 1100)
		snprintf(fz_names[fz_count++], sizeof(fz_names[0]), "%s", id->name);
	return 0;
}

/* The fuzzer may have made identities with random names: delete them all. */
static int delete_all_identities(struct pmhs_nl *nl)
{
	fz_count = 0;
	if (pmhs_identity_foreach(pmhs_nl_handle(nl), name_cb, NULL))
		return -1;
	for (int i = 0; i < fz_count; i++)
		if (po_identity_del(nl, fz_names[i]))
			return -1;
	return fz_count;
}

/* After the storm: a full password handshake between two sessions. */
static int handshake_works(struct pmhs_nl *nl)
{
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				.password = "after the storm, 31337" };
	struct pt_reply ra, rb;
	uint8_t ma[80], mb[80], sa[64], sb[64];
	uint32_t ia, ib;

	if (po_config(nl, 60, 0) ||
	    po_session_new(nl, &p, &ia, &ra) || po_session_new(nl, &p, &ib, &rb))
		return -1;
	memcpy(ma, nla_data(ra.tb[PMHS_A_SESSION_MESSAGE]), 48);
	memcpy(mb, nla_data(rb.tb[PMHS_A_SESSION_MESSAGE]), 48);
	if (po_session_recv(nl, ia, mb, 48, &ra) || po_session_recv(nl, ib, ma, 48, &rb))
		return -2;
	if (vec_key_read(po_serial(&ra), sa, sizeof(sa)) != 32 ||
	    vec_key_read(po_serial(&rb), sb, sizeof(sb)) != 32)
		return -3;
	return memcmp(sa, sb, 32) ? -4 : 0;
}

FIXTURE(f) {
};

FIXTURE_SETUP(f)
{
}

FIXTURE_TEARDOWN(f)
{
}

/* Up to two hours: make check-debug sends a million messages. */
TEST_F_TIMEOUT(f, fuzz_every_op, 7200)
{
	const char *cs = getenv("PMHS_FUZZ_COUNT"), *ss = getenv("PMHS_FUZZ_SEED");
	const char *js = getenv("PMHS_FUZZ_JOBS");
	long count = cs ? atol(cs) : 20000, errs[256] = { 0 }, answered = 0;
	uint64_t seed = ss ? strtoull(ss, NULL, 0) : (uint64_t)time(NULL);
	int jobs = js ? atoi(js) : (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct json_object *root = vec_load("poorman-v1.json");
	struct pmhs_nl *nl;
	uint8_t *der, *pub;
	long derlen = vec_key_priv_der(root, "alice", &der);
	long publen = vec_key_pub_der(root, "bob", &pub);
	struct timespec t0, t1;
	pid_t churner, senders[64];
	int pipes[64][2], st;
	double secs;

	jobs = jobs < 1 ? 1 : jobs > 64 ? 64 : jobs;
	TH_LOG("seed %llu, %ld messages, %d senders (sender i seeds with %llu + i)",
	       (unsigned long long)seed, count, jobs, (unsigned long long)seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	churner = fork();
	if (churner == 0) {
		churn(3600, der, derlen, pub, publen);
		_exit(0);
	}
	for (int j = 0; j < jobs; j++) {
		ASSERT_EQ(0, pipe(pipes[j]));
		senders[j] = fork();
		ASSERT_LE(0, senders[j]);
		if (senders[j] == 0) {
			long mine[257] = { 0 };

			mine[256] = fuzz_sender(count / jobs + (j < count % jobs), seed + j,
						mine, der, derlen, pub, publen);
			_exit(write(pipes[j][1], mine, sizeof(mine)) == sizeof(mine) ? 0 : 1);
		}
		close(pipes[j][1]);
	}
	for (int j = 0; j < jobs; j++) {
		long mine[257] = { 0 };

		EXPECT_EQ(sizeof(mine), read(pipes[j][0], mine, sizeof(mine)));
		close(pipes[j][0]);
		waitpid(senders[j], &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			TH_LOG("sender %d: %s %d", j, WIFSIGNALED(st) ? "killed by signal" :
			       "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		}
		for (int e = 0; e < 256; e++)
			errs[e] += mine[e];
		answered += mine[256];
	}
	kill(churner, SIGKILL);
	waitpid(churner, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	TH_LOG("%ld messages answered in %.1f s (%.0f/s), %d senders; seed %llu", answered,
	       secs, answered / secs, jobs, (unsigned long long)seed);
	for (int e = 0; e < 256; e++)
		if (errs[e])
			TH_LOG("  %-16s %ld", e ? strerror(e) : "success", errs[e]);
	EXPECT_EQ(count, answered);
	/* Sanity: plenty were refused, some got through to real work. */
	EXPECT_LT(count / 2, count - errs[0]);
	EXPECT_LT(0, errs[0]);

	/* The module still works: a full handshake. */
	nl = pt_open();
	ASSERT_NE(NULL, nl);
	EXPECT_EQ(0, handshake_works(nl));
	/* Only our two sessions are left; dead sockets took theirs along. */
	EXPECT_EQ(2, po_count(nl, PMHS_A_CONFIG_SESSIONS));
	TH_LOG("%d identities the fuzzer made, deleted", delete_all_identities(nl));
	EXPECT_EQ(0, po_count(nl, PMHS_A_CONFIG_IDENTITIES));
	pmhs_nl_close(nl);
	/* And it unloads cleanly. */
	if (getenv("PMHS_KO")) {
		EXPECT_EQ(0, pt_sh("rmmod pmhs"));
		EXPECT_EQ(0, pt_sh("insmod %s", getenv("PMHS_KO")));
	}
	json_object_put(root);
	free(der);
	free(pub);
}

PMHS_TEST_HARNESS_MAIN
