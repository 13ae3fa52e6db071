/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_FRAME_H
#define PMHS_FRAME_H

/*
 * TCP framing of handshake messages. Every message on the wire is one frame:
 *
 *   offset size  field
 *        0    4  magic    "PMHS" (0x50 0x4d 0x48 0x53)
 *        4    1  version  PMHS_PROTO_VERSION from <linux/pmhs.h>
 *        5    1  mode     one PMHS_MODE_FLAGS_* value (exactly one bit)
 *        6    1  flags    meaning up to the mode; passed through as is
 *        7    1  type     which message of the mode's exchange this is
 *        8    4  length   payload length, big-endian, <= FRAME_MAX_PAYLOAD
 *       12  len  payload
 *
 * A reader checks magic, version and mode, and refuses an oversized length
 * before reading a byte of payload, so a peer cannot make us allocate or
 * wait for more than FRAME_MAX_PAYLOAD. Reads and writes are bounded by one
 * deadline for the whole frame, so a peer that trickles bytes cannot hold
 * a handshake open forever.
 */

#include <stddef.h>
#include <stdint.h>

/*
 * The handshake over TCP (pmhs-ctl listen / connect) is three frames each
 * way, each sent without waiting for the peer's frame of the same kind:
 *
 *   FRAME_T_HELLO    mode: our handshake's PMHS_MODE_FLAGS_* bit; payload
 *                    8 bytes: u32be PBKDF2 iterations (password mode, else
 *                    0), u32be PMHS_OAEP_HASH_* (RSA modes, else 0).
 *                    Each side checks the peer's: the modes must pair up
 *                    (password with password, rsa-mutual with rsa-mutual,
 *                    rsa-half-send with rsa-half-receive) and the
 *                    parameters agree, or it stops with an error naming
 *                    both, before the module is asked for anything.
 *   FRAME_T_MESSAGE  our handshake message, raw as the module made it (the
 *                    hsub text; signature || ciphertext). The half-receiver
 *                    has none: its MESSAGE is empty, meaning "ready".
 *   FRAME_T_RESULT   after the side with a message to verify has handed it
 *                    to the module: 1 byte, FRAME_RESULT_OK (verified, our
 *                    key is published) or FRAME_RESULT_FAIL.
 *
 * Both sides send their RESULT, even a failed one, and read the peer's
 * before closing (so no reset destroys a frame in flight). A side keeps
 * its key only if both results are OK; otherwise it revokes it, so a key
 * exists on one side only if it exists on both, short of a connection
 * lost between the two RESULTs. flags are 0.
 *
 *   FRAME_T_NONCE    only with --ktls, after both RESULTs are OK: 32 fresh
 *                    random bytes, this side's nonce for the kTLS key
 *                    schedule (docs/protocol.md). Each side sends its own
 *                    before reading the peer's.
 */
enum frame_type {
	FRAME_T_HELLO = 0,
	FRAME_T_MESSAGE = 1,
	FRAME_T_RESULT = 2,
	FRAME_T_NONCE = 3,
};
#define FRAME_NONCE_LEN		32
#define FRAME_HELLO_LEN		8
#define FRAME_RESULT_OK		0
#define FRAME_RESULT_FAIL	1

#define FRAME_MAGIC		"PMHS"
#define FRAME_HDR_LEN		12
#define FRAME_MAX_PAYLOAD	(64 * 1024)

/* What went wrong, for callers that act on it; the text says more. */
enum frame_status {
	FRAME_OK = 0,
	FRAME_E_IO = -1,	/* read/write error (errno in the message) */
	FRAME_E_TIMEOUT = -2,	/* deadline passed */
	FRAME_E_CLOSED = -3,	/* peer closed before the first byte */
	FRAME_E_TRUNCATED = -4,	/* peer closed in the middle of a frame */
	FRAME_E_MAGIC = -5,	/* not a pmhs peer */
	FRAME_E_VERSION = -6,	/* other wire protocol version */
	FRAME_E_MODE = -7,	/* unknown mode, or not the one expected */
	FRAME_E_TOOBIG = -8,	/* length above the limit */
	FRAME_E_INVAL = -9,	/* caller's mistake (bad mode, payload too big) */
};

struct frame {
	uint8_t version;
	uint8_t mode;
	uint8_t flags;
	uint8_t type;
	uint32_t len;		/* bytes of payload in the caller's buffer */
};

/*
 * Write one frame. @timeout_ms bounds the whole write (< 0: no limit).
 * Returns FRAME_OK or a negative enum frame_status with @err filled in.
 */
int frame_write(int fd, uint8_t mode, uint8_t flags, uint8_t type,
		const void *payload, size_t len, int timeout_ms,
		char *err, size_t err_len);

/*
 * Read one frame into @f and @buf (@buf_max bytes; a frame bigger than
 * min(@buf_max, FRAME_MAX_PAYLOAD) is refused unread). @expect_mode 0 takes
 * any known mode, else only that one.
 */
int frame_read(int fd, uint8_t expect_mode, struct frame *f, void *buf,
	       size_t buf_max, int timeout_ms, char *err, size_t err_len);

/* Name of a PMHS_MODE_FLAGS_* value, or NULL. */
const char *frame_mode_name(uint8_t mode);

#endif
