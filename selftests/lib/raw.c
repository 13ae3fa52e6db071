// SPDX-License-Identifier: GPL-2.0
/* See raw.h: the selftests' only attribute-level request builder. */
#include <netlink/attr.h>

#include "raw.h"

struct nl_msg *raw_new(struct pmhs_nl *nl, uint8_t cmd, int flags)
{
	return pmhs_raw_msg(pmhs_nl_handle(nl), cmd, flags);
}

struct nl_msg *raw_new_sized(struct pmhs_nl *nl, uint8_t cmd, int flags, size_t payload)
{
	return pmhs_raw_msg_sized(pmhs_nl_handle(nl), cmd, flags, payload);
}

int raw_u8(struct nl_msg *m, int type, uint8_t v)
{
	return nla_put_u8(m, type, v);
}

int raw_u16(struct nl_msg *m, int type, uint16_t v)
{
	return nla_put_u16(m, type, v);
}

int raw_u32(struct nl_msg *m, int type, uint32_t v)
{
	return nla_put_u32(m, type, v);
}

int raw_s32(struct nl_msg *m, int type, int32_t v)
{
	return nla_put_s32(m, type, v);
}

int raw_u64(struct nl_msg *m, int type, uint64_t v)
{
	return nla_put_u64(m, type, v);
}

int raw_str(struct nl_msg *m, int type, const char *s)
{
	return nla_put_string(m, type, s);
}

int raw_bin(struct nl_msg *m, int type, size_t len, const void *data)
{
	return nla_put(m, type, (int)len, data);
}

int raw_flag(struct nl_msg *m, int type)
{
	return nla_put_flag(m, type);
}

struct nlattr *raw_nest_start(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type);
}

int raw_nest_end(struct nl_msg *m, struct nlattr *nest)
{
	return nla_nest_end(m, nest);
}

int raw_call(struct pmhs_nl *nl, struct nl_msg *m, int maxattr, struct pt_reply *r)
{
	return pt_call(nl, m, maxattr, r);
}
