// SPDX-License-Identifier: GPL-2.0
/*
 * Identities and the single-shot operations through the real module:
 * import/get/dump/delete, key-size policy, every OAEP, PSS and hybrid
 * vector of poorman-v1.json, 1 MiB hybrid both ways, and agreement with
 * OpenSSL in both directions, also for keys of odd shapes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

static const char *const keys[] = { "alice", "bob", "carol", "dave", "erin" };

FIXTURE(c) {
	struct pmhs_nl *nl;
	struct json_object *root;
	struct pt_reply r;
};

FIXTURE_SETUP(c)
{
	self->nl = pt_open();
	ASSERT_NE(NULL, self->nl);
	self->root = vec_load("poorman-v1.json");
	ASSERT_NE(NULL, self->root);
	ASSERT_EQ(0, po_config(self->nl, 60, 1));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ASSERT_EQ(0, po_identity_vec(self->nl, self->root, keys[i], &self->r));
}

FIXTURE_TEARDOWN(c)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		po_identity_del(self->nl, keys[i]);
	po_identity_del(self->nl, "odd");	/* odd_shaped_keys_...: if it stopped */
	po_config(self->nl, 60, 0);
	json_object_put(self->root);
	pmhs_nl_close(self->nl);
}

TEST_F(c, identity_get_returns_public_half_only)
{
	/* Raw: the reply must lack the private key's attribute. */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct nl_msg *m = raw_new(self->nl, PMHS_CMD_IDENTITY_GET, 0);
		uint8_t *pub, fp[32];
		long plen = vec_key_pub_der(self->root, keys[i], &pub);
		char path[64];

		raw_str(m, PMHS_A_IDENTITY_NAME, keys[i]);
		ASSERT_EQ(0, pt_call(self->nl, m, PMHS_A_IDENTITY_MAX, &self->r));
		ASSERT_NE(NULL, self->r.tb[PMHS_A_IDENTITY_PUBKEY]);
		EXPECT_EQ(plen, nla_len(self->r.tb[PMHS_A_IDENTITY_PUBKEY]));
		EXPECT_EQ(0, memcmp(pub, nla_data(self->r.tb[PMHS_A_IDENTITY_PUBKEY]), plen));
		SHA256(pub, plen, fp);
		ASSERT_NE(NULL, self->r.tb[PMHS_A_IDENTITY_FINGERPRINT]);
		EXPECT_EQ(0, memcmp(fp, nla_data(self->r.tb[PMHS_A_IDENTITY_FINGERPRINT]), 32));
		snprintf(path, sizeof(path), "keys.%s.bits", keys[i]);
		EXPECT_EQ(json_object_get_int(vec_get(self->root, path)),
			  (int)nla_get_u32(self->r.tb[PMHS_A_IDENTITY_BITS]));
		/* Never the private key. */
		EXPECT_EQ(NULL, self->r.tb[PMHS_A_IDENTITY_KEY_DER]);
		free(pub);
	}
}

static int dump_count;
static int dump_cb(struct nlattr **tb, void *arg)
{
	if (tb[PMHS_A_IDENTITY_NAME] && tb[PMHS_A_IDENTITY_PUBKEY] && !tb[PMHS_A_IDENTITY_KEY_DER])
		dump_count++;
	return 0;
}

