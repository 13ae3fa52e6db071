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
					size_t plen, key_perm_t perm)
{
	return key_create(keyring, type, desc, payload, plen, perm,
			  KEY_ALLOC_IN_QUOTA);
}
#else
#include <linux/err.h>
#include <keys/user-type.h>

static inline key_ref_t pmhs_key_create(key_ref_t keyring, const char *type,
					const char *desc, const void *payload,
					size_t plen, key_perm_t perm)
{
	struct key_type *ktype = strcmp(type, "logon") ? &key_type_user :
							 &key_type_logon;
	key_ref_t found = keyring_search(keyring, ktype, desc, false);

	if (!IS_ERR(found)) {
		key_ref_put(found);
		return ERR_PTR(-EEXIST);
	}
	return key_create_or_update(keyring, type, desc, payload, plen, perm,
				    KEY_ALLOC_IN_QUOTA);
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

/*
 * pre_doit/post_doit get the op as struct genl_split_ops since 6.2; 6.1
 * passes struct genl_ops, which has the same cmd and maxattr fields.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define genl_split_ops genl_ops
#endif

/*
 * MPI arithmetic: 6.1 returns void (allocation failures go unnoticed,
 * which is one reason rsa_priv.c checks every CRT result with e); by 6.12 it
 * returns 0 or -ENOMEM. pmhs_mpi_*() always return int.
 */
#include <linux/mpi.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define PMHS_MPI_INT(call) (call)
#else
#define PMHS_MPI_INT(call) ({ call; 0; })
#endif

static inline int pmhs_mpi_add(MPI w, MPI u, MPI v)
{
	return PMHS_MPI_INT(mpi_add(w, u, v));
}

static inline int pmhs_mpi_mul(MPI w, MPI u, MPI v)
{
	return PMHS_MPI_INT(mpi_mul(w, u, v));
}

static inline int pmhs_mpi_mulm(MPI w, MPI u, MPI v, MPI m)
{
	return PMHS_MPI_INT(mpi_mulm(w, u, v, m));
}

static inline int pmhs_mpi_subm(MPI w, MPI u, MPI v, MPI m)
{
	return PMHS_MPI_INT(mpi_subm(w, u, v, m));
}

/* w = u mod m. 6.12 exports no mpi_mod(): (u - 0) mod m is the same. */
static inline int pmhs_mpi_mod(MPI w, MPI u, MPI m)
{
	MPI zero = mpi_alloc(0);
	int ret = -ENOMEM;

	if (zero)
		ret = pmhs_mpi_subm(w, u, zero, m);
	mpi_free(zero);
	return ret;
}

/*
 * Raw RSA public operation on virtual addresses (src and dst must not
 * be on the stack or vmalloc'd on 6.1: they go into scatterlists).
 * 6.5+ has crypto_akcipher_sync_encrypt(); 6.1 only the request API.
 * The "rsa" akcipher left-pads dst with zeros up to dlen.
 */
#include <crypto/akcipher.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline int pmhs_akcipher_encrypt(struct crypto_akcipher *tfm,
					const void *src, unsigned int slen,
					void *dst, unsigned int dlen)
{
	return crypto_akcipher_sync_encrypt(tfm, src, slen, dst, dlen);
}
#else
#include <linux/scatterlist.h>

static inline int pmhs_akcipher_encrypt(struct crypto_akcipher *tfm,
					const void *src, unsigned int slen,
					void *dst, unsigned int dlen)
{
	struct scatterlist sg_src, sg_dst;
	struct akcipher_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	req = akcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg_src, src, slen);
	sg_init_one(&sg_dst, dst, dlen);
	akcipher_request_set_crypt(req, &sg_src, &sg_dst, slen, dlen);
	akcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				      CRYPTO_TFM_REQ_MAY_BACKLOG,
				      crypto_req_done, &wait);
	ret = crypto_wait_req(crypto_akcipher_encrypt(req), &wait);
	akcipher_request_free(req);
	return ret;
}
#endif

#endif /* _PMHS_COMPAT_H */
