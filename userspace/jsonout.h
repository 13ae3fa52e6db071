/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_JSONOUT_H
#define PMHS_JSONOUT_H

#include <json-c/json.h>

/*
 * -j prints exactly one JSON document per invocation: one line, or
 * indented with -p. No "\/" escaping.
 */
int json_flags(void);
/* Print @o on stdout; json_emit() also frees it. */
void json_print(struct json_object *o);
void json_emit(struct json_object *o);

#endif
