#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmhs-ctl's OPAQUE server setups against the real module, in the test VM
# (selftests/run_tests opaque_tool.sh): `opaque setup FILE` writes a 0600
# file of seeds and never replaces one; `identity import` loads it as an
# opaque-server identity whose public key (raw ristretto255) and
# fingerprint show, never the seeds; a setup others can read is refused
# with how to fix it; --pem is refused for it. Then `opaque register` and
# `opaque login` as two processes whose lines cross over FIFOs (hex and
# base64url), and listen/connect --mode opaque-register|opaque-login on
# loopback: both sides get the same session key, the client the same
# export key at registration and login; a wrong password and an unknown
# user fail alike on both sides with nothing published; the store's record
# file (0600, its three lines); re-registration refused without --replace;
# the server's session key is a logon key unless --user-key; a login with
# --ktls keys kernel TLS from the 64-byte session keys.
# Each test has its own user, with at most 3 failed logins (the module
# rate-limits failures per user). TAP output.
. "$(dirname "$0")/tool/lib.sh"

keyctl new_session >/dev/null
cleanup_opaque() {
	jobs -p | xargs -r kill 2>/dev/null
	"$CTL" identity delete oq-srv >/dev/null 2>&1
	"$CTL" identity delete oq-s2 >/dev/null 2>&1
	[ -n "${old_pf:-}" ] && echo "$old_pf" >/sys/module/pmhs/parameters/opaque_peer_failures
	[ -n "${old_d:-}" ] && echo "$old_d" >/sys/module/pmhs/parameters/opaque_delay_ms
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

# ------------------------------------------------------------ register and login
echo "# opaque register/login"
EXIT_VERIFY=4
AUTH="authentication failed (wrong password or unknown user)"
K=(--ksf-memory 1024 --ksf-passes 1)
ST=$T/store
umask 077
printf 'a long enough password for opaque\n' >pw
printf 'another long enough password, wrong\n' >pw.other
printf 'a third long password for the replacement\n' >pw.new
run opaque setup "$T/s2.setup"
run identity import oq-s2 "$T/s2.setup"
ok $RC "a second setup imported for the sessions"
SV=(--server --identity oq-s2 --store "$ST")

nkeys() { keyctl rlist @s 2>/dev/null | wc -w; }
field() { sed -n "s/^$1 //p" "$2"; }
keysum() { keyctl pipe "$1" 2>/dev/null | sha256sum; }

# opair A B ARGS-A -- ARGS-B: pmhs-ctl ARGS-A (the client) and pmhs-ctl
# ARGS-B (the server), each one's message lines to the other's stdin;
# all either prints (stdout and stderr) to A.out, B.out; status A.rc, B.rc.
rm -f c2s s2c
mkfifo c2s s2c
relay() {	# relay FIFO OUT: message lines to FIFO, every line to OUT
	local l
	exec 3>"$1"
	while IFS= read -r l; do
		printf '%s\n' "$l" >>"$2"
		case $l in '' | *[!A-Za-z0-9_-]*) ;; *) printf '%s\n' "$l" >&3 ;; esac
	done
}
opair() {
	local oa=$1 ob=$2 a=() b=()
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	: >"$oa.out"
	: >"$ob.out"
	{ timeout 120 "$CTL" "${a[@]}" <s2c 2>&1; echo $? >"$oa.rc"; } | relay c2s "$oa.out" &
	{ timeout 120 "$CTL" "${b[@]}" <c2s 2>&1; echo $? >"$ob.rc"; } | relay s2c "$ob.out" &
	wait
	cat "$oa.out" "$ob.out" >"$T/err"	# what ok() shows on a failure
}
rcs() { [ "$(cat "$1.rc")" = "$2" ] && [ "$(cat "$3.rc")" = "$4" ]; }

opair c s opaque register --password-file pw "${K[@]}" -- opaque register "${SV[@]}" --user alice
exp_reg=$(field export-serial c.out)
ok $(rcs c 0 s 0 && [ "${exp_reg:-0}" -gt 0 ] && grep -q "registered user 'alice'" s.out; echo $?) \
	"manual registration: the client prints export-serial, the server stores alice"
ok $([ "$(grep -cE '^[0-9a-f]{64}$' c.out)" = 1 ] && [ "$(grep -cE '^[0-9a-f]{384}$' c.out)" = 1 ] &&
	[ "$(grep -cE '^[0-9a-f]{128}$' s.out)" = 1 ]; echo $?) \
	"hex lines of 32 (request), 192 (record) and 64 bytes (response)"
