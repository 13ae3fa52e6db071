#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmhs-ctl against the real module, inside the test VM (selftests/run_tests
# runs it; by hand: selftests/vm/run -- selftests/tool_vm.sh). Identities,
# the manual handshake against the reference's vectors, handshakes between
# two pmhs-ctl processes over FIFOs and over TCP between two network
# namespaces, pins, broken TCP peers, hybrid encryption. TAP output.
. "$(dirname "$0")/tool/lib.sh"
. "$TOP/selftests/lib/netns.sh"
vector_keys
PY=/usr/bin/python3
EXIT_MALFORMED=7

# Our own session keyring: keys we make are ours to look at and die with us.
keyctl new_session >/dev/null
NS_UP=0
cleanup_vm() {
	"$CTL" config set allow-rsa1024 no >/dev/null 2>&1
	for n in alice bob carol dave erin gen; do "$CTL" identity delete $n >/dev/null 2>&1; done
	[ $NS_UP = 1 ] && ip netns del a && ip netns del b
	jobs -p | xargs -r kill 2>/dev/null
	rm -rf "$T"
}
trap cleanup_vm EXIT

vec() { jq -r "$1" "$VECTORS"; }
START=$(date +%s.%N)
section() { echo "# $1 ($(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"; }
nkeys() { keyctl rlist @s 2>/dev/null | wc -w; }
serial_of() { sed -n 's/^serial //p' "$1"; }
secret_of() { sed -n 's/^secret //p' "$1"; }
key_hex() { keyctl pipe "$1" | od -An -v -tx1 | tr -d ' \n'; }

# ---------------------------------------------------------------- identities
section identities
run identity import alice alice.pk1
ok $(rc_is 0 && out_has "alice 2048-bit SHA256:"; echo $?) "identity import of a PKCS#1 key"
run identity import bob bob.pk8
ok $(rc_is 0; echo $?) "identity import of a PKCS#8 key"
run identity dump
ok $(rc_is 0 && grep -qxP "alice\t$(expected_fp alice.pub)\t2048" "$T/out" &&
     grep -qxP "bob\t$(expected_fp bob.pub)\t2048" "$T/out"; echo $?) \
	"identity dump: name, sha256 of the SPKI, bits, tab-separated (pin dump's order)"
run -j identity list
ok $(rc_is 0 && json_ok && [ "$(jq -r 'map(.name) | sort | join(",")' "$T/out")" = alice,bob ] &&
     [ "$(jq -r '.[] | select(.name == "bob") | .sha256' "$T/out")" = "$(expected_fp bob.pub)" ]; echo $?) \
	"identity list -j: valid JSON with both identities"
run identity list
ok $(rc_is 0 && out_has "alice" && out_has "2048-bit" && ! grep -q PRIVATE "$T/out"; echo $?) \
	"identity list: human form, no private key"
run identity show bob
ok $(rc_is 0 && out_has "$(expected_fp bob.pub)" && out_has "2048-bit"; echo $?) "identity show"
run identity show --pem bob
ok $(rc_is 0 && cmp -s "$T/out" bob.pub; echo $?) "identity show --pem is the SPKI PEM of the key"
run -j identity show --pem alice
ok $(rc_is 0 && json_ok && [ "$(jq -r .public_key "$T/out")" = "$(cat alice.pub)" ]; echo $?) \
	"identity show -j --pem"
run identity import alice bob.pk1
ok $(rc_is $EXIT_FAIL && err_has "exists"; echo $?) "importing a taken name is refused with the kernel's reason"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nnot base64 at all\n-----END RSA PRIVATE KEY-----\n' >bad.pem
chmod 600 bad.pem
cp bad.pem bad.orig
run identity import broken bad.pem
ok $(rc_is $EXIT_FAIL && err_has "bad.pem" && cmp -s bad.pem bad.orig && [ ! -e bad.pem.bak ]; echo $?) \
	"bad PEM: refused, file untouched, no .bak"
