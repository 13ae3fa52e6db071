/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the selftests build requests attribute by attribute, over
 * libpmhs's internal raw layer. Only for what must stay at attribute
 * level: deliberately malformed requests (wrong types or lengths,
 * out-of-range values, unknown, foreign or flat attributes, read-only
 * attributes sent in set-config), the fuzzer's templates and mutations,
 * and requests whose raw reply a test inspects (e.g. that an attribute is
 * absent). Every well-formed request goes through libpmhs's public API or
 * lib/pmhs_ops.c. Each call site says what is malformed.
 */
#ifndef PMHS_SELFTEST_RAW_H
#define PMHS_SELFTEST_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "pmhs_test.h"

/* A request for @cmd (ack requested); NULL if out of memory. */
struct nl_msg *raw_new(struct pmhs_nl *nl, uint8_t cmd, int flags);
/* The same with room for @payload bytes of attributes. */
struct nl_msg *raw_new_sized(struct pmhs_nl *nl, uint8_t cmd, int flags, size_t payload);

/* Attribute writers: 0 or -EMSGSIZE, like nla_put_*(). */
int raw_u8(struct nl_msg *m, int type, uint8_t v);
int raw_u16(struct nl_msg *m, int type, uint16_t v);
int raw_u32(struct nl_msg *m, int type, uint32_t v);
int raw_s32(struct nl_msg *m, int type, int32_t v);
int raw_u64(struct nl_msg *m, int type, uint64_t v);
int raw_str(struct nl_msg *m, int type, const char *s);
int raw_bin(struct nl_msg *m, int type, size_t len, const void *data);
int raw_flag(struct nl_msg *m, int type);
struct nlattr *raw_nest_start(struct nl_msg *m, int type);
int raw_nest_end(struct nl_msg *m, struct nlattr *nest);

/* Send @m (consumed) and collect the reply: 0 or -errno, as pt_call(). */
int raw_call(struct pmhs_nl *nl, struct nl_msg *m, int maxattr, struct pt_reply *r);

#endif
