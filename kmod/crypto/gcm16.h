/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMHS_GCM16_H
#define _PMHS_GCM16_H

#include <linux/types.h>

#define PMHS_GCM_TAG_SIZE	16

/*
 * AES-GCM (NIST SP 800-38D) with a nonce of any non-zero length; pmhs uses
 * 16 bytes, as pycryptodome does. Keys of 16, 24 or 32 bytes, full 16-byte
 * tags. Buffers may be vmalloc'd and in may equal out. May sleep.
 */
int pmhs_gcm_encrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, u8 *out, u8 tag[16]);
/*
 * Checks the tag over all of @in first (-EBADMSG, nothing emitted), then
 * hands the plaintext to @emit in pieces of up to 16 KiB from a buffer
 * that is wiped afterwards; @in is only read. An error from @emit stops
 * it and is returned.
 */
int pmhs_gcm_decrypt_stream(const u8 *key, unsigned int keylen,
			    const u8 *iv, unsigned int ivlen, const u8 *aad,
			    size_t aadlen, const u8 *in, size_t len,
			    const u8 tag[16],
			    int (*emit)(void *ctx, const u8 *p, size_t n),
			    void *ctx);
/* The same into @out: -EBADMSG and a zeroed out if the tag does not match. */
int pmhs_gcm_decrypt(const u8 *key, unsigned int keylen, const u8 *iv,
		     unsigned int ivlen, const u8 *aad, size_t aadlen,
		     const u8 *in, size_t len, const u8 tag[16], u8 *out);

int pmhs_gcm_init(void);
/* "ctr driver, ghash driver", for the self-test's report. */
const char *pmhs_gcm_drivers_used(void);
void pmhs_gcm_uninit(void);
/* Known-answer tests: 0 or -errno. Needs pmhs_kdf_init() done. */
int pmhs_gcm_selftest(void);

#endif /* _PMHS_GCM16_H */
