// SPDX-License-Identifier: GPL-2.0
/*
 * OPAQUE-3DH (RFC 9807) with ristretto255-SHA512; see opaque.h. The names
 * follow the RFC's pseudocode: the section numbers say where to check.
 *
 * Each function keeps its secret temporaries in one struct on the stack
 * and wipes it on every return; the outputs are zeroed on failure.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <crypto/algapi.h>

#include "compat.h"
#include "r255.h"
#include "sha512.h"
#include "opaque.h"

#define STR(s)	{ s, sizeof(s) - 1 }

/* RFC 9497 section 3.1: "OPRFV1-" || I2OSP(mode = OPRF, 1) || "-" || suite */
#define OPRF_CONTEXT	"OPRFV1-\0-ristretto255-SHA512"
static const char dst_h2g[] = "HashToGroup-" OPRF_CONTEXT;
static const char dst_dkp[] = "DeriveKeyPair" OPRF_CONTEXT;

static void i2osp2(u8 out[2], size_t v)
{
	out[0] = v >> 8;
	out[1] = v;
}

/*
 * expand_message_xmd (RFC 9380 section 5.3.1) with SHA-512 and
 * len_in_bytes = 64 = b_in_bytes, so ell = 1: b_1 is the output.
 */
static int expand_xmd64(u8 out[64], const struct pmhs_buf *msg,
			unsigned int n, const char *dst, size_t dstlen)
{
	static const u8 zpad[128];
	static const u8 tail[3] = { 0, 64, 0 };	/* I2OSP(64, 2) || 0x00 */
	struct pmhs_buf v[8];
	u8 dlen = dstlen, one = 1, b0[64];
	unsigned int i;
	int ret;

	if (n > 4)
		return -EINVAL;
	v[0] = (struct pmhs_buf){ zpad, sizeof(zpad) };
	for (i = 0; i < n; i++)
		v[i + 1] = msg[i];
	v[n + 1] = (struct pmhs_buf){ tail, sizeof(tail) };
	v[n + 2] = (struct pmhs_buf){ dst, dstlen };
	v[n + 3] = (struct pmhs_buf){ &dlen, 1 };
	ret = pmhs_sha512_v(v, n + 4, b0);
	if (!ret) {
		v[0] = (struct pmhs_buf){ b0, sizeof(b0) };
		v[1] = (struct pmhs_buf){ &one, 1 };
		v[2] = (struct pmhs_buf){ dst, dstlen };
		v[3] = (struct pmhs_buf){ &dlen, 1 };
		ret = pmhs_sha512_v(v, 4, out);
	}
	memzero_explicit(b0, sizeof(b0));
	return ret;
}

/*
 * RFC 9497 section 3.2.1 DeriveKeyPair(seed, info). Branches only on a
 * zero scalar, which happens with probability 2^-252.
 */
static int derive_keypair(u8 sk[32], u8 pk[32], const u8 seed[32],
			  const char *info, size_t infolen)
{
	struct {
		struct r255_point p;
		u8 uniform[64];
	} t;
	u8 len[2], counter;
	struct pmhs_buf v[4] = {
		{ seed, 32 }, { len, 2 }, { info, infolen }, { &counter, 1 },
	};
	int ret = -EINVAL;

	i2osp2(len, infolen);
	for (counter = 0; ; counter++) {
		ret = expand_xmd64(t.uniform, v, 4, dst_dkp,
				   sizeof(dst_dkp) - 1);
		if (ret)
			break;
		r255_sc_reduce64(sk, t.uniform);
		if (!r255_sc_is_zero(sk))
			break;
		if (counter == 255) {
			ret = -EINVAL;
			break;
		}
	}
	if (!ret && pk) {
		r255_scalarmult_base(&t.p, sk);
		r255_encode(pk, &t.p);
	}
	if (ret)
		memzero_explicit(sk, 32);
	memzero_explicit(&t, sizeof(t));
	return ret;
}

int opaque_derive_keypair(u8 sk[OPAQUE_NSK], u8 pk[OPAQUE_NPK],
			  const u8 seed[OPAQUE_NSEED])
{
	static const char info[] = "OPAQUE-DeriveDiffieHellmanKeyPair";

	return derive_keypair(sk, pk, seed, info, sizeof(info) - 1);
}

