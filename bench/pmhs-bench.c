// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs against OpenSSL (libsodium for OPAQUE), in the same guest and the
 * same run: each benchmark does the same cryptographic work both ways and
 * reports the ratio pmhs / reference (lower is better; 1.0 is parity). Absolute times under
 * QEMU TCG mean little; the ratio is the figure. The two sides run in
 * alternation and each figure is a median, so that a spell of load on
 * the host lands on both or on neither.
 *
 *   pmhs-bench [--smoke] [--json FILE] [--only LIST] [--host-cpus N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <sodium.h>

#include "noise_ossl.h"
#include "opaque_sodium.h"
#include "pmhs_ops.h"
#include "pmhs_test.h"
#include "pmhs_vec.h"

static bool smoke;
static long host_cpus;	/* --host-cpus: the CPUs QEMU's vCPU threads share */
static struct json_object *root;
static int32_t bench_keyring;

struct result {
	const char *name;
	const char *unit;
	double pmhs, openssl;	/* openssl: the reference's figure */
	const char *ref;	/* the reference: NULL for OpenSSL */
};

static struct result results[24];
static int nresults;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The median of @n timings (sorts @v). A spell of host load hits a block
 * or two; the median ignores it where the mean would not.
 */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report_ref(const char *name, const char *unit, double p, double o,
		       const char *ref)
{
	results[nresults++] = (struct result){ name, unit, p, o, ref };
	printf("%-28s pmhs %12.3f  %-9s %10.3f  %-12s ratio %6.3f\n", name, p,
	       ref ? ref : "openssl", o, unit, o ? p / o : 0);
	fflush(stdout);
}

static void report(const char *name, const char *unit, double p, double o)
{
	report_ref(name, unit, p, o, NULL);
}

static void die(const char *what, struct pt_reply *r)
{
	fprintf(stderr, "pmhs-bench: %s failed: %s (%s)\n", what,
		strerror(r ? -r->err : errno), r ? r->extack : "");
	exit(1);
}

static void die_lib(const char *what, struct pmhs *h, int err)
{
	fprintf(stderr, "pmhs-bench: %s failed: %s (%s)\n", what, strerror(-err),
		pmhs_errmsg(h));
	exit(1);
}

static EVP_PKEY *ossl_key(const char *name)
{
	uint8_t *der;
	const uint8_t *p;
	long n = vec_key_priv_der(root, name, &der);
	EVP_PKEY *k;

	p = der;
	k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, n);
	free(der);
	return k;
}

/* One full mutual handshake between two module sessions; keys land in a
 * scratch keyring that is cleared now and then. */
static void pmhs_mutual(struct pmhs_nl *nl, const uint8_t *pa, size_t la,
			const uint8_t *pb, size_t lb)
{
	struct po_session a = { .mode = PMHS_MODE_RSA_MUTUAL, .oaep = -1,
				.identity = "alice", .peer = pb, .peerlen = lb,
				.keyring = bench_keyring };
	struct po_session b = a;
	static struct pt_reply ra, rb;
	static uint8_t ma[1024], mb[1024];
	static int count;
	size_t na, nb;
	uint32_t ia, ib;

	b.identity = "bob";
	b.peer = pa;
	b.peerlen = la;
	if (po_session_new(nl, &a, &ia, &ra))
		die("session-new", &ra);
	if (po_session_new(nl, &b, &ib, &rb))
		die("session-new", &rb);
	na = nla_len(ra.tb[PMHS_A_SESSION_MESSAGE]);
	nb = nla_len(rb.tb[PMHS_A_SESSION_MESSAGE]);
	memcpy(ma, nla_data(ra.tb[PMHS_A_SESSION_MESSAGE]), na);
	memcpy(mb, nla_data(rb.tb[PMHS_A_SESSION_MESSAGE]), nb);
	if (po_session_recv(nl, ia, mb, nb, &ra))
		die("session-recv", &ra);
	if (po_session_recv(nl, ib, ma, na, &rb))
		die("session-recv", &rb);
	if (++count % 64 == 0)
		keyctl_clear(bench_keyring);
}

/* The same work in OpenSSL: 2 PSS signs, 2 OAEP encrypts, 2 verifies,
 * 2 OAEP decrypts. */
static void ossl_mutual(EVP_PKEY *ka, EVP_PKEY *kb)
{
	EVP_PKEY *keys[2] = { ka, kb };
	uint8_t own[32], ct[256], sig[256], pt[256];

	for (int side = 0; side < 2; side++) {
		EVP_PKEY *me = keys[side], *peer = keys[!side];
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(peer, NULL);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pc;
		size_t len = sizeof(ct), slen = sizeof(sig), plen = sizeof(pt);

		RAND_bytes(own, sizeof(own));
		EVP_PKEY_encrypt_init(c);
		EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
		EVP_PKEY_encrypt(c, ct, &len, own, sizeof(own));
		EVP_PKEY_CTX_free(c);
		EVP_DigestSignInit(md, &pc, EVP_sha256(), NULL, me);
		EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32);
		EVP_DigestSign(md, sig, &slen, ct, len);
		EVP_MD_CTX_free(md);
		/* The peer verifies and decrypts. */
		md = EVP_MD_CTX_new();
		EVP_DigestVerifyInit(md, &pc, EVP_sha256(), NULL, me);
		EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32);
		if (EVP_DigestVerify(md, sig, slen, ct, len) != 1)
			die("openssl verify", NULL);
		EVP_MD_CTX_free(md);
		c = EVP_PKEY_CTX_new(peer, NULL);
		EVP_PKEY_decrypt_init(c);
		EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
		if (EVP_PKEY_decrypt(c, pt, &plen, ct, len) != 1 || plen != 32)
			die("openssl decrypt", NULL);
		EVP_PKEY_CTX_free(c);
	}
}

