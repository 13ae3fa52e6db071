#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libpmhs.so.0's ABI: its soname, and exactly the functions of the public
# header exported, each at its version node of libpmhs.map (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SO=$TOP/userspace/lib/libpmhs.so.0
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

[ -f "$SO" ]; ok $? "libpmhs.so.0 built"
objdump -p "$SO" | grep -qE 'SONAME +libpmhs\.so\.0$'; ok $? "soname libpmhs.so.0"
exported=$(nm -D --defined-only "$SO" | awk '$2 == "T" { print $3 }' | sort)
declared=$(grep -oE '\bpmhs_[a-z0-9_]+\(' "$TOP/include/pmhs/pmhs.h" | tr -d '(' | sort -u)
diff <(echo "$declared") <(echo "$exported" | sed 's/@.*//') >&2
ok $? "exports are the header's functions"
# Each at the version node libpmhs.map gives it: "NAME@@NODE" from the map.
mapped=$(awk '/^[A-Z0-9_]+ \{/ { node = $1 } /^\tpmhs_/ { sub(";", ""); print $1 "@@" node }' \
	"$TOP/userspace/lib/libpmhs.map" | sort)
diff <(echo "$mapped") <(echo "$exported") >&2; ok $? "each at its libpmhs.map version node"
# A released function never changes node: the symbols file has the released ones.
released=$(awk '$1 ~ /^pmhs_/ { sub("@", "@@", $1); print $1 }' "$TOP/debian/libpmhs0.symbols" | sort)
[ -n "$released" ] && ! comm -23 <(echo "$released") <(echo "$exported") | grep . >&2
ok $? "every function of debian/libpmhs0.symbols still exported at its node"
! nm -D --defined-only "$SO" | awk '$2 != "A"' | grep -v ' pmhs_' >&2
ok $? "nothing else exported"
! nm -D --undefined-only "$SO" | grep -E ' (printf|puts|fprintf|__printf_chk|__fprintf_chk|exit|_exit|abort|perror|fputs|fwrite|putchar)(@|$)' >&2
ok $? "no stdio output, no exit()"
echo "1..$n"
exit $fail
