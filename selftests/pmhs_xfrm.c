// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec ESP SAs keyed inside the kernel from handshake secrets that are
 * logon keys: two network namespaces joined by a veth pair, ipsec-up on
 * both ends, UDP goes through as ESP (seen on the wire with a packet
 * socket, counted by xfrm), both ends hold the same keys, ipsec-down
 * takes everything away, refusals explain, and the module keeps no
 * reference to what it installed. AES-GCM and ChaCha20-Poly1305 SAs, whose
 * keys and SPIs are checked against the schedule computed here with OpenSSL.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sys/random.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

#define ADDR_A	"10.77.0.1"
#define ADDR_B	"10.77.0.2"
#define PORT	7777
#define MARKER	"pmhs-esp-plaintext-marker"

static int home_ns = -1;

/* Run @fn's socket or netlink creation inside namespace @ns. */
static int enter_ns(const char *ns)
{
	char path[64];
	int fd, ret;

	if (home_ns < 0)
		home_ns = open("/proc/self/ns/net", O_RDONLY);
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return ret;
}

static int leave_ns(void)
{
	return setns(home_ns, CLONE_NEWNET) ? -errno : 0;
}

static int ns_socket(const char *ns, int domain, int type, int proto)
{
	int fd;

	if (enter_ns(ns))
		return -1;
	fd = socket(domain, type, proto);
	if (leave_ns()) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct pmhs_nl *ns_nl(const char *ns)
{
	struct pmhs_nl *nl;

	if (enter_ns(ns))
		return NULL;
	nl = pt_open();
	if (leave_ns()) {
		pmhs_nl_close(nl);
		return NULL;
	}
	return nl;
}

/* The output of a shell command, NUL-terminated; 0 or -1. */
static int sh_out(char *buf, size_t size, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	size_t n = 0;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (n < size - 1) {
		size_t got = fread(buf + n, 1, size - 1 - n, f);

		if (!got)
			break;
		n += got;
	}
	buf[n] = 0;
	return pclose(f) == 0 ? 0 : -1;
}

/* Lines of @text that start with @prefix. */
static int count_lines(const char *text, const char *prefix)
{
	int n = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, prefix, strlen(prefix)))
			n++;
	return n;
}

