// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl handshake: the manual exchange. Our message goes to stdout as
 * one line of lowercase hex, the peer's comes back as one line on stdin
 * (or --peer-message-file), so that either side may be the Python
 * reference and the channel anything that carries a line of text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pmhs.h>

#include "hs.h"
#include "jsonout.h"
#include "pmhs-ctl.h"

#define LINE_MAX_LEN (2 * PMHS_MESSAGE_MAX + 2)

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s handshake password [PASSWORD-OPTIONS] [--iterations N] [OPTIONS]\n"
		"       %s handshake mutual --identity NAME (--peer-key FILE | --peer NAME)\n"
		"                             [--tofu] [OPTIONS]\n"
		"       %s handshake send --identity NAME (--peer-key FILE | --peer NAME) [OPTIONS]\n"
		"       %s handshake receive --identity NAME (--peer-key FILE | --peer NAME) [OPTIONS]\n"
		"       %s handshake noise (--initiator | --responder) [--pattern xx|kk]\n"
		"                             (--identity NAME | --key-file FILE) [NOISE-OPTIONS]\n"
		"\n"
		"Prints our handshake message as one line of lowercase hex (password: the\n"
		"hsub; RSA: signature || ciphertext), then reads the peer's line from\n"
		"stdin, verifies it, publishes the secret in the kernel keyring and prints\n"
		"\"serial N\". send (half handshake, sender) only prints its message;\n"
		"receive (half, receiver) prints nothing and only reads. Messages are\n"
		"those of the poorman_handshake Python package.\n"
		"noise runs Noise_XXpsk2 (xx, 3 messages, the default) or Noise_KKpsk0 (kk,\n"
		"2 messages) as HiveMind v3 does: each of our messages is a hex line on\n"
		"stdout, each of the peer's a line on stdin, in turn; then the result:\n"
		"serial, handshake-hash, peer-static, peer-sha256 (and peer-payload lines).\n"
		"\n"
		"  --peer-message-file FILE  read the peer's line from FILE, not stdin\n"
		"                         (needed with --password-stdin)\n"
		HS_USAGE_COMMON
		HS_USAGE_NOISE,
		prog, prog, prog, prog, prog);
	return ret;
}

/* One line, at most LINE_MAX_LEN bytes; byte by byte, to read no further. */
static ssize_t read_line(int fd, char *buf, size_t max)
{
	size_t n = 0;
	ssize_t r;

	while (n < max) {
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || buf[n++] == '\n')
			break;
	}
	return (ssize_t)n;
}

/* Surrounding spaces, tabs, CR and LF are what copy and paste adds. */
static size_t trim(char **line, size_t n)
{
	while (n && strchr(" \t\r\n", (*line)[n - 1]))
		n--;
	while (n && strchr(" \t\r\n", **line)) {
		(*line)++;
		n--;
	}
	return n;
}

