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

#include <linux/pmhs.h>

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
	struct hs_noise_opts {		/* noise mode */
		int pattern;		/* HS_NOISE_XX or HS_NOISE_KK, 0: XX */
		int suite;		/* HS_NOISE_CHACHAPOLY or _AESGCM, 0: chachapoly */
		int role;		/* PMHS_ROLE_*, -1 until given */
		const char *key_file;	/* X25519 key file, imported for this run */
		const char *remote_static;	/* 64 hex */
		const char *psk_file;
		const char *node_id;
		int kdf;		/* HS_NOISE_KDF_*, 0: argon2id */
		const char *prologue_file;
		const char *payload_file;
		int given;		/* noise options seen */
	} noise;
	struct hs_opaque_opts {		/* opaque modes */
		bool server;		/* --server (listen: always) */
		const char *user;	/* credential identifier */
		const char *store;	/* NULL: HS_OPAQUE_STORE */
		bool replace;
		bool user_key;		/* login server: a user key, not logon */
		bool b64url;		/* print base64url, not hex */
		uint32_t m_kib, t, p;	/* KSF; 0: opaque-ke's default */
		const char *context;
		const char *client_id;
		const char *server_id;
		const char *peer_tag;	/* login server: who asks (manual) */
		int given;		/* opaque options seen */
	} opaque;
};

enum { HS_NOISE_XX = 1, HS_NOISE_KK };
enum { HS_NOISE_CHACHAPOLY = 1, HS_NOISE_AESGCM };
enum { HS_NOISE_KDF_ARGON2ID = 1, HS_NOISE_KDF_PBKDF2 };

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
	HS_OPT_PATTERN,
	HS_OPT_SUITE,
	HS_OPT_INITIATOR,
	HS_OPT_RESPONDER,
	HS_OPT_KEY_FILE,
	HS_OPT_REMOTE_STATIC,
	HS_OPT_PSK_FILE,
	HS_OPT_NODE_ID,
	HS_OPT_KDF,
	HS_OPT_PROLOGUE_FILE,
	HS_OPT_PAYLOAD_FILE,
	HS_OPT_SERVER,
	HS_OPT_SETUP,
	HS_OPT_USER,
	HS_OPT_STORE,
	HS_OPT_REPLACE,
	HS_OPT_USER_KEY,
	HS_OPT_PEER_TAG,
	HS_OPT_BASE64URL,
	HS_OPT_KSF_MEMORY,
	HS_OPT_KSF_PASSES,
	HS_OPT_KSF_LANES,
	HS_OPT_CONTEXT,
	HS_OPT_CLIENT_ID,
	HS_OPT_SERVER_ID,
};

/* Where the server keeps its users' OPAQUE records unless --store says. */
#define HS_OPAQUE_STORE "/var/lib/pmhs/opaque"

/* Options of the opaque modes only (opaque register/login, --mode opaque-*). */
#define HS_OPAQUE_LONG_OPTIONS \
	{ "setup", required_argument, NULL, HS_OPT_SETUP }, \
	{ "user", required_argument, NULL, HS_OPT_USER }, \
	{ "store", required_argument, NULL, HS_OPT_STORE }, \
	{ "replace", no_argument, NULL, HS_OPT_REPLACE }, \
	{ "user-key", no_argument, NULL, HS_OPT_USER_KEY }, \
	{ "peer-tag", required_argument, NULL, HS_OPT_PEER_TAG }, \
	{ "ksf-memory", required_argument, NULL, HS_OPT_KSF_MEMORY }, \
	{ "ksf-passes", required_argument, NULL, HS_OPT_KSF_PASSES }, \
	{ "ksf-lanes", required_argument, NULL, HS_OPT_KSF_LANES }, \
	{ "context", required_argument, NULL, HS_OPT_CONTEXT }, \
	{ "client-identity", required_argument, NULL, HS_OPT_CLIENT_ID }, \
	{ "server-identity", required_argument, NULL, HS_OPT_SERVER_ID }

