// SPDX-License-Identifier: GPL-2.0
/* The handshake core shared by `handshake`, `listen` and `connect` (hs.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <keyutils.h>
#include <linux/pmhs.h>

#include <pmhs/pmhs.h>
#include "hs.h"
#include "jsonout.h"
#include "module.h"
#include "pins.h"
#include "pmhs-ctl.h"

static const struct {
	const char *name;
	int mode;
} mode_names[] = {
	{ "password", PMHS_MODE_PASSWORD },
	{ "mutual", PMHS_MODE_RSA_MUTUAL },
	{ "half-send", PMHS_MODE_RSA_HALF_SEND },
	{ "half-receive", PMHS_MODE_RSA_HALF_RECEIVE },
	{ "rsa-mutual", PMHS_MODE_RSA_MUTUAL },
	{ "send", PMHS_MODE_RSA_HALF_SEND },
	{ "receive", PMHS_MODE_RSA_HALF_RECEIVE },
	{ "noise", PMHS_MODE_NOISE },
	{ "opaque-register", PMHS_MODE_OPAQUE_REGISTER },
	{ "opaque-login", PMHS_MODE_OPAQUE_LOGIN },
};

int hs_mode_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(name, mode_names[i].name))
			return mode_names[i].mode;
	return -1;
}

const char *hs_mode_name(int mode)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (mode_names[i].mode == mode)
			return mode_names[i].name;
	return "unknown";
}

static int parse_keyring(const char *s, int32_t *out)
{
	static const struct { const char *name; int32_t id; } specs[] = {
		{ "@t", KEY_SPEC_THREAD_KEYRING },
		{ "@p", KEY_SPEC_PROCESS_KEYRING },
		{ "@s", KEY_SPEC_SESSION_KEYRING },
		{ "@u", KEY_SPEC_USER_KEYRING },
		{ "@us", KEY_SPEC_USER_SESSION_KEYRING },
		{ "@g", KEY_SPEC_GROUP_KEYRING },
	};
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (!strcmp(s, specs[i].name)) {
			*out = specs[i].id;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v <= 0 || v > INT32_MAX) {
		fprintf(stderr, "%s: --keyring takes @s, @u, @p, @t, @us, @g or a keyring's "
			"serial number, not '%s'\n", prog, s);
		return -1;
	}
	*out = (int32_t)v;
	return 0;
}

static int parse_iterations(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !isdigit((unsigned char)*s) || *end || v < PMHS_ITERATIONS_MIN ||
	    v > PMHS_ITERATIONS_MAX) {
		fprintf(stderr, "%s: --iterations takes %d..%d, not '%s'\n", prog,
			PMHS_ITERATIONS_MIN, PMHS_ITERATIONS_MAX, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_oaep(const char *s, int *out)
{
	if (!strcmp(s, "sha1"))
		*out = PMHS_OAEP_HASH_SHA1;
	else if (!strcmp(s, "sha256"))
		*out = PMHS_OAEP_HASH_SHA256;
	else {
		fprintf(stderr, "%s: --oaep-hash takes sha1 or sha256, not '%s'\n", prog, s);
		return -1;
	}
	return 0;
}

int hs_handle_opt(struct hs_opts *o, int c, const char *arg)
{
	int ret = pw_handle_opt(&o->pw, c, arg);

	if (!ret)
		ret = hs_noise_opt(o, c, arg);
	if (!ret)
		ret = hs_opaque_opt(o, c, arg);
	if (ret)
		return ret;
	switch (c) {
	case HS_OPT_IDENTITY: o->identity = arg; break;
	case HS_OPT_PEER_KEY: o->peer_key = arg; break;
	case HS_OPT_PEER: o->peer_name = arg; break;
	case HS_OPT_TOFU: o->tofu = true; break;
	case HS_OPT_ITERATIONS: return parse_iterations(arg, &o->iterations) ? -1 : 1;
	case HS_OPT_KEYRING: return parse_keyring(arg, &o->keyring) ? -1 : 1;
	case HS_OPT_LOGON: o->logon = true; break;
	case HS_OPT_DESCRIPTION: o->description = arg; break;
	case HS_OPT_MODULE_KEYRING: o->module_keyring = true; break;
	case HS_OPT_OAEP: return parse_oaep(arg, &o->oaep) ? -1 : 1;
	case HS_OPT_SHOW_SECRET: o->show_secret = true; break;
	default: return 0;
	}
	return 1;
}

static int bad(const char *why)
{
	fprintf(stderr, "%s: %s\n", prog, why);
	return PMHS_EXIT_USAGE;
}

static int validate_rsa(const struct hs_opts *o)
{
	if (!o->identity)
		return bad("RSA modes need --identity NAME (see: pmhs-ctl identity list)");
	if (!o->peer_key && !o->peer_name)
		return bad("RSA modes need the peer's public key: --peer-key FILE or --peer NAME");
	if (o->tofu && !(o->peer_key && o->peer_name))
		return bad("--tofu pins the key of --peer-key FILE as --peer NAME: give both");
	if (o->pw.count || o->pw.allow_weak || o->iterations)
		return bad("password options are for the password mode only");
	return PMHS_EXIT_OK;
}

static int validate_password(const struct hs_opts *o, bool manual)
{
	if (o->identity || o->peer_key || o->peer_name || o->tofu || o->oaep >= 0)
		return bad("the password mode takes no identity, peer key or --oaep-hash");
	if (manual && o->pw.from_stdin && !o->peer_msg_file)
		return bad("--password-stdin takes standard input, where the peer's message "
			   "would come from: give it with --peer-message-file FILE");
	return PMHS_EXIT_OK;
}

int hs_validate(const struct hs_opts *o, bool manual)
{
	int ret;

	if (o->mode < 0)
		return bad("which handshake? (password, mutual, half-send, half-receive, noise)");
	if (o->mode != PMHS_MODE_NOISE && o->noise.given)
		return bad("--pattern, --suite, --initiator, --responder, --key-file, "
			   "--remote-static, --psk-file, --node-id, --kdf, --prologue-file and "
			   "--payload-file are for the noise mode only");
	if (!hs_is_opaque(o->mode) && o->opaque.given)
		return bad("--server, --setup, --user, --store, --replace, --base64url, --ksf-*, "
			   "--context, --client-identity and --server-identity are for the "
			   "opaque modes only");
	if (hs_is_opaque(o->mode))
		ret = hs_opaque_validate(o, manual);
	else if (o->mode == PMHS_MODE_NOISE)
		ret = hs_noise_validate(o, manual);
	else
		ret = o->mode == PMHS_MODE_PASSWORD ? validate_password(o, manual) : validate_rsa(o);
	if (ret)
		return ret;
	if (o->show_secret && (o->logon || o->module_keyring))
		return bad("--show-secret cannot read a logon key, which is the point of one: "
			   "drop --logon/--module-keyring, or --show-secret");
	if (o->module_keyring && (o->keyring || o->logon))
		return bad("--module-keyring picks keyring and key type itself: drop "
			   "--keyring/--logon");
	if (o->description && (!*o->description || strlen(o->description) > PMHS_DESC_MAX))
		return bad("--description must be 1..256 bytes");
	return PMHS_EXIT_OK;
}

static int pin_lookup(enum pin_scope scope, const char *name, struct pmhs_key *pub,
		      char *err, size_t err_len)
{
	struct pin_store st;
	const struct pmhs_pin *p;
	int ret = pins_load(scope, &st, err, err_len);

	if (ret)
		return ret;
	p = pmhs_pins_find(st.pins, name);
	PMHS_INIT(*pub);
	if (!p)
		ret = -ENOENT;
	else if (pmhs_key_from_spki(p->spki, p->spki_len, pub, err, err_len))
		ret = -EBADMSG;
	pins_free(&st);
	return ret;
}

/* --peer NAME alone: the pinned key, which every store that has it agrees on. */
static int peer_from_pins(const char *name, struct pmhs_key *pub)
{
	char err[1024];
	bool new_pin;
	int ret = pin_lookup(PIN_USER, name, pub, err, sizeof(err));

	if (ret == -ENOENT)
		ret = pin_lookup(PIN_SYSTEM, name, pub, err, sizeof(err));
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: no pinned key for peer '%s' (pin it: %s pin add %s KEY-FILE, "
			"or give --peer-key FILE)\n", prog, name, prog, name);
		return PMHS_EXIT_NOTFOUND;
	}
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pins_exit_code(ret);
	}
	if (pub->bits < 1024) {
		fprintf(stderr, "%s: peer '%s' is pinned to a Noise (X25519) key: the RSA modes "
			"need its RSA key under another name\n", prog, name);
		pmhs_key_free(pub);
		return PMHS_EXIT_VERIFY;
	}
	ret = pins_check(name, pub, false, &new_pin, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		pmhs_key_free(pub);
		return pins_exit_code(ret);
	}
	return PMHS_EXIT_OK;
}

