#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Python package pmhs (python/pmhs) against the real module, in the
# test VM (selftests/run_tests python_tool.sh): Debian's pytest runs
# python/tests with this tree's python/ and userspace/lib/libpmhs.so.0,
# and every pytest test becomes one TAP line (from pytest's JUnit XML),
# so make check counts them. A skipped test is reported as `# SKIP`
# (make check fails on it); a missing pytest or cffi, a collection error
# or no test at all is a failure, never a silent pass. Then the module's
# live session and identity counters must be back to zero (no leak).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
LIB=$TOP/userspace/lib/libpmhs.so.0
T=$(mktemp -d "${TMPDIR:-/tmp}/pmhs-python.XXXXXX")
trap 'rm -rf "$T"' EXIT
N=0
FAILED=0

ok() {	# ok STATUS DESCRIPTION
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		FAILED=$((FAILED + 1))
	fi
}
finish() {
	echo "1..$N"
	[ $FAILED = 0 ]
	exit
}

# What the tests need, each missing piece a failure that says how to fix it.
"$PY" -c 'import pytest' 2>"$T/err"
ok $? "python3-pytest is installed (else: apt-get install python3-pytest, or make deps-dev)"
"$PY" -c 'import cffi' 2>>"$T/err"
ok $? "python3-cffi is installed (else: apt-get install python3-cffi, or make deps-dev)"
[ -f "$LIB" ]
ok $? "$LIB is built (else: make userspace)"
[ -d "$TOP/python/tests" ]
ok $? "python/tests exists"
[ $FAILED = 0 ] || { sed 's/^/#   /' "$T/err"; finish; }

# The tree may be read-only in the guest and must stay clean: no
# __pycache__, no .pytest_cache; run from $T. A hung test is cut off
# (PMHS_TEST_TIMEOUT_SCALE stretches the limit for a slow guest).
limit=$((600 * ${PMHS_TEST_TIMEOUT_SCALE:-1}))
(cd "$T" && PYTHONPATH=$TOP/python PMHS_LIBPMHS=$LIB PYTHONDONTWRITEBYTECODE=1 \
	timeout "$limit" "$PY" -m pytest -q -rA -p no:cacheprovider \
	--junitxml="$T/junit.xml" -o junit_family=xunit1 "$TOP/python/tests") >"$T/pytest.out" 2>&1
rc=$?

# One TAP line per test case, in pytest's order; failures and errors show
# pytest's message and the tail of its traceback as comments.
"$PY" - "$T/junit.xml" <<'EOF' >"$T/tap" 2>"$T/tap.err"
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
for tc in root.iter("testcase"):
    name = "%s::%s" % (tc.get("classname", ""), tc.get("name", ""))
    bad = tc.find("failure")
    if bad is None:
        bad = tc.find("error")
    skip = tc.find("skipped")
    if bad is not None:
        print("F\t%s" % name)
        text = (bad.get("message") or "") + "\n" + (bad.text or "")
        for line in [l for l in text.splitlines() if l.strip()][-15:]:
            print("#\t%s" % line)
    elif skip is not None:
        print("S\t%s\t%s" % (name, (skip.get("message") or "").replace("\n", " ")))
    else:
        print("P\t%s" % name)
EOF
ok $? "pytest wrote its JUnit XML (python/tests could be collected)"
[ -s "$T/tap.err" ] && sed 's/^/#   /' "$T/tap.err"
cases=0
while IFS=$'\t' read -r kind name why; do
	case $kind in
	P) ok 0 "$name"; cases=$((cases + 1)) ;;
	F) ok 1 "$name"; cases=$((cases + 1)) ;;
	S)	N=$((N + 1)); cases=$((cases + 1))
		echo "ok $N - $name # SKIP ${why:-no reason given}" ;;
	'#') echo "#   $name" ;;
	esac
done <"$T/tap"

[ $cases -gt 0 ]
ok $? "pytest ran $cases tests (none collected is a failure)"
[ $rc = 0 ]
ok $? "pytest exited 0 (exit $rc; 124 = cut off after ${limit}s)"
if [ $rc != 0 ] || [ $cases = 0 ]; then
	tail -n 40 "$T/pytest.out" | sed 's/^/#   pytest: /'
fi

# Every handshake object gone: the module holds no session or identity of
# ours (its counters are per module; nothing else runs in the guest now).
# Sessions of closed sockets are freed from a work item: wait a little.
PYTHONPATH=$TOP/python PMHS_LIBPMHS=$LIB PYTHONDONTWRITEBYTECODE=1 "$PY" - <<'EOF' >"$T/live" 2>&1
import time
from pmhs import _lib

for _ in range(30):
    with _lib.Handle() as h:
        v = h.version()
        s, i = v.live_sessions, v.live_identities
    if s == 0 and i == 0:
        break
    time.sleep(0.2)
print("live sessions %d, identities %d" % (s, i))
raise SystemExit(0 if s == 0 and i == 0 else 1)
EOF
ok $? "after the suite the module's live counters are zero ($(tail -n 1 "$T/live"))"
finish
