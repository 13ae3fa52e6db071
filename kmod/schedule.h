/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_SCHEDULE_H
#define _PMHS_SCHEDULE_H

#include <linux/types.h>

/*
 * Directional traffic keys from a 32-byte handshake secret:
 *   PRK = HKDF-Extract(salt = "pmhs v1", IKM = secret)
 *   key = HKDF-Expand(PRK, "pmhs <use> <dir> key", keylen)
 *   iv  = HKDF-Expand(PRK, "pmhs <use> <dir> iv", ivlen)
 * <use> names the protocol and cipher ("tls aes-gcm-256"), <dir> is "i2r"
 * (initiator to responder) or "r2i". Both sides derive the same pair and
 * pick TX/RX by role. See docs/protocol.md.
 */
int pmhs_traffic_key(const u8 secret[32], const char *use, bool i2r,
		     u8 *key, size_t keylen, u8 *iv, size_t ivlen);

#endif /* _PMHS_SCHEDULE_H */
