// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "pmhs_test.h"

const char *prog = "selftest";

struct pmhs_nl *pt_open(void)
{
	int code;

	return pmhs_nl_open(&code);
}

struct cb_arg {
	struct pt_reply *r;
	int maxattr;
};

static int copy_cb(struct nlattr **tb, void *arg)
{
	struct cb_arg *a = arg;
	struct pt_reply *r = a->r;
	int off = 0;

	/* Keep our own copy: libnl frees the message after the callback. */
	memset(r->tb, 0, sizeof(r->tb));
	for (int i = 0; i <= a->maxattr && i < 64; i++) {
		int len;

		if (!tb[i])
			continue;
		len = nla_total_size(nla_len(tb[i]));
		if (off + len > (int)sizeof(r->buf))
			return -EMSGSIZE;
		memcpy(r->buf + off, tb[i], nla_attr_size(nla_len(tb[i])));
		r->tb[i] = (struct nlattr *)(r->buf + off);
		off += len;
	}
	r->buflen = off;
	r->count++;
	return 0;
}

int pt_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr, struct pt_reply *r)
{
	struct cb_arg a = { .r = r, .maxattr = maxattr };

	memset(r, 0, sizeof(*r));
	r->err = pmhs_nl_call(nl, msg, maxattr, copy_cb, &a);
	snprintf(r->extack, sizeof(r->extack), "%s", pmhs_nl_extack(nl));
	return r->err;
}

bool pt_family_present(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	bool ok;

	if (!sk || genl_connect(sk))
		return false;
	ok = genl_ctrl_resolve(sk, "pmhs") >= 0;
	nl_socket_free(sk);
	return ok;
}

int pt_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int pt_drop_privs(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -errno;
	return 0;
}

int pt_memfd_in(const void *p, size_t len)
{
	int fd = memfd_create("in", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	const char *c = p;
	ssize_t w;

	if (fd < 0)
		return -1;
	while (len) {
		w = write(fd, c, len);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		c += w;
		len -= (size_t)w;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		close(fd);
		return -1;
	}
	return fd;
}

int pt_memfd_out(size_t size)
{
	int fd = memfd_create("out", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
		close(fd);
		return -1;
	}
	return fd;
}
