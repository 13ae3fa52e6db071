// SPDX-License-Identifier: GPL-2.0
/*
 * The handle: one generic netlink socket with extended and capped acks,
 * a lock, and the kernel's message of the last call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct call_ctx {
	struct pmhs *h;
	pmhs_raw_cb cb;
	pmhs_raw_nlh_cb nlh_cb;
	void *arg;
	int maxattr;
	int err;
	int done;
};

/* The family version the loaded module registered, or -errno. */
static int family_version(struct nl_sock *sk)
{
	struct nl_cache *cache;
	struct genl_family *fam;
	int ver;

	if (genl_ctrl_alloc_cache(sk, &cache))
		return -EIO;
	fam = genl_ctrl_search_by_name(cache, PMHS_FAMILY_NAME);
	ver = fam ? (int)genl_family_get_version(fam) : -ENOENT;
	if (fam)
		genl_family_put(fam);
	nl_cache_free(cache);
	return ver;
}

static int open_handle(struct pmhs **hp, uint32_t port)
{
	struct pmhs *h;
	int one = 1, ret;

	if (!hp)
		return -EINVAL;
	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	ret = -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk)
		goto err_free;
	if (port)
		nl_socket_set_local_port(h->sk, port);
	ret = genl_connect(h->sk);
	if (ret) {
		/* libnl reports EADDRINUSE as NLE_EXIST. */
		ret = ret == -NLE_EXIST ? -EADDRINUSE : -EIO;
		goto err_sock;
	}
	/*
	 * libnl 3.7 has no helper for these. Extended acks carry the kernel's
	 * text; capped acks do not echo a refused request (its password or
	 * private key) back into our receive buffer.
	 */
	if (setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		ret = -errno;
		goto err_sock;
	}
	/*
	 * libnl's default buffers (32 KiB) cannot carry a Noise transport
	 * message (up to 65531 bytes) or its reply; the kernel caps this at
	 * net.core.{w,r}mem_max, which is larger than what we need.
	 */
	ret = nl_socket_set_buffer_size(h->sk, 1 << 20, 1 << 20);
	if (ret) {
		ret = -EIO;
		goto err_sock;
	}
	/* The lookup lets the kernel autoload pmhs.ko by its family alias. */
	h->family = genl_ctrl_resolve(h->sk, PMHS_FAMILY_NAME);
	if (h->family < 0) {
		ret = -ENOENT;
		goto err_sock;
	}
	/*
	 * The genetlink header's version is not checked by the kernel: a
	 * module of another family version would read our attributes by
	 * the wrong numbers. Refuse it here instead.
	 */
	ret = family_version(h->sk);
	if (ret < 0)
		goto err_sock;
	if (ret != PMHS_FAMILY_VERSION) {
		ret = -EPROTONOSUPPORT;
		goto err_sock;
	}
	ret = pthread_mutex_init(&h->lock, NULL);
	if (ret) {
		ret = -ret;
		goto err_sock;
	}
	*hp = h;
	return 0;

err_sock:
	nl_socket_free(h->sk);
err_free:
	free(h);
	return ret;
}

PMHS_API int pmhs_open(struct pmhs **hp)
{
	return open_handle(hp, 0);
}

PMHS_API int pmhs_open_port(struct pmhs **hp, uint32_t port)
{
	return open_handle(hp, port);
}

PMHS_API void pmhs_close(struct pmhs *h)
{
	if (!h)
		return;
	/* Closing the socket destroys the handle's unfinished sessions. */
	nl_socket_free(h->sk);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

PMHS_API const char *pmhs_errmsg(struct pmhs *h)
{
	return h ? h->extack : "";
}

PMHS_API size_t pmhs_errmsg_copy(struct pmhs *h, char *buf, size_t len)
{
	size_t n;

	if (!h || !buf || !len)
		return 0;
	pthread_mutex_lock(&h->lock);
	n = strlen(h->extack);
	snprintf(buf, len, "%s", h->extack);
	pthread_mutex_unlock(&h->lock);
	return n;
}

PMHS_API int pmhs_fd(struct pmhs *h)
{
	return h ? nl_socket_get_fd(h->sk) : -EINVAL;
}

void pmhs_set_errmsg(struct pmhs *h, const char *msg)
{
	snprintf(h->extack, sizeof(h->extack), "%s", msg);
}

struct nl_msg *pmhs_raw_msg(struct pmhs *h, uint8_t cmd, int flags)
{
	return pmhs_raw_msg_sized(h, cmd, flags, 0);
}

struct nl_msg *pmhs_raw_msg_sized(struct pmhs *h, uint8_t cmd, int flags, size_t payload)
{
	/* libnl's default (a page) cannot hold the larger binary attributes. */
	struct nl_msg *msg = payload ? nlmsg_alloc_size(payload + 1024) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 flags | NLM_F_ACK, cmd, PMHS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void pmhs_raw_discard(struct nl_msg *msg, bool wipe)
{
	if (!msg)
		return;
	if (wipe)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;
	struct nlattr *tb[ctx->maxattr + 1];
	int ret;

	/*
	 * After an error, read on to the ack without looking: a reply left
	 * in the socket would be taken for the next call's.
	 */
	if ((!ctx->cb && !ctx->nlh_cb) || ctx->err)
		return NL_OK;
	if (ctx->nlh_cb) {
		ret = ctx->nlh_cb(nlmsg_hdr(msg), ctx->arg);
		if (ret < 0)
			ctx->err = ret;
		return NL_OK;
	}
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, ctx->maxattr, NULL);
	if (ret < 0) {
		ctx->err = -EBADMSG;
		return NL_OK;
	}
	ret = ctx->cb(tb, ctx->arg);
	if (ret < 0)
		ctx->err = ret;
	return NL_OK;
}

/* Pull NLMSGERR_ATTR_MSG out of an extended ack. */
static void parse_extack(struct pmhs *h, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	struct nlattr *attrs;
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)e + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0)
		snprintf(h->extack, sizeof(h->extack), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct call_ctx *ctx = arg;

	/* The kernel's error is the ack: it ends the call. */
	ctx->err = e->error;
	parse_extack(ctx->h, e);
	ctx->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;

	/* Warnings can ride on a successful ack too. */
	parse_extack(ctx->h, nlmsg_data(nlmsg_hdr(msg)));
	ctx->done = 1;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;

	ctx->done = 1;
	return NL_STOP;
}