rec=$ST/$(printf alice | sha256sum | cut -d' ' -f1)
ok $([ "$(stat -c %a "$rec")" = 600 ] && [ "$(sed -n 1p "$rec")" = "pmhs-opaque-record 1" ] &&
	[ "$(sed -n 2p "$rec")" = "credential-id YWxpY2U" ] &&
	sed -n 3p "$rec" | grep -qE '^record [A-Za-z0-9_-]{256}$' && [ "$(wc -l <"$rec")" = 3 ]; echo $?) \
	"the record file: SHA-256 of the user as its name, mode 0600, three lines"
rec_hex=$(sed -n 3p "$rec" | cut -d' ' -f2 | tr _- /+ | base64 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
ok $([ "$rec_hex" = "$(grep -E '^[0-9a-f]{384}$' c.out)" ]; echo $?) "it holds the record the client sent"

opair c s opaque login --password-file pw "${K[@]}" -- opaque login "${SV[@]}" --user alice --user-key
cs=$(field serial c.out) ss=$(field serial s.out) ce=$(field export-serial c.out)
ok $(rcs c 0 s 0 && [ "${cs:-0}" -gt 0 ] && [ "${ss:-0}" -gt 0 ] && [ "$cs" != "$ss" ] &&
	[ "$(keysum "$cs")" = "$(keysum "$ss")" ]; echo $?) \
	"manual login (hex): both sides publish the same session key"
ok $([ "$(keysum "$ce")" = "$(keysum "$exp_reg")" ] && [ "$(keyctl pipe "$ce" | wc -c)" = 64 ]; echo $?) \
	"the login's export key is the registration's (64 bytes)"

opair c s opaque login --base64url --password-file pw "${K[@]}" -- opaque login "${SV[@]}" --user alice --user-key
cs=$(field serial c.out) ss=$(field serial s.out)
ok $(rcs c 0 s 0 && [ "$(grep -cE '^[A-Za-z0-9_-]{128}$' c.out)" = 1 ] &&
	[ "$(grep -cE '^[A-Za-z0-9_-]{86}$' c.out)" = 1 ] && [ "$(grep -cE '^[0-9a-f]{640}$' s.out)" = 1 ] &&
	[ "$(keysum "$cs")" = "$(keysum "$ss")" ]; echo $?) \
	"client in base64url (KE1 128, KE3 86 characters), server in hex: each reads the other's"

opair c s opaque login --password-file pw "${K[@]}" -- -j opaque login --base64url "${SV[@]}" --user alice --user-key
js=$(grep '^{' s.out)
ok $(rcs c 0 s 0 && grep -qE '^[A-Za-z0-9_-]{427}$' s.out &&
	[ "$(jq -r .serial <<<"$js")" -gt 0 ] && [ "$(jq -r .user <<<"$js")" = alice ] &&
	[ "$(jq -r .role <<<"$js")" = server ] && [ "$(jq -r .mode <<<"$js")" = opaque-login ] &&
	[ "$(keysum "$(jq -r .serial <<<"$js")")" = "$(keysum "$(field serial c.out)")" ]; echo $?) \
	"server in base64url (KE2: 427 characters) with -j: serial, user, role, mode"

opair c s -j opaque login --password-file pw "${K[@]}" -- -j opaque login "${SV[@]}" --user alice
jc=$(grep '^{' c.out) js=$(grep '^{' s.out)
ok $(rcs c 0 s 0 && [ "$(jq -r .key_type <<<"$js")" = logon ] && [ "$(jq -r .key_type <<<"$jc")" = user ] &&
	[ "$(keyctl rdescribe "$(jq -r .serial <<<"$js")" | cut -d';' -f1)" = logon ] &&
	! keyctl pipe "$(jq -r .serial <<<"$js")" >/dev/null 2>&1; echo $?) \
	"without --user-key the server's session key is a logon key (unreadable); the client's a user key"
ok $(rcs c 0 s 0 && [ "$(jq -r .serial <<<"$jc")" -gt 0 ] && [ "$(jq -r .role <<<"$jc")" = client ] &&
	[ "$(keysum "$(jq -r .export_serial <<<"$jc")")" = "$(keysum "$exp_reg")" ] &&
	[ "$(jq -r .message <<<"$jc")" = "$(grep -E '^[0-9a-f]{128}$' c.out)" ]; echo $?) \
	"client -j: serial, export_serial, and the KE3 it sent as message"

before=$(nkeys)
opair c s opaque login --password-file pw.other "${K[@]}" -- opaque login "${SV[@]}" --user alice
ok $(rcs c $EXIT_VERIFY s $EXIT_VERIFY && grep -qF "$AUTH" c.out && grep -qF "$AUTH" s.out &&
	[ "$(nkeys)" = "$before" ] && ! grep -q '^serial' c.out s.out; echo $?) \
	"wrong password: \"$AUTH\", exit 4 on both sides, no key published"
# Without the message lines, which are random.
texts() { grep -vE '^[A-Za-z0-9_-]+$' "$1"; }
texts c.out >wrong.c && texts s.out >wrong.s

opair c s opaque login --password-file pw "${K[@]}" -- opaque login "${SV[@]}" --user nobody
ok $(rcs c $EXIT_VERIFY s $EXIT_VERIFY && [ "$(texts c.out)" = "$(cat wrong.c)" ] &&
	[ "$(texts s.out)" = "$(cat wrong.s)" ] &&
	[ "$(nkeys)" = "$before" ] && [ ! -e "$ST/$(printf nobody | sha256sum | cut -d' ' -f1)" ]; echo $?) \
	"unknown user: the same messages and exit codes on both sides as a wrong password"

sum=$(sha256sum <"$rec")
opair c s opaque register --password-file pw.new "${K[@]}" -- opaque register "${SV[@]}" --user alice
ok $([ "$(cat s.rc)" = 1 ] && grep -q "registered already" s.out && [ "$(cat c.rc)" != 0 ] &&
	[ "$(sha256sum <"$rec")" = "$sum" ]; echo $?) \
	"re-registering alice without --replace: refused, the record unchanged"
opair c s opaque register --password-file pw.new "${K[@]}" -- -j opaque register "${SV[@]}" --user alice --replace
ok $(rcs c 0 s 0 && [ "$(grep '^{' s.out | jq -r .outcome)" = replaced ] &&
	[ "$(sha256sum <"$rec")" != "$sum" ]; echo $?) "with --replace: a new record (outcome replaced)"
opair c s opaque login --password-file pw.new "${K[@]}" -- opaque login "${SV[@]}" --user alice
ok $(rcs c 0 s 0; echo $?) "the new password logs in"

# Argon2id with opaque-ke's defaults (19456 KiB, t 2) once; a login with
# another KSF than the registration's fails.
opair c s opaque register --password-file pw -- opaque register "${SV[@]}" --user dave
opair c s opaque login --password-file pw -- opaque login "${SV[@]}" --user dave
ok $(rcs c 0 s 0; echo $?) "the default KSF: register and log in"
opair c s opaque login --password-file pw "${K[@]}" -- opaque login "${SV[@]}" --user dave
ok $(rcs c $EXIT_VERIFY s $EXIT_VERIFY; echo $?) "a login with another KSF than the registration's fails"

# ------------------------------------------------------------ over TCP
echo "# listen/connect --mode opaque-*"
# tpair PORT ARGS-CONNECT -- ARGS-LISTEN: as opair, over TCP on loopback.
tpair() {
	local port=$1 a=() b=()
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	{ "$CTL" "${b[@]}" --timeout 60 127.0.0.1:$port >s.out 2>&1; echo $? >s.rc; } &
	for _ in $(seq 300); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done
	"$CTL" "${a[@]}" --timeout 60 127.0.0.1:$port >c.out 2>&1
	echo $? >c.rc
	wait
	cat c.out s.out >"$T/err"
}
tpair 7301 connect --mode opaque-register --user carol --password-file pw "${K[@]}" -- \
	listen --mode opaque-register --identity oq-s2 --store "$ST"
ok $(rcs c 0 s 0 && [ "$(field export-serial c.out)" -gt 0 ] &&
	[ -e "$ST/$(printf carol | sha256sum | cut -d' ' -f1)" ]; echo $?) "TCP registration: carol stored"
tpair 7302 -j connect --mode opaque-login --user carol --password-file pw "${K[@]}" -- \
	-j listen --mode opaque-login --identity oq-s2 --store "$ST" --user-key
js=$(grep '^{' s.out) jc=$(grep '^{' c.out)
ok $(rcs c 0 s 0 && [ "$(jq -r .user <<<"$js")" = carol ] &&
	[ "$(keysum "$(jq -r .serial <<<"$jc")")" = "$(keysum "$(jq -r .serial <<<"$js")")" ]; echo $?) \
	"TCP login (-j): the server learns the user from the client, the same session key"
before=$(nkeys)
tpair 7303 connect --mode opaque-login --user carol --password-file pw.other "${K[@]}" -- \
	listen --mode opaque-login --identity oq-s2 --store "$ST"
ok $(rcs c $EXIT_VERIFY s $EXIT_VERIFY && grep -qF "$AUTH" c.out && grep -qF "$AUTH" s.out &&
	[ "$(nkeys)" = "$before" ]; echo $?) "TCP, wrong password: authentication failed on both sides, no key"
tpair 7304 connect --mode opaque-login --user nobody2 --password-file pw "${K[@]}" -- \
	listen --mode opaque-login --identity oq-s2 --store "$ST"
ok $(rcs c $EXIT_VERIFY s $EXIT_VERIFY && grep -qF "$AUTH" c.out && grep -qF "$AUTH" s.out &&
	[ "$(nkeys)" = "$before" ]; echo $?) "TCP, unknown user: the same"
tpair 7305 connect --mode opaque-register --user carol --password-file pw "${K[@]}" -- \
	listen --mode opaque-register --identity oq-s2 --store "$ST"
ok $([ "$(cat s.rc)" = 1 ] && grep -q "registered already" s.out && [ "$(cat c.rc)" = 1 ] &&
	grep -q "server refused the registration" c.out && [ "$(nkeys)" = "$before" ]; echo $?) \
	"TCP re-registration without --replace: refused on both sides, no export key left"
tpair 7306 connect --mode opaque-login --user carol --password-file pw "${K[@]}" -- \
	listen --mode opaque-register --identity oq-s2 --store "$ST"
ok $([ "$(cat c.rc)" = 1 ] && grep -q "mode mismatch" c.out && grep -q "mode mismatch" s.out; echo $?) \
	"TCP: login against a registering server: a mode mismatch on both sides"

head -c 100000 /dev/urandom >file
rm -f received
{ "$CTL" listen --mode opaque-login --identity oq-s2 --store "$ST" --timeout 60 127.0.0.1:7307 \
	--ktls -- sh -c "cat >received" >s.out 2>&1; echo $? >s.rc; } &
for _ in $(seq 300); do ss -Hltn "sport = :7307" | grep -q . && break; sleep 0.1; done
"$CTL" connect --mode opaque-login --user carol --password-file pw "${K[@]}" --timeout 60 \
	127.0.0.1:7307 --ktls -- cat file >c.out 2>&1
echo $? >c.rc
wait
ok $(rcs c 0 s 0 && cmp -s file received; echo $?) \
	"TCP login --ktls: the 64-byte session keys key kernel TLS on both sides; a file crosses"
run connect --mode opaque-register --user dora --password-file pw "${K[@]}" 127.0.0.1:7308 --ktls -- cat file
ok $([ $RC = 2 ] && err_has "a registration makes none"; echo $?) \
	"--ktls with opaque-register: a usage error (no session key)"

echo "# the module's login limiter: per user and client address; opaque unlock"
P=/sys/module/pmhs/parameters
old_pf=$(cat $P/opaque_peer_failures) old_d=$(cat $P/opaque_delay_ms)
echo 1 >$P/opaque_peer_failures
echo 0 >$P/opaque_delay_ms
tpair 7310 connect --mode opaque-register --user erin --password-file pw "${K[@]}" -- \
	listen --mode opaque-register --identity oq-s2 --store "$ST"
tpair 7311 connect --mode opaque-login --user erin --password-file pw.other "${K[@]}" -- \
	listen --mode opaque-login --identity oq-s2 --store "$ST"
tpair 7312 connect --mode opaque-login --user erin --password-file pw "${K[@]}" -- \
	listen --mode opaque-login --identity oq-s2 --store "$ST"
ok $([ "$(cat s.rc)" != 0 ] && [ "$(cat c.rc)" != 0 ] && grep -q "too many failed logins" s.out; echo $?) \
	"after a failed login from 127.0.0.1 (limit 1), the right password from there is refused"
opair c s opaque login --password-file pw "${K[@]}" -- opaque login "${SV[@]}" --user erin \
	--peer-tag 192.0.2.7
ok $(rcs c 0 s 0; echo $?) "another peer (--peer-tag) still logs erin in"
run opaque unlock erin
ok $([ $RC = 0 ] && grep -q "forgotten" "$T/out"; echo $?) "opaque unlock erin"
tpair 7313 connect --mode opaque-login --user erin --password-file pw "${K[@]}" -- \
	listen --mode opaque-login --identity oq-s2 --store "$ST"
ok $(rcs c 0 s 0; echo $?) "after the unlock erin logs in from 127.0.0.1 again"
run opaque unlock
ok $([ $RC = 2 ] && err_has "give the user's name"; echo $?) "opaque unlock without a user: usage error"
echo "$old_pf" >$P/opaque_peer_failures
echo "$old_d" >$P/opaque_delay_ms

echo "1..$N"
[ $FAILED = 0 ]
