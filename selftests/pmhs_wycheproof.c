// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance: Wycheproof vectors (selftests/vectors/wycheproof/,
 * Apache-2.0) and RFC 7914 section 11, every applicable case through the
 * real module over netlink.
 *
 *   rsa_oaep_*        identity-new with the group's key (PKCS#8 -> PKCS#1
 *                     DER by OpenSSL here), rsa-decrypt of every ct: a
 *                     valid case must give exactly msg, an invalid one the
 *                     single error EBADMSG. Cases with a non-empty label
 *                     are not applicable: pmhs (like poorman_handshake)
 *                     always uses the empty label.
 *   rsa_pss_*         rsa-verify with the group's publicKeyDer (SPKI).
 *                     Only groups with SHA-256, MGF1-SHA-256 and sLen 32 are
 *                     applicable: that is the one PSS pmhs speaks. Invalid
 *                     signatures must give EKEYREJECTED; those whose length
 *                     the netlink policy refuses (empty, or longer than 512
 *                     bytes) never reach the verifier and must give the
 *                     policy's EINVAL/ERANGE.
 *   aes_gcm           aead op, both directions for valid cases (ct and tag
 *                     must match, the plaintext must come back), decrypt for
 *                     invalid ones (EBADMSG; an empty IV is refused up front
 *                     with EINVAL/ERANGE, GCM being undefined for it). The
 *                     cases pmhs itself produces - 256-bit key, 128-bit IV,
 *                     no AAD, 128-bit tag - also go through hybrid-decrypt:
 *                     the test builds u16be(k) || RSA-OAEP-SHA1(key) || iv ||
 *                     tag || ct for an identity and expects msg (or EBADMSG).
 *   pbkdf2_hmacsha256 kdf op, alg pbkdf2-sha256; dk must match.
 *   hmac_sha256       kdf op, alg hmac-sha256; the first tagSize/8 bytes of
 *                     the MAC are compared (truncated tags). A valid case must
 *                     match, an invalid one must not.
 *   hkdf_sha256       kdf op, alg hkdf-sha256 (extract then expand); okm must
 *                     match; an invalid case (size > 255 * 32) must be refused.
 *   RFC 7914 s11      the two PBKDF2-HMAC-SHA256 vectors, through the kdf op.
 *
 * Why ops, not build-time self-test tables: the module already runs small
 * KAT tables at load (kdf_kat.h, gcm_kat.h), but a few hundred Wycheproof
 * cases compiled into the module would bloat it and could only say pass or
 * fail in dmesg. The kdf and aead ops (attribute-set kat) are pure functions
 * of their inputs, involve no kernel secret, and let this test drive the
 * very functions the handshakes call - pmhs_pbkdf2_sha256(),
 * pmhs_hmac_sha256(), pmhs_hkdf_sha256_extract/expand(), pmhs_gcm_*() -
 * with each vector and report per case. They need CAP_NET_ADMIN because
 * PBKDF2 costs kernel CPU; iterations are bounded by iterations-max and so
 * is iterations * output blocks.
 *
 * "acceptable" cases would be run and the module's answer printed either
 * way ("# acceptable tcId N: accepted/rejected"), counted as passed; the
 * files shipped here have none.
 *
 * Each file is one test; it prints
 *   # wycheproof <file>: cases N, applicable A, passed P, failed F
 * plus a line per exclusion reason, and fails if F > 0 (or nothing ran).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "kselftest_harness.h"
#include "pmhs_harness.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "raw.h"
#include "pmhs_vec.h"

#define WP "wycheproof/"
#define MAX_FAIL_LOGS 20

struct tally {
	const char *file;
	struct timespec t0;
	int cases, applicable, passed, failed;
	int nexcl;
	struct {
		char why[200];
		int n;
	} excl[8];
};

static void tally_exclude(struct tally *t, int n, const char *fmt, ...)
{
	char why[200];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (i = 0; i < t->nexcl; i++) {
		if (!strcmp(t->excl[i].why, why)) {
			t->excl[i].n += n;
			return;
		}
	}
	if (t->nexcl < 8) {
		snprintf(t->excl[t->nexcl].why, sizeof(t->excl[0].why), "%s", why);
		t->excl[t->nexcl++].n = n;
	}
}

/* Count one applicable case; log the first failures. */
static void tally_case(struct tally *t, bool ok, int tcid, const char *fmt, ...)
{
	va_list ap;

	t->applicable++;
	if (ok) {
		t->passed++;
		return;
	}
	if (t->failed++ < MAX_FAIL_LOGS) {
		printf("# %s tcId %d FAILED: ", t->file, tcid);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		fflush(stdout);
	}
}

static struct tally tally_new(const char *file)
{
	struct tally t = { .file = file };

	clock_gettime(CLOCK_MONOTONIC, &t.t0);
	return t;
}

