// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs: the poor man's handshake, in the kernel. Module init and exit only.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "rsa.h"
#include <uapi/linux/pmhs.h>

static int __init pmhs_mod_init(void)
{
	int ret;

	ret = pmhs_rsa_init();
	if (ret)
		return ret;
	/* no RSA without passing known answers */
	ret = pmhs_rsa_selftest();
	if (ret)
		goto err_rsa;
	ret = pmhs_netns_init();
	if (ret)
		goto err_rsa;
	ret = pmhs_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("pmhs " PMHS_VERSION " loaded (wire protocol %d)\n",
		PMHS_PROTO_VERSION);
	return 0;

err_netlink:
	pmhs_netns_uninit();
err_rsa:
	pmhs_rsa_uninit();
	return ret;
}

static void __exit pmhs_mod_exit(void)
{
	pmhs_netlink_uninit();
	pmhs_netns_uninit();
	pmhs_rsa_uninit();
}

module_init(pmhs_mod_init);
module_exit(pmhs_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Poor man's handshake: password and RSA key agreement");
MODULE_AUTHOR("pmhs developers");
MODULE_VERSION(PMHS_VERSION);
MODULE_ALIAS_GENL_FAMILY(PMHS_FAMILY_NAME);
