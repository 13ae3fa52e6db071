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

#define PMHS_HSUB_HEX_MAX	(2 * (PMHS_IV_LEN + 32))

/* hex(iv || SHA256(iv || pw)), all 80 digits. */
static int pmhs_hsub(const u8 iv[PMHS_IV_LEN], const u8 *pw, size_t pwlen,
		     char out[PMHS_HSUB_HEX_MAX])
{
	u8 raw[PMHS_IV_LEN + 32];
	u8 *buf;
	int ret;

	buf = kmalloc(PMHS_IV_LEN + pwlen, GFP_KERNEL);
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
	*out = kmemdup(hsub, s->hsub_len, GFP_KERNEL);
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
out:
	memzero_explicit(expect, sizeof(expect));
	memzero_explicit(salt, sizeof(salt));
	return ret;
}

/* hsub known answers from poorman-v1.json (password.valid 0, 3, 4). */
#define PMHS_KAT_LONG "a much longer shared secret "
static const struct {
	const char *pw;
	u8 iv[PMHS_IV_LEN];
	const char *hsub;
} pmhs_hsub_kat[] = {
	{ "Super Secret Pass Phrase",
	  { 0x0b, 0xdd, 0x84, 0xa9, 0x73, 0x26, 0x4e, 0x2d },
	  "0bdd84a973264e2d624d9b2e416252d027b34f54b34be4fa" },
	{ "x",
	  { 0x99, 0x85, 0x94, 0xaa, 0x2d, 0x44, 0xe0, 0x3d },
	  "998594aa2d44e03dddc1f215ec990edf70899a424fd5c8fd0bd24ab7c7331322" },
	{ PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG
	  PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG PMHS_KAT_LONG,
	  { 0x7e, 0xb2, 0x72, 0xc6, 0x5a, 0xe8, 0xa4, 0x9e },
	  "7eb272c65ae8a49e32dbf8efda2c4e8afa4b083364946c389c7fe91e593660c5e0810e9ccf65b6d7" },
};

int pmhs_password_selftest(void)
{
	char out[PMHS_HSUB_HEX_MAX];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pmhs_hsub_kat); i++) {
		ret = pmhs_hsub(pmhs_hsub_kat[i].iv,
				(const u8 *)pmhs_hsub_kat[i].pw,
				strlen(pmhs_hsub_kat[i].pw), out);
		if (ret)
			return ret;
		if (memcmp(out, pmhs_hsub_kat[i].hsub,
			   strlen(pmhs_hsub_kat[i].hsub))) {
			pr_err("self-test hsub %zu: wrong output\n", i);
			return -EBADMSG;
		}
	}
	return 0;
}

const struct pmhs_mode_ops pmhs_password_ops = {
	.start = pmhs_pw_start,
	.finish = pmhs_pw_finish,
};
