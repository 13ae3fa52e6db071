/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMHS_JSONOUT_H
#define PMHS_JSONOUT_H

#include <json-c/json.h>

/* Print @o as one line on stdout (no "\/" escaping) and free it. */
void json_emit(struct json_object *o);

#endif
