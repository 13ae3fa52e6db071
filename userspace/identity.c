// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl identity: the module's named identities, RSA or X25519. import
 * hands a key file's private key to the kernel (as PKCS#1 DER or 32 raw
 * bytes, wiped from our memory and from the request right after); nothing
 * ever reads a private key back, so list, dump and show print public
 * halves only.
 */
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/pmhs.h>

#include "jsonout.h"
#include "keyfile.h"
#include "module.h"
#include "pmhs-ctl.h"

static int usage(int ret)
{
	fprintf(ret ? stderr : stdout,
		"Usage: %s identity import NAME KEY-FILE\n"
		"       %s identity generate [--bits 2048|3072|4096] NAME KEY-FILE\n"
		"       %s identity list\n"
		"       %s identity dump\n"
		"       %s identity show [--pem] NAME\n"
		"       %s identity delete NAME\n"
		"\n"
		"import loads KEY-FILE (PKCS#1 or PKCS#8 RSA private key, PEM or DER, not\n"
		"encrypted; or an X25519 key file of 64 hex digits, mode 0600, as\n"
		"'%s noise genkey' writes) into the module as identity NAME; it only\n"
		"reads KEY-FILE, and refuses anything else. generate writes a new key to KEY-FILE (mode 0600,\n"
		"which must not exist) and imports it; without the module it writes nothing.\n"
		"list shows every identity; dump prints NAME, SHA256-HEX and BITS,\n"
		"tab-separated, for scripts (the columns of pin dump). show --pem prints the\n"
		"public key. Private keys are never printed. import, generate and delete\n"
		"need CAP_NET_ADMIN; 1024-bit keys need 'config set allow-rsa1024 yes'.\n",
		prog, prog, prog, prog, prog, prog, prog);
	return ret;
}

struct ident {
	struct pmhs_identity id;
	uint8_t spki[PMHS_KEY_DER_MAX];		/* show --pem only */
	size_t spki_len;
};

struct ident_list {
	struct pmhs_identity *v;
	size_t n;
};

static int collect_cb(const struct pmhs_identity *id, void *arg)
{
	struct ident_list *l = arg;
	struct pmhs_identity *v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n++] = *id;
	return 0;
}

static const char *cred_name(const struct pmhs_identity *id)
{
	return id->cred_type == PMHS_CRED_TYPE_X25519 ? "x25519" :
	       id->cred_type == PMHS_CRED_TYPE_OPAQUE_SERVER ? "opaque-server" :
	       id->cred_type == PMHS_CRED_TYPE_RSA ? "rsa" : "unknown";
}

static struct json_object *ident_json(const struct pmhs_identity *id, const char *pem)
{
	struct json_object *o = json_object_new_object();
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];

	pmhs_fp_hex(id->fingerprint, hex);
	pmhs_fp_short(id->fingerprint, sfp);
	json_object_object_add(o, "name", json_object_new_string(id->name));
	json_object_object_add(o, "type", json_object_new_string(cred_name(id)));
	json_object_object_add(o, "bits", json_object_new_int((int)id->bits));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "fingerprint", json_object_new_string(sfp));
	if (pem)
		json_object_object_add(o, "public_key", json_object_new_string(pem));
	return o;
}

static bool valid_name(const char *name)
{
	if (!*name || strlen(name) > PMHS_NAME_MAX) {
		fprintf(stderr, "%s: identity name must be 1..%d bytes, not '%s'\n",
			prog, PMHS_NAME_MAX, name);
		return false;
	}
	return true;
}

/*
 * identity-new with @key (RSA) or @x25519; the library wipes the private
 * key from the request.
 */
static int import_key(const char *name, const struct pmhs_key *key, const uint8_t *x25519,
		      struct pmhs_identity *out)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	PMHS_INIT(*out);
	ret = x25519 ? pmhs_identity_import_x25519(h, name, x25519, out) :
		       pmhs_identity_import_der(h, name, key->der, key->der_len, out);
	if (ret) {
		ret = ctl_report(h, "identity-new", ret);
		/* A key the module's policy rejects is no failed verification. */
		if (ret == PMHS_EXIT_VERIFY)
			ret = PMHS_EXIT_FAIL;
	}
	pmhs_close(h);
	return ret;
}

