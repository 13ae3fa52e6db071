// SPDX-License-Identifier: GPL-2.0
/*
 * Derived secrets go to the kernel keyring: a keyring of the caller's
 * choosing (resolved in the caller's context, with write permission), or
 * the module's keyring for keys userspace must never read.
 *
 * The module keyring is one keyring per user (fsuid, as key ownership)
 * and network namespace, "_pmhs.<uid>", held by the namespace's
 * struct pmhs_net and linked nowhere else. So users cannot see, collide
 * with or squat each other's descriptions, nor probe for them, and the
 * keys die with the namespace. Its owner may list it and search, view
 * and invalidate the keys in it, never read or write them.
 */
#include <keys/user-type.h>
#include <linux/cred.h>
#include <linux/key-type.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "compat.h"
#include "kdf.h"
#include "keyring.h"
#include "netns.h"

/*
 * Secrets of two-sided handshakes that may key traffic without nonces,
 * by serial, each holding a reference to its key (so the pointer stays
 * unique). An entry goes when its key keys something, or when only we
 * still hold the key (pruned at the next publish). Bounded by the keys
 * alive, which key quotas bound.
 */
static DEFINE_XARRAY(pmhs_tickets);

static bool pmhs_key_gone(struct key *key)
{
	return refcount_read(&key->usage) == 1 ||
	       test_bit(KEY_FLAG_INVALIDATED, &key->flags) ||
	       test_bit(KEY_FLAG_REVOKED, &key->flags);
}

static void pmhs_tickets_prune(void)
{
	unsigned long idx;
	struct key *key;

	xa_for_each(&pmhs_tickets, idx, key) {
		if (pmhs_key_gone(key) &&
		    xa_cmpxchg(&pmhs_tickets, idx, key, NULL, 0) == key)
			key_put(key);
	}
}

static void pmhs_ticket_add(struct key *key)
{
	struct key *old;

	pmhs_tickets_prune();
	old = xa_store(&pmhs_tickets, key->serial, key_get(key),
		       GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old))
		key_put(key);	/* no ticket: it needs nonces then */
	else if (old)
		key_put(old);
}

/* Take @key's ticket; true if it had one. */
static bool pmhs_ticket_take(struct key *key)
{
	if (xa_cmpxchg(&pmhs_tickets, key->serial, key, NULL, 0) != key)
		return false;
	key_put(key);
	return true;
}

static const char *pmhs_key_type(const struct pmhs_publish *pub)
{
	return (pub->logon || pub->module) ? "logon" : "user";
}

static int pmhs_keyring_desc(const struct pmhs_publish *pub, u32 session_id,
			     char *desc, size_t size,
			     struct netlink_ext_ack *extack)
{
	if (pub->desc[0])
		strscpy(desc, pub->desc, size);
	else
		snprintf(desc, size, "pmhs:%u", session_id);
	/* logon keys need a "service:" prefix. */
	if (!strcmp(pmhs_key_type(pub), "logon") &&
	    (!strchr(desc, ':') || desc[0] == ':')) {
		NL_SET_ERR_MSG(extack, "a logon key's description needs a \"prefix:\"");
		return -EINVAL;
	}
	return 0;
}

/* The caller's module keyring in @net, referenced; made on first use. */
static key_ref_t pmhs_module_keyring(struct net *net,
				     struct netlink_ext_ack *extack)
{
	struct pmhs_net *pn = pmhs_net(net);
	kuid_t uid = current_fsuid();
	u32 idx = from_kuid(&init_user_ns, uid);
	char desc[sizeof("_pmhs.4294967295")];
	struct key *ring;
	int ret;

	mutex_lock(&pn->keyring_lock);
	ring = xa_load(&pn->keyrings, idx);
	if (ring) {
		__key_get(ring);
		goto out;
	}
	snprintf(desc, sizeof(desc), "_pmhs.%u", idx);
	/* Charged to nobody's key quota: one per user and namespace. */
	ring = keyring_alloc(desc, uid, current_fsgid(), current_cred(),
			     KEY_POS_VIEW | KEY_POS_READ | KEY_POS_SEARCH |
			     KEY_POS_WRITE | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH,
			     KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(ring)) {
		NL_SET_ERR_MSG(extack, "cannot create the module keyring");
		goto out;
	}
	ret = xa_err(xa_store(&pn->keyrings, idx, ring, GFP_KERNEL_ACCOUNT));
	if (ret) {
		key_revoke(ring);
		key_put(ring);
		NL_SET_ERR_MSG(extack, "out of memory for the module keyring");
		ring = ERR_PTR(ret);
		goto out;
	}
	__key_get(ring);
out:
	mutex_unlock(&pn->keyring_lock);
	if (IS_ERR(ring))
		return ERR_CAST(ring);
	/*
	 * Possessed: only the module holds it (no one may link it), and
	 * possession is what lets it write there for the owner.
	 */
	return make_key_ref(ring, true);
}

