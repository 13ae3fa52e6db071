/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_OPAQUE_KAT_RUN_H
#define _PMHS_OPAQUE_KAT_RUN_H

#include "opaque.h"

/*
 * One opaque-kat request: inputs (pointers into the request, which
 * outlives the run) and everything the run gives back. Secret: the
 * caller zeroes it with kfree_sensitive().
 */
struct pmhs_opaque_kat {
	bool fake;		/* only the server's KE2 for an unknown user */
	const u8 *pw;
	size_t pwlen;
	struct opaque_params params;
	const u8 *cred_id;
	size_t cred_id_len;
	const u8 *oprf_seed, *server_sk;
	const u8 *blind_reg, *blind_login, *env_nonce;
	const u8 *client_nonce, *client_seed;
	const u8 *masking_nonce, *server_nonce, *server_seed;
	const u8 *fake_sk, *fake_masking_key;

	/* the fake path's KE1 is copied in; otherwise the client's */
	u8 ke1[OPAQUE_KE1_LEN];
	u8 server_pk[OPAQUE_NPK];
	u8 reg_request[OPAQUE_REG_REQUEST_LEN];
	u8 reg_response[OPAQUE_REG_RESPONSE_LEN];
	u8 record[OPAQUE_RECORD_LEN];
	u8 ke2[OPAQUE_KE2_LEN];
	u8 ke3[OPAQUE_KE3_LEN];
	u8 session_key[OPAQUE_NH];
	u8 export_key[OPAQUE_NH];
	struct opaque_trace trace;

	/* working state */
	struct opaque_server_setup setup;
	struct opaque_client_reg cr;
	struct opaque_client_login cl;
	struct opaque_server_login sl;
	u8 oprf_output[OPAQUE_NH];
};

/*
 * 0, -ERANGE for a private key that is not a canonical non-zero scalar,
 * -EINVAL for a blind that is not, -EBADMSG where a check of the protocol
 * fails (e.g. a fake KE1 that does not decode), or a hash error.
 */
int pmhs_opaque_kat_run(struct pmhs_opaque_kat *k);

#endif /* _PMHS_OPAQUE_KAT_RUN_H */
