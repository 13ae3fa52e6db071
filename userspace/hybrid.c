// SPDX-License-Identifier: GPL-2.0
/*
 * pmhs-ctl hybrid: the reference's hybrid_encrypt_RSA/hybrid_decrypt_RSA
 * (RSA-OAEP wrapped AES-256-GCM key) done by the module through sealed
 * memfds: the module touches no other kind of file (a read that blocks
 * would stall genetlink), so IN is copied into a memfd sealed against
 * writes and size changes. The output goes to a memfd of fixed size too,
 * and reaches stdout or OUT only once the module said yes, so a failed
 * decryption never leaves partial plaintext behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
		"Usage: %s hybrid encrypt --peer-key FILE [--oaep-hash sha1|sha256] [IN [OUT]]\n"
		"       %s hybrid decrypt --identity NAME [--oaep-hash sha1|sha256] [IN [OUT]]\n"
		"\n"
		"Encrypts IN to the public key in FILE, or decrypts it with a module\n"
		"identity, as poorman_handshake's hybrid_encrypt_RSA/hybrid_decrypt_RSA:\n"
		"u16be rsa_len || RSA-OAEP(AES key) || nonce16 || tag16 || AES-256-GCM\n"
		"ciphertext. IN and OUT default to stdin and stdout ('-' says so too); at\n"
		"most 64 MiB. Output is written only after success: a message that fails\n"
		"to authenticate produces no plaintext at all (exit %d). OUT is replaced\n"
		"atomically, mode 0600. -j prints {\"length\":N} instead of the data when\n"
		"writing to OUT. decrypt needs CAP_NET_ADMIN.\n",
		prog, prog, PMHS_EXIT_VERIFY);
	return ret;
}

/* Largest RSA modulus the module takes, in bytes. */
#define HYBRID_RSA_MAX	512
/* u16be rsa_len, nonce and tag around the RSA block. */
#define HYBRID_HDR_MAX	(2 + HYBRID_RSA_MAX + 16 + 16)

