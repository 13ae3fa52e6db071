// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl noise genkey|pubkey: X25519 static keys for the noise modes, as
 * `wg genkey` and `wg pubkey` make them, in upstream NoiseHandShake's key
 * file format (64 hex digits). No module needed.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonout.h"
#include "keyfile.h"
#include "pmhs-ctl.h"

#define HEX_LEN (2 * PMHS_X25519_LEN)

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s noise genkey [-o|--output FILE]\n"
		"       %s noise pubkey < PRIVATE-KEY\n"
		"\n"
		"genkey makes a new X25519 private key (a Noise static key) and prints it\n"
		"as 64 hex digits, as `wg genkey` does; keep it secret, e.g.\n"
		"  (umask 077; %s noise genkey > node.key)\n"
		"With --output it writes FILE instead (mode 0600, never replacing an\n"
		"existing file) and prints the public key. pubkey reads a private key (64\n"
		"hex digits) on stdin and prints its public key, 64 hex digits: what the\n"
		"peer pins, or passes as the remote static key of KK.\n"
		"'%s identity import NAME FILE' loads such a key file into the module.\n",
		prog, prog, prog, prog);
	return ret;
}

/* Our private key's hex on a line; wiped by the caller. */
static void key_line(char line[HEX_LEN + 2], const uint8_t priv[PMHS_X25519_LEN])
{
	pmhs_hex_encode(line, priv, PMHS_X25519_LEN);
	line[HEX_LEN] = '\n';
	line[HEX_LEN + 1] = '\0';
}

