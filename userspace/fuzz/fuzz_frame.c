// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the TCP frame reader on arbitrary bytes from a peer. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pmhs/pmhs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PMHS_FRAME_MAX_PAYLOAD];
	char err[256];
	struct pmhs_frame f;
	int sv[2];

	if (size > 200000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	/* Small inputs fit the socket buffer; the reader sees EOF after them. */
	if (write(sv[0], data, size) < 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	while (pmhs_frame_read(sv[1], 0, &f, buf, sizeof(buf), 100, err, sizeof(err)) == PMHS_FRAME_OK)
		;
	close(sv[0]);
	close(sv[1]);
	return 0;
}
