// SPDX-License-Identifier: GPL-2.0
/*
 * The noise mode of `handshake`, `listen` and `connect` (hs.h): Noise
 * XXpsk2 / KKpsk0 run by the module, which keeps static keys, ephemerals
 * and CipherStates. Here: the PSK (from a file, or derived from a
 * password with argon2id/PBKDF2 as HiveMind does), prologue and payload
 * files, the peer's static key against --remote-static or the pin store,
 * and the messages in the pattern's order.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <keyutils.h>
#include <linux/pmhs.h>
#include <openssl/crypto.h>

#include <pmhs/pmhs.h>
#include "hs.h"
#include "jsonout.h"
#include "module.h"
#include "pins.h"
#include "pmhs-ctl.h"

#define NOISE_MAX_MSGS	3
#define PROLOGUE_MAX	PMHS_MESSAGE_MAX

struct hs_noise {
	uint8_t psk[32];
	bool have_psk;
	uint8_t *prologue, *payload;
	size_t prologue_len, payload_len;
	bool payload_sent;
	uint8_t rs[32];			/* the peer's static key we expect */
	bool have_rs;
	bool rs_from_pin;
	const char *identity;		/* ours: --identity or the temporary one */
	char tmp_identity[PMHS_NAME_MAX + 1];
	int next;			/* index of the next message */
	/* results */
	uint32_t flags;			/* PMHS_STEP_* */
	uint8_t hash[32], peer_static[32];
	bool pinned_new;
	char *ours_hex[NOISE_MAX_MSGS];
	int nours;
	char *peer_payload_hex[NOISE_MAX_MSGS];
	int npeer;
};

static int bad(const char *why)
{
	fprintf(stderr, "%s: %s\n", prog, why);
	return PMHS_EXIT_USAGE;
}

int hs_noise_opt(struct hs_opts *o, int c, const char *arg)
{
	struct hs_noise_opts *n = &o->noise;

	switch (c) {
	case HS_OPT_PATTERN:
		if (!strcmp(arg, "xx") || !strcmp(arg, "XXpsk2"))
			n->pattern = HS_NOISE_XX;
		else if (!strcmp(arg, "kk") || !strcmp(arg, "KKpsk0"))
			n->pattern = HS_NOISE_KK;
		else {
			fprintf(stderr, "%s: --pattern takes xx (XXpsk2) or kk (KKpsk0), not '%s'\n",
				prog, arg);
			return -1;
		}
		break;
	case HS_OPT_SUITE:
		if (!strcmp(arg, "chachapoly"))
			n->suite = HS_NOISE_CHACHAPOLY;
		else if (!strcmp(arg, "aesgcm"))
			n->suite = HS_NOISE_AESGCM;
		else {
			fprintf(stderr, "%s: --suite takes chachapoly or aesgcm, not '%s'\n", prog, arg);
			return -1;
		}
		break;
	case HS_OPT_INITIATOR:
	case HS_OPT_RESPONDER:
		if (n->role >= 0) {
			fprintf(stderr, "%s: give one of --initiator and --responder\n", prog);
			return -1;
		}
		n->role = c == HS_OPT_INITIATOR ? PMHS_ROLE_INITIATOR : PMHS_ROLE_RESPONDER;
		break;
	case HS_OPT_KEY_FILE: n->key_file = arg; break;
	case HS_OPT_REMOTE_STATIC: n->remote_static = arg; break;
	case HS_OPT_PSK_FILE: n->psk_file = arg; break;
	case HS_OPT_NODE_ID:
		if (!*arg || strlen(arg) > 1024) {
			fprintf(stderr, "%s: --node-id must be 1..1024 bytes\n", prog);
			return -1;
		}
		n->node_id = arg;
		break;
	case HS_OPT_KDF:
		if (!strcmp(arg, "argon2id"))
			n->kdf = HS_NOISE_KDF_ARGON2ID;
		else if (!strcmp(arg, "pbkdf2"))
			n->kdf = HS_NOISE_KDF_PBKDF2;
		else {
			fprintf(stderr, "%s: --kdf takes argon2id or pbkdf2, not '%s'\n", prog, arg);
			return -1;
		}
		break;
	case HS_OPT_PROLOGUE_FILE: n->prologue_file = arg; break;
	case HS_OPT_PAYLOAD_FILE: n->payload_file = arg; break;
	default: return 0;
	}
	n->given++;
	return 1;
}