static int count_str(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

/* Smallest "N(packets)" of the current lifetimes in `ip -s xfrm state`. */
static long min_packets(const char *text, int *count)
{
	long min = -1;

	*count = 0;
	for (const char *p = strstr(text, "(packets)"); p; p = strstr(p + 1, "(packets)")) {
		const char *d = p;
		long v;

		while (d > text && d[-1] >= '0' && d[-1] <= '9')
			d--;
		if (d == p)
			continue;	/* "(INF)(packets)" of the limits */
		v = strtol(d, NULL, 10);
		if (min < 0 || v < min)
			min = v;
		(*count)++;
	}
	return min;
}

#define AEAD_GCM	"rfc4106(gcm(aes))"
#define AEAD_CHACHA	"rfc7539esp(chacha20,poly1305)"

/*
 * The AEAD key `ip xfrm state` shows for the SA with @spi, an @aead SA,
 * copied into @key (hex) but never printed: it is compared, not logged.
 */
static int sa_key_of(const char *text, const char *aead, uint32_t spi, char *key,
		     size_t size)
{
	char want[64];
	const char *sa, *end, *k;
	size_t n;

	snprintf(want, sizeof(want), "spi 0x%08x", spi);
	sa = strstr(text, want);
	if (!sa)
		return -1;
	end = strstr(sa, "\nsrc ");
	snprintf(want, sizeof(want), "aead %s 0x", aead);
	k = strstr(sa, want);
	if (!k || (end && k > end))
		return -1;
	k += strlen(want);
	n = strspn(k, "0123456789abcdef");
	if (n != 72 || n >= size)	/* 36 bytes */
		return -1;
	memcpy(key, k, n);
	key[n] = 0;
	return 0;
}

static int sa_key(const char *text, uint32_t spi, char *key, size_t size)
{
	return sa_key_of(text, AEAD_GCM, spi, key, size);
}

/*
 * docs/protocol.md's schedule, independently of the module: OpenSSL's
 * HKDF-SHA256 with salt "pmhs v1 nonces" || nonce_i || nonce_r and info
 * "pmhs <use> <dir> key".
 */
static int schedule(const uint8_t secret[32], const uint8_t ni[32], const uint8_t nr[32],
		    const char *use, const char *dir, uint8_t *out, size_t len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	uint8_t salt[14 + 64];
	char info[96];
	int ret = -1;

	memcpy(salt, "pmhs v1 nonces", 14);
	memcpy(salt + 14, ni, 32);
	memcpy(salt + 46, nr, 32);
	snprintf(info, sizeof(info), "pmhs %s %s key", use, dir);
	if (c && EVP_PKEY_derive_init(c) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(c, salt, sizeof(salt)) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_key(c, secret, 32) > 0 &&
	    EVP_PKEY_CTX_add1_hkdf_info(c, (const uint8_t *)info, strlen(info)) > 0 &&
	    EVP_PKEY_derive(c, out, &len) > 0)
		ret = 0;
	EVP_PKEY_CTX_free(c);
	return ret;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

struct ipsec_args {
	int32_t key;		/* 0: leave out */
	int role;
	const char *local, *remote;
	uint32_t spi_i2r, spi_r2i;	/* 0: leave out */
	int64_t reqid;		/* -1: leave out */
	const uint8_t *nonce, *peer_nonce;	/* 32 bytes, or NULL */
	uint32_t alg;		/* PMHS_ESP_ALG_* (0: AES-GCM, also when left out) */
};

/* The SPIs the last successful ipsec-up used. */
static struct {
	uint32_t i2r, r2i;
} spis;

static int ipsec(struct pmhs_nl *nl, int cmd, const struct ipsec_args *a,
		 struct pt_reply *r)
{
	struct pmhs_ipsec_params p;
	struct nl_msg *m;
	int ret;

	spis.i2r = spis.r2i = 0;
	if (a->role >= 0 && a->local && a->remote) {
		PMHS_INIT(p);
		p.key_serial = a->key;
		p.role = a->role;
		/* inet_addr() is in network byte order already. */
		p.local = inet_addr(a->local);
		p.remote = inet_addr(a->remote);
		p.spi_i2r = a->spi_i2r;
		p.spi_r2i = a->spi_r2i;
		if (a->reqid >= 0) {
			p.flags |= PMHS_IPSEC_REQID;
			p.reqid = a->reqid;
		}
		p.nonce = a->nonce;
		p.nonce_len = a->nonce ? 32 : 0;
		p.peer_nonce = a->peer_nonce;
		p.peer_nonce_len = a->peer_nonce ? 32 : 0;
		p.alg = a->alg;
		if (cmd == PMHS_CMD_IPSEC_UP) {
			ret = pmhs_ipsec_up(pmhs_nl_handle(nl), &p);
			if (!ret) {
				spis.i2r = p.spi_i2r;
				spis.r2i = p.spi_r2i;
			}
		} else {
			ret = pmhs_ipsec_down(pmhs_nl_handle(nl), &p);
		}
		return po_api(nl, ret, r);
	}
	/* Malformed: a required attribute (role, local, remote) left out. */
	m = raw_new(nl, cmd, 0);
	if (a->key)
		raw_s32(m, PMHS_A_IPSEC_KEY_SERIAL, a->key);
	if (a->role >= 0)
		raw_u32(m, PMHS_A_IPSEC_ROLE, a->role);
	if (a->local)
		raw_u32(m, PMHS_A_IPSEC_LOCAL, inet_addr(a->local));
	if (a->remote)
		raw_u32(m, PMHS_A_IPSEC_REMOTE, inet_addr(a->remote));
	if (a->spi_i2r)
		raw_u32(m, PMHS_A_IPSEC_SPI_I2R, a->spi_i2r);
	if (a->spi_r2i)
		raw_u32(m, PMHS_A_IPSEC_SPI_R2I, a->spi_r2i);
	if (a->reqid >= 0 && cmd == PMHS_CMD_IPSEC_UP)
		raw_u32(m, PMHS_A_IPSEC_REQID, a->reqid);
	if (a->nonce && cmd == PMHS_CMD_IPSEC_UP)
		raw_bin(m, PMHS_A_IPSEC_NONCE, 32, a->nonce);
	if (a->peer_nonce && cmd == PMHS_CMD_IPSEC_UP)
		raw_bin(m, PMHS_A_IPSEC_PEER_NONCE, 32, a->peer_nonce);
	return pt_call(nl, m, PMHS_A_IPSEC_MAX, r);
}

/* @n UDP round trips from pa to pb and back; 0 if all came back intact. */
static int udp_pingpong(int n)
{
	struct sockaddr_in sb = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int srv = ns_socket("pb", AF_INET, SOCK_DGRAM, 0);
	int cli = ns_socket("pa", AF_INET, SOCK_DGRAM, 0);
	int ret = -1;

	sb.sin_addr.s_addr = inet_addr(ADDR_B);
	if (srv < 0 || cli < 0 || bind(srv, (struct sockaddr *)&sb, sizeof(sb)) ||
	    connect(cli, (struct sockaddr *)&sb, sizeof(sb)))
		goto out;
	for (int i = 0; i < n; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		char msg[64], got[64];
		struct pollfd p;
		ssize_t len;

		snprintf(msg, sizeof(msg), MARKER " %d", i);
		if (send(cli, msg, strlen(msg), 0) < 0)
			goto out;
		p = (struct pollfd){ .fd = srv, .events = POLLIN };
		if (poll(&p, 1, 3000) != 1)
			goto out;
		len = recvfrom(srv, got, sizeof(got), 0, (struct sockaddr *)&from, &fl);
		if (len != (ssize_t)strlen(msg) || memcmp(got, msg, len) ||
		    sendto(srv, got, len, 0, (struct sockaddr *)&from, fl) != len)
			goto out;
		p = (struct pollfd){ .fd = cli, .events = POLLIN };
		if (poll(&p, 1, 3000) != 1 || recv(cli, got, sizeof(got), 0) != len ||
		    memcmp(got, msg, len))
			goto out;
	}
	ret = 0;
out:
	if (srv >= 0)
		close(srv);
	if (cli >= 0)
		close(cli);
	return ret;
}

/*
 * What the veth in pb received from pa: every IPv4 packet from ADDR_A
 * must be ESP with SPI @spi and must not carry the plaintext marker.
 * Returns the number of such packets, or -1.
 */
static int wire_check(int pkt, uint32_t spi)
{
	uint8_t buf[2048];
	int esp = 0;
	ssize_t n;

	while ((n = recv(pkt, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct iphdr *ip = (struct iphdr *)buf;
		uint32_t got;

		if (n < (ssize_t)sizeof(*ip) + 8 || ip->saddr != inet_addr(ADDR_A))
			continue;
		if (ip->protocol != IPPROTO_ESP)
			return -1;
		if (memmem(buf, n, MARKER, strlen(MARKER)))
			return -1;
		memcpy(&got, buf + ip->ihl * 4, 4);
		if (ntohl(got) != spi)
			return -1;
		esp++;
	}
	return esp;
}

FIXTURE(x) {
	struct pmhs_nl *nl, *na, *nb;
	struct pt_reply r;
	int32_t ka, kb;
	struct ipsec_args a, b;
	char out[16384], out2[16384];
};

FIXTURE_SETUP(x)
{
	pt_sh("ip netns del pa 2>/dev/null; ip netns del pb 2>/dev/null");
	ASSERT_EQ(0, pt_sh("ip netns add pa && ip netns add pb && "
			   "ip -n pa link add va type veth peer name vb netns pb && "
			   "ip -n pa addr add " ADDR_A "/24 dev va && "
			   "ip -n pb addr add " ADDR_B "/24 dev vb && "
			   "ip -n pa link set va up && ip -n pb link set vb up && "
			   "ip -n pa link set lo up && ip -n pb link set lo up"));
	self->nl = pt_open();
	self->na = ns_nl("pa");
	self->nb = ns_nl("pb");
	ASSERT_NE(NULL, self->nl);
	ASSERT_NE(NULL, self->na);
	ASSERT_NE(NULL, self->nb);
	ASSERT_EQ(0, po_shared_logon(self->nl, "correct horse battery staple",
				  &self->ka, &self->kb));
	self->a = (struct ipsec_args){ self->ka, PMHS_ROLE_INITIATOR, ADDR_A, ADDR_B,
				       0, 0, -1, NULL, NULL, PMHS_ESP_ALG_AES_GCM_256 };
	self->b = (struct ipsec_args){ self->kb, PMHS_ROLE_RESPONDER, ADDR_B, ADDR_A,
				       0, 0, -1, NULL, NULL, PMHS_ESP_ALG_AES_GCM_256 };
}

FIXTURE_TEARDOWN(x)
{
	pmhs_nl_close(self->nl);
	pmhs_nl_close(self->na);
	pmhs_nl_close(self->nb);
	pt_sh("ip netns del pa; ip netns del pb");
}

TEST_F(x, esp_between_namespaces_from_logon_keys)
{
	char ka[80], kb[80], ka2[80], kb2[80];
	uint32_t i2r, r2i;
	int pkt, n;
	uint8_t tmp[64];

	/* Userspace cannot read the secrets it is about to use. */
	EXPECT_EQ(-EOPNOTSUPP, vec_key_read(self->ka, tmp, sizeof(tmp)));
	EXPECT_EQ(-EOPNOTSUPP, vec_key_read(self->kb, tmp, sizeof(tmp)));

	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &self->a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	i2r = spis.i2r;
	r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	/* Both sides derived the same SPIs from the secret. */
	EXPECT_EQ(i2r, spis.i2r);
	EXPECT_EQ(r2i, spis.r2i);
	EXPECT_LE(256, i2r);
	EXPECT_LE(256, r2i);
	EXPECT_NE(i2r, r2i);
	/* up used the secrets up: down goes by the SPIs it returned. */
	self->a.spi_i2r = self->b.spi_i2r = i2r;
	self->a.spi_r2i = self->b.spi_r2i = r2i;

	/* Exactly two ESP SAs and two policies on each side. */
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	ASSERT_EQ(0, sh_out(self->out2, sizeof(self->out2), "ip -n pb xfrm state"));
	EXPECT_EQ(2, count_lines(self->out, "src "));
	EXPECT_EQ(2, count_str(self->out, "proto esp"));
	EXPECT_EQ(2, count_str(self->out, "aead rfc4106(gcm(aes))"));
	EXPECT_EQ(2, count_str(self->out, "mode transport"));
	EXPECT_EQ(2, count_lines(self->out2, "src "));
	EXPECT_EQ(2, count_str(self->out2, "aead rfc4106(gcm(aes))"));
	/* The same key at both ends of each direction, and one per direction. */
	ASSERT_EQ(0, sa_key(self->out, i2r, ka, sizeof(ka)));
	ASSERT_EQ(0, sa_key(self->out2, i2r, kb, sizeof(kb)));
	ASSERT_EQ(0, sa_key(self->out, r2i, ka2, sizeof(ka2)));
	ASSERT_EQ(0, sa_key(self->out2, r2i, kb2, sizeof(kb2)));
	EXPECT_EQ(0, strcmp(ka, kb));
	EXPECT_EQ(0, strcmp(ka2, kb2));
	EXPECT_NE(0, strcmp(ka, ka2));
	memset(ka, 0, sizeof(ka));
	memset(kb, 0, sizeof(kb));
	memset(ka2, 0, sizeof(ka2));
	memset(kb2, 0, sizeof(kb2));
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm policy"));
	EXPECT_EQ(2, count_lines(self->out, "src "));
	EXPECT_EQ(1, count_str(self->out, "dir out"));
	EXPECT_EQ(1, count_str(self->out, "dir in"));
	EXPECT_EQ(2, count_str(self->out, "proto esp"));

	/* Traffic flows, and what crosses the veth is ESP under SPI i2r. */
	pkt = ns_socket("pb", AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	ASSERT_LE(0, pkt);
	EXPECT_EQ(0, udp_pingpong(3));
	n = wire_check(pkt, i2r);
	EXPECT_LE(3, n);
	close(pkt);
	/* xfrm counted the packets on all four SAs. */
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa -s xfrm state"));
	EXPECT_LE(3, min_packets(self->out, &n));
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pb -s xfrm state"));
	EXPECT_LE(3, min_packets(self->out, &n));
	EXPECT_EQ(2, n);

	/* Down on one side only: the other still insists on ESP. */
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "ip -n pa xfrm state; ip -n pa xfrm policy"));
	EXPECT_STREQ("", self->out);
	EXPECT_NE(0, udp_pingpong(1));
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "ip -n pb xfrm state; ip -n pb xfrm policy"));
	EXPECT_STREQ("", self->out);
	/* Plain again. */
	EXPECT_EQ(0, udp_pingpong(1));
	EXPECT_EQ(-ENOENT, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
}

/* ChaCha20-Poly1305 SAs: the same pair, the same SPIs, traffic as ESP. */
TEST_F(x, chacha20_poly1305_sa_pair)
{
	char ka[80], kb[80], ka2[80], kb2[80];
	uint32_t i2r, r2i;
	int pkt, n;

	self->a.alg = self->b.alg = PMHS_ESP_ALG_CHACHA20_POLY1305;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &self->a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	i2r = spis.i2r;
	r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(i2r, spis.i2r);
	EXPECT_EQ(r2i, spis.r2i);
	self->a.spi_i2r = self->b.spi_i2r = i2r;
	self->a.spi_r2i = self->b.spi_r2i = r2i;

	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	ASSERT_EQ(0, sh_out(self->out2, sizeof(self->out2), "ip -n pb xfrm state"));
	EXPECT_EQ(2, count_lines(self->out, "src "));
	EXPECT_EQ(2, count_str(self->out, "aead " AEAD_CHACHA " 0x"));
	EXPECT_EQ(0, count_str(self->out, "rfc4106"));
	EXPECT_EQ(2, count_str(self->out2, "aead " AEAD_CHACHA " 0x"));
	/* 288 bits: key and salt; 128-bit ICV. */
	EXPECT_EQ(2, count_str(self->out, " 128\n"));
	ASSERT_EQ(0, sa_key_of(self->out, AEAD_CHACHA, i2r, ka, sizeof(ka)));
	ASSERT_EQ(0, sa_key_of(self->out2, AEAD_CHACHA, i2r, kb, sizeof(kb)));
	ASSERT_EQ(0, sa_key_of(self->out, AEAD_CHACHA, r2i, ka2, sizeof(ka2)));
	ASSERT_EQ(0, sa_key_of(self->out2, AEAD_CHACHA, r2i, kb2, sizeof(kb2)));
	EXPECT_EQ(0, strcmp(ka, kb));
	EXPECT_EQ(0, strcmp(ka2, kb2));
	EXPECT_NE(0, strcmp(ka, ka2));
	memset(ka, 0, sizeof(ka));
	memset(kb, 0, sizeof(kb));
	memset(ka2, 0, sizeof(ka2));
	memset(kb2, 0, sizeof(kb2));

	pkt = ns_socket("pb", AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	ASSERT_LE(0, pkt);
	EXPECT_EQ(0, udp_pingpong(3));
	n = wire_check(pkt, i2r);
	EXPECT_LE(3, n);
	close(pkt);
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pb -s xfrm state"));
	EXPECT_LE(3, min_packets(self->out, &n));
	EXPECT_EQ(2, n);
	/* ping too, both ways through the chacha SAs. */
	EXPECT_EQ(0, pt_sh("ip netns exec pa ping -c 2 -W 3 " ADDR_B " >/dev/null"));
	EXPECT_EQ(0, pt_sh("ip netns exec pb ping -c 2 -W 3 " ADDR_A " >/dev/null"));

	/* down goes by the SPIs, whatever the AEAD. */
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "for n in pa pb; do ip -n $n xfrm state; ip -n $n xfrm policy; done"));
	EXPECT_STREQ("", self->out);
	EXPECT_EQ(0, udp_pingpong(1));
}

/* Different AEADs at the two ends: the packets do not get through. */
TEST_F(x, alg_mismatch_carries_nothing)
{
	self->b.alg = PMHS_ESP_ALG_CHACHA20_POLY1305;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &self->a, &self->r));
	self->a.spi_i2r = self->b.spi_i2r = spis.i2r;
	self->a.spi_r2i = self->b.spi_r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_NE(0, udp_pingpong(1));
	EXPECT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r));
	EXPECT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &self->b, &self->r));
}