void pmhs_keyring_net_init(struct pmhs_net *pn)
{
	mutex_init(&pn->keyring_lock);
	xa_init(&pn->keyrings);
}

/* The namespace is going: so are its module keyrings and their keys. */
void pmhs_keyring_net_exit(struct pmhs_net *pn)
{
	unsigned long idx;
	struct key *ring;

	xa_for_each(&pn->keyrings, idx, ring) {
		keyring_clear(ring);
		key_revoke(ring);
		key_put(ring);
	}
	xa_destroy(&pn->keyrings);
	mutex_destroy(&pn->keyring_lock);
}

/* The keyring to publish in, referenced, checked for write permission. */
static key_ref_t pmhs_keyring_target(const struct pmhs_publish *pub,
				     struct netlink_ext_ack *extack)
{
	key_ref_t keyring;

	if (pub->module)
		return pmhs_module_keyring(pub->net, extack);
	/*
	 * No KEY_LOOKUP_CREATE: with it, a caller whose session keyring is
	 * its user-session keyring would be moved to a new anonymous one
	 * that dies with the process, and the secret with it.
	 */
	keyring = lookup_user_key(pub->keyring, 0, KEY_NEED_WRITE);
	if (IS_ERR(keyring)) {
		if (PTR_ERR(keyring) == -EACCES)
			NL_SET_ERR_MSG(extack, "no write permission on the target keyring");
		else
			NL_SET_ERR_MSG(extack, "cannot find the target keyring");
		return keyring;
	}
	if (key_ref_to_ptr(keyring)->type != &key_type_keyring) {
		key_ref_put(keyring);
		NL_SET_ERR_MSG(extack, "the target key is not a keyring");
		return ERR_PTR(-ENOTDIR);
	}
	return keyring;
}

int pmhs_keyring_check(const struct pmhs_publish *pub, u32 session_id,
		       struct netlink_ext_ack *extack)
{
	char desc[sizeof(pub->desc)];
	key_ref_t keyring, found;
	int ret;

	ret = pmhs_keyring_desc(pub, session_id, desc, sizeof(desc), extack);
	if (ret)
		return ret;
	keyring = pmhs_keyring_target(pub, extack);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	found = keyring_search(keyring, pub->logon || pub->module ?
			       &key_type_logon : &key_type_user, desc, false);
	key_ref_put(keyring);
	if (!IS_ERR(found)) {
		key_ref_put(found);
		NL_SET_ERR_MSG(extack, "a key with this description is already in the keyring");
		return -EEXIST;
	}
	return 0;
}

int pmhs_keyring_publish(const struct pmhs_publish *pub, u32 session_id,
			 const u8 *secret, size_t len, bool two_sided,
			 key_serial_t *serial, struct netlink_ext_ack *extack)
{
	char desc[sizeof(pub->desc)];
	key_ref_t kr, keyring;
	key_perm_t perm;
	int ret;

	ret = pmhs_keyring_desc(pub, session_id, desc, sizeof(desc), extack);
	if (ret)
		return ret;
	keyring = pmhs_keyring_target(pub, extack);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	/*
	 * The kernel's default permissions, plus search for the owner: a
	 * process whose session keyring changed (add_key to @s joins a new
	 * one) no longer possesses what it published, and using a key needs
	 * search or read permission. The module keyring's keys likewise.
	 */
	if (pub->module)
		perm = KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK |
		       KEY_POS_SETATTR | KEY_USR_VIEW | KEY_USR_SEARCH;
	else
		perm = KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK |
		       KEY_POS_SETATTR | KEY_POS_WRITE | KEY_USR_VIEW |
		       KEY_USR_SEARCH | (pub->logon ? 0 : KEY_POS_READ);
	kr = pmhs_key_create(keyring, pmhs_key_type(pub), desc, secret, len,
			     perm);
	key_ref_put(keyring);
	if (IS_ERR(kr)) {
		ret = PTR_ERR(kr);
		if (ret == -EEXIST)
			NL_SET_ERR_MSG(extack,
				       "a key with this description is already in the keyring");
		else if (ret == -EDQUOT)
			NL_SET_ERR_MSG(extack, "key quota exceeded");
		else
			NL_SET_ERR_MSG(extack, "cannot create the key");
		return ret;
	}
	*serial = key_ref_to_ptr(kr)->serial;
	if (two_sided)
		pmhs_ticket_add(key_ref_to_ptr(kr));
	key_ref_put(kr);
	return 0;
}

void pmhs_keyring_unpublish(key_serial_t serial)
{
	key_ref_t kr = lookup_user_key(serial, KEY_LOOKUP_PARTIAL,
				       KEY_DEFER_PERM_CHECK);

	if (IS_ERR(kr))
		return;
	pmhs_ticket_take(key_ref_to_ptr(kr));
	key_invalidate(key_ref_to_ptr(kr));
	key_ref_put(kr);
}

/*
 * Look a key up for using its payload: the caller must be able to search
 * it (possess it, or hold search permission) or read it. View permission
 * is metadata only and does not do.
 */
