// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS keyed inside the kernel from handshake secrets that are logon keys,
 * so userspace never holds a key byte: 1 MiB both ways, byte-exact, the
 * kernel's TLS counters move, a wrong key fails to decrypt, and bad
 * sockets or keys are refused with a reason.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <keyutils.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "pmhs_vec.h"

/* A connected pair of TCP sockets over loopback. */
static int tcp_pair(int fds[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return -1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fds[0], (struct sockaddr *)&a, sizeof(a)))
		return -1;
	fds[1] = accept(l, NULL, NULL);
	close(l);
	return fds[1] < 0 ? -1 : 0;
}

static int ktls(struct pmhs_nl *nl, int fd, int32_t key, int role, int cipher,
		struct pt_reply *r)
{
	struct nl_msg *m = pmhs_nl_msg(nl, PMHS_CMD_KTLS_INSTALL, 0);

	nla_put_s32(m, PMHS_A_KTLS_FD, fd);
	nla_put_s32(m, PMHS_A_KTLS_KEY_SERIAL, key);
	nla_put_u32(m, PMHS_A_KTLS_ROLE, role);
	if (cipher >= 0)
		nla_put_u32(m, PMHS_A_KTLS_CIPHER, cipher);
	return pt_call(nl, m, 0, r);
}

static long tls_stat(const char *name)
{
	char line[128], key[64];
	long v = -1, n;
	FILE *f = fopen("/proc/net/tls_stat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &n) == 2 && !strcmp(key, name))
			v = n;
	if (f)
		fclose(f);
	return v;
}

struct xfer {
	int fd;
	const uint8_t *buf;
	size_t len;
};

static void *sender(void *arg)
{
	struct xfer *x = arg;
	size_t done = 0;

	while (done < x->len) {
		ssize_t n = send(x->fd, x->buf + done, x->len - done, 0);

		if (n <= 0)
			return (void *)1;
		done += n;
	}
	return NULL;
}

/* Send @len bytes on a, receive them on b; 0 if byte-exact, else -errno. */
static int transfer(int a, int b, const uint8_t *buf, size_t len)
{
	uint8_t *got = malloc(len);
	struct xfer x = { a, buf, len };
	size_t done = 0;
	pthread_t t;
	void *res;
	int ret = 0;

	pthread_create(&t, NULL, sender, &x);
	while (done < len) {
		struct pollfd p = { .fd = b, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 20000) != 1) {
			ret = -ETIMEDOUT;
			break;
		}
		n = recv(b, got + done, len - done, 0);
		if (n <= 0) {
			ret = n ? -errno : -EPIPE;
			break;
		}
		done += n;
	}
	if (ret)
		shutdown(a, SHUT_RDWR);
	pthread_join(t, &res);
	if (!ret && memcmp(got, buf, len))
		ret = -EILSEQ;
	free(got);
	return ret;
}

FIXTURE(k) {
	struct pmhs_nl *nl;
	struct pt_reply r;
	int fds[2];
	int32_t ka, kb;
};

FIXTURE_SETUP(k)
{
	self->nl = pt_open();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, tcp_pair(self->fds));
	ASSERT_EQ(0, po_shared_logon(self->nl, "correct horse battery staple",
				  &self->ka, &self->kb));
}

FIXTURE_TEARDOWN(k)
{
	close(self->fds[0]);
	close(self->fds[1]);
	pmhs_nl_close(self->nl);
}

TEST_F(k, one_mib_both_ways_from_logon_keys)
{
	size_t len = 1 << 20;
	uint8_t *buf = malloc(len), tmp[64];
	long tx0, rx0;

	/* Userspace cannot read the secrets it is about to use. */
	EXPECT_EQ(-EOPNOTSUPP, vec_key_read(self->ka, tmp, sizeof(tmp)));
	EXPECT_EQ(-EOPNOTSUPP, vec_key_read(self->kb, tmp, sizeof(tmp)));
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 12));
	/* The counters appear with the tls module, on first use. */
	tx0 = tls_stat("TlsTxSw") < 0 ? 0 : tls_stat("TlsTxSw");
	rx0 = tls_stat("TlsRxSw") < 0 ? 0 : tls_stat("TlsRxSw");
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER, -1, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(tx0 + 2, tls_stat("TlsTxSw"));
	EXPECT_EQ(rx0 + 2, tls_stat("TlsRxSw"));
	EXPECT_EQ(0, transfer(self->fds[0], self->fds[1], buf, len));
	EXPECT_EQ(0, transfer(self->fds[1], self->fds[0], buf, len));
	/* Installing twice is refused. */
	EXPECT_EQ(-EEXIST, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1,
				&self->r));
	EXPECT_NE(0, self->r.extack[0]);
	free(buf);
}

TEST_F(k, aes128_works_too)
{
	static const uint8_t msg[] = "aes-gcm-128 record";

	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR,
			  PMHS_TLS_CIPHER_AES_GCM_128, &self->r));
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER,
			  PMHS_TLS_CIPHER_AES_GCM_128, &self->r));
	EXPECT_EQ(0, transfer(self->fds[0], self->fds[1], msg, sizeof(msg)));
}

