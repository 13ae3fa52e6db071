// SPDX-License-Identifier: GPL-2.0
/*
 * The OPAQUE modes as pmhs-ctl drives them (`opaque register|login`, and
 * listen/connect --mode opaque-*): three messages, the client's first.
 * The module runs the protocol; this reads the password (client), keeps
 * the users' records in the store (server), and decodes the peer's lines,
 * hex or base64url (as opaque-ke based tools carry them).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <keyutils.h>

#include <pmhs/pmhs.h>
#include "hs.h"
#include "jsonout.h"
#include "keyfile.h"
#include "module.h"
#include "pmhs-ctl.h"

#define AUTH_FAILED "authentication failed (wrong password or unknown user)"

struct hs_opaque {
	char user[PMHS_OPAQUE_CRED_ID_MAX + 1];
	size_t user_len;
	uint8_t record[PMHS_OPAQUE_RECORD_LEN];
	bool have_record;		/* login: the user's; register: one existed */
	int32_t export_serial;
	int next;			/* index of the next message, 0..3 */
	bool stored;
	uint8_t peer[64];		/* login server: who asks, for the limiter */
	size_t peer_len;
};

/* Sizes of the three messages, RFC 9807's serializations. */
static const size_t reg_len[3] = { 32, 64, PMHS_OPAQUE_RECORD_LEN };
static const size_t login_len[3] = { 96, 320, 64 };
static const char *const reg_name[3] = {
	"registration request", "registration response", "registration record"
};
static const char *const login_name[3] = { "KE1", "KE2", "KE3" };