/*
 * Both AEADs' SA keys, and the SPIs, are exactly what the documented
 * schedule gives (computed here, not by the module) for a secret made
 * outside pmhs, with nonces. The AES-GCM row pins that adding chacha
 * changed no existing derivation; the SPIs do not depend on the AEAD.
 */
TEST_F(x, keys_match_the_schedule_computed_in_userspace)
{
	static const struct {
		uint32_t alg;
		const char *aead, *use;
	} algs[] = {
		{ PMHS_ESP_ALG_AES_GCM_256, AEAD_GCM, "esp rfc4106-gcm-aes-256" },
		{ PMHS_ESP_ALG_CHACHA20_POLY1305, AEAD_CHACHA, "esp rfc7539esp-chacha20-poly1305" },
	};
	uint8_t secret[32], ni[32], nr[32], k[36], v[4];
	char want[80], got[80];
	uint32_t i2r, r2i;

	ASSERT_EQ(32, getrandom(secret, 32, 0));
	ASSERT_EQ(32, getrandom(ni, 32, 0));
	ASSERT_EQ(32, getrandom(nr, 32, 0));
	/* The SPIs, as docs/protocol.md says (big-endian, below 256 moved up). */
	ASSERT_EQ(0, schedule(secret, ni, nr, "esp spi", "i2r", v, 4));
	i2r = (uint32_t)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
	ASSERT_EQ(0, schedule(secret, ni, nr, "esp spi", "r2i", v, 4));
	r2i = (uint32_t)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
	if (i2r < 256)
		i2r += 256;
	if (r2i < 256)
		r2i += 256;
	if (r2i == i2r)
		r2i ^= 1;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct ipsec_args a = self->a;
		key_serial_t key;

		TH_LOG("%s", algs[i].aead);
		key = add_key("user", "pmhs-test:esp-sched", secret, 32, KEY_SPEC_SESSION_KEYRING);
		ASSERT_LT(0, key);
		a.key = key;
		a.nonce = ni;
		a.peer_nonce = nr;
		a.alg = algs[i].alg;
		ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r)) {
			TH_LOG("%s", self->r.extack);
		}
		EXPECT_EQ(i2r, spis.i2r);
		EXPECT_EQ(r2i, spis.r2i);
		ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
		ASSERT_EQ(0, schedule(secret, ni, nr, algs[i].use, "i2r", k, sizeof(k)));
		hex(k, sizeof(k), want);
		ASSERT_EQ(0, sa_key_of(self->out, algs[i].aead, i2r, got, sizeof(got)));
		EXPECT_EQ(0, strcmp(want, got));
		ASSERT_EQ(0, schedule(secret, ni, nr, algs[i].use, "r2i", k, sizeof(k)));
		hex(k, sizeof(k), want);
		ASSERT_EQ(0, sa_key_of(self->out, algs[i].aead, r2i, got, sizeof(got)));
		EXPECT_EQ(0, strcmp(want, got));
		memset(k, 0, sizeof(k));
		memset(want, 0, sizeof(want));
		memset(got, 0, sizeof(got));
		a.key = 0;
		a.spi_i2r = i2r;
		a.spi_r2i = r2i;
		ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
		keyctl_unlink(key, KEY_SPEC_SESSION_KEYRING);
	}
	memset(secret, 0, sizeof(secret));
}

