// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec ESP keyed inside the kernel from a handshake secret: a pair of
 * transport-mode SAs, rfc4106(gcm(aes)) or rfc7539esp(chacha20,poly1305)
 * with a 256-bit key, and the two policies that send the traffic between
 * two IPv4 hosts through them, as `ip xfrm state add` and `ip xfrm policy
 * add` would make them but without the keys ever being in userspace (see
 * docs/protocol.md, IPsec).
 * The objects belong to xfrm once added; pmhs keeps no reference.
 */
#include <linux/in.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/xfrm.h>
#include <uapi/linux/pmhs.h>

#include "compat.h"
#include "schedule.h"
#include "xfrm.h"

/* Both AEADs take a 256-bit key || 4-byte salt (RFC 4106, RFC 7634). */
#define PMHS_ESP_KEYLEN		36
#define PMHS_ESP_ICV_BITS	128
#define PMHS_ESP_REPLAY		32
#define PMHS_ESP_SPI_USE	"esp spi"

/* By PMHS_ESP_ALG_*: xfrm's name and the schedule's <use>. */
static const struct pmhs_esp_suite {
	const char *aead;
	const char *use;
} pmhs_esp_suites[] = {
	[PMHS_ESP_ALG_AES_GCM_256] = {
		"rfc4106(gcm(aes))", "esp rfc4106-gcm-aes-256"
	},
	[PMHS_ESP_ALG_CHACHA20_POLY1305] = {
		"rfc7539esp(chacha20,poly1305)", "esp rfc7539esp-chacha20-poly1305"
	},
};

/* extack messages are literals: one per suite, naming what to load. */
static void pmhs_esp_missing(const struct pmhs_esp_suite *suite,
			     struct netlink_ext_ack *extack)
{
	if (suite == &pmhs_esp_suites[PMHS_ESP_ALG_CHACHA20_POLY1305])
		NL_SET_ERR_MSG(extack,
			       "rfc7539esp(chacha20,poly1305) is not available: load esp4 and chacha20poly1305");
	else
		NL_SET_ERR_MSG(extack, "rfc4106(gcm(aes)) is not available: load esp4 and gcm");
}

int pmhs_ipsec_spis(const u8 secret[32], const u8 *nonces, u32 *spi_i2r,
		    u32 *spi_r2i)
{
	__be32 v[2];
	int ret;

	ret = pmhs_traffic_key(secret, nonces, PMHS_ESP_SPI_USE, true,
			       (u8 *)&v[0], sizeof(v[0]), NULL, 0);
	if (!ret)
		ret = pmhs_traffic_key(secret, nonces, PMHS_ESP_SPI_USE, false,
				       (u8 *)&v[1], sizeof(v[1]), NULL, 0);
	if (ret)
		return ret;
	*spi_i2r = be32_to_cpu(v[0]);
	*spi_r2i = be32_to_cpu(v[1]);
	/* 0 to 255 are reserved; both sides move them the same way. */
	if (*spi_i2r < PMHS_SPI_MIN)
		*spi_i2r += PMHS_SPI_MIN;
	if (*spi_r2i < PMHS_SPI_MIN)
		*spi_r2i += PMHS_SPI_MIN;
	if (*spi_r2i == *spi_i2r)
		*spi_r2i ^= 1;
	return 0;
}

static bool pmhs_ipsec_unicast(__be32 a)
{
	return !ipv4_is_zeronet(a) && !ipv4_is_multicast(a) &&
	       !ipv4_is_lbcast(a);
}

int pmhs_ipsec_check_addrs(const struct pmhs_ipsec *p,
			   struct netlink_ext_ack *extack)
{
	if (!pmhs_ipsec_unicast(p->local)) {
		NL_SET_ERR_MSG(extack, "local address is not a unicast IPv4 address");
		return -EINVAL;
	}
	if (!pmhs_ipsec_unicast(p->remote)) {
		NL_SET_ERR_MSG(extack, "remote address is not a unicast IPv4 address");
		return -EINVAL;
	}
	if (p->local == p->remote) {
		NL_SET_ERR_MSG(extack, "local and remote addresses are the same");
		return -EINVAL;
	}
	return 0;
}