static int load_peer(const struct hs_opts *o, struct pmhs_key *pub)
{
	char err[1024];
	bool new_pin;
	int ret;

	if (!o->peer_key)
		return peer_from_pins(o->peer_name, pub);
	ret = kf_load_public(o->peer_key, pub, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: peer key: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	if (!o->peer_name)
		return PMHS_EXIT_OK;
	ret = pins_check(o->peer_name, pub, o->tofu, &new_pin, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		pmhs_key_free(pub);
		return pins_exit_code(ret);
	}
	if (new_pin)
		fprintf(stderr, "%s: '%s' was unknown: pinned its key on first use\n",
			prog, o->peer_name);
	return PMHS_EXIT_OK;
}

static int read_password(const struct hs_opts *o, struct hs *hs)
{
	char err[1024];
	double bits;
	int ret = pw_read(&o->pw, false, &hs->pw, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pw_exit_code(ret);
	}
	ret = pw_check_strength(hs->pw, o->pw.allow_weak, &bits, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n"
			"%s: the hsub we send is an offline-crackable verifier of the password:\n"
			"  anyone who sees it can guess passwords at leisure. Use a stronger one,\n"
			"  or --allow-weak if you know what you are doing.\n", prog, err, prog);
		return pw_exit_code(ret);
	}
	if (bits < PW_MIN_BITS)
		fprintf(stderr, "%s: warning: weak password (%.1f bits) accepted because of "
			"--allow-weak; its hsub can be cracked offline\n", prog, bits);
	return PMHS_EXIT_OK;
}

