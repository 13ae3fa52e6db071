/* SPDX-License-Identifier: GPL-2.0 */
/* Test vectors: loading, hex, PEM to DER, keyring reads. */
#ifndef PMHS_VEC_H
#define PMHS_VEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* selftests/vectors/poorman-v1.json (found next to the test binary). */
struct json_object *vec_load(const char *name);
struct json_object *vec_get(struct json_object *o, const char *path);
const char *vec_str(struct json_object *o, const char *key);

/* Hex to bytes (malloc'd); returns length or -1. */
long vec_unhex(const char *hex, uint8_t **out);
void vec_hex(const uint8_t *p, size_t len, char *out);

/* Key material of a named vector key (alice, bob, ...), DER, malloc'd. */
long vec_key_priv_der(struct json_object *root, const char *name, uint8_t **der);
long vec_key_pub_der(struct json_object *root, const char *name, uint8_t **der);

/* Read a user key's payload; returns length or -errno. */
long vec_key_read(int32_t serial, uint8_t *buf, size_t size);

#endif
