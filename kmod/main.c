// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs: the poor man's handshake, in the kernel. Module init and exit only.
 */
#include <linux/module.h>

#include "compat.h"
#include "gcm16.h"
#include "identity.h"
#include "kdf.h"
#include "keyring.h"
#include "netlink.h"
#include "netns.h"
#include "noise.h"
#include "opaque.h"
#include "opaque_limit.h"
#include "r255.h"
#include "rsa.h"
#include "session.h"
#include "sha512.h"
#include <uapi/linux/pmhs.h>

static int __init pmhs_mod_init(void)
{
	int ret;

	ret = pmhs_kdf_init();
	if (ret)
		goto err_kdf;
	ret = pmhs_gcm_init();
	if (ret)
		goto err_gcm;
	ret = pmhs_rsa_init();
	if (ret)
		goto err_rsa;
	ret = pmhs_sha512_init();
	if (ret)
		goto err_sha512;
	/* Never serve handshakes with crypto that gives wrong answers. */
	ret = pmhs_kdf_selftest() ?: pmhs_gcm_selftest() ?: pmhs_rsa_selftest() ?:
	      pmhs_r255_selftest() ?: pmhs_sha512_selftest() ?:
	      pmhs_opaque_selftest() ?: pmhs_proto_selftest() ?:
	      pmhs_opaque_limit_selftest();
	if (ret) {
		pr_err("crypto self-tests failed (%d), not loading\n", ret);
		goto err_selftest;
	}
	ret = pmhs_session_init();
	if (ret)
		goto err_selftest;
	ret = pmhs_netns_init();
	if (ret)
		goto err_netns;
	ret = pmhs_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("pmhs " PMHS_VERSION " loaded (wire protocol %d)\n",
		PMHS_PROTO_VERSION);
	return 0;

err_netlink:
	pmhs_netns_uninit();
err_netns:
	pmhs_session_uninit();
err_selftest:
	pmhs_sha512_uninit();
err_sha512:
	pmhs_rsa_uninit();
err_rsa:
	pmhs_gcm_uninit();
err_gcm:
	pmhs_kdf_uninit();
err_kdf:
	return ret;
}

static void __exit pmhs_mod_exit(void)
{
	/* No new requests, then no sessions, then no namespaces' objects. */
	pmhs_netlink_uninit();
	pmhs_session_uninit();
	pmhs_netns_uninit();
	/* Every object made was destroyed; a leak shows as a splat. */
	WARN(pmhs_session_live() || pmhs_identity_live(),
	     "pmhs: leaked %u sessions and %u identities\n",
	     pmhs_session_live(), pmhs_identity_live());
	pmhs_keyring_uninit();
	pmhs_sha512_uninit();
	pmhs_rsa_uninit();
	pmhs_gcm_uninit();
	pmhs_kdf_uninit();
}

module_init(pmhs_mod_init);
module_exit(pmhs_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Poor man's handshake: password, RSA, Noise and OPAQUE key agreement");
MODULE_AUTHOR("pmhs developers");
MODULE_VERSION(PMHS_VERSION);
