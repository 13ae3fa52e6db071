// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl listen / connect: one handshake over TCP, in frame.c's framing
 * (the exchange is described in frame.h). The peer's public key must be
 * known beforehand (--peer-key FILE, or a pin); nothing is learnt from the
 * wire but the handshake messages.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <linux/pmhs.h>

#include <pmhs/pmhs.h>
#include "hs.h"
#include "module.h"
#include "pmhs-ctl.h"

#define DEFAULT_TIMEOUT 30

static int usage(bool listener, int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s %s --mode MODE [OPTIONS] %s\n"
		"       %s %s --mode MODE [OPTIONS] --ktls[=aes-gcm-128] %s -- COMMAND [ARG...]\n"
		"\n"
		"%s, run one handshake over it and\n"
		"publish the secret in the kernel keyring; prints \"serial N\" as the\n"
		"handshake subcommand does. Both ends run pmhs-ctl: one listens, the other\n"
		"connects, in matching modes (password/password, mutual/mutual,\n"
		"half-send/half-receive, noise-xx/noise-xx, noise-kk/noise-kk). In the\n"
		"noise modes the side that connects is the Noise initiator, and -j shows\n"
		"the handshake hash and the peer's static key. In the opaque modes the\n"
		"listener is the OPAQUE server (--identity, --store; the client names the\n"
		"user), the side that connects the client (--user, the password).\n"
		"\n"
		"  --mode password|mutual|half-send|half-receive|noise-xx|noise-kk|\n"
		"         opaque-register|opaque-login\n"
		"  --timeout SEC          for connect/accept and each read (default %d)\n"
		"  --ktls[=CIPHER]        then switch the socket to kernel TLS 1.3 keyed\n"
		"                         from the secret inside the kernel, and run\n"
		"                         COMMAND with the socket as its stdin and stdout;\n"
		"                         exit with its status. CIPHER: aes-gcm-256 (the\n"
		"                         default), aes-gcm-128 or chacha20-poly1305; both\n"
		"                         sides must name the same. In the noise modes the\n"
		"                         default follows --suite: chacha20-poly1305 for\n"
		"                         chachapoly, aes-gcm-256 for aesgcm.\n"
		"                         The side that connects is the TLS initiator.\n"
		"                         The secret is used up; both sides' fresh nonces\n"
		"                         make the keys new for every connection.\n"
		"Options go before the address; everything after '--' is COMMAND.\n"
		"PORT is a number, 1..65535 (listen: 0..65535); listen's ADDR is an IPv4\n"
		"or IPv6 address ([::1]:PORT), connect's HOST a name or address.\n"
		HS_USAGE_COMMON
		HS_USAGE_NOISE
		HS_USAGE_OPAQUE,
		prog, listener ? "listen" : "connect", listener ? "[ADDR:]PORT" : "HOST:PORT",
		prog, listener ? "listen" : "connect", listener ? "[ADDR:]PORT" : "HOST:PORT",
		listener ? "Accept one TCP connection on PORT (0: any free port, which is\n"
			   "printed on stderr)" : "Connect to HOST:PORT",
		DEFAULT_TIMEOUT);
	return ret;
}

/* "host:port", "[v6]:port"; @need_host false also takes "port". */
static int split_addr(const char *arg, bool need_host, char *host, size_t hmax,
		      const char **port)
{
	const char *colon = strrchr(arg, ':');
	size_t hlen;

	if (!colon) {
		if (need_host)
			return -1;
		*host = '\0';
		*port = arg;
		return 0;
	}
	hlen = (size_t)(colon - arg);
	if (hlen && arg[0] == '[' && arg[hlen - 1] == ']') {
		arg++;
		hlen -= 2;
	}
	if (hlen >= hmax || (need_host && !hlen) || !colon[1])
		return -1;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	*port = colon + 1;
	return 0;
}

/*
 * Everything about ADDR:PORT that can be wrong, before anything happens:
 * getaddrinfo() would take "99999" modulo 65536, and a service name.
 */
