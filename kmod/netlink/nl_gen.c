// SPDX-License-Identifier: GPL-2.0
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN kernel source (tools/nlspec-gen.py) */

#include "nl_gen.h"

const struct nla_policy pmhs_noise_kat_step_nl_policy[PMHS_A_NOISE_KAT_STEP_MAX + 1] = {
	[PMHS_A_NOISE_KAT_STEP_PAYLOAD] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
	[PMHS_A_NOISE_KAT_STEP_MESSAGE] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
};

const struct nla_policy pmhs_noise_params_nl_policy[PMHS_A_NOISE_PARAMS_MAX + 1] = {
	[PMHS_A_NOISE_PARAMS_PROTOCOL] = { .type = NLA_NUL_STRING, .len = PMHS_NOISE_NAME_MAX, },
	[PMHS_A_NOISE_PARAMS_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_NOISE_PARAMS_PROLOGUE] = { .type = NLA_BINARY, .len = PMHS_MESSAGE_MAX, },
	[PMHS_A_NOISE_PARAMS_REMOTE_STATIC] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_PARAMS_PSK] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_PARAMS_PSK_KEY] = { .type = NLA_S32, },
};

const struct nla_policy pmhs_opaque_params_nl_policy[PMHS_A_OPAQUE_PARAMS_MAX + 1] = {
	[PMHS_A_OPAQUE_PARAMS_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_OPAQUE_PARAMS_PASSWORD] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_PASSWORD_MAX),
	[PMHS_A_OPAQUE_PARAMS_PASSWORD_KEY] = { .type = NLA_S32, },
	[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER] =
		NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_OPAQUE_ID_MAX),
	[PMHS_A_OPAQUE_PARAMS_RECORD] = NLA_POLICY_EXACT_LEN(192),
	[PMHS_A_OPAQUE_PARAMS_CONTEXT] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_PARAMS_CLIENT_IDENTITY] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_PARAMS_SERVER_IDENTITY] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_PARAMS_PEER] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_OPAQUE_PEER_MAX),
};

static struct netlink_range_validation pmhs_a_password_params_iterations_range = {
	.min	= PMHS_ITERATIONS_MIN,
	.max	= PMHS_ITERATIONS_MAX,
};

const struct nla_policy pmhs_password_params_nl_policy[PMHS_A_PASSWORD_PARAMS_MAX + 1] = {
	[PMHS_A_PASSWORD_PARAMS_PASSWORD] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_PASSWORD_MAX),
	[PMHS_A_PASSWORD_PARAMS_PASSWORD_KEY] = { .type = NLA_S32, },
	[PMHS_A_PASSWORD_PARAMS_ITERATIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &pmhs_a_password_params_iterations_range),
	[PMHS_A_PASSWORD_PARAMS_HSUB_LEN] =
		NLA_POLICY_RANGE(NLA_U32, PMHS_HSUB_LEN_MIN, PMHS_HSUB_LEN_MAX),
	[PMHS_A_PASSWORD_PARAMS_IV] = NLA_POLICY_EXACT_LEN(8),
};

const struct nla_policy pmhs_rsa_params_nl_policy[PMHS_A_RSA_PARAMS_MAX + 1] = {
	[PMHS_A_RSA_PARAMS_PEER_PUBKEY] = NLA_POLICY_RANGE(NLA_BINARY, 32, PMHS_KEY_DER_MAX),
	[PMHS_A_RSA_PARAMS_OAEP_HASH] = NLA_POLICY_MAX(NLA_U32, 1),
};

static struct netlink_range_validation pmhs_a_config_pw_fail_window_range = {
	.min	= 1,
	.max	= 86400,
};

static struct netlink_range_validation pmhs_a_kat_iterations_range = {
	.min	= 1,
	.max	= PMHS_ITERATIONS_MAX,
};