/* An unknown alg is refused with a reason; nothing is installed or used up. */
TEST_F(x, unknown_alg_is_refused)
{
	struct ipsec_args a = self->a;

	a.alg = PMHS_ESP_ALG_CHACHA20_POLY1305 + 1;
	EXPECT_EQ(-ERANGE, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	TH_LOG("extack: %s", self->r.extack);
	a.alg = 0xffffffff;
	EXPECT_EQ(-ERANGE, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "ip -n pa xfrm state; ip -n pa xfrm policy"));
	EXPECT_STREQ("", self->out);
	/* The secret still keys a pair. */
	a.alg = PMHS_ESP_ALG_CHACHA20_POLY1305;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	a.spi_i2r = spis.i2r;
	a.spi_r2i = spis.r2i;
	EXPECT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
}

TEST_F(x, explicit_spis_and_reqid)
{
	struct ipsec_args a = self->a, b = self->b;

	a.spi_i2r = b.spi_i2r = 0x1000;
	a.spi_r2i = b.spi_r2i = 0x2000;
	a.reqid = b.reqid = 7;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(0x1000, spis.i2r);
	EXPECT_EQ(0x2000, spis.r2i);
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	EXPECT_EQ(1, count_str(self->out, "spi 0x00001000 reqid 7 mode transport"));
	EXPECT_EQ(1, count_str(self->out, "spi 0x00002000 reqid 7 mode transport"));
	EXPECT_EQ(1, count_str(self->out, "src " ADDR_A " dst " ADDR_B "\n\tproto esp spi 0x00001000"));
	EXPECT_EQ(2, count_str(self->out, "replay-window 32"));
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pb xfrm policy"));
	EXPECT_EQ(2, count_str(self->out, "reqid 7 mode transport"));
	EXPECT_EQ(0, udp_pingpong(2));
	/* Down by SPIs alone, no secret needed. */
	a.key = b.key = 0;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "for n in pa pb; do ip -n $n xfrm state; ip -n $n xfrm policy; done"));
	EXPECT_STREQ("", self->out);
}

