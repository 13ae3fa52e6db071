/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A handshake protocol, in the spirit of net/handshake's struct
 * handshake_proto. session.c owns what every handshake has (lifetime,
 * owner, locking, expiry, publishing the secret); a protocol file owns
 * its private state and its cryptography, and knows nothing of genetlink.
 * docs/adding-a-protocol.md walks through password.c as the example.
 */
#ifndef _PMHS_PROTO_H
#define _PMHS_PROTO_H

#include <linux/netlink.h>
#include <linux/types.h>
#include <uapi/linux/pmhs.h>

#define PMHS_SECRET_LEN		32
/* Longest secret a protocol publishes (OPAQUE's session key, Nh = 64). */
#define PMHS_SECRET_MAX		64
/* What a local step (OPAQUE's KSF) hands out and takes back. */
#define PMHS_KSF_LEN		64

struct net;

/* What the step that finishes a handshake hands to the session. */
struct pmhs_proto_done {
	bool done;
	u8 secret[PMHS_SECRET_MAX];	/* wiped by the session */
	size_t secret_len;		/* 0: PMHS_SECRET_LEN; ignored if no_secret */
	bool no_secret;			/* done, with nothing to publish as key-serial */
	/* Both sides put fresh randomness into the secret. */
	bool two_sided;
	/* A key for the application itself (OPAQUE's export key), if export_len. */
	u8 export_key[PMHS_SECRET_MAX];
	size_t export_len;
};

/* The public outputs session-get shows. */
struct pmhs_proto_info {
	const char *identity;		/* our identity's name, or NULL */
	bool has_peer;
	u8 peer_fpr[32];		/* SHA-256 of the peer's key */
	bool has_hash;			/* noise, once done */
	u8 hash[32];			/* the handshake hash */
	bool has_peer_static;
	u8 peer_static[32];		/* the peer's raw X25519 key */
	bool our_turn;			/* we write the next message */
};

/*
 * One step: the peer's message (@in, NULL on session-new's step or when a
 * protocol with payloads only writes) and what it gives back. @out and
 * @peer_payload are kmalloc'd by the step and freed (wiped) by the caller.
 */
struct pmhs_proto_io {
	const u8 *in;
	size_t inlen;
	const u8 *payload;		/* ours to send, or NULL */
	size_t plen;
	bool write;			/* write our next message after reading */
	u8 *out;
	size_t outlen;
	bool read;			/* a peer message was read */
	u8 *peer_payload;
	size_t peer_plen;
	/*
	 * A local step (proto->local_steps): the step hands @ksf_out to the
	 * caller (has_ksf_out), which stretches it and sends it back as
	 * @ksf_in on its own with the next session-recv. Both wiped.
	 */
	const u8 *ksf_in;
	bool has_ksf_out;
	u8 ksf_out[PMHS_KSF_LEN];
};

/* Transport operations on a finished session's CipherStates. */
enum pmhs_xport_op {
	PMHS_XPORT_ENCRYPT,
	PMHS_XPORT_DECRYPT,
	PMHS_XPORT_REKEY_TX,
	PMHS_XPORT_REKEY_RX,
};

struct pmhs_xport {
	enum pmhs_xport_op op;
	const u8 *ad;
	size_t adlen;
	const u8 *in;
	size_t len;
	u8 *out;			/* kmalloc'd by the protocol */
	size_t outlen;
	u64 nonce;			/* the nonce used */
};

/* Most attributes a protocol's nest may have (its maxattr). */
#define PMHS_PROTO_ATTR_MAX	15

/* session-new's parameters for parse(), already checked by the policy. */
struct pmhs_proto_args {
	struct net *net;
	/* Our credential's name (session attribute "identity"), or NULL. */
	const struct nlattr *identity;
	/* Our first message's payload (session attribute "payload"), or NULL. */
	const struct nlattr *payload;
	/* The protocol's nest (NULL if the request has none) and its members. */
	const struct nlattr *nest;
	struct nlattr *const *tb;	/* [0..maxattr] */
};

struct pmhs_proto {
	const char *name;
	enum pmhs_mode mode;
	size_t priv_size;		/* zeroed for parse() */
	/*
	 * Its parameters: session-new's nest @nest (PMHS_A_SESSION_*), whose
	 * attribute set (in docs/netlink/pmhs.yaml) ends at @maxattr. A
	 * request with another protocol's nest is refused before parse().
	 */
	u16 nest;
	u16 maxattr;
	/*
	 * Take the parameters from @args and refuse, with an extack, what
	 * is missing or not taken. destroy() runs after a failure too.
	 */
	int (*parse)(void *priv, const struct pmhs_proto_args *args,
		     struct netlink_ext_ack *extack);
	/* The first step finishes: check the publish target before it. */
	bool done_on_start;
	/*
	 * Messages carry payloads both ways, and a step may write without
	 * reading (noise); without it, every step after the first reads.
	 */
	bool payloads;
	/*
	 * A failed session leaves the table at once (its id is then
	 * unknown), instead of staying listed as failed until it expires.
	 */
	bool unlink_on_failure;
	/* A step may take the caller's ksf-output instead of a message. */
	bool local_steps;
	/*
	 * Consume the peer's message (@io->in NULL on the first step, at
	 * session-new) and produce ours into @io->out (or NULL for none). A
	 * step that derives the secret fills @done. An error fails the
	 * session for good.
	 */
	int (*step)(void *priv, struct pmhs_proto_io *io,
		    struct pmhs_proto_done *done, struct netlink_ext_ack *extack);
	/*
	 * Once done, if not NULL: transport messages through the session's
	 * own keys, which never leave the kernel; then a finished session
	 * lives until deleted. -EBADMSG fails the session for good.
	 */
	int (*transport)(void *priv, struct pmhs_xport *x,
			 struct netlink_ext_ack *extack);
	/*
	 * Whether the secret goes out as a logon key when the request does
	 * not name a key type (NULL: a user key).
	 */
	bool (*logon_default)(const void *priv);
	/* Under the session's lock. */
	void (*describe)(const void *priv, struct pmhs_proto_info *info);
	/* Wipe and release the private state (whatever parse() got to). */
	void (*destroy)(void *priv);
	/* Known-answer tests at module load, or NULL. */
	int (*selftest)(void);
};

/* The protocol of @mode, NULL if none (session.c's table). */
const struct pmhs_proto *pmhs_proto_find(u32 mode);

extern const struct pmhs_proto pmhs_password_proto;
extern const struct pmhs_proto pmhs_rsa_mutual_proto;
extern const struct pmhs_proto pmhs_rsa_half_send_proto;
extern const struct pmhs_proto pmhs_rsa_half_receive_proto;
extern const struct pmhs_proto pmhs_noise_proto;
extern const struct pmhs_proto pmhs_opaque_register_proto;
extern const struct pmhs_proto pmhs_opaque_login_proto;

#endif /* _PMHS_PROTO_H */
