/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_KEYRING_H
#define _PMHS_KEYRING_H

#include <linux/key.h>
#include <linux/netlink.h>

struct net;
struct pmhs_net;

/*
 * Where and how a derived secret is published. @net is the requesting
 * socket's namespace, which a session referencing it keeps alive.
 */
struct pmhs_publish {
	struct net *net;
	key_serial_t keyring;	/* serial or special id, for the caller */
	bool module;		/* into the caller's module keyring instead */
	bool logon;		/* logon (never readable) instead of user */
	bool type_set;		/* the request named the key type */
	char desc[257];		/* empty: "pmhs:<session id>" */
};

/* Would publishing succeed? Checked before a peer's message is consumed. */
int pmhs_keyring_check(const struct pmhs_publish *pub, u32 session_id,
		       struct netlink_ext_ack *extack);
/* @two_sided: both sides put fresh randomness in (may key traffic alone). */
int pmhs_keyring_publish(const struct pmhs_publish *pub, u32 session_id,
			 const u8 *secret, size_t len, bool two_sided,
			 key_serial_t *serial, struct netlink_ext_ack *extack);
/* Take back a key just published (invalidate it). */
void pmhs_keyring_unpublish(key_serial_t serial);
int pmhs_keyring_read_password(key_serial_t serial, u8 **pw, size_t *len,
			       struct netlink_ext_ack *extack);

int pmhs_keyring_read_secret(key_serial_t serial, u8 secret[32],
			     struct netlink_ext_ack *extack);
/*
 * A secret to key traffic with: refused unless it holds a ticket (from a
 * two-sided handshake) or @nonces will be mixed in. On success *@keyp is
 * referenced; give it back with pmhs_keyring_done_secret(), @used once
 * anything was keyed from it: that consumes (invalidates) the key.
 * Callers serialise take and done (one install at a time).
 */
int pmhs_keyring_take_secret(key_serial_t serial, bool nonces, u8 secret[32],
			     struct key **keyp, struct netlink_ext_ack *extack);
void pmhs_keyring_done_secret(struct key *key, bool used);

void pmhs_keyring_net_init(struct pmhs_net *pn);
void pmhs_keyring_net_exit(struct pmhs_net *pn);
void pmhs_keyring_uninit(void);

#endif /* _PMHS_KEYRING_H */
