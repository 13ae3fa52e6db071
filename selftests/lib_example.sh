#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs/examples/password-handshake, the library's example program, runs
# and both of its handles end with the same secret (TAP).
set -u
cd "$(dirname "$0")"
out=$(keyctl session - ../docs/examples/password-handshake 2>&1)
rc=$?
sed 's/^/# /' <<<"$out"
if [ $rc = 0 ] && grep -q 'both sides hold the same 32-byte secret' <<<"$out"; then
	echo "ok 1 - docs/examples/password-handshake: one secret on both sides"
else
	echo "not ok 1 - docs/examples/password-handshake exited $rc"
fi
echo "1..1"
[ $rc = 0 ]