#define HS_USAGE_OPAQUE \
	"OPAQUE modes (RFC 9807 OPAQUE-3DH, ristretto255-SHA512, as opaque-ke 4):\n" \
	"  --user NAME            the user (credential identifier): the server's,\n" \
	"                         and over TCP the client's, which sends it\n" \
	"  --identity NAME        server: its opaque-server identity in the module\n" \
	"                         (pmhs-ctl opaque setup, identity import); also --setup\n" \
	"  --store DIR            server: the users' records (default " HS_OPAQUE_STORE ")\n" \
	"  --replace              server, register: replace the user's record\n" \
	"  --user-key             server, login: publish the session key as a user\n" \
	"                         key (default logon: only the kernel uses it)\n" \
	"  --peer-tag STR         server, login: who asks (e.g. the client's address);\n" \
	"                         the module counts failed logins per user and per\n" \
	"                         this (listen passes the client's address itself)\n" \
	"  --ksf-memory KIB, --ksf-passes N, --ksf-lanes N  client: Argon2id m, t, p\n" \
	"                         (default 19456, 2, 1 as opaque-ke's Argon2::default());\n" \
	"                         a registration and its logins must use the same\n" \
	"  --context STR          both sides the same (default empty)\n" \
	"  --client-identity STR, --server-identity STR  both sides the same\n" \
	"                         (default: the public keys)\n"


/* Options of the noise mode only (handshake noise, listen/connect --mode noise-*). */
#define HS_NOISE_LONG_OPTIONS \
	{ "pattern", required_argument, NULL, HS_OPT_PATTERN }, \
	{ "suite", required_argument, NULL, HS_OPT_SUITE }, \
	{ "initiator", no_argument, NULL, HS_OPT_INITIATOR }, \
	{ "responder", no_argument, NULL, HS_OPT_RESPONDER }, \
	{ "key-file", required_argument, NULL, HS_OPT_KEY_FILE }, \
	{ "remote-static", required_argument, NULL, HS_OPT_REMOTE_STATIC }, \
	{ "psk-file", required_argument, NULL, HS_OPT_PSK_FILE }, \
	{ "node-id", required_argument, NULL, HS_OPT_NODE_ID }, \
	{ "kdf", required_argument, NULL, HS_OPT_KDF }, \
	{ "prologue-file", required_argument, NULL, HS_OPT_PROLOGUE_FILE }, \
	{ "payload-file", required_argument, NULL, HS_OPT_PAYLOAD_FILE }

#define HS_USAGE_NOISE \
	"Noise mode (HiveMind v3: Noise_XXpsk2 / Noise_KKpsk0, 25519, SHA256):\n" \
	"  --initiator, --responder  handshake noise: our side (the initiator\n" \
	"                         writes the first message; connect is the initiator)\n" \
	"  --pattern xx|kk        handshake noise: XXpsk2 (default) or KKpsk0\n" \
	"  --suite chachapoly|aesgcm  cipher of the protocol (default chachapoly)\n" \
	"  --identity NAME        our X25519 static key in the module\n" \
	"  --key-file FILE        or a key file (64 hex, mode 0600, as `noise genkey -o`\n" \
	"                         writes), imported for this handshake only\n" \
	"  --remote-static HEX    the peer's static public key (64 hex); KK needs it\n" \
	"  --peer NAME            the peer's key from the pin store: XX pins an\n" \
	"                         unknown NAME on first use, KK needs it pinned\n" \
	"  --psk-file FILE        the PSK: 32 bytes, raw or as 64 hex (mode 0600)\n" \
	"  --password-file FILE   or derive the PSK from a password (also\n" \
	"                         --password-stdin, --password-key, the terminal)\n" \
	"  --node-id ID           the server's node id: salt SHA-256(ID)\n" \
	"  --kdf argon2id|pbkdf2  PSK derivation (default argon2id; pbkdf2 takes\n" \
	"                         --iterations, default 100000)\n" \
	"  --prologue-file FILE   prologue bytes, the same on both sides\n" \
	"  --payload-file FILE    payload of our first handshake message\n"


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
	{ "show-secret", no_argument, NULL, HS_OPT_SHOW_SECRET }, \
	HS_NOISE_LONG_OPTIONS

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
	struct hs_noise *noise;		/* noise mode */
	struct hs_opaque *opaque;	/* opaque modes */
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
char *hs_message_text(const struct hs_opts *o, const uint8_t *msg, size_t len);

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

/*
 * The manual exchange (handshake.c): read the peer's line from stdin or
 * --peer-message-file, decoded (@hs: the opaque modes' state, else
 * unused); print our message as a line.
 */
int hs_read_peer(const struct hs_opts *o, const struct hs *hs, uint8_t *msg, size_t *len);
void hs_print_message(const struct hs_opts *o, const struct hs *hs, bool last);

