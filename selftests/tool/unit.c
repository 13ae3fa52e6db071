// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pure helpers of pmhs-ctl (hex.c, frame.c, modhint.c),
 * TAP output.
 * Built by `make -C userspace unit` (SANITIZE=1 for the ASan+UBSan build).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/pmhs.h>

#include <pmhs/pmhs.h>
#include "modhint.h"
#include "tap.h"


static void test_hex(void)
{
	uint8_t out[8];
	char err[128], enc[17];
	ssize_t r;

	r = pmhs_hex_decode(out, sizeof(out), "00ff7A", 6, err, sizeof(err));
	ok(r == 3 && out[0] == 0 && out[1] == 0xff && out[2] == 0x7a, "hex: decodes mixed case");
	r = pmhs_hex_decode(out, sizeof(out), "abcd\n", 5, err, sizeof(err));
	ok(r == 2, "hex: one trailing newline allowed");
	r = pmhs_hex_decode(out, sizeof(out), "abcd\r\n", 6, err, sizeof(err));
	ok(r == 2, "hex: trailing CRLF allowed");
	r = pmhs_hex_decode(out, sizeof(out), "abcd\n\n", 6, err, sizeof(err));
	ok(r == -1 && strstr(err, "position 5"), "hex: second newline refused at its position (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), "abc", 3, err, sizeof(err));
	ok(r == -1 && strstr(err, "odd number"), "hex: odd length refused (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), "ab0g", 4, err, sizeof(err));
	ok(r == -1 && strstr(err, "position 4") && strstr(err, "'g'"), "hex: non-hex char with position (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), "ab cd", 5, err, sizeof(err));
	ok(r == -1 && strstr(err, "position 3") && strstr(err, "whitespace"),
	   "hex: embedded space refused (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), " abcd", 5, err, sizeof(err));
	ok(r == -1 && strstr(err, "position 1"), "hex: leading space refused (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), "", 0, err, sizeof(err));
	ok(r == -1 && strstr(err, "empty"), "hex: empty refused");
	r = pmhs_hex_decode(out, sizeof(out), "000102030405060708", 18, err, sizeof(err));
	ok(r == -1 && strstr(err, "too long"), "hex: longer than the buffer refused (%s)", err);
	r = pmhs_hex_decode(out, sizeof(out), "0001020304050607", 16, err, sizeof(err));
	ok(r == 8, "hex: exactly the buffer size accepted");
	pmhs_hex_encode(enc, (const uint8_t *)"\x00\xab\xCD\x7f", 4);
	ok(!strcmp(enc, "00abcd7f"), "hex: encode is lowercase");
}

static void test_frame_roundtrip(void)
{
	uint8_t payload[300], buf[PMHS_FRAME_MAX_PAYLOAD];
	struct pmhs_frame f;
	char err[200];
	int sv[2], r;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_RSA_MUTUAL, 0x5, 2, payload, sizeof(payload),
			1000, err, sizeof(err));
	ok(r == PMHS_FRAME_OK, "frame: write");
	r = pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_OK && f.len == sizeof(payload) && !memcmp(buf, payload, f.len) &&
	   f.mode == PMHS_MODE_FLAGS_RSA_MUTUAL && f.flags == 5 && f.type == 2 &&
	   f.version == PMHS_PROTO_VERSION, "frame: read back what was written");
	r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_PASSWORD, 0, 1, NULL, 0, 1000, err, sizeof(err));
	r = pmhs_frame_read(sv[1], PMHS_MODE_FLAGS_PASSWORD, &f, buf, sizeof(buf), 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_OK && f.len == 0, "frame: empty payload");
	r = pmhs_frame_write(sv[0], 0x3, 0, 1, NULL, 0, 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_E_INVAL, "frame: writing an unknown mode refused (%s)", err);
	r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_HYBRID, 0, 1, buf, PMHS_FRAME_MAX_PAYLOAD + 1, 1000,
			err, sizeof(err));
	ok(r == PMHS_FRAME_E_INVAL, "frame: writing an oversized payload refused (%s)", err);
	r = pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 50, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TIMEOUT && strstr(err, "timed out"), "frame: read times out (%s)", err);
	close(sv[0]);
	r = pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_E_CLOSED, "frame: clean EOF reported as closed (%s)", err);
	close(sv[1]);
}