static int parse_u32(const char *opt, const char *s, unsigned long min, unsigned long max,
		     uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !isdigit((unsigned char)*s) || *end || v < min || v > max) {
		fprintf(stderr, "%s: %s takes %lu..%lu, not '%s'\n", prog, opt, min, max, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int check_string(const char *opt, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PMHS_OPAQUE_ID_MAX) {
		fprintf(stderr, "%s: %s must be 1..%d bytes\n", prog, opt, PMHS_OPAQUE_ID_MAX);
		return -1;
	}
	return 0;
}

/* Printable names only: they show in messages and logs. */
static bool user_ok(const void *p, size_t n)
{
	const unsigned char *u = p;

	if (!n || n > PMHS_OPAQUE_CRED_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (u[i] < 0x20 || u[i] == 0x7f)
			return false;
	return true;
}

int hs_opaque_opt(struct hs_opts *o, int c, const char *arg)
{
	struct hs_opaque_opts *q = &o->opaque;

	switch (c) {
	case HS_OPT_SERVER: q->server = true; break;
	case HS_OPT_SETUP: o->identity = arg; break;
	case HS_OPT_USER:
		if (!user_ok(arg, strlen(arg))) {
			fprintf(stderr, "%s: --user must be 1..%d bytes, no control characters\n",
				prog, PMHS_OPAQUE_CRED_ID_MAX);
			return -1;
		}
		q->user = arg;
		break;
	case HS_OPT_STORE:
		if (!*arg) {
			fprintf(stderr, "%s: --store needs a directory\n", prog);
			return -1;
		}
		q->store = arg;
		break;
	case HS_OPT_REPLACE: q->replace = true; break;
	case HS_OPT_USER_KEY: q->user_key = true; break;
	case HS_OPT_PEER_TAG:
		if (!*arg || strlen(arg) > 64) {
			fprintf(stderr, "%s: --peer-tag must be 1..64 bytes\n", prog);
			return -1;
		}
		q->peer_tag = arg;
		break;
	case HS_OPT_BASE64URL: q->b64url = true; break;
	case HS_OPT_KSF_MEMORY:
		return parse_u32("--ksf-memory", arg, 8, PMHS_OPAQUE_KSF_M_KIB_MAX, &q->m_kib) ?
		       -1 : (q->given++, 1);
	case HS_OPT_KSF_PASSES:
		return parse_u32("--ksf-passes", arg, 1, PMHS_OPAQUE_KSF_T_MAX, &q->t) ?
		       -1 : (q->given++, 1);
	case HS_OPT_KSF_LANES:
		return parse_u32("--ksf-lanes", arg, 1, PMHS_OPAQUE_KSF_P_MAX, &q->p) ?
		       -1 : (q->given++, 1);
	case HS_OPT_CONTEXT:
		if (check_string("--context", arg))
			return -1;
		q->context = arg;
		break;
	case HS_OPT_CLIENT_ID:
		if (check_string("--client-identity", arg))
			return -1;
		q->client_id = arg;
		break;
	case HS_OPT_SERVER_ID:
		if (check_string("--server-identity", arg))
			return -1;
		q->server_id = arg;
		break;
	default:
		return 0;
	}
	q->given++;
	return 1;
}

static int bad(const char *why)
{
	fprintf(stderr, "%s: %s\n", prog, why);
	return PMHS_EXIT_USAGE;
}

/* The KSF the options give: opaque-ke's Argon2::default() where they say nothing. */
static void ksf_from_opts(const struct hs_opts *o, struct pmhs_opaque_ksf *k)
{
	PMHS_INIT(*k);
	k->m_kib = o->opaque.m_kib ? o->opaque.m_kib : PMHS_OPAQUE_KSF_M_KIB;
	k->t = o->opaque.t ? o->opaque.t : PMHS_OPAQUE_KSF_T;
	k->p = o->opaque.p ? o->opaque.p : PMHS_OPAQUE_KSF_P;
}

int hs_opaque_validate(const struct hs_opts *o, bool manual)
{
	const struct hs_opaque_opts *q = &o->opaque;
	struct pmhs_opaque_ksf k;

	if (o->peer_key || o->peer_name || o->tofu || o->oaep >= 0 || o->iterations)
		return bad("the opaque modes take no --peer-key, --peer, --tofu, --oaep-hash "
			   "or --iterations");
	if (q->server) {
		if (!o->identity)
			return bad("the server needs --identity NAME, its opaque-server identity "
				   "(pmhs-ctl opaque setup FILE; pmhs-ctl identity import NAME FILE)");
		if (manual && !q->user)
			return bad("the server needs --user NAME, the user who registers or "
				   "logs in");
		if (!manual && q->user)
			return bad("listen takes no --user: the client names the user");
		if (o->pw.count || o->pw.allow_weak)
			return bad("the server takes no password: only the client knows it");
		if (q->m_kib || q->t || q->p)
			return bad("--ksf-memory, --ksf-passes and --ksf-lanes are the client's: "
				   "the server never runs the KSF");
		if (q->replace && o->mode != PMHS_MODE_OPAQUE_REGISTER)
			return bad("--replace is for opaque register --server");
		if (o->show_secret && o->mode == PMHS_MODE_OPAQUE_REGISTER)
			return bad("a registration gives the server no secret to show");
		if (q->peer_tag && (o->mode != PMHS_MODE_OPAQUE_LOGIN || !manual))
			return bad("--peer-tag is for the manual login server (listen passes "
				   "the client's address itself)");
		if (q->user_key && o->mode != PMHS_MODE_OPAQUE_LOGIN)
			return bad("--user-key is for the login server: a registration "
				   "publishes nothing on the server");
		if (q->user_key && (o->logon || o->module_keyring))
			return bad("--user-key asks for a user key: drop --logon/--module-keyring");
		if (o->show_secret && !q->user_key)
			return bad("the server's session key is a logon key, which nobody can "
				   "read: add --user-key to --show-secret");
	} else {
		if (o->identity)
			return bad("--identity/--setup are the server's (opaque ... --server)");
		if (q->store || q->replace || q->user_key || q->peer_tag)
			return bad("--store, --replace, --user-key and --peer-tag are the "
				   "server's (opaque ... --server)");
		if (manual && q->user)
			return bad("the client of a manual exchange names no user: the server "
				   "side gives --user NAME");
		if (!manual && !q->user)
			return bad("connect needs --user NAME: the user to register or log in as");
		if (manual && o->pw.from_stdin && !o->peer_msg_file)
			return bad("--password-stdin takes standard input, where the server's "
				   "message would come from: give it with --peer-message-file FILE");
		if (o->show_secret && o->mode == PMHS_MODE_OPAQUE_REGISTER)
			return bad("--show-secret shows a login's session key: a registration "
				   "has none");
		ksf_from_opts(o, &k);
		if (k.m_kib < 8 * k.p)
			return bad("--ksf-memory must be at least 8 KiB per lane (--ksf-lanes)");
	}
	return PMHS_EXIT_OK;
}

static int read_password(const struct hs_opts *o, struct hs *hs)
{
	bool reg = o->mode == PMHS_MODE_OPAQUE_REGISTER;
	char err[1024];
	double bits;
	int ret = pw_read(&o->pw, reg, &hs->pw, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pw_exit_code(ret);
	}
	/* A new password only: a login's password is whatever was registered. */
	if (!reg)
		return PMHS_EXIT_OK;
	ret = pw_check_strength(hs->pw, o->pw.allow_weak, &bits, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n"
			"%s: whoever steals the server's record can guess passwords offline, at\n"
			"  the cost of one KSF run each. Use a stronger one, or --allow-weak if\n"
			"  you know what you are doing.\n", prog, err, prog);
		return pw_exit_code(ret);
	}
	if (bits < PW_MIN_BITS)
		fprintf(stderr, "%s: warning: weak password (%.1f bits) accepted because of "
			"--allow-weak\n", prog, bits);
	return PMHS_EXIT_OK;
}

int hs_opaque_set_user(struct hs *hs, const void *user, size_t len)
{
	if (!user_ok(user, len))
		return -1;
	memcpy(hs->opaque->user, user, len);
	hs->opaque->user[len] = '\0';
	hs->opaque->user_len = len;
	return 0;
}

void hs_opaque_set_peer(struct hs *hs, const void *peer, size_t len)
{
	hs->opaque->peer_len = len < sizeof(hs->opaque->peer) ? len : sizeof(hs->opaque->peer);
	memcpy(hs->opaque->peer, peer, hs->opaque->peer_len);
}

int hs_opaque_prepare(const struct hs_opts *o, struct hs *hs)
{
	hs->opaque = calloc(1, sizeof(*hs->opaque));
	if (!hs->opaque) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return PMHS_EXIT_FAIL;
	}
	if (o->opaque.user)
		hs_opaque_set_user(hs, o->opaque.user, strlen(o->opaque.user));
	if (o->opaque.peer_tag)
		hs_opaque_set_peer(hs, o->opaque.peer_tag, strlen(o->opaque.peer_tag));
	return o->opaque.server ? PMHS_EXIT_OK : read_password(o, hs);
}