/* A peer's element: decodes and is not the identity (RFC 9497 2.1). */
static int decode_element(struct r255_point *p, const u8 in[32])
{
	if (r255_decode(p, in) || r255_is_identity(p))
		return -EBADMSG;
	return 0;
}

static int check_scalar(const u8 s[32])
{
	return r255_sc_is_canonical(s) && !r255_sc_is_zero(s) ? 0 : -EINVAL;
}

/* Shared secret s * P, P a peer's encoded element. */
static int dh(u8 out[32], const u8 s[32], const u8 pub[32])
{
	struct r255_point p, r;
	int ret;

	ret = decode_element(&p, pub);
	if (!ret) {
		r255_scalarmult(&r, s, &p);
		r255_encode(out, &r);
	}
	memzero_explicit(&r, sizeof(r));
	return ret;
}

int opaque_server_setup_new(struct opaque_server_setup *s,
			    const u8 oprf_seed[OPAQUE_NH],
			    const u8 key_seed[OPAQUE_NSEED],
			    const u8 fake_seed[OPAQUE_NSEED])
{
	int ret;

	memcpy(s->oprf_seed, oprf_seed, OPAQUE_NH);
	ret = opaque_derive_keypair(s->sk, s->pk, key_seed) ?:
	      opaque_derive_keypair(s->fake_sk, s->fake_pk, fake_seed);
	if (ret)
		memzero_explicit(s, sizeof(*s));
	return ret;
}

/* pk == sk * B, sk a canonical non-zero scalar */
static int check_keypair(const u8 sk[32], const u8 pk[32])
{
	struct r255_point p;
	u8 want[32];
	int ret;

	ret = check_scalar(sk);
	if (!ret) {
		r255_scalarmult_base(&p, sk);
		r255_encode(want, &p);
		if (crypto_memneq(want, pk, sizeof(want)))
			ret = -EINVAL;
	}
	memzero_explicit(&p, sizeof(p));
	return ret;
}

int opaque_server_setup_check(const struct opaque_server_setup *s)
{
	return check_keypair(s->sk, s->pk) ?:
	       check_keypair(s->fake_sk, s->fake_pk);
}

/* ---- OPRF (RFC 9497 section 3.3.1) ---- */

/* Blind(input, blind) */
static int oprf_blind(u8 blinded[32], const u8 *pw, size_t pwlen,
		      const u8 blind[32])
{
	struct r255_point p, q;
	struct pmhs_buf v = { pw, pwlen };
	u8 uniform[64];
	int ret;

	/* Finalize takes at most 65535 bytes: refuse more from the start. */
	ret = pwlen > OPAQUE_ID_MAX ? -EINVAL : check_scalar(blind);
	if (!ret)
		ret = expand_xmd64(uniform, &v, 1, dst_h2g,
				   sizeof(dst_h2g) - 1);
	if (!ret) {
		r255_from_hash(&p, uniform);
		/* InvalidInputError: only for a preimage of the identity */
		if (r255_is_identity(&p))
			ret = -EINVAL;
	}
	if (!ret) {
		r255_scalarmult(&q, blind, &p);
		r255_encode(blinded, &q);
	}
	memzero_explicit(uniform, sizeof(uniform));
	memzero_explicit(&p, sizeof(p));
	memzero_explicit(&q, sizeof(q));
	return ret;
}

/* Finalize(input, blind, evaluatedElement) */
static int oprf_finalize(u8 out[64], const u8 *pw, size_t pwlen,
			 const u8 blind[32], const u8 evaluated[32])
{
	struct {
		struct r255_point p, q;
		u8 inv[32], unblinded[32];
	} t;
	u8 pwl[2], ul[2];
	struct pmhs_buf v[5] = {
		{ pwl, 2 }, { pw, pwlen }, { ul, 2 }, { t.unblinded, 32 },
		STR("Finalize"),
	};
	int ret;

	if (pwlen > OPAQUE_ID_MAX) {
		memzero_explicit(out, 64);
		return -EINVAL;
	}
	i2osp2(pwl, pwlen);
	i2osp2(ul, 32);
	ret = check_scalar(blind) ?: decode_element(&t.p, evaluated);
	if (!ret) {
		r255_sc_invert(t.inv, blind);
		r255_scalarmult(&t.q, t.inv, &t.p);
		r255_encode(t.unblinded, &t.q);
		ret = pmhs_sha512_v(v, ARRAY_SIZE(v), out);
	}
	if (ret)
		memzero_explicit(out, 64);
	memzero_explicit(&t, sizeof(t));
	return ret;
}