static void bench_mutual(struct pmhs_nl *nl)
{
	EVP_PKEY *ka = ossl_key("alice"), *kb = ossl_key("bob");
	uint8_t *pa, *pb;
	long la = vec_key_pub_der(root, "alice", &pa);
	long lb = vec_key_pub_der(root, "bob", &pb);
	int rounds = smoke ? 1 : 9, per = smoke ? 3 : 5;
	double t, tp[9], to[9];

	pmhs_mutual(nl, pa, la, pb, lb);	/* warm up both */
	ossl_mutual(ka, kb);
	/* Alternating blocks: a slow spell on the host hits both sides. */
	for (int r = 0; r < rounds; r++) {
		t = now();
		for (int i = 0; i < per; i++)
			pmhs_mutual(nl, pa, la, pb, lb);
		tp[r] = (now() - t) / per;
		t = now();
		for (int i = 0; i < per; i++)
			ossl_mutual(ka, kb);
		to[r] = (now() - t) / per;
	}
	report("rsa2048_mutual_handshake", "ms/handshake", median(tp, rounds) * 1e3,
	       median(to, rounds) * 1e3);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	free(pa);
	free(pb);
}

/*
 * Where the handshake's time goes: one RSA-2048 private operation (a PSS
 * signature over 256 bytes, blinded CRT in the module) alone, against
 * OpenSSL's. Not a target of its own; it tells bignum cost from the rest.
 */
static void pmhs_sign(struct pmhs_nl *nl, const uint8_t *data, size_t len)
{
	struct pmhs *h = pmhs_nl_handle(nl);
	uint8_t sig[512];
	size_t slen;
	int ret = pmhs_rsa_sign(h, "alice", data, len, sig, sizeof(sig), &slen);

	if (ret)
		die_lib("rsa-sign", h, ret);
}

static void ossl_sign(EVP_PKEY *k, const uint8_t *data, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t sig[512];
	size_t slen = sizeof(sig);
	EVP_PKEY_CTX *pc;

	EVP_DigestSignInit(md, &pc, EVP_sha256(), NULL, k);
	EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 32);
	if (EVP_DigestSign(md, sig, &slen, data, len) != 1)
		die("openssl sign", NULL);
	EVP_MD_CTX_free(md);
}

static void bench_private_op(struct pmhs_nl *nl)
{
	EVP_PKEY *k = ossl_key("alice");
	uint8_t data[256];
	int rounds = smoke ? 1 : 7, per = smoke ? 3 : 10;
	double t, tp[7], to[7];

	memset(data, 0x5a, sizeof(data));
	pmhs_sign(nl, data, sizeof(data));	/* warm up both */
	ossl_sign(k, data, sizeof(data));
	for (int r = 0; r < rounds; r++) {
		t = now();
		for (int i = 0; i < per; i++)
			pmhs_sign(nl, data, sizeof(data));
		tp[r] = (now() - t) / per;
		t = now();
		for (int i = 0; i < per; i++)
			ossl_sign(k, data, sizeof(data));
		to[r] = (now() - t) / per;
	}
	report("rsa2048_private_op", "ms/op", median(tp, rounds) * 1e3,
	       median(to, rounds) * 1e3);
	EVP_PKEY_free(k);
}