static double tally_seconds(const struct tally *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - t->t0.tv_sec + (now.tv_nsec - t->t0.tv_nsec) / 1e9;
}

static void tally_report(const struct tally *t)
{
	printf("# wycheproof %s: cases %d, applicable %d, passed %d, failed %d\n",
	       t->file, t->cases, t->applicable, t->passed, t->failed);
	for (int i = 0; i < t->nexcl; i++)
		printf("#   excluded %d: %s\n", t->excl[i].n, t->excl[i].why);
	printf("#   %.1f s\n", tally_seconds(t));
	fflush(stdout);
}

/* The harness ends each test with _exit(): flush as we go. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void acceptable(const struct tally *t, int tcid, bool accepted)
{
	printf("# %s acceptable tcId %d: module %s\n", t->file, tcid,
	       accepted ? "accepted" : "rejected");
	fflush(stdout);
}

/* Hex field of a vector; NULL/-1 if missing. */
static long hexf(struct json_object *o, const char *key, uint8_t **out)
{
	const char *s = vec_str(o, key);

	*out = NULL;
	return s ? vec_unhex(s, out) : -1;
}

static int jint(struct json_object *o, const char *key)
{
	struct json_object *v = vec_get(o, key);

	return v ? json_object_get_int(v) : -1;
}

static const char *result_of(struct json_object *tc)
{
	const char *r = vec_str(tc, "result");

	return r ? r : "?";
}

static struct json_object *load(const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), WP "%s", file);
	return vec_load(path);
}

/* The private key of a Wycheproof group as an EVP_PKEY (from PKCS#8 DER). */
static EVP_PKEY *group_priv(struct json_object *g)
{
	const uint8_t *p;
	EVP_PKEY *k;
	uint8_t *der;
	long n = hexf(g, "privateKeyPkcs8", &der);

	if (n <= 0)
		return NULL;
	p = der;
	k = d2i_AutoPrivateKey(NULL, &p, n);
	free(der);
	return k;
}

/* identity-new @name with @k as PKCS#1 RSAPrivateKey DER. */
static int import_identity(struct pmhs_nl *nl, const char *name, EVP_PKEY *k,
			   struct pt_reply *r)
{
	unsigned char *der = NULL;
	int n = i2d_PrivateKey(k, &der), ret;

	if (n <= 0)
		return -EINVAL;
	ret = pmhs_identity_import_der(pmhs_nl_handle(nl), name, der, n, NULL);
	OPENSSL_clear_free(der, n);
	return po_api(nl, ret, r);
}

struct kdf_req {
	uint32_t alg;
	const uint8_t *key, *salt, *info, *in;
	long klen, slen, ilen, inlen;	/* < 0: attribute left out */
	uint32_t iterations, length;	/* 0: left out */
};

/* The last kdf()/aead() output, and aead()'s tag. */
static struct {
	uint8_t out[65536];
	size_t len;
	uint8_t tag[16];
} kat;

/* A buffer of @len bytes, or NULL (left out) if @len < 0. */
static const void *opt(const void *p, long len)
{
	return len < 0 ? NULL : p ? p : "";
}

static size_t opt_len(long len)
{
	return len < 0 ? 0 : (size_t)len;
}

/* pmhs_kdf(); the output in kat, err and extack in @r. */
static int kdf(struct pmhs_nl *nl, const struct kdf_req *q, struct pt_reply *r)
{
	struct pmhs_kdf_params p;

	PMHS_INIT(p);
	p.alg = q->alg;
	p.iterations = q->iterations;
	p.length = q->length;
	p.key = opt(q->key, q->klen);
	p.key_len = opt_len(q->klen);
	p.salt = opt(q->salt, q->slen);
	p.salt_len = opt_len(q->slen);
	p.info = opt(q->info, q->ilen);
	p.info_len = opt_len(q->ilen);
	p.input = opt(q->in, q->inlen);
	p.input_len = opt_len(q->inlen);
	kat.len = 0;
	return po_api(nl, pmhs_kdf(pmhs_nl_handle(nl), &p, kat.out, sizeof(kat.out), &kat.len),
		      r);
}

/* pmhs_aead(); output and (encrypt) tag in kat, err and extack in @r. */
static int aead(struct pmhs_nl *nl, uint32_t dir, const uint8_t *key, long klen,
		const uint8_t *iv, long ivlen, const uint8_t *aad, long aadlen,
		const uint8_t *in, long inlen, const uint8_t *tag, struct pt_reply *r)
{
	struct pmhs_aead_params p;

	PMHS_INIT(p);
	p.direction = dir;
	p.key = opt(key, klen);
	p.key_len = opt_len(klen);
	p.iv = opt(iv, ivlen);
	p.iv_len = opt_len(ivlen);
	p.aad = aadlen > 0 ? aad : NULL;
	p.aad_len = aadlen > 0 ? aadlen : 0;
	p.input = opt(in, inlen);
	p.input_len = opt_len(inlen);
	p.tag = tag;
	p.tag_len = tag ? 16 : 0;
	kat.len = 0;
	memset(kat.tag, 0, sizeof(kat.tag));
	return po_api(nl, pmhs_aead(pmhs_nl_handle(nl), &p, kat.out, sizeof(kat.out), &kat.len,
				    kat.tag), r);
}

