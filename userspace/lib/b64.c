// SPDX-License-Identifier: GPL-2.0
/* Base64 for the pin store and PEM text, and the message-buffer helper. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"

void pmhs_errf(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

char *pmhs_b64_encode(const uint8_t *in, size_t len)
{
	char *out;

	if (len > INT_MAX / 2)
		return NULL;
	out = malloc(4 * ((len + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

static int b64_char(char c)
{
	return c == '+' || c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

int pmhs_b64_decode(const char *in, uint8_t **out, size_t *out_len)
{
	size_t len = strlen(in), pad;
	int n;

	if (!len || len % 4 || len > INT_MAX / 2)
		return -EINVAL;
	/* EVP_DecodeBlock skips whitespace and takes '=' anywhere: we do not. */
	for (size_t i = 0; i < len; i++)
		if (in[i] == '=' ? i < len - 2 : !b64_char(in[i]))
			return -EINVAL;
	pad = (in[len - 1] == '=') + (in[len - 2] == '=');
	if (in[len - 1] != '=' && in[len - 2] == '=')
		return -EINVAL;
	*out = malloc(len / 4 * 3);
	if (!*out)
		return -ENOMEM;
	n = EVP_DecodeBlock(*out, (const unsigned char *)in, (int)len);
	if (n < 0) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	*out_len = (size_t)n - pad;
	return 0;
}
