// SPDX-License-Identifier: GPL-2.0
/*
 * An OPAQUE server setup (RFC 9807, ristretto255-SHA512) as a credential
 * type (cred.h): 128 random bytes in (the OPRF seed and the seeds of the
 * AKE and fake-record key pairs), the key pairs derived here; the server's
 * raw 32-byte public key out, fingerprinted by its SHA-256. Nothing
 * secret ever comes back: the setup is wiped when the identity goes.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/sha2.h>

#include "compat.h"
#include "cred.h"
#include "opaque.h"

static int pmhs_cred_opaque_import(struct pmhs_net *pn, const u8 *raw,
				   size_t len, void **key,
				   struct netlink_ext_ack *extack)
{
	struct opaque_server_setup *s;
	int ret;

	if (len != PMHS_OPAQUE_SETUP_LEN) {
		NL_SET_ERR_MSG(extack, "an OPAQUE server setup is 128 bytes of seeds");
		return -EINVAL;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	ret = opaque_server_setup_new(s, raw, raw + OPAQUE_NH,
				      raw + OPAQUE_NH + OPAQUE_NSEED);
	if (ret) {
		kfree_sensitive(s);
		NL_SET_ERR_MSG(extack, "no OPAQUE key pair derives from these seeds");
		return ret == -ENOMEM ? ret : -EKEYREJECTED;
	}
	*key = s;
	return 0;
}

static int pmhs_cred_opaque_export_public(void *key, u8 **der, size_t *len)
{
	const struct opaque_server_setup *s = key;

	*der = kmemdup(s->pk, sizeof(s->pk), GFP_KERNEL_ACCOUNT);
	if (!*der)
		return -ENOMEM;
	*len = sizeof(s->pk);
	return 0;
}

static int pmhs_cred_opaque_fingerprint(void *key, u8 out[PMHS_CRED_FPR_LEN])
{
	const struct opaque_server_setup *s = key;

	sha256(s->pk, sizeof(s->pk), out);
	return 0;
}

/* The group order of ristretto255 is about 2^252. */
static unsigned int pmhs_cred_opaque_bits(void *key)
{
	return 252;
}

static void pmhs_cred_opaque_free(void *key)
{
	kfree_sensitive(key);
}

const struct pmhs_cred_type pmhs_cred_opaque = {
	.name		= "opaque-server",
	.id		= PMHS_CRED_TYPE_OPAQUE_SERVER,
	.import		= pmhs_cred_opaque_import,
	.export_public	= pmhs_cred_opaque_export_public,
	.fingerprint	= pmhs_cred_opaque_fingerprint,
	.bits		= pmhs_cred_opaque_bits,
	.free		= pmhs_cred_opaque_free,
};