int hs_noise_validate(const struct hs_opts *o, bool manual)
{
	const struct hs_noise_opts *n = &o->noise;

	if (manual && n->role < 0)
		return bad("noise: which side are we? --initiator or --responder "
			   "(the initiator sends the first message)");
	if (!manual && n->role >= 0)
		return bad("noise: connect is the initiator and listen the responder: "
			   "drop --initiator/--responder");
	if (!o->identity == !n->key_file)
		return bad("noise: our static key: give --identity NAME (an X25519 identity, "
			   "see pmhs-ctl identity list) or --key-file FILE, one of them");
	if (o->peer_key || o->tofu || o->oaep >= 0)
		return bad("noise: --peer-key, --tofu and --oaep-hash are for the RSA modes; "
			   "the peer's key is --remote-static HEX or --peer NAME");
	if (n->pattern == HS_NOISE_KK && !n->remote_static && !o->peer_name)
		return bad("noise: KK needs the peer's static key in advance: --remote-static HEX "
			   "or --peer NAME (pinned: pmhs-ctl pin add)");
	if (n->psk_file && (o->pw.count || o->pw.allow_weak))
		return bad("noise: the PSK comes from --psk-file or from a password, not both");
	if (n->psk_file && (n->node_id || n->kdf || o->iterations))
		return bad("noise: --node-id, --kdf and --iterations derive the PSK from a "
			   "password; --psk-file takes it as is");
	if (o->iterations && n->kdf != HS_NOISE_KDF_PBKDF2)
		return bad("noise: --iterations is for --kdf pbkdf2 (argon2id's cost is fixed: "
			   "t=3, m=64 MiB, p=1)");
	if (manual && o->pw.from_stdin && !o->peer_msg_file)
		return bad("--password-stdin takes standard input, where the peer's messages "
			   "would come from: give them with --peer-message-file FILE");
	return PMHS_EXIT_OK;
}

const char *hs_noise_protocol(const struct hs_opts *o)
{
	bool kk = o->noise.pattern == HS_NOISE_KK;
	bool aes = o->noise.suite == HS_NOISE_AESGCM;

	if (kk)
		return aes ? "Noise_KKpsk0_25519_AESGCM_SHA256" : "Noise_KKpsk0_25519_ChaChaPoly_SHA256";
	return aes ? "Noise_XXpsk2_25519_AESGCM_SHA256" : "Noise_XXpsk2_25519_ChaChaPoly_SHA256";
}

int hs_noise_nmsgs(const struct hs_opts *o)
{
	return o->noise.pattern == HS_NOISE_KK ? 2 : 3;
}

/* Even messages are the initiator's. */
bool hs_noise_ours(const struct hs_opts *o, int i)
{
	return (i % 2 == 0) == (o->noise.role == PMHS_ROLE_INITIATOR);
}

/*
 * A whole small file. @secret: refuse one that others may read, as key
 * and password files are refused.
 */