int hs_read_peer(const struct hs_opts *o, const struct hs *hs, uint8_t *msg, size_t *len)
{
	static char buf[LINE_MAX_LEN + 1];
	/* Open once: the next message is the file's next line. */
	static int file_fd = -1;
	const char *from = o->peer_msg_file ? o->peer_msg_file : "standard input";
	bool tty = !o->peer_msg_file && isatty(0);
	int fd = 0, tries = 0;
	char err[256], *line;
	ssize_t n;

	if (o->peer_msg_file && file_fd < 0 &&
	    (file_fd = open(o->peer_msg_file, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, o->peer_msg_file, strerror(errno));
		return errno == ENOENT ? PMHS_EXIT_NOTFOUND : PMHS_EXIT_FAIL;
	}
	if (o->peer_msg_file)
		fd = file_fd;
	if (tty)
		fprintf(stderr, "Paste the peer's message and press Enter:\n");
again:
	n = read_line(fd, buf, LINE_MAX_LEN);
	if (n < 0) {
		fprintf(stderr, "%s: reading the peer's message from %s: %s\n", prog, from,
			strerror(errno));
		return PMHS_EXIT_FAIL;
	}
	/* OPAQUE: a client that failed sends nothing more. */
	if (n == 0 && hs_is_opaque(o->mode))
		return hs_opaque_peer_eof(o, hs, from);
	line = buf;
	if ((size_t)n == LINE_MAX_LEN && buf[n - 1] != '\n') {
		snprintf(err, sizeof(err), "longer than %d hex digits", 2 * PMHS_MESSAGE_MAX);
		/* The rest of the overlong line is not the next try. */
		while (tty && (n = read(fd, buf, 1)) == 1 && buf[0] != '\n')
			;
	} else if (hs_is_opaque(o->mode) ?
		   !hs_opaque_decode(line, trim(&line, (size_t)n), hs_opaque_expect(o, hs),
				     hs_opaque_expect_name(o, hs), msg, len, err, sizeof(err)) :
		   !hs_decode_peer(o->mode, line, trim(&line, (size_t)n), msg, PMHS_MESSAGE_MAX,
				   len, err, sizeof(err))) {
		return PMHS_EXIT_OK;
	}
	/* A bad paste is a typo, not an attack: at a terminal the session waits for another. */
	if (tty && n > 0 && ++tries < 3) {
		fprintf(stderr, "%s: that is not a handshake message (%s); paste it again:\n",
			prog, err);
		goto again;
	}
	fprintf(stderr, "%s: the peer's message from %s is malformed: %s\n", prog, from, err);
	return PMHS_EXIT_MALFORMED;
}

void hs_print_message(const struct hs_opts *o, const struct hs *hs, bool last)
{
	char *text = hs_message_text(o, hs->msg, hs->msg_len);

	if (!text)
		return;
	/*
	 * With -j stdout carries one JSON document, the result, which also
	 * holds this line; the peer needs the line before there is a result.
	 */
	fprintf(json_output ? stderr : stdout, "%s\n", text);
	fflush(json_output ? stderr : stdout);
	free(text);
	if (isatty(1) && !json_output)
		fprintf(stderr, "Give the line above to the peer%s.\n",
			o->mode == PMHS_MODE_RSA_HALF_SEND || last ? "" : ", then paste theirs");
}

/* Noise: our lines and the peer's in the pattern's order. */
static int run_noise(const struct hs_opts *o)
{
	static uint8_t peer[PMHS_MESSAGE_MAX];
	int nmsgs = hs_noise_nmsgs(o), ret;
	struct hs hs;
	size_t len;

	ret = hs_prepare(o, &hs);
	if (!ret)
		ret = hs_noise_start(o, &hs);
	for (int i = 0; !ret && i < nmsgs; i++) {
		if (hs_noise_ours(o, i)) {
			if (i)
				ret = hs_noise_write(o, &hs);
			if (!ret)
				hs_print_message(o, &hs, i == nmsgs - 1);
		} else {
			ret = hs_read_peer(o, &hs, peer, &len);
			if (!ret)
				ret = hs_noise_read(o, &hs, peer, len);
		}
	}
	if (!ret)
		ret = hs_noise_report(o, &hs);
	hs_free(&hs);
	return ret;
}

static int run(const struct hs_opts *o)
{
	static uint8_t peer[PMHS_MESSAGE_MAX];
	bool have_peer = false;
	struct hs hs;
	size_t len = 0;
	int ret = hs_prepare(o, &hs);

	/* A receiver sends nothing: read first, so bad input fails early. */
	if (!ret && o->mode == PMHS_MODE_RSA_HALF_RECEIVE) {
		ret = hs_read_peer(o, &hs, peer, &len);
		have_peer = true;
	}
	if (!ret)
		ret = hs_start(o, &hs);
	if (!ret && hs.msg)
		hs_print_message(o, &hs, false);
	if (!ret && !have_peer && o->mode != PMHS_MODE_RSA_HALF_SEND)
		ret = hs_read_peer(o, &hs, peer, &len);
	if (!ret && o->mode != PMHS_MODE_RSA_HALF_SEND)
		ret = hs_finish(&hs, peer, len);
	if (!ret)
		ret = hs_report(o, &hs);
	hs_free(&hs);
	return ret;
}

int handshake_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		HS_LONG_OPTIONS,
		{ "peer-message-file", required_argument, NULL, HS_OPT_PEER_MSG_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct hs_opts o = { .mode = -1, .oaep = -1, .noise.role = -1 };
	int c, ret;

	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(PMHS_EXIT_OK);
	o.mode = hs_mode_from_name(argv[1]);
	if (hs_is_opaque(o.mode)) {
		fprintf(stderr, "%s: handshake: the OPAQUE modes are pmhs-ctl opaque register "
			"and opaque login\n", prog);
		return PMHS_EXIT_USAGE;
	}
	if (o.mode < 0) {
		fprintf(stderr, "%s: handshake: unknown mode '%s'\n", prog, argv[1]);
		return usage(PMHS_EXIT_USAGE);
	}
	optind = 1;
	while ((c = ctl_getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(PMHS_EXIT_OK);
		if (c == HS_OPT_PEER_MSG_FILE) {
			o.peer_msg_file = optarg;
			continue;
		}
		ret = hs_handle_opt(&o, c, optarg);
		if (ret <= 0)
			return usage(PMHS_EXIT_USAGE);
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: handshake: unexpected argument '%s'\n", prog, argv[optind + 1]);
		return usage(PMHS_EXIT_USAGE);
	}
	ret = hs_validate(&o, true);
	if (ret)
		return ret;
	return o.mode == PMHS_MODE_NOISE ? run_noise(&o) : run(&o);
}
