// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS keyed inside the kernel from handshake secrets that are logon keys,
 * so userspace never holds the secret: 1 MiB both ways, byte-exact, the
 * kernel's TLS counters move, a wrong key fails to decrypt, and bad
 * sockets or keys are refused with a reason. AES-GCM and ChaCha20-Poly1305,
 * whose keys are checked against the schedule computed here with OpenSSL.
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
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <keyutils.h>
#include <linux/tls.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

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

/* ktls-install; with @ours and @theirs (32 bytes each) as the nonces. */
static int ktls_n(struct pmhs_nl *nl, int fd, int32_t key, int role, int cipher,
		  const uint8_t *ours, const uint8_t *theirs, struct pt_reply *r)
{
	struct pmhs_ktls_params p;

	PMHS_INIT(p);
	p.fd = fd;
	p.key_serial = key;
	p.role = role;
	/* -1: the module's default, which the library always names. */
	p.cipher = cipher >= 0 ? cipher : PMHS_TLS_CIPHER_AES_GCM_256;
	p.nonce = ours;
	p.nonce_len = ours ? 32 : 0;
	p.peer_nonce = theirs;
	p.peer_nonce_len = theirs ? 32 : 0;
	return po_api(nl, pmhs_ktls_install(pmhs_nl_handle(nl), &p), r);
}

static int ktls(struct pmhs_nl *nl, int fd, int32_t key, int role, int cipher,
		struct pt_reply *r)
{
	return ktls_n(nl, fd, key, role, cipher, NULL, NULL, r);
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
	int32_t ka2, kb2;
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
	/* Installing twice on one socket is refused, even with a new secret. */
	ASSERT_EQ(0, po_shared_logon(self->nl, "correct horse battery staple", &ka2, &kb2));
	EXPECT_EQ(-EEXIST, ktls(self->nl, self->fds[0], ka2, PMHS_ROLE_INITIATOR, -1,
				&self->r));
	EXPECT_NE(0, self->r.extack[0]);
	free(buf);
}

/* Round 2, item 1: the installation uses the secret up. */
TEST_F(k, one_secret_keys_one_socket)
{
	int other[2];

	ASSERT_EQ(0, tcp_pair(other));
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, -1, &self->r));
	EXPECT_EQ(-ENOKEY, ktls(self->nl, other[0], self->ka, PMHS_ROLE_INITIATOR, -1,
				&self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "used up")) {
		TH_LOG("extack: %s", self->r.extack);
	}
	/* Nonces do not revive it. */
	EXPECT_EQ(-ENOKEY, ktls_n(self->nl, other[0], self->ka, PMHS_ROLE_INITIATOR, -1,
				  (const uint8_t *)"0123456789abcdef0123456789abcdef",
				  (const uint8_t *)"fedcba9876543210fedcba9876543210", &self->r));
	/* The peer's own secret still works, once. */
	EXPECT_EQ(0, ktls(self->nl, other[1], self->kb, PMHS_ROLE_RESPONDER, -1, &self->r));
	EXPECT_EQ(-ENOKEY, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER, -1,
				&self->r));
	close(other[0]);
	close(other[1]);
}

/* The traffic keys kTLS holds for @fd, as getsockopt(SOL_TLS) gives them. */
static int tls_keys(int fd, int opt, struct tls12_crypto_info_aes_gcm_256 *ci)
{
	socklen_t len = sizeof(*ci);

	memset(ci, 0, sizeof(*ci));
	return getsockopt(fd, SOL_TLS, opt, ci, &len) ? -errno : 0;
}

/*
 * Round 2, item 1: a recorded half-send message replayed into a second
 * half-receiver republishes the same secret; that secret keys nothing
 * without nonces, and with the listener's fresh nonce the replay gets
 * traffic keys different from the original connection's.
 */