static key_ref_t pmhs_keyring_lookup_use(key_serial_t serial,
					 struct netlink_ext_ack *extack)
{
	key_ref_t kr;

	kr = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
	if (PTR_ERR_OR_ZERO(kr) == -EACCES)
		kr = lookup_user_key(serial, 0, KEY_NEED_READ);
	if (IS_ERR(kr)) {
		if (PTR_ERR(kr) == -EACCES)
			NL_SET_ERR_MSG(extack,
				       "no search or read permission on the key (view is not enough)");
		else
			NL_SET_ERR_MSG(extack, "cannot find the key, or it is revoked or used up");
	}
	return kr;
}

/* Copy out a user or logon key's payload for use inside the kernel. */
static int pmhs_keyring_payload(key_ref_t kr, u8 **out, size_t *len,
				struct netlink_ext_ack *extack)
{
	const struct user_key_payload *upayload;
	struct key *key;
	int ret = 0;

	key = key_ref_to_ptr(kr);
	if (key->type != &key_type_user && key->type != &key_type_logon) {
		NL_SET_ERR_MSG(extack, "the key must be of type user or logon");
		return -EKEYREJECTED;
	}
	down_read(&key->sem);
	upayload = user_key_payload_locked(key);
	if (!upayload || !upayload->datalen) {
		NL_SET_ERR_MSG(extack, "the key is empty or revoked");
		ret = -EKEYREVOKED;
	} else {
		*out = kmemdup(upayload->data, upayload->datalen, GFP_KERNEL_ACCOUNT);
		*len = upayload->datalen;
		if (!*out)
			ret = -ENOMEM;
	}
	up_read(&key->sem);
	return ret;
}

int pmhs_keyring_read_password(key_serial_t serial, u8 **pw, size_t *len,
			       struct netlink_ext_ack *extack)
{
	key_ref_t kr = pmhs_keyring_lookup_use(serial, extack);
	int ret;

	if (IS_ERR(kr))
		return PTR_ERR(kr);
	ret = pmhs_keyring_payload(kr, pw, len, extack);
	key_ref_put(kr);
	return ret;
}

/*
 * A 64-byte secret (OPAQUE's session key) keys traffic through 32 bytes
 * condensed from all of it, so the schedule stays one for every mode.
 */
static const u8 pmhs_secret64_salt[] = "pmhs v1 secret64";

static int pmhs_keyring_secret(key_ref_t kr, u8 secret[32],
			       struct netlink_ext_ack *extack)
{
	size_t len = 0;
	u8 *p = NULL;
	int ret;

	ret = pmhs_keyring_payload(kr, &p, &len, extack);
	if (ret)
		return ret;
	if (len == 32) {
		memcpy(secret, p, 32);
	} else if (len == 64) {
		ret = pmhs_hkdf_sha256_extract(pmhs_secret64_salt,
					       sizeof(pmhs_secret64_salt) - 1,
					       p, len, secret);
	} else {
		NL_SET_ERR_MSG(extack,
			       "the key is not a handshake secret (32 bytes, or 64 from OPAQUE)");
		ret = -EKEYREJECTED;
	}
	kfree_sensitive(p);
	return ret;
}

int pmhs_keyring_read_secret(key_serial_t serial, u8 secret[32],
			     struct netlink_ext_ack *extack)
{
	key_ref_t kr = pmhs_keyring_lookup_use(serial, extack);
	int ret;

	if (IS_ERR(kr))
		return PTR_ERR(kr);
	ret = pmhs_keyring_secret(kr, secret, extack);
	key_ref_put(kr);
	return ret;
}

int pmhs_keyring_take_secret(key_serial_t serial, bool nonces, u8 secret[32],
			     struct key **keyp, struct netlink_ext_ack *extack)
{
	key_ref_t kr = pmhs_keyring_lookup_use(serial, extack);
	int ret;

	if (IS_ERR(kr))
		return PTR_ERR(kr);
	ret = pmhs_keyring_secret(kr, secret, extack);
	if (!ret && !nonces &&
	    xa_load(&pmhs_tickets, key_ref_to_ptr(kr)->serial) != key_ref_to_ptr(kr)) {
		NL_SET_ERR_MSG(extack,
			       "the secret is not from a mutual or password handshake of pmhs: it keys traffic only with both sides' nonces");
		memzero_explicit(secret, 32);
		ret = -EKEYREJECTED;
	}
	if (ret) {
		key_ref_put(kr);
		return ret;
	}
	*keyp = key_ref_to_ptr(kr);
	return 0;
}

void pmhs_keyring_done_secret(struct key *key, bool used)
{
	if (used) {
		pmhs_ticket_take(key);
		key_invalidate(key);
	}
	key_put(key);
}

void pmhs_keyring_uninit(void)
{
	unsigned long idx;
	struct key *key;

	xa_for_each(&pmhs_tickets, idx, key)
		key_put(key);
	xa_destroy(&pmhs_tickets);
}