static void report_import(const struct pmhs_identity *id, const char *file, const char *outcome)
{
	char sfp[PMHS_FP_SHORT_LEN];
	struct json_object *o;

	if (!json_output) {
		pmhs_fp_short(id->fingerprint, sfp);
		if (id->cred_type == PMHS_CRED_TYPE_X25519)
			printf("%s x25519 %s\n", id->name, sfp);
		else if (id->cred_type == PMHS_CRED_TYPE_OPAQUE_SERVER)
			printf("%s opaque-server %s\n", id->name, sfp);
		else
			printf("%s %u-bit %s\n", id->name, id->bits, sfp);
		return;
	}
	o = ident_json(id, NULL);
	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_emit(o);
}

/*
 * Whether @file is only @digits hex digits and at most a line end: an
 * X25519 key file (64) or an OPAQUE setup file (256). Then it is one, and
 * its loader says what else is wrong.
 */
static bool is_hex_file(const char *file, size_t digits)
{
	char buf[2 * PMHS_OPAQUE_SETUP_LEN + 3];
	ssize_t n;
	size_t len, i;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	len = n > 0 ? (size_t)n : 0;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	for (i = 0; i < len && strchr("0123456789abcdefABCDEF", buf[i]) && buf[i]; i++)
		;
	explicit_bzero(buf, sizeof(buf));
	return len == digits && i == len;
}

static int import_opaque(const char *name, const char *file)
{
	uint8_t setup[PMHS_OPAQUE_SETUP_LEN];
	struct pmhs_identity id;
	char err[1024];
	struct pmhs *h;
	int ret;

	ret = pmhs_opaque_setup_load_file(file, setup, err, sizeof(err));
	if (ret) {
		explicit_bzero(setup, sizeof(setup));
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	h = ctl_open(&ret);
	if (h) {
		PMHS_INIT(id);
		ret = pmhs_identity_import_opaque(h, name, setup, &id);
		if (ret)
			ret = ctl_report(h, "identity-new", ret);
		pmhs_close(h);
	}
	explicit_bzero(setup, sizeof(setup));
	if (!ret)
		report_import(&id, file, "loaded");
	return ret == PMHS_EXIT_VERIFY ? PMHS_EXIT_FAIL : ret;
}

static int import_x25519(const char *name, const char *file)
{
	uint8_t priv[PMHS_X25519_LEN];
	struct pmhs_identity id;
	char err[1024];
	int ret;

	ret = pmhs_x25519_load_file(file, priv, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	ret = import_key(name, NULL, priv, &id);
	explicit_bzero(priv, sizeof(priv));
	if (!ret)
		report_import(&id, file, "loaded");
	return ret;
}

static int cmd_import(const char *name, const char *file)
{
	struct pmhs_identity id;
	struct pmhs_key key;
	char err[1024];
	int ret;

	if (!valid_name(name))
		return PMHS_EXIT_USAGE;
	if (is_hex_file(file, 2 * PMHS_X25519_LEN))
		return import_x25519(name, file);
	if (is_hex_file(file, 2 * PMHS_OPAQUE_SETUP_LEN))
		return import_opaque(name, file);
	/* Only reads @file: a key the user names is never moved or rewritten. */
	ret = kf_load_private(file, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		if (ret == -ENOENT)
			fprintf(stderr, "%s: to make a new key: %s identity generate %s %s\n",
				prog, prog, name, file);
		return kf_exit_code(ret);
	}
	ret = import_key(name, &key, NULL, &id);
	pmhs_key_free(&key);
	if (!ret)
		report_import(&id, file, "loaded");
	return ret;
}

static int cmd_generate(const char *name, const char *file, int bits)
{
	struct pmhs_identity id;
	struct pmhs_key key;
	struct stat st;
	char err[1024];
	int ret;

	if (!valid_name(name))
		return PMHS_EXIT_USAGE;
	if (!lstat(file, &st)) {
		fprintf(stderr, "%s: %s already exists; not overwriting it\n"
			"%s: to use the key in it: %s identity import %s %s\n",
			prog, file, prog, prog, name, file);
		return PMHS_EXIT_FAIL;
	}
	/* No key file for an identity the module cannot take. */
	ret = ctl_require();
	if (ret)
		return ret;
	PMHS_INIT(key);
	ret = pmhs_key_generate(file, (unsigned int)bits, 0, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	ret = import_key(name, &key, NULL, &id);
	pmhs_key_free(&key);
	if (ret) {
		/* Ours since a moment ago (no-replace write): the command did not happen. */
		if (!unlink(file))
			fprintf(stderr, "%s: removed %s again: the module did not take the key\n",
				prog, file);
	} else {
		report_import(&id, file, "created");
	}
	return ret;
}

static int no_identity(struct pmhs *h, const char *name, const char *op, int ret)
{
	if (ret != -ENOENT)
		return ctl_report(h, op, ret);
	fprintf(stderr, "%s: no identity '%s' (see: %s identity list)\n", prog, name, prog);
	return PMHS_EXIT_NOTFOUND;
}

static int list_identities(struct ident_list *l)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	ret = pmhs_identity_foreach(h, collect_cb, l);
	if (ret)
		ret = ctl_report(h, "identity-get", ret);
	pmhs_close(h);
	return ret;
}

/* One identity, and its public key if @id->spki is wanted. */
static int get_identity(const char *name, struct ident *id, bool want_spki)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	PMHS_INIT(id->id);
	ret = pmhs_identity_get(h, name, &id->id);
	if (!ret && want_spki)
		ret = pmhs_identity_pubkey(h, name, id->spki, sizeof(id->spki), &id->spki_len);
	if (ret)
		ret = no_identity(h, name, "identity-get", ret);
	pmhs_close(h);
	return ret;
}

static int cmd_list(bool dump)
{
	struct json_object *arr = json_output ? json_object_new_array() : NULL;
	struct ident_list l = { 0 };
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN];
	int ret = list_identities(&l);

	for (size_t i = 0; !ret && i < l.n; i++) {
		const struct pmhs_identity *id = &l.v[i];

		pmhs_fp_hex(id->fingerprint, hex);
		pmhs_fp_short(id->fingerprint, sfp);
		if (arr)
			json_object_array_add(arr, ident_json(id, NULL));
		else if (dump)
			printf("%s\t%s\t%u\n", id->name, hex, id->bits);
		else
			printf("%-32s %4u-bit %-6s  %s\n", id->name, id->bits, cred_name(id), sfp);
	}
	if (arr && !ret)
		json_emit(arr);
	else
		json_object_put(arr);
	free(l.v);
	return ret;
}

