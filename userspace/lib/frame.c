// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/pmhs.h>

#include "internal.h"

static const struct {
	uint8_t mode;
	const char *name;
} modes[] = {
	{ PMHS_MODE_FLAGS_PASSWORD, "password" },
	{ PMHS_MODE_FLAGS_RSA_MUTUAL, "rsa-mutual" },
	{ PMHS_MODE_FLAGS_RSA_HALF_SEND, "rsa-half-send" },
	{ PMHS_MODE_FLAGS_RSA_HALF_RECEIVE, "rsa-half-receive" },
	{ PMHS_MODE_FLAGS_HYBRID, "hybrid" },
	{ PMHS_MODE_FLAGS_NOISE, "noise" },
	{ PMHS_MODE_FLAGS_OPAQUE, "opaque" },
};

PMHS_API const char *pmhs_frame_mode_name(uint8_t mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return NULL;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @events until @deadline (< 0: forever). 0, or PMHS_FRAME_E_*. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int left, r;

	for (;;) {
		left = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && left <= 0)
			return PMHS_FRAME_E_TIMEOUT;
		r = poll(&p, 1, left);
		if (r > 0)
			return 0;
		if (r == 0)
			return PMHS_FRAME_E_TIMEOUT;
		if (errno != EINTR)
			return PMHS_FRAME_E_IO;
	}
}

/* Returns bytes read (< len only at EOF), or a negative PMHS_FRAME_E_*. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	size_t got = 0;
	ssize_t r;
	int ret;

	while (got < len) {
		ret = wait_fd(fd, POLLIN, deadline);
		if (ret)
			return ret;
		r = read(fd, buf + got, len - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return PMHS_FRAME_E_IO;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int write_full(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
	ssize_t w;
	int ret;

	while (len) {
		ret = wait_fd(fd, POLLOUT, deadline);
		if (ret)
			return ret;
		/* MSG_NOSIGNAL: a peer that hung up is an error, not a SIGPIPE. */
		w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return PMHS_FRAME_E_IO;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

static int io_error(int ret, const char *what, int timeout_ms, char *err, size_t err_len)
{
	if (ret == PMHS_FRAME_E_TIMEOUT)
		snprintf(err, err_len, "timed out after %d ms %s", timeout_ms, what);
	else
		snprintf(err, err_len, "error %s: %s", what, strerror(errno));
	return ret;
}

PMHS_API int pmhs_frame_write(int fd, uint8_t mode, uint8_t flags, uint8_t type,
		const void *payload, size_t len, int timeout_ms,
		char *err, size_t err_len)
{
	int64_t deadline = deadline_of(timeout_ms);
	uint8_t hdr[PMHS_FRAME_HDR_LEN];
	int ret;

	if (!pmhs_frame_mode_name(mode)) {
		snprintf(err, err_len, "cannot send a frame of unknown mode 0x%02x", mode);
		return PMHS_FRAME_E_INVAL;
	}
	if (len > PMHS_FRAME_MAX_PAYLOAD) {
		snprintf(err, err_len, "cannot send a %zu-byte frame: the limit is %d bytes",
			 len, PMHS_FRAME_MAX_PAYLOAD);
		return PMHS_FRAME_E_INVAL;
	}
	memcpy(hdr, PMHS_FRAME_MAGIC, 4);
	hdr[4] = PMHS_PROTO_VERSION;
	hdr[5] = mode;
	hdr[6] = flags;
	hdr[7] = type;
	hdr[8] = (uint8_t)(len >> 24);
	hdr[9] = (uint8_t)(len >> 16);
	hdr[10] = (uint8_t)(len >> 8);
	hdr[11] = (uint8_t)len;
	ret = write_full(fd, hdr, sizeof(hdr), deadline);
	if (!ret && len)
		ret = write_full(fd, payload, len, deadline);
	return ret ? io_error(ret, "sending a frame", timeout_ms, err, err_len) : PMHS_FRAME_OK;
}

static int check_header(const uint8_t *hdr, uint8_t expect_mode, size_t limit,
			struct pmhs_frame *f, char *err, size_t err_len)
{
	if (memcmp(hdr, PMHS_FRAME_MAGIC, 4)) {
		snprintf(err, err_len,
			 "bad magic %02x %02x %02x %02x, expected \"PMHS\": the peer does not speak pmhs",
			 hdr[0], hdr[1], hdr[2], hdr[3]);
		return PMHS_FRAME_E_MAGIC;
	}
	f->version = hdr[4];
	f->mode = hdr[5];
	f->flags = hdr[6];
	f->type = hdr[7];
	f->len = (uint32_t)hdr[8] << 24 | (uint32_t)hdr[9] << 16 |
		 (uint32_t)hdr[10] << 8 | hdr[11];
	if (f->version != PMHS_PROTO_VERSION) {
		snprintf(err, err_len,
			 "peer speaks wire protocol version %u, we speak %u: upgrade the older side",
			 f->version, PMHS_PROTO_VERSION);
		return PMHS_FRAME_E_VERSION;
	}
	if (!pmhs_frame_mode_name(f->mode)) {
		snprintf(err, err_len, "peer sent unknown mode 0x%02x", f->mode);
		return PMHS_FRAME_E_MODE;
	}
	if (expect_mode && f->mode != expect_mode) {
		snprintf(err, err_len, "peer wants mode %s, we are set up for %s",
			 pmhs_frame_mode_name(f->mode),
			 pmhs_frame_mode_name(expect_mode) ?: "an unknown mode");
		return PMHS_FRAME_E_MODE;
	}
	if (f->len > limit) {
		snprintf(err, err_len, "peer announced a %u-byte frame, the limit is %zu bytes",
			 f->len, limit);
		return PMHS_FRAME_E_TOOBIG;
	}
	return PMHS_FRAME_OK;
}

PMHS_API int pmhs_frame_read(int fd, uint8_t expect_mode, struct pmhs_frame *f, void *buf,
	       size_t buf_max, int timeout_ms, char *err, size_t err_len)
{
	int64_t deadline = deadline_of(timeout_ms);
	size_t limit = buf_max < PMHS_FRAME_MAX_PAYLOAD ? buf_max : PMHS_FRAME_MAX_PAYLOAD;
	uint8_t hdr[PMHS_FRAME_HDR_LEN];
	ssize_t r;
	int ret;

	r = read_full(fd, hdr, sizeof(hdr), deadline);
	if (r < 0)
		return io_error((int)r, "reading a frame header", timeout_ms, err, err_len);
	if (r == 0) {
		snprintf(err, err_len, "peer closed the connection");
		return PMHS_FRAME_E_CLOSED;
	}
	if (r < PMHS_FRAME_HDR_LEN) {
		snprintf(err, err_len,
			 "truncated frame: peer hung up after %zd of %d header bytes",
			 r, PMHS_FRAME_HDR_LEN);
		return PMHS_FRAME_E_TRUNCATED;
	}
	ret = check_header(hdr, expect_mode, limit, f, err, err_len);
	if (ret)
		return ret;
	r = read_full(fd, buf, f->len, deadline);
	if (r < 0)
		return io_error((int)r, "reading a frame payload", timeout_ms, err, err_len);
	if ((size_t)r < f->len) {
		snprintf(err, err_len,
			 "truncated frame: peer hung up after %zd of %u payload bytes",
			 r, f->len);
		return PMHS_FRAME_E_TRUNCATED;
	}
	return PMHS_FRAME_OK;
}