static void bench_pbkdf2(struct pmhs_nl *nl)
{
	const char *pw = "correct horse battery staple";
	struct po_session p = { .mode = PMHS_MODE_PASSWORD, .oaep = -1, .password = pw,
				.keyring = bench_keyring };
	struct pt_reply ra, rb;
	int n = smoke ? 1 : 7;
	double tp[7], to[7], t;
	uint8_t salt[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[32], mb[80];
	size_t lb;
	uint32_t ia, ib;

	for (int i = 0; i < n; i++) {
		if (po_session_new(nl, &p, &ia, &ra) || po_session_new(nl, &p, &ib, &rb))
			die("session-new", &ra);
		lb = nla_len(rb.tb[PMHS_A_SESSION_MESSAGE]);
		memcpy(mb, nla_data(rb.tb[PMHS_A_SESSION_MESSAGE]), lb);
		/* One recv is one hsub check plus one PBKDF2 derivation. */
		t = now();
		if (po_session_recv(nl, ia, mb, lb, &ra))
			die("session-recv", &ra);
		tp[i] = now() - t;
		t = now();
		PKCS5_PBKDF2_HMAC(pw, strlen(pw), salt, sizeof(salt), 100000, EVP_sha256(),
				  sizeof(out), out);
		to[i] = now() - t;
	}
	report("pbkdf2_sha256_100k", "ms/derivation", median(tp, n) * 1e3, median(to, n) * 1e3);
	keyctl_clear(bench_keyring);
}

/* The module takes sealed memfds only: in sealed against writes. */
static int memfd_with(const uint8_t *p, size_t len)
{
	int fd = pt_memfd_in(p, len);

	if (fd < 0)
		die("memfd", NULL);
	return fd;
}

/* out sized for the output (a 4096-bit header at most) and sealed. */
static int memfd_out(size_t len)
{
	int fd = pt_memfd_out(len + 2 + 512 + 32);

	if (fd < 0)
		die("memfd", NULL);
	return fd;
}

static double pmhs_hybrid(struct pmhs_nl *nl, int cmd, const uint8_t *pub, size_t plen,
			  const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	int ifd = memfd_with(in, len), ofd = memfd_out(len);
	struct pmhs *h = pmhs_nl_handle(nl);
	uint64_t written;
	double t;
	int ret;

	t = now();
	if (cmd == PMHS_CMD_HYBRID_ENCRYPT)
		ret = pmhs_hybrid_encrypt(h, pub, plen, -1, ifd, ofd, &written);
	else
		ret = pmhs_hybrid_decrypt(h, "alice", -1, ifd, ofd, &written);
	if (ret)
		die_lib("hybrid", h, ret);
	t = now() - t;
	if (out) {
		*outlen = written;
		*out = malloc(*outlen);
		if (pread(ofd, *out, *outlen, 0) != (ssize_t)*outlen)
			die("pread", NULL);
	}
	close(ifd);
	close(ofd);
	return t;
}

/* OpenSSL hybrid in the same format, for the same work. */
static double ossl_hybrid(EVP_PKEY *k, bool enc, const uint8_t *in, size_t len)
{
	uint8_t key[32], nonce[16], tag[16], ek[256], *buf = malloc(len + 16);
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	size_t eklen = sizeof(ek), kl = sizeof(ek);
	double t = now();
	int outl;

	if (enc) {
		RAND_bytes(key, 32);
		RAND_bytes(nonce, 16);
		EVP_PKEY_encrypt_init(c);
		EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
		EVP_PKEY_encrypt(c, ek, &eklen, key, 32);
		EVP_EncryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL);
		EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, 16, NULL);
		EVP_EncryptInit_ex(cx, NULL, NULL, key, nonce);
		EVP_EncryptUpdate(cx, buf, &outl, in, len);
		EVP_EncryptFinal_ex(cx, buf + outl, &outl);
		EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	} else {
		size_t rsa_len = (in[0] << 8) | in[1];
		uint8_t dk[512];

		EVP_PKEY_decrypt_init(c);
		EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
		kl = sizeof(dk);
		if (EVP_PKEY_decrypt(c, dk, &kl, in + 2, rsa_len) != 1 || kl != 32)
			die("openssl hybrid key", NULL);
		EVP_DecryptInit_ex(cx, EVP_aes_256_gcm(), NULL, NULL, NULL);
		EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_IVLEN, 16, NULL);
		EVP_DecryptInit_ex(cx, NULL, NULL, dk, in + 2 + rsa_len);
		EVP_DecryptUpdate(cx, buf, &outl, in + 2 + rsa_len + 32,
				  len - 2 - rsa_len - 32);
		EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_SET_TAG, 16,
				    (void *)(in + 2 + rsa_len + 16));
		if (EVP_DecryptFinal_ex(cx, buf + outl, &outl) != 1)
			die("openssl hybrid tag", NULL);
	}
	t = now() - t;
	EVP_CIPHER_CTX_free(cx);
	EVP_PKEY_CTX_free(c);
	free(buf);
	return t;
}

static void bench_hybrid(struct pmhs_nl *nl)
{
	size_t len = 1 << 20, clen;
	uint8_t *pt = malloc(len), *ct, *pub;
	long plen = vec_key_pub_der(root, "alice", &pub);
	EVP_PKEY *k = ossl_key("alice");
	int n = smoke ? 1 : 11;
	double pe[11], pd[11], oe[11], od[11];

	for (size_t i = 0; i < len; i++)
		pt[i] = (uint8_t)i;
	/* Untimed first calls of all four, then the same loop for each. */
	pmhs_hybrid(nl, PMHS_CMD_HYBRID_ENCRYPT, pub, plen, pt, len, &ct, &clen);
	pmhs_hybrid(nl, PMHS_CMD_HYBRID_DECRYPT, NULL, 0, ct, clen, NULL, NULL);
	ossl_hybrid(k, true, pt, len);
	ossl_hybrid(k, false, ct, clen);
	for (int i = 0; i < n; i++) {
		pe[i] = pmhs_hybrid(nl, PMHS_CMD_HYBRID_ENCRYPT, pub, plen, pt, len, NULL, NULL);
		pd[i] = pmhs_hybrid(nl, PMHS_CMD_HYBRID_DECRYPT, NULL, 0, ct, clen, NULL, NULL);
		oe[i] = ossl_hybrid(k, true, pt, len);
		od[i] = ossl_hybrid(k, false, ct, clen);
	}
	report("hybrid_1mib_decrypt", "ms/MiB", median(pd, n) * 1e3, median(od, n) * 1e3);
	report("hybrid_1mib_encrypt", "ms/MiB", median(pe, n) * 1e3, median(oe, n) * 1e3);
	EVP_PKEY_free(k);
	free(pt);
	free(ct);
	free(pub);
}

/*
 * noise_xxpsk2_handshake: a whole Noise_XXpsk2_25519_ChaChaPoly_SHA256,
 * both sides, random ephemerals. Through the module: two sessions on one
 * handle, five requests (session-new each side, then each message read
 * and the next written in one session-recv), both export secrets
 * published, both sessions deleted (finished noise sessions do not
 * expire). OpenSSL: the same handshake with X25519 EVP_PKEY_derive,
 * EVP ChaCha20-Poly1305 and HMAC-SHA256 HKDF (noise_ossl.c, checked
 * against noise-v1.json by make -C bench check), both export secrets
 * derived. Static keys are made once on both sides.
 */