/*
 * The user's OPRF key (RFC 9807 section 5.2.2): seed = Expand(oprf_seed,
 * credential_identifier || "OprfKey", Nok), then DeriveKeyPair(seed,
 * "OPAQUE-DeriveKeyPair").
 */
static int oprf_key(u8 key[32], const u8 oprf_seed[64], const u8 *cred_id,
		    size_t cred_id_len)
{
	static const char info[] = "OPAQUE-DeriveKeyPair";
	struct pmhs_buf v[2] = { { cred_id, cred_id_len }, STR("OprfKey") };
	u8 seed[32];
	int ret;

	ret = pmhs_hkdf_sha512_expand_v(oprf_seed, v, 2, seed, sizeof(seed)) ?:
	      derive_keypair(key, NULL, seed, info, sizeof(info) - 1);
	memzero_explicit(seed, sizeof(seed));
	return ret;
}

/* BlindEvaluate under the user's key, with the request's element checked. */
static int oprf_evaluate(u8 evaluated[32], const struct opaque_server_setup *s,
			 const u8 blinded[32], const u8 *cred_id,
			 size_t cred_id_len, struct opaque_trace *tr)
{
	struct {
		struct r255_point p, q;
		u8 key[32];
	} t;
	int ret;

	ret = decode_element(&t.p, blinded) ?:
	      oprf_key(t.key, s->oprf_seed, cred_id, cred_id_len);
	if (!ret) {
		r255_scalarmult(&t.q, t.key, &t.p);
		r255_encode(evaluated, &t.q);
		if (tr)
			memcpy(tr->oprf_key, t.key, sizeof(t.key));
	}
	memzero_explicit(&t, sizeof(t));
	return ret;
}

/* ---- registration (RFC 9807 section 5) ---- */

int opaque_client_reg_start(struct opaque_client_reg *st,
			    u8 request[OPAQUE_REG_REQUEST_LEN],
			    const u8 *pw, size_t pwlen,
			    const u8 blind[OPAQUE_NSK])
{
	int ret;

	ret = oprf_blind(request, pw, pwlen, blind);
	if (!ret) {
		memcpy(st->blind, blind, sizeof(st->blind));
	} else {
		memzero_explicit(request, OPAQUE_REG_REQUEST_LEN);
		memzero_explicit(st, sizeof(*st));
	}
	return ret;
}

int opaque_server_reg_respond(u8 response[OPAQUE_REG_RESPONSE_LEN],
			      const struct opaque_server_setup *s,
			      const u8 request[OPAQUE_REG_REQUEST_LEN],
			      const u8 *cred_id, size_t cred_id_len,
			      struct opaque_trace *tr)
{
	int ret;

	ret = oprf_evaluate(response, s, request, cred_id, cred_id_len, tr);
	if (!ret)
		memcpy(response + OPAQUE_NPK, s->pk, OPAQUE_NPK);
	else
		memzero_explicit(response, OPAQUE_REG_RESPONSE_LEN);
	return ret;
}

int opaque_client_reg_oprf(struct opaque_client_reg *st,
			   const u8 *pw, size_t pwlen,
			   const u8 response[OPAQUE_REG_RESPONSE_LEN],
			   u8 oprf_output[OPAQUE_NH])
{
	int ret;

	ret = oprf_finalize(oprf_output, pw, pwlen, st->blind, response);
	if (ret)
		memzero_explicit(st, sizeof(*st));
	return ret;
}

/* The client and server identities, defaulted to the public keys. */
struct ids {
	const u8 *c, *s;
	size_t clen, slen;
	u8 cl[2], sl[2];
};

