/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpmhs: talk to the pmhs kernel module (generic netlink family "pmhs")
 * without knowing its attributes. See docs/libpmhs.md.
 *
 * Conventions:
 *  - Every call that can fail returns 0 (or a count) on success and a
 *    negative errno on failure. The kernel's explanation (extended ack),
 *    if it sent one, is then available from pmhs_errmsg().
 *  - A handle is one netlink socket; calls on one handle are serialised
 *    by a mutex, so a handle may be shared between threads. Sessions
 *    belong to the socket that made them: closing the handle destroys
 *    its unfinished sessions in the module.
 *  - Parameter and result structs start with a size member: set it to
 *    sizeof(the struct) (PMHS_INIT does). Fields added later go at the
 *    end, so a program built against an older header keeps working.
 *  - Output buffers are the caller's: *_max is their size, *_len the
 *    length written; -ENOSPC if the kernel's answer does not fit.
 *  - The library prints nothing and never exits.
 */
#ifndef PMHS_PMHS_H
#define PMHS_PMHS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <linux/pmhs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Set the size member of a parameter or result struct. */
#define PMHS_INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

/* SHA-256 fingerprint of an SPKI public key. */
#define PMHS_FP_LEN	32

struct pmhs;

/*
 * Connect and resolve the family; resolving lets the kernel autoload
 * pmhs.ko. -ENOENT: the module is not loaded and cannot be loaded.
 * -EPROTONOSUPPORT: the loaded module speaks another netlink family
 * version (PMHS_FAMILY_VERSION) than this library: install matching
 * versions of the module and the library.
 */
int pmhs_open(struct pmhs **hp);
/* The same with netlink port id @port (0: any); -EADDRINUSE if taken. */
int pmhs_open_port(struct pmhs **hp, uint32_t port);
void pmhs_close(struct pmhs *h);

/*
 * The kernel's message (extended ack) from the last call on @h, "" if
 * none. Valid until the next call on @h: threads sharing a handle should
 * use pmhs_errmsg_copy().
 */
const char *pmhs_errmsg(struct pmhs *h);
/* Copy it into @buf (NUL-terminated); returns its length. */
size_t pmhs_errmsg_copy(struct pmhs *h, char *buf, size_t len);
/* The netlink socket, for poll() or tests; do not read from it. */
int pmhs_fd(struct pmhs *h);

/* ---- module information and configuration ---- */

struct pmhs_version {
	uint32_t size;
	uint32_t proto_version;		/* PMHS_PROTO_VERSION of the module */
	uint32_t modes;			/* PMHS_MODE_FLAGS_* */
	uint32_t live_sessions;
	uint32_t live_identities;
	char module_version[64];
};
int pmhs_get_version(struct pmhs *h, struct pmhs_version *v);

/* Which members of struct pmhs_config are meant (set) or were present (get). */
enum pmhs_config_field {
	PMHS_CONFIG_SESSION_TIMEOUT = 1 << 0,
	PMHS_CONFIG_ALLOW_RSA1024 = 1 << 1,
	PMHS_CONFIG_PW_FAIL_LIMIT = 1 << 2,
	PMHS_CONFIG_PW_FAIL_WINDOW = 1 << 3,
	PMHS_CONFIG_IDENTITIES = 1 << 4,	/* read-only count */
	PMHS_CONFIG_SESSIONS = 1 << 5,		/* read-only count */
};

struct pmhs_config {
	uint32_t size;
	uint32_t fields;		/* enum pmhs_config_field bits */
	uint32_t session_timeout;	/* seconds */
	uint32_t allow_rsa1024;		/* 0 or 1 */
	uint32_t pw_fail_limit;
	uint32_t pw_fail_window;	/* seconds */
	uint32_t identities;		/* this netns */
	uint32_t sessions;
};
int pmhs_config_get(struct pmhs *h, struct pmhs_config *c);
/* Sets the members named in c->fields (needs CAP_NET_ADMIN). */
int pmhs_config_set(struct pmhs *h, const struct pmhs_config *c);

/* ---- identities (RSA private keys held by the module) ---- */

struct pmhs_identity {
	uint32_t size;
	uint32_t bits;
	char name[PMHS_NAME_MAX + 1];
	uint8_t fingerprint[PMHS_FP_LEN];	/* SHA-256 of the public key's SPKI DER */
	uint32_t cred_type;		/* PMHS_CRED_TYPE_* */
};

/* Import a PKCS#1 RSAPrivateKey DER as @name; @out (may be NULL) gets its data. */
int pmhs_identity_import_der(struct pmhs *h, const char *name, const void *der,
			     size_t len, struct pmhs_identity *out);
/*
 * The same from a PEM or DER file's contents: PKCS#1 or PKCS#8 (not
 * encrypted). The decoded key is wiped before return.
 */
int pmhs_identity_import(struct pmhs *h, const char *name, const void *data,
			 size_t len, struct pmhs_identity *out);
/*
 * Import a raw 32-byte X25519 private key (a Noise static key) as @name.
 * The module keeps it; only the public half ever comes back.
 */
int pmhs_identity_import_x25519(struct pmhs *h, const char *name, const uint8_t priv[32],
				struct pmhs_identity *out);
/*
 * An OPAQUE server setup (128 bytes of seeds, pmhs_opaque_setup_generate()
 * or a setup file) as an identity: the module derives the key pairs; the
 * identity's public key is the raw 32-byte ristretto255 key.
 */
int pmhs_identity_import_opaque(struct pmhs *h, const char *name,
				const uint8_t setup[128], struct pmhs_identity *out);
