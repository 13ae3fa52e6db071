// SPDX-License-Identifier: GPL-2.0
/*
 * Password mode, as poorman_handshake does it:
 *   hsub   = hex(iv8 || SHA256(iv8 || password))[:hsub_len]
 *   salt   = iv_a XOR iv_b
 *   secret = PBKDF2-HMAC-SHA256(password, salt, iterations, 32)
 * Differences: a peer hsub carrying our own IV is refused (reflection
 * gives an all-zero salt), and every failure is an error, never a secret.
 */
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/algapi.h>

#include "compat.h"
#include "kdf.h"
#include "session.h"

/*
 * No failure counting: each side's hsub is an offline verifier of the
 * password, sent before the peer proves anything, so a guesser tests
 * guesses at SHA-256 speed without asking us. A limit here would only let
 * strangers lock out the peer and answer questions about the password
 * (docs/threat-model.md, round 2, item 6).
 */
#define PMHS_HSUB_HEX_MAX	(2 * (PMHS_IV_LEN + 32))

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

static int pmhs_pw_start(struct pmhs_session *s, u8 **out, size_t *outlen,
			 struct netlink_ext_ack *extack)
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

static int pmhs_pw_finish(struct pmhs_session *s, const u8 *msg, size_t len,
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

int pmhs_password_selftest(void)
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

const struct pmhs_mode_ops pmhs_password_ops = {
	.start = pmhs_pw_start,
	.finish = pmhs_pw_finish,
	.two_sided = true,	/* unless the caller fixed our IV */
};
