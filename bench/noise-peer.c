// SPDX-License-Identifier: GPL-2.0
/*
 * A Noise peer outside the module, for selftests/noise_tool.sh: one side
 * of a handshake with bench/noise_ossl.c (OpenSSL), speaking hex lines
 * as `pmhs-ctl handshake noise` does, so the two pair over pipes.
 *
 *   noise-peer initiator|responder PROTOCOL STATIC-HEX PSK-HEX
 *              [RS-HEX|-] [PROLOGUE-HEX|-] [PAYLOAD-HEX|-]
 *
 * Prints our messages, then "handshake-hash HEX", "peer-static HEX",
 * "secret HEX" (pmhs's export secret, HKDF(ck, "", 3)[2]) and
 * "peer-payload HEX" for each non-empty payload received. Exit 1 on any
 * failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise_ossl.h"

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s) / 2;

	if (n > max || strlen(s) % 2)
		exit(2);
	for (size_t i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			exit(2);
	return n;
}

static void hexline(const char *tag, const uint8_t *p, size_t len)
{
	if (tag)
		printf("%s ", tag);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	static uint8_t buf[70000], out[70000], pl[70000], payload[17000];
	static char line[140010];
	uint8_t s[32], psk[32], rs[32], prologue[17000], secret[32];
	size_t plen = 0, prolen = 0, n, got;
	bool initiator, sent = false;
	struct nz_hs hs;

	if (argc < 5) {
		fprintf(stderr, "usage: noise-peer initiator|responder PROTOCOL STATIC PSK "
			"[RS|-] [PROLOGUE|-] [PAYLOAD|-]\n");
		return 2;
	}
	initiator = !strcmp(argv[1], "initiator");
	if (unhex(argv[3], s, 32) != 32 || unhex(argv[4], psk, 32) != 32)
		return 2;
	if (argc > 5 && strcmp(argv[5], "-") && unhex(argv[5], rs, 32) != 32)
		return 2;
	if (argc > 6 && strcmp(argv[6], "-"))
		prolen = unhex(argv[6], prologue, sizeof(prologue));
	if (argc > 7 && strcmp(argv[7], "-"))
		plen = unhex(argv[7], payload, sizeof(payload));
	if (nz_init(&hs, argv[2], initiator, prologue, prolen, s, NULL,
		    argc > 5 && strcmp(argv[5], "-") ? rs : NULL, psk))
		return 2;
	while (!nz_done(&hs)) {
		if ((hs.next % 2 == 0) == initiator) {
			if (nz_write(&hs, payload, sent ? 0 : plen, out, &n))
				return 1;
			sent = true;
			hexline(NULL, out, n);
			continue;
		}
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		line[strcspn(line, "\r\n")] = 0;
		n = unhex(line, buf, sizeof(buf));
		if (nz_read(&hs, buf, n, pl, &got)) {
			fprintf(stderr, "noise-peer: message %d failed\n", hs.next + 1);
			return 1;
		}
		if (got)
			hexline("peer-payload", pl, got);
	}
	nz_export(&hs, secret);
	hexline("handshake-hash", hs.h, 32);
	hexline("peer-static", hs.rs, 32);
	hexline("secret", secret, 32);
	nz_free(&hs);
	return 0;
}