/* Feed @raw to a reader on a socketpair and return pmhs_frame_read's result. */
static int read_raw(const void *raw, size_t len, bool hangup, uint8_t expect, size_t buf_max,
		    char *err, size_t err_len)
{
	static uint8_t buf[PMHS_FRAME_MAX_PAYLOAD];
	struct pmhs_frame f;
	int sv[2], r;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[0], raw, len) != (ssize_t)len)
		abort();
	if (hangup)
		shutdown(sv[0], SHUT_WR);
	r = pmhs_frame_read(sv[1], expect, &f, buf, buf_max, 200, err, err_len);
	close(sv[0]);
	close(sv[1]);
	return r;
}

static void test_frame_errors(void)
{
	uint8_t hdr[PMHS_FRAME_HDR_LEN + 4] = { 'P', 'M', 'H', 'S', PMHS_PROTO_VERSION,
					   PMHS_MODE_FLAGS_PASSWORD, 0, 1, 0, 0, 0, 4, 1, 2, 3, 4 };
	uint8_t h[sizeof(hdr)];
	char err[200];
	int r;

	r = read_raw(hdr, sizeof(hdr), true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_OK, "frame: well-formed raw frame accepted");

	memcpy(h, hdr, sizeof(h));
	memcpy(h, "GET ", 4);
	r = read_raw(h, sizeof(h), true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_MAGIC && strstr(err, "magic"), "frame: bad magic (%s)", err);

	memcpy(h, hdr, sizeof(h));
	h[4] = PMHS_PROTO_VERSION + 1;
	r = read_raw(h, sizeof(h), true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_VERSION && strstr(err, "version"), "frame: wrong version (%s)", err);

	memcpy(h, hdr, sizeof(h));
	h[5] = 0x80;	/* no mode has this bit */
	r = read_raw(h, sizeof(h), true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_MODE && strstr(err, "unknown mode"), "frame: unknown mode (%s)", err);

	r = read_raw(hdr, sizeof(hdr), true, PMHS_MODE_FLAGS_HYBRID, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_MODE && strstr(err, "password") && strstr(err, "hybrid"),
	   "frame: unexpected mode names both (%s)", err);

	/* Oversized: no payload follows, and no hang-up: must not wait for it. */
	memcpy(h, hdr, sizeof(h));
	h[9] = 0x01; h[10] = 0x00; h[11] = 0x01;	/* 65537 */
	r = read_raw(h, PMHS_FRAME_HDR_LEN, false, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TOOBIG && strstr(err, "65537"), "frame: oversized refused before payload (%s)", err);
	h[8] = 0xff;
	r = read_raw(h, PMHS_FRAME_HDR_LEN, false, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TOOBIG, "frame: 4 GiB length refused (%s)", err);
	r = read_raw(hdr, sizeof(hdr), false, 0, 3, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TOOBIG, "frame: caller's smaller buffer bounds the length (%s)", err);

	r = read_raw(hdr, 7, true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TRUNCATED && strstr(err, "7 of 12 header"), "frame: truncated header (%s)", err);
	r = read_raw(hdr, PMHS_FRAME_HDR_LEN + 2, true, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TRUNCATED && strstr(err, "2 of 4 payload"), "frame: truncated payload (%s)", err);
	r = read_raw(hdr, PMHS_FRAME_HDR_LEN + 2, false, 0, PMHS_FRAME_MAX_PAYLOAD, err, sizeof(err));
	ok(r == PMHS_FRAME_E_TIMEOUT, "frame: stalled payload times out (%s)", err);
}

