// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: libpmhs's key file loader (PEM/DER, private and public) and SPKI DER from the wire. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pmhs/pmhs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmhs_key key;
	char path[64], err[256];
	int fd = memfd_create("key", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		PMHS_INIT(key);
		if (!pmhs_key_load_private(path, &key, err, sizeof(err)))
			pmhs_key_free(&key);
		PMHS_INIT(key);
		if (!pmhs_key_load_public(path, &key, err, sizeof(err)))
			pmhs_key_free(&key);
	}
	close(fd);
	PMHS_INIT(key);
	if (!pmhs_key_from_spki(data, size, &key, err, sizeof(err)))
		pmhs_key_free(&key);
	return 0;
}
