// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl identity: the module's named RSA identities. import hands a
 * key file's private key to the kernel (as PKCS#1 DER, wiped from our
 * memory and from the request right after); nothing ever reads a private
 * key back, so list, dump and show print public halves only.
 */
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
#include "nl.h"
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
		"encrypted) into the module as identity NAME; it only reads KEY-FILE, and\n"
		"refuses anything else. generate writes a new key to KEY-FILE (mode 0600,\n"
		"which must not exist) and imports it; without the module it writes nothing.\n"
		"list shows every identity; dump prints NAME, SHA256-HEX and BITS,\n"
		"tab-separated, for scripts (the columns of pin dump). show --pem prints the\n"
		"public key. Private keys are never printed. import, generate and delete\n"
		"need CAP_NET_ADMIN; 1024-bit keys need 'config set allow-rsa1024 yes'.\n",
		prog, prog, prog, prog, prog, prog);
	return ret;
}

struct ident {
	char name[PMHS_NAME_MAX + 1];
	uint32_t bits;
	uint8_t fp[KF_FP_LEN];
	uint8_t *spki;
	size_t spki_len;
};

struct ident_list {
	struct ident *v;
	size_t n;
};

static void ident_list_free(struct ident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].spki);
	free(l->v);
}

static int ident_cb(struct nlattr **tb, void *arg)
{
	struct ident_list *l = arg;
	struct ident *id, *v;

	if (!tb[PMHS_A_IDENTITY_NAME])
		return 0;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	id = memset(&v[l->n++], 0, sizeof(*id));
	snprintf(id->name, sizeof(id->name), "%s", nla_get_string(tb[PMHS_A_IDENTITY_NAME]));
	if (tb[PMHS_A_IDENTITY_BITS])
		id->bits = nla_get_u32(tb[PMHS_A_IDENTITY_BITS]);
	if (tb[PMHS_A_IDENTITY_FINGERPRINT] &&
	    nla_len(tb[PMHS_A_IDENTITY_FINGERPRINT]) == KF_FP_LEN)
		memcpy(id->fp, nla_data(tb[PMHS_A_IDENTITY_FINGERPRINT]), KF_FP_LEN);
	if (tb[PMHS_A_IDENTITY_PUBKEY]) {
		id->spki_len = (size_t)nla_len(tb[PMHS_A_IDENTITY_PUBKEY]);
		id->spki = malloc(id->spki_len);
		if (!id->spki)
			return -ENOMEM;
		memcpy(id->spki, nla_data(tb[PMHS_A_IDENTITY_PUBKEY]), id->spki_len);
	}
	return 0;
}

static struct json_object *ident_json(const struct ident *id, const char *pem)
{
	struct json_object *o = json_object_new_object();
	char hex[KF_FP_HEX_LEN], sfp[KF_FP_SHORT_LEN];

	kf_fp_hex(id->fp, hex);
	kf_fp_short(id->fp, sfp);
	json_object_object_add(o, "name", json_object_new_string(id->name));
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

static int with_nl(struct pmhs_nl **nl)
{
	int ret;

	*nl = pmhs_nl_open(&ret);
	return *nl ? PMHS_EXIT_OK : ret;
}

/* identity-new with @key; its DER is wiped from the request after sending. */
static int import_key(const char *name, const struct kf_private *key, struct ident *out)
{
	struct ident_list l = { 0 };
	struct pmhs_nl *nl;
	struct nl_msg *msg;
	int ret = with_nl(&nl);

	if (ret)
		return ret;
	msg = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_NEW, 0);
	if (!msg || nla_put_string(msg, PMHS_A_IDENTITY_NAME, name) ||
	    nla_put(msg, PMHS_A_IDENTITY_KEY_DER, (int)key->der_len, key->der)) {
		fprintf(stderr, "%s: cannot build the request (key too big?)\n", prog);
		if (msg)
			explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		pmhs_nl_close(nl);
		return PMHS_EXIT_FAIL;
	}
	ret = pmhs_nl_call_wipe(nl, msg, PMHS_A_IDENTITY_MAX, ident_cb, &l);
	if (ret) {
		ret = pmhs_nl_report(nl, "identity-new", ret);
		/* A key the module's policy rejects is no failed verification. */
		if (ret == PMHS_EXIT_VERIFY)
			ret = PMHS_EXIT_FAIL;
	}
	else if (l.n)
		*out = l.v[0], l.v[0].spki = NULL;
	ident_list_free(&l);
	pmhs_nl_close(nl);
	return ret;
}

static void report_import(const struct ident *id, const char *file, const char *outcome)
{
	char sfp[KF_FP_SHORT_LEN];
	struct json_object *o;

	if (!json_output) {
		kf_fp_short(id->fp, sfp);
		printf("%s %u-bit %s\n", id->name, id->bits, sfp);
		return;
	}
	o = ident_json(id, NULL);
	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_emit(o);
}

