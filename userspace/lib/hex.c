// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>

#include "internal.h"

/* A hex digit's value, or -1 (shared with x25519.c's key files). */
int pmhs_hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Printable for the message, and never the rest of what may be a secret. */
static void describe(char *buf, size_t n, unsigned char c)
{
	if (isgraph(c))
		snprintf(buf, n, "'%c'", c);
	else if (isspace(c))
		snprintf(buf, n, "whitespace (0x%02x)", c);
	else
		snprintf(buf, n, "byte 0x%02x", c);
}

PMHS_API ssize_t pmhs_hex_decode(uint8_t *out, size_t out_max, const char *hex, size_t len,
		   char *err, size_t err_len)
{
	char what[32];

	/* Only one trailing newline is forgiven, as `echo` leaves one. */
	if (len && hex[len - 1] == '\n')
		len--;
	if (len && hex[len - 1] == '\r')
		len--;
	if (len > 2 * (size_t)PMHS_HEX_MAX_BYTES || len / 2 > out_max) {
		snprintf(err, err_len, "hex string too long: %zu digits, at most %zu",
			 len, 2 * (out_max < PMHS_HEX_MAX_BYTES ? out_max : (size_t)PMHS_HEX_MAX_BYTES));
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (pmhs_hex_val((unsigned char)hex[i]) < 0) {
			describe(what, sizeof(what), (unsigned char)hex[i]);
			snprintf(err, err_len, "not a hex digit at position %zu: %s", i + 1, what);
			return -1;
		}
	}
	if (len % 2) {
		snprintf(err, err_len, "odd number of hex digits (%zu): a byte is two digits", len);
		return -1;
	}
	if (!len) {
		snprintf(err, err_len, "empty hex string");
		return -1;
	}
	for (size_t i = 0; i < len / 2; i++)
		out[i] = (uint8_t)(pmhs_hex_val((unsigned char)hex[2 * i]) << 4 |
				   pmhs_hex_val((unsigned char)hex[2 * i + 1]));
	return (ssize_t)(len / 2);
}

PMHS_API void pmhs_hex_encode(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}