/* Shared with noise-hs.c. */
struct pmhs_publish;
struct json_object;
void hs_publish_from_opts(const struct hs_opts *o, struct pmhs_publish *pub);
void hs_settle_keyring(const struct hs_opts *o);
char *hs_secret_hex(int32_t serial);
void hs_free_secret(char *hex);
/*
 * The end of every report: the secret (hex, may be NULL) printed as a
 * "secret" line, or added to @j and @j printed (when @j is not NULL);
 * every copy wiped and freed. PMHS_EXIT_OK.
 */
int hs_report_end(struct json_object *j, char *secret);

/* ---- noise mode (noise-hs.c) ---- */

/* 1 if @c was a noise option, 0 if not, -1 if bad (message printed). */
int hs_noise_opt(struct hs_opts *o, int c, const char *arg);
int hs_noise_validate(const struct hs_opts *o, bool manual);
/* Read PSK, prologue, payload, peer's key: no kernel yet. PMHS_EXIT_*. */
int hs_noise_prepare(const struct hs_opts *o, struct hs *hs);
/* "Noise_XXpsk2_25519_ChaChaPoly_SHA256" and so on. */
const char *hs_noise_protocol(const struct hs_opts *o);
/* How many handshake messages, and whether message @i (from 0) is ours. */
int hs_noise_nmsgs(const struct hs_opts *o);
bool hs_noise_ours(const struct hs_opts *o, int i);
/* Open the handle, import a --key-file, session-new; our message 1 (initiator) in hs->msg. */
int hs_noise_start(const struct hs_opts *o, struct hs *hs);
/* Our next message into hs->msg (hs->msg_len). */
int hs_noise_write(const struct hs_opts *o, struct hs *hs);
/* The peer's message; checks its static key against --remote-static/--peer once known. */
int hs_noise_read(const struct hs_opts *o, struct hs *hs, const uint8_t *msg, size_t len);
int hs_noise_report(const struct hs_opts *o, const struct hs *hs);
/* Revoke a published key (a failure after the module finished). */
void hs_noise_revoke(struct hs *hs);
void hs_noise_free(struct hs *hs);

/* ---- opaque modes (opaque-hs.c) ---- */

static inline bool hs_is_opaque(int mode)
{
	return mode == PMHS_MODE_OPAQUE_REGISTER || mode == PMHS_MODE_OPAQUE_LOGIN;
}

/* 1 if @c was an opaque option, 0 if not, -1 if bad (message printed). */
int hs_opaque_opt(struct hs_opts *o, int c, const char *arg);
int hs_opaque_validate(const struct hs_opts *o, bool manual);
/* Client: read the password. Server: the user of --user. No kernel yet. */
int hs_opaque_prepare(const struct hs_opts *o, struct hs *hs);
/* Server over TCP: the user the client named. */
int hs_opaque_set_user(struct hs *hs, const void *user, size_t len);
/* Server over TCP: who asks (the client's address), for the login limiter. */
void hs_opaque_set_peer(struct hs *hs, const void *peer, size_t len);
/* Server: the user's record (or none), refusing a re-registration. No kernel. */
int hs_opaque_check_store(const struct hs_opts *o, struct hs *hs);
/* Open the handle; the client's first message into hs->msg. */
int hs_opaque_start(const struct hs_opts *o, struct hs *hs);
/* Three messages, the client's first: is message @i ours? */
bool hs_opaque_ours(const struct hs_opts *o, int i);
/* Bytes of the peer's next message, and what it is called. */
size_t hs_opaque_expect(const struct hs_opts *o, const struct hs *hs);
const char *hs_opaque_expect_name(const struct hs_opts *o, const struct hs *hs);
/* Decode a line: hex or base64url (unpadded or padded), @want bytes. */
int hs_opaque_decode(const char *text, size_t len, size_t want, const char *what,
		     uint8_t *out, size_t *out_len, char *err, size_t err_len);
/* The peer's message; our answer (if any) into hs->msg. */
int hs_opaque_read(const struct hs_opts *o, struct hs *hs, const uint8_t *msg, size_t len);
int hs_opaque_report(const struct hs_opts *o, const struct hs *hs);
/* The peer's input ended before its next message. */
int hs_opaque_peer_eof(const struct hs_opts *o, const struct hs *hs, const char *from);
/* The message when the other side gives up at @i (a RESULT in its place). */
int hs_opaque_peer_failed(const struct hs_opts *o, int i);
void hs_opaque_revoke(struct hs *hs);
void hs_opaque_free(struct hs *hs);

#endif