static int cmd_import(const char *name, const char *file)
{
	struct ident id = { 0 };
	struct kf_private key;
	char err[1024];
	int ret;

	if (!valid_name(name))
		return PMHS_EXIT_USAGE;
	/* Only reads @file: a key the user names is never moved or rewritten. */
	ret = kf_load_private(file, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		if (ret == KF_ENOENT)
			fprintf(stderr, "%s: to make a new key: %s identity generate %s %s\n",
				prog, prog, name, file);
		return kf_exit_code(ret);
	}
	ret = import_key(name, &key, &id);
	kf_private_free(&key);
	if (!ret)
		report_import(&id, file, "loaded");
	free(id.spki);
	return ret;
}

static int cmd_generate(const char *name, const char *file, int bits)
{
	struct ident id = { 0 };
	struct kf_private key;
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
	ret = pmhs_nl_require();
	if (ret)
		return ret;
	ret = kf_generate(file, bits, false, &key, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return kf_exit_code(ret);
	}
	ret = import_key(name, &key, &id);
	kf_private_free(&key);
	if (ret) {
		/* Ours since a moment ago (no-replace write): the command did not happen. */
		if (!unlink(file))
			fprintf(stderr, "%s: removed %s again: the module did not take the key\n",
				prog, file);
	} else {
		report_import(&id, file, "created");
	}
	free(id.spki);
	return ret;
}

static int get_identities(const char *name, struct ident_list *l)
{
	struct pmhs_nl *nl;
	struct nl_msg *msg;
	int ret = with_nl(&nl);

	if (ret)
		return ret;
	msg = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_GET, name ? 0 : NLM_F_DUMP);
	if (!msg || (name && nla_put_string(msg, PMHS_A_IDENTITY_NAME, name))) {
		nlmsg_free(msg);
		pmhs_nl_close(nl);
		return PMHS_EXIT_FAIL;
	}
	ret = pmhs_nl_call(nl, msg, PMHS_A_IDENTITY_MAX, ident_cb, l);
	if (ret == -ENOENT && name) {
		fprintf(stderr, "%s: no identity '%s' (see: %s identity list)\n", prog, name, prog);
		ret = PMHS_EXIT_NOTFOUND;
	} else if (ret) {
		ret = pmhs_nl_report(nl, "identity-get", ret);
	}
	pmhs_nl_close(nl);
	return ret;
}

static int cmd_list(bool dump)
{
	struct json_object *arr = json_output ? json_object_new_array() : NULL;
	struct ident_list l = { 0 };
	char hex[KF_FP_HEX_LEN], sfp[KF_FP_SHORT_LEN];
	int ret = get_identities(NULL, &l);

	for (size_t i = 0; !ret && i < l.n; i++) {
		const struct ident *id = &l.v[i];

		kf_fp_hex(id->fp, hex);
		kf_fp_short(id->fp, sfp);
		if (arr)
			json_object_array_add(arr, ident_json(id, NULL));
		else if (dump)
			printf("%s\t%s\t%u\n", id->name, hex, id->bits);
		else
			printf("%-32s %4u-bit  %s\n", id->name, id->bits, sfp);
	}
	if (arr && !ret)
		json_emit(arr);
	else
		json_object_put(arr);
	ident_list_free(&l);
	return ret;
}

static char *spki_pem(const struct ident *id)
{
	struct kf_public pub;
	char err[256], *pem;

	if (kf_public_from_spki(id->spki, id->spki_len, &pub, err, sizeof(err))) {
		fprintf(stderr, "%s: the module sent a public key we cannot read: %s\n", prog, err);
		return NULL;
	}
	pem = kf_public_pem(&pub);
	kf_public_free(&pub);
	return pem;
}

static int cmd_show(const char *name, bool want_pem)
{
	struct ident_list l = { 0 };
	char hex[KF_FP_HEX_LEN], sfp[KF_FP_SHORT_LEN], *pem = NULL;
	int ret = get_identities(name, &l);

	if (!ret && !l.n)
		ret = PMHS_EXIT_FAIL;
	if (!ret && want_pem && !(pem = spki_pem(&l.v[0])))
		ret = PMHS_EXIT_FAIL;
	if (ret)
		goto out;
	kf_fp_hex(l.v[0].fp, hex);
	kf_fp_short(l.v[0].fp, sfp);
	if (json_output)
		json_emit(ident_json(&l.v[0], pem));
	else if (pem)
		fputs(pem, stdout);
	else
		printf("identity: %s\n  key: %u-bit RSA\n  sha256: %s\n  fingerprint: %s\n",
		       l.v[0].name, l.v[0].bits, hex, sfp);
out:
	free(pem);
	ident_list_free(&l);
	return ret;
}

static int cmd_delete(const char *name)
{
	struct pmhs_nl *nl;
	struct nl_msg *msg;
	int ret = with_nl(&nl);

	if (ret)
		return ret;
	msg = pmhs_nl_msg(nl, PMHS_CMD_IDENTITY_DEL, 0);
	if (!msg || nla_put_string(msg, PMHS_A_IDENTITY_NAME, name)) {
		nlmsg_free(msg);
		pmhs_nl_close(nl);
		return PMHS_EXIT_FAIL;
	}
	ret = pmhs_nl_call(nl, msg, 0, NULL, NULL);
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: no identity '%s' (see: %s identity list)\n", prog, name, prog);
		ret = PMHS_EXIT_NOTFOUND;
	} else if (ret) {
		ret = pmhs_nl_report(nl, "identity-del", ret);
	}
	pmhs_nl_close(nl);
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