TEST_F(k, replayed_half_exchange_gets_new_keys)
{
	struct json_object *root = vec_load("poorman-v1.json");
	struct po_session snd = { .mode = PMHS_MODE_RSA_HALF_SEND, .oaep = -1 };
	struct po_session rcv = { .mode = PMHS_MODE_RSA_HALF_RECEIVE, .oaep = -1 };
	struct tls12_crypto_info_aes_gcm_256 tx1, tx2, rx1, rx2;
	uint8_t ni[32], nr1[32], nr2[32], *apub, *bpub, msgbuf[4096], s1[32], s2[32];
	static const uint8_t hello[] = "first connection";
	int32_t ks, k1, k2;
	uint32_t id, id1, id2;
	int p2[2];
	size_t mlen;
	long al, bl;

	ASSERT_NE(NULL, root);
	/* Left over if an earlier test stopped half way. */
	po_identity_del(self->nl, "alice");
	po_identity_del(self->nl, "bob");
	ASSERT_EQ(0, po_identity_vec(self->nl, root, "alice", &self->r));
	ASSERT_EQ(0, po_identity_vec(self->nl, root, "bob", &self->r));
	al = vec_key_pub_der(root, "alice", &apub);
	bl = vec_key_pub_der(root, "bob", &bpub);
	ASSERT_LT(0, al);
	ASSERT_LT(0, bl);
	snd.identity = "alice";
	snd.peer = bpub;
	snd.peerlen = bl;
	rcv.identity = "bob";
	rcv.peer = apub;
	rcv.peerlen = al;
	ASSERT_EQ(0, po_session_new(self->nl, &snd, &id, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ks = po_serial(&self->r);
	mlen = nla_len(self->r.tb[PMHS_A_SESSION_MESSAGE]);
	ASSERT_GE(sizeof(msgbuf), mlen);
	memcpy(msgbuf, nla_data(self->r.tb[PMHS_A_SESSION_MESSAGE]), mlen);
	/* The original listener, and a second one fed the recording. */
	ASSERT_EQ(0, po_session_new(self->nl, &rcv, &id1, &self->r));
	ASSERT_EQ(0, po_session_recv(self->nl, id1, msgbuf, mlen, &self->r));
	k1 = po_serial(&self->r);
	ASSERT_EQ(0, po_session_new(self->nl, &rcv, &id2, &self->r));
	ASSERT_EQ(0, po_session_recv(self->nl, id2, msgbuf, mlen, &self->r));
	k2 = po_serial(&self->r);
	ASSERT_EQ(32, vec_key_read(k1, s1, sizeof(s1)));
	ASSERT_EQ(32, vec_key_read(k2, s2, sizeof(s2)));
	ASSERT_EQ(0, memcmp(s1, s2, 32));	/* the replay's premise */

	ASSERT_EQ(32, getrandom(ni, 32, 0));
	ASSERT_EQ(32, getrandom(nr1, 32, 0));
	ASSERT_EQ(32, getrandom(nr2, 32, 0));
	/* Without both sides' nonces a half-mode secret keys nothing. */
	EXPECT_EQ(-EKEYREJECTED, ktls(self->nl, self->fds[1], k1, PMHS_ROLE_RESPONDER, -1,
				      &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "nonces")) {
		TH_LOG("extack: %s", self->r.extack);
	}
	EXPECT_EQ(-EKEYREJECTED, ktls(self->nl, self->fds[0], ks, PMHS_ROLE_INITIATOR, -1,
				      &self->r));
	EXPECT_EQ(-EINVAL, ktls_n(self->nl, self->fds[0], ks, PMHS_ROLE_INITIATOR, -1,
				  ni, ni, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "reflected"));

	/* The original connection, nonces from both sides: it works. */
	ASSERT_EQ(0, ktls_n(self->nl, self->fds[0], ks, PMHS_ROLE_INITIATOR, -1, ni, nr1,
			    &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls_n(self->nl, self->fds[1], k1, PMHS_ROLE_RESPONDER, -1, nr1, ni,
			    &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(0, transfer(self->fds[0], self->fds[1], hello, sizeof(hello)));
	/* The replay, even with the recorded initiator nonce: new keys. */
	ASSERT_EQ(0, tcp_pair(p2));
	ASSERT_EQ(0, ktls_n(self->nl, p2[1], k2, PMHS_ROLE_RESPONDER, -1, nr2, ni, &self->r));
	ASSERT_EQ(0, tls_keys(self->fds[1], TLS_TX, &tx1));
	ASSERT_EQ(0, tls_keys(p2[1], TLS_TX, &tx2));
	ASSERT_EQ(0, tls_keys(self->fds[1], TLS_RX, &rx1));
	ASSERT_EQ(0, tls_keys(p2[1], TLS_RX, &rx2));
	EXPECT_NE(0, memcmp(tx1.key, tx2.key, sizeof(tx1.key)));
	EXPECT_NE(0, memcmp(tx1.salt, tx2.salt, sizeof(tx1.salt)) |
		     memcmp(tx1.iv, tx2.iv, sizeof(tx1.iv)));
	EXPECT_NE(0, memcmp(rx1.key, rx2.key, sizeof(rx1.key)));
	/* Directions differ too. */
	EXPECT_NE(0, memcmp(tx1.key, rx1.key, sizeof(tx1.key)));
	close(p2[0]);
	close(p2[1]);
	free(apub);
	free(bpub);
	po_identity_del(self->nl, "alice");
	po_identity_del(self->nl, "bob");
	json_object_put(root);
}

/*
 * Round 2, item 4: using a key's payload needs search (possession) or
 * read permission; a key the caller may only view is refused.
 */
TEST_F(k, view_only_key_is_refused)
{
	static const char pw[] = "correct horse battery staple";
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1 };
	uint8_t sec[32] = { 1, 2, 3 };
	key_serial_t kv, kp;
	uint32_t id;

	kv = add_key("user", "pmhs-test:view-only", sec, sizeof(sec), KEY_SPEC_SESSION_KEYRING);
	kp = add_key("user", "pmhs-test:view-only-pw", pw, strlen(pw), KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, kv);
	ASSERT_LT(0, kp);
	/* A searchable password key works... */
	p.password_key = kp;
	ASSERT_EQ(0, po_session_new(self->nl, &p, &id, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	/* ...and no longer once the caller can only view it. */
	ASSERT_EQ(0, keyctl_setperm(kv, KEY_POS_VIEW | KEY_USR_VIEW));
	ASSERT_EQ(0, keyctl_setperm(kp, KEY_POS_VIEW | KEY_USR_VIEW));
	EXPECT_EQ(-EACCES, po_session_new(self->nl, &p, &id, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "view is not enough")) {
		TH_LOG("extack: %s", self->r.extack);
	}
	EXPECT_EQ(-EACCES, ktls(self->nl, self->fds[0], kv, PMHS_ROLE_INITIATOR, -1,
				&self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "view is not enough"));
	keyctl_unlink(kv, KEY_SPEC_SESSION_KEYRING);
	keyctl_unlink(kp, KEY_SPEC_SESSION_KEYRING);
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

/* The crypto_info getsockopt(SOL_TLS) gives for each cipher pmhs sets. */
union tls_ci {
	struct tls_crypto_info info;
	struct tls12_crypto_info_aes_gcm_128 g128;
	struct tls12_crypto_info_aes_gcm_256 g256;
	struct tls12_crypto_info_chacha20_poly1305 cc;
};

/* 6.1 wants the exact size of the socket's cipher's struct. */
static socklen_t tls_ci_size(int cipher)
{
	switch (cipher) {
	case PMHS_TLS_CIPHER_AES_GCM_128:
		return sizeof(struct tls12_crypto_info_aes_gcm_128);
	case PMHS_TLS_CIPHER_CHACHA20_POLY1305:
		return sizeof(struct tls12_crypto_info_chacha20_poly1305);
	default:
		return sizeof(struct tls12_crypto_info_aes_gcm_256);
	}
}

static int tls_ci_get(int fd, int opt, int cipher, union tls_ci *ci)
{
	socklen_t len = tls_ci_size(cipher);

	memset(ci, 0, sizeof(*ci));
	if (getsockopt(fd, SOL_TLS, opt, ci, &len))
		return -errno;
	return len == tls_ci_size(cipher) ? 0 : -EMSGSIZE;
}

/*
 * docs/protocol.md's schedule, independently of the module: OpenSSL's
 * HKDF-SHA256 with salt "pmhs v1 nonces" || nonce_i || nonce_r and info
 * "pmhs <use> <dir> <what>".
 */
static int schedule(const uint8_t secret[32], const uint8_t ni[32], const uint8_t nr[32],
		    const char *use, const char *dir, const char *what, uint8_t *out,
		    size_t len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	uint8_t salt[14 + 64];
	char info[96];
	int ret = -1;

	memcpy(salt, "pmhs v1 nonces", 14);
	memcpy(salt + 14, ni, 32);
	memcpy(salt + 46, nr, 32);
	snprintf(info, sizeof(info), "pmhs %s %s %s", use, dir, what);
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

/* Does @ci hold the keys the schedule gives for @cipher in direction @dir? */
static int ci_matches(const union tls_ci *ci, int cipher, const uint8_t secret[32],
		      const uint8_t ni[32], const uint8_t nr[32], const char *dir)
{
	uint8_t key[32], iv[12];
	int bad = 0;

	switch (cipher) {
	case PMHS_TLS_CIPHER_AES_GCM_128:
		if (ci->info.cipher_type != TLS_CIPHER_AES_GCM_128 ||
		    schedule(secret, ni, nr, "tls aes-gcm-128", dir, "key", key, 16) ||
		    schedule(secret, ni, nr, "tls aes-gcm-128", dir, "iv", iv, 12))
			return -1;
		bad = memcmp(ci->g128.key, key, 16) | memcmp(ci->g128.salt, iv, 4) |
		      memcmp(ci->g128.iv, iv + 4, 8);
		break;
	case PMHS_TLS_CIPHER_AES_GCM_256:
		if (ci->info.cipher_type != TLS_CIPHER_AES_GCM_256 ||
		    schedule(secret, ni, nr, "tls aes-gcm-256", dir, "key", key, 32) ||
		    schedule(secret, ni, nr, "tls aes-gcm-256", dir, "iv", iv, 12))
			return -1;
		bad = memcmp(ci->g256.key, key, 32) | memcmp(ci->g256.salt, iv, 4) |
		      memcmp(ci->g256.iv, iv + 4, 8);
		break;
	case PMHS_TLS_CIPHER_CHACHA20_POLY1305:
		if (ci->info.cipher_type != TLS_CIPHER_CHACHA20_POLY1305 ||
		    schedule(secret, ni, nr, "tls chacha20-poly1305", dir, "key", key, 32) ||
		    schedule(secret, ni, nr, "tls chacha20-poly1305", dir, "iv", iv, 12))
			return -1;
		bad = memcmp(ci->cc.key, key, 32) | memcmp(ci->cc.iv, iv, 12);
		break;
	}
	if (ci->info.version != TLS_1_3_VERSION)
		bad = 1;
	return bad ? -1 : 0;
}

TEST_F(k, chacha20_poly1305_both_ways)
{
	size_t len = 256 << 10;
	uint8_t *buf = malloc(len);
	union tls_ci tx_a, rx_a, tx_b, rx_b;

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 13 + (i >> 10));
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR,
			  PMHS_TLS_CIPHER_CHACHA20_POLY1305, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER,
			  PMHS_TLS_CIPHER_CHACHA20_POLY1305, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(0, transfer(self->fds[0], self->fds[1], buf, len));
	EXPECT_EQ(0, transfer(self->fds[1], self->fds[0], buf, len));
	/* The kernel really holds chacha keys, paired across the ends. */
	ASSERT_EQ(0, tls_ci_get(self->fds[0], TLS_TX, PMHS_TLS_CIPHER_CHACHA20_POLY1305, &tx_a));
	ASSERT_EQ(0, tls_ci_get(self->fds[0], TLS_RX, PMHS_TLS_CIPHER_CHACHA20_POLY1305, &rx_a));
	ASSERT_EQ(0, tls_ci_get(self->fds[1], TLS_TX, PMHS_TLS_CIPHER_CHACHA20_POLY1305, &tx_b));
	ASSERT_EQ(0, tls_ci_get(self->fds[1], TLS_RX, PMHS_TLS_CIPHER_CHACHA20_POLY1305, &rx_b));
	EXPECT_EQ(TLS_CIPHER_CHACHA20_POLY1305, tx_a.info.cipher_type);
	EXPECT_EQ(TLS_1_3_VERSION, tx_a.info.version);
	EXPECT_EQ(0, memcmp(tx_a.cc.key, rx_b.cc.key, 32));
	EXPECT_EQ(0, memcmp(tx_a.cc.iv, rx_b.cc.iv, 12));
	EXPECT_EQ(0, memcmp(tx_b.cc.key, rx_a.cc.key, 32));
	EXPECT_NE(0, memcmp(tx_a.cc.key, tx_b.cc.key, 32));
	free(buf);
}

/* Both ends must name the same cipher: it is not negotiated. */
TEST_F(k, cipher_mismatch_fails_to_decrypt)
{
	static const uint8_t msg[] = "sent with chacha, read as AES-GCM";

	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR,
			  PMHS_TLS_CIPHER_CHACHA20_POLY1305, &self->r));
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER,
			  PMHS_TLS_CIPHER_AES_GCM_256, &self->r));
	EXPECT_EQ(-EBADMSG, transfer(self->fds[0], self->fds[1], msg, sizeof(msg)));
}

/*
 * Each cipher's keys, read back from the sockets, are exactly what the
 * documented schedule gives (computed here, not by the module), for a
 * secret made outside pmhs (so with both sides' nonces). The AES-GCM
 * rows pin that adding chacha changed none of the existing derivations.
 */
TEST_F(k, keys_match_the_schedule_computed_in_userspace)
{
	static const int ciphers[] = { PMHS_TLS_CIPHER_AES_GCM_256, PMHS_TLS_CIPHER_AES_GCM_128,
				       PMHS_TLS_CIPHER_CHACHA20_POLY1305 };
	static const uint8_t msg[] = "keys from the documented schedule";

	for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		uint8_t secret[32], ni[32], nr[32];
		union tls_ci txi, rxi, txr, rxr;
		key_serial_t ki, kr;
		int p[2];

		TH_LOG("cipher %d", ciphers[c]);
		ASSERT_EQ(32, getrandom(secret, 32, 0));
		ASSERT_EQ(32, getrandom(ni, 32, 0));
		ASSERT_EQ(32, getrandom(nr, 32, 0));
		ki = add_key("user", "pmhs-test:sched-i", secret, 32, KEY_SPEC_SESSION_KEYRING);
		kr = add_key("user", "pmhs-test:sched-r", secret, 32, KEY_SPEC_SESSION_KEYRING);
		ASSERT_LT(0, ki);
		ASSERT_LT(0, kr);
		ASSERT_EQ(0, tcp_pair(p));
		ASSERT_EQ(0, ktls_n(self->nl, p[0], ki, PMHS_ROLE_INITIATOR, ciphers[c], ni, nr,
				    &self->r)) {
			TH_LOG("%s", self->r.extack);
		}
		ASSERT_EQ(0, ktls_n(self->nl, p[1], kr, PMHS_ROLE_RESPONDER, ciphers[c], nr, ni,
				    &self->r)) {
			TH_LOG("%s", self->r.extack);
		}
		EXPECT_EQ(0, transfer(p[0], p[1], msg, sizeof(msg)));
		EXPECT_EQ(0, transfer(p[1], p[0], msg, sizeof(msg)));
		ASSERT_EQ(0, tls_ci_get(p[0], TLS_TX, ciphers[c], &txi));
		ASSERT_EQ(0, tls_ci_get(p[0], TLS_RX, ciphers[c], &rxi));
		ASSERT_EQ(0, tls_ci_get(p[1], TLS_TX, ciphers[c], &txr));
		ASSERT_EQ(0, tls_ci_get(p[1], TLS_RX, ciphers[c], &rxr));
		/* The initiator sends i2r and receives r2i; the responder the reverse. */
		EXPECT_EQ(0, ci_matches(&txi, ciphers[c], secret, ni, nr, "i2r"));
		EXPECT_EQ(0, ci_matches(&rxi, ciphers[c], secret, ni, nr, "r2i"));
		EXPECT_EQ(0, ci_matches(&txr, ciphers[c], secret, ni, nr, "r2i"));
		EXPECT_EQ(0, ci_matches(&rxr, ciphers[c], secret, ni, nr, "i2r"));
		/* A control: the other direction's keys do not match. */
		EXPECT_NE(0, ci_matches(&txi, ciphers[c], secret, ni, nr, "r2i"));
		memset(secret, 0, sizeof(secret));
		memset(&txi, 0, sizeof(txi));
		memset(&rxi, 0, sizeof(rxi));
		memset(&txr, 0, sizeof(txr));
		memset(&rxr, 0, sizeof(rxr));
		keyctl_unlink(ki, KEY_SPEC_SESSION_KEYRING);
		keyctl_unlink(kr, KEY_SPEC_SESSION_KEYRING);
		close(p[0]);
		close(p[1]);
	}
}

/* secret32 = HKDF-Extract-SHA256("pmhs v1 secret64", a 64-byte secret). */
static int condense64(const uint8_t in[64], uint8_t out[32])
{
	static const uint8_t salt[] = "pmhs v1 secret64";
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t n = 32;
	int ok = c && EVP_PKEY_derive_init(c) > 0 &&
		 EVP_PKEY_CTX_set_hkdf_mode(c, EVP_PKEY_HKDEF_MODE_EXTRACT_ONLY) > 0 &&
		 EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0 &&
		 EVP_PKEY_CTX_set1_hkdf_salt(c, salt, sizeof(salt) - 1) > 0 &&
		 EVP_PKEY_CTX_set1_hkdf_key(c, in, 64) > 0 &&
		 EVP_PKEY_derive(c, out, &n) > 0 && n == 32;

	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

/*
 * A 64-byte secret (OPAQUE's session key) keys traffic through its
 * documented 32-byte condensation; any other length is refused.
 */
TEST_F(k, a_64_byte_secret_keys_through_its_condensation)
{
	static const uint8_t msg[] = "keys from a 64-byte secret";
	uint8_t secret[64], c32[32], ni[32], nr[32];
	union tls_ci txi, rxr;
	key_serial_t ki, kr, k48;
	int p[2];

	ASSERT_EQ(64, getrandom(secret, 64, 0));
	ASSERT_EQ(32, getrandom(ni, 32, 0));
	ASSERT_EQ(32, getrandom(nr, 32, 0));
	ASSERT_EQ(0, condense64(secret, c32));
	ki = add_key("user", "pmhs-test:s64-i", secret, 64, KEY_SPEC_SESSION_KEYRING);
	kr = add_key("user", "pmhs-test:s64-r", secret, 64, KEY_SPEC_SESSION_KEYRING);
	k48 = add_key("user", "pmhs-test:s48", secret, 48, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, ki);
	ASSERT_LT(0, kr);
	ASSERT_LT(0, k48);
	ASSERT_EQ(0, tcp_pair(p));
	EXPECT_EQ(-EKEYREJECTED, ktls_n(self->nl, p[0], k48, PMHS_ROLE_INITIATOR, -1, ni, nr,
					&self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "32 bytes, or 64"));
	ASSERT_EQ(0, ktls_n(self->nl, p[0], ki, PMHS_ROLE_INITIATOR, -1, ni, nr, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls_n(self->nl, p[1], kr, PMHS_ROLE_RESPONDER, -1, nr, ni, &self->r));
	EXPECT_EQ(0, transfer(p[0], p[1], msg, sizeof(msg)));
	ASSERT_EQ(0, tls_ci_get(p[0], TLS_TX, PMHS_TLS_CIPHER_AES_GCM_256, &txi));
	ASSERT_EQ(0, tls_ci_get(p[1], TLS_RX, PMHS_TLS_CIPHER_AES_GCM_256, &rxr));
	EXPECT_EQ(0, ci_matches(&txi, PMHS_TLS_CIPHER_AES_GCM_256, c32, ni, nr, "i2r"));
	EXPECT_EQ(0, ci_matches(&rxr, PMHS_TLS_CIPHER_AES_GCM_256, c32, ni, nr, "i2r"));
	/* a control: the first 32 bytes alone are not the secret */
	EXPECT_NE(0, ci_matches(&txi, PMHS_TLS_CIPHER_AES_GCM_256, secret, ni, nr, "i2r"));
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(c32, sizeof(c32));
	keyctl_unlink(k48, KEY_SPEC_SESSION_KEYRING);
	close(p[0]);
	close(p[1]);
}

/*
 * An OPAQUE login's session keys (64 bytes; the server's a logon key by
 * default) key kTLS on both ends without nonces, once each.
 */
TEST_F(k, opaque_session_keys_key_ktls_once)
{
	static const struct pmhs_opaque_ksf ident = {
		.size = sizeof(ident), .flags = PMHS_OPAQUE_KSF_F_IDENTITY,
	};
	static const uint8_t msg[] = "over an OPAQUE login";
	struct pmhs *h = pmhs_nl_handle(self->nl);
	struct pmhs_opaque_params cp, sp;
	struct pmhs_opaque_step a, b;
	uint8_t setup[128], record[192];
	int p[2];

	pmhs_identity_delete(h, "kt-opq");
	ASSERT_EQ(0, pmhs_opaque_setup_generate(setup));
	ASSERT_EQ(0, pmhs_identity_import_opaque(h, "kt-opq", setup, NULL));
	explicit_bzero(setup, sizeof(setup));
	PMHS_INIT(cp);
	cp.role = PMHS_ROLE_INITIATOR;
	cp.password = "ktls over opaque";
	cp.password_len = strlen(cp.password);
	PMHS_INIT(sp);
	sp.role = PMHS_ROLE_RESPONDER;
	sp.identity = "kt-opq";
	sp.cred_id = "ktls-user";
	sp.cred_id_len = strlen("ktls-user");
	PMHS_INIT(a);
	PMHS_INIT(b);
	ASSERT_EQ(0, pmhs_opaque_start(h, PMHS_MODE_OPAQUE_REGISTER, &cp, NULL, &a));
	ASSERT_EQ(0, pmhs_opaque_start(h, PMHS_MODE_OPAQUE_REGISTER, &sp, NULL, &b));
	ASSERT_EQ(0, pmhs_opaque_next(h, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	ASSERT_EQ(0, pmhs_opaque_next(h, a.id, &ident, b.msg, b.msg_len, NULL, &a));
	ASSERT_EQ(192, a.msg_len);
	memcpy(record, a.msg, 192);
	ASSERT_EQ(0, pmhs_opaque_next(h, b.id, NULL, record, 192, NULL, &b));
	sp.record = record;
	ASSERT_EQ(0, pmhs_opaque_start(h, PMHS_MODE_OPAQUE_LOGIN, &cp, NULL, &a));
	ASSERT_EQ(0, pmhs_opaque_start(h, PMHS_MODE_OPAQUE_LOGIN, &sp, NULL, &b));
	ASSERT_EQ(0, pmhs_opaque_next(h, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	ASSERT_EQ(0, pmhs_opaque_next(h, a.id, &ident, b.msg, b.msg_len, NULL, &a));
	ASSERT_EQ(0, pmhs_opaque_next(h, b.id, NULL, a.msg, a.msg_len, NULL, &b));
	ASSERT_LT(0, a.key_serial);
	ASSERT_LT(0, b.key_serial);
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], a.key_serial, PMHS_ROLE_INITIATOR, -1,
			  &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], b.key_serial, PMHS_ROLE_RESPONDER, -1,
			  &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_EQ(0, transfer(self->fds[0], self->fds[1], msg, sizeof(msg)));
	EXPECT_EQ(0, transfer(self->fds[1], self->fds[0], msg, sizeof(msg)));
	/* used up: a second socket is refused */
	ASSERT_EQ(0, tcp_pair(p));
	EXPECT_EQ(-ENOKEY, ktls(self->nl, p[0], a.key_serial, PMHS_ROLE_INITIATOR, -1,
				&self->r));
	close(p[0]);
	close(p[1]);
	pmhs_identity_delete(h, "kt-opq");
}

/* An unknown cipher is refused with a reason, before the socket or secret is touched. */
TEST_F(k, unknown_cipher_is_refused)
{
	static const uint8_t msg[] = "still usable afterwards";

	EXPECT_EQ(-ERANGE, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR,
				PMHS_TLS_CIPHER_CHACHA20_POLY1305 + 1, &self->r));
	EXPECT_NE(0, self->r.extack[0]) {
		TH_LOG("no extack");
	}
	TH_LOG("extack: %s", self->r.extack);
	EXPECT_EQ(-ERANGE, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR, 0x7fffffff,
				&self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* No ULP was attached and the secret is not used up. */
	ASSERT_EQ(0, ktls(self->nl, self->fds[0], self->ka, PMHS_ROLE_INITIATOR,
			  PMHS_TLS_CIPHER_CHACHA20_POLY1305, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(0, ktls(self->nl, self->fds[1], self->kb, PMHS_ROLE_RESPONDER,
			  PMHS_TLS_CIPHER_CHACHA20_POLY1305, &self->r));
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
	EXPECT_NE(NULL, strstr(self->r.extack, "32 bytes, or 64"));
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

/*
 * Round 2, low: if the reply to session-new cannot be delivered (the
 * caller's receive queue is full), a half-send key the caller never
 * learned of is taken back, not left orphaned in its keyring.
 */
TEST_F(k, lost_session_new_reply_takes_back_the_key)
{
	struct json_object *root = vec_load("poorman-v1.json");
	struct nl_sock *sk = nl_socket_alloc();
	int fam, one = 1;
	uint8_t *bpub;
	long bl;

	ASSERT_NE(NULL, root);
	ASSERT_NE(NULL, sk);
	po_identity_del(self->nl, "alice");
	ASSERT_EQ(0, po_identity_vec(self->nl, root, "alice", &self->r));
	bl = vec_key_pub_der(root, "bob", &bpub);
	ASSERT_LT(0, bl);
	ASSERT_EQ(0, genl_connect(sk));
	fam = genl_ctrl_resolve(sk, PMHS_FAMILY_NAME);
	ASSERT_LT(0, fam);
	nl_socket_disable_auto_ack(sk);
	/* The smallest receive buffer, filled with replies nobody reads. */
	ASSERT_EQ(0, setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)));
	for (int i = 0; i < 32; i++) {
		struct nl_msg *m = nlmsg_alloc();

		genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, PMHS_CMD_GET_VERSION,
			    PMHS_FAMILY_VERSION);
		ASSERT_LT(0, nl_send_auto(sk, m));
		nlmsg_free(m);
	}
	{
		/*
		 * libpmhs's builder, but sent by hand on this socket: its
		 * reply must find no room.
		 */
		struct nl_msg *m = nlmsg_alloc();
		struct pmhs_session_params sp;
		struct pmhs_publish pub;

		PMHS_INIT(pub);
		pub.description = "pmhs-test:orphan";
		PMHS_INIT(sp);
		sp.mode = PMHS_MODE_RSA_HALF_SEND;
		sp.identity = "alice";
		sp.peer_pubkey = bpub;
		sp.peer_pubkey_len = bl;
		sp.oaep_hash = -1;
		sp.publish = &pub;
		genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0, PMHS_CMD_SESSION_NEW,
			    PMHS_FAMILY_VERSION);
		ASSERT_EQ(0, pmhs_put_session_params(m, &sp));
		ASSERT_LT(0, nl_send_auto(sk, m));
		nlmsg_free(m);
	}
	/* Handled synchronously in send: the key is gone already. */
	EXPECT_EQ(-1, keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "pmhs-test:orphan", 0));
	nl_socket_free(sk);
	free(bpub);
	po_identity_del(self->nl, "alice");
	json_object_put(root);
}

PMHS_TEST_HARNESS_MAIN