TEST_F(c, identity_dump_del_and_errors)
{
	struct nl_msg *m = raw_new(self->nl, PMHS_CMD_IDENTITY_GET, NLM_F_DUMP);
	struct pmhs_identity ident = { .size = sizeof(ident) };
	uint8_t junk[100];

	/* Raw: no entry of the dump may carry the private key. */
	dump_count = 0;
	ASSERT_EQ(0, pmhs_nl_call(self->nl, m, PMHS_A_IDENTITY_MAX, dump_cb, NULL));
	EXPECT_EQ(5, dump_count);
	EXPECT_EQ(5, po_count(self->nl, PMHS_A_CONFIG_IDENTITIES));

	/* Duplicate name. */
	EXPECT_EQ(-EEXIST, po_identity_vec(self->nl, self->root, "alice", &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* Malformed: garbage where the DER key goes. */
	memset(junk, 0x30, sizeof(junk));
	m = raw_new(self->nl, PMHS_CMD_IDENTITY_NEW, 0);
	raw_str(m, PMHS_A_IDENTITY_NAME, "junk");
	raw_bin(m, PMHS_A_IDENTITY_KEY_DER, sizeof(junk), junk);
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, 0, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	EXPECT_NE(0, self->r.extack[0]);
	/* Malformed: the key attribute is missing. */
	m = raw_new(self->nl, PMHS_CMD_IDENTITY_NEW, 0);
	raw_str(m, PMHS_A_IDENTITY_NAME, "nokey");
	EXPECT_EQ(-EINVAL, pt_call(self->nl, m, 0, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "missing"));
	/* Delete, then it is gone. */
	EXPECT_EQ(0, po_identity_del(self->nl, "carol"));
	EXPECT_EQ(-ENOENT, po_identity_del(self->nl, "carol"));
	EXPECT_EQ(-ENOENT, pmhs_identity_get(pmhs_nl_handle(self->nl), "carol", &ident));
	EXPECT_EQ(4, po_count(self->nl, PMHS_A_CONFIG_IDENTITIES));
}

TEST_F(c, rsa1024_is_legacy)
{
	ASSERT_EQ(0, po_identity_del(self->nl, "erin"));
	ASSERT_EQ(0, po_config(self->nl, 0, 0));
	EXPECT_EQ(-EKEYREJECTED, po_identity_vec(self->nl, self->root, "erin", &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "legacy"));
	ASSERT_EQ(0, po_config(self->nl, 0, 1));
	EXPECT_EQ(0, po_identity_vec(self->nl, self->root, "erin", &self->r));
}

TEST_F(c, oaep_sha1_vectors)
{
	struct json_object *v = vec_get(self->root, "oaep_sha1");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(6, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *cv = json_object_array_get_idx(v, i);
		struct pmhs *h = pmhs_nl_handle(self->nl);
		uint8_t *ct, *pt, out[512];
		long clen = vec_unhex(vec_str(cv, "ciphertext"), &ct);
		long plen = vec_unhex(vec_str(cv, "plaintext"), &pt);
		size_t olen = 0;

		if (plen) {
			ASSERT_EQ(0, pmhs_rsa_decrypt(h, vec_str(cv, "key"), -1, ct, clen, out,
						      sizeof(out), &olen)) {
				TH_LOG("vector %zu: %s", i, pmhs_errmsg(h));
			}
			EXPECT_EQ(plen, olen);
			EXPECT_EQ(0, memcmp(pt, out, plen));
		} else {
			/*
			 * Raw: pmhs_rsa_decrypt() reports an empty plaintext
			 * as -EBADMSG, like a refusal.
			 */
			struct nl_msg *m = raw_new(self->nl, PMHS_CMD_RSA_DECRYPT, 0);

			raw_str(m, PMHS_A_RSA_IDENTITY, vec_str(cv, "key"));
			raw_bin(m, PMHS_A_RSA_DATA, clen, ct);
			ASSERT_EQ(0, pt_call(self->nl, m, PMHS_A_RSA_MAX, &self->r)) {
				TH_LOG("vector %zu: %s", i, self->r.extack);
			}
			ASSERT_NE(NULL, self->r.tb[PMHS_A_RSA_DATA]);
			EXPECT_EQ(0, nla_len(self->r.tb[PMHS_A_RSA_DATA]));
		}
		/* One bit off: a single, uninformative error. */
		ct[clen / 2] ^= 1;
		EXPECT_EQ(-EBADMSG, pmhs_rsa_decrypt(h, vec_str(cv, "key"), -1, ct, clen, out,
						     sizeof(out), &olen));
		free(ct);
		free(pt);
	}
}

TEST_F(c, pss_sha256_vectors)
{
	struct json_object *v = vec_get(self->root, "pss_sha256");
	size_t n = json_object_array_length(v);

	ASSERT_EQ(7, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *cv = json_object_array_get_idx(v, i);
		struct pmhs *h = pmhs_nl_handle(self->nl);
		bool valid = json_object_get_boolean(vec_get(cv, "valid"));
		uint8_t *msg, *sig, *pub;
		long mlen = vec_unhex(vec_str(cv, "message"), &msg);
		long slen = vec_unhex(vec_str(cv, "signature"), &sig);
		long plen = vec_key_pub_der(self->root, vec_str(cv, "key"), &pub);

		EXPECT_EQ(valid ? 0 : -EKEYREJECTED,
			  pmhs_rsa_verify(h, pub, plen, msg, mlen, sig, slen)) {
			TH_LOG("vector %zu (%s): %s", i, valid ? "valid" : "invalid",
			       pmhs_errmsg(h));
		}
		free(msg);
		free(sig);
		free(pub);
	}
}

/* Kernel signs and encrypts; OpenSSL verifies and decrypts; and back. */
TEST_F(c, agrees_with_openssl)
{
	static const uint8_t text[] = "pmhs agrees with OpenSSL";
	struct pmhs *hd = pmhs_nl_handle(self->nl);
	uint8_t *der, *pub, sig[512], ct[512], out[512];
	size_t got;
	const uint8_t *p;
	long dlen = vec_key_priv_der(self->root, "carol", &der);
	long plen = vec_key_pub_der(self->root, "carol", &pub);
	EVP_PKEY *k;
	EVP_PKEY_CTX *ctx;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t len;

	p = der;
	k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, dlen);
	ASSERT_NE(NULL, k);
	ASSERT_EQ(0, pmhs_rsa_sign(hd, "carol", text, sizeof(text), sig, sizeof(sig), &got));
	ASSERT_EQ(384, got);
	ASSERT_EQ(1, EVP_DigestVerifyInit(md, &ctx, EVP_sha256(), NULL, k));
	EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32);
	EXPECT_EQ(1, EVP_DigestVerify(md, sig, 384, text, sizeof(text)));

	/* Kernel encrypts (SHA-256 OAEP too), OpenSSL decrypts. */
	for (int h = 0; h < 2; h++) {
		ASSERT_EQ(0, pmhs_rsa_encrypt(hd, pub, plen, h, text, sizeof(text), ct,
					      sizeof(ct), &got));
		ASSERT_EQ(384, got);
		ctx = EVP_PKEY_CTX_new(k, NULL);
		EVP_PKEY_decrypt_init(ctx);
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
		EVP_PKEY_CTX_set_rsa_oaep_md(ctx, h ? EVP_sha256() : EVP_sha1());
		EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, h ? EVP_sha256() : EVP_sha1());
		len = sizeof(out);
		EXPECT_EQ(1, EVP_PKEY_decrypt(ctx, out, &len, ct, 384));
		EXPECT_EQ(sizeof(text), len);
		EXPECT_EQ(0, memcmp(out, text, sizeof(text)));

		/* OpenSSL encrypts, kernel decrypts. */
		EVP_PKEY_encrypt_init(ctx);
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
		EVP_PKEY_CTX_set_rsa_oaep_md(ctx, h ? EVP_sha256() : EVP_sha1());
		EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, h ? EVP_sha256() : EVP_sha1());
		len = sizeof(ct);
		ASSERT_EQ(1, EVP_PKEY_encrypt(ctx, ct, &len, text, sizeof(text)));
		EVP_PKEY_CTX_free(ctx);
		ASSERT_EQ(0, pmhs_rsa_decrypt(hd, "carol", h, ct, len, out, sizeof(out), &got));
		ASSERT_EQ(sizeof(text), got);
		EXPECT_EQ(0, memcmp(text, out, sizeof(text)));
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	free(der);
	free(pub);
}