/* Was the last kdf()/aead() output exactly @len bytes equal to @want? */
static bool kat_is(const uint8_t *want, long len)
{
	return (long)kat.len == len && !memcmp(kat.out, want, len);
}

/* Does the reply's @attr hold exactly @len bytes equal to @want? */
static bool reply_is(const struct pt_reply *r, int attr, const uint8_t *want, long len)
{
	return r->tb[attr] && nla_len(r->tb[attr]) == len &&
	       !memcmp(nla_data(r->tb[attr]), want, len);
}

FIXTURE(w) {
	struct pmhs_nl *nl;
	struct pt_reply r;
};

FIXTURE_SETUP(w)
{
	self->nl = pt_open();
	ASSERT_NE(NULL, self->nl);
}

FIXTURE_TEARDOWN(w)
{
	po_identity_del(self->nl, "wp-oaep");
	po_identity_del(self->nl, "wp-hybrid");
	pmhs_nl_close(self->nl);
}

/* RSA-OAEP decryption */

static void run_oaep(struct __test_metadata *_metadata, struct pmhs_nl *nl,
		     struct pt_reply *r, const char *file)
{
	struct json_object *root = load(file), *groups;
	struct tally t = tally_new(file);

	ASSERT_NE(NULL, root);
	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		const char *sha = vec_str(g, "sha"), *mgf = vec_str(g, "mgf");
		const char *mgfsha = vec_str(g, "mgfSha");
		size_t n = json_object_array_length(tests);
		uint32_t hash;
		EVP_PKEY *k;

		t.cases += n;
		if (!sha || !mgf || !mgfsha || strcmp(mgf, "MGF1") || strcmp(sha, mgfsha) ||
		    (strcmp(sha, "SHA-1") && strcmp(sha, "SHA-256"))) {
			tally_exclude(&t, n, "group %s/%s(%s): pmhs does OAEP with SHA-1 or SHA-256 and MGF1 of the same hash only",
				      sha, mgf, mgfsha);
			continue;
		}
		hash = strcmp(sha, "SHA-1") ? PMHS_OAEP_HASH_SHA256 : PMHS_OAEP_HASH_SHA1;
		k = group_priv(g);
		ASSERT_NE(NULL, k);
		po_identity_del(nl, "wp-oaep");
		ASSERT_EQ(0, import_identity(nl, "wp-oaep", k, r)) {
			TH_LOG("identity-new: %s", r->extack);
		}
		EVP_PKEY_free(k);

		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc), *label = vec_str(tc, "label");
			int tcid = jint(tc, "tcId");
			struct nl_msg *m;
			uint8_t *ct, *msg, out[512];
			long clen, mlen;
			size_t olen = 0;
			bool got;
			int ret;

			if (label && *label) {
				tally_exclude(&t, 1, "non-empty OAEP label: pmhs uses the empty label");
				continue;
			}
			clen = hexf(tc, "ct", &ct);
			mlen = hexf(tc, "msg", &msg);
			if (mlen) {
				ret = po_api(nl, pmhs_rsa_decrypt(pmhs_nl_handle(nl), "wp-oaep", hash,
								  ct, clen, out, sizeof(out),
								  &olen), r);
				got = !ret && olen == (size_t)mlen && !memcmp(out, msg, mlen);
			} else {
				/*
				 * Raw: pmhs_rsa_decrypt() reports an empty
				 * plaintext as -EBADMSG, like a refusal.
				 */
				m = raw_new(nl, PMHS_CMD_RSA_DECRYPT, 0);
				raw_str(m, PMHS_A_RSA_IDENTITY, "wp-oaep");
				raw_bin(m, PMHS_A_RSA_DATA, clen, ct);
				raw_u32(m, PMHS_A_RSA_OAEP_HASH, hash);
				ret = pt_call(nl, m, PMHS_A_RSA_MAX, r);
				got = !ret && reply_is(r, PMHS_A_RSA_DATA, msg, mlen);
			}
			if (!strcmp(res, "valid"))
				tally_case(&t, got,
					   tcid, "valid: got %d (%s)", ret, r->extack);
			else if (!strcmp(res, "invalid"))
				tally_case(&t, ret == -EBADMSG, tcid,
					   "invalid: got %d, want -EBADMSG (%s)", ret, r->extack);
			else {
				acceptable(&t, tcid, !ret);
				tally_case(&t, true, tcid, "");
			}
			free(ct);
			free(msg);
		}
	}
	json_object_put(root);
	tally_report(&t);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

