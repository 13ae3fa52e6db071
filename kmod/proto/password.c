// SPDX-License-Identifier: GPL-2.0
/*
 * Password mode, as poorman_handshake does it:
 *   hsub   = hex(iv8 || SHA256(iv8 || password))[:hsub_len]
 *   salt   = iv_a XOR iv_b
 *   secret = PBKDF2-HMAC-SHA256(password, salt, iterations, 32)
 * Differences: a peer hsub carrying our own IV is refused (reflection
 * gives an all-zero salt), and every failure is an error, never a secret.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <net/netlink.h>

#include "compat.h"
#include "kdf.h"
#include "keyring.h"
#include "proto.h"

#define PMHS_IV_LEN		8

/*
 * No failure counting: each side's hsub is an offline verifier of the
 * password, sent before the peer proves anything, so a guesser tests
 * guesses at SHA-256 speed without asking us. A limit here would only let
 * strangers lock out the peer and answer questions about the password
 * (docs/threat-model.md, round 2, item 6).
 */
#define PMHS_HSUB_HEX_MAX	(2 * (PMHS_IV_LEN + 32))

struct pmhs_pw {
	u8 *pw;
	size_t pwlen;
	u32 iterations;
	u32 hsub_len;
	bool iv_fixed;			/* @iv given by the caller */
	u8 iv[PMHS_IV_LEN];
};

static int pmhs_pw_parse(void *priv, const struct pmhs_proto_args *args,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *const *a = args->tb;
	struct pmhs_pw *s = priv;

	s->iterations = a[PMHS_A_PASSWORD_PARAMS_ITERATIONS] ?
			nla_get_u32(a[PMHS_A_PASSWORD_PARAMS_ITERATIONS]) :
			PMHS_ITERATIONS_DEFAULT;
	s->hsub_len = a[PMHS_A_PASSWORD_PARAMS_HSUB_LEN] ?
		      nla_get_u32(a[PMHS_A_PASSWORD_PARAMS_HSUB_LEN]) :
		      PMHS_HSUB_LEN_MIN;
	if (args->identity) {
		NL_SET_ERR_MSG_ATTR(extack, args->identity,
				    "password mode takes no identity");
		return -EINVAL;
	}
	if (a[PMHS_A_PASSWORD_PARAMS_IV]) {
		s->iv_fixed = true;
		nla_memcpy(s->iv, a[PMHS_A_PASSWORD_PARAMS_IV], sizeof(s->iv));
	}
	if (!!a[PMHS_A_PASSWORD_PARAMS_PASSWORD] ==
	    !!a[PMHS_A_PASSWORD_PARAMS_PASSWORD_KEY]) {
		NL_SET_ERR_MSG(extack,
			       "password mode needs exactly one of password, password-key");
		return -EINVAL;
	}
	if (a[PMHS_A_PASSWORD_PARAMS_PASSWORD]) {
		s->pw = kmemdup(nla_data(a[PMHS_A_PASSWORD_PARAMS_PASSWORD]),
				nla_len(a[PMHS_A_PASSWORD_PARAMS_PASSWORD]),
				GFP_KERNEL_ACCOUNT);
		if (!s->pw)
			return -ENOMEM;
		s->pwlen = nla_len(a[PMHS_A_PASSWORD_PARAMS_PASSWORD]);
		return 0;
	}
	return pmhs_keyring_read_password(nla_get_s32(a[PMHS_A_PASSWORD_PARAMS_PASSWORD_KEY]),
					  &s->pw, &s->pwlen, extack);
}

/* hex(iv || SHA256(iv || pw)), all 80 digits. */
static int pmhs_hsub(const u8 iv[PMHS_IV_LEN], const u8 *pw, size_t pwlen,
		     char out[PMHS_HSUB_HEX_MAX])
{
	u8 raw[PMHS_IV_LEN + 32];
	u8 *buf;
	int ret;

	buf = kmalloc(PMHS_IV_LEN + pwlen, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, iv, PMHS_IV_LEN);
	memcpy(buf + PMHS_IV_LEN, pw, pwlen);
	memcpy(raw, iv, PMHS_IV_LEN);
	ret = pmhs_sha256(buf, PMHS_IV_LEN + pwlen, raw + PMHS_IV_LEN);
	kfree_sensitive(buf);
	if (!ret)
		bin2hex(out, raw, sizeof(raw));
	memzero_explicit(raw, sizeof(raw));
	return ret;
}

static int pmhs_pw_start(struct pmhs_pw *s, u8 **out, size_t *outlen)
{
	char hsub[PMHS_HSUB_HEX_MAX];
	int ret;

	if (!s->iv_fixed)
		get_random_bytes(s->iv, sizeof(s->iv));
	ret = pmhs_hsub(s->iv, s->pw, s->pwlen, hsub);
	if (ret)
		return ret;
	/* The hsub is hex text on the wire; it is the message as is. */
	*out = kmemdup(hsub, s->hsub_len, GFP_KERNEL_ACCOUNT);
	memzero_explicit(hsub, sizeof(hsub));
	if (!*out)
		return -ENOMEM;
	*outlen = s->hsub_len;
	return 0;
}

static bool pmhs_is_lower_hex(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit(p[i]) && !(p[i] >= 'a' && p[i] <= 'f'))
			return false;
	return true;
}

static int pmhs_pw_finish(struct pmhs_pw *s, const u8 *msg, size_t len,
			  u8 secret[PMHS_SECRET_LEN],
			  struct netlink_ext_ack *extack)
{
	char expect[PMHS_HSUB_HEX_MAX];
	u8 peer_iv[PMHS_IV_LEN], salt[PMHS_IV_LEN];
	int ret, i;