: >empty.pem
run identity import broken empty.pem
ok $(rc_is $EXIT_FAIL && err_has "empty" && [ ! -s empty.pem ] && [ ! -e empty.pem.bak ]; echo $?) \
	"empty key file: refused, never filled with a new key"
openssl pkey -in carol.pk1 -outform DER -out carol.der
chmod 600 carol.der
cp carol.der carol.der.orig
run identity import carol carol.der
ok $(rc_is 0 && cmp -s carol.der carol.der.orig && [ ! -e carol.der.bak ] &&
     [ "$("$CTL" identity dump | awk '$1 == "carol" { print $2 }')" = "$(expected_fp carol.pub)" ]; echo $?) \
	"identity import of a DER key: imported as it is, file untouched"
"$CTL" identity delete carol >/dev/null
run identity show broken
ok $(rc_is $EXIT_NOTFOUND && err_has "no identity 'broken'"; echo $?) "nothing imported from a bad PEM"
run identity import nofile missing.pem
ok $(rc_is $EXIT_NOTFOUND && err_has "identity generate"; echo $?) "import of a missing file: not found, hint"
run identity import erin erin.pk1
ok $(rc_is $EXIT_FAIL && err_has "allow-rsa1024"; echo $?) "1024-bit key refused by default, kernel says why"
"$CTL" config set allow-rsa1024 yes
run identity import erin erin.pk1
ok $(rc_is 0 && out_has "erin 1024-bit"; echo $?) "1024-bit key accepted after config set allow-rsa1024 yes"
run identity import carol carol.pk1
ok $? "import carol (3072)"
"$CTL" identity import dave dave.pk8 >/dev/null
run identity generate gen gen.pem
ok $(rc_is 0 && [ "$(stat -c %a gen.pem)" = 600 ] &&
     [ "$("$CTL" identity dump | awk '$1 == "gen" { print $2 }')" = "$("$CTL" fingerprint gen.pem)" ]; echo $?) \
	"identity generate: key file 0600, imported with its fingerprint"
run identity generate gen2 gen.pem
ok $(rc_is $EXIT_FAIL && err_has "exists"; echo $?) "identity generate keeps an existing key file"
run identity generate gen gen-taken.pem
ok $(rc_is $EXIT_FAIL && err_has "exists" && [ ! -e gen-taken.pem ]; echo $?) \
	"identity generate under a taken name: no key file left behind"
run identity delete gen
ok $(rc_is 0 && ! "$CTL" identity show gen >/dev/null 2>&1; echo $?) "identity delete"
run identity delete gen
ok $(rc_is $EXIT_NOTFOUND; echo $?) "deleting an unknown identity: exit $EXIT_NOTFOUND"

# ------------------------------------------------- manual handshake: vectors
section "manual handshake"
for i in 0 1 2 3 4; do
	s=$(vec ".half.valid[$i].sender") r=$(vec ".half.valid[$i].receiver")
	run_in "$(vec ".half.valid[$i].shake")" handshake receive --identity "$r" --peer-key "$s.pub" --show-secret
	ok $(rc_is 0 && [ "$(secret_of "$T/out")" = "$(vec ".half.valid[$i].secret")" ] &&
	     [ "$(key_hex "$(serial_of "$T/out")")" = "$(vec ".half.valid[$i].secret")" ]; echo $?) \
		"half receive, vector $i ($s -> $r): the reference's secret, in the keyring"
done
for i in 0 1 2 3 4 5 6 7; do
	why=$(vec ".half.invalid[$i].why")
	before=$(nkeys)
	# $(...) would eat the trailing newline; printf keeps the input exact.
	run_in "$(vec ".half.invalid[$i].shake")" handshake receive --identity bob \
		--peer-key "$(vec ".half.invalid[$i].sender").pub"
	case "$why" in
	"odd number"*) want="odd number of hex digits" ;;
	"not hex") want="not a hex digit at position 1" ;;
	empty) want="empty" ;;
	*) want="kernel:" ;;
	esac
	rc_want=$EXIT_MALFORMED
	[ "$want" = "kernel:" ] && rc_want=$EXIT_VERIFY
	ok $(rc_is $rc_want && err_has "$want" && [ "$(nkeys)" = "$before" ] && [ ! -s "$T/out" ]; echo $?) \
		"half receive refuses '$why' (exit $rc_want, '$want'), no key"