int pmhs_identity_get(struct pmhs *h, const char *name, struct pmhs_identity *out);
/* The public key as SPKI DER. */
int pmhs_identity_pubkey(struct pmhs *h, const char *name, void *spki, size_t spki_max,
			 size_t *spki_len);
/* Call @cb for every identity of this network namespace; a non-zero return stops. */
int pmhs_identity_foreach(struct pmhs *h,
			  int (*cb)(const struct pmhs_identity *id, void *arg), void *arg);
int pmhs_identity_delete(struct pmhs *h, const char *name);

/* ---- sessions ---- */

/* Where the secret of a finished handshake is published. */
struct pmhs_publish {
	uint32_t size;
	int32_t keyring;		/* serial or KEY_SPEC_*; 0: the session keyring */
	uint32_t key_type;		/* PMHS_KEY_TYPE_*; 0: the mode's default */
	uint32_t flags;			/* PMHS_PUBLISH_* */
	const char *description;	/* NULL: pmhs:<session id> */
};
#define PMHS_PUBLISH_MODULE_KEYRING	(1u << 0)	/* the module's own keyring */
/*
 * A user key even where the mode's default is logon (the OPAQUE server's
 * session key): every other mode publishes user keys unless key_type
 * says PMHS_KEY_TYPE_LOGON.
 */
#define PMHS_PUBLISH_USER_KEY		(1u << 1)

struct pmhs_session_params {
	uint32_t size;
	uint32_t mode;			/* enum pmhs_mode */
	/* RSA modes */
	const char *identity;
	const void *peer_pubkey;	/* SPKI DER */
	size_t peer_pubkey_len;
	int32_t oaep_hash;		/* PMHS_OAEP_HASH_*, -1: the module's default */
	/* password mode: password or password_key (a user key's serial) */
	int32_t password_key;
	const void *password;
	size_t password_len;
	uint32_t iterations;		/* 0: default */
	uint32_t hsub_len;		/* 0: default */
	const void *iv;			/* 8 bytes for known answers, NULL: random */
	size_t iv_len;
	const struct pmhs_publish *publish;	/* NULL: defaults */
	/* noise mode (identity above: our X25519 static key, if the pattern has one) */
	const char *noise_protocol;	/* e.g. "Noise_XXpsk2_25519_ChaChaPoly_SHA256" */
	uint32_t role;			/* PMHS_ROLE_INITIATOR or PMHS_ROLE_RESPONDER */
	const void *prologue;
	size_t prologue_len;
	const void *remote_static;	/* 32 bytes, or NULL */
	const void *psk;		/* 32 bytes, or NULL (wiped after sending) */
	int32_t psk_key;		/* or a user/logon key's serial; 0: none */
	const void *payload;		/* our first message's payload (initiator) */
	size_t payload_len;
};

/* What a session step returns. */
struct pmhs_step {
	uint32_t size;
	uint32_t id;			/* the session */
	int32_t key_serial;		/* > 0 once done: the published secret */
	uint32_t reserved;
	void *msg;			/* in: buffer for our message to the peer */
	size_t msg_max;			/* in: its size (PMHS_MESSAGE_MAX is enough) */
	size_t msg_len;			/* out: 0 if there is none */
	/* noise mode */
	void *payload;			/* in: buffer for the peer's payload, or NULL */
	size_t payload_max;		/* in: its size */
	size_t payload_len;		/* out */
	uint32_t flags;			/* out: PMHS_STEP_* */
	uint8_t handshake_hash[32];	/* out, once PMHS_STEP_DONE */
	uint8_t peer_static[32];	/* out, with PMHS_STEP_PEER_STATIC */
};
#define PMHS_STEP_DONE		(1u << 0)	/* the handshake is complete */
#define PMHS_STEP_OUR_TURN	(1u << 1)	/* our message is next */
#define PMHS_STEP_PEER_STATIC	(1u << 2)	/* peer_static is set */

/*
 * Start a handshake. Our first message (if the mode has one) goes to
 * @st->msg; a mode that is complete at once publishes its secret and
 * sets @st->key_serial. The request's password is wiped after sending.
 */
int pmhs_session_new(struct pmhs *h, const struct pmhs_session_params *p,
		     struct pmhs_step *st);
/*
 * Give session @id the peer's message. On success the secret is
 * published (@st->key_serial). A refused message (-EBADMSG,
 * -EKEYREJECTED) fails the session for good. @publish may be NULL.
 * @st is written afresh (msg_len 0 if no message follows): use another
 * struct than the one whose message still has to reach the peer.
 */
int pmhs_session_step(struct pmhs *h, uint32_t id, const void *peer_msg, size_t len,
		      const struct pmhs_publish *publish, struct pmhs_step *st);
/*
 * noise mode: read @peer_msg (if not NULL), then, with PMHS_STEP_WRITE and
 * if it is our turn, write our next message carrying @payload. Without a
 * peer message, PMHS_STEP_WRITE alone writes. The peer's payload goes to
 * @st->payload.
 */
#define PMHS_STEP_WRITE		(1u << 0)
int pmhs_session_step_payload(struct pmhs *h, uint32_t id, const void *peer_msg,
			      size_t len, const void *payload, size_t payload_len,
			      unsigned int flags, const struct pmhs_publish *publish,
			      struct pmhs_step *st);

