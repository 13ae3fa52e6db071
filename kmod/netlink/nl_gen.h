/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/pmhs.yaml */
/* YNL-GEN kernel source (tools/nlspec-gen.py) */

#ifndef _PMHS_NL_GEN_H
#define _PMHS_NL_GEN_H

#include <net/genetlink.h>
#include <uapi/linux/pmhs.h>

extern const struct nla_policy pmhs_noise_kat_step_nl_policy[PMHS_A_NOISE_KAT_STEP_MAX + 1];
extern const struct nla_policy pmhs_noise_params_nl_policy[PMHS_A_NOISE_PARAMS_MAX + 1];
extern const struct nla_policy pmhs_opaque_params_nl_policy[PMHS_A_OPAQUE_PARAMS_MAX + 1];
extern const struct nla_policy pmhs_password_params_nl_policy[PMHS_A_PASSWORD_PARAMS_MAX + 1];
extern const struct nla_policy pmhs_rsa_params_nl_policy[PMHS_A_RSA_PARAMS_MAX + 1];

/* Ops table */
int pmhs_nl_get_version_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_identity_new_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_identity_get_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_identity_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pmhs_nl_identity_del_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_recv_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int pmhs_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_hybrid_encrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_hybrid_decrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_rsa_encrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_rsa_decrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_rsa_sign_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_rsa_verify_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_ktls_install_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_kdf_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_aead_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_ipsec_up_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_ipsec_down_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_encrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_decrypt_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_session_rekey_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_noise_kat_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_opaque_kat_doit(struct sk_buff *skb, struct genl_info *info);
int pmhs_nl_opaque_unlock_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct genl_ops pmhs_nl_ops[27];

#endif /* _PMHS_NL_GEN_H */