/* Like wg: a key written to a file others can read is worth a warning. */
static void warn_stdout(void)
{
	char link[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(STDOUT_FILENO, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	n = readlink("/proc/self/fd/1", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	fprintf(stderr, "%s: noise genkey: warning: writing a private key to %s, which others "
		"can read (mode %04o); pmhs-ctl refuses such a key file: set the umask to 077 "
		"and try again, or use --output FILE\n", prog, n > 0 ? link : "a file",
		(unsigned int)(st.st_mode & 07777));
}

static void print_public(const uint8_t pub[PMHS_X25519_LEN], const char *file,
			 const uint8_t *priv)
{
	uint8_t spki[PMHS_X25519_SPKI_LEN], fp[PMHS_FP_LEN];
	char hex[HEX_LEN + 1], fph[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];
	struct json_object *o;

	pmhs_hex_encode(hex, pub, PMHS_X25519_LEN);
	if (!json_output) {
		printf("%s\n", hex);
		return;
	}
	pmhs_x25519_spki(pub, spki);
	pmhs_fingerprint(spki, sizeof(spki), fp);
	pmhs_fp_hex(fp, fph);
	pmhs_fp_short(fp, sfp);
	o = json_object_new_object();
	if (file)
		json_object_object_add(o, "file", json_object_new_string(file));
	if (priv) {
		char line[HEX_LEN + 2];

		key_line(line, priv);
		line[HEX_LEN] = '\0';
		json_object_object_add(o, "private_key", json_object_new_string(line));
		explicit_bzero(line, sizeof(line));
	}
	json_object_object_add(o, "public_key", json_object_new_string(hex));
	json_object_object_add(o, "sha256", json_object_new_string(fph));
	json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
	json_emit(o);
}

static int cmd_genkey(const char *file)
{
	uint8_t priv[PMHS_X25519_LEN], pub[PMHS_X25519_LEN];
	char line[HEX_LEN + 2], err[1024];
	int ret;

	ret = pmhs_x25519_generate(priv);
	if (!ret)
		ret = pmhs_x25519_public(priv, pub);
	if (ret) {
		fprintf(stderr, "%s: noise genkey: cannot make a key: %s\n", prog, strerror(-ret));
		explicit_bzero(priv, sizeof(priv));
		return PMHS_EXIT_FAIL;
	}
	if (file) {
		ret = pmhs_x25519_write_file(file, priv, 0, err, sizeof(err));
		explicit_bzero(priv, sizeof(priv));
		if (ret) {
			fprintf(stderr, "%s: noise genkey: %s\n", prog, err);
			if (ret == -EEXIST)
				fprintf(stderr, "%s: its public key: %s noise pubkey < %s\n", prog,
					prog, file);
			return kf_exit_code(ret);
		}
		print_public(pub, file, NULL);
		return PMHS_EXIT_OK;
	}
	warn_stdout();
	if (json_output) {
		print_public(pub, NULL, priv);
	} else {
		key_line(line, priv);
		fputs(line, stdout);
		explicit_bzero(line, sizeof(line));
	}
	explicit_bzero(priv, sizeof(priv));
	return fflush(stdout) ? PMHS_EXIT_FAIL : PMHS_EXIT_OK;
}

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* stdin's private key: 64 hex digits, one newline allowed. Never echoes it. */
static int read_private(uint8_t priv[PMHS_X25519_LEN])
{
	char buf[HEX_LEN + 4];
	size_t len = fread(buf, 1, sizeof(buf), stdin);
	int ret = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (len != HEX_LEN) {
		fprintf(stderr, "%s: noise pubkey: stdin must be a private key, 64 hex digits (as "
			"'%s noise genkey' prints), not %s%zu characters\n", prog, prog,
			len >= sizeof(buf) - 2 ? "at least " : "", len);
		ret = -1;
	}
	for (size_t i = 0; !ret && i < HEX_LEN; i++) {
		if (hex_val((unsigned char)buf[i]) < 0) {
			fprintf(stderr, "%s: noise pubkey: stdin is not a private key: character "
				"%zu is not a hex digit\n", prog, i + 1);
			ret = -1;
		}
	}
	for (size_t i = 0; !ret && i < PMHS_X25519_LEN; i++)
		priv[i] = (uint8_t)(hex_val((unsigned char)buf[2 * i]) << 4 |
				    hex_val((unsigned char)buf[2 * i + 1]));
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

static int cmd_pubkey(void)
{
	uint8_t priv[PMHS_X25519_LEN], pub[PMHS_X25519_LEN];
	int ret;

	if (read_private(priv))
		return PMHS_EXIT_FAIL;
	ret = pmhs_x25519_public(priv, pub);
	explicit_bzero(priv, sizeof(priv));
	if (ret) {
		fprintf(stderr, "%s: noise pubkey: %s\n", prog, strerror(-ret));
		return PMHS_EXIT_FAIL;
	}
	print_public(pub, NULL, NULL);
	return PMHS_EXIT_OK;
}

int noise_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *cmd, *file = NULL;
	int c;

	if (argc < 2) {
		fprintf(stderr, "%s: noise: genkey or pubkey?\n", prog);
		return usage(PMHS_EXIT_USAGE);
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage(PMHS_EXIT_OK);
	if (strcmp(cmd, "genkey") && strcmp(cmd, "pubkey")) {
		fprintf(stderr, "%s: noise: unknown command '%s'\n", prog, cmd);
		return usage(PMHS_EXIT_USAGE);
	}
	optind = 1;
	while ((c = ctl_getopt_long(argc - 1, argv + 1, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': file = optarg; break;
		case 'h': return usage(PMHS_EXIT_OK);
		default: return usage(PMHS_EXIT_USAGE);
		}
	}
	if (optind != argc - 1 || (file && strcmp(cmd, "genkey"))) {
		fprintf(stderr, "%s: noise %s: %s\n", prog, cmd, optind != argc - 1 ?
			"takes no arguments" : "--output is genkey's");
		return usage(PMHS_EXIT_USAGE);
	}
	if (file && !*file) {
		fprintf(stderr, "%s: noise genkey: --output needs a file name\n", prog);
		return PMHS_EXIT_USAGE;
	}
	return strcmp(cmd, "genkey") ? cmd_pubkey() : cmd_genkey(file);
}
