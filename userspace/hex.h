/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_HEX_H
#define PMHS_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest input hex_decode() looks at: nothing pmhs handles is near this. */
#define HEX_MAX_BYTES (64 * 1024)

/*
 * Strict hex: only [0-9a-fA-F], an even number of them, and at most one
 * trailing newline ("\n" or "\r\n", as `echo` and editors leave). Anything
 * else is an error whose message in @err names the position (counting from
 * 1) and the byte, because a secret that silently lost a character is worse
 * than a refusal. Returns the number of bytes written to @out, or -1.
 */
ssize_t hex_decode(uint8_t *out, size_t out_max, const char *hex, size_t len,
		   char *err, size_t err_len);

/* Lowercase, NUL-terminated: @out must hold 2 * @len + 1 bytes. */
void hex_encode(char *out, const uint8_t *in, size_t len);

#endif