struct pmhs_session_info {
	uint32_t size;
	uint32_t id;
	uint32_t mode;			/* enum pmhs_mode */
	uint32_t state;			/* enum pmhs_state */
	uint32_t expires;		/* seconds left */
	int32_t key_serial;		/* 0 if none */
	uint32_t has_peer_fingerprint;
	char identity[PMHS_NAME_MAX + 1];
	uint8_t peer_fingerprint[PMHS_FP_LEN];
	/* noise mode */
	uint32_t flags;			/* PMHS_STEP_* */
	uint8_t handshake_hash[32];
	uint8_t peer_static[32];
};
int pmhs_session_result(struct pmhs *h, uint32_t id, struct pmhs_session_info *info);
int pmhs_session_foreach(struct pmhs *h,
			 int (*cb)(const struct pmhs_session_info *s, void *arg), void *arg);
int pmhs_session_delete(struct pmhs *h, uint32_t id);

/*
 * Noise transport through a finished noise session's CipherStates, which
 * never leave the kernel. @out needs @in_len + 16 (encrypt) bytes. A
 * message that fails to decrypt (-EBADMSG) ends the session for good.
 * @nonce (may be NULL) gets the nonce used.
 */
int pmhs_session_encrypt(struct pmhs *h, uint32_t id, const void *ad, size_t ad_len,
			 const void *in, size_t in_len, void *out, size_t out_max,
			 size_t *out_len, uint64_t *nonce);
int pmhs_session_decrypt(struct pmhs *h, uint32_t id, const void *ad, size_t ad_len,
			 const void *in, size_t in_len, void *out, size_t out_max,
			 size_t *out_len, uint64_t *nonce);
/* @direction: PMHS_AEAD_DIRECTION_ENCRYPT (ours) or _DECRYPT (the peer's). */
int pmhs_session_rekey(struct pmhs *h, uint32_t id, uint32_t direction);

/* ---- secrets into the kernel's transports ---- */

struct pmhs_ktls_params {
	uint32_t size;
	int fd;				/* connected TCP socket */
	int32_t key_serial;		/* handshake secret; consumed */
	uint32_t role;			/* enum pmhs_role */
	uint32_t cipher;		/* enum pmhs_tls_cipher */
	const void *nonce;		/* 32 bytes or NULL (with peer_nonce) */
	const void *peer_nonce;
	size_t nonce_len, peer_nonce_len;
};
int pmhs_ktls_install(struct pmhs *h, const struct pmhs_ktls_params *p);

struct pmhs_ipsec_params {
	uint32_t size;
	uint32_t flags;			/* PMHS_IPSEC_* */
	int32_t key_serial;		/* 0: none (down by SPIs) */
	uint32_t role;			/* enum pmhs_role */
	uint32_t local, remote;		/* IPv4, network byte order */
	uint32_t spi_i2r, spi_r2i;	/* 0: derived; up returns those used */
	uint32_t reqid;			/* with PMHS_IPSEC_REQID */
	const void *nonce;		/* 32 bytes or NULL (with peer_nonce) */
	const void *peer_nonce;
	size_t nonce_len, peer_nonce_len;
	uint32_t alg;			/* PMHS_ESP_ALG_*; 0: AES-GCM-256 */
};
#define PMHS_IPSEC_REQID	(1u << 0)
/* Install the SAs and policies; sets p->spi_i2r and p->spi_r2i. */
int pmhs_ipsec_up(struct pmhs *h, struct pmhs_ipsec_params *p);
int pmhs_ipsec_down(struct pmhs *h, const struct pmhs_ipsec_params *p);

/* ---- single-shot RSA and hybrid operations ---- */

/* @oaep_hash: PMHS_OAEP_HASH_*, -1: the module's default. */
int pmhs_rsa_encrypt(struct pmhs *h, const void *spki, size_t spki_len, int oaep_hash,
		     const void *in, size_t in_len, void *out, size_t out_max,
		     size_t *out_len);
int pmhs_rsa_decrypt(struct pmhs *h, const char *identity, int oaep_hash,
		     const void *in, size_t in_len, void *out, size_t out_max,
		     size_t *out_len);
int pmhs_rsa_sign(struct pmhs *h, const char *identity, const void *in, size_t in_len,
		  void *sig, size_t sig_max, size_t *sig_len);
/* 0 if @sig verifies, -EBADMSG or -EKEYREJECTED if not. */
int pmhs_rsa_verify(struct pmhs *h, const void *spki, size_t spki_len,
		    const void *in, size_t in_len, const void *sig, size_t sig_len);
/* File descriptors in, file descriptors out; *out_len: bytes written. */
int pmhs_hybrid_encrypt(struct pmhs *h, const void *spki, size_t spki_len, int oaep_hash,
			int in_fd, int out_fd, uint64_t *out_len);
int pmhs_hybrid_decrypt(struct pmhs *h, const char *identity, int oaep_hash,
			int in_fd, int out_fd, uint64_t *out_len);

/* ---- known-answer operations: the module's primitives, for tests ---- */

struct pmhs_kdf_params {
	uint32_t size;
	uint32_t alg;			/* enum pmhs_kdf_alg */
	uint32_t iterations;		/* PBKDF2 */
	uint32_t length;		/* output bytes asked for (PBKDF2, HKDF); 0: none */
	const void *key;		/* password / HMAC key / HKDF IKM */
	size_t key_len;
	const void *salt;		/* NULL: none */
	size_t salt_len;
	const void *info;		/* HKDF; NULL: none */
	size_t info_len;
	const void *input;		/* HMAC message; NULL: none */
	size_t input_len;
};
/* The output (*@got bytes) into @out; -ENOSPC if more than @out_max. */
int pmhs_kdf(struct pmhs *h, const struct pmhs_kdf_params *p, void *out, size_t out_max,
	     size_t *got);