TEST_F(w, rsa_oaep_2048_sha1_mgf1sha1)
{
	run_oaep(_metadata, self->nl, &self->r, "rsa_oaep_2048_sha1_mgf1sha1_test.json");
}

TEST_F(w, rsa_oaep_2048_sha256_mgf1sha256)
{
	run_oaep(_metadata, self->nl, &self->r, "rsa_oaep_2048_sha256_mgf1sha256_test.json");
}

/* RSA-PSS verification */

static void run_pss(struct __test_metadata *_metadata, struct pmhs_nl *nl,
		    struct pt_reply *r, const char *file)
{
	struct json_object *root = load(file), *groups;
	struct tally t = tally_new(file);

	ASSERT_NE(NULL, root);
	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		const char *sha = vec_str(g, "sha"), *mgf = vec_str(g, "mgf");
		const char *mgfsha = vec_str(g, "mgfSha");
		size_t n = json_object_array_length(tests);
		int slen = jint(g, "sLen");
		uint8_t *spki;
		long spkilen;

		t.cases += n;
		if (!sha || !mgf || !mgfsha || strcmp(sha, "SHA-256") || strcmp(mgf, "MGF1") ||
		    strcmp(mgfsha, "SHA-256") || slen != 32) {
			tally_exclude(&t, n, "group %s/%s(%s)/sLen %d: pmhs verifies PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt only",
				      sha, mgf, mgfsha, slen);
			continue;
		}
		spkilen = hexf(g, "publicKeyDer", &spki);
		ASSERT_LT(0, spkilen);

		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc);
			int tcid = jint(tc, "tcId");
			struct nl_msg *m;
			uint8_t *msg, *sig;
			long mlen = hexf(tc, "msg", &msg), siglen = hexf(tc, "sig", &sig);
			bool policy = siglen < 1 || siglen > 512;
			int ret;

			if (policy) {
				/* Malformed: a signature length out of the policy's range. */
				m = raw_new(nl, PMHS_CMD_RSA_VERIFY, 0);
				raw_bin(m, PMHS_A_RSA_PUBKEY, spkilen, spki);
				raw_bin(m, PMHS_A_RSA_DATA, mlen, msg);
				raw_bin(m, PMHS_A_RSA_SIGNATURE, siglen, sig);
				ret = pt_call(nl, m, PMHS_A_RSA_MAX, r);
			} else {
				ret = po_api(nl, pmhs_rsa_verify(pmhs_nl_handle(nl), spki, spkilen,
								 msg, mlen, sig, siglen), r);
			}
			if (!strcmp(res, "valid"))
				tally_case(&t, !ret, tcid, "valid: got %d (%s)", ret, r->extack);
			else if (!strcmp(res, "invalid"))
				tally_case(&t, policy ? (ret == -EINVAL || ret == -ERANGE) && r->extack[0]
						      : ret == -EKEYREJECTED,
					   tcid, "invalid (sig %ld bytes): got %d (%s)", siglen, ret,
					   r->extack);
			else {
				acceptable(&t, tcid, !ret);
				tally_case(&t, true, tcid, "");
			}
			free(msg);
			free(sig);
		}
		free(spki);
	}
	json_object_put(root);
	tally_report(&t);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

TEST_F(w, rsa_pss_2048_sha256_mgf1_32)
{
	run_pss(_metadata, self->nl, &self->r, "rsa_pss_2048_sha256_mgf1_32_test.json");
}

TEST_F(w, rsa_pss_3072_sha256_mgf1_32)
{
	run_pss(_metadata, self->nl, &self->r, "rsa_pss_3072_sha256_mgf1_32_test.json");
}

TEST_F(w, rsa_pss_4096_sha256_mgf1_32)
{
	run_pss(_metadata, self->nl, &self->r, "rsa_pss_4096_sha256_mgf1_32_test.json");
}

/* AES-GCM: the aead op, and the hybrid path for pmhs's own parameters */

/* hybrid-decrypt @in with identity @ident; the plaintext in *out. */
static int hybrid_decrypt(struct pmhs_nl *nl, const char *ident, const uint8_t *in,
			  size_t inlen, uint8_t **out, size_t *outlen, struct pt_reply *r)
{
	int ifd = pt_memfd_in(in, inlen), ofd = pt_memfd_out(inlen), ret;
	uint64_t size = 0;

	*out = NULL;
	*outlen = 0;
	if (ifd < 0 || ofd < 0) {
		ret = -EIO;
		goto out;
	}
	ret = po_api(nl, pmhs_hybrid_decrypt(pmhs_nl_handle(nl), ident, -1, ifd, ofd, &size),
		     r);
	*out = malloc(size + 1);
	if (size > inlen || pread(ofd, *out, size, 0) != (ssize_t)size)
		ret = ret ? ret : -EIO;
	*outlen = size;
out:
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0)
		close(ofd);
	return ret;
}

