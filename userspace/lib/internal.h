/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpmhs internals: the handle and the netlink plumbing. Hidden from the
 * shared library's ABI; in-tree tests that build raw requests (fuzzing,
 * malformed attributes) use them through libpmhs.a.
 */
#ifndef PMHS_LIB_INTERNAL_H
#define PMHS_LIB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <pmhs/pmhs.h>

#define PMHS_API __attribute__((visibility("default")))

#define PMHS_EXTACK_MAX 256

struct pmhs {
	pthread_mutex_t lock;		/* one request in flight per handle */
	struct nl_sock *sk;
	int family;
	char extack[PMHS_EXTACK_MAX];	/* the last call's kernel message */
};

/* Called once per reply message with its attributes parsed. */
typedef int (*pmhs_raw_cb)(struct nlattr **tb, void *arg);

/* Called with a whole reply message: for replies with repeated attributes. */
typedef int (*pmhs_raw_nlh_cb)(struct nlmsghdr *nlh, void *arg);

/* A request for @cmd with the ack flag set; NULL if out of memory. */
struct nl_msg *pmhs_raw_msg(struct pmhs *h, uint8_t cmd, int flags);
/* The same with room for @payload bytes of attributes. */
struct nl_msg *pmhs_raw_msg_sized(struct pmhs *h, uint8_t cmd, int flags, size_t payload);
/*
 * Send @msg (consumed, wiped first if @wipe), feed every reply to @cb
 * and wait for the ack, holding the handle's lock. 0 or -errno; the
 * extack text is in h->extack.
 */
int pmhs_raw_call(struct pmhs *h, struct nl_msg *msg, int maxattr, pmhs_raw_cb cb,
		 void *arg, bool wipe);
/* The same with the lock already held (by a caller that sets extack too). */
int pmhs_raw_call_locked(struct pmhs *h, struct nl_msg *msg, int maxattr,
			pmhs_raw_cb cb, void *arg, bool wipe);
/* pmhs_raw_call() that hands @cb each reply message unparsed. */
int pmhs_raw_call_nlh(struct pmhs *h, struct nl_msg *msg, pmhs_raw_nlh_cb cb, void *arg,
		      bool wipe);
/* Free a request that was not sent, wiping it if it may hold a secret. */
void pmhs_raw_discard(struct nl_msg *msg, bool wipe);
/* Set the handle's message for an error found here, not in the kernel. */
void pmhs_set_errmsg(struct pmhs *h, const char *msg);
/* session.c: the publish attributes of a session request. */
int pmhs_put_publish(struct nl_msg *m, const struct pmhs_publish *p);

/*
 * The request builders, one per request that carries parameters: the
 * public calls use them, and the selftests build their requests with them
 * too (then look at the raw reply). 0 or -EMSGSIZE.
 */
int pmhs_put_session_params(struct nl_msg *m, const struct pmhs_session_params *p);
int pmhs_put_session_step(struct nl_msg *m, uint32_t id, const void *msg, size_t len,
			  const struct pmhs_publish *publish);
/*
 * session-recv as the noise mode sends it: the message only if @msg is
 * not NULL, the payload (may be empty) only if @payload_set.
 */
int pmhs_put_session_recv(struct nl_msg *m, uint32_t id, const void *msg, size_t len,
			  const void *payload, size_t payload_len, bool payload_set,
			  const struct pmhs_publish *publish);
int pmhs_put_identity_raw(struct nl_msg *m, const char *name, int type, const uint8_t *key,
			  size_t len);
int pmhs_put_identity(struct nl_msg *m, const char *name, const void *der, size_t der_len);
/* The members named in c->fields. */
int pmhs_put_config(struct nl_msg *m, const struct pmhs_config *c);

/*
 * Base64 without line breaks (b64.c). Decoding is strict: no whitespace,
 * padding only at the end. malloc()ed results; -EINVAL or -ENOMEM.
 */
char *pmhs_b64_encode(const uint8_t *in, size_t len);
int pmhs_b64_decode(const char *in, uint8_t **out, size_t *out_len);
/* A hex digit's value, or -1. */
int pmhs_hex_val(unsigned char c);

/*
 * A secret file of one line of 2 * @len hex digits, either case, LF, CRLF
 * or no line end (hexfile.c): -EACCES (and how to fix it) if group or
 * others have any access, -EBADMSG (never quoting the file) for anything
 * but the digits; @out is wiped on failure. The words of the messages:
 */
#define PMHS_HEXFILE_MAX	128
struct pmhs_hexfile {
	const char *kind;	/* "an X25519 key file" */
	const char *holds;	/* "64 hex digits (...)" */
	const char *secret;	/* what others could read: "the private key" */
	const char *remedy;	/* what to do if they did: "make a new key" */
};
int pmhs_hexfile_load(const char *path, uint8_t *out, size_t len,
		      const struct pmhs_hexfile *f, char *err, size_t err_len);

/* Fill a caller's message buffer (@err may be NULL or @err_len 0). */
void pmhs_errf(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* @pkey's DER into @key (keyload.c): the PKCS#1 private key if @private, the SPKI. */
struct evp_pkey_st;
int pmhs_key_fill(struct evp_pkey_st *pkey, bool private, struct pmhs_key *key);

/* A struct with a size member is usable if it is at least @min bytes. */
#define PMHS_SIZE_OK(p, min) ((p) && (p)->size >= (min))
/*
 * The first version's size of a struct that grew, up to its first new
 * member: a program built before the growth passes that much.
 */
#define PMHS_V0_SIZE(type, first_new) offsetof(type, first_new)
/*
 * @src (of src->size bytes, at least the first version's) as a whole
 * struct in @tmp, the members it lacks zero. Returns @src if it is whole.
 */
const void *pmhs_whole(const void *src, uint32_t src_size, void *tmp, size_t size);
/* Copy @src back into the caller's @dst of dst_size bytes, keeping its size member. */
void pmhs_copy_out(void *dst, uint32_t dst_size, const void *src, size_t size);

/* Reply attribute readers that check the length first. */
bool pmhs_get_u32(struct nlattr **tb, int a, uint32_t *out);
bool pmhs_get_s32(struct nlattr **tb, int a, int32_t *out);
bool pmhs_get_u64(struct nlattr **tb, int a, uint64_t *out);
/* Copy a binary attribute into a caller's buffer; -ENOSPC if too small. */
int pmhs_get_bin(struct nlattr **tb, int a, void *out, size_t max, size_t *len);
/* Copy a string attribute (NUL-terminated in @out); false if absent/bad. */
bool pmhs_get_str(struct nlattr **tb, int a, char *out, size_t max);

#endif