static int get_ids(struct ids *id, const struct opaque_params *params,
		   const u8 *client_pk, const u8 *server_pk)
{
	id->c = client_pk;
	id->clen = OPAQUE_NPK;
	id->s = server_pk;
	id->slen = OPAQUE_NPK;
	if (params && params->client_id_len) {
		id->c = params->client_id;
		id->clen = params->client_id_len;
	}
	if (params && params->server_id_len) {
		id->s = params->server_id;
		id->slen = params->server_id_len;
	}
	if (id->clen > OPAQUE_ID_MAX || id->slen > OPAQUE_ID_MAX ||
	    (params && params->context_len > OPAQUE_ID_MAX))
		return -EINVAL;
	i2osp2(id->cl, id->clen);
	i2osp2(id->sl, id->slen);
	return 0;
}

/*
 * The envelope's MAC over envelope_nonce || CleartextCredentials (RFC 9807
 * sections 4 and 4.1.2), and the keys that come with it: client key pair,
 * export key. Shared by Store and Recover.
 */
struct env_keys {
	u8 auth_key[OPAQUE_NH];
	u8 export_key[OPAQUE_NH];
	u8 seed[OPAQUE_NSEED];
	u8 sk[OPAQUE_NSK];
	u8 pk[OPAQUE_NPK];
	u8 tag[OPAQUE_NH];
};

static int envelope_keys(struct env_keys *k, const u8 rwd[64],
			 const u8 nonce[OPAQUE_NN], const u8 server_pk[32],
			 const struct opaque_params *params)
{
	struct pmhs_buf info[2] = { { nonce, OPAQUE_NN } };
	struct pmhs_buf v[6];
	struct ids id;
	int ret;

	info[1] = (struct pmhs_buf)STR("AuthKey");
	ret = pmhs_hkdf_sha512_expand_v(rwd, info, 2, k->auth_key, OPAQUE_NH);
	info[1] = (struct pmhs_buf)STR("ExportKey");
	ret = ret ?: pmhs_hkdf_sha512_expand_v(rwd, info, 2, k->export_key,
					       OPAQUE_NH);
	info[1] = (struct pmhs_buf)STR("PrivateKey");
	ret = ret ?: pmhs_hkdf_sha512_expand_v(rwd, info, 2, k->seed,
					       OPAQUE_NSEED) ?:
	      opaque_derive_keypair(k->sk, k->pk, k->seed) ?:
	      get_ids(&id, params, k->pk, server_pk);
	if (ret)
		return ret;
	v[0] = (struct pmhs_buf){ nonce, OPAQUE_NN };
	v[1] = (struct pmhs_buf){ server_pk, OPAQUE_NPK };
	v[2] = (struct pmhs_buf){ id.sl, 2 };
	v[3] = (struct pmhs_buf){ id.s, id.slen };
	v[4] = (struct pmhs_buf){ id.cl, 2 };
	v[5] = (struct pmhs_buf){ id.c, id.clen };
	return pmhs_hmac_sha512_v(k->auth_key, OPAQUE_NH, v, ARRAY_SIZE(v),
				  k->tag);
}

/* randomized_password = Extract("", oprf_output || stretched) */
static int randomized_password(u8 rwd[64], const u8 oprf_output[64],
			       const u8 stretched[64])
{
	struct pmhs_buf v[2] = { { oprf_output, 64 }, { stretched, 64 } };

	return pmhs_hmac_sha512_v(NULL, 0, v, 2, rwd);
}

int opaque_client_reg_finish(struct opaque_client_reg *st,
			     u8 record[OPAQUE_RECORD_LEN],
			     u8 export_key[OPAQUE_NH],
			     const u8 response[OPAQUE_REG_RESPONSE_LEN],
			     const u8 oprf_output[OPAQUE_NH],
			     const u8 stretched[OPAQUE_NH],
			     const u8 envelope_nonce[OPAQUE_NN],
			     const struct opaque_params *params,
			     struct opaque_trace *tr)
{
	struct {
		struct r255_point p;
		struct env_keys k;
		u8 rwd[OPAQUE_NH];
	} t;
	const u8 *server_pk = response + OPAQUE_NPK;
	u8 *masking_key = record + OPAQUE_NPK;
	u8 *env = masking_key + OPAQUE_NH;
	int ret;