/* The SA that sends (out) or receives; out goes local -> remote. */
static void pmhs_ipsec_ends(const struct pmhs_ipsec *p, bool out,
			    __be32 *src, __be32 *dst, u32 *spi)
{
	*src = out ? p->local : p->remote;
	*dst = out ? p->remote : p->local;
	/* The initiator sends with i2r. */
	*spi = out == p->initiator ? p->spi_i2r : p->spi_r2i;
}

static void pmhs_ipsec_sel(struct xfrm_selector *sel, __be32 src, __be32 dst)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = AF_INET;
	sel->saddr.a4 = src;
	sel->daddr.a4 = dst;
	sel->prefixlen_s = 32;
	sel->prefixlen_d = 32;
}

/*
 * The algorithm table lives in the xfrm_algo module, which esp4 needs
 * anyway: look it up at run time (loading it on demand) rather than
 * make pmhs.ko depend on it.
 */
static int pmhs_esp_algo(const struct pmhs_esp_suite *suite,
			 struct xfrm_algo_aead *aead, u8 *sadb_id,
			 const char **geniv, struct netlink_ext_ack *extack)
{
	struct xfrm_algo_desc *(*byname)(const char *name, int icv_len,
					 int probe);
	struct xfrm_algo_desc *algo;

	byname = symbol_request(xfrm_aead_get_byname);
	if (!byname) {
		NL_SET_ERR_MSG(extack, "the xfrm_algo module is not available: load esp4");
		return -ENOENT;
	}
	algo = byname(suite->aead, PMHS_ESP_ICV_BITS, 1);
	if (!algo) {
		symbol_put(xfrm_aead_get_byname);
		pmhs_esp_missing(suite, extack);
		return -ENOENT;
	}
	strscpy(aead->alg_name, algo->name, sizeof(aead->alg_name));
	/* 0 for chacha20-poly1305, which PF_KEY has no number for: as xfrm_user. */
	*sadb_id = algo->desc.sadb_alg_id;
	/*
	 * A string in xfrm_algo's table, as xfrm_user sets it. We hold the
	 * symbol until the SAs are initialised; from then on each SA holds
	 * its type's module (esp4, by xfrm_get_type()), which links against
	 * xfrm_algo, so the string lives as long as any SA pointing at it.
	 */
	*geniv = algo->uinfo.aead.geniv;
	return 0;
}

/*
 * One SA, added to @net; on success the caller holds a reference to it
 * besides the table's. @key is PMHS_ESP_KEYLEN bytes.
 */
static struct xfrm_state *pmhs_esp_state(struct net *net,
					 const struct pmhs_esp_suite *suite,
					 const struct xfrm_algo_aead *tmpl,
					 u8 sadb_id, const char *geniv,
					 __be32 src, __be32 dst, u32 spi,
					 u32 reqid, const u8 *key,
					 struct netlink_ext_ack *extack)
{
	struct km_event c = { .event = XFRM_MSG_NEWSA };
	struct xfrm_algo_aead *aead;
	struct xfrm_state *x;
	int ret;

	x = xfrm_state_alloc(net);
	if (!x)
		return ERR_PTR(-ENOMEM);
	x->id.daddr.a4 = dst;
	x->id.spi = htonl(spi);
	x->id.proto = IPPROTO_ESP;
	x->props.saddr.a4 = src;
	x->props.family = AF_INET;
	x->props.mode = XFRM_MODE_TRANSPORT;
	x->props.reqid = reqid;
	x->props.replay_window = PMHS_ESP_REPLAY;
	x->props.ealgo = sadb_id;
	pmhs_ipsec_sel(&x->sel, src, dst);
	/* Lifetimes: xfrm_state_alloc() leaves them infinite. */