int hs_prepare(const struct hs_opts *o, struct hs *hs)
{
	int ret;

	memset(hs, 0, sizeof(*hs));
	if (o->mode == PMHS_MODE_NOISE)
		return hs_noise_prepare(o, hs);
	if (hs_is_opaque(o->mode))
		return hs_opaque_prepare(o, hs);
	if (o->mode == PMHS_MODE_PASSWORD)
		return read_password(o, hs);
	ret = load_peer(o, &hs->peer);
	hs->have_peer = !ret;
	return ret;
}

/* Where the secret goes, from the options. */
void hs_publish_from_opts(const struct hs_opts *o, struct pmhs_publish *pub)
{
	PMHS_INIT(*pub);
	pub->keyring = o->keyring;
	pub->key_type = o->logon ? PMHS_KEY_TYPE_LOGON : PMHS_KEY_TYPE_USER;
	pub->description = o->description;
	if (o->module_keyring)
		pub->flags |= PMHS_PUBLISH_MODULE_KEYRING;
}

/* Our message (NULL for half-receive) and the serial into @hs. */
static int take_step(struct hs *hs, const struct pmhs_step *st)
{
	hs->id = st->id;
	if (st->key_serial)
		hs->serial = st->key_serial;
	if (st->msg_len && !hs->msg) {
		hs->msg = malloc(st->msg_len);
		if (!hs->msg)
			return -ENOMEM;
		memcpy(hs->msg, st->msg, st->msg_len);
		hs->msg_len = st->msg_len;
	}
	return 0;
}

