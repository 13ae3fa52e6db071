// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: private and public key files, and SPKI DER from the wire. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../keyfile.h"

const char *prog = "fuzz";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_private key;
	struct kf_public pub;
	char path[64], err[256];
	int fd = memfd_create("key", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (!kf_load_private(path, &key, err, sizeof(err)))
			kf_private_free(&key);
		if (!kf_load_public(path, &pub, err, sizeof(err)))
			kf_public_free(&pub);
	}
	close(fd);
	if (!kf_public_from_spki(data, size, &pub, err, sizeof(err)))
		kf_public_free(&pub);
	return 0;
}