struct pmhs_aead_params {
	uint32_t size;
	uint32_t direction;		/* enum pmhs_aead_direction */
	const void *key;
	size_t key_len;
	const void *iv;
	size_t iv_len;
	const void *aad;		/* NULL: none */
	size_t aad_len;
	const void *input;
	size_t input_len;
	const void *tag;		/* decrypt: the 16-byte tag */
	size_t tag_len;
};
/* AES-GCM. Encrypt fills @tag (16 bytes); decrypt fails -EBADMSG on a bad tag. */
int pmhs_aead(struct pmhs *h, const struct pmhs_aead_params *p, void *out, size_t out_max,
	      size_t *out_len, uint8_t tag[16]);

/*
 * Noise known answers: one side of an exchange with fixed keys (the
 * module's engine, no session). Steps alternate as the pattern says; a
 * write step gives @in as the payload, a read step @in as the message;
 * after the handshake, writes encrypt and reads decrypt transport messages.
 */
struct pmhs_noise_kat_step {
	const void *in;
	size_t in_len;
	int write;
	void *out;			/* in: buffer */
	size_t out_max;
	size_t out_len;			/* out */
};
struct pmhs_noise_kat {
	uint32_t size;
	const char *protocol;
	uint32_t role;
	const void *prologue;
	size_t prologue_len;
	const void *static_key;		/* 32 bytes or NULL */
	const void *ephemeral;		/* 32 bytes or NULL: random */
	const void *remote_static;	/* 32 bytes or NULL */
	const void *psk[2];
	unsigned int npsk;
	struct pmhs_noise_kat_step *steps;
	unsigned int nsteps;
	/* out */
	int has_hash;
	uint8_t handshake_hash[32];
	int fail_step;			/* -1 if every step ran */
	int fail_errno;			/* positive */
};
/* 0 when the module ran it (check fail_step), else -errno. */
int pmhs_noise_kat(struct pmhs *h, struct pmhs_noise_kat *k);

/* ---- Noise keys and PSKs: no module needed ---- */

#define PMHS_X25519_LEN		32
/* A fresh private key (clamped, as `wg genkey`). */
int pmhs_x25519_generate(uint8_t priv[PMHS_X25519_LEN]);
int pmhs_x25519_public(const uint8_t priv[PMHS_X25519_LEN], uint8_t pub[PMHS_X25519_LEN]);
/* SubjectPublicKeyInfo DER of a raw public key (44 bytes), for pins and fingerprints. */
#define PMHS_X25519_SPKI_LEN	44
void pmhs_x25519_spki(const uint8_t pub[PMHS_X25519_LEN], uint8_t spki[PMHS_X25519_SPKI_LEN]);
/*
 * Key files as upstream's NoiseHandShake writes them: 64 hex characters
 * of the raw private key (a trailing newline allowed), mode 0600. Loading
 * refuses a file that others can read (err says how to fix it); writing
 * refuses to replace a file unless PMHS_WRITE_REPLACE.
 */
int pmhs_x25519_load_file(const char *path, uint8_t priv[PMHS_X25519_LEN], char *err,
			  size_t err_len);
int pmhs_x25519_write_file(const char *path, const uint8_t priv[PMHS_X25519_LEN],
			   unsigned int flags, char *err, size_t err_len);

/*
 * HiveMind's PSK from a password: argon2id(t=3, m=64 MiB, p=1, 32 bytes)
 * with salt SHA-256(@node_id), or without a node id the constant
 * "poorman_handshake:noise:psk:v1"; or PBKDF2-HMAC-SHA256 with salt
 * SHA-256(@node_id). @node_id may be NULL (@node_id_len 0).
 */
#define PMHS_NOISE_PSK_SALT	"poorman_handshake:noise:psk:v1"
int pmhs_noise_psk_argon2id(const void *password, size_t len, const void *node_id,
			    size_t node_id_len, uint8_t psk[32]);
int pmhs_noise_psk_pbkdf2(const void *password, size_t len, const void *node_id,
			  size_t node_id_len, uint32_t iterations, uint8_t psk[32]);

/* ---- codecs: no module needed ---- */

/* Longest input pmhs_hex_decode() looks at: nothing pmhs handles is near this. */
#define PMHS_HEX_MAX_BYTES (64 * 1024)

/*
 * Strict hex: only [0-9a-fA-F], an even number of them, and at most one
 * trailing newline ("\n" or "\r\n", as `echo` and editors leave). Anything
 * else is an error whose message in @err names the position (counting from
 * 1) and the byte, because a secret that silently lost a character is worse
 * than a refusal. Returns the number of bytes written to @out, or -1.
 */
ssize_t pmhs_hex_decode(uint8_t *out, size_t out_max, const char *hex, size_t len,
			char *err, size_t err_len);
/* Lowercase, NUL-terminated: @out must hold 2 * @len + 1 bytes. */
void pmhs_hex_encode(char *out, const uint8_t *in, size_t len);

