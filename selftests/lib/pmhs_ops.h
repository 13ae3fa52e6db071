/* SPDX-License-Identifier: GPL-2.0 */
/* Netlink requests the handshake tests make over and over. */
#ifndef PMHS_OPS_H
#define PMHS_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>
#include <linux/pmhs.h>

#include "pmhs_test.h"

/*
 * Record a libpmhs public call's result in @r as pt_call() would (err and
 * extack; no attributes) and return it, for tests that report r->extack.
 */
int po_api(struct pmhs_nl *nl, int ret, struct pt_reply *r);

/* Import vector key @name as an identity of the same name. */
int po_identity_vec(struct pmhs_nl *nl, struct json_object *root, const char *name,
		    struct pt_reply *r);
int po_identity_del(struct pmhs_nl *nl, const char *name);
int po_config(struct pmhs_nl *nl, int timeout, int legacy);
int po_config_pw(struct pmhs_nl *nl, int limit, int window);
/* Counts from get-config; -1 on error. */
int po_count(struct pmhs_nl *nl, int attr);

struct po_session {
	uint32_t mode;
	const char *identity;		/* RSA */
	const uint8_t *peer;		/* RSA: SPKI DER */
	size_t peerlen;
	const char *password;		/* password */
	int32_t password_key;
	const uint8_t *iv;		/* 8 bytes or NULL */
	uint32_t hsub_len;		/* 0: default */
	uint32_t key_type;		/* PMHS_KEY_TYPE_* */
	int32_t keyring;		/* 0: default */
	bool module_keyring;
	const char *desc;
	int oaep;			/* -1: default */
};

/* session-new; on success *id, and the message in r->tb. */
int po_session_new(struct pmhs_nl *nl, const struct po_session *p, uint32_t *id,
		   struct pt_reply *r);
int po_session_recv(struct pmhs_nl *nl, uint32_t id, const uint8_t *msg, size_t len,
		    struct pt_reply *r);
/* key serial from a reply, 0 if none */
int32_t po_serial(const struct pt_reply *r);
/*
 * A full password handshake between two of our sessions, published as
 * logon keys: *ka and *kb hold the same fresh secret. 0 or -1.
 */
int po_shared_logon(struct pmhs_nl *nl, const char *pw, int32_t *ka, int32_t *kb);

/*
 * opaque-kat with the inputs of an RFC 9807 vector (opaque-rfc9807.json
 * entry @vec; its config's Context too), attribute @skip left out (0:
 * none). The fake vector's client_private_key, masking_key and KE1 ask
 * for the fake path.
 */
int po_opaque_kat(struct pmhs_nl *nl, struct json_object *vec, int skip,
		  struct pt_reply *r);

/* An opaque-register/-login session-new: which side, with what. */
struct po_opaque {
	bool login, server;
	const char *identity;		/* server: the setup */
	const char *password;		/* client */
	const char *cred_id;		/* server */
	const uint8_t *record;		/* login server: 192 bytes, or NULL (unknown user) */
	const char *context;
	const char *peer;		/* login server: for the limiter, or NULL */
	uint32_t key_type;		/* 0: none named (the mode's default) */
	bool user_key;			/* name user (key_type 0) */
	bool module_keyring;		/* publish into the module's keyring */
	const char *desc;		/* the key's description, or NULL */
	int32_t keyring;		/* 0: the default */
};
int po_opaque_new(struct pmhs_nl *nl, const struct po_opaque *p, uint32_t *id,
		  struct pt_reply *r);
/* session-recv with the peer's message, or with ksf-output (64 bytes). */
int po_opaque_recv(struct pmhs_nl *nl, uint32_t id, const uint8_t *msg, size_t len,
		   const uint8_t *ksf, struct pt_reply *r);

#endif
