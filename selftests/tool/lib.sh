# SPDX-License-Identifier: GPL-2.0
# Helpers for the pmhs-ctl tool tests: TAP output, one line per assertion.
# The binary under test is $PMHS_CTL (default: the plain build).

TOOL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$TOOL_DIR/../.." && pwd)
VECTORS=$TOP/selftests/vectors/poorman-v1.json
CTL=${PMHS_CTL:-$TOP/userspace/pmhs-ctl}
[[ $CTL == /* ]] || CTL=$PWD/$CTL
[ -x "$CTL" ] || { echo "Bail out! no pmhs-ctl binary at $CTL (make -C userspace)"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/pmhs-tool.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
# Never touch the real pin stores of whoever runs the tests.
export PMHS_KNOWN_PEERS=$T/pins/user/known_peers
export PMHS_SYSTEM_KNOWN_PEERS=$T/pins/system/known_peers
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config
umask 022

N=0
FAILED=0

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	N=$((N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $N - $2"
	else
		echo "not ok $N - $2"
		FAILED=$((FAILED + 1))
		[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err" | head -n 20
	fi
}

# run ARGS...: run pmhs-ctl, stdout in $T/out, stderr in $T/err, status in $RC.
run() {
	"$CTL" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# run_in INPUT ARGS...: the same with INPUT on stdin.
run_in() {
	local input=$1
	shift
	printf '%s' "$input" | "$CTL" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

check() {	# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	local d=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$d"
}

rc_is() { [ "$RC" -eq "$1" ]; }
err_has() { grep -qF -- "$1" "$T/err"; }
out_has() { grep -qF -- "$1" "$T/out"; }
out_is() { [ "$(cat "$T/out")" = "$1" ]; }
json_ok() { jq -e . "$T/out" >/dev/null; }

# Exit codes, as in userspace/pmhs-ctl.h.
EXIT_FAIL=1 EXIT_USAGE=2 EXIT_NOTFOUND=3 EXIT_VERIFY=4 EXIT_PERM=5

# Write the vectors' keys to NAME.pk1 (PKCS#1), NAME.pk8, NAME.pub, mode 0600.
vector_keys() {
	local n
	for n in alice bob carol dave erin; do
		jq -r ".keys.$n.private_pem_pkcs1" "$VECTORS" >"$n.pk1"
		jq -r ".keys.$n.private_pem_pkcs8" "$VECTORS" >"$n.pk8"
		jq -r ".keys.$n.public_pem" "$VECTORS" >"$n.pub"
		chmod 600 "$n.pk1" "$n.pk8"
	done
}

# The fingerprint the tool must print, computed without it.
expected_fp() {
	openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -d' ' -f1
}

finish() {
	echo "1..$N"
	[ "$FAILED" -eq 0 ]
	exit $?
}