	if (len < PMHS_HSUB_LEN_MIN || len > PMHS_HSUB_LEN_MAX) {
		NL_SET_ERR_MSG(extack, "peer hsub must be 48 to 80 hex digits");
		return -EBADMSG;
	}
	if (!pmhs_is_lower_hex(msg, len)) {
		NL_SET_ERR_MSG(extack, "peer hsub is not lowercase hex");
		return -EBADMSG;
	}
	if (hex2bin(peer_iv, msg, PMHS_IV_LEN))
		return -EBADMSG;
	/* Our own hsub reflected back would make the salt all zeroes. */
	if (!crypto_memneq(peer_iv, s->iv, PMHS_IV_LEN)) {
		NL_SET_ERR_MSG(extack, "peer hsub carries our own IV (reflected)");
		return -EBADMSG;
	}
	ret = pmhs_hsub(peer_iv, s->pw, s->pwlen, expect);
	if (ret)
		goto out;
	if (crypto_memneq(expect, msg, len)) {
		NL_SET_ERR_MSG(extack, "peer hsub does not match: wrong password");
		ret = -EKEYREJECTED;
		goto out;
	}
	for (i = 0; i < PMHS_IV_LEN; i++)
		salt[i] = s->iv[i] ^ peer_iv[i];
	ret = pmhs_pbkdf2_sha256(s->pw, s->pwlen, salt, sizeof(salt),
				 s->iterations, secret, PMHS_SECRET_LEN);
	if (ret == -EINTR)
		NL_SET_ERR_MSG(extack, "PBKDF2 interrupted by a fatal signal");
out:
	memzero_explicit(expect, sizeof(expect));
	memzero_explicit(salt, sizeof(salt));
	return ret;
}

/* Our hsub first; the peer's then gives the secret. */
static int pmhs_pw_step(void *priv, struct pmhs_proto_io *io,
			struct pmhs_proto_done *done,
			struct netlink_ext_ack *extack)
{
	struct pmhs_pw *s = priv;
	int ret;

	if (!io->in)
		return pmhs_pw_start(s, &io->out, &io->outlen);
	ret = pmhs_pw_finish(s, io->in, io->inlen, done->secret, extack);
	if (ret)
		return ret;
	done->done = true;
	/* A fixed IV makes our side of the secret constant. */
	done->two_sided = !s->iv_fixed;
	return 0;
}

static void pmhs_pw_destroy(void *priv)
{
	struct pmhs_pw *s = priv;

	kfree_sensitive(s->pw);
	memzero_explicit(s, sizeof(*s));
}

/*
 * hsub known answers from poorman-v1.json (password.valid 0, 3, 4): the
 * hex digits expected are those of @raw, first @digits of them.
 */
#define PMHS_KAT_LONG "a much longer shared secret "

static const struct {
	const char *pw;
	unsigned int digits;
	u8 raw[PMHS_IV_LEN + 32];	/* iv || SHA-256 prefix */
} pmhs_hsub_kat[] = {
	{ "Super Secret Pass Phrase",
	  48, {
		0x0b, 0xdd, 0x84, 0xa9, 0x73, 0x26, 0x4e, 0x2d,
		0x62, 0x4d, 0x9b, 0x2e, 0x41, 0x62, 0x52, 0xd0,
		0x27, 0xb3, 0x4f, 0x54, 0xb3, 0x4b, 0xe4, 0xfa,
	} },
	{ "x",
	  64, {
		0x99, 0x85, 0x94, 0xaa, 0x2d, 0x44, 0xe0, 0x3d,
		0xdd, 0xc1, 0xf2, 0x15, 0xec, 0x99, 0x0e, 0xdf,
		0x70, 0x89, 0x9a, 0x42, 0x4f, 0xd5, 0xc8, 0xfd,
		0x0b, 0xd2, 0x4a, 0xb7, 0xc7, 0x33, 0x13, 0x22,
	} },
	{ PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG
	  PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG,
	  80, {
		0x7e, 0xb2, 0x72, 0xc6, 0x5a, 0xe8, 0xa4, 0x9e,
		0x32, 0xdb, 0xf8, 0xef, 0xda, 0x2c, 0x4e, 0x8a,
		0xfa, 0x4b, 0x08, 0x33, 0x64, 0x94, 0x6c, 0x38,
		0x9c, 0x7f, 0xe9, 0x1e, 0x59, 0x36, 0x60, 0xc5,
		0xe0, 0x81, 0x0e, 0x9c, 0xcf, 0x65, 0xb6, 0xd7,
	} },
};

static int pmhs_pw_selftest(void)
{
	char out[PMHS_HSUB_HEX_MAX], want[PMHS_HSUB_HEX_MAX];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pmhs_hsub_kat); i++) {
		ret = pmhs_hsub(pmhs_hsub_kat[i].raw,
				(const u8 *)pmhs_hsub_kat[i].pw,
				strlen(pmhs_hsub_kat[i].pw), out);
		if (ret)
			return ret;
		bin2hex(want, pmhs_hsub_kat[i].raw, sizeof(pmhs_hsub_kat[i].raw));
		if (memcmp(out, want, pmhs_hsub_kat[i].digits)) {
			pr_err("self-test hsub %zu: wrong output\n", i);
			return -EBADMSG;
		}
	}
	return 0;
}

const struct pmhs_proto pmhs_password_proto = {
	.name = "password",
	.mode = PMHS_MODE_PASSWORD,
	.priv_size = sizeof(struct pmhs_pw),
	.nest = PMHS_A_SESSION_PASSWORD,
	.maxattr = PMHS_A_PASSWORD_PARAMS_MAX,
	.parse = pmhs_pw_parse,
	.step = pmhs_pw_step,
	.destroy = pmhs_pw_destroy,
	.selftest = pmhs_pw_selftest,
};