/* The raw X25519 public key in @id's SPKI (id-X25519, RFC 8410); NULL if it is none. */
static const uint8_t *x25519_public(const struct ident *id)
{
	uint8_t spki[PMHS_X25519_SPKI_LEN];
	const uint8_t *pub = id->spki + PMHS_X25519_SPKI_LEN - PMHS_X25519_LEN;

	if (id->spki_len != PMHS_X25519_SPKI_LEN)
		return NULL;
	pmhs_x25519_spki(pub, spki);
	return memcmp(spki, id->spki, sizeof(spki)) ? NULL : pub;
}

static char *spki_pem(const struct ident *id)
{
	struct pmhs_key pub;
	char err[256], *pem;

	if (x25519_public(id))
		return kf_spki_pem(id->spki, id->spki_len);
	PMHS_INIT(pub);
	if (pmhs_key_from_spki(id->spki, id->spki_len, &pub, err, sizeof(err))) {
		fprintf(stderr, "%s: the module sent a public key we cannot read: %s\n", prog, err);
		return NULL;
	}
	pem = kf_spki_pem(pub.spki, pub.spki_len);
	pmhs_key_free(&pub);
	return pem;
}

static int cmd_show(const char *name, bool want_pem)
{
	static struct ident id;
	char hex[PMHS_FP_HEX_LEN], sfp[PMHS_FP_SHORT_LEN], *pem = NULL;
	char pubhex[2 * PMHS_X25519_LEN + 1] = "";
	const uint8_t *pub;
	struct json_object *o;
	/* The public key too: an X25519 identity shows it, as noise pubkey prints it. */
	int ret = get_identity(name, &id, true);
	bool opq = !ret && id.id.cred_type == PMHS_CRED_TYPE_OPAQUE_SERVER;

	if (opq && want_pem) {
		fprintf(stderr, "%s: identity show: %s is an OPAQUE server setup: its public key is a "
			"raw ristretto255 key, not PEM (drop --pem)\n", prog, name);
		ret = PMHS_EXIT_USAGE;
	}
	if (!ret && want_pem && !(pem = spki_pem(&id)))
		ret = PMHS_EXIT_FAIL;
	if (ret)
		goto out;

	pmhs_fp_hex(id.id.fingerprint, hex);
	pmhs_fp_short(id.id.fingerprint, sfp);
	if (opq && id.spki_len == 32) {
		pmhs_hex_encode(pubhex, id.spki, 32);
		if (json_output) {
			o = ident_json(&id.id, NULL);
			json_object_object_add(o, "opaque_public", json_object_new_string(pubhex));
			json_emit(o);
		} else {
			printf("identity: %s\n  key: OPAQUE server setup (ristretto255)\n"
			       "  public: %s\n  sha256: %s\n  fingerprint: %s\n", id.id.name,
			       pubhex, hex, sfp);
		}
		goto out;
	}
	pub = id.id.cred_type == PMHS_CRED_TYPE_X25519 ? x25519_public(&id) : NULL;
	if (pub)
		pmhs_hex_encode(pubhex, pub, PMHS_X25519_LEN);
	if (json_output) {
		o = ident_json(&id.id, pem);
		if (pub)
			json_object_object_add(o, "x25519_public", json_object_new_string(pubhex));
		json_emit(o);
	} else if (pem) {
		fputs(pem, stdout);
	} else if (id.id.cred_type == PMHS_CRED_TYPE_X25519) {
		printf("identity: %s\n  key: X25519\n  public: %s\n  sha256: %s\n"
		       "  fingerprint: %s\n", id.id.name, pub ? pubhex : "?", hex, sfp);
	} else {
		printf("identity: %s\n  key: %u-bit RSA\n  sha256: %s\n  fingerprint: %s\n",
		       id.id.name, id.id.bits, hex, sfp);
	}
out:
	free(pem);
	return ret;
}

