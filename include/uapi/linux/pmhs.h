/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN uapi header (tools/nlspec-gen.py) */

#ifndef _UAPI_LINUX_PMHS_H
#define _UAPI_LINUX_PMHS_H

#define PMHS_FAMILY_NAME	"pmhs"
#define PMHS_FAMILY_VERSION	2

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

/* Handshake mode of a session. */
enum pmhs_mode {
	PMHS_MODE_PASSWORD = 0,
	PMHS_MODE_RSA_MUTUAL = 1,
	PMHS_MODE_RSA_HALF_SEND = 2,
	PMHS_MODE_RSA_HALF_RECEIVE = 3,

	/* private: */
	__PMHS_MODE_MAX,
};

/* Hash for RSA-OAEP and its MGF1. SHA-1 is what poorman_handshake uses. */
enum pmhs_oaep_hash {
	PMHS_OAEP_HASH_SHA1 = 0,
	PMHS_OAEP_HASH_SHA256 = 1,

	/* private: */
	__PMHS_OAEP_HASH_MAX,
};

/* Key type of a published secret. A logon key is never readable from userspace. */
enum pmhs_key_type {
	PMHS_KEY_TYPE_USER = 0,
	PMHS_KEY_TYPE_LOGON = 1,

	/* private: */
	__PMHS_KEY_TYPE_MAX,
};

/* Life of a session; a session is single-use. */
enum pmhs_state {
	PMHS_STATE_WAITING = 0,
	PMHS_STATE_DONE = 1,
	PMHS_STATE_FAILED = 2,

	/* private: */
	__PMHS_STATE_MAX,
};

/* Our side of a handshake, which picks the direction of each traffic key. */
enum pmhs_role {
	PMHS_ROLE_INITIATOR = 0,
	PMHS_ROLE_RESPONDER = 1,

	/* private: */
	__PMHS_ROLE_MAX,
};

/* kTLS cipher suite (TLS 1.3 record layer). */
enum pmhs_tls_cipher {
	PMHS_TLS_CIPHER_AES_GCM_256 = 0,
	PMHS_TLS_CIPHER_AES_GCM_128 = 1,

	/* private: */
	__PMHS_TLS_CIPHER_MAX,
};

/* Smallest ESP SPI accepted (1 to 255 are reserved by IANA, RFC 4303). */
#define PMHS_SPI_MIN	256

/* Longest identity name in bytes, not counting the terminating NUL. */
#define PMHS_NAME_MAX	32

/* Longest PKCS#1 private key or SPKI public key DER accepted. */
#define PMHS_KEY_DER_MAX	4096

#define PMHS_PASSWORD_MAX	1024

/* Longest handshake message (signature and ciphertext of 4096-bit keys fit). */
#define PMHS_MESSAGE_MAX	16384

/* Largest data for the single-shot RSA operations. */
#define PMHS_DATA_MAX	65000

#define PMHS_DESC_MAX	256

#define PMHS_HSUB_LEN_MIN	48

#define PMHS_HSUB_LEN_MAX	80

#define PMHS_ITERATIONS_MIN	1000

#define PMHS_ITERATIONS_MAX	10000000

#define PMHS_ITERATIONS_DEFAULT	100000

/* Largest hybrid plaintext (64 MiB); a message adds a header. */
#define PMHS_HYBRID_MAX	67108864

#define PMHS_SESSION_TIMEOUT_MAX	3600

#define PMHS_SESSION_TIMEOUT_DEFAULT	60

/* Algorithm of the kdf known-answer operation. */
enum pmhs_kdf_alg {
	PMHS_KDF_ALG_PBKDF2_SHA256 = 0,
	PMHS_KDF_ALG_HMAC_SHA256 = 1,
	PMHS_KDF_ALG_HKDF_SHA256 = 2,

	/* private: */
	__PMHS_KDF_ALG_MAX,
};

/* Direction of the aead known-answer operation. */
enum pmhs_aead_direction {
	PMHS_AEAD_DIRECTION_ENCRYPT = 0,
	PMHS_AEAD_DIRECTION_DECRYPT = 1,

	/* private: */
	__PMHS_AEAD_DIRECTION_MAX,
};