/*
 * An RSA key with public exponent @ew from primes of @pbits and @qbits,
 * which need not be equal, nor multiples of 64: the shapes generators do
 * not make.
 */
static EVP_PKEY *odd_key_e(int pbits, int qbits, unsigned long ew)
{
	BIGNUM *p = BN_new(), *q = BN_new(), *n = BN_new(), *e = BN_new();
	BIGNUM *d = BN_new(), *p1 = BN_new(), *q1 = BN_new(), *phi = BN_new();
	BIGNUM *dp = BN_new(), *dq = BN_new(), *qinv = BN_new(), *g = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	BN_CTX *bc = BN_CTX_new();
	EVP_PKEY *k = NULL;
	OSSL_PARAM *par;

	BN_set_word(e, ew);
	do {
		BN_generate_prime_ex(p, pbits, 0, NULL, NULL, NULL);
		BN_sub(p1, p, BN_value_one());
		BN_gcd(g, p1, e, bc);
	} while (!BN_is_one(g));
	do {
		BN_generate_prime_ex(q, qbits, 0, NULL, NULL, NULL);
		BN_sub(q1, q, BN_value_one());
		BN_gcd(g, q1, e, bc);
	} while (!BN_is_one(g) || !BN_cmp(p, q));
	BN_mul(n, p, q, bc);
	BN_mul(phi, p1, q1, bc);
	BN_mod_inverse(d, e, phi, bc);
	BN_mod(dp, d, p1, bc);
	BN_mod(dq, d, q1, bc);
	BN_mod_inverse(qinv, q, p, bc);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv);
	par = OSSL_PARAM_BLD_to_param(bld);
	if (par && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_KEYPAIR, par);
	OSSL_PARAM_free(par);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_CTX_free(bc);
	for (BIGNUM **x = (BIGNUM *[]){ p, q, n, e, d, p1, q1, phi, dp, dq, qinv, g, NULL };
	     *x; x++)
		BN_clear_free(*x);
	return k;
}

static EVP_PKEY *odd_key(int pbits, int qbits)
{
	return odd_key_e(pbits, qbits, 65537);
}

