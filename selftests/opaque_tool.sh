#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmhs-ctl's OPAQUE server setups against the real module, in the test VM
# (selftests/run_tests opaque_tool.sh): `opaque setup FILE` writes a 0600
# file of seeds and never replaces one; `identity import` loads it as an
# opaque-server identity whose public key (raw ristretto255) and
# fingerprint show, never the seeds; a setup others can read is refused
# with how to fix it; --pem is refused for it. TAP output.
. "$(dirname "$0")/tool/lib.sh"

cleanup_opaque() {
	"$CTL" identity delete oq-srv >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup_opaque EXIT

run opaque setup "$T/setup"
ok $([ $RC = 0 ] && [ "$(stat -c %a "$T/setup")" = 600 ] &&
	grep -qE '^[0-9a-f]{256}$' "$T/setup" && [ "$(wc -c <"$T/setup")" = 257 ]; echo $?) \
	"opaque setup writes 256 hex digits and a line end, mode 0600"
sum=$(sha256sum <"$T/setup")
run opaque setup "$T/setup"
ok $([ $RC != 0 ] && err_has "exists" && [ "$(sha256sum <"$T/setup")" = "$sum" ]; echo $?) \
	"opaque setup never replaces a file (it says so; the file is unchanged)"
run opaque setup
ok $([ $RC = 2 ] && err_has "give the file"; echo $?) "opaque setup without a file: usage error"

run identity import oq-srv "$T/setup"
ok $([ $RC = 0 ] && out_has "oq-srv opaque-server SHA256:"; echo $?) \
	"identity import loads the setup as an opaque-server identity"
run -j identity show oq-srv
pub=$(jq -r .opaque_public "$T/out" 2>/dev/null)
fp=$(jq -r .sha256 "$T/out" 2>/dev/null)
want=$(/usr/bin/python3 -c 'import hashlib, sys
print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$pub" 2>/dev/null)
ok $([ $RC = 0 ] && [ "$(jq -r .type "$T/out")" = opaque-server ] &&
	[ "$(jq -r .bits "$T/out")" = 252 ] && [ ${#pub} = 64 ] && [ "$fp" = "$want" ]; echo $?) \
	"identity show -j: type opaque-server, 252 bits, a 32-byte public key, sha256 = SHA-256(public)"
ok $(! grep -q "$(head -c 64 "$T/setup")" "$T/out"; echo $?) "identity show does not show the seeds"
run identity show --pem oq-srv
ok $([ $RC = 2 ] && err_has "not PEM"; echo $?) "identity show --pem of a setup: refused, saying why"
run identity import oq-srv "$T/setup"
ok $([ $RC != 0 ] && err_has "exists"; echo $?) "the name is taken: a second import fails"
run identity delete oq-srv
ok $RC "identity delete of the setup"

cp "$T/setup" "$T/open" && chmod 644 "$T/open"
run identity import oq-open "$T/open"
ok $([ $RC != 0 ] && err_has "chmod 600"; echo $?) \
	"a setup file others can read: refused, with how to fix it"
run identity show oq-open
ok $([ $RC != 0 ]; echo $?) "nothing was loaded from it"

echo "1..$N"
[ $FAILED = 0 ]