/*
 * u16be(k) || RSA-OAEP-SHA1(pub, key) || iv || tag || ct, the format of
 * poorman_handshake's hybrid messages; malloc'd, length in *len.
 */
static uint8_t *hybrid_message(EVP_PKEY *k, const uint8_t *key, const uint8_t *iv,
			       const uint8_t *tag, const uint8_t *ct, size_t ctlen,
			       size_t *len)
{
	size_t rsa = EVP_PKEY_get_size(k), klen = rsa;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
	uint8_t *buf = malloc(2 + rsa + 32 + ctlen + 1);

	if (!ctx || !buf || EVP_PKEY_encrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) != 1 ||
	    EVP_PKEY_encrypt(ctx, buf + 2, &klen, key, 32) != 1 || klen != rsa) {
		EVP_PKEY_CTX_free(ctx);
		free(buf);
		return NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	buf[0] = rsa >> 8;
	buf[1] = rsa & 0xff;
	memcpy(buf + 2 + rsa, iv, 16);
	memcpy(buf + 2 + rsa + 16, tag, 16);
	memcpy(buf + 2 + rsa + 32, ct, ctlen);
	*len = 2 + rsa + 32 + ctlen;
	return buf;
}

TEST_F(w, aes_gcm)
{
	static const char file[] = "aes_gcm_test.json";
	struct json_object *root = load(file), *groups, *oaep;
	struct tally t = tally_new(file);
	int hybrid_cases = 0;
	EVP_PKEY *hk;

	ASSERT_NE(NULL, root);
	/* An identity for the hybrid path: the OAEP vectors' 2048-bit key. */
	oaep = load("rsa_oaep_2048_sha1_mgf1sha1_test.json");
	ASSERT_NE(NULL, oaep);
	hk = group_priv(vec_get(oaep, "testGroups.0"));
	ASSERT_NE(NULL, hk);
	json_object_put(oaep);
	po_identity_del(self->nl, "wp-hybrid");
	ASSERT_EQ(0, import_identity(self->nl, "wp-hybrid", hk, &self->r));

	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		size_t n = json_object_array_length(tests);
		int keybits = jint(g, "keySize"), ivbits = jint(g, "ivSize");
		int tagbits = jint(g, "tagSize");

		t.cases += n;
		if (tagbits != 128 || (keybits != 128 && keybits != 192 && keybits != 256) ||
		    ivbits % 8) {
			tally_exclude(&t, n, "group key %d/IV %d/tag %d bits: pmhs does AES-GCM with full 128-bit tags and whole-byte IVs",
				      keybits, ivbits, tagbits);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc);
			int tcid = jint(tc, "tcId");
			uint8_t *key, *iv, *aad, *msg, *ct, *tag;
			long klen = hexf(tc, "key", &key), ivlen = hexf(tc, "iv", &iv);
			long aadlen = hexf(tc, "aad", &aad), mlen = hexf(tc, "msg", &msg);
			long clen = hexf(tc, "ct", &ct), tlen = hexf(tc, "tag", &tag);
			bool valid = !strcmp(res, "valid"), ok = true;
			char why[300] = "";
			int ret;

			ASSERT_EQ(16, tlen);
			if (valid) {
				ret = aead(self->nl, PMHS_AEAD_DIRECTION_ENCRYPT, key, klen, iv, ivlen,
					   aad, aadlen, msg, mlen, NULL, &self->r);
				if (ret || !kat_is(ct, clen) || memcmp(kat.tag, tag, 16)) {
					ok = false;
					snprintf(why, sizeof(why), "encrypt: %d (%s)", ret,
						 self->r.extack);
				}
			}
			ret = aead(self->nl, PMHS_AEAD_DIRECTION_DECRYPT, key, klen, iv, ivlen,
				   aad, aadlen, ct, clen, tag, &self->r);
			if (valid && (ret || !kat_is(msg, mlen))) {
				ok = false;
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 " decrypt: %d (%s)", ret, self->r.extack);
			} else if (!valid && !(ivlen ? ret == -EBADMSG :
					       (ret == -EINVAL || ret == -ERANGE))) {
				ok = false;
				snprintf(why, sizeof(why), "invalid (IV %ld bytes): decrypt gave %d (%s)",
					 ivlen, ret, self->r.extack);
			}

			/* pmhs's own parameters: through the hybrid path as well. */
			if (keybits == 256 && ivbits == 128 && !aadlen) {
				uint8_t *hm, *out;
				size_t hlen, olen;

				hybrid_cases++;
				hm = hybrid_message(hk, key, iv, tag, ct, clen, &hlen);
				ASSERT_NE(NULL, hm);
				ret = hybrid_decrypt(self->nl, "wp-hybrid", hm, hlen, &out, &olen,
						     &self->r);
				if (valid ? ret || olen != (size_t)mlen || memcmp(out, msg, mlen)
					  : ret != -EBADMSG || olen) {
					ok = false;
					snprintf(why + strlen(why), sizeof(why) - strlen(why),
						 " hybrid-decrypt: %d (%s)", ret, self->r.extack);
				}
				free(out);
				free(hm);
			}
			if (strcmp(res, "valid") && strcmp(res, "invalid")) {
				acceptable(&t, tcid, ok);
				ok = true;
			}
			tally_case(&t, ok, tcid, "%s:%s", res, why);
			free(key);
			free(iv);
			free(aad);
			free(msg);
			free(ct);
			free(tag);
		}
	}
	EVP_PKEY_free(hk);
	json_object_put(root);
	tally_report(&t);
	say("#   %d of them (256-bit key, 128-bit IV, no AAD) also through hybrid-decrypt\n",
	    hybrid_cases);
	EXPECT_LT(0, hybrid_cases);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