#define NOISE_PROTO "Noise_XXpsk2_25519_ChaChaPoly_SHA256"

static const uint8_t noise_psk[32] = { 0x33, 0x8a, 0xeb, 0xdc, 1, 2, 3, 4, 5, 6, 7, 8 };

static void pmhs_noise_xx(struct pmhs *h)
{
	static uint8_t m1[256], m2[256], m3[256];
	struct pmhs_session_params p;
	struct pmhs_publish pub;
	struct pmhs_step si, sr;
	static int count;
	uint32_t ii, ir;
	int ret;

	PMHS_INIT(pub);
	pub.keyring = bench_keyring;
	PMHS_INIT(p);
	p.mode = PMHS_MODE_NOISE;
	p.oaep_hash = -1;
	p.publish = &pub;
	p.noise_protocol = NOISE_PROTO;
	p.psk = noise_psk;
	p.identity = "bench-noise-i";
	p.role = PMHS_ROLE_INITIATOR;
	PMHS_INIT(si);
	si.msg = m1;
	si.msg_max = sizeof(m1);
	ret = pmhs_session_new(h, &p, &si);
	if (ret)
		die_lib("noise session-new (initiator)", h, ret);
	ii = si.id;
	p.identity = "bench-noise-r";
	p.role = PMHS_ROLE_RESPONDER;
	PMHS_INIT(sr);
	ret = pmhs_session_new(h, &p, &sr);
	if (ret)
		die_lib("noise session-new (responder)", h, ret);
	ir = sr.id;
	PMHS_INIT(sr);
	sr.msg = m2;
	sr.msg_max = sizeof(m2);
	ret = pmhs_session_step_payload(h, ir, m1, si.msg_len, "", 0, PMHS_STEP_WRITE, &pub, &sr);
	if (ret || !sr.msg_len)
		die_lib("noise message 2", h, ret);
	PMHS_INIT(si);
	si.msg = m3;
	si.msg_max = sizeof(m3);
	ret = pmhs_session_step_payload(h, ii, m2, sr.msg_len, "", 0, PMHS_STEP_WRITE, &pub, &si);
	if (ret || !si.msg_len || !(si.flags & PMHS_STEP_DONE) || si.key_serial <= 0)
		die_lib("noise message 3", h, ret);
	ret = pmhs_session_step_payload(h, ir, m3, si.msg_len, NULL, 0, 0, &pub, &sr);
	if (ret || !(sr.flags & PMHS_STEP_DONE) || sr.key_serial <= 0 ||
	    memcmp(si.handshake_hash, sr.handshake_hash, 32))
		die_lib("noise read of message 3", h, ret);
	pmhs_session_delete(h, ii);
	pmhs_session_delete(h, ir);
	if (++count % 64 == 0)
		keyctl_clear(bench_keyring);
}

static void ossl_noise_xx(EVP_PKEY *si, EVP_PKEY *sr)
{
	uint8_t m[3][256], pl[256], ei[32], er[32];
	struct nz_hs i, r;
	size_t n[3], pn;

	if (nz_init_pkey(&i, NOISE_PROTO, true, NULL, 0, si, NULL, noise_psk) ||
	    nz_init_pkey(&r, NOISE_PROTO, false, NULL, 0, sr, NULL, noise_psk) ||
	    nz_write(&i, NULL, 0, m[0], &n[0]) || nz_read(&r, m[0], n[0], pl, &pn) ||
	    nz_write(&r, NULL, 0, m[1], &n[1]) || nz_read(&i, m[1], n[1], pl, &pn) ||
	    nz_write(&i, NULL, 0, m[2], &n[2]) || nz_read(&r, m[2], n[2], pl, &pn) ||
	    !nz_done(&i) || !nz_done(&r) || memcmp(i.h, r.h, 32))
		die("openssl noise handshake", NULL);
	nz_export(&i, ei);
	nz_export(&r, er);
	if (memcmp(ei, er, 32))
		die("openssl noise export", NULL);
	nz_free(&i);
	nz_free(&r);
}

static EVP_PKEY *x25519_key(const char *hex)
{
	uint8_t k[32];

	for (int i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &k[i]);
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, k, 32);
}