TEST_F(x, refusals_explain)
{
	key_serial_t shortkey = add_key("user", "pmhs-test:short", "abc", 3,
					KEY_SPEC_SESSION_KEYRING);
	struct ipsec_args a = self->a;

	int32_t k3, k4;

	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	self->a.spi_i2r = spis.i2r;
	self->a.spi_r2i = spis.r2i;
	/* Twice: the secret is used up; nothing of the first is lost. */
	EXPECT_EQ(-ENOKEY, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "used up")) {
		TH_LOG("%s", self->r.extack);
	}
	/* A new secret and fresh SPIs, same addresses: the policies are taken. */
	ASSERT_EQ(0, po_shared_logon(self->nl, "correct horse battery staple", &k3, &k4));
	a.key = k3;
	a.spi_i2r = 0x3000;
	a.spi_r2i = 0x3001;
	EXPECT_EQ(-EEXIST, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "policy")) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	EXPECT_EQ(2, count_lines(self->out, "src "));
	EXPECT_EQ(0, count_str(self->out, "spi 0x00003"));
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm policy"));
	EXPECT_EQ(2, count_lines(self->out, "src "));

	/* Addresses. */
	a = self->a;
	a.local = "0.0.0.0";
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "local"));
	a = self->a;
	a.remote = ADDR_A;
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "same"));
	a = self->a;
	a.remote = "224.0.0.1";
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "remote"));
	a = self->a;
	a.local = NULL;
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "local"));

	/* Keys. */
	a = self->a;
	a.key = shortkey;
	EXPECT_EQ(-EKEYREJECTED, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "32 bytes, or 64"));
	a.key = 0x7ffffff0;
	EXPECT_EQ(-ENOKEY, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	a.key = 0;
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "key serial"));

	/* SPIs. */
	a = self->a;
	a.remote = "10.77.0.3";
	a.spi_i2r = a.spi_r2i = 0x4000;
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "SPI"));
	a.spi_i2r = 255;	/* reserved */
	a.spi_r2i = 0x4001;
	EXPECT_EQ(-ERANGE, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	a = self->a;
	a.key = 0;
	a.spi_i2r = 0;
	a.spi_r2i = 0x5000;
	EXPECT_EQ(-EINVAL, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "key-serial"));
	a = self->a;
	a.key = 0;
	a.remote = "10.77.0.3";
	EXPECT_EQ(-ENOENT, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
	EXPECT_NE(0, self->r.extack[0]);

	/* None of that disturbed the SAs in place. */
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	EXPECT_EQ(2, count_lines(self->out, "src "));
	EXPECT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r));
	keyctl_unlink(shortkey, KEY_SPEC_SESSION_KEYRING);
}