/* identity-new "odd" from @k's private key; the module's answer. */
static int odd_identity_new(struct pmhs_nl *nl, EVP_PKEY *k, struct pt_reply *r)
{
	unsigned char *der = NULL;
	int dlen = i2d_PrivateKey(k, &der), ret;

	if (dlen <= 0)
		return -EINVAL;
	ret = pmhs_identity_import_der(pmhs_nl_handle(nl), "odd", der, dlen, NULL);
	OPENSSL_clear_free(der, dlen);
	return po_api(nl, ret, r);
}

/*
 * The public exponent is at most 2^32 for every operation, public or
 * private: a huge one would make each public operation cost a private one.
 */
TEST_F(c, rsa_public_exponent_capped)
{
	static const unsigned long es[] = { 0xfffffffbUL, 0x100000001UL, 0x10000000000001UL };

	for (size_t i = 0; i < sizeof(es) / sizeof(es[0]); i++) {
		EVP_PKEY *k = odd_key_e(1024, 1024, es[i]);
		int dlen, want = es[i] >> 32 ? -EINVAL : 0;
		unsigned char *der, ct[512];
		size_t clen;

		ASSERT_NE(NULL, k);
		EXPECT_EQ(want, odd_identity_new(self->nl, k, &self->r)) {
			TH_LOG("e = %#lx: %s", es[i], self->r.extack);
		}
		if (want) {
			EXPECT_STREQ("RSA public exponent must be at most 2^32", self->r.extack);
		} else {
			EXPECT_EQ(0, po_identity_del(self->nl, "odd"));
		}
		der = NULL;
		dlen = i2d_PUBKEY(k, &der);
		ASSERT_LT(0, dlen);
		EXPECT_EQ(want, po_api(self->nl,
				       pmhs_rsa_encrypt(pmhs_nl_handle(self->nl), der, dlen, -1,
							"hi", 2, ct, sizeof(ct), &clen),
				       &self->r)) {
			TH_LOG("e = %#lx: %s", es[i], self->r.extack);
		}
		OPENSSL_free(der);
		if (want) {
			EXPECT_STREQ("RSA public exponent must be at most 2^32", self->r.extack);
		}
		EVP_PKEY_free(k);
	}
}

/*
 * Private operations on keys whose primes differ in size or are not
 * whole limbs (each CRT half has its own Montgomery context): the
 * kernel's PSS signatures verify in OpenSSL, and it decrypts what
 * OpenSSL encrypted, with both OAEP hashes.
 */
TEST_F(c, odd_shaped_keys_agree_with_openssl)
{
	static const int shapes[][2] = {
		{ 1024, 1023 },	/* a 2047-bit modulus */
		{ 1050, 1050 },	/* 17 limbs a prime */
		{ 900, 1148 },	/* unbalanced: 15 and 18 limbs */
		{ 772, 772 },	/* 1544 bits */
		{ 1400, 1700 },	/* 3100 bits, unbalanced */
	};
	static const uint8_t text[] = "odd shapes";

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		EVP_PKEY *k = odd_key(shapes[i][0], shapes[i][1]);
		struct pmhs *h = pmhs_nl_handle(self->nl);
		uint8_t ct[512], sig[512], out[512];
		EVP_MD_CTX *md;
		EVP_PKEY_CTX *ctx;
		size_t klen, len, got;

		ASSERT_NE(NULL, k);
		klen = EVP_PKEY_get_size(k);
		ASSERT_EQ(0, odd_identity_new(self->nl, k, &self->r))
			TH_LOG("shape %d+%d bits: %s", shapes[i][0], shapes[i][1], self->r.extack);

		ASSERT_EQ(0, pmhs_rsa_sign(h, "odd", text, sizeof(text), sig, sizeof(sig), &got));
		ASSERT_EQ(klen, got);
		md = EVP_MD_CTX_new();
		ASSERT_EQ(1, EVP_DigestVerifyInit(md, &ctx, EVP_sha256(), NULL, k));
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32);
		EXPECT_EQ(1, EVP_DigestVerify(md, sig, klen, text, sizeof(text)))
			TH_LOG("shape %d+%d bits: OpenSSL rejects the signature",
			       shapes[i][0], shapes[i][1]);
		EVP_MD_CTX_free(md);

		for (int oh = 0; oh < 2; oh++) {
			ctx = EVP_PKEY_CTX_new(k, NULL);
			EVP_PKEY_encrypt_init(ctx);
			EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
			EVP_PKEY_CTX_set_rsa_oaep_md(ctx, oh ? EVP_sha256() : EVP_sha1());
			EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, oh ? EVP_sha256() : EVP_sha1());
			len = sizeof(ct);
			ASSERT_EQ(1, EVP_PKEY_encrypt(ctx, ct, &len, text, sizeof(text)));
			EVP_PKEY_CTX_free(ctx);
			ASSERT_EQ(0, pmhs_rsa_decrypt(h, "odd", oh, ct, len, out, sizeof(out),
						      &got))
				TH_LOG("shape %d+%d bits, OAEP hash %d: %s", shapes[i][0],
				       shapes[i][1], oh, pmhs_errmsg(h));
			ASSERT_EQ(sizeof(text), got);
			EXPECT_EQ(0, memcmp(text, out, sizeof(text)));
		}
		ASSERT_EQ(0, po_identity_del(self->nl, "odd"));
		EVP_PKEY_free(k);
	}
}

