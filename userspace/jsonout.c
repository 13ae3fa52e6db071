// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "jsonout.h"
#include "pmhs-ctl.h"

int json_flags(void)
{
	/* One line by default keeps `pmhs-ctl -j ... | jq` and line tools happy. */
	return (json_pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
		JSON_C_TO_STRING_PLAIN) | JSON_C_TO_STRING_NOSLASHESCAPE;
}

void json_print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, json_flags()));
}

void json_emit(struct json_object *o)
{
	json_print(o);
	json_object_put(o);
}