	/* The server's key is used only in the envelope, but must be one. */
	ret = decode_element(&t.p, server_pk) ?:
	      randomized_password(t.rwd, oprf_output, stretched) ?:
	      pmhs_hkdf_sha512_expand(t.rwd, (const u8 *)"MaskingKey", 10, masking_key,
				      OPAQUE_NH) ?:
	      envelope_keys(&t.k, t.rwd, envelope_nonce, server_pk, params);
	if (!ret) {
		memcpy(record, t.k.pk, OPAQUE_NPK);
		memcpy(env, envelope_nonce, OPAQUE_NN);
		memcpy(env + OPAQUE_NN, t.k.tag, OPAQUE_NH);
		memcpy(export_key, t.k.export_key, OPAQUE_NH);
		if (tr) {
			memcpy(tr->randomized_password, t.rwd, OPAQUE_NH);
			memcpy(tr->masking_key, masking_key, OPAQUE_NH);
			memcpy(tr->auth_key, t.k.auth_key, OPAQUE_NH);
			memcpy(tr->envelope, env, OPAQUE_ENVELOPE_LEN);
			memcpy(tr->client_public_key, t.k.pk, OPAQUE_NPK);
		}
	} else {
		memzero_explicit(record, OPAQUE_RECORD_LEN);
		memzero_explicit(export_key, OPAQUE_NH);
	}
	memzero_explicit(&t, sizeof(t));
	memzero_explicit(st, sizeof(*st));
	return ret;
}

int opaque_record_check(const u8 record[OPAQUE_RECORD_LEN])
{
	struct r255_point p;

	return decode_element(&p, record);
}

void opaque_fake_record(u8 record[OPAQUE_RECORD_LEN],
			const struct opaque_server_setup *s,
			const u8 masking_key[OPAQUE_NH])
{
	memcpy(record, s->fake_pk, OPAQUE_NPK);
	memcpy(record + OPAQUE_NPK, masking_key, OPAQUE_NH);
	memset(record + OPAQUE_NPK + OPAQUE_NH, 0, OPAQUE_ENVELOPE_LEN);
}

/* ---- the 3DH key exchange (RFC 9807 section 6.4) ---- */

/* KE2's parts */
#define KE2_EVAL	0
#define KE2_MNONCE	(KE2_EVAL + OPAQUE_NPK)
#define KE2_MASKED	(KE2_MNONCE + OPAQUE_NN)
#define KE2_SNONCE	OPAQUE_CRED_RESPONSE_LEN
#define KE2_SSHARE	(KE2_SNONCE + OPAQUE_NN)
#define KE2_MAC		(KE2_SSHARE + OPAQUE_NPK)
/* KE1's */
#define KE1_CNONCE	OPAQUE_NPK
#define KE1_CSHARE	(KE1_CNONCE + OPAQUE_NN)

/* The preamble (section 6.4.2.1), hashed with or without the server's MAC. */
struct preamble {
	u8 ctxl[2];
	struct pmhs_buf v[12];
};

static void preamble_init(struct preamble *pr, const struct opaque_params *params,
			  const struct ids *id, const u8 ke1[OPAQUE_KE1_LEN],
			  const u8 ke2[OPAQUE_KE2_LEN])
{
	size_t ctxlen = params ? params->context_len : 0;

	i2osp2(pr->ctxl, ctxlen);
	pr->v[0] = (struct pmhs_buf)STR("OPAQUEv1-");
	pr->v[1] = (struct pmhs_buf){ pr->ctxl, 2 };
	pr->v[2] = (struct pmhs_buf){ params ? params->context : NULL, ctxlen };
	pr->v[3] = (struct pmhs_buf){ id->cl, 2 };
	pr->v[4] = (struct pmhs_buf){ id->c, id->clen };
	pr->v[5] = (struct pmhs_buf){ ke1, OPAQUE_KE1_LEN };
	pr->v[6] = (struct pmhs_buf){ id->sl, 2 };
	pr->v[7] = (struct pmhs_buf){ id->s, id->slen };
	/* credential_response, server_nonce, server_public_keyshare */
	pr->v[8] = (struct pmhs_buf){ ke2, KE2_MAC };
}

struct ake_keys {
	u8 hs[OPAQUE_NH];
	u8 km2[OPAQUE_NH];
	u8 km3[OPAQUE_NH];
	u8 session_key[OPAQUE_NH];
	u8 prk[OPAQUE_NH];
	u8 ph[OPAQUE_NH];		/* Hash(preamble) */
	u8 server_mac[OPAQUE_NH];
	u8 client_mac[OPAQUE_NH];
};