/* KDFs and HMAC through the kdf op */

TEST_F_TIMEOUT(w, pbkdf2_hmacsha256, 120)
{
	static const char file[] = "pbkdf2_hmacsha256_test.json";
	struct json_object *root = load(file), *groups;
	struct tally t = tally_new(file);
	long total = 0;

	ASSERT_NE(NULL, root);
	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		size_t n = json_object_array_length(tests);

		t.cases += n;
		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc);
			int tcid = jint(tc, "tcId");
			uint8_t *pw, *salt, *dk;
			long pwlen = hexf(tc, "password", &pw), slen = hexf(tc, "salt", &salt);
			long dklen = hexf(tc, "dk", &dk);
			long iter = jint(tc, "iterationCount"), len = jint(tc, "dkLen");
			long blocks = (len + 31) / 32;
			struct kdf_req q = {
				.alg = PMHS_KDF_ALG_PBKDF2_SHA256, .key = pw, .klen = pwlen,
				.salt = salt, .slen = slen, .inlen = -1, .ilen = -1,
				.iterations = iter, .length = len,
			};
			int ret;

			if (iter < 1 || iter > PMHS_ITERATIONS_MAX || len < 1 ||
			    len > PMHS_KAT_LENGTH_MAX || iter * blocks > PMHS_ITERATIONS_MAX ||
			    pwlen > PMHS_KAT_PARAM_MAX || slen > PMHS_KAT_PARAM_MAX) {
				tally_exclude(&t, 1, "beyond the kdf op's bounds (iterations * blocks <= %d, dkLen <= %d, password/salt <= %d bytes)",
					      PMHS_ITERATIONS_MAX, PMHS_KAT_LENGTH_MAX,
					      PMHS_KAT_PARAM_MAX);
				goto next;
			}
			total += iter * blocks;
			ret = kdf(self->nl, &q, &self->r);
			if (!strcmp(res, "valid"))
				tally_case(&t, !ret && kat_is(dk, dklen),
					   tcid, "valid: %d (%s)", ret, self->r.extack);
			else if (!strcmp(res, "invalid"))
				tally_case(&t, ret || !kat_is(dk, dklen),
					   tcid, "invalid case matched");
			else {
				acceptable(&t, tcid, !ret && kat_is(dk, dklen));
				tally_case(&t, true, tcid, "");
			}
next:
			free(pw);
			free(salt);
			free(dk);
		}
	}
	json_object_put(root);
	tally_report(&t);
	say("#   %ld PBKDF2 iterations in all (iterations * output blocks)\n", total);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

TEST_F(w, hmac_sha256)
{
	static const char file[] = "hmac_sha256_test.json";
	struct json_object *root = load(file), *groups;
	struct tally t = tally_new(file);

	ASSERT_NE(NULL, root);
	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		size_t n = json_object_array_length(tests);
		int tagbits = jint(g, "tagSize");

		t.cases += n;
		if (tagbits < 8 || tagbits > 256 || tagbits % 8) {
			tally_exclude(&t, n, "group tagSize %d: not a prefix of HMAC-SHA256",
				      tagbits);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc);
			int tcid = jint(tc, "tcId");
			uint8_t *key, *msg, *tag;
			long klen = hexf(tc, "key", &key), mlen = hexf(tc, "msg", &msg);
			long tlen = hexf(tc, "tag", &tag);
			struct kdf_req q = {
				.alg = PMHS_KDF_ALG_HMAC_SHA256, .key = key, .klen = klen,
				.in = msg, .inlen = mlen, .slen = -1, .ilen = -1,
			};
			bool match;
			int ret;

			if (klen > PMHS_KAT_PARAM_MAX || mlen > PMHS_DATA_MAX) {
				tally_exclude(&t, 1, "key over %d or message over %d bytes",
					      PMHS_KAT_PARAM_MAX, PMHS_DATA_MAX);
				goto next;
			}
			ret = kdf(self->nl, &q, &self->r);
			/* Truncated tags: the first tagSize/8 bytes of the MAC. */
			match = !ret && tlen == tagbits / 8 && kat.len == 32 &&
				!memcmp(kat.out, tag, tlen);
			if (!strcmp(res, "valid"))
				tally_case(&t, match, tcid, "valid: %d (%s) or MAC differs", ret,
					   self->r.extack);
			else if (!strcmp(res, "invalid"))
				tally_case(&t, !ret && !match, tcid,
					   "invalid: %d (%s) or MAC matches", ret, self->r.extack);
			else {
				acceptable(&t, tcid, match);
				tally_case(&t, true, tcid, "");
			}
next:
			free(key);
			free(msg);
			free(tag);
		}
	}
	json_object_put(root);
	tally_report(&t);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

