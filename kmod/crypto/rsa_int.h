/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the RSA code (rsa_key.c, rsa_priv.c, rsa_pad.c): the key
 * objects and the steps these files share. Everyone else uses rsa.h.
 */
#ifndef _PMHS_RSA_INT_H
#define _PMHS_RSA_INT_H

#include <crypto/akcipher.h>
#include <crypto/hash.h>
#include <linux/mpi.h>
#include <linux/mutex.h>
#include <linux/refcount.h>

#include "mont.h"
#include "rsa.h"

struct pmhs_rsa_pub {
	refcount_t ref;
	MPI n;
	MPI e;
	unsigned int bits;
	unsigned int size;		/* bytes */
	struct crypto_akcipher *tfm;	/* NULL: use mpi_powm() */
	unsigned int tfm_len;		/* its output size: n rounded to limbs */
	/* SHA-256 of the canonical SPKI, which is not kept (encoded on demand) */
	u8 fpr[PMHS_RSA_FPR_LEN];
};

struct pmhs_rsa_priv {
	struct pmhs_rsa_pub *pub;	/* own reference */
	MPI p, q, dp, dq, qinv;
	struct pmhs_mont *mp, *mq;	/* NULL: mpi_powm() (see mont.h) */
	struct mutex lock;		/* protects blind_* */
	MPI blind_a;			/* r^e mod n */
	MPI blind_ai;			/* r^-1 mod n */
	unsigned int blind_uses;	/* squarings since a fresh r */
};

/* SHA-1 or SHA-256, allocated once by pmhs_rsa_init() (rsa_pad.c). */
struct crypto_shash *pmhs_rsa_hash_tfm(enum pmhs_hash h);

/* Fixed-length big-endian export of 0 <= a < 2^(8 * len), rsa_key.c. */
void pmhs_mpi_to_be(MPI a, u8 *out, size_t len);

/*
 * out = in^e mod n, both pub->size bytes. -EINVAL if in >= n
 * (rsa_key.c).
 */
int pmhs_rsa_public(const struct pmhs_rsa_pub *pub, const u8 *in, u8 *out);

/*
 * out = in^d mod n via blinded CRT, both pub->size bytes. -EINVAL if
 * in >= n, -EIO if the result fails its check (rsa_priv.c).
 */
int pmhs_rsa_private(struct pmhs_rsa_priv *priv, const u8 *in, u8 *out);

/* A new key's first blinding pair (rsa_priv.c). */
int pmhs_rsa_blind_new(struct pmhs_rsa_priv *priv, MPI *pa, MPI *pai);

#endif /* _PMHS_RSA_INT_H */