/* PMHS_CMD_SET_CONFIG - do */
static const struct nla_policy pmhs_set_config_nl_policy[PMHS_A_CONFIG_PW_FAIL_WINDOW + 1] = {
	[PMHS_A_CONFIG_SESSION_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, PMHS_SESSION_TIMEOUT_MAX),
	[PMHS_A_CONFIG_ALLOW_RSA1024] = NLA_POLICY_MAX(NLA_U8, 1),
	[PMHS_A_CONFIG_PW_FAIL_LIMIT] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
	[PMHS_A_CONFIG_PW_FAIL_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &pmhs_a_config_pw_fail_window_range),
};

/* PMHS_CMD_IDENTITY_NEW - do */
static const struct nla_policy pmhs_identity_new_nl_policy[PMHS_A_IDENTITY_OPAQUE_SETUP + 1] = {
	[PMHS_A_IDENTITY_NAME] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
	[PMHS_A_IDENTITY_KEY_DER] = NLA_POLICY_RANGE(NLA_BINARY, 64, PMHS_KEY_DER_MAX),
	[PMHS_A_IDENTITY_X25519_KEY] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_IDENTITY_OPAQUE_SETUP] = NLA_POLICY_EXACT_LEN(128),
};

/* PMHS_CMD_IDENTITY_GET - do */
static const struct nla_policy pmhs_identity_get_nl_policy[PMHS_A_IDENTITY_NAME + 1] = {
	[PMHS_A_IDENTITY_NAME] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
};

/* PMHS_CMD_IDENTITY_DEL - do */
static const struct nla_policy pmhs_identity_del_nl_policy[PMHS_A_IDENTITY_NAME + 1] = {
	[PMHS_A_IDENTITY_NAME] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
};

/* PMHS_CMD_SESSION_NEW - do */
static const struct nla_policy pmhs_session_new_nl_policy[PMHS_A_SESSION_OPAQUE + 1] = {
	[PMHS_A_SESSION_MODE] = NLA_POLICY_MAX(NLA_U32, 6),
	[PMHS_A_SESSION_IDENTITY] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
	[PMHS_A_SESSION_KEYRING] = { .type = NLA_S32, },
	[PMHS_A_SESSION_KEY_TYPE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_SESSION_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = PMHS_DESC_MAX, },
	[PMHS_A_SESSION_MODULE_KEYRING] = { .type = NLA_FLAG, },
	[PMHS_A_SESSION_PASSWORD] = NLA_POLICY_NESTED(pmhs_password_params_nl_policy),
	[PMHS_A_SESSION_RSA] = NLA_POLICY_NESTED(pmhs_rsa_params_nl_policy),
	[PMHS_A_SESSION_NOISE] = NLA_POLICY_NESTED(pmhs_noise_params_nl_policy),
	[PMHS_A_SESSION_PAYLOAD] = { .type = NLA_BINARY, .len = PMHS_NOISE_PAYLOAD_MAX, },
	[PMHS_A_SESSION_OPAQUE] = NLA_POLICY_NESTED(pmhs_opaque_params_nl_policy),
};

/* PMHS_CMD_SESSION_RECV - do */
static const struct nla_policy pmhs_session_recv_nl_policy[PMHS_A_SESSION_KSF_OUTPUT + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PMHS_A_SESSION_MESSAGE] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_MESSAGE_MAX),
	[PMHS_A_SESSION_KEYRING] = { .type = NLA_S32, },
	[PMHS_A_SESSION_KEY_TYPE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_SESSION_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = PMHS_DESC_MAX, },
	[PMHS_A_SESSION_MODULE_KEYRING] = { .type = NLA_FLAG, },
	[PMHS_A_SESSION_PAYLOAD] = { .type = NLA_BINARY, .len = PMHS_NOISE_PAYLOAD_MAX, },
	[PMHS_A_SESSION_KSF_OUTPUT] = NLA_POLICY_EXACT_LEN(64),
};