	aead = kzalloc(sizeof(*aead) + PMHS_ESP_KEYLEN, GFP_KERNEL);
	if (!aead) {
		ret = -ENOMEM;
		goto err;
	}
	memcpy(aead->alg_name, tmpl->alg_name, sizeof(aead->alg_name));
	aead->alg_key_len = PMHS_ESP_KEYLEN * 8;
	aead->alg_icv_len = PMHS_ESP_ICV_BITS;
	memcpy(aead->alg_key, key, PMHS_ESP_KEYLEN);
	x->aead = aead;
	x->geniv = geniv;

	/* Loads esp4 ("xfrm-type-2-50") and the AEAD templates if needed. */
	ret = __xfrm_init_state(x, true, false, extack);
	if (ret) {
		if (ret == -EPROTONOSUPPORT)
			NL_SET_ERR_MSG(extack, "ESP for IPv4 is not available: load esp4");
		else if (ret == -ENOENT)
			pmhs_esp_missing(suite, extack);
		goto err;
	}
	x->replay_maxdiff = net->xfrm.sysctl_aevent_rseqth;
	/* sysctl_aevent_etime is in 100 ms units */
	x->replay_maxage = (net->xfrm.sysctl_aevent_etime * HZ) / XFRM_AE_ETH_M;
	x->km.state = XFRM_STATE_VALID;

	xfrm_state_hold(x);
	ret = xfrm_state_add(x);
	xfrm_audit_state_add(x, ret ? 0 : 1, true);
	if (ret) {
		__xfrm_state_put(x);
		if (ret == -EEXIST)
			PMHS_ERR_FMT(extack, "an SA with this SPI and destination exists",
				     "SPI 0x%08x to %pI4 is in use", spi, &dst);
		else
			NL_SET_ERR_MSG(extack, "xfrm refused the SA");
		goto err;
	}
	km_state_notify(x, &c);
	return x;

err:
	/* Never added, so ours alone: xfrm would free the key unwiped. */
	if (x->aead)
		memzero_explicit(x->aead->alg_key, PMHS_ESP_KEYLEN);
	x->km.state = XFRM_STATE_DEAD;
	xfrm_state_put(x);
	return ERR_PTR(ret);
}

static void pmhs_esp_state_del(struct xfrm_state *x)
{
	struct km_event c = { .event = XFRM_MSG_DELSA };
	int ret;

	ret = xfrm_state_delete(x);
	xfrm_audit_state_delete(x, ret ? 0 : 1, true);
	if (!ret)
		km_state_notify(x, &c);
}

/* One policy; on success the caller holds a reference to it. */
static struct xfrm_policy *pmhs_esp_policy(struct net *net, int dir,
					   __be32 src, __be32 dst, u32 reqid,
					   struct netlink_ext_ack *extack)
{
	struct km_event c = { .event = XFRM_MSG_NEWPOLICY };
	struct xfrm_policy *xp;
	struct xfrm_tmpl *t;
	int ret;

	xp = xfrm_policy_alloc(net, GFP_KERNEL);
	if (!xp)
		return ERR_PTR(-ENOMEM);
	pmhs_ipsec_sel(&xp->selector, src, dst);
	xp->lft.soft_byte_limit = XFRM_INF;
	xp->lft.hard_byte_limit = XFRM_INF;
	xp->lft.soft_packet_limit = XFRM_INF;
	xp->lft.hard_packet_limit = XFRM_INF;
	xp->action = XFRM_POLICY_ALLOW;
	xp->family = AF_INET;
	xp->type = XFRM_POLICY_TYPE_MAIN;
	xp->xfrm_nr = 1;
	t = &xp->xfrm_vec[0];
	/* Transport mode takes the addresses from the flow; these are shown. */
	t->id.daddr.a4 = dst;
	t->id.proto = IPPROTO_ESP;
	t->saddr.a4 = src;
	t->reqid = reqid;
	t->mode = XFRM_MODE_TRANSPORT;
	t->share = XFRM_SHARE_ANY;
	t->aalgos = ~0U;
	t->ealgos = ~0U;
	t->calgos = ~0U;
	t->allalgs = 1;
	t->encap_family = AF_INET;