/*
 * TCP framing of handshake messages (pmhs-ctl listen/connect). Every
 * message on the wire is one frame:
 *
 *   offset size  field
 *        0    4  magic    "PMHS" (0x50 0x4d 0x48 0x53)
 *        4    1  version  PMHS_PROTO_VERSION from <linux/pmhs.h>
 *        5    1  mode     one PMHS_MODE_FLAGS_* value (exactly one bit)
 *        6    1  flags    meaning up to the mode; passed through as is
 *        7    1  type     which message of the mode's exchange this is
 *        8    4  length   payload length, big-endian, <= PMHS_FRAME_MAX_PAYLOAD
 *       12  len  payload
 *
 * A reader checks magic, version and mode, and refuses an oversized length
 * before reading a byte of payload, so a peer cannot make us allocate or
 * wait for more than PMHS_FRAME_MAX_PAYLOAD. Reads and writes are bounded
 * by one deadline for the whole frame, so a peer that trickles bytes
 * cannot hold a handshake open forever.
 *
 * The handshake over TCP is three frames each way, each sent without
 * waiting for the peer's frame of the same kind:
 *
 *   PMHS_FRAME_T_HELLO    mode: our handshake's PMHS_MODE_FLAGS_* bit;
 *                    payload 8 bytes: u32be PBKDF2 iterations (password
 *                    mode, else 0), u32be PMHS_OAEP_HASH_* (RSA modes,
 *                    else 0). Each side checks the peer's: the modes must
 *                    pair up (password with password, rsa-mutual with
 *                    rsa-mutual, rsa-half-send with rsa-half-receive) and
 *                    the parameters agree, or it stops with an error
 *                    naming both, before the module is asked for anything.
 *                    opaque: u32be 1 register or 2 login, u32be the length
 *                    of the user name that follows (the client's only).
 *   PMHS_FRAME_T_MESSAGE  our handshake message, raw as the module made it
 *                    (the hsub text; signature || ciphertext). The
 *                    half-receiver has none: its MESSAGE is empty,
 *                    meaning "ready".
 *   PMHS_FRAME_T_RESULT   after the side with a message to verify has
 *                    handed it to the module: 1 byte, PMHS_FRAME_RESULT_OK
 *                    (verified, our key is published) or
 *                    PMHS_FRAME_RESULT_FAIL.
 *
 * Both sides send their RESULT, even a failed one, and read the peer's
 * before closing (so no reset destroys a frame in flight). A side keeps
 * its key only if both results are OK; otherwise it revokes it, so a key
 * exists on one side only if it exists on both, short of a connection
 * lost between the two RESULTs. flags are 0.
 *
 *   PMHS_FRAME_T_NONCE    only with --ktls, after both RESULTs are OK: 32
 *                    fresh random bytes, this side's nonce for the kTLS
 *                    key schedule (docs/protocol.md). Each side sends its
 *                    own before reading the peer's.
 */
enum pmhs_frame_type {
	PMHS_FRAME_T_HELLO = 0,
	PMHS_FRAME_T_MESSAGE = 1,
	PMHS_FRAME_T_RESULT = 2,
	PMHS_FRAME_T_NONCE = 3,
};
#define PMHS_FRAME_NONCE_LEN		32
#define PMHS_FRAME_HELLO_LEN		8
#define PMHS_FRAME_RESULT_OK		0
#define PMHS_FRAME_RESULT_FAIL		1

#define PMHS_FRAME_MAGIC		"PMHS"
#define PMHS_FRAME_HDR_LEN		12
#define PMHS_FRAME_MAX_PAYLOAD		(64 * 1024)

/* What went wrong, for callers that act on it; the text says more. */
enum pmhs_frame_status {
	PMHS_FRAME_OK = 0,
	PMHS_FRAME_E_IO = -1,		/* read/write error (errno in the message) */
	PMHS_FRAME_E_TIMEOUT = -2,	/* deadline passed */
	PMHS_FRAME_E_CLOSED = -3,	/* peer closed before the first byte */
	PMHS_FRAME_E_TRUNCATED = -4,	/* peer closed in the middle of a frame */
	PMHS_FRAME_E_MAGIC = -5,	/* not a pmhs peer */
	PMHS_FRAME_E_VERSION = -6,	/* other wire protocol version */
	PMHS_FRAME_E_MODE = -7,		/* unknown mode, or not the one expected */
	PMHS_FRAME_E_TOOBIG = -8,	/* length above the limit */
	PMHS_FRAME_E_INVAL = -9,	/* caller's mistake (bad mode, payload too big) */
};

/* A frame's header as read; fixed by the wire format. */
struct pmhs_frame {
	uint8_t version;
	uint8_t mode;
	uint8_t flags;
	uint8_t type;
	uint32_t len;			/* bytes of payload in the caller's buffer */
};

/*
 * Write one frame. @timeout_ms bounds the whole write (< 0: no limit).
 * Returns PMHS_FRAME_OK or a negative enum pmhs_frame_status with @err
 * filled in. SIGPIPE is never raised.
 */
int pmhs_frame_write(int fd, uint8_t mode, uint8_t flags, uint8_t type,
		     const void *payload, size_t len, int timeout_ms,
		     char *err, size_t err_len);
/*
 * Read one frame into @f and @buf (@buf_max bytes; a frame bigger than
 * min(@buf_max, PMHS_FRAME_MAX_PAYLOAD) is refused unread). @expect_mode 0
 * takes any known mode, else only that one.
 */
int pmhs_frame_read(int fd, uint8_t expect_mode, struct pmhs_frame *f, void *buf,
		    size_t buf_max, int timeout_ms, char *err, size_t err_len);
/* Name of a PMHS_MODE_FLAGS_* value, or NULL. */
const char *pmhs_frame_mode_name(uint8_t mode);

/* ---- files: keys, fingerprints, atomic writes, the pin store ---- */

/*
 * These need no module. Each reports a failure as -errno and puts a
 * sentence for a person in @err (NUL-terminated, cut to @err_len; @err
 * may be NULL): the file's name and what to do about it.
 */