/* Derive-Secret(secret, label, context) = Expand-Label(..., Nx) */
static int derive_secret(u8 out[64], const u8 secret[64], const char *label,
			 const u8 *ctx, size_t ctxlen)
{
	size_t llen = strlen(label);
	u8 hdr[3] = { 0, 64, 7 + llen }, cl = ctxlen;
	struct pmhs_buf v[5] = {
		{ hdr, 3 }, STR("OPAQUE-"), { label, llen }, { &cl, 1 },
		{ ctx, ctxlen },
	};

	return pmhs_hkdf_sha512_expand_v(secret, v, ARRAY_SIZE(v), out, 64);
}

/*
 * DeriveKeys (section 6.4.2.2) from ikm = dh1 || dh2 || dh3, then both
 * MACs: server_mac = MAC(Km2, Hash(preamble)), client_mac = MAC(Km3,
 * Hash(preamble || server_mac)).
 */
static int ake_derive(struct ake_keys *k, struct preamble *pr,
		      const u8 ikm[96])
{
	int ret;

	ret = pmhs_sha512_v(pr->v, 9, k->ph) ?:
	      pmhs_hkdf_sha512_extract(NULL, 0, ikm, 96, k->prk) ?:
	      derive_secret(k->hs, k->prk, "HandshakeSecret", k->ph, 64) ?:
	      derive_secret(k->session_key, k->prk, "SessionKey", k->ph, 64) ?:
	      derive_secret(k->km2, k->hs, "ServerMAC", NULL, 0) ?:
	      derive_secret(k->km3, k->hs, "ClientMAC", NULL, 0) ?:
	      pmhs_hmac_sha512(k->km2, 64, k->ph, 64, k->server_mac);
	if (ret)
		return ret;
	pr->v[9] = (struct pmhs_buf){ k->server_mac, OPAQUE_NH };
	ret = pmhs_sha512_v(pr->v, 10, k->ph);
	return ret ?: pmhs_hmac_sha512(k->km3, 64, k->ph, 64, k->client_mac);
}

static void trace_keys(struct opaque_trace *tr, const struct ake_keys *k)
{
	if (!tr)
		return;
	memcpy(tr->handshake_secret, k->hs, OPAQUE_NH);
	memcpy(tr->server_mac_key, k->km2, OPAQUE_NH);
	memcpy(tr->client_mac_key, k->km3, OPAQUE_NH);
}

int opaque_client_ke1(struct opaque_client_login *st, u8 ke1[OPAQUE_KE1_LEN],
		      const u8 *pw, size_t pwlen, const u8 blind[OPAQUE_NSK],
		      const u8 client_nonce[OPAQUE_NN],
		      const u8 keyshare_seed[OPAQUE_NSEED])
{
	int ret;

	ret = oprf_blind(ke1, pw, pwlen, blind) ?:
	      opaque_derive_keypair(st->secret, ke1 + KE1_CSHARE,
				    keyshare_seed);
	if (!ret) {
		memcpy(ke1 + KE1_CNONCE, client_nonce, OPAQUE_NN);
		memcpy(st->blind, blind, OPAQUE_NSK);
		memcpy(st->ke1, ke1, OPAQUE_KE1_LEN);
	} else {
		memzero_explicit(ke1, OPAQUE_KE1_LEN);
		memzero_explicit(st, sizeof(*st));
	}
	return ret;
}

/* The credential response (section 5.3.2... 6.3.2.1) into ke2[0..192). */
static int credential_response(u8 *ke2, const struct opaque_server_setup *s,
			       const u8 record[OPAQUE_RECORD_LEN],
			       const u8 *cred_id, size_t cred_id_len,
			       const u8 blinded[32],
			       const u8 masking_nonce[OPAQUE_NN],
			       struct opaque_trace *tr)
{
	struct pmhs_buf info[2] = {
		{ masking_nonce, OPAQUE_NN }, STR("CredentialResponsePad"),
	};
	u8 *masked = ke2 + KE2_MASKED;
	int ret, i;