static const char *store_dir(const struct hs_opts *o)
{
	return o->opaque.store ? o->opaque.store : HS_OPAQUE_STORE;
}

int hs_opaque_check_store(const struct hs_opts *o, struct hs *hs)
{
	struct hs_opaque *q = hs->opaque;
	const char *dir = store_dir(o);
	char err[1024];
	int ret;

	ret = pmhs_opaque_store_get(dir, q->user, q->user_len, q->record, err, sizeof(err));
	if (ret && ret != -ENOENT) {
		fprintf(stderr, "%s: record store: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	q->have_record = !ret;
	if (o->mode == PMHS_MODE_OPAQUE_LOGIN)
		return PMHS_EXIT_OK;
	explicit_bzero(q->record, sizeof(q->record));
	if (q->have_record && !o->opaque.replace) {
		fprintf(stderr, "%s: user '%s' is registered already in %s (--replace to "
			"register again)\n", prog, q->user, dir);
		return PMHS_EXIT_FAIL;
	}
	/* Find out now, not after the client has done its part. */
	if (access(dir, W_OK) && errno != ENOENT) {
		fprintf(stderr, "%s: record store %s: %s\n", prog, dir, strerror(errno));
		return kf_exit_code(-errno);
	}
	return PMHS_EXIT_OK;
}

static void fill_params(const struct hs_opts *o, struct hs *hs, struct pmhs_opaque_params *p)
{
	const struct hs_opaque_opts *q = &o->opaque;

	PMHS_INIT(*p);
	p->role = q->server ? PMHS_ROLE_RESPONDER : PMHS_ROLE_INITIATOR;
	if (q->server) {
		p->identity = o->identity;
		p->cred_id = hs->opaque->user;
		p->cred_id_len = hs->opaque->user_len;
		/* No record: the module answers from a fake one, as for any unknown user. */
		if (o->mode == PMHS_MODE_OPAQUE_LOGIN && hs->opaque->have_record)
			p->record = hs->opaque->record;
		if (o->mode == PMHS_MODE_OPAQUE_LOGIN && hs->opaque->peer_len) {
			p->peer = hs->opaque->peer;
			p->peer_len = hs->opaque->peer_len;
		}
	} else {
		p->password = hs->pw;
		p->password_len = strlen(hs->pw);
	}
	if (q->context) {
		p->context = q->context;
		p->context_len = strlen(q->context);
	}
	if (q->client_id) {
		p->client_identity = q->client_id;
		p->client_identity_len = strlen(q->client_id);
	}
	if (q->server_id) {
		p->server_identity = q->server_id;
		p->server_identity_len = strlen(q->server_id);
	}
}

/* Our next message into hs->msg, the serials into hs. */
static int take(struct hs *hs, const struct pmhs_opaque_step *st)
{
	hs->id = st->id;
	if (st->key_serial > 0)
		hs->serial = st->key_serial;
	if (st->export_serial > 0)
		hs->opaque->export_serial = st->export_serial;
	free(hs->msg);
	hs->msg = NULL;
	hs->msg_len = 0;
	if (!st->msg_len)
		return 0;
	hs->msg = malloc(st->msg_len);
	if (!hs->msg)
		return -ENOMEM;
	memcpy(hs->msg, st->msg, st->msg_len);
	hs->msg_len = st->msg_len;
	return 0;
}

int hs_opaque_start(const struct hs_opts *o, struct hs *hs)
{
	struct pmhs_opaque_params p;
	struct pmhs_publish pub;
	struct pmhs_opaque_step st;
	int ret;

	hs_settle_keyring(o);
	hs->h = ctl_open(&ret);
	if (!hs->h)
		return ret;
	if (o->opaque.server)
		return PMHS_EXIT_OK;	/* the session starts with the client's message */
	hs_publish_from_opts(o, &pub);
	if (o->opaque.user_key)
		pub.flags |= PMHS_PUBLISH_USER_KEY;
	fill_params(o, hs, &p);
	PMHS_INIT(st);
	/* The library wipes the request, which holds the password, after sending. */
	ret = pmhs_opaque_start(hs->h, (uint32_t)o->mode, &p, &pub, &st);
	pw_free(hs->pw);
	hs->pw = NULL;
	if (!ret)
		ret = take(hs, &st);
	if (ret)
		return ctl_report(hs->h, "session-new", ret);
	hs->opaque->next = 1;
	return PMHS_EXIT_OK;
}

bool hs_opaque_ours(const struct hs_opts *o, int i)
{
	return (i % 2 == 1) == o->opaque.server;
}

size_t hs_opaque_expect(const struct hs_opts *o, const struct hs *hs)
{
	int i = hs->opaque->next;

	if (i > 2)
		return 0;
	return o->mode == PMHS_MODE_OPAQUE_REGISTER ? reg_len[i] : login_len[i];
}

const char *hs_opaque_expect_name(const struct hs_opts *o, const struct hs *hs)
{
	int i = hs->opaque->next;

	if (i > 2)
		return "message";
	return o->mode == PMHS_MODE_OPAQUE_REGISTER ? reg_name[i] : login_name[i];
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

int hs_opaque_decode(const char *text, size_t len, size_t want, const char *what,
		     uint8_t *out, size_t *out_len, char *err, size_t err_len)
{
	const size_t max = PMHS_OPAQUE_RECORD_LEN + PMHS_OPAQUE_MSG_MAX;
	ssize_t n;

	if (!len) {
		snprintf(err, err_len, "an empty line, not the %s", what);
		return -1;
	}
	/*
	 * The two encodings of @want bytes differ in length; for any other
	 * length the digits say which decoder gives the reason.
	 */
	if (len == 2 * want ||
	    (len != PMHS_B64URL_LEN(want) && len != (want + 2) / 3 * 4 && all_hex(text, len)))
		n = pmhs_hex_decode(out, max, text, len, err, err_len);
	else
		n = pmhs_b64url_decode(text, len, out, max, err, err_len);
	if (n < 0)
		return -1;
	if ((size_t)n != want) {
		snprintf(err, err_len, "%zd bytes, but the %s is %zu bytes (%zu hex digits or %zu "
			 "base64url characters)", n, what, want, 2 * want, PMHS_B64URL_LEN(want));
		return -1;
	}
	*out_len = (size_t)n;
	return 0;
}

static int auth_failed(void)
{
	fprintf(stderr, "%s: " AUTH_FAILED "\n%s: no key was published\n", prog, prog);
	return PMHS_EXIT_VERIFY;
}

static int store_record(const struct hs_opts *o, struct hs *hs)
{
	struct hs_opaque *q = hs->opaque;
	char err[1024];
	int ret;

	ret = pmhs_opaque_store_put(store_dir(o), q->user, q->user_len, q->record,
				    o->opaque.replace ? PMHS_WRITE_REPLACE : 0, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: record store: %s\n", prog, err);
		return ret == -EEXIST ? PMHS_EXIT_FAIL : kf_exit_code(ret);
	}
	q->stored = true;
	return PMHS_EXIT_OK;
}

int hs_opaque_read(const struct hs_opts *o, struct hs *hs, const uint8_t *msg, size_t len)
{
	bool login = o->mode == PMHS_MODE_OPAQUE_LOGIN, server = o->opaque.server;
	struct hs_opaque *q = hs->opaque;
	struct pmhs_opaque_params p;
	struct pmhs_opaque_step st;
	struct pmhs_publish pub;
	struct pmhs_opaque_ksf k;
	int i = q->next, ret;

	if (len != hs_opaque_expect(o, hs)) {
		fprintf(stderr, "%s: the peer's %s is %zu bytes, not %zu\n", prog,
			hs_opaque_expect_name(o, hs), len, hs_opaque_expect(o, hs));
		return PMHS_EXIT_MALFORMED;
	}
	hs_publish_from_opts(o, &pub);
	if (o->opaque.user_key)
		pub.flags |= PMHS_PUBLISH_USER_KEY;
	PMHS_INIT(st);
	if (server && i == 0) {
		fill_params(o, hs, &p);
		ret = pmhs_opaque_start(hs->h, (uint32_t)o->mode, &p, &pub, &st);
		if (!ret)
			ret = take(hs, &st);
		if (ret)
			return ctl_report(hs->h, "session-new", ret);
	}
	ksf_from_opts(o, &k);
	ret = pmhs_opaque_next(hs->h, hs->id, server ? NULL : &k, msg, len, &pub, &st);
	if (!ret)
		ret = take(hs, &st);
	q->next += 2;
	if (ret == -EBADMSG && login)
		return auth_failed();
	if (ret == -EBADMSG)
		fprintf(stderr, "%s: the %s was refused: no record was made\n", prog,
			server ? "client's registration record" : "server's registration response");
	if (ret)
		return ctl_report(hs->h, server ? "the client's message" : "the server's message",
				  ret);
	if (server && i == 2 && !login) {
		/* The module took the record; it is ours to keep. */
		memcpy(q->record, msg, PMHS_OPAQUE_RECORD_LEN);
		return store_record(o, hs);
	}
	if (login && (i == 2 || !server) && hs->serial <= 0) {
		fprintf(stderr, "%s: session-recv: the module published no key\n", prog);
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

int hs_opaque_peer_eof(const struct hs_opts *o, const struct hs *hs, const char *from)
{
	/* A client whose password (or user) is wrong sends no KE3: as over TCP. */
	if (o->mode == PMHS_MODE_OPAQUE_LOGIN && o->opaque.server && hs->opaque->next == 2) {
		fprintf(stderr, "%s: " AUTH_FAILED "\n", prog);
		return PMHS_EXIT_VERIFY;
	}
	fprintf(stderr, "%s: %s ended: no %s from the peer\n", prog, from,
		hs_opaque_expect_name(o, hs));
	return PMHS_EXIT_FAIL;
}

int hs_opaque_peer_failed(const struct hs_opts *o, int i)
{
	bool login = o->mode == PMHS_MODE_OPAQUE_LOGIN;

	/* The client gives up at KE2: a wrong password or an unknown user. */
	if (login && o->opaque.server && i == 2) {
		fprintf(stderr, "%s: " AUTH_FAILED "\n", prog);
		return PMHS_EXIT_VERIFY;
	}
	if (o->opaque.server)
		fprintf(stderr, "%s: the client could not finish the registration "
			"(see its messages): nothing was stored\n", prog);
	else
		fprintf(stderr, "%s: the server refused the %s (see its messages%s)\n", prog,
			login ? "login" : "registration",
			login ? "" : "; a user registered already needs --replace there");
	return PMHS_EXIT_FAIL;
}

void hs_opaque_revoke(struct hs *hs)
{
	struct hs_opaque *q = hs->opaque;

	if (hs->serial > 0) {
		keyctl_invalidate(hs->serial);
		fprintf(stderr, "%s: revoked the key we had published (serial %d)\n", prog,
			hs->serial);
		hs->serial = 0;
	}
	if (q && q->export_serial > 0) {
		keyctl_invalidate(q->export_serial);
		fprintf(stderr, "%s: revoked the export key we had published (serial %d)\n", prog,
			q->export_serial);
		q->export_serial = 0;
	}
}

int hs_opaque_report(const struct hs_opts *o, const struct hs *hs)
{
	const struct hs_opaque *q = hs->opaque;
	bool login = o->mode == PMHS_MODE_OPAQUE_LOGIN, server = o->opaque.server;
	char *secret = NULL;
	struct json_object *j;

	if (o->show_secret && !(secret = hs_secret_hex(hs->serial)))
		return PMHS_EXIT_FAIL;
	if (!json_output) {
		if (login)
			printf("serial %d\n", hs->serial);
		if (!server)
			printf("export-serial %d\n", q->export_serial);
		if (server && !login)
			printf("registered user '%s' in %s (%s)\n", q->user, store_dir(o),
			       q->have_record ? "replaced" : "created");
		return hs_report_end(NULL, secret);
	}
	j = json_object_new_object();
	json_object_object_add(j, "mode", json_object_new_string(hs_mode_name(o->mode)));
	json_object_object_add(j, "role", json_object_new_string(server ? "server" : "client"));
	json_object_object_add(j, "session", json_object_new_int64(hs->id));
	if (login)
		json_object_object_add(j, "serial", json_object_new_int(hs->serial));
	if (!server)
		json_object_object_add(j, "export_serial", json_object_new_int(q->export_serial));
	if (login || !server)
		json_object_object_add(j, "key_type", json_object_new_string(
			o->logon || o->module_keyring || (server && !o->opaque.user_key) ?
			"logon" : "user"));
	if (server) {
		json_object_object_add(j, "user", json_object_new_string(q->user));
		json_object_object_add(j, "store", json_object_new_string(store_dir(o)));
	}
	if (server && !login)
		json_object_object_add(j, "outcome", json_object_new_string(
			q->have_record ? "replaced" : "created"));
	if (hs->msg) {
		char *text = hs_message_text(o, hs->msg, hs->msg_len);

		if (text)
			json_object_object_add(j, "message", json_object_new_string(text));
		free(text);
	}
	return hs_report_end(j, secret);
}

void hs_opaque_free(struct hs *hs)
{
	if (!hs->opaque)
		return;
	explicit_bzero(hs->opaque, sizeof(*hs->opaque));
	free(hs->opaque);
	hs->opaque = NULL;
}