/*
 * Round 2, item 1: a secret keys one SA pair. Up, down, up again with the
 * same serial is refused; a new secret with both sides' nonces gets new
 * SPIs (and keys) and carries traffic.
 */
TEST_F(x, one_secret_keys_one_sa_pair)
{
	static const uint8_t na[32] = "nonce of the initiator, 32 byte";
	static const uint8_t nb[32] = "nonce of the responder, 32 byte";
	struct ipsec_args a = self->a, b = self->b;
	uint32_t i2r, r2i;
	int32_t k3, k4;

	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	i2r = a.spi_i2r = b.spi_i2r = spis.i2r;
	r2i = a.spi_r2i = b.spi_r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
	a.spi_i2r = a.spi_r2i = 0;
	/* The same SAs again would restart the replay window: refused. */
	EXPECT_EQ(-ENOKEY, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "used up")) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	EXPECT_STREQ("", self->out);

	ASSERT_EQ(0, po_shared_logon(self->nl, "correct horse battery staple", &k3, &k4));
	a.key = k3;
	b.key = k4;
	b.spi_i2r = b.spi_r2i = 0;
	a.nonce = b.peer_nonce = na;
	b.nonce = a.peer_nonce = nb;
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	a.spi_i2r = spis.i2r;
	a.spi_r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(a.spi_i2r, spis.i2r);
	EXPECT_EQ(a.spi_r2i, spis.r2i);
	EXPECT_NE(i2r, a.spi_i2r);
	EXPECT_NE(r2i, a.spi_r2i);
	EXPECT_EQ(0, udp_pingpong(2));
	b.spi_i2r = a.spi_i2r;
	b.spi_r2i = a.spi_r2i;
	EXPECT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &a, &self->r));
	EXPECT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &b, &self->r));
}