TEST_F(k, wrong_key_fails_to_decrypt)
{
	static const uint8_t msg[] = "nobody can read this";
	int32_t other_a, other_b;
	long err0 = tls_stat("TlsDecryptError") < 0 ? 0 : tls_stat("TlsDecryptError");

	ASSERT_EQ(0, po_shared_logon(self->nl, "a different shared password", &other_a,
				  &other_b));
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1, &self->r));
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], other_b, PMHS_ROLE_RESPONDER, -1, &self->r));
	EXPECT_EQ(-EBADMSG, transfer(self->fds[0], self->fds[1], msg, sizeof(msg)));
	EXPECT_LT(err0, tls_stat("TlsDecryptError"));
}

TEST_F(k, same_role_on_both_ends_fails)
{
	static const uint8_t msg[] = "both think they initiated";

	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1, &self->r));
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_INITIATOR, -1, &self->r));
	EXPECT_EQ(-EBADMSG, transfer(self->fds[0], self->fds[1], msg, sizeof(msg)));
}

TEST_F(k, refusals_explain)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0), tcp = socket(AF_INET, SOCK_STREAM, 0);
	int null = open("/dev/null", O_RDONLY);
	key_serial_t shortkey = add_key("user", "pmhs-test:short", "abc", 3,
					KEY_SPEC_SESSION_KEYRING);

	EXPECT_EQ(-ENOTSOCK, ktls(self->nl, null, self->ka, 0, -1, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	EXPECT_EQ(-EPROTONOSUPPORT, ktls(self->nl, udp, self->ka, 0, -1, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "TCP"));
	EXPECT_EQ(-ENOTCONN, ktls(self->nl, tcp, self->ka, 0, -1, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "connected"));
	EXPECT_EQ(-EKEYREJECTED, ktls(self->nl, self->fds[0], shortkey, 0, -1, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "32-byte"));
	EXPECT_EQ(-ENOKEY, ktls(self->nl, self->fds[0], 0x7ffffff0, 0, -1, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* Nothing was half-installed on the good socket by those. */
	EXPECT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1, &self->r));
	keyctl_unlink(shortkey, KEY_SPEC_SESSION_KEYRING);
	close(udp);
	close(tcp);
	close(null);
}

static int netns_fd(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY);
}

/*
 * On the wire between two namespaces, a capture sees TLS application-data
 * records and never the plaintext.
 */
TEST_F(k, capture_shows_records_not_plaintext)
{
	static const char marker[] = "PMHS-PLAINTEXT-MARKER-";
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(4433) };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int here = open("/proc/self/ns/net", O_RDONLY), na, nb, l, c, a, pk;
	size_t len = 256 << 10, frames = 0, records = 0, leaks = 0;
	int big = 8 << 20, one = 1;
	uint8_t *buf = malloc(len), frame[65536];

	for (size_t i = 0; i < len; i++)
		buf[i] = marker[i % (sizeof(marker) - 1)];
	ASSERT_EQ(0, pt_sh("ip netns add pk_a && ip netns add pk_b && "
			   "ip link add va netns pk_a type veth peer name vb netns pk_b && "
			   "ip -n pk_a addr add 10.66.0.1/24 dev va && "
			   "ip -n pk_b addr add 10.66.0.2/24 dev vb && "
			   "ip -n pk_a link set va up && ip -n pk_b link set vb up"));
	na = netns_fd("pk_a");
	nb = netns_fd("pk_b");
	ASSERT_EQ(0, setns(nb, CLONE_NEWNET));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, "10.66.0.2", &srv.sin_addr);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&srv, sizeof(srv)));
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, setns(na, CLONE_NEWNET));
	pk = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	ASSERT_LE(0, pk);
	setsockopt(pk, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	ll.sll_ifindex = if_nametoindex("va");
	ASSERT_EQ(0, bind(pk, (struct sockaddr *)&ll, sizeof(ll)));
	c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&srv, sizeof(srv)));
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));

	/* Control: before kTLS the capture does see plaintext. */
	ASSERT_EQ(0, transfer(c, a, (const uint8_t *)marker, sizeof(marker) - 1));
	for (;;) {
		ssize_t n = recv(pk, frame, sizeof(frame), MSG_DONTWAIT);

		if (n <= 0)
			break;
		if (memmem(frame, n, marker, sizeof(marker) - 1))
			leaks++;
	}
	ASSERT_EQ(1, leaks);
	leaks = 0;

	ASSERT_EQ(0, ktls(self->nl, c, self->ka, PMHS_ROLE_INITIATOR, -1, &self->r));
	ASSERT_EQ(0, ktls(self->nl, a, self->kb, PMHS_ROLE_RESPONDER, -1, &self->r));
	EXPECT_EQ(0, transfer(c, a, buf, len));
	for (;;) {
		ssize_t n = recv(pk, frame, sizeof(frame), MSG_DONTWAIT);

		if (n <= 0)
			break;
		frames++;
		if (memmem(frame, n, marker, sizeof(marker) - 1))
			leaks++;
		/* TLS 1.3 records all say application_data, legacy version 1.2. */
		for (ssize_t i = 0; i + 3 <= n; i++)
			if (frame[i] == 0x17 && frame[i + 1] == 0x03 && frame[i + 2] == 0x03)
				records++;
	}
	TH_LOG("%zu frames captured, %zu record headers seen, %zu with plaintext",
	       frames, records, leaks);
	EXPECT_LT(10, frames);
	EXPECT_LT(0, records);
	EXPECT_EQ(0, leaks);
	close(a);
	close(c);
	close(l);
	close(pk);
	pt_sh("ip netns del pk_a; ip netns del pk_b");
	free(buf);
}

PMHS_TEST_HARNESS_MAIN