static void bench_noise(struct pmhs_nl *nl)
{
	/* The statics of noise-v1.json's first handshake. */
	static const char *hi = "97f11ae651070506a68a02f0e161af37f86cb9078738c370f07e8d3b583bad38";
	static const char *hr = "c275f34aed056ad6ea8eeca4192fa1feb9dc4b1ebe55e5b8f9b680eff76c81d4";
	struct pmhs *h = pmhs_nl_handle(nl);
	EVP_PKEY *ki = x25519_key(hi), *kr = x25519_key(hr);
	int rounds = smoke ? 1 : 9, per = smoke ? 3 : 20;
	uint8_t raw[32];
	double t, tp[9], to[9];
	int ret;

	for (int i = 0; i < 32; i++)
		sscanf(hi + 2 * i, "%2hhx", &raw[i]);
	ret = pmhs_identity_import_x25519(h, "bench-noise-i", raw, NULL);
	for (int i = 0; !ret && i < 32; i++)
		sscanf(hr + 2 * i, "%2hhx", &raw[i]);
	if (!ret)
		ret = pmhs_identity_import_x25519(h, "bench-noise-r", raw, NULL);
	if (ret)
		die_lib("x25519 identity-new", h, ret);
	pmhs_noise_xx(h);	/* warm up both */
	ossl_noise_xx(ki, kr);
	for (int r = 0; r < rounds; r++) {
		t = now();
		for (int i = 0; i < per; i++)
			pmhs_noise_xx(h);
		tp[r] = (now() - t) / per;
		t = now();
		for (int i = 0; i < per; i++)
			ossl_noise_xx(ki, kr);
		to[r] = (now() - t) / per;
	}
	report("noise_xxpsk2_handshake", "ms/handshake", median(tp, rounds) * 1e3,
	       median(to, rounds) * 1e3);
	pmhs_identity_delete(h, "bench-noise-i");
	pmhs_identity_delete(h, "bench-noise-r");
	keyctl_clear(bench_keyring);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kr);
}

/*
 * opaque_server_login: the server's cost per OPAQUE login, KE2 and the
 * KE3 check. Through the module: session-new (the setup identity, the
 * user's record), session-recv of KE1 (KE2 back) and session-recv of KE3
 * (the session key published into a scratch keyring), wall time around
 * those three requests. libsodium: the same computation in this process
 * (opaque_sodium.c, checked against RFC 9807's vectors by make -C bench
 * check) from the same setup and record. Both answer a module client,
 * whose KE1 and KE3 (and KSF, a cheap Argon2id) are made outside the
 * timed region; both sessions are deleted, untimed. One registration,
 * the same user every time (successful logins do not count against the
 * login rate limit).
 */
#define OPQ_ID		"bench-opaque"
#define OPQ_USER	"bench-user"

static const struct pmhs_opaque_ksf opq_ksf = {
	.size = sizeof(struct pmhs_opaque_ksf), .m_kib = 64, .t = 1, .p = 1,
};

static void opq_copy(struct pt_reply *r, int type, uint8_t *out, int len, const char *what)
{
	if (!r->tb[type] || nla_len(r->tb[type]) != len)
		die(what, r);
	memcpy(out, nla_data(r->tb[type]), len);
}

/* The client's ksf-input stretched and sent back: the reply holds its last message. */
static void opq_client_ksf(struct pmhs_nl *nl, uint32_t cid, struct pt_reply *r)
{
	uint8_t x[64];

	opq_copy(r, PMHS_A_SESSION_KSF_INPUT, x, 64, "opaque ksf-input");
	if (pmhs_opaque_ksf(&opq_ksf, x, x))
		die("argon2id", NULL);
	if (po_opaque_recv(nl, cid, NULL, 0, x, r))
		die("opaque ksf-output", r);
}

static void opq_register(struct pmhs_nl *nl, uint8_t record[192])
{
	struct po_opaque cp = { .password = "correct horse", .keyring = bench_keyring };
	struct po_opaque sp = { .server = true, .identity = OPQ_ID, .cred_id = OPQ_USER,
				.keyring = bench_keyring };
	static struct pt_reply r;
	uint8_t req[32], resp[64];
	uint32_t cid, sid;

	if (po_opaque_new(nl, &cp, &cid, &r))
		die("opaque register (client)", &r);
	opq_copy(&r, PMHS_A_SESSION_MESSAGE, req, 32, "opaque registration request");
	if (po_opaque_new(nl, &sp, &sid, &r) || po_opaque_recv(nl, sid, req, 32, NULL, &r))
		die("opaque register (server)", &r);
	opq_copy(&r, PMHS_A_SESSION_MESSAGE, resp, 64, "opaque registration response");
	if (po_opaque_recv(nl, cid, resp, 64, NULL, &r))
		die("opaque register (client)", &r);
	opq_client_ksf(nl, cid, &r);
	opq_copy(&r, PMHS_A_SESSION_MESSAGE, record, 192, "opaque record");
	if (po_opaque_recv(nl, sid, record, 192, NULL, &r))
		die("opaque record", &r);
	pmhs_session_delete(pmhs_nl_handle(nl), cid);
	pmhs_session_delete(pmhs_nl_handle(nl), sid);
}

/* A module client's KE1 (untimed). */
static uint32_t opq_ke1(struct pmhs_nl *nl, uint8_t ke1[96], struct pt_reply *r)
{
	/* a user key: the warm-up reads the client's session key */
	struct po_opaque cp = { .login = true, .password = "correct horse",
				.keyring = bench_keyring, .user_key = true };
	uint32_t cid;

	if (po_opaque_new(nl, &cp, &cid, r))
		die("opaque KE1", r);
	opq_copy(r, PMHS_A_SESSION_MESSAGE, ke1, 96, "opaque KE1");
	return cid;
}

/* The client's KE3 for @ke2 (untimed); its session key serial. */
static int32_t opq_ke3(struct pmhs_nl *nl, uint32_t cid, const uint8_t ke2[320],
		       uint8_t ke3[64], struct pt_reply *r)
{
	int32_t key;

	if (po_opaque_recv(nl, cid, ke2, 320, NULL, r))
		die("opaque client KE2", r);
	opq_client_ksf(nl, cid, r);
	opq_copy(r, PMHS_A_SESSION_MESSAGE, ke3, 64, "opaque KE3");
	key = po_serial(r);
	pmhs_session_delete(pmhs_nl_handle(nl), cid);
	return key;
}

