// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libpmhs through its public header only (no module
 * needed): the codecs, argument checks, and the handle without a module.
 * The plain build links libpmhs.so.0, so it also proves the exports; the
 * ASan+UBSan build links libpmhs-asan.a. TAP output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pmhs/pmhs.h>

static int n, failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !cond;
}

static void test_hex(void)
{
	uint8_t all[256], back[256];
	char hex[2 * 256 + 1], err[128];
	ssize_t r;

	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	pmhs_hex_encode(hex, all, sizeof(all));
	ok(strlen(hex) == 512 && !strncmp(hex, "000102", 6) && !strcmp(hex + 506, "fdfeff"),
	   "hex: every byte value encodes lowercase");
	r = pmhs_hex_decode(back, sizeof(back), hex, strlen(hex), err, sizeof(err));
	ok(r == 256 && !memcmp(all, back, 256), "hex: every byte value round-trips");
	r = pmhs_hex_decode(back, 3, hex, 8, err, sizeof(err));
	ok(r == -1 && strstr(err, "too long"), "hex: a short output buffer is refused (%s)", err);
	pmhs_hex_encode(hex, all, 0);
	ok(hex[0] == '\0', "hex: empty input encodes to an empty string");
}

static void test_frame(void)
{
	uint8_t msg[PMHS_FRAME_MAX_PAYLOAD], buf[PMHS_FRAME_MAX_PAYLOAD];
	struct pmhs_frame f;
	char err[256];
	int sv[2], r;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		ok(0, "frame: socketpair");
		return;
	}
	/* A full-size frame needs the reader running: write in a child. */
	if (fork() == 0) {
		close(sv[1]);
		r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_RSA_MUTUAL, 0, PMHS_FRAME_T_MESSAGE,
				     msg, sizeof(msg), 5000, err, sizeof(err));
		_exit(r ? 1 : 0);
	}
	close(sv[0]);
	r = pmhs_frame_read(sv[1], PMHS_MODE_FLAGS_RSA_MUTUAL, &f, buf, sizeof(buf), 5000, err,
			    sizeof(err));
	ok(r == PMHS_FRAME_OK && f.len == sizeof(msg) && !memcmp(buf, msg, sizeof(msg)) &&
	   f.type == PMHS_FRAME_T_MESSAGE && f.version == PMHS_PROTO_VERSION,
	   "frame: a largest-payload frame round-trips");
	r = pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_E_CLOSED, "frame: then the peer's close (%s)", err);
	close(sv[1]);
	ok(!strcmp(pmhs_frame_mode_name(PMHS_MODE_FLAGS_PASSWORD), "password") &&
	   !pmhs_frame_mode_name(0) && !pmhs_frame_mode_name(PMHS_MODE_FLAGS_PASSWORD | 2),
	   "frame: mode names: one bit each");
}

static void test_args(void)
{
	struct pmhs_session_params p;
	struct pmhs_version v;
	struct pmhs_step st;
	char buf[8] = "x";

	PMHS_INIT(v);
	ok(v.size == sizeof(v) && v.modes == 0, "PMHS_INIT zeroes and sets the size");
	ok(pmhs_open(NULL) == -EINVAL, "open: NULL handle pointer is -EINVAL");
	pmhs_close(NULL);
	ok(!strcmp(pmhs_errmsg(NULL), ""), "errmsg: NULL handle gives an empty message");
	ok(pmhs_errmsg_copy(NULL, buf, sizeof(buf)) == 0 && buf[0] == 'x',
	   "errmsg_copy: NULL handle copies nothing");
	ok(pmhs_get_version(NULL, &v) == -EINVAL, "get_version: NULL handle is -EINVAL");
	PMHS_INIT(p);
	PMHS_INIT(st);
	ok(pmhs_session_new(NULL, &p, &st) == -EINVAL, "session_new: NULL handle is -EINVAL");
	ok(pmhs_fd(NULL) == -EINVAL, "fd: NULL handle is -EINVAL");
}

/* Without the module (the host): -ENOENT and no handle; with it, a handle. */
static void test_open(void)
{
	struct pmhs_session_params p;
	struct pmhs_version v;
	struct pmhs_step st;
	struct pmhs *h = (struct pmhs *)&n;
	int r = pmhs_open(&h);

	ok((r == -ENOENT && !h) || (r == 0 && h), "open: %s", r ? "no module: -ENOENT" : "opened");
	if (r)
		return;
	v.size = 4;
	ok(pmhs_get_version(h, &v) == -EINVAL, "get_version: a struct too small is refused");
	PMHS_INIT(p);
	PMHS_INIT(st);
	st.msg_max = 16;
	ok(pmhs_session_new(h, &p, &st) == -EINVAL, "session_new: a buffer size without a buffer");
	pmhs_close(h);
}

int main(void)
{
	test_hex();
	test_frame();
	test_args();
	test_open();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
