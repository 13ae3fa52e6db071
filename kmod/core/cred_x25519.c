// SPDX-License-Identifier: GPL-2.0
/*
 * X25519 static keys (Noise) as a credential type (cred.h): 32 raw
 * private bytes in, the RFC 8410 SubjectPublicKeyInfo out, fingerprinted
 * like RSA keys by the SHA-256 of that SPKI, so one pin store holds both.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/curve25519.h>
#include <crypto/sha2.h>

#include "compat.h"
#include "cred.h"
#include "netlink.h"

/* SEQUENCE { SEQUENCE { OID 1.3.101.110 } BIT STRING { 0, key } } */
static const u8 pmhs_x25519_spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
	0x6e, 0x03, 0x21, 0x00,
};

void pmhs_x25519_spki(const u8 pub[32], u8 spki[PMHS_X25519_SPKI_LEN])
{
	memcpy(spki, pmhs_x25519_spki_prefix, sizeof(pmhs_x25519_spki_prefix));
	memcpy(spki + sizeof(pmhs_x25519_spki_prefix), pub, 32);
}

static int pmhs_cred_x25519_import(struct pmhs_net *pn, const u8 *raw,
				   size_t len, void **key,
				   struct netlink_ext_ack *extack)
{
	struct pmhs_x25519 *k;

	if (len != sizeof(k->priv)) {
		NL_SET_ERR_MSG(extack, "an X25519 private key is 32 bytes");
		return -EINVAL;
	}
	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	if (!k)
		return -ENOMEM;
	memcpy(k->priv, raw, sizeof(k->priv));
	/* Fails for a key that clamps to a zero scalar's public key. */
	if (!curve25519_generate_public(k->pub, k->priv)) {
		kfree_sensitive(k);
		NL_SET_ERR_MSG(extack, "not a usable X25519 private key");
		return -EKEYREJECTED;
	}
	*key = k;
	return 0;
}

static int pmhs_cred_x25519_export_public(void *key, u8 **der, size_t *len)
{
	const struct pmhs_x25519 *k = key;

	*der = kmalloc(PMHS_X25519_SPKI_LEN, GFP_KERNEL_ACCOUNT);
	if (!*der)
		return -ENOMEM;
	pmhs_x25519_spki(k->pub, *der);
	*len = PMHS_X25519_SPKI_LEN;
	return 0;
}

static int pmhs_cred_x25519_fingerprint(void *key, u8 out[PMHS_CRED_FPR_LEN])
{
	const struct pmhs_x25519 *k = key;
	u8 spki[PMHS_X25519_SPKI_LEN];

	pmhs_x25519_spki(k->pub, spki);
	sha256(spki, sizeof(spki), out);
	return 0;
}

/* What OpenSSL reports for X25519. */
static unsigned int pmhs_cred_x25519_bits(void *key)
{
	return 253;
}

static void pmhs_cred_x25519_free(void *key)
{
	kfree_sensitive(key);
}

const struct pmhs_cred_type pmhs_cred_x25519 = {
	.name		= "x25519",
	.id		= PMHS_CRED_TYPE_X25519,
	.import		= pmhs_cred_x25519_import,
	.export_public	= pmhs_cred_x25519_export_public,
	.fingerprint	= pmhs_cred_x25519_fingerprint,
	.bits		= pmhs_cred_x25519_bits,
	.free		= pmhs_cred_x25519_free,
};