TEST_F(w, hkdf_sha256)
{
	static const char file[] = "hkdf_sha256_test.json";
	struct json_object *root = load(file), *groups;
	struct tally t = tally_new(file);

	ASSERT_NE(NULL, root);
	groups = vec_get(root, "testGroups");
	for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
		struct json_object *g = json_object_array_get_idx(groups, gi);
		struct json_object *tests = vec_get(g, "tests");
		size_t n = json_object_array_length(tests);

		t.cases += n;
		for (size_t i = 0; i < n; i++) {
			struct json_object *tc = json_object_array_get_idx(tests, i);
			const char *res = result_of(tc);
			int tcid = jint(tc, "tcId"), size = jint(tc, "size");
			uint8_t *ikm, *salt, *info, *okm;
			long ikmlen = hexf(tc, "ikm", &ikm), slen = hexf(tc, "salt", &salt);
			long ilen = hexf(tc, "info", &info), olen = hexf(tc, "okm", &okm);
			struct kdf_req q = {
				.alg = PMHS_KDF_ALG_HKDF_SHA256, .key = ikm, .klen = ikmlen,
				.salt = salt, .slen = slen, .info = info, .ilen = ilen,
				.inlen = -1, .length = size,
			};
			int ret;

			if (ikmlen > PMHS_KAT_PARAM_MAX || slen > PMHS_KAT_PARAM_MAX ||
			    ilen > PMHS_KAT_PARAM_MAX || size < 1) {
				tally_exclude(&t, 1, "ikm, salt or info over %d bytes, or size 0",
					      PMHS_KAT_PARAM_MAX);
				goto next;
			}
			ret = kdf(self->nl, &q, &self->r);
			if (!strcmp(res, "valid"))
				tally_case(&t, !ret && kat_is(okm, olen),
					   tcid, "valid: %d (%s) or okm differs", ret,
					   self->r.extack);
			else if (!strcmp(res, "invalid"))
				/* Wycheproof's invalid HKDF cases ask for too much output. */
				tally_case(&t, ret < 0 && self->r.extack[0], tcid,
					   "invalid (size %d): %d (%s)", size, ret, self->r.extack);
			else {
				acceptable(&t, tcid, !ret);
				tally_case(&t, true, tcid, "");
			}
next:
			free(ikm);
			free(salt);
			free(info);
			free(okm);
		}
	}
	json_object_put(root);
	tally_report(&t);
	EXPECT_LT(0, t.applicable);
	EXPECT_EQ(0, t.failed);
}

/* RFC 7914 section 11: PBKDF2-HMAC-SHA256 test vectors. */
TEST_F(w, rfc7914_pbkdf2_sha256)
{
	static const struct {
		const char *p, *s;
		uint32_t c;
		const char *dk;
	} v[] = {
		{ "passwd", "salt", 1,
		  "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
		  "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783" },
		{ "Password", "NaCl", 80000,
		  "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
		  "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d" },
	};
	struct tally t = tally_new("rfc7914-s11");

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct kdf_req q = {
			.alg = PMHS_KDF_ALG_PBKDF2_SHA256,
			.key = (const uint8_t *)v[i].p, .klen = strlen(v[i].p),
			.salt = (const uint8_t *)v[i].s, .slen = strlen(v[i].s),
			.ilen = -1, .inlen = -1, .iterations = v[i].c, .length = 64,
		};
		uint8_t *dk;
		long dklen = vec_unhex(v[i].dk, &dk);
		int ret;

		t.cases++;
		ret = kdf(self->nl, &q, &self->r);
		tally_case(&t, !ret && kat_is(dk, dklen), i + 1,
			   "P=\"%s\" S=\"%s\" c=%u: %d (%s)", v[i].p, v[i].s, v[i].c, ret,
			   self->r.extack);
		free(dk);
	}
	say("# rfc7914 s11 pbkdf2-hmac-sha256: cases %d, applicable %d, passed %d, failed %d (%.1f s)\n",
	    t.cases, t.applicable, t.passed, t.failed, tally_seconds(&t));
	EXPECT_EQ(2, t.passed);
	EXPECT_EQ(0, t.failed);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A SIGKILL ends a 10M-iteration PBKDF2 (minutes in a VM) at once: the
 * loop checks fatal_signal_pending(), so a killed caller leaves promptly.
 */