/* One login against the module's server: the time of its three requests. */
static double pmhs_opq_login(struct pmhs_nl *nl, const uint8_t record[192])
{
	struct po_opaque sp = { .login = true, .server = true, .identity = OPQ_ID,
				.cred_id = OPQ_USER, .record = record,
				.keyring = bench_keyring };
	static struct pt_reply r;
	static int count;
	uint8_t ke1[96], ke2[320], ke3[64];
	uint32_t cid = opq_ke1(nl, ke1, &r), sid;
	double t, spent;

	t = now();
	if (po_opaque_new(nl, &sp, &sid, &r) || po_opaque_recv(nl, sid, ke1, 96, NULL, &r))
		die("opaque server KE2", &r);
	spent = now() - t;
	opq_copy(&r, PMHS_A_SESSION_MESSAGE, ke2, 320, "opaque KE2");
	opq_ke3(nl, cid, ke2, ke3, &r);
	t = now();
	if (po_opaque_recv(nl, sid, ke3, 64, NULL, &r) || po_serial(&r) <= 0)
		die("opaque server KE3", &r);
	spent += now() - t;
	pmhs_session_delete(pmhs_nl_handle(nl), sid);
	if (++count % 32 == 0)
		keyctl_clear(bench_keyring);
	return spent;
}

/*
 * The same login against the libsodium server. @check: the client's
 * session key must be the server's (the warm-up does it once).
 */
static double sodium_opq_login(struct pmhs_nl *nl, const struct osd_server *srv,
			       const uint8_t record[192], bool check)
{
	static struct pt_reply r;
	uint8_t ke1[96], ke2[320], ke3[64], key[64], ckey[64];
	uint32_t cid = opq_ke1(nl, ke1, &r);
	struct osd_login st;
	double t, spent;
	int32_t serial;

	t = now();
	if (osd_server_ke2(&st, ke2, srv, record, (const uint8_t *)OPQ_USER,
			   strlen(OPQ_USER), ke1, NULL, NULL))
		die("libsodium KE2", NULL);
	spent = now() - t;
	serial = opq_ke3(nl, cid, ke2, ke3, &r);
	t = now();
	if (osd_server_finish(&st, key, ke3))
		die("libsodium KE3 check", NULL);
	spent += now() - t;
	if (check && (vec_key_read(serial, ckey, sizeof(ckey)) != 64 || memcmp(ckey, key, 64))) {
		fprintf(stderr, "pmhs-bench: the libsodium server's session key is not the client's\n");
		exit(1);
	}
	sodium_memzero(key, sizeof(key));
	return spent;
}

static void bench_opaque(struct pmhs_nl *nl)
{
	struct pmhs *h = pmhs_nl_handle(nl);
	int rounds = smoke ? 1 : 25, per = smoke ? 2 : 3;
	uint8_t setup[PMHS_OPAQUE_SETUP_LEN], record[192], pk[64];
	double tp[25], to[25];
	struct osd_server srv;
	size_t pklen = 0;
	int ret;

	if (sodium_init() < 0)
		die("sodium_init", NULL);
	pmhs_identity_delete(h, OPQ_ID);
	ret = pmhs_opaque_setup_generate(setup) ?:
	      pmhs_identity_import_opaque(h, OPQ_ID, setup, NULL) ?:
	      pmhs_identity_pubkey(h, OPQ_ID, pk, sizeof(pk), &pklen);
	if (ret)
		die_lib("opaque setup", h, ret);
	/* the libsodium server from the same setup: the same key pair */
	if (osd_server_from_seed(&srv, setup, setup + 64) || pklen != 32 ||
	    memcmp(pk, srv.pk, 32)) {
		fprintf(stderr, "pmhs-bench: libsodium's server key is not the module's\n");
		exit(1);
	}
	sodium_memzero(setup, sizeof(setup));
	opq_register(nl, record);
	pmhs_opq_login(nl, record);	/* warm up both; the reference checked */
	sodium_opq_login(nl, &srv, record, true);
	/*
	 * A login is a few ms under TCG and the host's load comes in spells:
	 * many short blocks, either side first in turn, and the medians.
	 */
	for (int r = 0; r < rounds; r++) {
		tp[r] = to[r] = 0;
		for (int i = 0; r % 2 && i < per; i++)
			to[r] += sodium_opq_login(nl, &srv, record, false);
		for (int i = 0; i < per; i++)
			tp[r] += pmhs_opq_login(nl, record);
		for (int i = 0; !(r % 2) && i < per; i++)
			to[r] += sodium_opq_login(nl, &srv, record, false);
		tp[r] /= per;
		to[r] /= per;
	}
	report_ref("opaque_server_login", "ms/login", median(tp, rounds) * 1e3,
		   median(to, rounds) * 1e3, "libsodium");
	/* Where the difference goes: the three requests' bare round trips. */
	for (int r = 0; r < rounds; r++) {
		double t = now();

		for (int i = 0; i < 3; i++)
			if (po_count(nl, PMHS_A_CONFIG_SESSIONS) < 0)
				die("get-config", NULL);
		tp[r] = now() - t;
	}
	printf("opaque_server_login: 3 bare netlink round trips (get-config) take %.3f ms\n",
	       median(tp, rounds) * 1e3);
	pmhs_identity_delete(h, OPQ_ID);
	keyctl_clear(bench_keyring);
	sodium_memzero(&srv, sizeof(srv));
}