/* Longest key, password, salt, info or IV of the known-answer operations. */
#define PMHS_KAT_PARAM_MAX	1024

/* Longest kdf output (255 * 32 bytes, HKDF-SHA256's limit). */
#define PMHS_KAT_LENGTH_MAX	8160

enum {
	PMHS_A_VERSION_MODULE_VERSION = 1,
	PMHS_A_VERSION_PROTO_VERSION = 2,
	PMHS_A_VERSION_MODES = 3,
	PMHS_A_VERSION_LIVE_SESSIONS = 4,
	PMHS_A_VERSION_LIVE_IDENTITIES = 5,

	__PMHS_A_VERSION_MAX,
	PMHS_A_VERSION_MAX = (__PMHS_A_VERSION_MAX - 1)
};

enum {
	PMHS_A_CONFIG_SESSION_TIMEOUT = 1,
	PMHS_A_CONFIG_ALLOW_RSA1024 = 2,
	PMHS_A_CONFIG_PW_FAIL_LIMIT = 3,
	PMHS_A_CONFIG_PW_FAIL_WINDOW = 4,
	PMHS_A_CONFIG_IDENTITIES = 5,
	PMHS_A_CONFIG_SESSIONS = 6,

	__PMHS_A_CONFIG_MAX,
	PMHS_A_CONFIG_MAX = (__PMHS_A_CONFIG_MAX - 1)
};

enum {
	PMHS_A_IDENTITY_NAME = 1,
	PMHS_A_IDENTITY_KEY_DER = 2,
	PMHS_A_IDENTITY_PUBKEY = 3,
	PMHS_A_IDENTITY_FINGERPRINT = 4,
	PMHS_A_IDENTITY_BITS = 5,

	__PMHS_A_IDENTITY_MAX,
	PMHS_A_IDENTITY_MAX = (__PMHS_A_IDENTITY_MAX - 1)
};

enum {
	PMHS_A_SESSION_ID = 1,
	PMHS_A_SESSION_MODE = 2,
	PMHS_A_SESSION_IDENTITY = 3,
	PMHS_A_SESSION_MESSAGE = 4,
	PMHS_A_SESSION_KEYRING = 5,
	PMHS_A_SESSION_KEY_TYPE = 6,
	PMHS_A_SESSION_DESCRIPTION = 7,
	PMHS_A_SESSION_MODULE_KEYRING = 8,
	PMHS_A_SESSION_KEY_SERIAL = 9,
	PMHS_A_SESSION_STATE = 10,
	PMHS_A_SESSION_PEER_FINGERPRINT = 11,
	PMHS_A_SESSION_EXPIRES = 12,
	PMHS_A_SESSION_PASSWORD = 13,
	PMHS_A_SESSION_RSA = 14,

	__PMHS_A_SESSION_MAX,
	PMHS_A_SESSION_MAX = (__PMHS_A_SESSION_MAX - 1)
};

enum {
	PMHS_A_PASSWORD_PARAMS_PASSWORD = 1,
	PMHS_A_PASSWORD_PARAMS_PASSWORD_KEY = 2,
	PMHS_A_PASSWORD_PARAMS_ITERATIONS = 3,
	PMHS_A_PASSWORD_PARAMS_HSUB_LEN = 4,
	PMHS_A_PASSWORD_PARAMS_IV = 5,

	__PMHS_A_PASSWORD_PARAMS_MAX,
	PMHS_A_PASSWORD_PARAMS_MAX = (__PMHS_A_PASSWORD_PARAMS_MAX - 1)
};

enum {
	PMHS_A_RSA_PARAMS_PEER_PUBKEY = 1,
	PMHS_A_RSA_PARAMS_OAEP_HASH = 2,

	__PMHS_A_RSA_PARAMS_MAX,
	PMHS_A_RSA_PARAMS_MAX = (__PMHS_A_RSA_PARAMS_MAX - 1)
};

enum {
	PMHS_A_HYBRID_IDENTITY = 1,
	PMHS_A_HYBRID_PEER_PUBKEY = 2,
	PMHS_A_HYBRID_IN_FD = 3,
	PMHS_A_HYBRID_OUT_FD = 4,
	PMHS_A_HYBRID_OAEP_HASH = 5,
	PMHS_A_HYBRID_LENGTH = 6,