/* Lowercase hex and ssh-style "SHA256:<unpadded base64>", with their NULs. */
#define PMHS_FP_HEX_LEN		(2 * PMHS_FP_LEN + 1)
#define PMHS_FP_SHORT_LEN	(7 + 43 + 1)

/* SHA-256 of @spki (SubjectPublicKeyInfo DER), as `pmhs-ctl fingerprint`. */
int pmhs_fingerprint(const void *spki, size_t len, uint8_t fp[PMHS_FP_LEN]);
void pmhs_fp_hex(const uint8_t fp[PMHS_FP_LEN], char out[PMHS_FP_HEX_LEN]);
void pmhs_fp_short(const uint8_t fp[PMHS_FP_LEN], char out[PMHS_FP_SHORT_LEN]);

/* pmhs_write_atomic() and pmhs_key_generate(): replace an existing file. */
#define PMHS_WRITE_REPLACE	(1u << 0)

/*
 * Write @data to @path atomically: a temporary file in the same directory,
 * created O_EXCL with mode 0600 so no one can open it in between, chmod
 * to @mode (permission bits only), fsync, rename, fsync of the directory.
 * Without PMHS_WRITE_REPLACE an existing @path, even a symlink, is left
 * alone (-EEXIST); with it a symlink is replaced, never written through.
 */
int pmhs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      unsigned int flags, char *err, size_t err_len);

/*
 * RSA key files, PEM (the first block) or DER: private keys PKCS#1 ("RSA
 * PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"), public keys SPKI ("PUBLIC
 * KEY") or PKCS#1 ("RSA PUBLIC KEY"). Sizes outside PMHS_KEY_MIN_BITS..
 * PMHS_KEY_MAX_BITS are refused (which of those the module takes is its
 * policy), and so is a key that fails OpenSSL's consistency check.
 * Encrypted keys are refused, never prompted for. Errors: -ENOENT and the
 * other open()/read() errors, -EISDIR, -EBADMSG (not a key file, damaged,
 * too big), -ENOKEY (encrypted), -EOPNOTSUPP (not RSA, a certificate, a
 * public key where the private one is needed), -ERANGE (bits), -ENOMEM.
 */
#define PMHS_KEY_MIN_BITS	1024
#define PMHS_KEY_MAX_BITS	4096
#define PMHS_KEY_FILE_MAX	(64 * 1024)	/* a 4096-bit PEM key is ~3.3 KiB */

#define PMHS_KEY_F_PRIVATE	(1u << 0)	/* the file held a private key */

struct pmhs_key {
	uint32_t size;
	uint32_t bits;
	uint32_t flags;			/* PMHS_KEY_F_* */
	uint32_t file_mode;		/* permission bits of the file; 0: not a regular file */
	uint8_t *der;			/* PKCS#1 RSAPrivateKey DER, or NULL (public only) */
	size_t der_len;
	uint8_t *spki;			/* SubjectPublicKeyInfo DER */
	size_t spki_len;
};
/* @key: PMHS_INIT first. pmhs_key_free() wipes the private DER. */
int pmhs_key_load_private(const char *path, struct pmhs_key *key, char *err, size_t err_len);
/* @path may hold a public or a private key; only the public half is kept. */
int pmhs_key_load_public(const char *path, struct pmhs_key *key, char *err, size_t err_len);
/* Check and copy an SPKI DER (from the pin store, the module, a peer). */
int pmhs_key_from_spki(const void *spki, size_t len, struct pmhs_key *key,
		       char *err, size_t err_len);
void pmhs_key_free(struct pmhs_key *key);
/*
 * A new RSA key (2048, 3072 or 4096 bits, e = 65537) written to @path as
 * PKCS#1 PEM, mode 0600, by pmhs_write_atomic() with @flags. @key (may
 * be NULL) gets it.
 */
int pmhs_key_generate(const char *path, unsigned int bits, unsigned int flags,
		      struct pmhs_key *key, char *err, size_t err_len);
/* "-----BEGIN PUBLIC KEY-----" text of @spki into @out, NUL-terminated; its length. */
ssize_t pmhs_spki_pem(const void *spki, size_t len, char *out, size_t out_max);

/*
 * The pin store: peers' public keys, like ssh's known_hosts. One peer a
 * line, fields separated by spaces or tabs:
 *
 *   NAME SHA256-HEX SPKI-BASE64
 *
 * NAME is 1..255 characters of [A-Za-z0-9._:@+[]-], not starting with '-';
 * SHA256-HEX the 64 lowercase hex digits of pmhs_fingerprint(); SPKI-BASE64
 * the key's DER in one line of base64, so a pin carries the whole key.
 * '#' starts a comment line; comments and blank lines survive rewrites. A
 * line whose fingerprint does not match its key, or a name pinned twice,
 * makes the whole file an error (-EBADMSG, the line in the message): a
 * store that cannot be read exactly must not be half-trusted. Writes are
 * atomic, mode 0644, under an flock() of the directory, so two adds at
 * once cannot lose one. I/O errors are -EACCES (permissions) or -EIO.
 */
#define PMHS_PIN_NAME_MAX	255

enum pmhs_pin_scope {
	PMHS_PINS_USER,		/* $PMHS_KNOWN_PEERS, else $XDG_CONFIG_HOME/pmhs/known_peers,
				 * else ~/.config/pmhs/known_peers */
	PMHS_PINS_SYSTEM,	/* $PMHS_SYSTEM_KNOWN_PEERS, else /etc/pmhs/known_peers */
};