/*
 * Run hybrid-(en|de)crypt from a sealed memfd holding @in into a new memfd;
 * returns errno. On failure *outlen counts the output's nonzero bytes:
 * nothing may have been written.
 */
static int hybrid(struct pmhs_nl *nl, int cmd, const char *ident, const uint8_t *pub,
		  size_t plen, const uint8_t *in, size_t inlen, uint8_t **out,
		  size_t *outlen, struct pt_reply *r)
{
	size_t room = cmd == PMHS_CMD_HYBRID_DECRYPT ? inlen : inlen + 2 + 512 + 32;
	int ifd = pt_memfd_in(in, inlen), ofd = pt_memfd_out(room), ret;
	struct pmhs *h = pmhs_nl_handle(nl);
	uint64_t len = 0;

	*out = calloc(1, room + 1);
	*outlen = 0;
	if (ifd < 0 || ofd < 0 || !*out)
		return -EIO;
	if (cmd == PMHS_CMD_HYBRID_DECRYPT)
		ret = pmhs_hybrid_decrypt(h, ident, -1, ifd, ofd, &len);
	else
		ret = pmhs_hybrid_encrypt(h, pub, plen, -1, ifd, ofd, &len);
	po_api(nl, ret, r);
	if (pread(ofd, *out, room, 0) != (ssize_t)room)
		ret = ret ? ret : -EIO;
	if (!ret) {
		if (len > room)
			ret = -EPROTO;
		*outlen = len;
	} else {
		for (size_t i = 0; i < room; i++)
			*outlen += !!(*out)[i];
	}
	close(ifd);
	close(ofd);
	return ret;
}

TEST_F(c, hybrid_vectors)
{
	struct json_object *v = vec_get(self->root, "hybrid.valid");
	size_t n = json_object_array_length(v), outlen;
	uint8_t *out;

	ASSERT_EQ(6, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *cv = json_object_array_get_idx(v, i);
		uint8_t *ct, *pt;
		long clen = vec_unhex(vec_str(cv, "ciphertext"), &ct);
		long plen = vec_unhex(vec_str(cv, "plaintext"), &pt);

		ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, vec_str(cv, "key"),
				    NULL, 0, ct, clen, &out, &outlen, &self->r)) {
			TH_LOG("vector %zu: %s", i, self->r.extack);
		}
		EXPECT_EQ(plen, outlen);
		EXPECT_EQ(0, memcmp(pt, out, plen));
		free(out);
		free(ct);
		free(pt);
	}
	v = vec_get(self->root, "hybrid.invalid");
	n = json_object_array_length(v);
	ASSERT_EQ(5, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *cv = json_object_array_get_idx(v, i);
		uint8_t *ct;
		long clen = vec_unhex(vec_str(cv, "ciphertext"), &ct);

		EXPECT_EQ(-EBADMSG, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT,
					   vec_str(cv, "key"), NULL, 0, ct, clen,
					   &out, &outlen, &self->r)) {
			TH_LOG("'%s'", vec_str(cv, "why"));
		}
		TH_LOG("%s: %s", vec_str(cv, "why"), self->r.extack);
		EXPECT_NE(0, self->r.extack[0]);
		/* Nothing of an unverified plaintext comes out. */
		EXPECT_EQ(0, outlen);
		free(out);
		free(ct);
	}
}

