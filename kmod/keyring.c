// SPDX-License-Identifier: GPL-2.0
/*
 * Derived secrets go to the kernel keyring: a keyring of the caller's
 * choosing (resolved in the caller's context, with write permission), or
 * the module-owned ".pmhs" keyring for keys userspace must never read.
 */
#include <keys/user-type.h>
#include <linux/cred.h>
#include <linux/key-type.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "keyring.h"

static struct key *pmhs_keyring;

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

/* The keyring to publish in, referenced, checked for write permission. */
static key_ref_t pmhs_keyring_target(const struct pmhs_publish *pub,
				     struct netlink_ext_ack *extack)
{
	key_ref_t keyring;

	if (pub->module) {
		__key_get(pmhs_keyring);
		return make_key_ref(pmhs_keyring, true);
	}
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
			 const u8 *secret, size_t len, key_serial_t *serial,
			 struct netlink_ext_ack *extack)
{
	char desc[sizeof(pub->desc)];
	key_ref_t kr, keyring;
	int ret;

	ret = pmhs_keyring_desc(pub, session_id, desc, sizeof(desc), extack);
	if (ret)
		return ret;
	keyring = pmhs_keyring_target(pub, extack);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	/* The module keyring's keys must stay findable by their owner. */
	kr = pmhs_key_create(keyring, pmhs_key_type(pub), desc, secret, len,
			     pub->module ? KEY_POS_VIEW | KEY_POS_SEARCH |
			     KEY_POS_LINK | KEY_POS_SETATTR | KEY_USR_VIEW |
			     KEY_USR_SEARCH : KEY_PERM_UNDEF);
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
	key_ref_put(kr);
	return 0;
}

/*
 * Copy out a user or logon key's payload for use inside the kernel. The
 * caller must possess or own the key: view permission, which keys grant
 * their possessor and owner and nobody else unless told to. Possession
 * alone would not do: a process whose session keyring changes (add_key
 * to @s joins a new one) loses possession of what it published before.
 */
static int pmhs_keyring_payload(key_serial_t serial, u8 **out, size_t *len,
				struct netlink_ext_ack *extack)
{
	const struct user_key_payload *upayload;
	struct key *key;
	key_ref_t kr;
	int ret = 0;

	kr = lookup_user_key(serial, 0, KEY_NEED_VIEW);
	if (IS_ERR(kr)) {
		NL_SET_ERR_MSG(extack, "cannot find the key, or no permission to use it");
		return PTR_ERR(kr);
	}
	key = key_ref_to_ptr(kr);
	if (key->type != &key_type_user && key->type != &key_type_logon) {
		NL_SET_ERR_MSG(extack, "the key must be of type user or logon");
		ret = -EKEYREJECTED;
		goto out_put;
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
out_put:
	key_ref_put(kr);
	return ret;
}

int pmhs_keyring_read_password(key_serial_t serial, u8 **pw, size_t *len,
			       struct netlink_ext_ack *extack)
{
	return pmhs_keyring_payload(serial, pw, len, extack);
}

int pmhs_keyring_read_secret(key_serial_t serial, u8 secret[32],
			     struct netlink_ext_ack *extack)
{
	size_t len = 0;
	u8 *p = NULL;
	int ret;

	ret = pmhs_keyring_payload(serial, &p, &len, extack);
	if (ret)
		return ret;
	if (len != 32) {
		NL_SET_ERR_MSG(extack, "the key is not a 32-byte handshake secret");
		ret = -EKEYREJECTED;
	} else {
		memcpy(secret, p, 32);
	}
	kfree_sensitive(p);
	return ret;
}

int __init pmhs_keyring_init(void)
{
	pmhs_keyring = keyring_alloc(".pmhs", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				     current_cred(),
				     (KEY_POS_ALL & ~KEY_POS_SETATTR) |
				     KEY_USR_VIEW | KEY_USR_SEARCH,
				     KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	return PTR_ERR_OR_ZERO(pmhs_keyring);
}

void pmhs_keyring_uninit(void)
{
	/* Revoking makes the keys in it unreachable; the GC frees them. */
	keyring_clear(pmhs_keyring);
	key_revoke(pmhs_keyring);
	key_put(pmhs_keyring);
}