static int read_file(const char *what, const char *path, size_t max, bool secret,
		     uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
		return errno == ENOENT ? PMHS_EXIT_NOTFOUND :
		       errno == EACCES ? PMHS_EXIT_PERM : PMHS_EXIT_FAIL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s %s: not a regular file\n", prog, what, path);
		close(fd);
		return PMHS_EXIT_FAIL;
	}
	if (secret && (st.st_mode & 077)) {
		fprintf(stderr, "%s: %s %s is readable by others (mode %04o): "
			"chmod 600 %s, and make a new one if others may have read it\n",
			prog, what, path, (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return PMHS_EXIT_PERM;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return PMHS_EXIT_FAIL;
	}
	while (n <= max && (r = read(fd, buf + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
			n = SIZE_MAX;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n == SIZE_MAX || n > max) {
		if (n != SIZE_MAX)
			fprintf(stderr, "%s: %s %s is longer than %zu bytes\n", prog, what, path, max);
		explicit_bzero(buf, max + 1);
		free(buf);
		return PMHS_EXIT_FAIL;
	}
	*out = buf;
	*len = n;
	return PMHS_EXIT_OK;
}

/* 32 raw bytes, or 64 hex digits and at most one newline. */
static int load_psk(const char *path, uint8_t psk[32])
{
	char err[256];
	uint8_t *buf;
	size_t len;
	ssize_t n;
	int ret = read_file("PSK file", path, 128, true, &buf, &len);

	if (ret)
		return ret;
	if (len == 32) {
		memcpy(psk, buf, 32);
	} else {
		n = pmhs_hex_decode(psk, 32, (const char *)buf, len, err, sizeof(err));
		if (n != 32) {
			fprintf(stderr, "%s: PSK file %s: not 32 raw bytes nor 64 hex digits (%s)\n",
				prog, path, n < 0 ? err : "wrong length");
			ret = PMHS_EXIT_USAGE;
		}
	}
	explicit_bzero(buf, len);
	free(buf);
	return ret;
}

static int derive_psk(const struct hs_opts *o, uint8_t psk[32])
{
	const char *node = o->noise.node_id;
	size_t node_len = node ? strlen(node) : 0;
	char err[1024], *pw = NULL;
	double bits;
	int ret = pw_read(&o->pw, false, &pw, err, sizeof(err));

	if (ret == PW_ENOTTY) {
		fprintf(stderr, "%s: the noise modes need a PSK: --psk-file FILE, or a password "
			"(--password-file FILE, --password-key KEY, --password-stdin)\n", prog);
		return PMHS_EXIT_USAGE;
	}
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pw_exit_code(ret);
	}
	/* A Noise PSK is no offline verifier: a weak password is a warning, not an error. */
	if (!o->pw.allow_weak && pw_check_strength(pw, false, &bits, err, sizeof(err)))
		fprintf(stderr, "%s: warning: %s; an active attacker can still try one guess "
			"per handshake\n", prog, err);
	if (o->noise.kdf == HS_NOISE_KDF_PBKDF2)
		ret = pmhs_noise_psk_pbkdf2(pw, strlen(pw), node, node_len,
					    o->iterations ? o->iterations : PMHS_ITERATIONS_DEFAULT,
					    psk);
	else
		ret = pmhs_noise_psk_argon2id(pw, strlen(pw), node, node_len, psk);
	pw_free(pw);
	if (ret) {
		fprintf(stderr, "%s: deriving the PSK from the password: %s\n", prog, strerror(-ret));
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

static const uint8_t x25519_spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
};

/* NAME's pinned X25519 key. -ENOENT if NAME is not pinned (message printed otherwise). */
static int pinned_x25519(const char *name, uint8_t pub[32])
{
	enum pin_scope scopes[2] = { PIN_USER, PIN_SYSTEM };
	const struct pmhs_pin *p;
	struct pin_store st;
	char err[1024];
	int ret = -ENOENT;

	for (int i = 0; i < 2 && ret == -ENOENT; i++) {
		int lret = pins_load(scopes[i], &st, err, sizeof(err));

		if (lret) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return lret;
		}
		p = pmhs_pins_find(st.pins, name);
		if (p && (p->spki_len != PMHS_X25519_SPKI_LEN ||
			  memcmp(p->spki, x25519_spki_prefix, sizeof(x25519_spki_prefix)))) {
			fprintf(stderr, "%s: peer '%s' is pinned to an RSA key, not a Noise (X25519) "
				"key: use another name for its Noise key\n", prog, name);
			ret = -EKEYREJECTED;
		} else if (p) {
			memcpy(pub, p->spki + sizeof(x25519_spki_prefix), 32);
			ret = 0;
		}
		pins_free(&st);
	}
	return ret;
}

/* The peer's static key, as far as it is known before the handshake. */
static int expected_peer(const struct hs_opts *o, struct hs_noise *n)
{
	uint8_t pinned[32];
	char err[256];
	ssize_t len;
	int ret;

	if (o->noise.remote_static) {
		len = pmhs_hex_decode(n->rs, sizeof(n->rs), o->noise.remote_static,
				      strlen(o->noise.remote_static), err, sizeof(err));
		if (len != 32) {
			fprintf(stderr, "%s: --remote-static takes the peer's public key as 64 hex "
				"digits (pmhs-ctl noise pubkey prints it)%s%s\n", prog,
				len < 0 ? ": " : "", len < 0 ? err : "");
			return PMHS_EXIT_USAGE;
		}
		n->have_rs = true;
	}
	if (!o->peer_name)
		return PMHS_EXIT_OK;
	ret = pinned_x25519(o->peer_name, pinned);
	if (ret == -ENOENT) {
		if (o->noise.pattern == HS_NOISE_KK && !n->have_rs) {
			fprintf(stderr, "%s: KK needs the peer's key in advance, and no key is "
				"pinned for '%s': pmhs-ctl pin add %s KEY-FILE, or give "
				"--remote-static HEX\n", prog, o->peer_name, o->peer_name);
			return PMHS_EXIT_NOTFOUND;
		}
		return PMHS_EXIT_OK;	/* pinned on first use, after the handshake */
	}
	if (ret)
		return pins_exit_code(ret);
	if (n->have_rs && CRYPTO_memcmp(pinned, n->rs, 32)) {
		fprintf(stderr, "%s: --remote-static is not the key pinned for '%s': check with "
			"the peer which one is right (pmhs-ctl pin list)\n", prog, o->peer_name);
		return PMHS_EXIT_VERIFY;
	}
	memcpy(n->rs, pinned, 32);
	n->have_rs = true;
	n->rs_from_pin = true;
	return PMHS_EXIT_OK;
}

int hs_noise_prepare(const struct hs_opts *o, struct hs *hs)
{
	struct hs_noise *n = calloc(1, sizeof(*n));
	int ret;

	if (!n)
		return PMHS_EXIT_FAIL;
	hs->noise = n;
	n->identity = o->identity;
	ret = expected_peer(o, n);
	if (!ret && o->noise.prologue_file)
		ret = read_file("prologue file", o->noise.prologue_file, PROLOGUE_MAX, false,
				&n->prologue, &n->prologue_len);
	if (!ret && o->noise.payload_file)
		ret = read_file("payload file", o->noise.payload_file, PMHS_NOISE_PAYLOAD_MAX,
				false, &n->payload, &n->payload_len);
	/* The PSK last: the slow argon2id only once the rest is known good. */
	if (!ret)
		ret = o->noise.psk_file ? load_psk(o->noise.psk_file, n->psk) : derive_psk(o, n->psk);
	n->have_psk = !ret;
	return ret;
}

static char *hex_of(const uint8_t *p, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s)
		pmhs_hex_encode(s, p, len);
	return s;
}

/* Our X25519 key from --key-file, into the module under a name of its own. */
static int import_key_file(const struct hs_opts *o, struct hs *hs)
{
	struct hs_noise *n = hs->noise;
	uint8_t priv[PMHS_X25519_LEN], rnd[4] = { 0 };
	char err[1024];
	int ret = pmhs_x25519_load_file(o->noise.key_file, priv, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return ret == -ENOENT ? PMHS_EXIT_NOTFOUND :
		       ret == -EACCES || ret == -EPERM ? PMHS_EXIT_PERM : PMHS_EXIT_FAIL;
	}
	/* Only a name, unique enough; the pid alone would do. */
	if (getrandom(rnd, sizeof(rnd), 0) < 0)
		rnd[0] = 0;
	snprintf(n->tmp_identity, sizeof(n->tmp_identity), "pmhs-ctl.%d.%02x%02x%02x%02x",
		 (int)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
	ret = pmhs_identity_import_x25519(hs->h, n->tmp_identity, priv, NULL);
	explicit_bzero(priv, sizeof(priv));
	if (ret) {
		n->tmp_identity[0] = '\0';
		return ctl_report(hs->h, "importing the key file into the module", ret);
	}
	n->identity = n->tmp_identity;
	return PMHS_EXIT_OK;
}

/* The session holds its own reference: the name can go at once. */
static void drop_tmp_identity(struct hs *hs)
{
	struct hs_noise *n = hs->noise;

	if (!n || !n->tmp_identity[0] || !hs->h)
		return;
	if (pmhs_identity_delete(hs->h, n->tmp_identity))
		fprintf(stderr, "%s: warning: could not delete the temporary identity %s "
			"(pmhs-ctl identity delete %s)\n", prog, n->tmp_identity, n->tmp_identity);
	n->tmp_identity[0] = '\0';
}

static int check_identity(struct hs *hs)
{
	struct pmhs_identity id;
	int ret;

	PMHS_INIT(id);
	ret = pmhs_identity_get(hs->h, hs->noise->identity, &id);
	if (ret)
		return ctl_report(hs->h, "our identity", ret);
	if (id.cred_type != PMHS_CRED_TYPE_X25519) {
		fprintf(stderr, "%s: identity '%s' holds an RSA key; the noise mode needs an "
			"X25519 one (pmhs-ctl noise genkey -o FILE, then pmhs-ctl identity "
			"import NAME FILE)\n", prog, hs->noise->identity);
		return PMHS_EXIT_USAGE;
	}
	return PMHS_EXIT_OK;
}

static int keep_ours(struct hs *hs, const struct pmhs_step *st)
{
	struct hs_noise *n = hs->noise;

	free(hs->msg);
	hs->msg = NULL;
	hs->msg_len = 0;
	if (!st->msg_len) {
		fprintf(stderr, "%s: the module wrote no handshake message\n", prog);
		return PMHS_EXIT_FAIL;
	}
	hs->msg = malloc(st->msg_len);
	if (!hs->msg || n->nours >= NOISE_MAX_MSGS)
		return PMHS_EXIT_FAIL;
	memcpy(hs->msg, st->msg, st->msg_len);
	hs->msg_len = st->msg_len;
	n->ours_hex[n->nours++] = hex_of(st->msg, st->msg_len);
	return PMHS_EXIT_OK;
}

static void take_result(struct hs *hs, const struct pmhs_step *st)
{
	struct hs_noise *n = hs->noise;

	n->flags |= st->flags & (PMHS_STEP_DONE | PMHS_STEP_PEER_STATIC);
	if (st->flags & PMHS_STEP_PEER_STATIC)
		memcpy(n->peer_static, st->peer_static, 32);
	if (st->flags & PMHS_STEP_DONE)
		memcpy(n->hash, st->handshake_hash, 32);
	if (st->key_serial)
		hs->serial = st->key_serial;
}

int hs_noise_start(const struct hs_opts *o, struct hs *hs)
{
	static uint8_t msg[PMHS_NOISE_MSG_MAX];
	struct hs_noise *n = hs->noise;
	bool initiator = o->noise.role == PMHS_ROLE_INITIATOR;
	struct pmhs_session_params p;
	struct pmhs_publish pub;
	struct pmhs_step st;
	sigset_t all, old;
	int ret;

	hs_settle_keyring(o);
	hs->h = ctl_open(&ret);
	if (!hs->h)
		return ret;
	/* No signal between the import of a key file and the deletion of its name. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	ret = o->noise.key_file ? import_key_file(o, hs) : PMHS_EXIT_OK;
	if (!ret)
		ret = check_identity(hs);
	if (ret)
		goto out;
	hs_publish_from_opts(o, &pub);
	PMHS_INIT(p);
	p.mode = PMHS_MODE_NOISE;
	p.oaep_hash = -1;
	p.publish = &pub;
	p.identity = n->identity;
	p.noise_protocol = hs_noise_protocol(o);
	p.role = (uint32_t)o->noise.role;
	p.prologue = n->prologue;
	p.prologue_len = n->prologue_len;
	/* XX has no pre-message: the peer's key is checked once it arrives. */
	if (o->noise.pattern == HS_NOISE_KK)
		p.remote_static = n->rs;
	p.psk = n->psk;
	if (initiator) {
		p.payload = n->payload;
		p.payload_len = n->payload_len;
		n->payload_sent = true;
	}
	PMHS_INIT(st);
	st.msg = msg;
	st.msg_max = sizeof(msg);
	ret = pmhs_session_new(hs->h, &p, &st);
	explicit_bzero(n->psk, sizeof(n->psk));
	n->have_psk = false;
	if (ret) {
		ret = ctl_report(hs->h, "session-new", ret);
		goto out;
	}
	hs->id = st.id;
	if (initiator) {
		ret = keep_ours(hs, &st);
		n->next = 1;
	}
out:
	drop_tmp_identity(hs);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int check_peer_static(const struct hs_opts *o, struct hs *hs);

/*
 * The module names the peer's static key when the handshake completes,
 * which for the XX initiator is the write of message 3: checked before
 * that message leaves, so a refused peer never completes either.
 */
static int new_peer_static(const struct hs_opts *o, struct hs *hs, bool knew)
{
	int ret;

	if (knew || !(hs->noise->flags & PMHS_STEP_PEER_STATIC))
		return PMHS_EXIT_OK;
	ret = check_peer_static(o, hs);
	if (ret) {
		hs_noise_revoke(hs);
		/* An unfinished session goes, so no later step can finish it. */
		pmhs_session_delete(hs->h, hs->id);
	}
	return ret;
}

int hs_noise_write(const struct hs_opts *o, struct hs *hs)
{
	static uint8_t msg[PMHS_NOISE_MSG_MAX];
	struct hs_noise *n = hs->noise;
	bool knew = n->flags & PMHS_STEP_PEER_STATIC;
	static const uint8_t none;
	struct pmhs_publish pub;
	struct pmhs_step st;
	int ret;

	hs_publish_from_opts(o, &pub);
	PMHS_INIT(st);
	st.msg = msg;
	st.msg_max = sizeof(msg);
	/* --payload-file goes into our first message; later ones carry none. */
	ret = pmhs_session_step_payload(hs->h, hs->id, NULL, 0,
					n->payload_sent ? &none : n->payload ? n->payload : &none,
					n->payload_sent ? 0 : n->payload_len, PMHS_STEP_WRITE,
					&pub, &st);
	n->payload_sent = true;
	if (ret)
		return ctl_report(hs->h, "writing our handshake message", ret);
	take_result(hs, &st);
	n->next++;
	ret = new_peer_static(o, hs, knew);
	return ret ? ret : keep_ours(hs, &st);
}

void hs_noise_revoke(struct hs *hs)
{
	if (hs->serial <= 0)
		return;
	keyctl_invalidate(hs->serial);
	fprintf(stderr, "%s: revoked the key we had published (serial %d)\n", prog, hs->serial);
	hs->serial = 0;
}

/* The peer's static key against --remote-static, the pin, or pinned now (XX). */
static int check_peer_static(const struct hs_opts *o, struct hs *hs)
{
	struct hs_noise *n = hs->noise;
	uint8_t spki[PMHS_X25519_SPKI_LEN];
	char err[1024], hex[65];
	struct pmhs_key key;
	bool new_pin = false;
	int ret;

	if (n->have_rs && CRYPTO_memcmp(n->rs, n->peer_static, 32)) {
		pmhs_hex_encode(hex, n->peer_static, 32);
		fprintf(stderr, "%s: the peer's static key is %s, not the one %s%s%s: someone "
			"else answered, or the peer has a new key\n", prog, hex,
			n->rs_from_pin ? "pinned for '" : "given by --remote-static",
			n->rs_from_pin ? o->peer_name : "", n->rs_from_pin ? "'" : "");
		return PMHS_EXIT_VERIFY;
	}
	if (!o->peer_name || n->rs_from_pin)
		return PMHS_EXIT_OK;
	pmhs_x25519_spki(n->peer_static, spki);
	PMHS_INIT(key);
	ret = pmhs_key_from_spki(spki, sizeof(spki), &key, err, sizeof(err));
	if (!ret)
		ret = pins_check(o->peer_name, &key, true, &new_pin, err, sizeof(err));
	pmhs_key_free(&key);
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return pins_exit_code(ret);
	}
	if (new_pin) {
		n->pinned_new = true;
		fprintf(stderr, "%s: '%s' was unknown: pinned its key on first use\n",
			prog, o->peer_name);
	}
	return PMHS_EXIT_OK;
}

int hs_noise_read(const struct hs_opts *o, struct hs *hs, const uint8_t *msg, size_t len)
{
	static uint8_t payload[PMHS_NOISE_MSG_MAX];
	struct hs_noise *n = hs->noise;
	bool knew = n->flags & PMHS_STEP_PEER_STATIC;
	struct pmhs_publish pub;
	struct pmhs_step st;
	int ret;

	hs_publish_from_opts(o, &pub);
	PMHS_INIT(st);
	st.payload = payload;
	st.payload_max = sizeof(payload);
	ret = pmhs_session_step_payload(hs->h, hs->id, msg, len, NULL, 0, 0, &pub, &st);
	if (ret) {
		ret = ctl_report(hs->h, "the peer's message was refused", ret);
		if (ret == PMHS_EXIT_VERIFY)
			fprintf(stderr, "%s: the handshake failed (a wrong PSK, prologue or static "
				"key on one side, or a tampered message): no key was published\n",
				prog);
		return ret;
	}
	n->next++;
	take_result(hs, &st);
	if (n->npeer < NOISE_MAX_MSGS)
		n->peer_payload_hex[n->npeer++] = hex_of(payload, st.payload_len);
	return new_peer_static(o, hs, knew);
}

/* After the last message: done, with a key. */
static int check_done(const struct hs *hs)
{
	if (!(hs->noise->flags & PMHS_STEP_DONE) || hs->serial <= 0) {
		fprintf(stderr, "%s: the module did not finish the handshake after the last "
			"message\n", prog);
		return PMHS_EXIT_FAIL;
	}
	if (!(hs->noise->flags & PMHS_STEP_PEER_STATIC)) {
		fprintf(stderr, "%s: the module did not return the peer's static key\n", prog);
		return PMHS_EXIT_FAIL;
	}
	return PMHS_EXIT_OK;
}

int hs_noise_report(const struct hs_opts *o, const struct hs *hs)
{
	const struct hs_noise *n = hs->noise;
	char hash[65], peer[65], fp_hex[PMHS_FP_HEX_LEN];
	uint8_t spki[PMHS_X25519_SPKI_LEN], fp[PMHS_FP_LEN];
	struct json_object *j, *a;
	char *secret = NULL;
	int ret = check_done(hs);

	if (ret)
		return ret;
	if (o->show_secret && !(secret = hs_secret_hex(hs->serial)))
		return PMHS_EXIT_FAIL;
	pmhs_hex_encode(hash, n->hash, 32);
	pmhs_hex_encode(peer, n->peer_static, 32);
	pmhs_x25519_spki(n->peer_static, spki);
	pmhs_fingerprint(spki, sizeof(spki), fp);
	pmhs_fp_hex(fp, fp_hex);
	if (!json_output) {
		printf("serial %d\n", hs->serial);
		printf("handshake-hash %s\n", hash);
		printf("peer-static %s\n", peer);
		printf("peer-sha256 %s\n", fp_hex);
		for (int i = 0; i < n->npeer; i++)
			if (n->peer_payload_hex[i] && *n->peer_payload_hex[i])
				printf("peer-payload %s\n", n->peer_payload_hex[i]);
		return hs_report_end(NULL, secret);
	}
	j = json_object_new_object();
	json_object_object_add(j, "serial", json_object_new_int(hs->serial));
	json_object_object_add(j, "session", json_object_new_int64(hs->id));
	json_object_object_add(j, "mode", json_object_new_string("noise"));
	json_object_object_add(j, "protocol", json_object_new_string(hs_noise_protocol(o)));
	json_object_object_add(j, "role", json_object_new_string(
		o->noise.role == PMHS_ROLE_INITIATOR ? "initiator" : "responder"));
	json_object_object_add(j, "key_type", json_object_new_string(
		o->logon || o->module_keyring ? "logon" : "user"));
	json_object_object_add(j, "handshake_hash", json_object_new_string(hash));
	json_object_object_add(j, "peer_pubkey", json_object_new_string(peer));
	json_object_object_add(j, "peer_sha256", json_object_new_string(fp_hex));
	if (o->peer_name) {
		json_object_object_add(j, "peer", json_object_new_string(o->peer_name));
		json_object_object_add(j, "pinned_now", json_object_new_boolean(n->pinned_new));
	}
	a = json_object_new_array();
	for (int i = 0; i < n->nours; i++)
		json_object_array_add(a, json_object_new_string(n->ours_hex[i] ? n->ours_hex[i] : ""));
	json_object_object_add(j, "messages", a);
	a = json_object_new_array();
	for (int i = 0; i < n->npeer; i++)
		json_object_array_add(a, json_object_new_string(
			n->peer_payload_hex[i] ? n->peer_payload_hex[i] : ""));
	json_object_object_add(j, "peer_payloads", a);
	return hs_report_end(j, secret);
}

void hs_noise_free(struct hs *hs)
{
	struct hs_noise *n = hs->noise;

	if (!n)
		return;
	drop_tmp_identity(hs);
	free(n->prologue);
	if (n->payload)
		explicit_bzero(n->payload, n->payload_len);
	free(n->payload);
	for (int i = 0; i < NOISE_MAX_MSGS; i++) {
		free(n->ours_hex[i]);
		free(n->peer_payload_hex[i]);
	}
	explicit_bzero(n, sizeof(*n));
	free(n);
	hs->noise = NULL;
}