	/* The table takes its own reference; ours is the allocation's. */
	ret = xfrm_policy_insert(dir, xp, 1);
	xfrm_audit_policy_add(xp, ret ? 0 : 1, true);
	if (ret) {
		if (ret == -EEXIST && dir == XFRM_POLICY_OUT)
			NL_SET_ERR_MSG(extack, "an OUT policy between these addresses exists");
		else if (ret == -EEXIST)
			NL_SET_ERR_MSG(extack, "an IN policy between these addresses exists");
		else
			NL_SET_ERR_MSG(extack, "xfrm refused the policy");
		xp->walk.dead = 1;
		xfrm_policy_destroy(xp);
		return ERR_PTR(ret);
	}
	km_policy_notify(xp, dir, &c);
	return xp;
}

static void pmhs_esp_policy_notify_del(struct xfrm_policy *xp, int dir,
				       int ret)
{
	struct km_event c = { .event = XFRM_MSG_DELPOLICY };

	xfrm_audit_policy_delete(xp, ret ? 0 : 1, true);
	if (!ret)
		km_policy_notify(xp, dir, &c);
}

int pmhs_ipsec_up(struct net *net, const struct pmhs_ipsec *p,
		  const u8 secret[32], bool *used,
		  struct netlink_ext_ack *extack)
{
	struct xfrm_state *xs[2] = { NULL, NULL };	/* in, out */
	struct xfrm_policy *xp[2] = { NULL, NULL };
	const struct pmhs_esp_suite *suite;
	struct xfrm_algo_aead algo = {};
	u8 key[PMHS_ESP_KEYLEN];
	const char *geniv;
	__be32 src, dst;
	u8 sadb_id;
	int ret, i;
	u32 spi;

	if (p->spi_i2r == p->spi_r2i) {
		NL_SET_ERR_MSG(extack, "the two directions need different SPIs");
		return -EINVAL;
	}
	/* The netlink policy caps it; checked again before the table is read. */
	if (p->alg >= ARRAY_SIZE(pmhs_esp_suites)) {
		NL_SET_ERR_MSG(extack, "unknown ESP algorithm (aes-gcm-256, chacha20-poly1305)");
		return -EINVAL;
	}
	suite = &pmhs_esp_suites[p->alg];
	ret = pmhs_esp_algo(suite, &algo, &sadb_id, &geniv, extack);
	if (ret)
		return ret;

	/* As xfrm_user configures under it: no SA or policy change between. */
	mutex_lock(&net->xfrm.xfrm_cfg_mutex);
	/* The inbound SA first, so the peer's first packet finds it. */
	for (i = 0; i < 2; i++) {
		bool out = i;

		pmhs_ipsec_ends(p, out, &src, &dst, &spi);
		ret = pmhs_traffic_key(secret, p->nonces, suite->use,
				       out == p->initiator, key, sizeof(key),
				       NULL, 0);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot derive the ESP key");
			goto out;
		}
		xs[i] = pmhs_esp_state(net, suite, &algo, sadb_id, geniv, src,
				       dst, spi, p->reqid, key, extack);
		memzero_explicit(key, sizeof(key));
		if (IS_ERR(xs[i])) {
			ret = PTR_ERR(xs[i]);
			xs[i] = NULL;
			goto out;
		}
		*used = true;
	}
	for (i = 0; i < 2; i++) {
		bool out = i;

		pmhs_ipsec_ends(p, out, &src, &dst, &spi);
		xp[i] = pmhs_esp_policy(net, out ? XFRM_POLICY_OUT : XFRM_POLICY_IN,
					src, dst, p->reqid, extack);
		if (IS_ERR(xp[i])) {
			ret = PTR_ERR(xp[i]);
			xp[i] = NULL;
			goto out;
		}
	}
