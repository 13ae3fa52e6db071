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

struct net;

/* What the step that finishes a handshake hands to the session. */
struct pmhs_proto_done {
	bool done;
	u8 secret[PMHS_SECRET_LEN];	/* wiped by the session */
	/* Both sides put fresh randomness into the secret. */
	bool two_sided;
};

/* The public outputs session-get shows. */
struct pmhs_proto_info {
	const char *identity;		/* our identity's name, or NULL */
	bool has_peer;
	u8 peer_fpr[32];		/* SHA-256 of the peer's key */
};

/* Most attributes a protocol's nest may have (its maxattr). */
#define PMHS_PROTO_ATTR_MAX	15

/* session-new's parameters for parse(), already checked by the policy. */
struct pmhs_proto_args {
	struct net *net;
	/* Our credential's name (session attribute "identity"), or NULL. */
	const struct nlattr *identity;
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
	 * Consume the peer's message (@in NULL on the first step, at
	 * session-new) and produce ours into *@out (kmalloc'd, or NULL for
	 * none). A step that derives the secret fills @done. An error fails
	 * the session for good.
	 */
	int (*step)(void *priv, const u8 *in, size_t inlen, u8 **out,
		    size_t *outlen, struct pmhs_proto_done *done,
		    struct netlink_ext_ack *extack);
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

#endif /* _PMHS_PROTO_H */