	ret = oprf_evaluate(ke2 + KE2_EVAL, s, blinded, cred_id, cred_id_len,
			    tr) ?:
	      pmhs_hkdf_sha512_expand_v(record + OPAQUE_NPK, info, 2, masked,
					OPAQUE_NPK + OPAQUE_ENVELOPE_LEN);
	if (ret)
		return ret;
	memcpy(ke2 + KE2_MNONCE, masking_nonce, OPAQUE_NN);
	for (i = 0; i < OPAQUE_NPK; i++)
		masked[i] ^= s->pk[i];
	for (i = 0; i < OPAQUE_ENVELOPE_LEN; i++)
		masked[OPAQUE_NPK + i] ^= record[OPAQUE_NPK + OPAQUE_NH + i];
	return 0;
}

int opaque_server_ke2(struct opaque_server_login *st, u8 ke2[OPAQUE_KE2_LEN],
		      const struct opaque_server_setup *s,
		      const u8 record[OPAQUE_RECORD_LEN],
		      const u8 *cred_id, size_t cred_id_len,
		      const u8 ke1[OPAQUE_KE1_LEN],
		      const u8 masking_nonce[OPAQUE_NN],
		      const u8 server_nonce[OPAQUE_NN],
		      const u8 keyshare_seed[OPAQUE_NSEED],
		      const struct opaque_params *params,
		      struct opaque_trace *tr)
{
	struct {
		struct ake_keys k;
		struct preamble pr;
		struct ids id;
		u8 esk[OPAQUE_NSK];
		u8 ikm[3 * OPAQUE_NPK];
	} t;
	const u8 *client_share = ke1 + KE1_CSHARE;
	int ret;

	ret = get_ids(&t.id, params, record, s->pk) ?:
	      credential_response(ke2, s, record, cred_id, cred_id_len, ke1,
				  masking_nonce, tr) ?:
	      opaque_derive_keypair(t.esk, ke2 + KE2_SSHARE, keyshare_seed) ?:
	      dh(t.ikm, t.esk, client_share) ?:
	      dh(t.ikm + 32, s->sk, client_share) ?:
	      dh(t.ikm + 64, t.esk, record);
	if (!ret) {
		memcpy(ke2 + KE2_SNONCE, server_nonce, OPAQUE_NN);
		preamble_init(&t.pr, params, &t.id, ke1, ke2);
		ret = ake_derive(&t.k, &t.pr, t.ikm);
	}
	if (!ret) {
		memcpy(ke2 + KE2_MAC, t.k.server_mac, OPAQUE_NH);
		memcpy(st->expected_mac, t.k.client_mac, OPAQUE_NH);
		memcpy(st->session_key, t.k.session_key, OPAQUE_NH);
		trace_keys(tr, &t.k);
	} else {
		memzero_explicit(ke2, OPAQUE_KE2_LEN);
		memzero_explicit(st, sizeof(*st));
	}
	memzero_explicit(&t, sizeof(t));
	return ret;
}

int opaque_server_finish(struct opaque_server_login *st,
			 u8 session_key[OPAQUE_NH],
			 const u8 ke3[OPAQUE_KE3_LEN])
{
	int ret = 0;

	if (crypto_memneq(ke3, st->expected_mac, OPAQUE_KE3_LEN)) {
		memzero_explicit(session_key, OPAQUE_NH);
		ret = -EBADMSG;
	} else {
		memcpy(session_key, st->session_key, OPAQUE_NH);
	}
	memzero_explicit(st, sizeof(*st));
	return ret;
}

int opaque_client_ke2_oprf(struct opaque_client_login *st,
			   const u8 *pw, size_t pwlen,
			   const u8 ke2[OPAQUE_KE2_LEN],
			   u8 oprf_output[OPAQUE_NH])
{
	int ret;

	ret = oprf_finalize(oprf_output, pw, pwlen, st->blind, ke2 + KE2_EVAL);
	if (ret)
		memzero_explicit(st, sizeof(*st));
	return ret;
}

/*
 * RecoverCredentials (section 6.3.2.2) and Recover (4.1.3): unmask the
 * server's key and the envelope, open it.
 */