/* PMHS_CMD_SESSION_GET - do */
static const struct nla_policy pmhs_session_get_nl_policy[PMHS_A_SESSION_ID + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* PMHS_CMD_SESSION_DEL - do */
static const struct nla_policy pmhs_session_del_nl_policy[PMHS_A_SESSION_ID + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* PMHS_CMD_HYBRID_ENCRYPT - do */
static const struct nla_policy pmhs_hybrid_encrypt_nl_policy[PMHS_A_HYBRID_OAEP_HASH + 1] = {
	[PMHS_A_HYBRID_PEER_PUBKEY] = NLA_POLICY_RANGE(NLA_BINARY, 32, PMHS_KEY_DER_MAX),
	[PMHS_A_HYBRID_IN_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[PMHS_A_HYBRID_OUT_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[PMHS_A_HYBRID_OAEP_HASH] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_HYBRID_DECRYPT - do */
static const struct nla_policy pmhs_hybrid_decrypt_nl_policy[PMHS_A_HYBRID_OAEP_HASH + 1] = {
	[PMHS_A_HYBRID_IDENTITY] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
	[PMHS_A_HYBRID_IN_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[PMHS_A_HYBRID_OUT_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[PMHS_A_HYBRID_OAEP_HASH] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_RSA_ENCRYPT - do */
static const struct nla_policy pmhs_rsa_encrypt_nl_policy[PMHS_A_RSA_OAEP_HASH + 1] = {
	[PMHS_A_RSA_PUBKEY] = NLA_POLICY_RANGE(NLA_BINARY, 32, PMHS_KEY_DER_MAX),
	[PMHS_A_RSA_DATA] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
	[PMHS_A_RSA_OAEP_HASH] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_RSA_DECRYPT - do */
static const struct nla_policy pmhs_rsa_decrypt_nl_policy[PMHS_A_RSA_OAEP_HASH + 1] = {
	[PMHS_A_RSA_IDENTITY] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
	[PMHS_A_RSA_DATA] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
	[PMHS_A_RSA_OAEP_HASH] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_RSA_SIGN - do */
static const struct nla_policy pmhs_rsa_sign_nl_policy[PMHS_A_RSA_DATA + 1] = {
	[PMHS_A_RSA_IDENTITY] = { .type = NLA_NUL_STRING, .len = PMHS_NAME_MAX, },
	[PMHS_A_RSA_DATA] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
};

/* PMHS_CMD_RSA_VERIFY - do */
static const struct nla_policy pmhs_rsa_verify_nl_policy[PMHS_A_RSA_SIGNATURE + 1] = {
	[PMHS_A_RSA_PUBKEY] = NLA_POLICY_RANGE(NLA_BINARY, 32, PMHS_KEY_DER_MAX),
	[PMHS_A_RSA_DATA] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
	[PMHS_A_RSA_SIGNATURE] = NLA_POLICY_RANGE(NLA_BINARY, 1, 512),
};

/* PMHS_CMD_KTLS_INSTALL - do */
static const struct nla_policy pmhs_ktls_install_nl_policy[PMHS_A_KTLS_PEER_NONCE + 1] = {
	[PMHS_A_KTLS_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[PMHS_A_KTLS_KEY_SERIAL] = { .type = NLA_S32, },
	[PMHS_A_KTLS_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_KTLS_CIPHER] = NLA_POLICY_MAX(NLA_U32, 2),
	[PMHS_A_KTLS_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_KTLS_PEER_NONCE] = NLA_POLICY_EXACT_LEN(32),
};

/* PMHS_CMD_KDF - do */
static const struct nla_policy pmhs_kdf_nl_policy[PMHS_A_KAT_INPUT + 1] = {
	[PMHS_A_KAT_KDF_ALG] = NLA_POLICY_MAX(NLA_U32, 2),
	[PMHS_A_KAT_KEY] = { .type = NLA_BINARY, .len = PMHS_KAT_PARAM_MAX, },
	[PMHS_A_KAT_SALT] = { .type = NLA_BINARY, .len = PMHS_KAT_PARAM_MAX, },
	[PMHS_A_KAT_INFO] = { .type = NLA_BINARY, .len = PMHS_KAT_PARAM_MAX, },
	[PMHS_A_KAT_ITERATIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &pmhs_a_kat_iterations_range),
	[PMHS_A_KAT_LENGTH] = NLA_POLICY_RANGE(NLA_U32, 1, PMHS_KAT_LENGTH_MAX),
	[PMHS_A_KAT_INPUT] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
};

/* PMHS_CMD_AEAD - do */
static const struct nla_policy pmhs_aead_nl_policy[PMHS_A_KAT_DIRECTION + 1] = {
	[PMHS_A_KAT_KEY] = { .type = NLA_BINARY, .len = PMHS_KAT_PARAM_MAX, },
	[PMHS_A_KAT_INPUT] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
	[PMHS_A_KAT_IV] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_KAT_PARAM_MAX),
	[PMHS_A_KAT_AAD] = { .type = NLA_BINARY, .len = PMHS_DATA_MAX, },
	[PMHS_A_KAT_TAG] = NLA_POLICY_EXACT_LEN(16),
	[PMHS_A_KAT_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_IPSEC_UP - do */
static const struct nla_policy pmhs_ipsec_up_nl_policy[PMHS_A_IPSEC_ALG + 1] = {
	[PMHS_A_IPSEC_KEY_SERIAL] = { .type = NLA_S32, },
	[PMHS_A_IPSEC_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_IPSEC_LOCAL] = { .type = NLA_BE32, },
	[PMHS_A_IPSEC_REMOTE] = { .type = NLA_BE32, },
	[PMHS_A_IPSEC_SPI_I2R] = NLA_POLICY_MIN(NLA_U32, PMHS_SPI_MIN),
	[PMHS_A_IPSEC_SPI_R2I] = NLA_POLICY_MIN(NLA_U32, PMHS_SPI_MIN),
	[PMHS_A_IPSEC_REQID] = { .type = NLA_U32, },
	[PMHS_A_IPSEC_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_IPSEC_PEER_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_IPSEC_ALG] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_IPSEC_DOWN - do */
static const struct nla_policy pmhs_ipsec_down_nl_policy[PMHS_A_IPSEC_SPI_R2I + 1] = {
	[PMHS_A_IPSEC_KEY_SERIAL] = { .type = NLA_S32, },
	[PMHS_A_IPSEC_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_IPSEC_LOCAL] = { .type = NLA_BE32, },
	[PMHS_A_IPSEC_REMOTE] = { .type = NLA_BE32, },
	[PMHS_A_IPSEC_SPI_I2R] = NLA_POLICY_MIN(NLA_U32, PMHS_SPI_MIN),
	[PMHS_A_IPSEC_SPI_R2I] = NLA_POLICY_MIN(NLA_U32, PMHS_SPI_MIN),
};

/* PMHS_CMD_SESSION_ENCRYPT - do */
static const struct nla_policy pmhs_session_encrypt_nl_policy[PMHS_A_SESSION_DATA + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PMHS_A_SESSION_AD] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
	[PMHS_A_SESSION_DATA] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
};

/* PMHS_CMD_SESSION_DECRYPT - do */
static const struct nla_policy pmhs_session_decrypt_nl_policy[PMHS_A_SESSION_DATA + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PMHS_A_SESSION_AD] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
	[PMHS_A_SESSION_DATA] = { .type = NLA_BINARY, .len = PMHS_NOISE_MSG_MAX, },
};

/* PMHS_CMD_SESSION_REKEY - do */
static const struct nla_policy pmhs_session_rekey_nl_policy[PMHS_A_SESSION_DIRECTION + 1] = {
	[PMHS_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PMHS_A_SESSION_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* PMHS_CMD_NOISE_KAT - do */
static const struct nla_policy pmhs_noise_kat_nl_policy[PMHS_A_NOISE_KAT_STEP + 1] = {
	[PMHS_A_NOISE_KAT_PROTOCOL] = { .type = NLA_NUL_STRING, .len = PMHS_NOISE_NAME_MAX, },
	[PMHS_A_NOISE_KAT_ROLE] = NLA_POLICY_MAX(NLA_U32, 1),
	[PMHS_A_NOISE_KAT_PROLOGUE] = { .type = NLA_BINARY, .len = PMHS_MESSAGE_MAX, },
	[PMHS_A_NOISE_KAT_STATIC_KEY] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_KAT_EPHEMERAL] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_KAT_REMOTE_STATIC] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_KAT_PSK] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_NOISE_KAT_STEP] = NLA_POLICY_NESTED(pmhs_noise_kat_step_nl_policy),
};

/* PMHS_CMD_OPAQUE_KAT - do */
static const struct nla_policy pmhs_opaque_kat_nl_policy[PMHS_A_OPAQUE_KAT_KE1 + 1] = {
	[PMHS_A_OPAQUE_KAT_PASSWORD] = NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_PASSWORD_MAX),
	[PMHS_A_OPAQUE_KAT_CONTEXT] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_KAT_CLIENT_IDENTITY] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_KAT_SERVER_IDENTITY] = { .type = NLA_BINARY, .len = PMHS_OPAQUE_ID_MAX, },
	[PMHS_A_OPAQUE_KAT_CREDENTIAL_IDENTIFIER] =
		NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_OPAQUE_ID_MAX),
	[PMHS_A_OPAQUE_KAT_OPRF_SEED] = NLA_POLICY_EXACT_LEN(64),
	[PMHS_A_OPAQUE_KAT_SERVER_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_BLIND_REGISTRATION] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_BLIND_LOGIN] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_ENVELOPE_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_CLIENT_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_CLIENT_KEYSHARE_SEED] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_MASKING_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_SERVER_NONCE] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_SERVER_KEYSHARE_SEED] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_FAKE_CLIENT_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(32),
	[PMHS_A_OPAQUE_KAT_FAKE_MASKING_KEY] = NLA_POLICY_EXACT_LEN(64),
	[PMHS_A_OPAQUE_KAT_KE1] = NLA_POLICY_EXACT_LEN(96),
};

/* PMHS_CMD_OPAQUE_UNLOCK - do */
static const struct nla_policy
pmhs_opaque_unlock_nl_policy[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER + 1] = {
	[PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER] =
		NLA_POLICY_RANGE(NLA_BINARY, 1, PMHS_OPAQUE_ID_MAX),
};

/* Ops table for pmhs */
const struct genl_ops pmhs_nl_ops[27] = {
	{
		.cmd		= PMHS_CMD_GET_VERSION,
		.doit		= pmhs_nl_get_version_doit,
	},
	{
		.cmd		= PMHS_CMD_GET_CONFIG,
		.doit		= pmhs_nl_get_config_doit,
	},
	{
		.cmd		= PMHS_CMD_SET_CONFIG,
		.doit		= pmhs_nl_set_config_doit,
		.policy		= pmhs_set_config_nl_policy,
		.maxattr	= PMHS_A_CONFIG_PW_FAIL_WINDOW,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_IDENTITY_NEW,
		.doit		= pmhs_nl_identity_new_doit,
		.policy		= pmhs_identity_new_nl_policy,
		.maxattr	= PMHS_A_IDENTITY_OPAQUE_SETUP,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_IDENTITY_GET,
		.doit		= pmhs_nl_identity_get_doit,
		.dumpit		= pmhs_nl_identity_get_dumpit,
		.policy		= pmhs_identity_get_nl_policy,
		.maxattr	= PMHS_A_IDENTITY_NAME,
	},
	{
		.cmd		= PMHS_CMD_IDENTITY_DEL,
		.doit		= pmhs_nl_identity_del_doit,
		.policy		= pmhs_identity_del_nl_policy,
		.maxattr	= PMHS_A_IDENTITY_NAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_NEW,
		.doit		= pmhs_nl_session_new_doit,
		.policy		= pmhs_session_new_nl_policy,
		.maxattr	= PMHS_A_SESSION_OPAQUE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_RECV,
		.doit		= pmhs_nl_session_recv_doit,
		.policy		= pmhs_session_recv_nl_policy,
		.maxattr	= PMHS_A_SESSION_KSF_OUTPUT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_GET,
		.doit		= pmhs_nl_session_get_doit,
		.dumpit		= pmhs_nl_session_get_dumpit,
		.policy		= pmhs_session_get_nl_policy,
		.maxattr	= PMHS_A_SESSION_ID,
	},
	{
		.cmd		= PMHS_CMD_SESSION_DEL,
		.doit		= pmhs_nl_session_del_doit,
		.policy		= pmhs_session_del_nl_policy,
		.maxattr	= PMHS_A_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_HYBRID_ENCRYPT,
		.doit		= pmhs_nl_hybrid_encrypt_doit,
		.policy		= pmhs_hybrid_encrypt_nl_policy,
		.maxattr	= PMHS_A_HYBRID_OAEP_HASH,
	},
	{
		.cmd		= PMHS_CMD_HYBRID_DECRYPT,
		.doit		= pmhs_nl_hybrid_decrypt_doit,
		.policy		= pmhs_hybrid_decrypt_nl_policy,
		.maxattr	= PMHS_A_HYBRID_OAEP_HASH,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_RSA_ENCRYPT,
		.doit		= pmhs_nl_rsa_encrypt_doit,
		.policy		= pmhs_rsa_encrypt_nl_policy,
		.maxattr	= PMHS_A_RSA_OAEP_HASH,
	},
	{
		.cmd		= PMHS_CMD_RSA_DECRYPT,
		.doit		= pmhs_nl_rsa_decrypt_doit,
		.policy		= pmhs_rsa_decrypt_nl_policy,
		.maxattr	= PMHS_A_RSA_OAEP_HASH,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_RSA_SIGN,
		.doit		= pmhs_nl_rsa_sign_doit,
		.policy		= pmhs_rsa_sign_nl_policy,
		.maxattr	= PMHS_A_RSA_DATA,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_RSA_VERIFY,
		.doit		= pmhs_nl_rsa_verify_doit,
		.policy		= pmhs_rsa_verify_nl_policy,
		.maxattr	= PMHS_A_RSA_SIGNATURE,
	},
	{
		.cmd		= PMHS_CMD_KTLS_INSTALL,
		.doit		= pmhs_nl_ktls_install_doit,
		.policy		= pmhs_ktls_install_nl_policy,
		.maxattr	= PMHS_A_KTLS_PEER_NONCE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_KDF,
		.doit		= pmhs_nl_kdf_doit,
		.policy		= pmhs_kdf_nl_policy,
		.maxattr	= PMHS_A_KAT_INPUT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_AEAD,
		.doit		= pmhs_nl_aead_doit,
		.policy		= pmhs_aead_nl_policy,
		.maxattr	= PMHS_A_KAT_DIRECTION,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_IPSEC_UP,
		.doit		= pmhs_nl_ipsec_up_doit,
		.policy		= pmhs_ipsec_up_nl_policy,
		.maxattr	= PMHS_A_IPSEC_ALG,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_IPSEC_DOWN,
		.doit		= pmhs_nl_ipsec_down_doit,
		.policy		= pmhs_ipsec_down_nl_policy,
		.maxattr	= PMHS_A_IPSEC_SPI_R2I,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_ENCRYPT,
		.doit		= pmhs_nl_session_encrypt_doit,
		.policy		= pmhs_session_encrypt_nl_policy,
		.maxattr	= PMHS_A_SESSION_DATA,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_DECRYPT,
		.doit		= pmhs_nl_session_decrypt_doit,
		.policy		= pmhs_session_decrypt_nl_policy,
		.maxattr	= PMHS_A_SESSION_DATA,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_SESSION_REKEY,
		.doit		= pmhs_nl_session_rekey_doit,
		.policy		= pmhs_session_rekey_nl_policy,
		.maxattr	= PMHS_A_SESSION_DIRECTION,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_NOISE_KAT,
		.doit		= pmhs_nl_noise_kat_doit,
		.policy		= pmhs_noise_kat_nl_policy,
		.maxattr	= PMHS_A_NOISE_KAT_STEP,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_OPAQUE_KAT,
		.doit		= pmhs_nl_opaque_kat_doit,
		.policy		= pmhs_opaque_kat_nl_policy,
		.maxattr	= PMHS_A_OPAQUE_KAT_KE1,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PMHS_CMD_OPAQUE_UNLOCK,
		.doit		= pmhs_nl_opaque_unlock_doit,
		.policy		= pmhs_opaque_unlock_nl_policy,
		.maxattr	= PMHS_A_OPAQUE_PARAMS_CREDENTIAL_IDENTIFIER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
