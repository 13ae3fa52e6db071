// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-genl-3 plumbing: one socket, extended acks on, kernel error
 * messages shown to the user.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/pmhs.h>

#include "modhint.h"
#include "nl.h"
#include "pmhs-ctl.h"

struct pmhs_nl {
	struct nl_sock *sk;
	int family;
	char extack[256];
};

struct call_ctx {
	struct pmhs_nl *nl;
	pmhs_nl_cb cb;
	void *arg;
	int maxattr;
	int err;
	int done;
};

static void report_no_module(void)
{
	struct modhint h;
	char advice[1536];

	modhint_probe(&h);
	modhint_advice(&h, advice, sizeof(advice));
	fprintf(stderr, "%s: %s"
		"  Without the module these still work: genkey, pubkey, fingerprint, pin,\n"
		"  password-check, help, version.\n", prog, advice);
}

static struct pmhs_nl *nl_open(int *exit_code, uint32_t port, bool quiet)
{
	struct pmhs_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	*exit_code = PMHS_EXIT_FAIL;
	if (!nl)
		goto err_alloc;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		goto err_sock;
	if (port)
		nl_socket_set_local_port(nl->sk, port);
	if (genl_connect(nl->sk)) {
		/* A taken port is the caller's to retry, not worth a line. */
		if (!port)
			fprintf(stderr, "%s: cannot open a generic netlink socket\n", prog);
		goto err_connect;
	}
	/*
	 * libnl 3.7 has no helper for these. Extended acks carry the kernel's
	 * text; capped acks do not echo a refused request (its password or
	 * private key) back into our receive buffer.
	 */
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		       &one, sizeof(one))) {
		fprintf(stderr, "%s: cannot set up the netlink socket: %s\n", prog,
			strerror(errno));
		goto err_connect;
	}
	/* The lookup lets the kernel autoload pmhs.ko by its family alias. */
	nl->family = genl_ctrl_resolve(nl->sk, PMHS_FAMILY_NAME);
	if (nl->family < 0) {
		if (!quiet)
			report_no_module();
		*exit_code = PMHS_EXIT_NOMODULE;
		goto err_connect;
	}
	return nl;

err_connect:
	nl_socket_free(nl->sk);
err_sock:
	free(nl);
err_alloc:
	if (*exit_code == PMHS_EXIT_FAIL)
		fprintf(stderr, "%s: out of memory or netlink unavailable\n", prog);
	return NULL;
}

struct pmhs_nl *pmhs_nl_open(int *exit_code)
{
	return nl_open(exit_code, 0, false);
}

struct pmhs_nl *pmhs_nl_open_quiet(int *exit_code)
{
	return nl_open(exit_code, 0, true);
}

struct pmhs_nl *pmhs_nl_open_port(int *exit_code, uint32_t port)
{
	return nl_open(exit_code, port, false);
}

int pmhs_nl_require(void)
{
	struct pmhs_nl *nl;
	int ret;

	nl = pmhs_nl_open(&ret);
	pmhs_nl_close(nl);
	return nl ? PMHS_EXIT_OK : ret;
}

int pmhs_nl_fd(const struct pmhs_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

void pmhs_nl_close(struct pmhs_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *pmhs_nl_msg(struct pmhs_nl *nl, unsigned char cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags | NLM_F_ACK, cmd, PMHS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;
	struct nlattr *tb[ctx->maxattr + 1];
	int ret;

	if (!ctx->cb)
		return NL_OK;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, ctx->maxattr, NULL);
	if (ret < 0) {
		ctx->err = -EBADMSG;
		return NL_STOP;
	}
	ret = ctx->cb(tb, ctx->arg);
	if (ret < 0) {
		ctx->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

/* Pull NLMSGERR_ATTR_MSG out of an extended ack. */
static void parse_extack(struct pmhs_nl *nl, struct nlmsgerr *e)
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
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct call_ctx *ctx = arg;

	ctx->err = e->error;
	parse_extack(ctx->nl, e);
	ctx->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;

	/* Warnings can ride on a successful ack too. */
	parse_extack(ctx->nl, nlmsg_data(nlmsg_hdr(msg)));
	ctx->done = 1;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;

	ctx->done = 1;
	return NL_STOP;
}

static int call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		pmhs_nl_cb cb, void *arg, bool wipe)
{
	struct call_ctx ctx = { .nl = nl, .cb = cb, .arg = arg, .maxattr = maxattr };
	struct nl_cb *nlcb;
	int ret;

	nl->extack[0] = '\0';
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		if (wipe)
			explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &ctx);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &ctx);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &ctx);
	nl_cb_err(nlcb, NL_CB_CUSTOM, err_cb, &ctx);

	ret = nl_send_auto(nl->sk, msg);
	if (wipe)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (ret < 0) {
		ctx.err = -EIO;
		goto out;
	}
	while (!ctx.done && !ctx.err) {
		ret = nl_recvmsgs(nl->sk, nlcb);
		if (ret < 0 && !ctx.err && !ctx.done)
			ctx.err = -EIO;
	}
	/* An error cb returning NL_STOP leaves the ack unread: nothing to do. */
out:
	nl_cb_put(nlcb);
	return ctx.err;
}

int pmhs_nl_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		 pmhs_nl_cb cb, void *arg)
{
	return call(nl, msg, maxattr, cb, arg, false);
}

int pmhs_nl_call_wipe(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr,
		      pmhs_nl_cb cb, void *arg)
{
	return call(nl, msg, maxattr, cb, arg, true);
}

const char *pmhs_nl_extack(const struct pmhs_nl *nl)
{
	return nl->extack;
}

int pmhs_nl_report(const struct pmhs_nl *nl, const char *what, int err)
{
	if (nl && nl->extack[0])
		fprintf(stderr, "%s: %s: %s (kernel: %s)\n", prog, what,
			strerror(-err), nl->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
	switch (-err) {
	case EPERM:
	case EACCES:
		if (-err == EPERM)
			fprintf(stderr, "  This needs CAP_NET_ADMIN in the network namespace (run as root).\n");
		return PMHS_EXIT_PERM;
	case ENOENT:
		return PMHS_EXIT_NOTFOUND;
	case EBADMSG:
	case EKEYREJECTED:
		return PMHS_EXIT_VERIFY;
	default:
		return PMHS_EXIT_FAIL;
	}
}