TEST_F(c, hybrid_1mib_roundtrip_and_openssl)
{
	size_t len = 1 << 20, clen, plen;
	uint8_t *pt = malloc(len), *ct, *back, *pub, key[512], tag[16], *ossl;
	long publen = vec_key_pub_der(self->root, "dave", &pub);
	EVP_CIPHER_CTX *cx;
	int outl;
	long klen;

	for (size_t i = 0; i < len; i++)
		pt[i] = (uint8_t)(i * 131 + 7);
	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_ENCRYPT, NULL, pub, publen,
			    pt, len, &ct, &clen, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(2 + 512 + 16 + 16 + len, clen);
	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, "dave", NULL, 0,
			    ct, clen, &back, &plen, &self->r));
	ASSERT_EQ(len, plen);
	EXPECT_EQ(0, memcmp(pt, back, len));

	/* OpenSSL reads the kernel's ciphertext: GCM with a 16-byte nonce. */
	klen = -1;
	{
		uint8_t *der;
		const uint8_t *p;
		long dlen = vec_key_priv_der(self->root, "dave", &der);
		EVP_PKEY *k;
		EVP_PKEY_CTX *ctx;
		size_t kl = sizeof(key);

		p = der;
		k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, dlen);
		ctx = EVP_PKEY_CTX_new(k, NULL);
		EVP_PKEY_decrypt_init(ctx);
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
		if (EVP_PKEY_decrypt(ctx, key, &kl, ct + 2, 512) == 1)
			klen = kl;
		EVP_PKEY_CTX_free(ctx);
		EVP_PKEY_free(k);
		free(der);
	}
	ASSERT_EQ(32, klen);
	memcpy(tag, ct + 2 + 512 + 16, 16);
	ossl = malloc(len);
	cx = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, 16, NULL);
	EVP_DecryptInit_ex(cx, NULL, NULL, key, ct + 2 + 512);
	ASSERT_EQ(1, EVP_DecryptUpdate(cx, ossl, &outl, ct + 2 + 512 + 32, len));
	EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, 16, tag);
	EXPECT_EQ(1, EVP_DecryptFinal_ex(cx, ossl + outl, &outl));
	EXPECT_EQ(0, memcmp(ossl, pt, len));
	EVP_CIPHER_CTX_free(cx);
	free(ossl);
	free(pt);
	free(ct);
	free(back);
	free(pub);
}

/* hybrid-encrypt to alice from @in to @out; the extack in r->extack. */
static int encrypt_fds(struct pmhs_nl *nl, const uint8_t *pub, long plen, int in, int out,
		       struct pt_reply *r)
{
	return po_api(nl, pmhs_hybrid_encrypt(pmhs_nl_handle(nl), pub, plen, -1, in, out, NULL),
		      r);
}

/*
 * Only sealed memfds: a read or write on anything else (a file on disk or
 * on FUSE, a pipe, a socket) could block inside the genetlink handler.
 */
TEST_F(c, hybrid_bad_fds)
{
	size_t outlen;
	uint8_t *out, *pub, zero[4096] = { 0 }, got[4096];
	long plen = vec_key_pub_der(self->root, "alice", &pub);
	int wo = open("/dev/null", O_WRONLY), pfd[2], sfd[2], disk, ofd, ifd, raw;

	ofd = pt_memfd_out(1 << 20);
	ifd = pt_memfd_in("hello", 5);
	ASSERT_LE(0, ofd);
	ASSERT_LE(0, ifd);
	EXPECT_EQ(-EBADF, encrypt_fds(self->nl, pub, plen, 999, ofd, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "in-fd"));
	EXPECT_EQ(-EBADF, encrypt_fds(self->nl, pub, plen, wo, ofd, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "reading"));
	/* A pipe, a socket, a file on disk (9p here): refused. */
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, pfd[0], ofd, &self->r));
	EXPECT_STREQ("in-fd must be a memfd (MFD_ALLOW_SEALING), not a file, pipe or socket",
		     self->r.extack);
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, ifd, pfd[1], &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "out-fd must be a memfd"));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sfd));
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, sfd[0], ofd, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "in-fd must be a memfd"));
	disk = open("/proc/self/exe", O_RDONLY);
	ASSERT_LE(0, disk);
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, disk, ofd, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "in-fd must be a memfd"));
	/* A memfd whose contents could change under the tag: refused. */
	raw = memfd_create("raw", MFD_ALLOW_SEALING);
	ASSERT_EQ(5, write(raw, "hello", 5));
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, raw, ofd, &self->r));
	EXPECT_STREQ("in-fd must be sealed with F_SEAL_WRITE, F_SEAL_SHRINK and F_SEAL_GROW",
		     self->r.extack);
	/* An out-fd that can change size, or is too small, or write-sealed. */
	EXPECT_EQ(-EINVAL, encrypt_fds(self->nl, pub, plen, ifd, raw, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "out-fd must be sealed with F_SEAL_SHRINK"));
	close(ofd);
	ofd = pt_memfd_out(2 + 256 + 32 + 4);
	EXPECT_EQ(-ENOSPC, encrypt_fds(self->nl, pub, plen, ifd, ofd, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "out-fd is smaller than the output"));
	EXPECT_EQ(2 + 256 + 32 + 4, pread(ofd, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(zero, got, 2 + 256 + 32 + 4));
	ASSERT_EQ(0, fcntl(raw, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW));
	EXPECT_EQ(-EPERM, encrypt_fds(self->nl, pub, plen, ifd, raw, &self->r));
	EXPECT_STREQ("out-fd is sealed against writing", self->r.extack);
	/* The right size works (alice is RSA-2048). */
	close(ofd);
	ofd = pt_memfd_out(2 + 256 + 32 + 5);
	EXPECT_EQ(0, encrypt_fds(self->nl, pub, plen, ifd, ofd, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	/* Unknown identity. */
	EXPECT_EQ(-ENOENT, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, "nobody", NULL, 0,
				  (const uint8_t *)"x", 1, &out, &outlen, &self->r));
	free(out);
	close(pfd[0]);
	close(pfd[1]);
	close(sfd[0]);
	close(sfd[1]);
	close(disk);
	close(raw);
	close(ifd);
	close(ofd);
	close(wo);
	free(pub);
}

/*
 * out-fd is refused before anything is decrypted if it is not writable or
 * too small; nothing of the plaintext reaches it then.
 */
TEST_F(c, hybrid_decrypt_out_fd_errors)
{
	size_t len = 1 << 20, clen, ptlen;
	uint8_t *pt = calloc(1, len), *ct, *pub, *back;
	long plen = vec_key_pub_der(self->root, "alice", &pub);
	int ifd, ofd, ro;
	char path[64];

	for (size_t i = 0; i < len; i++)
		pt[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_ENCRYPT, NULL, pub, plen,
			    pt, len, &ct, &clen, &self->r));
	ifd = pt_memfd_in(ct, clen);
	ASSERT_LE(0, ifd);
	ofd = pt_memfd_out(len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ofd);
	ro = open(path, O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EBADF, po_api(self->nl, pmhs_hybrid_decrypt(pmhs_nl_handle(self->nl), "alice",
							       -1, ifd, ro, NULL), &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "out-fd is not open for writing"));
	close(ro);
	close(ofd);

	ofd = pt_memfd_out(len - 1);
	EXPECT_EQ(-ENOSPC, po_api(self->nl, pmhs_hybrid_decrypt(pmhs_nl_handle(self->nl), "alice",
								-1, ifd, ofd, NULL), &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "out-fd is smaller than the output"));
	back = malloc(len);
	EXPECT_EQ((ssize_t)len - 1, pread(ofd, back, len, 0));
	ptlen = 0;
	for (size_t i = 0; i < len - 1; i++)
		ptlen += !!back[i];
	EXPECT_EQ(0, ptlen);
	close(ofd);
	free(back);
	close(ifd);
	free(ct);
	free(pt);
	free(pub);
}

