// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "nl.h"

struct pmhs_nl {
	struct pmhs *h;
};

struct pmhs_nl *pmhs_nl_open_port(int *exit_code, uint32_t port)
{
	struct pmhs_nl *nl = calloc(1, sizeof(*nl));

	*exit_code = 1;
	if (!nl)
		return NULL;
	if (pmhs_open_port(&nl->h, port)) {
		free(nl);
		return NULL;
	}
	*exit_code = 0;
	return nl;
}

struct pmhs_nl *pmhs_nl_open(int *exit_code)
{
	return pmhs_nl_open_port(exit_code, 0);
}

void pmhs_nl_close(struct pmhs_nl *nl)
{
	if (!nl)
		return;
	pmhs_close(nl->h);
	free(nl);
}

int pmhs_nl_fd(const struct pmhs_nl *nl)
{
	return pmhs_fd(nl->h);
}

struct pmhs *pmhs_nl_handle(const struct pmhs_nl *nl)
{
	return nl->h;
}

struct nl_msg *pmhs_nl_msg(struct pmhs_nl *nl, unsigned char cmd, int flags)
{
	return pmhs_raw_msg(nl->h, cmd, flags);
}

int pmhs_nl_call(struct pmhs_nl *nl, struct nl_msg *msg, int maxattr, pmhs_nl_cb cb, void *arg)
{
	return pmhs_raw_call(nl->h, msg, maxattr, cb, arg, false);
}

const char *pmhs_nl_extack(const struct pmhs_nl *nl)
{
	return pmhs_errmsg(nl->h);
}
