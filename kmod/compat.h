/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between the kernels pmhs supports
 * (Debian 6.1 and 6.12). Everything else includes this and uses the
 * newest spelling.
 */
#ifndef _PMHS_COMPAT_H
#define _PMHS_COMPAT_H

#include <linux/key.h>
#include <linux/netlink.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "pmhs needs Linux 6.1 or newer"
#endif

/* get_unaligned_be16() and friends moved in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Create a key, never silently update one with the same description.
 * key_create() is there by 6.8 (6.1 lacks it); before, look first (racy against a
 * concurrent add of the same description, which then wins the update).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
static inline key_ref_t pmhs_key_create(key_ref_t keyring, const char *type,
					const char *desc, const void *payload,
					size_t plen)
{
	return key_create(keyring, type, desc, payload, plen, KEY_PERM_UNDEF,
			  KEY_ALLOC_IN_QUOTA);
}
#else
#include <linux/err.h>
#include <keys/user-type.h>

static inline key_ref_t pmhs_key_create(key_ref_t keyring, const char *type,
					const char *desc, const void *payload,
					size_t plen)
{
	struct key_type *ktype = strcmp(type, "logon") ? &key_type_user :
							 &key_type_logon;
	key_ref_t found = keyring_search(keyring, ktype, desc, false);

	if (!IS_ERR(found)) {
		key_ref_put(found);
		return ERR_PTR(-EEXIST);
	}
	return key_create_or_update(keyring, type, desc, payload, plen,
				    KEY_PERM_UNDEF, KEY_ALLOC_IN_QUOTA);
}
#endif

/*
 * Formatted extack messages (6.2+). Older kernels get @plain, which must
 * say the same without the numbers.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define PMHS_ERR_FMT(extack, plain, fmt, args...) \
	NL_SET_ERR_MSG_FMT(extack, fmt, ##args)
#else
#define PMHS_ERR_FMT(extack, plain, fmt, args...) \
	NL_SET_ERR_MSG(extack, plain)
#endif

#endif /* _PMHS_COMPAT_H */