/* The largest input both ways, and one byte more refused. */
TEST_F(c, hybrid_64mib)
{
	size_t len = PMHS_HYBRID_MAX, clen, plen2;
	uint8_t *pt = malloc(len + 1), *ct, *back, *pub;
	long plen = vec_key_pub_der(self->root, "dave", &pub);
	int ifd, ofd;

	ASSERT_NE(NULL, pt);
	for (size_t i = 0; i <= len; i++)
		pt[i] = (uint8_t)(i * 131 + (i >> 20));
	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_ENCRYPT, NULL, pub, plen,
			    pt, len, &ct, &clen, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(2 + 512 + 32 + len, clen);
	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, "dave", NULL, 0,
			    ct, clen, &back, &plen2, &self->r)) {
		TH_LOG("%s", self->r.extack);
	}
	ASSERT_EQ(len, plen2);
	EXPECT_EQ(0, memcmp(pt, back, len));
	free(back);
	free(ct);
	ifd = pt_memfd_in(pt, len + 1);
	ofd = pt_memfd_out(len + 1 + 2 + 512 + 32);
	ASSERT_LE(0, ifd);
	ASSERT_LE(0, ofd);
	EXPECT_EQ(-EFBIG, encrypt_fds(self->nl, pub, plen, ifd, ofd, &self->r));
	EXPECT_STREQ("input larger than 64 MiB (and a header, to decrypt)", self->r.extack);
	close(ifd);
	close(ofd);
	free(pt);
	free(pub);
}

/*
 * A wrong AES key (bad OAEP block) and a bad GCM tag fail alike: one
 * message, so that the extack is no padding oracle.
 */
