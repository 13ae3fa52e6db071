/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only entry points of kmod/noise.c, included by the known-answer
 * tests (noise_kat.c) and the host test (selftests/noise), never by
 * netlink code: a handshake with a fixed ephemeral key is not secure.
 */
#ifndef _PMHS_NOISE_TEST_H
#define _PMHS_NOISE_TEST_H

#include "noise.h"

/* Use @e_priv instead of a random ephemeral; call before the first
 * message.
 */
int noise_handshake_fix_ephemeral(struct noise_handshake *hs,
				  const u8 e_priv[NOISE_DH_LEN]);
/* For the MAX_NONCE test: set the next nonce. */
void noise_cipher_set_nonce(struct noise_cipher *cs, u64 n);

#endif /* _PMHS_NOISE_TEST_H */
