// SPDX-License-Identifier: GPL-2.0
/*
 * The opaque-kat op's work: OPAQUE-3DH registration and login through both
 * roles, or the fake-record KE2, with every random input taken from the
 * request (the RFC 9807 vectors fix them). Production sessions draw them
 * with get_random_bytes(); this is the only path to fixed ones, and it
 * makes no session and publishes nothing. The KSF is the Identity (the
 * vectors' choice): stretched = oprf_output.
 */
#include <linux/errno.h>
#include <linux/string.h>

#include "crypto/algapi.h"
#include "opaque.h"
#include "opaque_kat_run.h"
#include "r255.h"

/* The setup's public keys from its private ones, checked as an import is. */
static int pmhs_opaque_kat_setup(struct pmhs_opaque_kat *k, const u8 *fake_sk)
{
	struct opaque_server_setup *s = &k->setup;
	struct r255_point p;

	memcpy(s->oprf_seed, k->oprf_seed, OPAQUE_NH);
	memcpy(s->sk, k->server_sk, OPAQUE_NSK);
	/* a real login never meets the fake pair: any valid one will do */
	memcpy(s->fake_sk, fake_sk ?: k->server_sk, OPAQUE_NSK);
	if (!r255_sc_is_canonical(s->sk) || r255_sc_is_zero(s->sk) ||
	    !r255_sc_is_canonical(s->fake_sk) || r255_sc_is_zero(s->fake_sk))
		return -ERANGE;
	r255_scalarmult_base(&p, s->sk);
	r255_encode(s->pk, &p);
	r255_scalarmult_base(&p, s->fake_sk);
	r255_encode(s->fake_pk, &p);
	memzero_explicit(&p, sizeof(p));
	memcpy(k->server_pk, s->pk, OPAQUE_NPK);
	return opaque_server_setup_check(s);
}

static int pmhs_opaque_kat_fake(struct pmhs_opaque_kat *k)
{
	int ret;

	opaque_fake_record(k->record, &k->setup, k->fake_masking_key);
	ret = opaque_server_ke2(&k->sl, k->ke2, &k->setup, k->record,
				k->cred_id, k->cred_id_len, k->ke1,
				k->masking_nonce, k->server_nonce,
				k->server_seed, &k->params, NULL);
	memzero_explicit(&k->sl, sizeof(k->sl));
	return ret;
}

static int pmhs_opaque_kat_real(struct pmhs_opaque_kat *k)
{
	u8 export_reg[OPAQUE_NH], server_key[OPAQUE_NH];
	int ret;

	ret = opaque_client_reg_start(&k->cr, k->reg_request, k->pw, k->pwlen,
				      k->blind_reg) ?:
	      opaque_server_reg_respond(k->reg_response, &k->setup,
					k->reg_request, k->cred_id,
					k->cred_id_len, &k->trace) ?:
	      opaque_client_reg_oprf(&k->cr, k->pw, k->pwlen, k->reg_response,
				     k->oprf_output) ?:
	      opaque_client_reg_finish(&k->cr, k->record, export_reg,
				       k->reg_response, k->oprf_output,
				       k->oprf_output, k->env_nonce,
				       &k->params, &k->trace) ?:
	      opaque_record_check(k->record) ?:
	      opaque_client_ke1(&k->cl, k->ke1, k->pw, k->pwlen, k->blind_login,
				k->client_nonce, k->client_seed) ?:
	      opaque_server_ke2(&k->sl, k->ke2, &k->setup, k->record,
				k->cred_id, k->cred_id_len, k->ke1,
				k->masking_nonce, k->server_nonce,
				k->server_seed, &k->params, &k->trace) ?:
	      opaque_client_ke2_oprf(&k->cl, k->pw, k->pwlen, k->ke2,
				     k->oprf_output) ?:
	      opaque_client_ke3(&k->cl, k->ke3, k->session_key, k->export_key,
				k->ke2, k->oprf_output, k->oprf_output,
				&k->params, &k->trace) ?:
	      opaque_server_finish(&k->sl, server_key, k->ke3);
	/* Both roles must agree, and login must give registration's export key. */
	if (!ret && (crypto_memneq(server_key, k->session_key, OPAQUE_NH) ||
		     crypto_memneq(export_reg, k->export_key, OPAQUE_NH)))
		ret = -EBADMSG;
	memzero_explicit(export_reg, sizeof(export_reg));
	memzero_explicit(server_key, sizeof(server_key));
	return ret;
}

int pmhs_opaque_kat_run(struct pmhs_opaque_kat *k)
{
	int ret;

	ret = pmhs_opaque_kat_setup(k, k->fake ? k->fake_sk : NULL);
	if (ret)
		return ret;
	ret = k->fake ? pmhs_opaque_kat_fake(k) : pmhs_opaque_kat_real(k);
	memzero_explicit(&k->setup, sizeof(k->setup));
	memzero_explicit(&k->cr, sizeof(k->cr));
	memzero_explicit(&k->cl, sizeof(k->cl));
	memzero_explicit(&k->sl, sizeof(k->sl));
	memzero_explicit(k->oprf_output, sizeof(k->oprf_output));
	return ret;
}
