/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_KEYFILE_H
#define PMHS_KEYFILE_H

/*
 * pmhs-ctl's side of key files: libpmhs reads, checks and writes them
 * (struct pmhs_key, pmhs_key_*); this adds what a command-line tool says
 * and does about them: the warning about a private key others can read,
 * exit codes, and genkey --ensure's policy for a damaged key file.
 */

#include <stdbool.h>
#include <stddef.h>

#include <pmhs/pmhs.h>

#define KF_DEFAULT_BITS	2048

/* pmhs_key_load_*() plus a warning on stderr if a private key is readable by others. */
int kf_load_private(const char *path, struct pmhs_key *key, char *err, size_t err_len);
int kf_load_public(const char *path, struct pmhs_key *key, char *err, size_t err_len);

/* SPKI PEM ("-----BEGIN PUBLIC KEY-----"), malloc()ed, NUL-terminated. */
char *kf_spki_pem(const void *spki, size_t len);

/*
 * The reference's key file behaviour: load @path; create it if missing; if
 * it is corrupt, move it to <path>.bak (.bak.1 ... if taken), generate a new
 * key and say so loudly on stderr, unless KF_NO_REGENERATE makes that an
 * error. Encrypted, non-RSA and wrong-size keys are never replaced: those
 * are somebody's deliberate choice, not bit rot.
 */
enum { KF_NO_REGENERATE = 1 };
enum kf_outcome { KF_LOADED, KF_CREATED, KF_REGENERATED };
int kf_load_or_create(const char *path, int bits, unsigned int flags, struct pmhs_key *key,
		      enum kf_outcome *outcome, char *err, size_t err_len);

/* PMHS_EXIT_* for a libpmhs file call's -errno. */
int kf_exit_code(int status);

#endif
