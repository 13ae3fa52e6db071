// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the strict hex decoder must refuse or decode, never overrun. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pmhs/pmhs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[512];
	char err[128], back[1025];
	ssize_t n = pmhs_hex_decode(out, sizeof(out), (const char *)data, size, err, sizeof(err));

	/* What decodes must encode back to the same digits (lowercased). */
	if (n > 0) {
		pmhs_hex_encode(back, out, n);
		if (strlen(back) != (size_t)n * 2)
			abort();
	}
	return 0;
}
