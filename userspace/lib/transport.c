// SPDX-License-Identifier: GPL-2.0
/* A handshake secret into kernel TLS or an IPsec SA pair. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

/* Nonces come in pairs: both or neither. */
static bool nonces_ok(const void *a, size_t alen, const void *b, size_t blen)
{
	return (!a && !b) || (a && b && alen && blen);
}

PMHS_API int pmhs_ktls_install(struct pmhs *h, const struct pmhs_ktls_params *p)
{
	struct nl_msg *m;

	if (!h || !PMHS_SIZE_OK(p, sizeof(*p)) ||
	    !nonces_ok(p->nonce, p->nonce_len, p->peer_nonce, p->peer_nonce_len))
		return -EINVAL;
	m = pmhs_raw_msg(h, PMHS_CMD_KTLS_INSTALL, 0);
	if (!m)
		return -ENOMEM;
	if (nla_put_s32(m, PMHS_A_KTLS_FD, p->fd) ||
	    nla_put_s32(m, PMHS_A_KTLS_KEY_SERIAL, p->key_serial) ||
	    nla_put_u32(m, PMHS_A_KTLS_ROLE, p->role) ||
	    nla_put_u32(m, PMHS_A_KTLS_CIPHER, p->cipher) ||
	    (p->nonce && nla_put(m, PMHS_A_KTLS_NONCE, (int)p->nonce_len, p->nonce)) ||
	    (p->peer_nonce && nla_put(m, PMHS_A_KTLS_PEER_NONCE, (int)p->peer_nonce_len,
				      p->peer_nonce))) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, 0, NULL, NULL, false);
}

static int ipsec_cb(struct nlattr **tb, void *arg)
{
	struct pmhs_ipsec_params *p = arg;

	pmhs_get_u32(tb, PMHS_A_IPSEC_SPI_I2R, &p->spi_i2r);
	pmhs_get_u32(tb, PMHS_A_IPSEC_SPI_R2I, &p->spi_r2i);
	return 0;
}

/* pmhs_ipsec_params as 0.1.0 had it, before alg: such callers get AES-GCM. */
#define IPSEC_PARAMS_V1		offsetof(struct pmhs_ipsec_params, alg)
#define IPSEC_HAS_ALG(p)	((p)->size >= IPSEC_PARAMS_V1 + sizeof((p)->alg))

static int ipsec(struct pmhs *h, uint8_t cmd, const struct pmhs_ipsec_params *p,
		 struct pmhs_ipsec_params *out)
{
	bool up = cmd == PMHS_CMD_IPSEC_UP;
	struct nl_msg *m;

	if (!h || !PMHS_SIZE_OK(p, IPSEC_PARAMS_V1) ||
	    !nonces_ok(p->nonce, p->nonce_len, p->peer_nonce, p->peer_nonce_len))
		return -EINVAL;
	m = pmhs_raw_msg(h, cmd, 0);
	if (!m)
		return -ENOMEM;
	/* ipsec-down takes no reqid, nonces or alg (it goes by the SPIs). */
	if ((p->key_serial && nla_put_s32(m, PMHS_A_IPSEC_KEY_SERIAL, p->key_serial)) ||
	    nla_put_u32(m, PMHS_A_IPSEC_ROLE, p->role) ||
	    nla_put_u32(m, PMHS_A_IPSEC_LOCAL, p->local) ||
	    nla_put_u32(m, PMHS_A_IPSEC_REMOTE, p->remote) ||
	    (p->spi_i2r && nla_put_u32(m, PMHS_A_IPSEC_SPI_I2R, p->spi_i2r)) ||
	    (p->spi_r2i && nla_put_u32(m, PMHS_A_IPSEC_SPI_R2I, p->spi_r2i)) ||
	    (up && (p->flags & PMHS_IPSEC_REQID) &&
	     nla_put_u32(m, PMHS_A_IPSEC_REQID, p->reqid)) ||
	    (up && p->nonce && nla_put(m, PMHS_A_IPSEC_NONCE, (int)p->nonce_len, p->nonce)) ||
	    (up && p->peer_nonce && nla_put(m, PMHS_A_IPSEC_PEER_NONCE, (int)p->peer_nonce_len,
					    p->peer_nonce)) ||
	    (up && nla_put_u32(m, PMHS_A_IPSEC_ALG,
			       IPSEC_HAS_ALG(p) ? p->alg : PMHS_ESP_ALG_AES_GCM_256))) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, PMHS_A_IPSEC_MAX, out ? ipsec_cb : NULL, out, false);
}

PMHS_API int pmhs_ipsec_up(struct pmhs *h, struct pmhs_ipsec_params *p)
{
	return ipsec(h, PMHS_CMD_IPSEC_UP, p, p);
}

PMHS_API int pmhs_ipsec_down(struct pmhs *h, const struct pmhs_ipsec_params *p)
{
	return ipsec(h, PMHS_CMD_IPSEC_DOWN, p, NULL);
}