static int raw_call(struct pmhs *h, struct nl_msg *msg, struct call_ctx *c, bool wipe)
{
	struct call_ctx ctx = *c;
	struct nl_cb *nlcb;
	int ret;

	h->extack[0] = '\0';
	if (!msg)
		return -ENOMEM;
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		pmhs_raw_discard(msg, wipe);
		return -ENOMEM;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &ctx);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &ctx);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &ctx);
	nl_cb_err(nlcb, NL_CB_CUSTOM, err_cb, &ctx);

	ret = nl_send_auto(h->sk, msg);
	pmhs_raw_discard(msg, wipe);
	if (ret < 0) {
		ctx.err = -EIO;
		goto out;
	}
	while (!ctx.done) {
		ret = nl_recvmsgs(h->sk, nlcb);
		if (ret < 0 && !ctx.done) {
			/* The socket itself failed: nothing more will come. */
			if (!ctx.err)
				ctx.err = -EIO;
			break;
		}
	}
out:
	nl_cb_put(nlcb);
	return ctx.err;
}

int pmhs_raw_call_locked(struct pmhs *h, struct nl_msg *msg, int maxattr,
			pmhs_raw_cb cb, void *arg, bool wipe)
{
	struct call_ctx ctx = { .h = h, .cb = cb, .arg = arg, .maxattr = maxattr };

	return raw_call(h, msg, &ctx, wipe);
}

int pmhs_raw_call(struct pmhs *h, struct nl_msg *msg, int maxattr, pmhs_raw_cb cb,
		 void *arg, bool wipe)
{
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = pmhs_raw_call_locked(h, msg, maxattr, cb, arg, wipe);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int pmhs_raw_call_nlh(struct pmhs *h, struct nl_msg *msg, pmhs_raw_nlh_cb cb, void *arg,
		      bool wipe)
{
	struct call_ctx ctx = { .h = h, .nlh_cb = cb, .arg = arg };
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = raw_call(h, msg, &ctx, wipe);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

bool pmhs_get_u32(struct nlattr **tb, int a, uint32_t *out)
{
	if (!tb[a] || nla_len(tb[a]) < (int)sizeof(uint32_t))
		return false;
	*out = nla_get_u32(tb[a]);
	return true;
}

bool pmhs_get_s32(struct nlattr **tb, int a, int32_t *out)
{
	if (!tb[a] || nla_len(tb[a]) < (int)sizeof(int32_t))
		return false;
	*out = nla_get_s32(tb[a]);
	return true;
}

bool pmhs_get_u64(struct nlattr **tb, int a, uint64_t *out)
{
	if (!tb[a] || nla_len(tb[a]) < (int)sizeof(uint64_t))
		return false;
	*out = nla_get_u64(tb[a]);
	return true;
}

int pmhs_get_bin(struct nlattr **tb, int a, void *out, size_t max, size_t *len)
{
	size_t n;

	if (!tb[a]) {
		*len = 0;
		return 0;
	}
	n = (size_t)nla_len(tb[a]);
	if (n > max || (n && !out))
		return -ENOSPC;
	if (n)
		memcpy(out, nla_data(tb[a]), n);
	*len = n;
	return 0;
}

bool pmhs_get_str(struct nlattr **tb, int a, char *out, size_t max)
{
	int n;

	if (!tb[a])
		return false;
	n = nla_len(tb[a]);
	/* The kernel's strings carry their NUL; take what is before it. */
	n = (int)strnlen(nla_data(tb[a]), (size_t)n);
	if ((size_t)n >= max)
		return false;
	memcpy(out, nla_data(tb[a]), (size_t)n);
	out[n] = '\0';
	return true;
}

const void *pmhs_whole(const void *src, uint32_t src_size, void *tmp, size_t size)
{
	if (src_size >= size)
		return src;
	memset(tmp, 0, size);
	memcpy(tmp, src, src_size);
	return tmp;
}

void pmhs_copy_out(void *dst, uint32_t dst_size, const void *src, size_t size)
{
	size_t n = dst_size < size ? dst_size : size;

	memcpy(dst, src, n);
	memcpy(dst, &dst_size, sizeof(dst_size));
}