out:
	/* All or nothing: a failure takes back what was added. */
	for (i = 0; i < 2; i++) {
		if (xp[i]) {
			int dir = i ? XFRM_POLICY_OUT : XFRM_POLICY_IN;

			if (ret)
				pmhs_esp_policy_notify_del(xp[i], dir,
							   xfrm_policy_delete(xp[i], dir));
			xfrm_pol_put(xp[i]);
		}
		if (xs[i]) {
			if (ret)
				pmhs_esp_state_del(xs[i]);
			xfrm_state_put(xs[i]);
		}
	}
	mutex_unlock(&net->xfrm.xfrm_cfg_mutex);
	symbol_put(xfrm_aead_get_byname);
	memzero_explicit(key, sizeof(key));
	return ret;
}

static int pmhs_ipsec_down_locked(struct net *net, const struct pmhs_ipsec *p,
				  struct netlink_ext_ack *extack)
{
	struct xfrm_mark mark = {};
	struct xfrm_selector sel;
	struct xfrm_policy *xp;
	struct xfrm_state *x;
	int ret, i, found = 0;
	xfrm_address_t daddr;
	__be32 src, dst;
	u32 spi;

	/* Policies first: no packet should meet a policy without its SA. */
	for (i = 0; i < 2; i++) {
		bool out = i;
		int dir = out ? XFRM_POLICY_OUT : XFRM_POLICY_IN;

		pmhs_ipsec_ends(p, out, &src, &dst, &spi);
		pmhs_ipsec_sel(&sel, src, dst);
		xp = xfrm_policy_bysel_ctx(net, &mark, 0, XFRM_POLICY_TYPE_MAIN,
					   dir, &sel, NULL, 1, &ret);
		if (!xp)
			continue;
		pmhs_esp_policy_notify_del(xp, dir, ret);
		xfrm_pol_put(xp);
		if (ret) {
			NL_SET_ERR_MSG(extack, "a security module kept the policy");
			return ret;
		}
		found++;
	}
	for (i = 0; i < 2; i++) {
		pmhs_ipsec_ends(p, i, &src, &dst, &spi);
		memset(&daddr, 0, sizeof(daddr));
		daddr.a4 = dst;
		x = xfrm_state_lookup(net, 0, &daddr, htonl(spi), IPPROTO_ESP,
				      AF_INET);
		if (!x)
			continue;
		/* Only ours: an inbound SA is found by (dst, spi), not src. */
		if (x->props.saddr.a4 != src || x->props.mode != XFRM_MODE_TRANSPORT) {
			xfrm_state_put(x);
			continue;
		}
		/* The LSM check xfrm_user's DELSA makes (the policies' is in bysel). */
		ret = xfrm_state_kern(x) ? -EPERM : security_xfrm_state_delete(x);
		if (!ret)
			ret = xfrm_state_delete(x);
		xfrm_audit_state_delete(x, ret ? 0 : 1, true);
		if (!ret) {
			struct km_event c = { .event = XFRM_MSG_DELSA };

			km_state_notify(x, &c);
		}
		xfrm_state_put(x);
		if (ret) {
			NL_SET_ERR_MSG(extack, "xfrm kept the SA");
			return ret;
		}
		found++;
	}
	if (!found) {
		NL_SET_ERR_MSG(extack, "no such SAs or policies");
		return -ENOENT;
	}
	return 0;
}

int pmhs_ipsec_down(struct net *net, const struct pmhs_ipsec *p,
		    struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&net->xfrm.xfrm_cfg_mutex);
	ret = pmhs_ipsec_down_locked(net, p, extack);
	mutex_unlock(&net->xfrm.xfrm_cfg_mutex);
	return ret;
}
