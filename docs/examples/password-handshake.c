// SPDX-License-Identifier: GPL-2.0
/*
 * A password handshake between two libpmhs handles, as two programs
 * would do it (here in one process, the messages passed in memory
 * instead of over a network). Each side ends up with the same secret
 * in its session keyring; neither side's secret passes through here.
 *
 *   cc password-handshake.c $(pkg-config --cflags --libs libpmhs) -lkeyutils
 *
 * Needs CAP_NET_ADMIN and the pmhs module. Exit status 0 if both sides
 * got the same secret.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>
#include <pmhs/pmhs.h>

struct side {
	const char *name;
	struct pmhs *h;
	struct pmhs_step st;		/* session-new: our message to send */
	unsigned char msg[PMHS_MESSAGE_MAX];
	int32_t key;			/* the published secret */
};

static int fail(struct side *s, const char *what, int err)
{
	const char *why = s->h ? pmhs_errmsg(s->h) : "";

	fprintf(stderr, "%s: %s: %s%s%s\n", s->name, what, strerror(-err),
		*why ? ": " : "", why);
	return 1;
}

/* Open a handle and start our half; our message goes to the peer. */
static int start(struct side *s, const char *password)
{
	struct pmhs_session_params p;
	int err = pmhs_open(&s->h);

	if (err)
		return fail(s, "open (is pmhs.ko available?)", err);
	PMHS_INIT(p);
	p.mode = PMHS_MODE_PASSWORD;
	p.password = password;
	p.password_len = strlen(password);
	p.oaep_hash = -1;
	PMHS_INIT(s->st);
	s->st.msg = s->msg;
	s->st.msg_max = sizeof(s->msg);
	err = pmhs_session_new(s->h, &p, &s->st);
	if (err)
		return fail(s, "session-new", err);
	printf("%s: session %u, message %.*s\n", s->name, s->st.id, (int)s->st.msg_len,
	       (const char *)s->msg);
	return 0;
}

/* Hand our session the peer's message: the secret is published. */
static int finish(struct side *s, const struct side *peer)
{
	struct pmhs_step done;
	int err;

	/* A step of its own: s->st still holds the message the peer needs. */
	PMHS_INIT(done);
	err = pmhs_session_step(s->h, s->st.id, peer->msg, peer->st.msg_len, NULL, &done);
	if (err)
		return fail(s, "session-step", err);
	s->key = done.key_serial;
	printf("%s: secret published as key %d\n", s->name, s->key);
	return 0;
}

int main(void)
{
	struct side a = { .name = "alice" }, b = { .name = "bob" };
	const char *password = "correct horse battery staple";
	void *ka = NULL, *kb = NULL;
	long la = 0, lb = 0;
	int ret = 1;

	if (start(&a, password) || start(&b, password) || finish(&a, &b) || finish(&b, &a))
		goto out;
	/* The same secret on both sides: what the application uses next. */
	la = keyctl_read_alloc(a.key, &ka);
	lb = keyctl_read_alloc(b.key, &kb);
	if (la <= 0 || la != lb || memcmp(ka, kb, (size_t)la)) {
		fprintf(stderr, "the two sides' secrets differ\n");
		goto out;
	}
	printf("both sides hold the same %ld-byte secret\n", la);
	ret = 0;
out:
	if (ka)
		explicit_bzero(ka, (size_t)la);
	if (kb)
		explicit_bzero(kb, (size_t)lb);
	free(ka);
	free(kb);
	if (a.key > 0)
		keyctl_invalidate(a.key);
	if (b.key > 0)
		keyctl_invalidate(b.key);
	pmhs_close(a.h);
	pmhs_close(b.h);
	return ret;
}
