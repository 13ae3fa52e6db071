/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Credential types: what an identity holds. identity.c keeps names,
 * references, lifetime, quota and lookup, and knows no type; a type owns
 * its key object (import, public export, fingerprint, wipe). RSA private
 * keys (cred_rsa.c), X25519 static keys (cred_x25519.c) and OPAQUE server
 * setups (cred_opaque.c). docs/adding-a-protocol.md
 * says how to add one.
 */
#ifndef _PMHS_CRED_H
#define _PMHS_CRED_H

#include <linux/netlink.h>
#include <linux/types.h>
#include <uapi/linux/pmhs.h>

#define PMHS_CRED_FPR_LEN	32

struct pmhs_net;

struct pmhs_cred_type {
	const char *name;
	u32 id;				/* PMHS_CRED_TYPE_* */
	/*
	 * Parse @der (the caller wipes it) into *@key, and refuse with an
	 * extack what @pn's settings do not allow. Slow: no lock is held.
	 */
	int (*import)(struct pmhs_net *pn, const u8 *der, size_t len,
		      void **key, struct netlink_ext_ack *extack);
	/* The public half as DER, kmalloc'd: the caller kfree()s *@der. */
	int (*export_public)(void *key, u8 **der, size_t *len);
	/* SHA-256 of the public export, which peers pin. */
	int (*fingerprint)(void *key, u8 out[PMHS_CRED_FPR_LEN]);
	/* The key's size in bits, as identity-get shows it. */
	unsigned int (*bits)(void *key);
	/* Wipe the secret and free it. */
	void (*free)(void *key);
};

/* A credential: its type and that type's key object. */
struct pmhs_cred {
	const struct pmhs_cred_type *type;
	void *key;
};

extern const struct pmhs_cred_type pmhs_cred_rsa;
extern const struct pmhs_cred_type pmhs_cred_x25519;
extern const struct pmhs_cred_type pmhs_cred_opaque;

/* An OPAQUE server setup's seeds: OPRF seed (64), AKE and fake key pair seeds. */
#define PMHS_OPAQUE_SETUP_LEN	128

struct opaque_server_setup;

/* @c's OPAQUE server setup, or NULL if @c is of another type. */
static inline const struct opaque_server_setup *
pmhs_cred_opaque_setup(const struct pmhs_cred *c)
{
	return c->type == &pmhs_cred_opaque ? c->key : NULL;
}

struct pmhs_rsa_priv;

/* @c's RSA private key, or NULL if @c is of another type. */
static inline struct pmhs_rsa_priv *pmhs_cred_rsa_priv(const struct pmhs_cred *c)
{
	return c->type == &pmhs_cred_rsa ? c->key : NULL;
}

/* An X25519 static key: the private half, then the public. */
struct pmhs_x25519 {
	u8 priv[32];
	u8 pub[32];
};

/* @c's X25519 key, or NULL if @c is of another type. */
static inline const struct pmhs_x25519 *pmhs_cred_x25519_key(const struct pmhs_cred *c)
{
	return c->type == &pmhs_cred_x25519 ? c->key : NULL;
}

/* SubjectPublicKeyInfo DER of a raw X25519 public key (RFC 8410). */
#define PMHS_X25519_SPKI_LEN	44
void pmhs_x25519_spki(const u8 pub[32], u8 spki[PMHS_X25519_SPKI_LEN]);

#endif /* _PMHS_CRED_H */