static void test_frame_write_hangup(void)
{
	char err[200];
	int sv[2], r;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	r = pmhs_frame_write(sv[0], PMHS_MODE_FLAGS_PASSWORD, 0, 1, "x", 1, 1000, err, sizeof(err));
	ok(r == PMHS_FRAME_E_IO && strstr(err, "pipe"), "frame: write to a hung-up peer is an error, not SIGPIPE (%s)", err);
	close(sv[0]);
}

/* The module-missing advice for each situation the probe can find. */
static void test_modhint(void)
{
	struct modhint h = { .modprobe_rc = 1, .secure_boot = 0 };
	char buf[1536];

	snprintf(h.kernel, sizeof(h.kernel), "6.1.0-28-amd64");
	snprintf(h.modprobe_out, sizeof(h.modprobe_out),
		 "modprobe: FATAL: Module pmhs not found in directory /lib/modules/6.1.0-28-amd64\n");
	ok(modhint_advice(&h, buf, sizeof(buf)) == MODHINT_NOT_INSTALLED &&
	   strstr(buf, "not installed") && strstr(buf, "apt install ./pmhs-dkms_") &&
	   strstr(buf, "linux-headers-6.1.0-28-amd64") && !strstr(buf, "make "),
	   "modhint: nothing anywhere is 'not installed', with the apt line and headers");

	snprintf(h.other_kernels, sizeof(h.other_kernels), "6.1.0-27-amd64");
	ok(modhint_advice(&h, buf, sizeof(buf)) == MODHINT_OTHER_KERNEL &&
	   strstr(buf, "only for kernel 6.1.0-27-amd64") && strstr(buf, "running kernel 6.1.0-28") &&
	   strstr(buf, "dkms autoinstall"),
	   "modhint: a build for another kernel only is named, with dkms autoinstall");

	h.other_kernels[0] = '\0';
	h.modprobe_rc = 0;
	snprintf(h.modprobe_out, sizeof(h.modprobe_out),
		 "insmod /lib/modules/6.1.0-28-amd64/updates/dkms/pmhs.ko\n");
	ok(modhint_advice(&h, buf, sizeof(buf)) == MODHINT_LOAD_FAILED &&
	   strstr(buf, "installed for this kernel but did not load") && strstr(buf, "modprobe pmhs") &&
	   !strstr(buf, "not installed"),
	   "modhint: installed but not loaded is told apart from not installed");

	h.secure_boot = 1;
	ok(modhint_advice(&h, buf, sizeof(buf)) == MODHINT_SECURE_BOOT &&
	   strstr(buf, "Secure Boot is on") && strstr(buf, "Key was rejected by service") &&
	   strstr(buf, "mokutil --import /var/lib/dkms/mok.pub"),
	   "modhint: with Secure Boot on, the signature rejection and MOK enrolment");

	h.secure_boot = -1;
	ok(modhint_classify(&h) == MODHINT_LOAD_FAILED,
	   "modhint: Secure Boot state unknown: the generic load failure");

	h.loaded = true;
	ok(modhint_advice(&h, buf, sizeof(buf)) == MODHINT_NO_FAMILY && strstr(buf, "modprobe -r pmhs"),
	   "modhint: loaded but no family: reload");

	h.loaded = false;
	h.modprobe_rc = -1;
	ok(modhint_classify(&h) == MODHINT_NOT_INSTALLED, "modhint: no modprobe binary: not installed");

	ok(modhint_advice(&h, buf, 16) == MODHINT_NOT_INSTALLED && strlen(buf) == 15,
	   "modhint: a short buffer is truncated, not overrun");
}

int main(void)
{
	test_modhint();
	test_hex();
	test_frame_roundtrip();
	test_frame_errors();
	test_frame_write_hangup();
	return tap_done();
}
