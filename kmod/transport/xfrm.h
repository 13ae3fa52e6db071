/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_XFRM_H
#define _PMHS_XFRM_H

#include <linux/netlink.h>
#include <linux/types.h>
#include <net/net_namespace.h>

/* One host-to-host ESP association, as ipsec-up and ipsec-down see it. */
struct pmhs_ipsec {
	__be32 local;		/* our IPv4 address */
	__be32 remote;		/* the peer's */
	u32 spi_i2r;		/* host byte order, >= PMHS_SPI_MIN */
	u32 spi_r2i;
	u32 reqid;
	bool initiator;		/* we send with the i2r SA */
	u32 alg;		/* PMHS_ESP_ALG_* (up only) */
	const u8 *nonces;	/* NULL, or PMHS_NONCES_LEN bytes (schedule.h) */
};

#if IS_ENABLED(CONFIG_XFRM) && IS_ENABLED(CONFIG_INET)
/* The SPIs both sides derive from a secret (labels in docs/protocol.md). */
int pmhs_ipsec_spis(const u8 secret[32], const u8 *nonces, u32 *spi_i2r,
		    u32 *spi_r2i);

/* Are local and remote usable unicast addresses, and different? */
int pmhs_ipsec_check_addrs(const struct pmhs_ipsec *p,
			   struct netlink_ext_ack *extack);

/*
 * Install both SAs and both policies in @net, or nothing. The SAs and
 * policies then belong to xfrm, like those of `ip xfrm`: pmhs keeps no
 * reference to them. Here and in down, @p has passed
 * pmhs_ipsec_check_addrs() (the netlink parser checks it before it
 * reads any key). *@used is set once an SA keyed from @secret was
 * added, even if it was then taken back.
 */
int pmhs_ipsec_up(struct net *net, const struct pmhs_ipsec *p,
		  const u8 secret[32], bool *used,
		  struct netlink_ext_ack *extack);

/* Remove what is there of them; -ENOENT if nothing was. */
int pmhs_ipsec_down(struct net *net, const struct pmhs_ipsec *p,
		    struct netlink_ext_ack *extack);
#else
static inline int pmhs_ipsec_spis(const u8 secret[32], const u8 *nonces,
				  u32 *spi_i2r, u32 *spi_r2i)
{
	return -EOPNOTSUPP;
}

static inline int pmhs_ipsec_check_addrs(const struct pmhs_ipsec *p,
					 struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "this kernel has no IPsec (CONFIG_XFRM)");
	return -EOPNOTSUPP;
}

static inline int pmhs_ipsec_up(struct net *net, const struct pmhs_ipsec *p,
				const u8 secret[32], bool *used,
				struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

static inline int pmhs_ipsec_down(struct net *net, const struct pmhs_ipsec *p,
				  struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _PMHS_XFRM_H */