/*
 * Handshakes per second with @procs processes for @secs seconds. Each
 * child publishes into a keyring of its own (a shared one would be a lock
 * the module does not have), and all start together.
 */
static double scaling(int procs, double secs)
{
	int res[8][2], go[2], st;
	pid_t pid[8];
	double total = 0;
	bool bad = false;

	if (pipe(go))
		die("pipe", NULL);
	for (int i = 0; i < procs; i++) {
		if (pipe(res[i]))
			die("pipe", NULL);
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork", NULL);
		if (pid[i] == 0) {
			struct pmhs_nl *nl = pt_open();
			uint8_t *pa, *pb;
			long la = vec_key_pub_der(root, "alice", &pa);
			long lb = vec_key_pub_der(root, "bob", &pb);
			double end, start;
			long count = 0;
			char c;

			bench_keyring = add_key("keyring", "pmhs-bench-child", NULL, 0,
						KEY_SPEC_THREAD_KEYRING);
			if (!nl || bench_keyring < 0)
				_exit(2);
			close(go[1]);
			if (read(go[0], &c, 1) != 0)	/* EOF: the parent said go */
				_exit(3);
			start = now();
			end = start + secs;
			while (now() < end) {
				pmhs_mutual(nl, pa, la, pb, lb);
				count++;
			}
			dprintf(res[i][1], "%f\n", count / (now() - start));
			keyctl_clear(bench_keyring);
			_exit(0);
		}
		close(res[i][1]);
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < procs; i++) {
		char buf[64] = { 0 };

		/* A child that died writes nothing: EOF, not a hang. */
		if (read(res[i][0], buf, sizeof(buf) - 1) <= 0)
			bad = true;
		total += atof(buf);
		close(res[i][0]);
	}
	for (int i = 0; i < procs; i++)
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = true;
	if (bad) {
		fprintf(stderr, "pmhs-bench: a scaling process failed\n");
		exit(1);
	}
	return total;
}

/*
 * vCPUs are host threads: n processes cannot run more than
 * min(n, host CPUs) times faster than one, whatever the guest has.
 */
static void bench_scaling(void)
{
	double secs = smoke ? 1 : 8;
	double one = scaling(1, secs), two = scaling(2, secs), four = scaling(4, secs);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	printf("handshake_scaling: %.2f/s (1), %.2f/s (2), %.2f/s (4) on %ld vCPUs, %ld host CPUs: 1->2 x%.2f, 1->4 x%.2f\n",
	       one, two, four, cpus, host_cpus, one ? two / one : 0, one ? four / one : 0);
	if (host_cpus > 0 && host_cpus < 4)
		printf("handshake_scaling: the host has %ld CPUs, so 1->4 cannot exceed x%ld here\n",
		       host_cpus, host_cpus);
	results[nresults++] = (struct result){ "handshake_rate_1", "handshakes/s", one, 0, NULL };
	results[nresults++] = (struct result){ "handshake_rate_2", "handshakes/s", two, 0, NULL };
	results[nresults++] = (struct result){ "handshake_rate_4", "handshakes/s", four, 0, NULL };
	results[nresults++] = (struct result){ "handshake_scaling_1to2", "x",
					       one ? two / one : 0, 0, NULL };
	results[nresults++] = (struct result){ "handshake_scaling_1to4", "x",
					       one ? four / one : 0, 0, NULL };
}

static long slab_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/*
 * Slab growth per idle session, over @n sessions of one mode on a fresh
 * socket (closing it frees them). RSA sessions hold the peer's parsed
 * public key until the reply comes, so they are the larger kind.
 */
static double session_memory(const struct po_session *p, int n, const char *what)
{
	struct pmhs_nl *nl = pt_open();
	struct pt_reply r;
	long before, after;
	uint32_t id;
	double each;

	if (!nl)
		die("netlink", NULL);
	sleep(1);
	before = slab_kib();
	for (int i = 0; i < n; i++)
		if (po_session_new(nl, p, &id, &r))
			die("session-new", &r);
	sleep(1);
	after = slab_kib();
	each = (after - before) * 1024.0 / n;
	printf("session_memory: %d %s sessions, slab %ld -> %ld KiB: %.0f bytes/session\n",
	       n, what, before, after, each);
	pmhs_nl_close(nl);
	return each;
}

#define MAX_USER_SESSIONS "/sys/module/pmhs/parameters/max_user_sessions"
#define PMHS_MAX_SESSIONS_BENCH 65536