static int recover(struct env_keys *k, u8 server_pk[32],
		   const u8 ke2[OPAQUE_KE2_LEN], const u8 oprf_output[64],
		   const u8 stretched[64], const struct opaque_params *params,
		   struct opaque_trace *tr)
{
	struct {
		u8 rwd[OPAQUE_NH];
		u8 masking_key[OPAQUE_NH];
		u8 pad[OPAQUE_NPK + OPAQUE_ENVELOPE_LEN];
	} t;
	struct pmhs_buf info[2] = {
		{ ke2 + KE2_MNONCE, OPAQUE_NN }, STR("CredentialResponsePad"),
	};
	const u8 *env = t.pad + OPAQUE_NPK;
	int ret, i;

	ret = randomized_password(t.rwd, oprf_output, stretched) ?:
	      pmhs_hkdf_sha512_expand(t.rwd, (const u8 *)"MaskingKey", 10, t.masking_key,
				      OPAQUE_NH) ?:
	      pmhs_hkdf_sha512_expand_v(t.masking_key, info, 2, t.pad,
					sizeof(t.pad));
	if (ret)
		goto out;
	for (i = 0; i < sizeof(t.pad); i++)
		t.pad[i] ^= ke2[KE2_MASKED + i];
	memcpy(server_pk, t.pad, OPAQUE_NPK);
	ret = envelope_keys(k, t.rwd, env, server_pk, params);
	if (ret)
		goto out;
	if (tr) {
		memcpy(tr->randomized_password, t.rwd, OPAQUE_NH);
		memcpy(tr->masking_key, t.masking_key, OPAQUE_NH);
		memcpy(tr->auth_key, k->auth_key, OPAQUE_NH);
		memcpy(tr->envelope, env, OPAQUE_ENVELOPE_LEN);
		memcpy(tr->client_public_key, k->pk, OPAQUE_NPK);
	}
	if (crypto_memneq(k->tag, env + OPAQUE_NN, OPAQUE_NH))
		ret = -EBADMSG;		/* EnvelopeRecoveryError */
out:
	memzero_explicit(&t, sizeof(t));
	return ret;
}

int opaque_client_ke3(struct opaque_client_login *st, u8 ke3[OPAQUE_KE3_LEN],
		      u8 session_key[OPAQUE_NH], u8 export_key[OPAQUE_NH],
		      const u8 ke2[OPAQUE_KE2_LEN],
		      const u8 oprf_output[OPAQUE_NH],
		      const u8 stretched[OPAQUE_NH],
		      const struct opaque_params *params,
		      struct opaque_trace *tr)
{
	struct {
		struct ake_keys k;
		struct env_keys e;
		struct preamble pr;
		struct ids id;
		u8 server_pk[OPAQUE_NPK];
		u8 ikm[3 * OPAQUE_NPK];
	} t;
	const u8 *server_share = ke2 + KE2_SSHARE;
	int ret;

	ret = recover(&t.e, t.server_pk, ke2, oprf_output, stretched, params,
		      tr) ?:
	      get_ids(&t.id, params, t.e.pk, t.server_pk) ?:
	      dh(t.ikm, st->secret, server_share) ?:
	      dh(t.ikm + 32, st->secret, t.server_pk) ?:
	      dh(t.ikm + 64, t.e.sk, server_share);
	if (!ret) {
		preamble_init(&t.pr, params, &t.id, st->ke1, ke2);
		ret = ake_derive(&t.k, &t.pr, t.ikm);
	}
	if (!ret) {
		trace_keys(tr, &t.k);
		if (crypto_memneq(t.k.server_mac, ke2 + KE2_MAC, OPAQUE_NH))
			ret = -EBADMSG;	/* ServerAuthenticationError */
	}
	if (!ret) {
		memcpy(ke3, t.k.client_mac, OPAQUE_KE3_LEN);
		memcpy(session_key, t.k.session_key, OPAQUE_NH);
		memcpy(export_key, t.e.export_key, OPAQUE_NH);
	} else {
		memzero_explicit(ke3, OPAQUE_KE3_LEN);
		memzero_explicit(session_key, OPAQUE_NH);
		memzero_explicit(export_key, OPAQUE_NH);
	}
	memzero_explicit(&t, sizeof(t));
	memzero_explicit(st, sizeof(*st));
	return ret;
}
