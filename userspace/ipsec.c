// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl ipsec up|down: ESP SAs and policies between two IPv4 addresses,
 * keyed inside the kernel from a handshake secret's key serial. The keys
 * are derived and installed by the module; they never reach this process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include <pmhs/pmhs.h>
#include "jsonout.h"
#include "module.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s ipsec up|down --key SERIAL --role initiator|responder\n"
		"                      --local ADDR --remote ADDR [--spi-i2r N --spi-r2i N] [--reqid N]\n"
		"                      [--nonce HEX --peer-nonce HEX] [--esp-alg ALG]\n"
		"\n"
		"up installs two transport-mode ESP SAs (256-bit keys derived from the\n"
		"handshake secret SERIAL, 32 bytes or 64 from OPAQUE, one SPI per\n"
		"direction) and the matching policies between ADDR and ADDR, in this\n"
		"network namespace. Both ends run it with the same secret and opposite\n"
		"roles (the side that connected is the initiator). up uses the secret\n"
		"up: it keys one SA pair only; down takes the SPIs that up printed.\n"
		"A secret from a half-mode handshake (or made outside pmhs) is refused\n"
		"unless both sides give 32-byte nonces (64 hex digits, fresh from\n"
		"`head -c32 /dev/urandom | xxd -p -c32`, exchanged between them): each\n"
		"its own as --nonce and the other's as --peer-nonce.\n"
		"--esp-alg is the SAs' AEAD, the same on both ends: aes-gcm-256\n"
		"(rfc4106(gcm(aes)), the default) or chacha20-poly1305\n"
		"(rfc7539esp(chacha20,poly1305)).\n"
		"Needs CAP_NET_ADMIN; esp4 and the AEAD load on demand.\n", prog);
	return ret;
}

static int parse_u32(const char *opt, const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > UINT32_MAX) {
		fprintf(stderr, "%s: %s takes a number, not '%s'\n", prog, opt, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_alg(const char *s, uint32_t *out)
{
	if (!strcmp(s, "aes-gcm-256")) {
		*out = PMHS_ESP_ALG_AES_GCM_256;
	} else if (!strcmp(s, "chacha20-poly1305")) {
		*out = PMHS_ESP_ALG_CHACHA20_POLY1305;
	} else {
		fprintf(stderr, "%s: --esp-alg is aes-gcm-256 or chacha20-poly1305, not '%s'\n",
			prog, s);
		return -1;
	}
	return 0;
}

static int parse_addr(const char *opt, const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "%s: %s takes an IPv4 address, not '%s'\n", prog, opt, s);
		return -1;
	}
	*out = a.s_addr;	/* network byte order, as the module wants */
	return 0;
}

/*
 * Like `ip route get`: an SA pair nobody can route to is a configuration
 * error worth naming before anything is installed.
 */
static int check_route(uint32_t local, uint32_t remote)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in from = { .sin_family = AF_INET };
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return 0;
	to.sin_addr.s_addr = remote;
	from.sin_addr.s_addr = local;
	inet_ntop(AF_INET, &local, a, sizeof(a));
	inet_ntop(AF_INET, &remote, b, sizeof(b));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from))) {
		fprintf(stderr, "%s: %s is not an address of this host (network namespace): %s\n",
			prog, a, strerror(errno));
		ret = PMHS_EXIT_NOTFOUND;
	} else if (connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		fprintf(stderr, "%s: no route from %s to %s: %s\n"
			"  Add an address or route first (ip route get %s tells).\n",
			prog, a, b, strerror(errno), b);
		ret = PMHS_EXIT_NOTFOUND;
	}
	close(fd);
	return ret;
}