done
run_in "$(vec '.half.valid[0].shake')" -j handshake receive --identity bob --peer-key alice.pub --show-secret
ok $(rc_is 0 && json_ok && [ "$(jq -r .secret "$T/out")" = "$(vec '.half.valid[0].secret')" ] &&
     [ "$(jq -r .peer_sha256 "$T/out")" = "$(expected_fp alice.pub)" ] &&
     [ "$(jq -r .mode "$T/out")" = half-receive ]; echo $?) "handshake -j: one JSON object with serial, secret, peer"
run_in "$(vec '.half.valid[0].shake')" handshake receive --identity bob --peer-key alice.pub --logon \
	--description pmhs-test:logon
sl=$(serial_of "$T/out")
ok $(rc_is 0 && keyctl rdescribe "$sl" | grep -q '^logon;' && ! keyctl pipe "$sl" >/dev/null 2>&1; echo $?) \
	"--logon publishes an unreadable logon key"
run_in "$(vec '.half.valid[0].shake')" handshake receive --identity bob --peer-key alice.pub \
	--keyring @u --description pmhs-test:user
ok $(rc_is 0 && [ "$(keyctl search @u user pmhs-test:user)" = "$(serial_of "$T/out")" ]; echo $?) \
	"--keyring @u --description: the key is where asked"