static long param_get(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static int param_set(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int bad = !f || fprintf(f, "%ld\n", v) < 0;

	return (f && fclose(f)) || bad ? -1 : 0;
}

/* max_user_sessions as found, put back at exit */
static long saved_quota = -1;
static pid_t quota_pid;

static void restore_quota(void)
{
	/* not from the forked scaling processes as they exit */
	if (saved_quota >= 0 && getpid() == quota_pid)
		param_set(MAX_USER_SESSIONS, saved_quota);
}

/*
 * The benchmarks hold more sessions than one user may by default: 10,000
 * idle ones, and finished ones that stay until they expire while the
 * scaling processes run. Root raises the limit for the run.
 */
static void raise_quota(void)
{
	quota_pid = getpid();
	saved_quota = param_get(MAX_USER_SESSIONS);
	if (saved_quota < 0 || param_set(MAX_USER_SESSIONS, PMHS_MAX_SESSIONS_BENCH))
		die("raise max_user_sessions (run as root)", NULL);
	atexit(restore_quota);
}

static void bench_memory(struct pmhs_nl *nl)
{
	int n = smoke ? 500 : 10000;
	struct po_session pw = { .mode = PMHS_MODE_PASSWORD, .oaep = -1,
				 .password = "correct horse battery staple" };
	struct po_session rsa = { .mode = PMHS_MODE_RSA_MUTUAL, .oaep = -1,
				  .identity = "alice" };
	uint8_t *pb;
	long lb = vec_key_pub_der(root, "bob", &pb);
	double a, b;

	rsa.peer = pb;
	rsa.peerlen = lb;
	/* 10,000 RSA sessions take longer than the default 60 s timeout. */
	if (po_config(nl, PMHS_SESSION_TIMEOUT_MAX, -1))
		die("set-config", NULL);
	a = session_memory(&pw, n, "password");
	b = session_memory(&rsa, n, "rsa-mutual");
	po_config(nl, PMHS_SESSION_TIMEOUT_DEFAULT, -1);
	results[nresults++] = (struct result){ "session_memory_password", "bytes", a, 0, NULL };
	results[nresults++] = (struct result){ "session_memory_rsa_mutual", "bytes", b, 0, NULL };
	/* The target is for any idle session: the larger kind counts. */
	results[nresults++] = (struct result){ "session_memory", "bytes", a > b ? a : b, 0, NULL };
	free(pb);
}

int main(int argc, char *argv[])
{
	const char *json = NULL, *only = NULL;
	struct pmhs_nl *nl;
	struct pt_reply r;
	struct utsname u;
	char model[256] = "unknown";
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--smoke"))
			smoke = true;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];	/* e.g. "mutual,hybrid", for profiling */
		else if (!strcmp(argv[i], "--host-cpus") && i + 1 < argc)
			host_cpus = atol(argv[++i]);	/* tools/bench passes nproc */
	}
	if (!getenv("PMHS_VECTORS") && getenv("PMHS_TOP")) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/selftests/vectors", getenv("PMHS_TOP"));
		setenv("PMHS_VECTORS", dir, 0);
	}
	root = vec_load("poorman-v1.json");
	nl = pt_open();
	if (!root || !nl)
		return 1;
	raise_quota();
	bench_keyring = add_key("keyring", "pmhs-bench", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	if (po_identity_vec(nl, root, "alice", &r) || po_identity_vec(nl, root, "bob", &r))
		die("identity-new", &r);
	uname(&u);
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(model, sizeof(model), f))
		if (!strncmp(model, "model name", 10))
			break;
	if (f)
		fclose(f);
	model[strcspn(model, "\n")] = 0;
	printf("kernel %s, %s, %ld CPUs%s\n", u.release, strchr(model, ':') ? strchr(model, ':') + 2 : model,
	       sysconf(_SC_NPROCESSORS_ONLN), smoke ? " (smoke run: timings not judged)" : "");

#define WANT(x) (!only || strstr(only, x))
	/* First, before the others free objects that new sessions would reuse. */
	if (WANT("memory"))
		bench_memory(nl);
	if (WANT("mutual"))
		bench_mutual(nl);
	if (WANT("private"))
		bench_private_op(nl);
	if (WANT("pbkdf2"))
		bench_pbkdf2(nl);
	if (WANT("hybrid"))
		bench_hybrid(nl);
	if (WANT("noise"))
		bench_noise(nl);
	if (WANT("opaque"))
		bench_opaque(nl);
	if (WANT("scaling"))
		bench_scaling();

	if (json) {
		struct json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(o, "kernel", json_object_new_string(u.release));
		json_object_object_add(o, "cpu", json_object_new_string(
			strchr(model, ':') ? strchr(model, ':') + 2 : model));
		json_object_object_add(o, "smoke", json_object_new_boolean(smoke));
		json_object_object_add(o, "guest_cpus", json_object_new_int(sysconf(_SC_NPROCESSORS_ONLN)));
		if (host_cpus > 0)
			json_object_object_add(o, "host_cpus", json_object_new_int(host_cpus));
		for (int i = 0; i < nresults; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "name", json_object_new_string(results[i].name));
			json_object_object_add(e, "unit", json_object_new_string(results[i].unit));
			json_object_object_add(e, "pmhs", json_object_new_double(results[i].pmhs));
			if (results[i].openssl) {
				json_object_object_add(e, results[i].ref ?: "openssl",
						       json_object_new_double(results[i].openssl));
				json_object_object_add(e, "ratio", json_object_new_double(
					results[i].pmhs / results[i].openssl));
			}
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "benchmarks", a);
		if (!strcmp(json, "-"))
			printf("BENCH-JSON\n%s\n", json_object_to_json_string_ext(o,
			       JSON_C_TO_STRING_PRETTY));
		else
			json_object_to_file_ext(json, o, JSON_C_TO_STRING_PRETTY);
		json_object_put(o);
	}
	po_identity_del(nl, "alice");
	po_identity_del(nl, "bob");
	keyctl_clear(bench_keyring);
	keyctl_unlink(bench_keyring, KEY_SPEC_SESSION_KEYRING);
	pmhs_nl_close(nl);
	return 0;
}