struct pmhs_pin {
	char name[PMHS_PIN_NAME_MAX + 1];
	uint8_t fingerprint[PMHS_FP_LEN];
	const uint8_t *spki;		/* owned by the store */
	size_t spki_len;
	uint32_t bits;
	uint32_t line;			/* in the file, from 1 */
};

struct pmhs_pins;

/* The store's file name for @scope; -ENAMETOOLONG if @out is too small. */
int pmhs_pins_path(enum pmhs_pin_scope scope, char *out, size_t out_max,
		   char *err, size_t err_len);
/* Read the store in @path; a missing file is an empty store. */
int pmhs_pins_load(const char *path, struct pmhs_pins **out, char *err, size_t err_len);
void pmhs_pins_free(struct pmhs_pins *pins);
size_t pmhs_pins_count(const struct pmhs_pins *pins);
/* The @i-th pin in file order, or NULL; valid until pmhs_pins_free(). */
const struct pmhs_pin *pmhs_pins_get(const struct pmhs_pins *pins, size_t i);
const struct pmhs_pin *pmhs_pins_find(const struct pmhs_pins *pins, const char *name);
/* 0 if @name may be pinned, else -EINVAL and the rules in @err. */
int pmhs_pin_name_check(const char *name, char *err, size_t err_len);

#define PMHS_PINS_REPLACE	(1u << 0)	/* add: a pin to another key is replaced */
#define PMHS_PINS_SHARED	(1u << 1)	/* directories made are 0755, not 0700 */
/*
 * Pin @name to @spki in @path. *@changed: 0 already so, 1 added, 2
 * replaced. -EKEYREJECTED: pinned to another key, and no
 * PMHS_PINS_REPLACE; -EINVAL: a bad name.
 */
int pmhs_pins_add(const char *path, const char *name, const void *spki, size_t spki_len,
		  unsigned int flags, int *changed, char *err, size_t err_len);
/* -ENOENT if @name is not pinned in @path. */
int pmhs_pins_remove(const char *path, const char *name, unsigned int flags,
		     char *err, size_t err_len);

/* ---- OPAQUE: userspace parts (no module needed) ---- */

/*
 * The server setup: 128 bytes of seeds, oprf_seed (64) || AKE key seed
 * (32) || fake-record key seed (32); the module derives the key pairs
 * from them (RFC 9807 DeriveDiffieHellmanKeyPair). Files hold one line of
 * 256 lowercase hex digits and a newline, mode 0600; loading takes
 * uppercase and a missing or CRLF line end too, and refuses (-EACCES) a
 * file group or others have any access to, anything but the 256 digits
 * (-EBADMSG, never quoting the file). Writing refuses to replace a file
 * unless PMHS_WRITE_REPLACE (a new setup invalidates every record).
 */
#define PMHS_OPAQUE_SETUP_LEN	128
int pmhs_opaque_setup_generate(uint8_t setup[PMHS_OPAQUE_SETUP_LEN]);
int pmhs_opaque_setup_load_file(const char *path, uint8_t setup[PMHS_OPAQUE_SETUP_LEN],
				char *err, size_t err_len);
int pmhs_opaque_setup_write_file(const char *path, const uint8_t setup[PMHS_OPAQUE_SETUP_LEN],
				 unsigned int flags, char *err, size_t err_len);

/*
 * The KSF the client applies to the OPRF output (Nh = 64 bytes in and
 * out): Argon2id v1.3 (libargon2), salt 16 zero bytes, as opaque-ke's
 * Argon2. @k NULL means opaque-ke 4's Argon2::default(): m = 19456 KiB,
 * t = 2, p = 1. Otherwise every member counts (set size with PMHS_INIT):
 * 1 <= p <= 64, 8 * p <= m_kib <= 4194304 (4 GiB), 1 <= t <= 1000, else
 * -EINVAL. flags PMHS_OPAQUE_KSF_F_IDENTITY with m_kib = t = p = 0 is the
 * Identity KSF (out = in), which RFC 9807's test vectors use. @out may
 * be @in. -ENOMEM if the memory cannot be had.
 */
#define PMHS_OPAQUE_HASH_LEN		64
#define PMHS_OPAQUE_KSF_M_KIB		19456
#define PMHS_OPAQUE_KSF_T		2
#define PMHS_OPAQUE_KSF_P		1
#define PMHS_OPAQUE_KSF_M_KIB_MAX	4194304
#define PMHS_OPAQUE_KSF_T_MAX		1000
#define PMHS_OPAQUE_KSF_P_MAX		64
#define PMHS_OPAQUE_KSF_F_IDENTITY	(1u << 0)
struct pmhs_opaque_ksf {
	uint32_t size;
	uint32_t m_kib;			/* memory, KiB */
	uint32_t t;			/* passes */
	uint32_t p;			/* lanes (and threads) */
	uint32_t flags;			/* PMHS_OPAQUE_KSF_F_* */
};
int pmhs_opaque_ksf(const struct pmhs_opaque_ksf *k, const uint8_t in[PMHS_OPAQUE_HASH_LEN],
		    uint8_t out[PMHS_OPAQUE_HASH_LEN]);

/*
 * The server's registration records (192 bytes, RFC 9807's
 * RegistrationRecord) by credential identifier (1..1024 arbitrary bytes)
 * in directory @dir: one file each, named by the lowercase hex SHA-256 of
 * the identifier, mode 0600, written atomically; @dir is made (0700) by
 * put if missing. A file is three lines:
 *
 *   pmhs-opaque-record 1
 *   credential-id <base64url of the identifier>
 *   record <base64url of the record>
 *
 * get and del refuse (-EBADMSG, the message says so) a file that holds
 * another identifier, so records cannot be swapped between users by
 * renaming files, and any damaged file; a directory or a file group or
 * others may write is -EACCES (the message says how to fix it). put does
 * not replace a record (-EEXIST) unless PMHS_WRITE_REPLACE
 * (re-registration). get and del: -ENOENT if there is no record.
 */
