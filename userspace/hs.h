/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_HS_H
#define PMHS_HS_H

/*
 * One handshake as pmhs-ctl drives it, shared by `handshake` (messages
 * pasted as hex lines) and `listen`/`connect` (messages in TCP frames).
 * The module does the cryptography; this holds the options, loads the
 * password or the peer's key, and keeps the one libpmhs handle that owns
 * the session from session-new to session-recv.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyfile.h"
#include "password.h"

struct hs_opts {
	int mode;			/* PMHS_MODE_*, -1 until given */
	const char *identity;		/* RSA: our identity's name */
	const char *peer_key;		/* RSA: --peer-key FILE */
	const char *peer_name;		/* RSA: --peer NAME (pin store) */
	bool tofu;
	struct pw_source pw;		/* password mode */
	uint32_t iterations;		/* 0: the module's default */
	int32_t keyring;		/* 0: the session keyring */
	bool logon, module_keyring, show_secret;
	const char *description;
	int oaep;			/* PMHS_OAEP_HASH_*, -1: default (sha1) */
	const char *peer_msg_file;	/* handshake only */
	int timeout;			/* listen/connect: seconds */
};

enum {
	HS_OPT_IDENTITY = 0x200,
	HS_OPT_PEER_KEY,
	HS_OPT_PEER,
	HS_OPT_TOFU,
	HS_OPT_ITERATIONS,
	HS_OPT_KEYRING,
	HS_OPT_LOGON,
	HS_OPT_DESCRIPTION,
	HS_OPT_MODULE_KEYRING,
	HS_OPT_OAEP,
	HS_OPT_SHOW_SECRET,
	HS_OPT_PEER_MSG_FILE,
	HS_OPT_MODE,
	HS_OPT_TIMEOUT,
	HS_OPT_KTLS,
};

#define HS_LONG_OPTIONS \
	PW_LONG_OPTIONS, \
	{ "identity", required_argument, NULL, HS_OPT_IDENTITY }, \
	{ "peer-key", required_argument, NULL, HS_OPT_PEER_KEY }, \
	{ "peer", required_argument, NULL, HS_OPT_PEER }, \
	{ "tofu", no_argument, NULL, HS_OPT_TOFU }, \
	{ "iterations", required_argument, NULL, HS_OPT_ITERATIONS }, \
	{ "keyring", required_argument, NULL, HS_OPT_KEYRING }, \
	{ "logon", no_argument, NULL, HS_OPT_LOGON }, \
	{ "description", required_argument, NULL, HS_OPT_DESCRIPTION }, \
	{ "module-keyring", no_argument, NULL, HS_OPT_MODULE_KEYRING }, \
	{ "oaep-hash", required_argument, NULL, HS_OPT_OAEP }, \
	{ "show-secret", no_argument, NULL, HS_OPT_SHOW_SECRET }

#define HS_USAGE_COMMON \
	"RSA modes:\n" \
	"  --identity NAME        our identity in the module (pmhs-ctl identity list)\n" \
	"  --peer-key FILE        the peer's public key (PEM), distributed beforehand\n" \
	"  --peer NAME            the peer's key from the pin store (pmhs-ctl pin);\n" \
	"                         with --peer-key too: the file must match NAME's pin\n" \
	"  --tofu                 with --peer and --peer-key: pin an unknown NAME\n" \
	"  --oaep-hash sha1|sha256  OAEP hash, both sides alike (default sha1, the\n" \
	"                         reference's)\n" \
	"Password mode:\n" \
	"  --iterations N         PBKDF2 iterations, both sides alike (default 100000)\n" \
	PW_USAGE \
	"Where the secret goes:\n" \
	"  --keyring @s|@u|@p|@t|@us|@g|SERIAL  keyring to publish in (default @s)\n" \
	"  --logon                a logon key: never readable from userspace\n" \
	"  --description DESC     key description (default pmhs:<session id>;\n" \
	"                         a logon key's needs a \"prefix:\")\n" \
	"  --module-keyring       the module's own .pmhs keyring (a logon key)\n" \
	"  --show-secret          print the secret in hex too (user keys only)\n"

struct pmhs;

struct hs {
	struct pmhs *h;
	uint32_t id;			/* session id */
	uint8_t *msg;			/* our message, NULL for half-receive */
	size_t msg_len;
	int32_t serial;			/* published key, 0 until done */
	struct pmhs_key peer;		/* RSA */
	bool have_peer;
	char *pw;			/* password mode, wiped */
};

/* 1 if @c was a handshake option, 0 if not, -1 if bad (message printed). */
int hs_handle_opt(struct hs_opts *o, int c, const char *arg);
/* A PMHS_MODE_* for NAME (password, mutual, half-send, half-receive, ...). */
int hs_mode_from_name(const char *name);
const char *hs_mode_name(int mode);
/* Check the combination; prints why not. PMHS_EXIT_OK or _USAGE. */
int hs_validate(const struct hs_opts *o, bool manual);

/* Read the password or load the peer's key: no kernel yet. PMHS_EXIT_*. */
int hs_prepare(const struct hs_opts *o, struct hs *hs);
/* Our message as the line we print: the hsub text (password) or hex. */
char *hs_message_text(int mode, const uint8_t *msg, size_t len);

/* Open the netlink socket and session-new; our message in hs->msg. */
int hs_start(const struct hs_opts *o, struct hs *hs);
/* session-recv with the peer's (raw) message; key serial in hs->serial. */
int hs_finish(struct hs *hs, const uint8_t *msg, size_t len);
/* Print "serial N" (and the secret if asked), or the JSON object. */
int hs_report(const struct hs_opts *o, const struct hs *hs);
void hs_free(struct hs *hs);

/*
 * Decode the peer's text line (one trailing newline allowed): hex to bytes
 * for RSA modes, checked hsub text for password mode. *@len out.
 * -1 with the reason in @err.
 */
int hs_decode_peer(int mode, const char *text, size_t text_len, uint8_t *out,
		   size_t out_max, size_t *len, char *err, size_t err_len);

#endif