static int check_addr(const char *arg, bool listener)
{
	struct in6_addr a6;
	struct in_addr a4;
	const char *port, *what = listener ? "listen: give [ADDR:]PORT" : "connect: give HOST:PORT";
	char host[256], *end;
	long v;

	if (split_addr(arg, !listener, host, sizeof(host), &port)) {
		fprintf(stderr, "%s: %s, not '%s'\n", prog, what, arg);
		return PMHS_EXIT_USAGE;
	}
	v = strtol(port, &end, 10);
	if (!*port || *end || *port == '-' || *port == '+' || v < (listener ? 0 : 1) ||
	    v > 65535) {
		fprintf(stderr, "%s: port '%s' in '%s' is not a number from %d to 65535\n",
			prog, port, arg, listener ? 0 : 1);
		return PMHS_EXIT_USAGE;
	}
	/* A listener binds to one of this machine's addresses, never a name. */
	if (listener && *host && inet_pton(AF_INET, host, &a4) != 1 &&
	    inet_pton(AF_INET6, host, &a6) != 1) {
		fprintf(stderr, "%s: listen: '%s' is not an IPv4 or IPv6 address "
			"(IPv6 in brackets: [::1]:PORT)\n", prog, host);
		return PMHS_EXIT_USAGE;
	}
	return PMHS_EXIT_OK;
}

static int wait_for(int fd, short events, int timeout_s)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do {
		r = poll(&p, 1, timeout_s * 1000);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}

static int try_connect(const struct addrinfo *ai, int timeout_s)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
	int e = 0;
	socklen_t elen = sizeof(e);

	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		goto fail;
	if (wait_for(fd, POLLOUT, timeout_s))
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) || e) {
		errno = e ? e : errno;
		goto fail;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int open_connect(const char *arg, int timeout_s)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	const char *port;
	char host[256];
	int fd = -1, r;

	if (split_addr(arg, true, host, sizeof(host), &port)) {
		fprintf(stderr, "%s: connect: give HOST:PORT, not '%s'\n", prog, arg);
		return -PMHS_EXIT_USAGE;
	}
	r = getaddrinfo(host, port, &hints, &res);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", prog, arg, gai_strerror(r));
		return -PMHS_EXIT_FAIL;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = try_connect(ai, timeout_s);
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, arg, strerror(errno));
	return fd < 0 ? -PMHS_EXIT_FAIL : fd;
}

static int bind_listen(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		one = errno;
		close(fd);
		errno = one;
		return -1;
	}
	return fd;
}

static void say_listening(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV))
		return;
	fprintf(stderr, "%s: listening on %s%s%s:%s\n", prog, strchr(host, ':') ? "[" : "",
		host, strchr(host, ':') ? "]" : "", serv);
}

static int open_listen(const char *arg, int timeout_s)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res, *ai;
	const char *port;
	char host[256];
	int lfd = -1, fd, r;

	if (split_addr(arg, false, host, sizeof(host), &port)) {
		fprintf(stderr, "%s: listen: give [ADDR:]PORT, not '%s'\n", prog, arg);
		return -PMHS_EXIT_USAGE;
	}
	r = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", prog, arg, gai_strerror(r));
		return -PMHS_EXIT_FAIL;
	}
	for (ai = res; ai && lfd < 0; ai = ai->ai_next)
		lfd = bind_listen(ai);
	freeaddrinfo(res);
	if (lfd < 0) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, arg, strerror(errno));
		return -PMHS_EXIT_FAIL;
	}
	say_listening(lfd);
	if (wait_for(lfd, POLLIN, timeout_s)) {
		fprintf(stderr, "%s: no connection within %d s on %s\n", prog, timeout_s, arg);
		close(lfd);
		return -PMHS_EXIT_FAIL;
	}
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
	close(lfd);
	return fd < 0 ? -PMHS_EXIT_FAIL : fd;
}

struct link {
	int fd;
	int timeout_ms;
	uint8_t mode;		/* our PMHS_MODE_FLAGS_* */
};

static int net_err(const char *what, const char *err)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, err);
	return PMHS_EXIT_FAIL;
}

static int send_frame(const struct link *l, uint8_t type, const void *p, size_t len)
{
	char err[256];

	if (pmhs_frame_write(l->fd, l->mode, 0, type, p, len, l->timeout_ms, err, sizeof(err)))
		return net_err("sending to the peer", err);
	return PMHS_EXIT_OK;
}