int ipsec_main(int argc, char *argv[])
{
	uint32_t key = 0, local = 0, remote = 0, i2r = 0, r2i = 0, reqid = 0;
	uint32_t alg = PMHS_ESP_ALG_AES_GCM_256;
	bool up, have_reqid = false, have_role = false, initiator = false;
	uint8_t nonce[32], peer_nonce[32];
	bool have_nonce = false, have_peer_nonce = false;
	struct pmhs_ipsec_params p;
	struct pmhs *h;
	int ret;

	if (wants_help(argc, argv))
		return usage(PMHS_EXIT_OK);
	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	if (strcmp(argv[1], "up") && strcmp(argv[1], "down"))
		return usage(PMHS_EXIT_USAGE);
	up = !strcmp(argv[1], "up");
	for (int i = 2; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "%s: %s needs a value\n", prog, o);
			return usage(PMHS_EXIT_USAGE);
		}
		if (!strcmp(o, "--key")) {
			if (parse_u32(o, v, &key))
				return PMHS_EXIT_USAGE;
		} else if (!strcmp(o, "--role")) {
			if (strcmp(v, "initiator") && strcmp(v, "responder")) {
				fprintf(stderr, "%s: --role is initiator or responder, not '%s'\n",
					prog, v);
				return PMHS_EXIT_USAGE;
			}
			initiator = !strcmp(v, "initiator");
			have_role = true;
		} else if (!strcmp(o, "--local")) {
			if (parse_addr(o, v, &local))
				return PMHS_EXIT_USAGE;
		} else if (!strcmp(o, "--remote")) {
			if (parse_addr(o, v, &remote))
				return PMHS_EXIT_USAGE;
		} else if (!strcmp(o, "--spi-i2r")) {
			if (parse_u32(o, v, &i2r))
				return PMHS_EXIT_USAGE;
		} else if (!strcmp(o, "--spi-r2i")) {
			if (parse_u32(o, v, &r2i))
				return PMHS_EXIT_USAGE;
		} else if ((!strcmp(o, "--nonce") || !strcmp(o, "--peer-nonce")) && up) {
			bool mine = !strcmp(o, "--nonce");
			char err[128];

			if (pmhs_hex_decode(mine ? nonce : peer_nonce, 32, v, strlen(v), err,
				       sizeof(err)) != 32) {
				fprintf(stderr, "%s: %s takes 32 bytes as 64 hex digits%s%s\n",
					prog, o, strlen(v) == 64 ? ": " : "",
					strlen(v) == 64 ? err : "");
				return PMHS_EXIT_USAGE;
			}
			if (mine)
				have_nonce = true;
			else
				have_peer_nonce = true;
		} else if (!strcmp(o, "--reqid") && up) {
			if (parse_u32(o, v, &reqid))
				return PMHS_EXIT_USAGE;
			have_reqid = true;
		} else if (!strcmp(o, "--esp-alg") && up) {
			if (parse_alg(v, &alg))
				return PMHS_EXIT_USAGE;
		} else {
			fprintf(stderr, "%s: ipsec %s: unknown option '%s'\n", prog, argv[1], o);
			return usage(PMHS_EXIT_USAGE);
		}
	}
	if (!have_role || !local || !remote || (!key && !(i2r && r2i))) {
		fprintf(stderr, "%s: ipsec %s needs --role, --local, --remote and --key "
			"(or, for down, both SPIs)\n", prog, argv[1]);
		return usage(PMHS_EXIT_USAGE);
	}
	if (have_nonce != have_peer_nonce) {
		fprintf(stderr, "%s: give both --nonce and --peer-nonce, or neither\n", prog);
		return PMHS_EXIT_USAGE;
	}
	if (up && local != remote) {
		ret = check_route(local, remote);
		if (ret)
			return ret;
	}
	h = ctl_open(&ret);
	if (!h)
		return ret;
	PMHS_INIT(p);
	p.key_serial = (int32_t)key;
	p.role = initiator ? PMHS_ROLE_INITIATOR : PMHS_ROLE_RESPONDER;
	p.local = local;
	p.remote = remote;
	p.spi_i2r = i2r;
	p.spi_r2i = r2i;
	p.alg = alg;
	if (have_reqid) {
		p.flags |= PMHS_IPSEC_REQID;
		p.reqid = reqid;
	}
	if (have_nonce) {
		p.nonce = nonce;
		p.nonce_len = sizeof(nonce);
		p.peer_nonce = peer_nonce;
		p.peer_nonce_len = sizeof(peer_nonce);
	}
	ret = up ? pmhs_ipsec_up(h, &p) : pmhs_ipsec_down(h, &p);
	if (ret) {
		if (ret == -ENOENT && strstr(pmhs_errmsg(h), "esp4"))
			fprintf(stderr, "  Load the ESP and AEAD modules: modprobe -a esp4 %s\n",
				alg == PMHS_ESP_ALG_CHACHA20_POLY1305 ? "chacha20poly1305" : "gcm");
		ret = ctl_report(h, up ? "ipsec-up" : "ipsec-down", ret);
	} else if (up && json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "spi_i2r", json_object_new_int64(p.spi_i2r));
		json_object_object_add(o, "spi_r2i", json_object_new_int64(p.spi_r2i));
		json_emit(o);
	} else if (up) {
		printf("spi-i2r 0x%08x\nspi-r2i 0x%08x\n", p.spi_i2r, p.spi_r2i);
	}
	pmhs_close(h);
	return ret;
}
