// SPDX-License-Identifier: GPL-2.0
/* identity-new, -get (one or all), -del, and the PEM/DER and X25519 imports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

/* A struct pmhs_identity from before cred_type. */
#define IDENT_V0 PMHS_V0_SIZE(struct pmhs_identity, cred_type)

struct ident_ctx {
	struct pmhs_identity *list;	/* dump: grown as replies come */
	size_t n, cap;
	void *spki;			/* get-pubkey: caller's buffer */
	size_t spki_max, spki_len;
	int err;
};

static void fill_identity(struct nlattr **tb, struct pmhs_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->size = sizeof(*id);
	pmhs_get_str(tb, PMHS_A_IDENTITY_NAME, id->name, sizeof(id->name));
	pmhs_get_u32(tb, PMHS_A_IDENTITY_BITS, &id->bits);
	/* A module from before X25519 sends no type: its identities are RSA. */
	id->cred_type = PMHS_CRED_TYPE_RSA;
	pmhs_get_u32(tb, PMHS_A_IDENTITY_CRED_TYPE, &id->cred_type);
	if (tb[PMHS_A_IDENTITY_FINGERPRINT] &&
	    nla_len(tb[PMHS_A_IDENTITY_FINGERPRINT]) == PMHS_FP_LEN)
		memcpy(id->fingerprint, nla_data(tb[PMHS_A_IDENTITY_FINGERPRINT]), PMHS_FP_LEN);
}

static int ident_cb(struct nlattr **tb, void *arg)
{
	struct ident_ctx *c = arg;

	if (!c)
		return 0;
	if (!tb[PMHS_A_IDENTITY_NAME])
		return -EBADMSG;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct pmhs_identity *l = reallocarray(c->list, cap, sizeof(*l));

		if (!l)
			return -ENOMEM;
		c->list = l;
		c->cap = cap;
	}
	fill_identity(tb, &c->list[c->n++]);
	if (c->spki)
		return pmhs_get_bin(tb, PMHS_A_IDENTITY_PUBKEY, c->spki, c->spki_max,
				    &c->spki_len);
	return 0;
}

/* Copy what the library knows of @src into the caller's @dst of dst->size bytes. */
static void copy_identity(struct pmhs_identity *dst, const struct pmhs_identity *src)
{
	size_t n = dst->size < sizeof(*src) ? dst->size : sizeof(*src);
	uint32_t size = dst->size;

	memcpy(dst, src, n);
	dst->size = size;
}

int pmhs_put_identity(struct nl_msg *m, const char *name, const void *der, size_t der_len)
{
	if ((name && nla_put_string(m, PMHS_A_IDENTITY_NAME, name)) ||
	    (der && nla_put(m, PMHS_A_IDENTITY_KEY_DER, (int)der_len, der)))
		return -EMSGSIZE;
	return 0;
}

/* A raw private key (x25519-key, opaque-setup) of @len bytes as @type. */
int pmhs_put_identity_raw(struct nl_msg *m, const char *name, int type, const uint8_t *key,
			  size_t len)
{
	if ((name && nla_put_string(m, PMHS_A_IDENTITY_NAME, name)) ||
	    nla_put(m, type, (int)len, key))
		return -EMSGSIZE;
	return 0;
}

/* @raw: a raw private key as attribute @raw_type (0: none), e.g. X25519. */
static int ident_request(struct pmhs *h, uint8_t cmd, const char *name, int flags,
			 const void *der, size_t der_len, int raw_type, const uint8_t *raw,
			 size_t raw_len, struct ident_ctx *c)
{
	bool secret = der || raw;
	struct nl_msg *m;
	int ret;

	if (!h || (name && strlen(name) > PMHS_NAME_MAX))
		return -EINVAL;
	m = pmhs_raw_msg_sized(h, cmd, flags, der_len + raw_len);
	if (!m)
		return -ENOMEM;
	ret = raw ? pmhs_put_identity_raw(m, name, raw_type, raw, raw_len) :
		    pmhs_put_identity(m, name, der, der_len);
	if (ret) {
		pmhs_raw_discard(m, secret);
		return -EMSGSIZE;
	}
	/* A private key in the request: wiped after sending. */
	return pmhs_raw_call(h, m, PMHS_A_IDENTITY_MAX, ident_cb, c, secret);
}

PMHS_API int pmhs_identity_import_der(struct pmhs *h, const char *name, const void *der,
				      size_t len, struct pmhs_identity *out)
{
	struct ident_ctx c = { 0 };
	int ret;

	if (!name || !der || !len || len > PMHS_KEY_DER_MAX ||
	    (out && !PMHS_SIZE_OK(out, IDENT_V0)))
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_NEW, name, 0, der, len, 0, NULL, 0, &c);
	if (!ret && out && c.n)
		copy_identity(out, &c.list[0]);
	free(c.list);
	return ret;
}