/* Read a frame of @type; any other is a protocol error. */
static int recv_frame(const struct link *l, uint8_t type, struct pmhs_frame *f, void *buf,
		      size_t max)
{
	char err[256];

	if (pmhs_frame_read(l->fd, 0, f, buf, max, l->timeout_ms, err, sizeof(err)))
		return net_err("receiving from the peer", err);
	if (f->type != type) {
		snprintf(err, sizeof(err), "expected frame type %u, got %u", type, f->type);
		return net_err("protocol error", err);
	}
	return PMHS_EXIT_OK;
}

/* Our PMHS_MODE_FLAGS_* bit on the wire. */
static uint8_t mode_flag(int mode)
{
	if (hs_is_opaque(mode))
		return PMHS_MODE_FLAGS_OPAQUE;
	return mode == PMHS_MODE_NOISE ? PMHS_MODE_FLAGS_NOISE : (uint8_t)(1u << mode);
}

static uint8_t want_peer_mode(int mode)
{
	if (mode == PMHS_MODE_RSA_HALF_SEND)
		return PMHS_MODE_FLAGS_RSA_HALF_RECEIVE;
	if (mode == PMHS_MODE_RSA_HALF_RECEIVE)
		return PMHS_MODE_FLAGS_RSA_HALF_SEND;
	return mode_flag(mode);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The longest hello: opaque's client names the user. */
#define HELLO_MAX (PMHS_FRAME_HELLO_LEN + PMHS_OPAQUE_CRED_ID_MAX)

/*
 * opaque: u32be 1 (register) or 2 (login), u32be the length of the user
 * name that follows (the client's; the server's is 0 and has none).
 */
static size_t hello_payload(const struct hs_opts *o, uint8_t out[HELLO_MAX])
{
	bool pw = o->mode == PMHS_MODE_PASSWORD;
	size_t ulen = o->opaque.user ? strlen(o->opaque.user) : 0;

	if (hs_is_opaque(o->mode)) {
		put_be32(out, o->mode == PMHS_MODE_OPAQUE_REGISTER ? 1 : 2);
		put_be32(out + 4, (uint32_t)ulen);
		memcpy(out + 8, o->opaque.user ? o->opaque.user : "", ulen);
		return PMHS_FRAME_HELLO_LEN + ulen;
	}

	/* noise: u32be pattern (1 XXpsk2, 2 KKpsk0), u32be suite (1 ChaChaPoly, 2 AESGCM). */
	if (o->mode == PMHS_MODE_NOISE) {
		put_be32(out, (uint32_t)(o->noise.pattern ? o->noise.pattern : HS_NOISE_XX));
		put_be32(out + 4, (uint32_t)(o->noise.suite ? o->noise.suite : HS_NOISE_CHACHAPOLY));
		return PMHS_FRAME_HELLO_LEN;
	}

	put_be32(out, pw ? (o->iterations ? o->iterations : PMHS_ITERATIONS_DEFAULT) : 0);
	put_be32(out + 4, pw ? 0 : (uint32_t)(o->oaep < 0 ? PMHS_OAEP_HASH_SHA1 : o->oaep));
	return PMHS_FRAME_HELLO_LEN;
}

/* The server learns the user here; the client, that the server runs the same. */
static int check_opaque_hello(const struct hs_opts *o, struct hs *hs,
			      const struct pmhs_frame *f, const uint8_t *p)
{
	uint32_t kind = f->len >= PMHS_FRAME_HELLO_LEN ? get_be32(p) : 0;
	uint32_t ulen = f->len >= PMHS_FRAME_HELLO_LEN ? get_be32(p + 4) : 0;

	if (f->len < PMHS_FRAME_HELLO_LEN || f->len != PMHS_FRAME_HELLO_LEN + ulen)
		return net_err("protocol error", "the peer's opaque hello is malformed");
	if (kind != (o->mode == PMHS_MODE_OPAQUE_REGISTER ? 1u : 2u)) {
		fprintf(stderr, "%s: mode mismatch: the peer runs %s, we run %s\n", prog,
			kind == 1 ? "opaque-register" : kind == 2 ? "opaque-login" :
			"an unknown opaque mode", hs_mode_name(o->mode));
		return PMHS_EXIT_FAIL;
	}
	if (!o->opaque.server && ulen)
		return net_err("protocol error", "the server sent a user name: is it a client "
			       "(connect) too?");
	if (o->opaque.server && !ulen)
		return net_err("protocol error", "the client named no user: is it a server "
			       "(listen) too?");
	if (o->opaque.server && hs_opaque_set_user(hs, p + 8, ulen))
		return net_err("protocol error", "the client's user name has control characters "
			       "or is too long");
	return PMHS_EXIT_OK;
}

static int check_hello(const struct hs_opts *o, struct hs *hs, const struct pmhs_frame *f,
		       const uint8_t *p)
{
	uint8_t ours[HELLO_MAX];
	uint8_t want = want_peer_mode(o->mode);

	if (f->mode != want) {
		fprintf(stderr, "%s: mode mismatch: the peer runs %s, we run %s, which needs "
			"the peer to run %s\n", prog, pmhs_frame_mode_name(f->mode),
			pmhs_frame_mode_name(mode_flag(o->mode)), pmhs_frame_mode_name(want));
		return PMHS_EXIT_FAIL;
	}
	if (hs_is_opaque(o->mode))
		return check_opaque_hello(o, hs, f, p);
	if (f->len != PMHS_FRAME_HELLO_LEN)
		return net_err("protocol error", "the peer's hello is not 8 bytes");
	hello_payload(o, ours);
	if (o->mode == PMHS_MODE_NOISE && memcmp(p, ours, PMHS_FRAME_HELLO_LEN)) {
		fprintf(stderr, "%s: the peer runs %s (pattern %u, suite %u), we run %s: both "
			"sides must give the same --mode and --suite\n", prog,
			get_be32(p) == HS_NOISE_KK ? "noise-kk" : get_be32(p) == HS_NOISE_XX ?
			"noise-xx" : "an unknown Noise pattern", get_be32(p), get_be32(p + 4),
			hs_noise_protocol(o));
		return PMHS_EXIT_FAIL;
	}
	if (get_be32(p) != get_be32(ours)) {
		fprintf(stderr, "%s: the peer uses %u PBKDF2 iterations, we use %u: both sides "
			"must give the same --iterations\n", prog, get_be32(p), get_be32(ours));
		return PMHS_EXIT_FAIL;
	}
	if (get_be32(p + 4) != get_be32(ours + 4)) {
		fprintf(stderr, "%s: the peer uses OAEP with %s, we use %s: both sides must "
			"give the same --oaep-hash\n", prog, get_be32(p + 4) ? "sha256" : "sha1",
			get_be32(ours + 4) ? "sha256" : "sha1");
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

static int hello(const struct hs_opts *o, const struct link *l, struct hs *hs)
{
	/* Room for any mode's hello, so that a mismatch shows as one, not as a size. */
	uint8_t ours[HELLO_MAX], theirs[HELLO_MAX];
	struct pmhs_frame f;
	int ret;

	ret = send_frame(l, PMHS_FRAME_T_HELLO, ours, hello_payload(o, ours));
	if (!ret)
		ret = recv_frame(l, PMHS_FRAME_T_HELLO, &f, theirs, sizeof(theirs));
	return ret ? ret : check_hello(o, hs, &f, theirs);
}

/* Our message out, the peer's in (to @buf, *@len). */
static int messages(const struct hs_opts *o, const struct link *l, const struct hs *hs,
		    uint8_t *buf, size_t *len)
{
	struct pmhs_frame f;
	int ret = send_frame(l, PMHS_FRAME_T_MESSAGE, hs->msg, hs->msg_len);

	if (!ret)
		ret = recv_frame(l, PMHS_FRAME_T_MESSAGE, &f, buf, PMHS_MESSAGE_MAX);
	if (ret)
		return ret;
	*len = f.len;
	if (o->mode == PMHS_MODE_RSA_HALF_SEND && f.len)
		return net_err("protocol error", "the half-receiver sent a message");
	if (o->mode != PMHS_MODE_RSA_HALF_SEND && !f.len)
		return net_err("protocol error", "the peer sent an empty handshake message");
	return PMHS_EXIT_OK;
}

static void revoke_key(struct hs *hs)
{
	if (hs->opaque) {
		hs_opaque_revoke(hs);
		return;
	}
	if (hs->serial <= 0)
		return;
	keyctl_invalidate(hs->serial);
	fprintf(stderr, "%s: revoked the key we had published (serial %d)\n", prog, hs->serial);
	hs->serial = 0;
}

/*
 * Tell the peer how we did and hear how it did, even when we failed: a
 * side that closes with the peer's frame unread makes its kernel send a
 * reset, which could destroy our own last frame in flight. A key is kept
 * only if both sides succeeded.
 */
static int exchange_results(const struct link *l, struct hs *hs, int ours)
{
	uint8_t r = ours ? PMHS_FRAME_RESULT_FAIL : PMHS_FRAME_RESULT_OK, theirs = PMHS_FRAME_RESULT_FAIL;
	struct pmhs_frame f = { 0 };
	char err[256];
	int ret;

	if (ours) {
		if (!pmhs_frame_write(l->fd, l->mode, 0, PMHS_FRAME_T_RESULT, &r, 1, l->timeout_ms, err,
				 sizeof(err)))
			pmhs_frame_read(l->fd, 0, &f, &theirs, 1, l->timeout_ms, err, sizeof(err));
		revoke_key(hs);
		return ours;
	}
	ret = send_frame(l, PMHS_FRAME_T_RESULT, &r, 1);
	if (!ret)
		ret = recv_frame(l, PMHS_FRAME_T_RESULT, &f, &theirs, 1);
	if (!ret && (f.len != 1 || theirs != PMHS_FRAME_RESULT_OK)) {
		fprintf(stderr, "%s: the peer could not verify our message: the handshake "
			"failed on its side\n", prog);
		ret = PMHS_EXIT_VERIFY;
	}
	if (ret)
		revoke_key(hs);
	return ret;
}

/*
 * Noise: the pattern's messages in turn, one MESSAGE frame each. A side
 * that fails sends its RESULT (fail) where its next message would have
 * been, so the peer learns at once instead of at its timeout.
 */
static int noise_messages(const struct hs_opts *o, const struct link *l, struct hs *hs,
			  bool *peer_failed)
{
	static uint8_t buf[PMHS_FRAME_MAX_PAYLOAD];
	struct pmhs_frame f;
	char err[256];
	int ret;

	for (int i = 0; i < hs_noise_nmsgs(o); i++) {
		if (hs_noise_ours(o, i)) {
			ret = i ? hs_noise_write(o, hs) : PMHS_EXIT_OK;
			if (!ret)
				ret = send_frame(l, PMHS_FRAME_T_MESSAGE, hs->msg, hs->msg_len);
			if (ret)
				return ret;
			continue;
		}
		if (pmhs_frame_read(l->fd, PMHS_MODE_FLAGS_NOISE, &f, buf, sizeof(buf), l->timeout_ms,
				    err, sizeof(err)))
			return net_err("receiving from the peer", err);
		if (f.type == PMHS_FRAME_T_RESULT) {
			*peer_failed = true;
			fprintf(stderr, "%s: the peer could not read our message: the handshake "
				"failed on its side (a wrong PSK, prologue or static key?)\n", prog);
			return PMHS_EXIT_VERIFY;
		}
		if (f.type != PMHS_FRAME_T_MESSAGE || !f.len) {
			snprintf(err, sizeof(err), "expected a handshake message, got frame type "
				 "%u of %u bytes", f.type, f.len);
			return net_err("protocol error", err);
		}
		ret = hs_noise_read(o, hs, buf, f.len);
		if (ret)
			return ret;
	}
	return PMHS_EXIT_OK;
}

/*
 * exchange_results() for noise, whose failed side may have the peer's
 * next MESSAGE still to read: read past it to the peer's RESULT, so that
 * no unread frame makes our close a reset.
 */
static int noise_results(const struct link *l, struct hs *hs, int ours, bool peer_failed)
{
	static uint8_t buf[PMHS_FRAME_MAX_PAYLOAD];
	uint8_t r = PMHS_FRAME_RESULT_FAIL;
	struct pmhs_frame f;
	char err[256];

	if (!ours)
		return exchange_results(l, hs, ours);
	if (!pmhs_frame_write(l->fd, l->mode, 0, PMHS_FRAME_T_RESULT, &r, 1, l->timeout_ms, err,
			      sizeof(err)) && !peer_failed)
		for (int i = 0; i < 3; i++)
			if (pmhs_frame_read(l->fd, 0, &f, buf, sizeof(buf), l->timeout_ms, err,
					    sizeof(err)) || f.type == PMHS_FRAME_T_RESULT)
				break;
	if (hs->opaque)
		hs_opaque_revoke(hs);
	else
		hs_noise_revoke(hs);
	return ours;
}

/*
 * OPAQUE: three MESSAGE frames, the client's first. As in noise, a side
 * that fails sends its RESULT where its next message would have been.
 */
static int opaque_messages(const struct hs_opts *o, const struct link *l, struct hs *hs,
			   bool *peer_failed)
{
	static uint8_t buf[PMHS_OPAQUE_MSG_MAX];
	struct pmhs_frame f;
	char err[256];
	int ret;

	for (int i = 0; i < 3; i++) {
		if (hs_opaque_ours(o, i)) {
			ret = send_frame(l, PMHS_FRAME_T_MESSAGE, hs->msg, hs->msg_len);
			if (ret)
				return ret;
			continue;
		}
		if (pmhs_frame_read(l->fd, PMHS_MODE_FLAGS_OPAQUE, &f, buf, sizeof(buf),
				    l->timeout_ms, err, sizeof(err)))
			return net_err("receiving from the peer", err);
		if (f.type == PMHS_FRAME_T_RESULT) {
			*peer_failed = true;
			return hs_opaque_peer_failed(o, i);
		}
		if (f.type != PMHS_FRAME_T_MESSAGE || !f.len) {
			snprintf(err, sizeof(err), "expected a handshake message, got frame type "
				 "%u of %u bytes", f.type, f.len);
			return net_err("protocol error", err);
		}
		ret = hs_opaque_read(o, hs, buf, f.len);
		if (ret)
			return ret;
	}
	return PMHS_EXIT_OK;
}

/* After the hello, so that a failure reaches the peer as a RESULT. */
static int opaque_run(const struct hs_opts *o, const struct link *l, struct hs *hs)
{
	bool peer_failed = false;
	int ret = o->opaque.server ? hs_opaque_check_store(o, hs) : PMHS_EXIT_OK;
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);

	/* The module limits failed logins per user and per client address. */
	if (o->opaque.server && !getpeername(l->fd, (struct sockaddr *)&sa, &salen)) {
		if (sa.ss_family == AF_INET)
			hs_opaque_set_peer(hs, &((struct sockaddr_in *)&sa)->sin_addr, 4);
		else if (sa.ss_family == AF_INET6)
			hs_opaque_set_peer(hs, &((struct sockaddr_in6 *)&sa)->sin6_addr, 16);
	}

	if (!ret)
		ret = hs_opaque_start(o, hs);
	if (!ret)
		ret = opaque_messages(o, l, hs, &peer_failed);
	ret = noise_results(l, hs, ret, peer_failed);
	return ret ? ret : hs_opaque_report(o, hs);
}

/*
 * The secret never comes to us: the module derives the traffic keys from
 * the key serial and both sides' fresh nonces (exchanged here, in NONCE
 * frames) and sets them on the socket itself. The nonces make every
 * connection's keys new, even when the secret is a replayed half-mode one.
 */
static int ktls_install(struct hs *hs, const struct link *l, bool initiator, uint32_t cipher)
{
	uint8_t ours[PMHS_FRAME_NONCE_LEN], theirs[PMHS_FRAME_NONCE_LEN];
	struct pmhs_ktls_params p;
	struct pmhs_frame f;
	int ret;

	if (getrandom(ours, sizeof(ours), 0) != sizeof(ours)) {
		perror("getrandom");
		return PMHS_EXIT_FAIL;
	}
	ret = send_frame(l, PMHS_FRAME_T_NONCE, ours, sizeof(ours));
	if (!ret)
		ret = recv_frame(l, PMHS_FRAME_T_NONCE, &f, theirs, sizeof(theirs));
	if (ret)
		return ret;
	if (f.len != PMHS_FRAME_NONCE_LEN)
		return net_err("protocol error", "the peer's kTLS nonce is not 32 bytes");
	PMHS_INIT(p);
	p.fd = l->fd;
	p.key_serial = hs->serial;
	p.role = initiator ? PMHS_ROLE_INITIATOR : PMHS_ROLE_RESPONDER;
	p.cipher = cipher;
	p.nonce = ours;
	p.nonce_len = sizeof(ours);
	p.peer_nonce = theirs;
	p.peer_nonce_len = sizeof(theirs);
	ret = pmhs_ktls_install(hs->h, &p);
	if (ret)
		return ctl_report(hs->h, "ktls-install", ret);
	return 0;
}

/* Run @cmd with @fd as stdin and stdout, like socat or nc; its status. */
static int run_command(int fd, char *const cmd[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		perror("fork");
		return PMHS_EXIT_FAIL;
	}
	if (pid == 0) {
		/* The handshake used a non-blocking socket; COMMAND expects a plain one. */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
		    dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
			_exit(127);
		close(fd);
		execvp(cmd[0], cmd);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, cmd[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return PMHS_EXIT_FAIL;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static int ktls_cipher = -1;	/* -1 off, else PMHS_TLS_CIPHER_* */
static bool ktls_named;		/* --ktls=CIPHER, not just --ktls */
static char **ktls_cmd;

/* --ktls's CIPHER, as the tls-cipher enum names them; -1 if unknown. */
static int ktls_cipher_from_name(const char *s)
{
	static const char *const names[] = {
		[PMHS_TLS_CIPHER_AES_GCM_256] = "aes-gcm-256",
		[PMHS_TLS_CIPHER_AES_GCM_128] = "aes-gcm-128",
		[PMHS_TLS_CIPHER_CHACHA20_POLY1305] = "chacha20-poly1305",
	};

	if (!s)
		return PMHS_TLS_CIPHER_AES_GCM_256;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

/* A noise handshake over @l, results exchanged. */
static int noise_run(const struct hs_opts *o, struct link *l, struct hs *hs)
{
	bool peer_failed = false;
	int ret;

	ret = hs_noise_start(o, hs);
	if (ret)
		/* The peer waits for our first message (or, listening, sends its own). */
		return hs->h ? noise_results(l, hs, ret, false) : ret;
	ret = noise_messages(o, l, hs, &peer_failed);
	ret = noise_results(l, hs, ret, peer_failed);
	return ret ? ret : hs_noise_report(o, hs);
}

/* A password or RSA handshake over @l, results exchanged. */
static int classic_run(const struct hs_opts *o, struct link *l, struct hs *hs)
{
	static uint8_t peer[PMHS_MESSAGE_MAX];
	size_t len = 0;
	int ret;

	ret = hs_start(o, hs);
	if (ret)
		return ret;
	ret = messages(o, l, hs, peer, &len);
	if (!ret && o->mode != PMHS_MODE_RSA_HALF_SEND)
		ret = hs_finish(hs, peer, len);
	ret = exchange_results(l, hs, ret);
	return ret ? ret : hs_report(o, hs);
}

static int run(const struct hs_opts *o, bool listener, const char *addr)
{
	struct link l = { .timeout_ms = o->timeout * 1000, .mode = mode_flag(o->mode) };
	struct hs hs;
	int ret;

	/* Arguments first, then the module: nothing bound or dialled before both are fine. */
	ret = hs_prepare(o, &hs);
	if (!ret)
		ret = ctl_require();
	if (ret)
		goto out;
	l.fd = listener ? open_listen(addr, o->timeout) : open_connect(addr, o->timeout);
	if (l.fd < 0) {
		ret = -l.fd;
		goto out;
	}
	/* Modes and parameters agree before the module does anything. */
	ret = hello(o, &l, &hs);
	if (ret)
		goto out_close;
	if (hs_is_opaque(o->mode))
		ret = opaque_run(o, &l, &hs);
	else if (o->mode == PMHS_MODE_NOISE)
		ret = noise_run(o, &l, &hs);
	else
		ret = classic_run(o, &l, &hs);
	if (!ret && ktls_cipher >= 0) {
		fflush(stdout);
		ret = ktls_install(&hs, &l, !listener, (uint32_t)ktls_cipher);
		if (!ret) {
			ret = run_command(l.fd, ktls_cmd);
			l.fd = -1;
		}
	}
out_close:
	if (l.fd >= 0)
		close(l.fd);
out:
	hs_free(&hs);
	return ret;
}

static int parse_timeout(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 3600) {
		fprintf(stderr, "%s: --timeout takes 1..3600 seconds, not '%s'\n", prog, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int net_main(int argc, char *argv[], bool listener)
{
	static const struct option opts[] = {
		HS_LONG_OPTIONS,
		HS_OPAQUE_LONG_OPTIONS,
		{ "mode", required_argument, NULL, HS_OPT_MODE },
		{ "timeout", required_argument, NULL, HS_OPT_TIMEOUT },
		{ "ktls", optional_argument, NULL, HS_OPT_KTLS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct hs_opts o = { .mode = -1, .oaep = -1, .timeout = DEFAULT_TIMEOUT,
			     .noise.role = -1 };
	int c, ret;

	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(listener, PMHS_EXIT_OK);
		if (c == HS_OPT_MODE && !strncmp(optarg, "noise-", 6)) {
			o.mode = PMHS_MODE_NOISE;
			if (hs_noise_opt(&o, HS_OPT_PATTERN, optarg + 6) < 0)
				return usage(listener, PMHS_EXIT_USAGE);
			o.noise.given--;	/* --mode is no noise-only option */
			continue;
		}
		if (c == HS_OPT_MODE && ((o.mode = hs_mode_from_name(optarg)) < 0 ||
					 o.mode == PMHS_MODE_NOISE)) {
			fprintf(stderr, "%s: --mode takes password, mutual, half-send, "
				"half-receive, noise-xx, noise-kk, opaque-register or opaque-login, "
				"not '%s'\n", prog, optarg);
			return usage(listener, PMHS_EXIT_USAGE);
		}
		if (c == HS_OPT_TIMEOUT && parse_timeout(optarg, &o.timeout))
			return usage(listener, PMHS_EXIT_USAGE);
		if (c == HS_OPT_KTLS) {
			ktls_cipher = ktls_cipher_from_name(optarg);
			ktls_named = optarg;
			if (ktls_cipher < 0) {
				fprintf(stderr, "%s: --ktls takes aes-gcm-256, aes-gcm-128 or "
					"chacha20-poly1305 (--ktls=CIPHER), not '%s'\n", prog, optarg);
				return usage(listener, PMHS_EXIT_USAGE);
			}
			continue;
		}
		if (c == HS_OPT_MODE || c == HS_OPT_TIMEOUT)
			continue;
		ret = hs_handle_opt(&o, c, optarg);
		if (ret <= 0)
			return usage(listener, PMHS_EXIT_USAGE);
	}
	if (ktls_cipher >= 0 && optind + 1 < argc) {
		ktls_cmd = argv + optind + 1;
	} else if (ktls_cipher >= 0) {
		fprintf(stderr, "%s: --ktls needs a command to run on the socket: ... --ktls -- COMMAND\n",
			prog);
		return usage(listener, PMHS_EXIT_USAGE);
	} else if (optind != argc - 1) {
		fprintf(stderr, "%s: %s needs one address\n", prog, listener ? "listen" : "connect");
		return usage(listener, PMHS_EXIT_USAGE);
	}
	ret = check_addr(argv[optind], listener);
	if (!ret && o.opaque.server) {
		fprintf(stderr, "%s: no --server over TCP: listen is the OPAQUE server, connect "
			"the client\n", prog);
		ret = PMHS_EXIT_USAGE;
	}
	/* The listener is the OPAQUE server, the side that connects the client. */
	o.opaque.server = listener;
	if (!ret)
		ret = hs_validate(&o, false);
	if (!ret && o.mode == PMHS_MODE_OPAQUE_REGISTER && ktls_cipher >= 0) {
		fprintf(stderr, "%s: --ktls needs a session key: a registration makes none "
			"(log in with --mode opaque-login --ktls)\n", prog);
		ret = PMHS_EXIT_USAGE;
	}
	/* The side that connects starts, as in the other modes' kTLS. */
	o.noise.role = listener ? PMHS_ROLE_RESPONDER : PMHS_ROLE_INITIATOR;
	/* A plain --ktls follows the Noise suite: ChaChaPoly keys ChaCha20-Poly1305. */
	if (o.mode == PMHS_MODE_NOISE && ktls_cipher >= 0 && !ktls_named &&
	    o.noise.suite != HS_NOISE_AESGCM)
		ktls_cipher = PMHS_TLS_CIPHER_CHACHA20_POLY1305;
	return ret ? ret : run(&o, listener, argv[optind]);
}

int listen_main(int argc, char *argv[])
{
	return net_main(argc, argv, true);
}

int connect_main(int argc, char *argv[])
{
	return net_main(argc, argv, false);
}
