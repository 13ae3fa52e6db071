// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "pmhs_vec.h"

struct json_object *vec_load(const char *name)
{
	char path[PATH_MAX + 64], self[PATH_MAX];
	const char *dir = getenv("PMHS_VECTORS");
	ssize_t n;
	char *slash;

	/* Beside the test binary, unless told otherwise. */
	if (dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		return json_object_from_file(path);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return NULL;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	snprintf(path, sizeof(path), "%s/vectors/%s", self, name);
	return json_object_from_file(path);
}

struct json_object *vec_get(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(tok));
		else if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	}
	return o;
}

const char *vec_str(struct json_object *o, const char *key)
{
	struct json_object *v = vec_get(o, key);

	return v ? json_object_get_string(v) : NULL;
}

long vec_unhex(const char *hex, uint8_t **out)
{
	size_t n = strlen(hex);

	if (n % 2)
		return -1;
	*out = malloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
			free(*out);
			return -1;
		}
		(*out)[i] = b;
	}
	return n / 2;
}

void vec_hex(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = 0;
}

static EVP_PKEY *vec_pkey(struct json_object *root, const char *name, bool priv)
{
	char path[64];
	const char *pem;
	EVP_PKEY *k;
	BIO *b;

	snprintf(path, sizeof(path), "keys.%s.%s", name,
		 priv ? "private_pem_pkcs1" : "public_pem");
	pem = vec_str(root, path);
	if (!pem)
		return NULL;
	b = BIO_new_mem_buf(pem, -1);
	k = priv ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
		   PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

long vec_key_priv_der(struct json_object *root, const char *name, uint8_t **der)
{
	EVP_PKEY *k = vec_pkey(root, name, true);
	unsigned char *p = NULL;
	int n;

	if (!k)
		return -1;
	/* PKCS#1 RSAPrivateKey, what the module imports. */
	n = i2d_PrivateKey(k, &p);
	EVP_PKEY_free(k);
	*der = p;
	return n;
}

long vec_key_pub_der(struct json_object *root, const char *name, uint8_t **der)
{
	EVP_PKEY *k = vec_pkey(root, name, false);
	unsigned char *p = NULL;
	int n;

	if (!k)
		return -1;
	n = i2d_PUBKEY(k, &p);
	EVP_PKEY_free(k);
	*der = p;
	return n;
}

long vec_key_read(int32_t serial, uint8_t *buf, size_t size)
{
	long n = keyctl_read(serial, (char *)buf, size);

	return n < 0 ? -errno : n;
}