	__PMHS_A_HYBRID_MAX,
	PMHS_A_HYBRID_MAX = (__PMHS_A_HYBRID_MAX - 1)
};

enum {
	PMHS_A_RSA_IDENTITY = 1,
	PMHS_A_RSA_PUBKEY = 2,
	PMHS_A_RSA_DATA = 3,
	PMHS_A_RSA_SIGNATURE = 4,
	PMHS_A_RSA_OAEP_HASH = 5,

	__PMHS_A_RSA_MAX,
	PMHS_A_RSA_MAX = (__PMHS_A_RSA_MAX - 1)
};

enum {
	PMHS_A_KTLS_FD = 1,
	PMHS_A_KTLS_KEY_SERIAL = 2,
	PMHS_A_KTLS_ROLE = 3,
	PMHS_A_KTLS_CIPHER = 4,
	PMHS_A_KTLS_NONCE = 5,
	PMHS_A_KTLS_PEER_NONCE = 6,

	__PMHS_A_KTLS_MAX,
	PMHS_A_KTLS_MAX = (__PMHS_A_KTLS_MAX - 1)
};

enum {
	PMHS_A_IPSEC_KEY_SERIAL = 1,
	PMHS_A_IPSEC_ROLE = 2,
	PMHS_A_IPSEC_LOCAL = 3,
	PMHS_A_IPSEC_REMOTE = 4,
	PMHS_A_IPSEC_SPI_I2R = 5,
	PMHS_A_IPSEC_SPI_R2I = 6,
	PMHS_A_IPSEC_REQID = 7,
	PMHS_A_IPSEC_NONCE = 8,
	PMHS_A_IPSEC_PEER_NONCE = 9,

	__PMHS_A_IPSEC_MAX,
	PMHS_A_IPSEC_MAX = (__PMHS_A_IPSEC_MAX - 1)
};

enum {
	PMHS_A_KAT_KDF_ALG = 1,
	PMHS_A_KAT_KEY = 2,
	PMHS_A_KAT_SALT = 3,
	PMHS_A_KAT_INFO = 4,
	PMHS_A_KAT_ITERATIONS = 5,
	PMHS_A_KAT_LENGTH = 6,
	PMHS_A_KAT_INPUT = 7,
	PMHS_A_KAT_IV = 8,
	PMHS_A_KAT_AAD = 9,
	PMHS_A_KAT_TAG = 10,
	PMHS_A_KAT_DIRECTION = 11,
	PMHS_A_KAT_OUTPUT = 12,

	__PMHS_A_KAT_MAX,
	PMHS_A_KAT_MAX = (__PMHS_A_KAT_MAX - 1)
};

enum {
	PMHS_CMD_GET_VERSION = 1,
	PMHS_CMD_GET_CONFIG = 2,
	PMHS_CMD_SET_CONFIG = 3,
	PMHS_CMD_IDENTITY_NEW = 4,
	PMHS_CMD_IDENTITY_GET = 5,
	PMHS_CMD_IDENTITY_DEL = 6,
	PMHS_CMD_SESSION_NEW = 7,
	PMHS_CMD_SESSION_RECV = 8,
	PMHS_CMD_SESSION_GET = 9,
	PMHS_CMD_SESSION_DEL = 10,
	PMHS_CMD_HYBRID_ENCRYPT = 11,
	PMHS_CMD_HYBRID_DECRYPT = 12,
	PMHS_CMD_RSA_ENCRYPT = 13,
	PMHS_CMD_RSA_DECRYPT = 14,
	PMHS_CMD_RSA_SIGN = 15,
	PMHS_CMD_RSA_VERIFY = 16,
	PMHS_CMD_KTLS_INSTALL = 17,
	PMHS_CMD_KDF = 18,
	PMHS_CMD_AEAD = 19,
	PMHS_CMD_IPSEC_UP = 20,
	PMHS_CMD_IPSEC_DOWN = 21,

	__PMHS_CMD_MAX,
	PMHS_CMD_MAX = (__PMHS_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_PMHS_H */