PMHS_API int pmhs_identity_import_x25519(struct pmhs *h, const char *name,
					 const uint8_t priv[32], struct pmhs_identity *out)
{
	struct ident_ctx c = { 0 };
	int ret;

	if (!name || !priv || (out && !PMHS_SIZE_OK(out, IDENT_V0)))
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_NEW, name, 0, NULL, 0,
			    PMHS_A_IDENTITY_X25519_KEY, priv, PMHS_X25519_LEN, &c);
	if (!ret && out && c.n)
		copy_identity(out, &c.list[0]);
	free(c.list);
	return ret;
}

PMHS_API int pmhs_identity_import_opaque(struct pmhs *h, const char *name,
					 const uint8_t setup[PMHS_OPAQUE_SETUP_LEN],
					 struct pmhs_identity *out)
{
	struct ident_ctx c = { 0 };
	int ret;

	if (!name || !setup || (out && !PMHS_SIZE_OK(out, IDENT_V0)))
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_NEW, name, 0, NULL, 0,
			    PMHS_A_IDENTITY_OPAQUE_SETUP, setup, PMHS_OPAQUE_SETUP_LEN, &c);
	if (!ret && out && c.n)
		copy_identity(out, &c.list[0]);
	free(c.list);
	return ret;
}

/* Never prompt for a passphrase: an encrypted key is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/* PEM (PKCS#1 or PKCS#8) or DER to an RSA key; NULL if it is neither. */
static EVP_PKEY *decode_private(const void *data, size_t len)
{
	const unsigned char *p = data;
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	if (len > 64 * 1024)
		return NULL;
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio) {
		pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	}
	if (!pkey)
		pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
	if (pkey && EVP_PKEY_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

PMHS_API int pmhs_identity_import(struct pmhs *h, const char *name, const void *data,
				  size_t len, struct pmhs_identity *out)
{
	unsigned char *der = NULL;
	EVP_PKEY *pkey;
	int n, ret;

	if (!h || !name || !data || !len)
		return -EINVAL;
	pkey = decode_private(data, len);
	if (!pkey) {
		pthread_mutex_lock(&h->lock);
		pmhs_set_errmsg(h, "libpmhs: not an unencrypted RSA private key (PEM or DER)");
		pthread_mutex_unlock(&h->lock);
		return -EINVAL;
	}
	/* For an RSA key, i2d_PrivateKey writes the PKCS#1 RSAPrivateKey. */
	n = i2d_PrivateKey(pkey, &der);
	EVP_PKEY_free(pkey);
	if (n <= 0)
		return -ENOMEM;
	ret = pmhs_identity_import_der(h, name, der, (size_t)n, out);
	OPENSSL_clear_free(der, (size_t)n);
	return ret;
}

PMHS_API int pmhs_identity_get(struct pmhs *h, const char *name, struct pmhs_identity *out)
{
	struct ident_ctx c = { 0 };
	int ret;

	if (!name || !PMHS_SIZE_OK(out, IDENT_V0))
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_GET, name, 0, NULL, 0, 0, NULL, 0, &c);
	if (!ret && !c.n)
		ret = -EBADMSG;
	if (!ret)
		copy_identity(out, &c.list[0]);
	free(c.list);
	return ret;
}

PMHS_API int pmhs_identity_pubkey(struct pmhs *h, const char *name, void *spki,
				  size_t spki_max, size_t *spki_len)
{
	struct ident_ctx c = { .spki = spki, .spki_max = spki_max };
	int ret;

	if (!name || !spki || !spki_len)
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_GET, name, 0, NULL, 0, 0, NULL, 0, &c);
	if (!ret && !c.spki_len)
		ret = -EBADMSG;
	if (!ret)
		*spki_len = c.spki_len;
	free(c.list);
	return ret;
}

PMHS_API int pmhs_identity_foreach(struct pmhs *h,
				   int (*cb)(const struct pmhs_identity *id, void *arg),
				   void *arg)
{
	struct ident_ctx c = { 0 };
	int ret;

	if (!cb)
		return -EINVAL;
	ret = ident_request(h, PMHS_CMD_IDENTITY_GET, NULL, NLM_F_DUMP, NULL, 0, 0, NULL, 0, &c);
	/* Outside the handle's lock: @cb may use the handle. */
	for (size_t i = 0; !ret && i < c.n; i++)
		ret = cb(&c.list[i], arg);
	free(c.list);
	return ret;
}

PMHS_API int pmhs_identity_delete(struct pmhs *h, const char *name)
{
	if (!name)
		return -EINVAL;
	return ident_request(h, PMHS_CMD_IDENTITY_DEL, name, 0, NULL, 0, 0, NULL, 0, NULL);
}