/*
 * The module looks the keyring up with "create": for a caller without a
 * session keyring (a daemon, a script from init) that would make a fresh
 * one for pmhs-ctl alone, and the key would die with it. Asking for @s
 * without "create" first installs the user-session keyring instead, as
 * keyctl(1) does, so the key outlives us.
 */
void hs_settle_keyring(const struct hs_opts *o)
{
	if (!o->module_keyring && (!o->keyring || o->keyring == KEY_SPEC_SESSION_KEYRING))
		keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
}

int hs_start(const struct hs_opts *o, struct hs *hs)
{
	static uint8_t msg[PMHS_MESSAGE_MAX];
	struct pmhs_session_params p;
	struct pmhs_publish pub;
	struct pmhs_step st;
	int ret;

	hs_settle_keyring(o);
	hs->h = ctl_open(&ret);
	if (!hs->h)
		return ret;
	hs_publish_from_opts(o, &pub);
	PMHS_INIT(p);
	p.mode = (uint32_t)o->mode;
	p.oaep_hash = -1;
	p.publish = &pub;
	if (o->mode == PMHS_MODE_PASSWORD) {
		p.password = hs->pw;
		p.password_len = strlen(hs->pw);
		p.iterations = o->iterations;
	} else {
		p.identity = o->identity;
		p.peer_pubkey = hs->peer.spki;
		p.peer_pubkey_len = hs->peer.spki_len;
		p.oaep_hash = o->oaep;
	}
	PMHS_INIT(st);
	st.msg = msg;
	st.msg_max = sizeof(msg);
	/* The library wipes the request, which holds the password, after sending. */
	ret = pmhs_session_new(hs->h, &p, &st);
	pw_free(hs->pw);
	hs->pw = NULL;
	if (!ret)
		ret = take_step(hs, &st);
	if (ret)
		return ctl_report(hs->h, "session-new", ret);
	if (o->mode != PMHS_MODE_RSA_HALF_RECEIVE && !hs->msg) {
		fprintf(stderr, "%s: session-new: the module sent no message\n", prog);
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

int hs_finish(struct hs *hs, const uint8_t *msg, size_t len)
{
	struct pmhs_step st;
	int ret;

	PMHS_INIT(st);
	ret = pmhs_session_step(hs->h, hs->id, msg, len, NULL, &st);
	if (!ret)
		ret = take_step(hs, &st);
	if (ret) {
		ret = ctl_report(hs->h, "the peer's message was refused", ret);
		if (ret == PMHS_EXIT_VERIFY)
			fprintf(stderr, "%s: no key was published\n", prog);
		return ret;
	}
	if (hs->serial <= 0) {
		fprintf(stderr, "%s: session-recv: the module published no key\n", prog);
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

/* The secret as hex, from the user key; NULL (message printed) if unreadable. */
char *hs_secret_hex(int32_t serial)
{
	void *payload = NULL;
	char *hex;
	long n = keyctl_read_alloc(serial, &payload);

	if (n < 0) {
		fprintf(stderr, "%s: cannot read key %d: %s\n", prog, serial, strerror(errno));
		return NULL;
	}
	hex = malloc(2 * (size_t)n + 1);
	if (hex)
		pmhs_hex_encode(hex, payload, (size_t)n);
	explicit_bzero(payload, (size_t)n);
	free(payload);
	return hex;
}

void hs_free_secret(char *hex)
{
	if (hex) {
		explicit_bzero(hex, strlen(hex));
		free(hex);
	}
}

int hs_report_end(struct json_object *j, char *secret)
{
	struct json_object *s;
	char *p;

	if (!j) {
		if (secret)
			printf("secret %s\n", secret);
		fflush(stdout);
		hs_free_secret(secret);
		return PMHS_EXIT_OK;
	}
	if (secret)
		json_object_object_add(j, "secret", json_object_new_string(secret));
	json_print(j);
	/* json-c keeps copies of the secret: the string and the printed form. */
	if (json_object_object_get_ex(j, "secret", &s)) {
		/* Printed again into the same buffer as the first time, then wiped. */
		p = (char *)json_object_to_json_string_ext(j, json_flags());
		explicit_bzero(p, strlen(p));
		p = (char *)json_object_get_string(s);
		explicit_bzero(p, strlen(p));
	}
	json_object_put(j);
	hs_free_secret(secret);
	return PMHS_EXIT_OK;
}

/* Our line: the hsub text itself (password), base64url on request, else hex. malloc()ed. */
char *hs_message_text(const struct hs_opts *o, const uint8_t *msg, size_t len)
{
	char *text = malloc(2 * len + 1);

	if (!text)
		return NULL;
	if (hs_is_opaque(o->mode) && o->opaque.b64url) {
		pmhs_b64url_encode(msg, len, text, 2 * len + 1);
	} else if (o->mode == PMHS_MODE_PASSWORD) {
		memcpy(text, msg, len);
		text[len] = '\0';
	} else {
		pmhs_hex_encode(text, msg, len);
	}
	return text;
}

int hs_report(const struct hs_opts *o, const struct hs *hs)
{
	char *secret = o->show_secret ? hs_secret_hex(hs->serial) : NULL;
	char fp_hex[PMHS_FP_HEX_LEN];
	uint8_t fp[PMHS_FP_LEN];
	struct json_object *j;

	if (o->show_secret && !secret)
		return PMHS_EXIT_FAIL;
	if (!json_output) {
		printf("serial %d\n", hs->serial);
		return hs_report_end(NULL, secret);
	}
	j = json_object_new_object();
	json_object_object_add(j, "serial", json_object_new_int(hs->serial));
	json_object_object_add(j, "session", json_object_new_int64(hs->id));
	json_object_object_add(j, "mode", json_object_new_string(hs_mode_name(o->mode)));
	json_object_object_add(j, "key_type", json_object_new_string(
		o->logon || o->module_keyring ? "logon" : "user"));
	if (hs->msg) {
		char *text = hs_message_text(o, hs->msg, hs->msg_len);

		if (text)
			json_object_object_add(j, "message", json_object_new_string(text));
		free(text);
	}
	if (hs->have_peer) {
		pmhs_fingerprint(hs->peer.spki, hs->peer.spki_len, fp);
		pmhs_fp_hex(fp, fp_hex);
		json_object_object_add(j, "peer_sha256", json_object_new_string(fp_hex));
	}
	return hs_report_end(j, secret);
}

void hs_free(struct hs *hs)
{
	hs_noise_free(hs);
	hs_opaque_free(hs);
	pw_free(hs->pw);
	free(hs->msg);
	if (hs->have_peer)
		pmhs_key_free(&hs->peer);
	/* Closing the handle destroys an unfinished session in the module. */
	pmhs_close(hs->h);
	memset(hs, 0, sizeof(*hs));
}

static int check_hsub(const char *text, size_t len, char *err, size_t err_len)
{
	if (!len) {
		snprintf(err, err_len, "empty hex string");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)text[i])) {
			snprintf(err, err_len, "not a hex digit at position %zu%s", i + 1,
				 isgraph((unsigned char)text[i]) ? "" : " (whitespace or control)");
			return -1;
		}
	}
	return 0;
}

int hs_decode_peer(int mode, const char *text, size_t text_len, uint8_t *out,
		   size_t out_max, size_t *len, char *err, size_t err_len)
{
	ssize_t n;

	if (mode != PMHS_MODE_PASSWORD) {
		n = pmhs_hex_decode(out, out_max, text, text_len, err, err_len);
		if (n < 0)
			return -1;
		*len = (size_t)n;
		return 0;
	}
	/* The hsub is hex text itself, and goes to the module as text. */
	if (text_len && text[text_len - 1] == '\n')
		text_len--;
	if (text_len && text[text_len - 1] == '\r')
		text_len--;
	if (text_len > out_max) {
		snprintf(err, err_len, "hsub too long: %zu characters", text_len);
		return -1;
	}
	if (check_hsub(text, text_len, err, err_len))
		return -1;
	memcpy(out, text, text_len);
	*len = text_len;
	return 0;
}
