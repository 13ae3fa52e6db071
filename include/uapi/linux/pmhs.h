/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN uapi header (tools/nlspec-gen.py) */

#ifndef _UAPI_LINUX_PMHS_H
#define _UAPI_LINUX_PMHS_H

#define PMHS_FAMILY_NAME	"pmhs"
#define PMHS_FAMILY_VERSION	1

/* Wire protocol version carried in TCP frames and reported by get-version. */
#define PMHS_PROTO_VERSION	1

/* Handshake modes the module supports (bit per mode). */
enum pmhs_mode_flags {
	PMHS_MODE_FLAGS_PASSWORD = 1,
	PMHS_MODE_FLAGS_RSA_MUTUAL = 2,
	PMHS_MODE_FLAGS_RSA_HALF_SEND = 4,
	PMHS_MODE_FLAGS_RSA_HALF_RECEIVE = 8,
	PMHS_MODE_FLAGS_HYBRID = 16,
};

#define PMHS_SESSION_TIMEOUT_MAX	3600

#define PMHS_SESSION_TIMEOUT_DEFAULT	60

enum {
	PMHS_A_VERSION_MODULE_VERSION = 1,
	PMHS_A_VERSION_PROTO_VERSION = 2,
	PMHS_A_VERSION_MODES = 3,

	__PMHS_A_VERSION_MAX,
	PMHS_A_VERSION_MAX = (__PMHS_A_VERSION_MAX - 1)
};

enum {
	PMHS_A_CONFIG_SESSION_TIMEOUT = 1,
	PMHS_A_CONFIG_ALLOW_RSA1024 = 2,

	__PMHS_A_CONFIG_MAX,
	PMHS_A_CONFIG_MAX = (__PMHS_A_CONFIG_MAX - 1)
};

enum {
	PMHS_CMD_GET_VERSION = 1,
	PMHS_CMD_GET_CONFIG = 2,
	PMHS_CMD_SET_CONFIG = 3,

	__PMHS_CMD_MAX,
	PMHS_CMD_MAX = (__PMHS_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_PMHS_H */
