// SPDX-License-Identifier: GPL-2.0
/*
 * RSA private keys as a credential type (cred.h): PKCS#1 DER in, SPKI DER
 * out, fingerprinted by the SHA-256 of that SPKI.
 */
#include <linux/build_bug.h>
#include <linux/compiler.h>

#include "compat.h"
#include "cred.h"
#include "netlink.h"
#include "netns.h"
#include "rsa.h"

static_assert(PMHS_CRED_FPR_LEN == PMHS_RSA_FPR_LEN);

static int pmhs_cred_rsa_import(struct pmhs_net *pn, const u8 *der, size_t len,
				void **key, struct netlink_ext_ack *extack)
{
	struct pmhs_rsa_priv *priv;
	const char *why = NULL;
	int ret;

	ret = pmhs_rsa_priv_from_pkcs1(der, len, &priv, &why);
	if (ret) {
		pmhs_extack(extack, NULL, why ? why : "cannot parse the private key");
		return ret;
	}
	if (pmhs_rsa_bits(pmhs_rsa_priv_pub(priv)) < 2048 &&
	    !READ_ONCE(pn->allow_rsa1024)) {
		NL_SET_ERR_MSG(extack,
			       "RSA keys under 2048 bits are legacy: enable with config allow-rsa1024");
		pmhs_rsa_priv_free(priv);
		return -EKEYREJECTED;
	}
	*key = priv;
	return 0;
}

static int pmhs_cred_rsa_export_public(void *key, u8 **der, size_t *len)
{
	return pmhs_rsa_pub_to_spki(pmhs_rsa_priv_pub(key), der, len);
}

static int pmhs_cred_rsa_fingerprint(void *key, u8 out[PMHS_CRED_FPR_LEN])
{
	return pmhs_rsa_fingerprint(pmhs_rsa_priv_pub(key), out);
}

static unsigned int pmhs_cred_rsa_bits(void *key)
{
	return pmhs_rsa_bits(pmhs_rsa_priv_pub(key));
}

static void pmhs_cred_rsa_free(void *key)
{
	pmhs_rsa_priv_free(key);
}

const struct pmhs_cred_type pmhs_cred_rsa = {
	.name		= "rsa",
	.id		= PMHS_CRED_TYPE_RSA,
	.import		= pmhs_cred_rsa_import,
	.export_public	= pmhs_cred_rsa_export_public,
	.fingerprint	= pmhs_cred_rsa_fingerprint,
	.bits		= pmhs_cred_rsa_bits,
	.free		= pmhs_cred_rsa_free,
};
