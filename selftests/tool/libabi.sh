#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libpmhs.so.0's ABI: its soname, and exactly the functions of the public
# header exported, each at version PMHS_0 (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SO=$TOP/userspace/lib/libpmhs.so.0
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

[ -f "$SO" ]; ok $? "libpmhs.so.0 built"
objdump -p "$SO" | grep -qE 'SONAME +libpmhs\.so\.0$'; ok $? "soname libpmhs.so.0"
exported=$(nm -D --defined-only "$SO" | awk '$2 == "T" { print $3 }' | sort)
declared=$(grep -oE '\bpmhs_[a-z0-9_]+\(' "$TOP/include/pmhs/pmhs.h" | tr -d '(' | sort -u |
	sed 's/$/@@PMHS_0/')
diff <(echo "$declared") <(echo "$exported") >&2; ok $? "exports are the header's functions, at PMHS_0"
! nm -D --defined-only "$SO" | awk '$2 != "A"' | grep -v ' pmhs_' >&2
ok $? "nothing else exported"
! nm -D --undefined-only "$SO" | grep -E ' (printf|puts|fprintf|__printf_chk|__fprintf_chk|exit|_exit|abort|perror|fputs|fwrite|putchar)(@|$)' >&2
ok $? "no stdio output, no exit()"
echo "1..$n"
exit $fail