/* A memfd of @size bytes that can neither grow nor shrink, for the output. */
static int out_memfd(size_t size)
{
	int mfd = memfd_create("pmhs-out", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (mfd < 0 || ftruncate(mfd, (off_t)size) ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) {
		fprintf(stderr, "%s: making the output memfd: %s\n", prog, strerror(errno));
		if (mfd >= 0)
			close(mfd);
		return -1;
	}
	return mfd;
}

/*
 * Copy @fd into a new memfd sealed against writes and size changes,
 * refusing more than @max bytes; its size in *size.
 */
static int to_memfd(int fd, const char *what, size_t max, size_t *size)
{
	/* Plaintext passes through it: wiped on every way out. */
	static char buf[65536];
	int mfd = memfd_create("pmhs-in", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t total = 0;
	ssize_t r;

	if (mfd < 0) {
		fprintf(stderr, "%s: memfd_create: %s\n", prog, strerror(errno));
		return -1;
	}
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (total += (size_t)r) > max) {
			fprintf(stderr, "%s: %s: %s\n", prog, what, r < 0 ? strerror(errno) :
				"more than 64 MiB: too big for hybrid encryption");
			goto fail;
		}
		if (write(mfd, buf, (size_t)r) != r) {
			fprintf(stderr, "%s: writing a memfd: %s\n", prog, strerror(errno));
			goto fail;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		fprintf(stderr, "%s: sealing a memfd: %s\n", prog, strerror(errno));
		close(mfd);
		return -1;
	}
	*size = total;
	return mfd;
fail:
	explicit_bzero(buf, sizeof(buf));
	close(mfd);
	return -1;
}

/* IN (or stdin) as a sealed memfd, at most @max bytes. */
static int input_fd(const char *path, size_t max, size_t *size)
{
	bool std = !path || !strcmp(path, "-");
	const char *what = std ? "standard input" : path;
	int fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int mfd;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? -PMHS_EXIT_NOTFOUND :
		       errno == EACCES || errno == EPERM ? -PMHS_EXIT_PERM : -PMHS_EXIT_FAIL;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		fprintf(stderr, "%s: %s: %lld bytes, more than 64 MiB\n", prog, what,
			(long long)st.st_size);
		if (!std)
			close(fd);
		return -1;
	}
	mfd = to_memfd(fd, what, max, size);
	if (!std)
		close(fd);
	return mfd;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Hand the module's @len bytes of output on, then wipe them: they may be plaintext. */
static int emit(int mfd, size_t len, const char *out_path)
{
	char err[1024];
	uint8_t *p = NULL;
	int ret = 0;

	if (len && (p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", prog, strerror(errno));
		return PMHS_EXIT_FAIL;
	}
	if (out_path && strcmp(out_path, "-")) {
		ret = pmhs_write_atomic(out_path, p ? p : (uint8_t *)"", len, 0600, PMHS_WRITE_REPLACE, err,
				      sizeof(err));
		if (ret)
			fprintf(stderr, "%s: %s\n", prog, err);
		ret = ret ? kf_exit_code(ret) : 0;
	} else if (write_all(1, p, len)) {
		fprintf(stderr, "%s: writing standard output: %s\n", prog, strerror(errno));
		ret = PMHS_EXIT_FAIL;
	}
	if (p) {
		explicit_bzero(p, len);
		munmap(p, len);
	}
	return ret;
}

struct hy_opts {
	bool decrypt;
	const char *peer_key, *identity, *in, *out;
	int oaep;
};

static int call_module(const struct hy_opts *o, int in, int out, uint64_t *len)
{
	struct pmhs_key pub;
	struct pmhs *h;
	char err[1024];
	int ret;

	h = ctl_open(&ret);
	if (!h)
		return ret;
	if (o->decrypt) {
		ret = pmhs_hybrid_decrypt(h, o->identity, o->oaep, in, out, len);
	} else {
		ret = kf_load_public(o->peer_key, &pub, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "%s: %s\n", prog, err);
			pmhs_close(h);
			return kf_exit_code(ret);
		}
		ret = pmhs_hybrid_encrypt(h, pub.spki, pub.spki_len, o->oaep, in, out, len);
		pmhs_key_free(&pub);
	}
	if (ret)
		ret = ctl_report(h, o->decrypt ? "hybrid-decrypt" : "hybrid-encrypt", ret);
	pmhs_close(h);
	return ret;
}

static int run(const struct hy_opts *o)
{
	uint64_t len = UINT64_MAX;
	size_t size = 0;
	/* A message is longer than its plaintext by the header. */
	int in = input_fd(o->in, PMHS_HYBRID_MAX + (o->decrypt ? HYBRID_HDR_MAX : 0), &size);
	int out, ret;

	if (in < 0)
		return in < -1 ? -in : PMHS_EXIT_FAIL;
	/* Room for the output; the module says how much it wrote. */
	out = out_memfd(o->decrypt ? size : size + HYBRID_HDR_MAX);
	if (out < 0) {
		close(in);
		return PMHS_EXIT_FAIL;
	}
	ret = call_module(o, in, out, &len);
	close(in);
	if (!ret && len > (o->decrypt ? size : size + HYBRID_HDR_MAX)) {
		fprintf(stderr, "%s: the module reported %llu bytes of output, more than it had room for\n",
			prog, (unsigned long long)len);
		ret = PMHS_EXIT_FAIL;
	}
	if (!ret)
		ret = emit(out, (size_t)len, o->out);
	if (!ret && json_output && o->out && strcmp(o->out, "-")) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "length", json_object_new_int64((int64_t)len));
		json_emit(j);
	}
	close(out);
	return ret;
}

int hybrid_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "peer-key", required_argument, NULL, 'k' },
		{ "identity", required_argument, NULL, 'i' },
		{ "oaep-hash", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct hy_opts o = { .oaep = -1 };
	int c, n;

	if (argc < 2)
		return usage(PMHS_EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(PMHS_EXIT_OK);
	if (strcmp(argv[1], "encrypt") && strcmp(argv[1], "decrypt")) {
		fprintf(stderr, "%s: hybrid: unknown command '%s'\n", prog, argv[1]);
		return usage(PMHS_EXIT_USAGE);
	}
	o.decrypt = !strcmp(argv[1], "decrypt");
	optind = 1;
	while ((c = ctl_getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.peer_key = optarg; break;
		case 'i': o.identity = optarg; break;
		case 'o':
			if (strcmp(optarg, "sha1") && strcmp(optarg, "sha256")) {
				fprintf(stderr, "%s: --oaep-hash takes sha1 or sha256\n", prog);
				return usage(PMHS_EXIT_USAGE);
			}
			o.oaep = strcmp(optarg, "sha1") ? PMHS_OAEP_HASH_SHA256 : PMHS_OAEP_HASH_SHA1;
			break;
		case 'h': return usage(PMHS_EXIT_OK);
		default: return usage(PMHS_EXIT_USAGE);
		}
	}
	n = argc - 1 - optind;
	if (n > 2 || (o.decrypt ? !o.identity || o.peer_key : !o.peer_key || o.identity)) {
		fprintf(stderr, "%s: hybrid %s needs %s, and at most IN and OUT\n", prog, argv[1],
			o.decrypt ? "--identity NAME (and no --peer-key)" :
			"--peer-key FILE (and no --identity)");
		return usage(PMHS_EXIT_USAGE);
	}
	o.in = n > 0 ? argv[optind + 1] : NULL;
	o.out = n > 1 ? argv[optind + 2] : NULL;
	return run(&o);
}
