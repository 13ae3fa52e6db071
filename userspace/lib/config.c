// SPDX-License-Identifier: GPL-2.0
/* get-version, get-config, set-config. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

static int version_cb(struct nlattr **tb, void *arg)
{
	struct pmhs_version *v = arg;

	pmhs_get_str(tb, PMHS_A_VERSION_MODULE_VERSION, v->module_version,
		     sizeof(v->module_version));
	pmhs_get_u32(tb, PMHS_A_VERSION_PROTO_VERSION, &v->proto_version);
	pmhs_get_u32(tb, PMHS_A_VERSION_MODES, &v->modes);
	pmhs_get_u32(tb, PMHS_A_VERSION_LIVE_SESSIONS, &v->live_sessions);
	pmhs_get_u32(tb, PMHS_A_VERSION_LIVE_IDENTITIES, &v->live_identities);
	return 0;
}

PMHS_API int pmhs_get_version(struct pmhs *h, struct pmhs_version *v)
{
	struct pmhs_version tmp = { .size = sizeof(tmp) };
	size_t n;
	int ret;

	if (!h || !PMHS_SIZE_OK(v, sizeof(*v)))
		return -EINVAL;
	ret = pmhs_raw_call(h, pmhs_raw_msg(h, PMHS_CMD_GET_VERSION, 0), PMHS_A_VERSION_MAX,
			   version_cb, &tmp, false);
	if (ret)
		return ret;
	n = v->size;
	memcpy(v, &tmp, sizeof(tmp));
	v->size = (uint32_t)n;
	return 0;
}

static const struct {
	uint32_t field;
	int attr;
	size_t off;
} config_attrs[] = {
	{ PMHS_CONFIG_SESSION_TIMEOUT, PMHS_A_CONFIG_SESSION_TIMEOUT,
	  offsetof(struct pmhs_config, session_timeout) },
	{ PMHS_CONFIG_ALLOW_RSA1024, PMHS_A_CONFIG_ALLOW_RSA1024,
	  offsetof(struct pmhs_config, allow_rsa1024) },
	{ PMHS_CONFIG_PW_FAIL_LIMIT, PMHS_A_CONFIG_PW_FAIL_LIMIT,
	  offsetof(struct pmhs_config, pw_fail_limit) },
	{ PMHS_CONFIG_PW_FAIL_WINDOW, PMHS_A_CONFIG_PW_FAIL_WINDOW,
	  offsetof(struct pmhs_config, pw_fail_window) },
	{ PMHS_CONFIG_IDENTITIES, PMHS_A_CONFIG_IDENTITIES,
	  offsetof(struct pmhs_config, identities) },
	{ PMHS_CONFIG_SESSIONS, PMHS_A_CONFIG_SESSIONS,
	  offsetof(struct pmhs_config, sessions) },
};
#define N_CONFIG (sizeof(config_attrs) / sizeof(config_attrs[0]))

static uint32_t *config_member(struct pmhs_config *c, size_t i)
{
	return (uint32_t *)((char *)c + config_attrs[i].off);
}

static int config_cb(struct nlattr **tb, void *arg)
{
	struct pmhs_config *c = arg;

	for (size_t i = 0; i < N_CONFIG; i++) {
		int a = config_attrs[i].attr;

		if (!tb[a])
			continue;
		/* allow-rsa1024 is a u8; the rest are u32. */
		if (a == PMHS_A_CONFIG_ALLOW_RSA1024)
			*config_member(c, i) = nla_get_u8(tb[a]);
		else if (!pmhs_get_u32(tb, a, config_member(c, i)))
			continue;
		c->fields |= config_attrs[i].field;
	}
	return 0;
}

PMHS_API int pmhs_config_get(struct pmhs *h, struct pmhs_config *c)
{
	struct pmhs_config tmp = { .size = sizeof(tmp) };
	size_t n;
	int ret;

	if (!h || !PMHS_SIZE_OK(c, sizeof(*c)))
		return -EINVAL;
	ret = pmhs_raw_call(h, pmhs_raw_msg(h, PMHS_CMD_GET_CONFIG, 0), PMHS_A_CONFIG_MAX,
			   config_cb, &tmp, false);
	if (ret)
		return ret;
	n = c->size;
	memcpy(c, &tmp, sizeof(tmp));
	c->size = (uint32_t)n;
	return 0;
}

int pmhs_put_config(struct nl_msg *m, const struct pmhs_config *c)
{
	struct pmhs_config cc = *c;
	int err = 0;

	for (size_t i = 0; i < N_CONFIG && !err; i++) {
		if (!(cc.fields & config_attrs[i].field))
			continue;
		if (config_attrs[i].attr == PMHS_A_CONFIG_ALLOW_RSA1024)
			err = nla_put_u8(m, PMHS_A_CONFIG_ALLOW_RSA1024, (uint8_t)cc.allow_rsa1024);
		else
			err = nla_put_u32(m, config_attrs[i].attr, *config_member(&cc, i));
	}
	return err ? -EMSGSIZE : 0;
}

PMHS_API int pmhs_config_set(struct pmhs *h, const struct pmhs_config *c)
{
	const uint32_t settable = PMHS_CONFIG_SESSION_TIMEOUT | PMHS_CONFIG_ALLOW_RSA1024 |
				  PMHS_CONFIG_PW_FAIL_LIMIT | PMHS_CONFIG_PW_FAIL_WINDOW;
	struct nl_msg *m;

	if (!h || !PMHS_SIZE_OK(c, sizeof(*c)) || (c->fields & ~settable))
		return -EINVAL;
	m = pmhs_raw_msg(h, PMHS_CMD_SET_CONFIG, 0);
	if (!m)
		return -ENOMEM;
	if (pmhs_put_config(m, c)) {
		pmhs_raw_discard(m, false);
		return -EMSGSIZE;
	}
	return pmhs_raw_call(h, m, 0, NULL, NULL, false);
}