TEST_F(c, hybrid_one_failure_message)
{
	size_t clen, outlen;
	uint8_t pt[100] = { 1, 2, 3 }, *ct, *out, *pub;
	long plen = vec_key_pub_der(self->root, "alice", &pub);
	char oaep[256], tag[256];

	ASSERT_EQ(0, hybrid(self->nl, PMHS_CMD_HYBRID_ENCRYPT, NULL, pub, plen,
			    pt, sizeof(pt), &ct, &clen, &self->r));
	ct[2 + 100] ^= 1;	/* in the RSA block */
	EXPECT_EQ(-EBADMSG, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, "alice", NULL, 0,
				   ct, clen, &out, &outlen, &self->r));
	EXPECT_EQ(0, outlen);
	free(out);
	snprintf(oaep, sizeof(oaep), "%s", self->r.extack);
	ct[2 + 100] ^= 1;
	ct[2 + 256 + 16] ^= 1;	/* in the tag */
	EXPECT_EQ(-EBADMSG, hybrid(self->nl, PMHS_CMD_HYBRID_DECRYPT, "alice", NULL, 0,
				   ct, clen, &out, &outlen, &self->r));
	EXPECT_EQ(0, outlen);
	free(out);
	snprintf(tag, sizeof(tag), "%s", self->r.extack);
	EXPECT_NE(0, oaep[0]);
	EXPECT_STREQ(oaep, tag);
	free(ct);
	free(pub);
}

static int write_param(const char *name, const char *val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/pmhs/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

static int new_identity(struct pmhs_nl *nl, const char *name, const uint8_t *der,
			long dlen, struct pt_reply *r)
{
	return po_api(nl, pmhs_identity_import_der(pmhs_nl_handle(nl), name, der, dlen, NULL),
		      r);
}

/*
 * Limits per user, not per namespace: an unprivileged user with
 * CAP_NET_ADMIN in user and network namespaces of its own gets -EDQUOT
 * once it holds max_user_identities identities or max_user_sessions
 * sessions, in all its namespaces together.
 */
TEST_F(c, per_user_limits)
{
	uint8_t *der;
	long dlen = vec_key_priv_der(self->root, "alice", &der);
	pid_t pid;
	int st;

	ASSERT_LT(0, dlen);
	ASSERT_EQ(0, write_param("max_user_identities", "2"));
	ASSERT_EQ(0, write_param("max_user_sessions", "2"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct po_session ps = { .mode = PMHS_MODE_PASSWORD, .password = "a password",
					 .oaep = -1 };
		struct pmhs_nl *nl, *nl2;
		struct pt_reply r;
		uint32_t id;

		if (pt_drop_privs() || unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(10);
		nl = pt_open();
		if (!nl)
			_exit(11);
		if (new_identity(nl, "q0", der, dlen, &r) || new_identity(nl, "q1", der, dlen, &r))
			_exit(12);
		if (new_identity(nl, "q2", der, dlen, &r) != -EDQUOT ||
		    !strstr(r.extack, "too many identities for this user"))
			_exit(13);
		if (po_session_new(nl, &ps, &id, &r) || po_session_new(nl, &ps, &id, &r))
			_exit(14);
		if (po_session_new(nl, &ps, &id, &r) != -EDQUOT ||
		    !strstr(r.extack, "too many sessions for this user"))
			_exit(15);
		/*
		 * A fresh network namespace does not reset the count (the
		 * first socket stays open: its sessions die with it).
		 */
		if (unshare(CLONE_NEWNET))
			_exit(16);
		nl2 = pt_open();
		if (!nl2)
			_exit(17);
		if (new_identity(nl2, "q3", der, dlen, &r) != -EDQUOT)
			_exit(18);
		if (po_session_new(nl2, &ps, &id, &r) != -EDQUOT)
			_exit(19);
		/* Closing a socket gives its sessions' share back. */
		pmhs_nl_close(nl);
		for (int i = 0; po_session_new(nl2, &ps, &id, &r); i++) {
			if (i == 20)
				_exit(20);
			usleep(100 * 1000);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, write_param("max_user_identities", "64"));
	EXPECT_EQ(0, write_param("max_user_sessions", "1024"));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	free(der);
}

TEST_F(c, unprivileged_cannot_use_private_keys)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pmhs_identity id = { .size = sizeof(id) };
		struct pmhs_session_params sp;
		struct pmhs_step st;
		uint8_t sig[512], msg[PMHS_MESSAGE_MAX];
		struct pmhs *h;
		size_t len;

		if (pt_drop_privs())
			_exit(10);
		if (pmhs_open(&h))
			_exit(15);
		if (pmhs_rsa_sign(h, "alice", "x", 1, sig, sizeof(sig), &len) != -EPERM)
			_exit(11);
		if (pmhs_identity_delete(h, "alice") != -EPERM)
			_exit(12);
		PMHS_INIT(sp);
		sp.mode = PMHS_MODE_PASSWORD;
		sp.password = "abcd";
		sp.password_len = 4;
		sp.oaep_hash = -1;
		PMHS_INIT(st);
		st.msg = msg;
		st.msg_max = sizeof(msg);
		if (pmhs_session_new(h, &sp, &st) != -EPERM)
			_exit(13);
		/* Public-key operations and reads are fine. */
		if (pmhs_identity_get(h, "alice", &id))
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

PMHS_TEST_HARNESS_MAIN