#define PMHS_OPAQUE_RECORD_LEN		192
#define PMHS_OPAQUE_CRED_ID_MAX		1024
int pmhs_opaque_store_put(const char *dir, const void *cred_id, size_t len,
			  const uint8_t record[PMHS_OPAQUE_RECORD_LEN], unsigned int flags,
			  char *err, size_t err_len);
int pmhs_opaque_store_get(const char *dir, const void *cred_id, size_t len,
			  uint8_t record[PMHS_OPAQUE_RECORD_LEN], char *err, size_t err_len);
int pmhs_opaque_store_del(const char *dir, const void *cred_id, size_t len,
			  char *err, size_t err_len);

/*
 * base64url without padding (RFC 4648 section 5), as opaque-ke based
 * tools carry messages. Encoding writes PMHS_B64URL_LEN(@len) characters
 * and a NUL (-ENOSPC if @out_max is less), returns their number. Decoding
 * takes the text with or without '=' padding and nothing else (no
 * whitespace, no line end, no '+' or '/', a canonical last character):
 * -EINVAL and the position in @err; -ENOSPC if the bytes do not fit.
 * Returns the number of bytes.
 */
#define PMHS_B64URL_LEN(n)	(((size_t)(n) * 4 + 2) / 3)
ssize_t pmhs_b64url_encode(const void *in, size_t len, char *out, size_t out_max);
ssize_t pmhs_b64url_decode(const char *in, size_t len, void *out, size_t out_max,
			   char *err, size_t err_len);

/* ---- OPAQUE sessions (the module runs the protocol) ---- */

/*
 * OPAQUE-3DH (RFC 9807, ristretto255-SHA512), both roles, in sessions of
 * mode PMHS_MODE_OPAQUE_REGISTER or PMHS_MODE_OPAQUE_LOGIN. The client
 * (role PMHS_ROLE_INITIATOR) gives its password (or a key holding it);
 * the server gives its opaque-server identity (pmhs_identity_import_opaque)
 * and the user's credential identifier, and for a login the user's record
 * (NULL for a user it does not know: the module then answers from a fake
 * record, and the login fails the way a wrong password does).
 */
struct pmhs_opaque_params {
	uint32_t size;
	uint32_t role;				/* PMHS_ROLE_* */
	const char *identity;			/* server */
	const void *password;			/* client: this, or password_key */
	size_t password_len;
	int32_t password_key;
	const void *cred_id;			/* server */
	size_t cred_id_len;
	const uint8_t *record;			/* login server: PMHS_OPAQUE_RECORD_LEN */
	const void *context;			/* both sides the same; default empty */
	size_t context_len;
	const void *client_identity;		/* default: the client's public key */
	size_t client_identity_len;
	const void *server_identity;		/* default: the server's public key */
	size_t server_identity_len;
	/*
	 * Login server, optional: who is asking (e.g. the client's address),
	 * 1..PMHS_OPAQUE_PEER_MAX bytes, for the module's online-guessing
	 * limiter, which counts failed logins per (cred_id, peer) and per
	 * cred_id. Without it all peers share one count. A login over a limit
	 * or in backoff fails at the server's first step with -EAGAIN.
	 */
	const void *peer;
	size_t peer_len;
};

/* The longest OPAQUE message: KE2. */
#define PMHS_OPAQUE_MSG_MAX	320

struct pmhs_opaque_step {
	uint32_t size;
	uint32_t id;				/* the session */
	uint32_t flags;				/* PMHS_STEP_DONE once finished */
	int32_t key_serial;			/* login, done: the session key (64 bytes) */
	int32_t export_serial;			/* client, done: the export key (64 bytes) */
	size_t msg_len;				/* our next message, for the peer; 0: none */
	uint8_t msg[PMHS_OPAQUE_MSG_MAX];
};

/*
 * Start a session: the client's first message (registration request or
 * KE1) is in st->msg; the server has none yet. The password is wiped
 * from the request once sent.
 */
int pmhs_opaque_start(struct pmhs *h, uint32_t mode, const struct pmhs_opaque_params *p,
		      const struct pmhs_publish *publish, struct pmhs_opaque_step *st);
/*
 * Give the session the peer's message; st->msg is ours in answer (none
 * once the server is done). For the client, the module hands out its
 * OPRF output after the server's message: this runs the key stretching
 * function @ksf on it (NULL: Argon2id with opaque-ke's defaults; both
 * sides of a registration and its logins must use the same) and hands
 * the result back, in one call. Any failure ends the session: -EBADMSG
 * ("authentication failed") for a wrong password, an unknown user or a
 * tampered message, on the side that finds out.
 */
int pmhs_opaque_next(struct pmhs *h, uint32_t id, const struct pmhs_opaque_ksf *ksf,
		     const void *peer_msg, size_t len, const struct pmhs_publish *publish,
		     struct pmhs_opaque_step *st);
/*
 * Forget the online-guessing limiter's failed logins of @cred_id (all its
 * peers) in the handle's network namespace: an admin's unlock. Needs
 * CAP_NET_ADMIN (-EPERM). 0 whether or not anything was counted.
 */
int pmhs_opaque_unlock(struct pmhs *h, const void *cred_id, size_t len);
#ifdef __cplusplus
}
#endif

#endif
