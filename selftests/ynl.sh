#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own ynl CLI drives the module from docs/netlink/pmhs.yaml:
# proof that the spec is the real contract, not a description of it.
set -u
top=${PMHS_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
ynl_dir=$top/build/linux-source-6.12
spec=$top/docs/netlink/pmhs.yaml
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# Schema validation is slow under TCG; make gen-check does it on the host.
ynl() {
	python3 "$ynl_dir/tools/net/ynl/cli.py" --spec "$spec" --no-schema "$@"
}

echo "TAP version 13"
out=$(ynl --do get-version 2>&1)
echo "$out" | sed 's/^/# /'
check "ynl get-version reports the module version" \
	grep -q "'module-version': '$(cat "$top/VERSION")'" <<<"$out"

out=$(ynl --do set-config --json '{"session-timeout": 30}' 2>&1)
check "ynl set-config succeeds" test $? = 0
out=$(ynl --do get-config 2>&1)
check "ynl get-config reads the new timeout" grep -q "'session-timeout': 30" <<<"$out"

out=$(ynl --do set-config --json '{"session-timeout": 0}' 2>&1)
echo "$out" | tail -n 3 | sed 's/^/# /'
check "ynl shows the policy's rejection" grep -qi "out of range\|range" <<<"$out"

key=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["keys"]["bob"]["private_pem_pkcs1"])' \
	"$top/selftests/vectors/poorman-v1.json" |
	openssl rsa -traditional -outform DER 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
out=$(ynl --do identity-new --json "{\"name\": \"ynl\", \"key-der\": \"$key\"}" 2>&1)
echo "$out" | sed 's/^/# /'
check "ynl imports an identity" grep -q "'bits': 2048" <<<"$out"
out=$(ynl --dump identity-get 2>&1)
check "ynl dumps identities, public half only" \
	bash -c "grep -q \"'name': 'ynl'\" <<<\"\$0\" && grep -q pubkey <<<\"\$0\" && ! grep -q key-der <<<\"\$0\"" "$out"
out=$(ynl --do identity-del --json '{"name": "ynl"}' 2>&1)
check "ynl deletes it" test $? = 0
ynl --do set-config --json '{"session-timeout": 60}' >/dev/null 2>&1

echo "1..$n"
[ $fails = 0 ]
