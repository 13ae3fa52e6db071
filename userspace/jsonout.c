// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "jsonout.h"

void json_emit(struct json_object *o)
{
	/* One object per line keeps `pmhs-ctl -j ... | jq` and line tools happy. */
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