TEST_F(x, unprivileged_caller_refused)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pmhs_nl *nl;
		struct pt_reply r;

		if (enter_ns("pa") || pt_drop_privs())
			_exit(10);
		nl = pt_open();
		if (!nl)
			_exit(11);
		if (ipsec(nl, PMHS_CMD_IPSEC_UP, &self->a, &r) != -EPERM)
			_exit(12);
		if (ipsec(nl, PMHS_CMD_IPSEC_DOWN, &self->a, &r) != -EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out), "ip -n pa xfrm state"));
	EXPECT_STREQ("", self->out);
}

/* SAs belong to xfrm: pmhs can go and come back under them. */
TEST_F(x, unload_keeps_sas_and_takes_no_reference)
{
	const char *ko = getenv("PMHS_KO");

	ASSERT_NE(NULL, ko);
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_UP, &self->a, &self->r));
	self->a.spi_i2r = self->b.spi_i2r = spis.i2r;
	self->a.spi_r2i = self->b.spi_r2i = spis.r2i;
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_UP, &self->b, &self->r));
	pmhs_nl_close(self->na);
	pmhs_nl_close(self->nb);
	self->na = self->nb = NULL;
	ASSERT_EQ(0, pt_sh("rmmod pmhs"));
	EXPECT_FALSE(pt_family_present());
	EXPECT_EQ(0, udp_pingpong(2));
	ASSERT_EQ(0, pt_sh("insmod %s", ko));
	/* The SAs outlive the module; down finds them by their SPIs. */
	self->na = ns_nl("pa");
	self->nb = ns_nl("pb");
	ASSERT_NE(NULL, self->na);
	ASSERT_NE(NULL, self->nb);
	ASSERT_EQ(0, ipsec(self->na, PMHS_CMD_IPSEC_DOWN, &self->a, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ipsec(self->nb, PMHS_CMD_IPSEC_DOWN, &self->b, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, sh_out(self->out, sizeof(self->out),
			    "for n in pa pb; do ip -n $n xfrm state; ip -n $n xfrm policy; done"));
	EXPECT_STREQ("", self->out);
	/* After down, nothing holds the module either. */
	pmhs_nl_close(self->na);
	pmhs_nl_close(self->nb);
	pmhs_nl_close(self->nl);
	self->na = self->nb = self->nl = NULL;
	EXPECT_EQ(0, pt_sh("rmmod pmhs"));
	ASSERT_EQ(0, pt_sh("lsmod | grep -q '^pmhs ' || insmod %s", ko));
}

PMHS_TEST_HARNESS_MAIN
