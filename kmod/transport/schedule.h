/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_SCHEDULE_H
#define _PMHS_SCHEDULE_H

#include <linux/types.h>

#define PMHS_NONCE_LEN		32
#define PMHS_NONCES_LEN		(2 * PMHS_NONCE_LEN)

/*
 * Directional traffic keys from a 32-byte handshake secret:
 *   PRK = HKDF-Extract(salt, IKM = secret)
 *   key = HKDF-Expand(PRK, "pmhs <use> <dir> key", keylen)
 *   iv  = HKDF-Expand(PRK, "pmhs <use> <dir> iv", ivlen)
 * salt is "pmhs v1", or with @nonces (the initiator's 32-byte nonce then
 * the responder's) "pmhs v1 nonces" || nonce_i || nonce_r, so that a
 * secret one side alone chose still gives fresh keys.
 * <use> names the protocol and cipher: "tls aes-gcm-256", "tls aes-gcm-128",
 * "tls chacha20-poly1305", "esp rfc4106-gcm-aes-256",
 * "esp rfc7539esp-chacha20-poly1305", "esp spi"; each cipher has its own,
 * so one secret never gives two ciphers the same key. <dir> is "i2r"
 * (initiator to responder) or "r2i". Both sides derive the same pair and
 * pick TX/RX by role. See docs/protocol.md.
 */
int pmhs_traffic_key(const u8 secret[32], const u8 *nonces, const char *use,
		     bool i2r, u8 *key, size_t keylen, u8 *iv, size_t ivlen);

#endif /* _PMHS_SCHEDULE_H */