static int cmd_delete(const char *name)
{
	struct pmhs *h;
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	ret = pmhs_identity_delete(h, name);
	if (ret)
		ret = no_identity(h, name, "identity-del", ret);
	pmhs_close(h);
	return ret;
}

static int parse_bits(const char *s, int *bits)
{
	if (strcmp(s, "2048") && strcmp(s, "3072") && strcmp(s, "4096")) {
		fprintf(stderr, "%s: identity: --bits takes 2048, 3072 or 4096, not '%s'\n",
			prog, s);
		return -1;
	}
	*bits = atoi(s);
	return 0;
}

struct id_opts {
	bool pem, bits_set;
	int bits;
};

static int parse_opts(int argc, char *argv[], struct id_opts *o)
{
	static const struct option opts[] = {
		{ "bits", required_argument, NULL, 'b' },
		{ "pem", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	o->bits = KF_DEFAULT_BITS;
	optind = 1;
	while ((c = ctl_getopt_long(argc, argv, "b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pem = true; break;
		case 'b':
			if (parse_bits(optarg, &o->bits))
				return -1;
			o->bits_set = true;
			break;
		case 'h': return 1;
		default: return -1;
		}
	}
	return 0;
}

int identity_main(int argc, char *argv[])
{
	struct id_opts o = { 0 };
	const char *cmd;
	int n, ret;

	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage(PMHS_EXIT_OK);
	ret = parse_opts(argc - 1, argv + 1, &o);
	if (ret)
		return usage(ret > 0 ? PMHS_EXIT_OK : PMHS_EXIT_USAGE);
	argv += optind + 1;
	n = argc - 1 - optind;
	if (!strcmp(cmd, "import") && n == 2 && !o.pem && !o.bits_set)
		return cmd_import(argv[0], argv[1]);
	if (!strcmp(cmd, "generate") && n == 2 && !o.pem)
		return cmd_generate(argv[0], argv[1], o.bits);
	if ((!strcmp(cmd, "list") || !strcmp(cmd, "dump")) && !n && !o.pem &&
	    !o.bits_set)
		return cmd_list(!strcmp(cmd, "dump"));
	if (!strcmp(cmd, "show") && n == 1 && !o.bits_set)
		return cmd_show(argv[0], o.pem);
	if (!strcmp(cmd, "delete") && n == 1 && !o.pem && !o.bits_set)
		return cmd_delete(argv[0]);
	if (strcmp(cmd, "import") && strcmp(cmd, "generate") && strcmp(cmd, "list") &&
	    strcmp(cmd, "dump") && strcmp(cmd, "show") && strcmp(cmd, "delete"))
		fprintf(stderr, "%s: identity: unknown command '%s'\n", prog, cmd);
	else
		fprintf(stderr, "%s: identity %s: wrong arguments or options\n", prog, cmd);
	return usage(PMHS_EXIT_USAGE);
}