keyctl unlink "$(serial_of "$T/out")" @u >/dev/null
run_in "$(vec '.half.valid[0].shake')" handshake receive --identity bob --peer-key alice.pub --show-secret --logon
ok $(rc_is $EXIT_USAGE && err_has "logon"; echo $?) "--show-secret with --logon refused"
run handshake send --identity alice --peer-key bob.pub --show-secret
msg=$(head -n1 "$T/out")
ok $(rc_is 0 && [ ${#msg} = 1024 ] && [[ $msg =~ ^[0-9a-f]+$ ]] && [ -n "$(serial_of "$T/out")" ]; echo $?) \
	"half send: one line of 1024 lowercase hex digits, then the serial"
sec=$(secret_of "$T/out")
run_in "$msg" handshake receive --identity bob --peer-key alice.pub --show-secret
ok $(rc_is 0 && [ "$(secret_of "$T/out")" = "$sec" ]; echo $?) "half send -> half receive: same secret"
run -j handshake send --identity alice --peer-key bob.pub
ok $(rc_is 0 && [ "$(jq -s length "$T/out")" = 1 ] && [ "$(jq -r '.message | length' "$T/out")" = 1024 ] &&
     grep -qx "$(jq -r .message "$T/out")" "$T/err" && [ "$(jq -r .serial "$T/out")" -gt 0 ]; echo $?) \
	"handshake -j send: one JSON document (message and serial); the line for the peer on stderr"
# Copy and paste adds blanks and a CR: trimmed, and the session goes on.
run_in "  $(vec '.half.valid[0].shake')"$' \t\r\n' handshake receive --identity bob --peer-key alice.pub
ok $(rc_is 0 && [ -n "$(serial_of "$T/out")" ]; echo $?) \
	"a pasted line with surrounding blanks, tab and CR is accepted"

# Two pmhs-ctl processes, each one's first line to the other through FIFOs.
section "two processes, FIFOs"
mkfifo ab ba
pair() {	# pair OUT-A OUT-B ARGS-A -- ARGS-B
	local oa=$1 ob=$2 a=() b=()
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	timeout 30 "$CTL" "${a[@]}" 0<>ba 2>"$oa.err" | { IFS= read -r l; printf '%s\n' "$l" >ab; cat >"$oa"; } &
	timeout 30 "$CTL" "${b[@]}" 0<>ab 2>"$ob.err" | { IFS= read -r l; printf '%s\n' "$l" >ba; cat >"$ob"; } &
	wait
}
printf 'correct horse battery staple\n' >pw
chmod 600 pw
pair pa pb handshake password --password-file pw --show-secret -- \
	handshake password --password-file pw --show-secret
ok $([ -n "$(secret_of pa)" ] && [ "$(secret_of pa)" = "$(secret_of pb)" ] &&
     [ "$(key_hex "$(serial_of pa)")" = "$(secret_of pb)" ]; echo $?) \
	"password handshake between two processes over FIFOs: same secret"
pair pa pb handshake mutual --identity alice --peer-key bob.pub --show-secret -- \
	handshake mutual --identity bob --peer-key alice.pub --show-secret
ok $([ -n "$(secret_of pa)" ] && [ "$(secret_of pa)" = "$(secret_of pb)" ]; echo $?) \
	"mutual handshake between two processes over FIFOs: same secret"
printf 'wrong horse battery staple\n' >pw2
chmod 600 pw2
pair pa pb handshake password --password-file pw --iterations 1000 -- \
	handshake password --password-file pw2 --iterations 1000
ok $(grep -q "kernel:" pa.err && grep -q "kernel:" pb.err && [ ! -s pa ] && [ ! -s pb ]; echo $?) \
	"password handshake with different passwords fails on both sides"
vec '.password.valid[0].hsub_b' >hsub_b
printf '%s\n' "$(vec '.password.valid[0].password')" |
	"$CTL" handshake password --password-stdin --peer-message-file hsub_b --iterations 1000 >"$T/out" 2>"$T/err"
RC=$?
ok $(rc_is 0 && [ "$(head -c 16 "$T/out")" != "$(head -c 16 hsub_b)" ] && [ -n "$(serial_of "$T/out")" ]; echo $?) \
	"password from stdin, the reference's hsub from --peer-message-file: verified"
pwkey=$(keyctl padd user pmhs-test:pw @s <pw)
pair pa pb handshake password --password-key "%user:pmhs-test:pw" --iterations 1000 --show-secret -- \
	handshake password --password-file pw --iterations 1000 --show-secret
ok $([ -n "$(secret_of pa)" ] && [ "$(secret_of pa)" = "$(secret_of pb)" ]; echo $?) \
	"--password-key on one side, --password-file on the other: same secret"
keyctl unlink "$pwkey" @s >/dev/null
printf 'pass1\n' >weak
chmod 600 weak
run handshake password --password-file weak
ok $(rc_is $EXIT_FAIL && err_has "offline-crackable" && [ ! -s "$T/out" ]; echo $?) \
	"weak password refused before anything is sent"
run_in "$(vec '.password.valid[0].hsub_b')" handshake password --password-file weak --allow-weak --iterations 1000
ok $(rc_is $EXIT_VERIFY && err_has "kernel:" && err_has "warning: weak password"; echo $?) \
	"--allow-weak goes ahead (and the vector's hsub of another password fails)"

# --------------------------------------------------- TCP between namespaces
section "TCP between namespaces"
NS_UP=1
veth_pair a b va vb 10.99.0
# A hung side must fail the test, not the whole run.
in_a() { timeout 30 ip netns exec a "$CTL" "$@"; }
in_b() { timeout 30 ip netns exec b "$CTL" "$@"; }
in_a identity import alice alice.pk1 >/dev/null
in_b identity import bob bob.pk1 >/dev/null
in_b identity import carol carol.pk1 >/dev/null
ok $([ "$(in_a identity dump | cut -f1)" = alice ]; echo $?) "identities live per network namespace"

# The debug-kernel lane runs everything ~20x slower: waits scale with it.
scale=${PMHS_TEST_TIMEOUT_SCALE:-1}
wait_listen() {	# wait_listen ERRFILE: until the listener says where it listens
	for _ in $(seq $((100 * scale))); do grep -q "listening on" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
port=7100
tcp() {	# tcp NAME ARGS-B(listen) -- ARGS-A(connect): outputs in NAME.l, NAME.c
	local name=$1 l=() c=()
	shift
	while [ "$1" != -- ]; do l+=("$1"); shift; done
	shift
	c=("$@")
	port=$((port + 1))
	in_b listen 10.99.0.2:$port --timeout $((30 * scale)) "${l[@]}" >"$name.l" 2>"$name.l.err" &
	wait_listen "$name.l.err"
	in_a connect 10.99.0.2:$port --timeout $((30 * scale)) "${c[@]}" >"$name.c" 2>"$name.c.err"
	RC_C=$?
	wait $!
	RC_L=$?
}
same_secret() {	# both sides exit 0 and the two keys hold the same 32 bytes
	local sl sc
	sl=$(serial_of "$1.l") sc=$(serial_of "$1.c")
	[ $RC_L = 0 ] && [ $RC_C = 0 ] && [ -n "$sl" ] && [ -n "$sc" ] && [ "$sl" != "$sc" ] &&
		[ "$(key_hex "$sl" | wc -c)" = 64 ] && [ "$(key_hex "$sl")" = "$(key_hex "$sc")" ]
}
tcp pw --mode password --password-file pw -- --mode password --password-file pw
ok $(same_secret pw; echo $?) "netns TCP password: same secret in both keyrings"
tcp mu --mode mutual --identity bob --peer-key alice.pub -- --mode mutual --identity alice --peer-key bob.pub
ok $(same_secret mu; echo $?) "netns TCP mutual: same secret in both keyrings"
tcp hs --mode half-receive --identity bob --peer-key alice.pub -- \
	--mode half-send --identity alice --peer-key bob.pub
ok $(same_secret hs; echo $?) "netns TCP half (a sends, b receives): same secret in both keyrings"
tcp hr --mode half-send --identity bob --peer-key alice.pub --oaep-hash sha256 -- \
	--mode half-receive --identity alice --peer-key bob.pub --oaep-hash sha256
ok $(same_secret hr; echo $?) "netns TCP half (b sends, a receives), OAEP-SHA256: same secret"
tcp m3 --mode mutual --identity carol --peer-key alice.pub -- --mode mutual --identity alice --peer-key carol.pk1
ok $(same_secret m3; echo $?) "netns TCP mutual with mixed key sizes (3072/2048)"
timeout 30 ip netns exec b "$CTL" -j listen 10.99.0.2:7199 --timeout 10 --mode password --password-file pw \
	--iterations 1000 --show-secret >js.l 2>js.l.err &
wait_listen js.l.err
in_a connect 10.99.0.2:7199 --timeout 10 --mode password --password-file pw --iterations 1000 \
	--show-secret >js.c 2>js.c.err
wait $!
ok $(jq -e . js.l >/dev/null && [ "$(jq -r .secret js.l)" = "$(secret_of js.c)" ] &&
     [ "$(jq -r .mode js.l)" = password ]; echo $?) "listen -j: valid JSON, same secret as the other side"

tcp mm --mode mutual --identity bob --peer-key alice.pub -- --mode password --password-file pw
ok $([ $RC_L != 0 ] && [ $RC_C != 0 ] && grep -q "mode mismatch" mm.l.err && grep -q "mode mismatch" mm.c.err &&
     [ -z "$(serial_of mm.l)$(serial_of mm.c)" ]; echo $?) "mode mismatch: both sides refuse, naming the modes"
tcp it --mode password --password-file pw --iterations 2000 -- --mode password --password-file pw --iterations 1000
ok $([ $RC_L != 0 ] && grep -q "iterations" it.l.err && grep -q "iterations" it.c.err; echo $?) \
	"different --iterations: refused on both sides"
tcp hh --mode half-receive --identity bob --peer-key carol.pub -- \
	--mode half-send --identity alice --peer-key bob.pub
ok $([ $RC_L = $EXIT_VERIFY ] && [ $RC_C = $EXIT_VERIFY ] && grep -q "revoked" hh.c.err &&
     ! keyctl pipe "$(sed -n 's/.*serial \([0-9]*\)).*/\1/p' hh.c.err)" >/dev/null 2>&1; echo $?) \
	"half receiver with the wrong sender key: both fail, the sender revokes its key"

# Pins: strict by name, TOFU, and a mismatch that shows both fingerprints.
"$CTL" pin add bob bob.pub >/dev/null
tcp pn --mode mutual --identity bob --peer-key alice.pub -- --mode mutual --identity alice --peer bob
ok $(same_secret pn; echo $?) "connect --peer NAME takes the pinned key"
tcp tf --mode mutual --identity bob --peer-key alice.pub -- \
	--mode mutual --identity alice --peer newbob --peer-key bob.pub --tofu
ok $(same_secret tf && "$CTL" pin check newbob bob.pub >/dev/null 2>&1; echo $?) "--tofu pins an unknown peer on first use"
"$CTL" pin add evil carol.pub >/dev/null
# Refused before it connects: no listener needed.
in_a connect 10.99.0.2:7198 --mode mutual --identity alice --peer evil --peer-key bob.pub >pm.c 2>pm.c.err
RC_C=$?
ok $([ $RC_C = $EXIT_VERIFY ] && grep -q "$(expected_fp carol.pub)" pm.c.err &&
     grep -q "$(expected_fp bob.pub)" pm.c.err && grep -q "HAS CHANGED" pm.c.err; echo $?) \
	"pin mismatch refused, both fingerprints shown"

# ------------------------------------------------------- broken TCP peers
section "broken TCP peers"
# A fake peer in python: send some bytes after DELAY seconds, close our
# half, and read until pmhs-ctl hangs up (so no RST spoils the test).
FAKE='
import socket, sys, time
port, data, delay = int(sys.argv[2]), eval(sys.argv[3]), float(sys.argv[4])
if sys.argv[1] == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(1); print("listening on", flush=True)
    c, _ = s.accept()
else:
    c = socket.create_connection(("127.0.0.1", port))
try:
    time.sleep(delay); c.sendall(data); c.shutdown(socket.SHUT_WR)
    while c.recv(65536): pass
except OSError:
    pass
'
fake_server() {	# fake_server PORT PYTHON-BYTES-EXPR [DELAY]
	$PY -c "$FAKE" server "$1" "$2" "${3:-0}" >fake.out &
	wait_listen fake.out
}
hello_mu='b"PMHS\x01\x02\x00\x00\x00\x00\x00\x08" + bytes(8)'
fake_server 7301 "$hello_mu + b\"PMHS\x01\x02\x00\x01\x00\x00\x02\x00\" + bytes(100)" 0
run connect 127.0.0.1:7301 --mode mutual --identity alice --peer-key bob.pub --timeout 5
ok $(rc_is $EXIT_FAIL && err_has "truncated frame" && err_has "100 of 512"; echo $?) "truncated frame: clear error"
wait
fake_server 7302 'b""'
run connect 127.0.0.1:7302 --mode mutual --identity alice --peer-key bob.pub --timeout 5
ok $(rc_is $EXIT_FAIL && err_has "peer closed the connection"; echo $?) "peer that hangs up: clear error"
wait
fake_server 7303 "$hello_mu + b\"PMHS\x01\x02\x00\x01\x7f\x00\x00\x00\"" 0
run connect 127.0.0.1:7303 --mode mutual --identity alice --peer-key bob.pub --timeout 5
ok $(rc_is $EXIT_FAIL && err_has "the limit is"; echo $?) "oversized frame refused unread"
wait
fake_server 7304 'b"SSH-2.0-OpenSSH\r\n"'
run connect 127.0.0.1:7304 --mode mutual --identity alice --peer-key bob.pub --timeout 5
ok $(rc_is $EXIT_FAIL && err_has "does not speak pmhs"; echo $?) "a non-pmhs peer: bad magic"
wait
fake_server 7305 'b""' 2
run connect 127.0.0.1:7305 --mode mutual --identity alice --peer-key bob.pub --timeout 1
ok $(rc_is $EXIT_FAIL && err_has "timed out"; echo $?) "silent peer: --timeout applies to reads"
wait
"$CTL" listen 127.0.0.1:7306 --mode password --password-file pw --timeout $((5 * scale)) \
	>l.out 2>l.err &
wait_listen l.err
$PY -c "$FAKE" client 7306 'b"PMHS\x01\x01\x00\x00\x00\x00\x00\x08" + bytes(4)' 0
wait $!
cp l.err "$T/err"	# what ok shows if this fails
ok $(grep -q "truncated frame" l.err && [ ! -s l.out ]; echo $?) "listener: a client that hangs up mid-frame"
"$CTL" listen 127.0.0.1:7307 --mode password --password-file pw --timeout 1 >l.out 2>l.err
ok $(grep -q "no connection within 1 s" l.err; echo $?) "listen --timeout bounds the accept"
run connect 127.0.0.1:7308 --mode password --password-file pw --timeout 2
ok $(rc_is $EXIT_FAIL && err_has "Connection refused"; echo $?) "connect to a closed port: clear error"

# ------------------------------------------------------------------ hybrid
section hybrid
head -c 1048576 /dev/urandom >big
run hybrid encrypt --peer-key bob.pub big big.enc
run hybrid decrypt --identity bob big.enc big.dec
ok $(rc_is 0 && cmp -s big big.dec && [ "$(stat -c %a big.dec)" = 600 ]; echo $?) \
	"hybrid: 1 MiB round trip through files"
"$CTL" hybrid encrypt --peer-key alice.pk1 <big | "$CTL" hybrid decrypt --identity alice | cmp -s - big
ok $? "hybrid: 1 MiB round trip through pipes"
run -j hybrid encrypt --peer-key bob.pub --oaep-hash sha256 big big256.enc
ok $(rc_is 0 && json_ok && [ "$(jq -r .length "$T/out")" = "$(stat -c %s big256.enc)" ]; echo $?) \
	"hybrid -j: the length written"
run hybrid decrypt --identity bob --oaep-hash sha256 big256.enc big256.dec
ok $(rc_is 0 && cmp -s big big256.dec; echo $?) "hybrid with OAEP-SHA256"
run hybrid decrypt --identity bob big256.enc nope
ok $(rc_is $EXIT_VERIFY && [ ! -e nope ]; echo $?) "hybrid: OAEP hash mismatch fails, no output file"
for i in $(seq 0 $(($(vec '.hybrid.valid | length') - 1))); do
	vec ".hybrid.valid[$i].ciphertext" | xxd -r -p >hv
	run hybrid decrypt --identity "$(vec ".hybrid.valid[$i].key")" hv
	ok $(rc_is 0 && [ "$(od -An -v -tx1 "$T/out" | tr -d ' \n')" = "$(vec ".hybrid.valid[$i].plaintext")" ]; echo $?) \
		"hybrid decrypt of the reference's vector $i"
done
for i in $(seq 0 $(($(vec '.hybrid.invalid | length') - 1))); do
	vec ".hybrid.invalid[$i].ciphertext" | xxd -r -p | "$CTL" hybrid decrypt \
		--identity "$(vec ".hybrid.invalid[$i].key")" >"$T/out" 2>"$T/err"
	RC=$?
	ok $(rc_is $EXIT_VERIFY && [ ! -s "$T/out" ] && err_has "kernel:"; echo $?) \
		"hybrid refuses '$(vec ".hybrid.invalid[$i].why")' with no output"
done
section done
finish