TEST_F(w, pbkdf2_10m_killable)
{
	double t0, waited;
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static const uint8_t k[8];
		struct kdf_req q = {
			.alg = PMHS_KDF_ALG_PBKDF2_SHA256, .key = k, .klen = 8, .slen = -1,
			.ilen = -1, .inlen = -1, .iterations = PMHS_ITERATIONS_MAX,
			.length = 32,
		};
		struct pmhs_nl *nl = pt_open();
		struct pt_reply r;

		kdf(nl, &q, &r);
		_exit(0);
	}
	usleep(500 * 1000);
	t0 = mono_now();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	waited = mono_now() - t0;
	say("# pbkdf2 of %d iterations killed after 0.5 s: gone %.3f s later\n",
	    PMHS_ITERATIONS_MAX, waited);
	/* Killed in the kernel, not finished: then it left within a second. */
	ASSERT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	EXPECT_GT(1.0, waited);
}

/* The kat ops refuse what they cannot do, with a reason, and only for root. */
TEST_F(w, kat_ops_refuse)
{
	static const uint8_t k32[32], iv[16], tag[16];
	struct kdf_req q = {
		.alg = PMHS_KDF_ALG_PBKDF2_SHA256, .key = k32, .klen = 8, .slen = -1,
		.ilen = -1, .inlen = -1, .length = 32,
	};
	pid_t pid;
	int st;

	/* PBKDF2 without iterations. */
	EXPECT_EQ(-EINVAL, kdf(self->nl, &q, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "missing"));
	/* Work bound: iterations * output blocks. */
	q.iterations = PMHS_ITERATIONS_MAX;
	q.length = 33;
	EXPECT_EQ(-EINVAL, kdf(self->nl, &q, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "iterations"));
	/* Over the iteration and length bounds: the policy. */
	q.iterations = PMHS_ITERATIONS_MAX + 1;
	q.length = 32;
	EXPECT_GT(0, kdf(self->nl, &q, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	q.iterations = 1;
	q.length = PMHS_KAT_LENGTH_MAX + 1;
	EXPECT_GT(0, kdf(self->nl, &q, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	/* HMAC takes no iterations. */
	q.alg = PMHS_KDF_ALG_HMAC_SHA256;
	q.length = 0;
	q.in = k32;
	q.inlen = 4;
	EXPECT_EQ(-EINVAL, kdf(self->nl, &q, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "not used"));
	q.iterations = 0;
	EXPECT_EQ(0, kdf(self->nl, &q, &self->r));
	/* Unknown algorithm. */
	q.alg = 3;
	EXPECT_GT(0, kdf(self->nl, &q, &self->r));
	EXPECT_NE(0, self->r.extack[0]);

	/* AES key sizes, empty IV, tag rules. */
	EXPECT_EQ(-EINVAL, aead(self->nl, PMHS_AEAD_DIRECTION_ENCRYPT, k32, 20, iv, 16,
				NULL, 0, k32, 4, NULL, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "AES key"));
	EXPECT_GT(0, aead(self->nl, PMHS_AEAD_DIRECTION_ENCRYPT, k32, 32, iv, 0,
			  NULL, 0, k32, 4, NULL, &self->r));
	EXPECT_NE(0, self->r.extack[0]);
	EXPECT_EQ(-EINVAL, aead(self->nl, PMHS_AEAD_DIRECTION_DECRYPT, k32, 32, iv, 16,
				NULL, 0, k32, 4, NULL, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "tag"));
	EXPECT_EQ(-EINVAL, aead(self->nl, PMHS_AEAD_DIRECTION_ENCRYPT, k32, 32, iv, 16,
				NULL, 0, k32, 4, tag, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "tag"));
	EXPECT_EQ(-EBADMSG, aead(self->nl, PMHS_AEAD_DIRECTION_DECRYPT, k32, 32, iv, 16,
				 NULL, 0, k32, 4, tag, &self->r));
	EXPECT_NE(NULL, strstr(self->r.extack, "tag"));

	/* Both need CAP_NET_ADMIN. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pmhs_nl *nl;
		struct pt_reply r;

		if (pt_drop_privs())
			_exit(10);
		nl = pt_open();
		q.alg = PMHS_KDF_ALG_HMAC_SHA256;
		if (!nl || kdf(nl, &q, &r) != -EPERM)
			_exit(11);
		if (aead(nl, PMHS_AEAD_DIRECTION_ENCRYPT, k32, 32, iv, 16, NULL, 0, k32, 4,
			 NULL, &r) != -EPERM)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

PMHS_TEST_HARNESS_MAIN
