#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmhs-ctl's Noise modes against the real module, in the test VM
# (selftests/run_tests noise_tool.sh): `handshake noise` between two
# pmhs-ctl processes whose hex lines cross over FIFOs (XXpsk2 and KKpsk0,
# both suites) and between pmhs-ctl and an OpenSSL Noise outside the module
# (bench/noise-peer: same hash, same export secret), pins (trust on first
# use for XX, a changed key refused),
# and listen/connect --mode noise-xx|noise-kk between two network
# namespaces with --ktls carrying 1 MiB; a wrong PSK fails on both sides,
# says so, and leaves no key. TAP output.
. "$(dirname "$0")/tool/lib.sh"
. "$TOP/selftests/lib/netns.sh"
NV=$TOP/selftests/vectors/noise-v1.json
EXIT_VERIFY=4

keyctl new_session >/dev/null
NS_UP=0
cleanup_noise() {
	[ $NS_UP = 1 ] && ip netns del na && ip netns del nb
	jobs -p | xargs -r kill 2>/dev/null
	"$CTL" identity delete nz-a >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup_noise EXIT

nkeys() { keyctl rlist @s 2>/dev/null | wc -w; }
field() { sed -n "s/^$1 //p" "$2"; }
# The SPKI fingerprint of a raw X25519 public key, computed without pmhs.
x25519_fp() {
	/usr/bin/python3 -c 'import hashlib, sys
print(hashlib.sha256(bytes.fromhex("302a300506032b656e032100" + sys.argv[1])).hexdigest())' "$1"
}
hexof() { od -An -v -tx1 | tr -d ' \n'; }

# Static keys of the vectors' first handshake, as key files (64 hex, 0600).
umask 077
jq -r '.handshakes[0].initiator.static_private' "$NV" >a.key
jq -r '.handshakes[0].responder.static_private' "$NV" >b.key
jq -r '.handshakes[1].responder.static_private' "$NV" >c.key
A_PUB=$(jq -r '.handshakes[0].initiator.static_public' "$NV")
B_PUB=$(jq -r '.handshakes[0].responder.static_public' "$NV")
C_PUB=$(jq -r '.handshakes[1].responder.static_public' "$NV")
head -c 32 /dev/urandom >psk
{ head -c 32 /dev/urandom | hexof; echo; } >psk.hex
head -c 32 /dev/urandom >psk.other
printf 'hivemind-v3 prologue' >prologue
printf 'hello from the initiator' >payload.a
printf 'a long enough password for the site\n' >pw
printf 'another long enough password, wrong\n' >pw.other

# npair OUT-A OUT-B ARGS-A -- ARGS-B: two `handshake noise` processes; each
# one's hex lines go to the other's stdin, everything it prints to OUT.
# NT=SEC: their time limit (a failure leaves the other side waiting).
mkfifo ab ba
npair() {
	local oa=$1 ob=$2 a=() b=()
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	relay() {	# relay FIFO OUT: hex lines to FIFO, every line to OUT
		local l
		exec 3<>"$1"
		while IFS= read -r l; do
			printf '%s\n' "$l" >>"$2"
			case $l in '' | *[!0-9a-f]*) ;; *) printf '%s\n' "$l" >&3 ;; esac
		done
	}
	: >"$oa"
	: >"$ob"
	{ timeout "${NT:-60}" "$CTL" handshake noise "${a[@]}" 0<>ba 2>"$oa.err"; echo $? >"$oa.rc"; } |
		relay ab "$oa" &
	{ timeout "${NT:-60}" "$CTL" handshake noise "${b[@]}" 0<>ab 2>"$ob.err"; echo $? >"$ob.rc"; } |
		relay ba "$ob" &
	wait
	cat "$oa.err" "$ob.err" >"$T/err"	# what ok() shows on a failure
}
rc_of() { cat "$1.rc"; }

# ------------------------------------------------------------ usage errors
echo "# usage"
run handshake noise --key-file a.key --psk-file psk
ok $(rc_is 2 && err_has "--initiator or --responder"; echo $?) "handshake noise needs a side"
run handshake noise --initiator --pattern kk --key-file a.key --psk-file psk
ok $(rc_is 2 && err_has "KK needs the peer's static key"; echo $?) "KK without the peer's key: usage error"
run handshake noise --initiator --key-file a.key --psk-file psk --node-id x
ok $(rc_is 2 && err_has "--psk-file takes it as is"; echo $?) "--node-id goes with a password, not --psk-file"
run handshake noise --initiator --key-file a.key </dev/null
ok $(rc_is 2 && err_has "need a PSK"; echo $?) "no PSK: usage error naming the ways to give one"
cp psk psk.open; chmod 644 psk.open
run handshake noise --initiator --key-file a.key --psk-file psk.open
ok $(rc_is 5 && err_has "chmod 600"; echo $?) "a PSK file others can read is refused, with the fix"
run handshake mutual --identity x --peer y --psk-file psk
ok $(rc_is 2 && err_has "noise mode only"; echo $?) "noise options in another mode: usage error"
run listen --mode noise-xx --responder --key-file b.key --psk-file psk 7000
ok $(rc_is 2 && err_has "drop --initiator/--responder"; echo $?) "listen/connect pick the side themselves"

# ------------------------------------------------------- handshake noise, XX
echo "# handshake noise"
before=$(nkeys)
npair a b --initiator --key-file a.key --psk-file psk --show-secret -- \
	--responder --key-file b.key --psk-file psk --show-secret
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of b)" = 0 ]; echo $?) \
	"handshake noise XXpsk2 (ChaChaPoly): both sides succeed"
ok $([ "$(grep -c '^[0-9a-f]*$' a)" = 2 ] && [ "$(grep -c '^[0-9a-f]*$' b)" = 1 ]; echo $?) \
	"the initiator printed 2 message lines, the responder 1 (XX: 3 messages)"
ok $(h=$(field handshake-hash a); [ ${#h} = 64 ] && [ "$h" = "$(field handshake-hash b)" ]; echo $?) \
	"both print the same handshake hash"
ok $([ "$(field peer-static a)" = "$B_PUB" ] && [ "$(field peer-static b)" = "$A_PUB" ]; echo $?) \
	"each prints the other's static public key"
ok $([ "$(field peer-sha256 a)" = "$(x25519_fp "$B_PUB")" ]; echo $?) \
	"peer-sha256 is SHA-256 of the peer's X25519 SPKI"
ok $(s=$(field secret a); [ ${#s} = 64 ] && [ "$s" = "$(field secret b)" ] &&
     [ "$(keyctl pipe "$(field serial a)" | hexof)" = "$s" ]; echo $?) \
	"both published the same 32-byte secret (the keyring holds it)"
ok $([ $(($(nkeys) - before)) = 2 ]; echo $?) "one key each in the keyring"
ok $(! "$CTL" identity list 2>/dev/null | grep -q 'pmhs-ctl\.'; echo $?) \
	"--key-file's temporary identities are gone"

# ------------------------------------------------ KK, AESGCM, payload, prologue
npair a b --initiator --pattern kk --suite aesgcm --key-file a.key --remote-static "$B_PUB" \
	--psk-file psk.hex --prologue-file prologue --payload-file payload.a -- \
	--responder --pattern kk --suite aesgcm --key-file b.key --remote-static "$A_PUB" \
	--psk-file psk.hex --prologue-file prologue
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of b)" = 0 ] &&
     [ "$(field handshake-hash a)" = "$(field handshake-hash b)" ]; echo $?) \
	"KKpsk0 (AESGCM, hex PSK file, prologue): both succeed, same handshake hash"
ok $([ "$(field peer-payload b)" = "$(hexof <payload.a)" ]; echo $?) \
	"the responder prints the initiator's payload"
NT=10 npair a b --initiator --pattern kk --key-file a.key --remote-static "$C_PUB" --psk-file psk -- \
	--responder --pattern kk --key-file b.key --remote-static "$A_PUB" --psk-file psk
ok $([ "$(rc_of b)" = $EXIT_VERIFY ] && grep -q 'no key was published' b.err; echo $?) \
	"KK with a wrong remote static: the responder refuses message 1, publishes nothing"

# ------------------------------------- against a Noise outside the module
# bench/noise-peer: the benchmark's OpenSSL Noise (checked against
# noise-v1.json by make -C bench check), speaking the same hex lines.
PEER=$TOP/bench/noise-peer
ipair() {	# ipair PEER-ARGS -- CTL-ARGS: noise-peer's output in p, pmhs-ctl's in a
	local pa=()
	while [ "$1" != -- ]; do pa+=("$1"); shift; done
	shift
	: >a
	: >p
	{ timeout "${NT:-60}" "$PEER" "${pa[@]}" 0<>ba 2>p.err; echo $? >p.rc; } | relay ab p &
	{ timeout "${NT:-60}" "$CTL" handshake noise "$@" 0<>ab 2>a.err; echo $? >a.rc; } |
		relay ba a &
	wait
	cat a.err p.err >"$T/err"
}
relay() {
	local l
	exec 3<>"$1"
	while IFS= read -r l; do
		printf '%s\n' "$l" >>"$2"
		case $l in '' | *[!0-9a-f]*) ;; *) printf '%s\n' "$l" >&3 ;; esac
	done
}
PSKHEX=$(cat psk.hex)
printf 'the reply' >payload.p
ipair responder Noise_XXpsk2_25519_ChaChaPoly_SHA256 "$(cat b.key)" "$PSKHEX" - \
	"$(hexof <prologue)" "$(hexof <payload.p)" -- \
	--initiator --key-file a.key --psk-file psk.hex --prologue-file prologue \
	--payload-file payload.a --show-secret
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of p)" = 0 ] &&
     [ "$(field handshake-hash a)" = "$(field handshake-hash p)" ]; echo $?) \
	"pmhs-ctl (initiator) and an OpenSSL Noise (XXpsk2, ChaChaPoly): the same handshake hash"
ok $([ "$(field secret a)" = "$(field secret p)" ] && [ "$(field peer-static a)" = "$B_PUB" ] &&
     [ "$(field peer-static p)" = "$A_PUB" ]; echo $?) \
	"the module's published secret is HKDF(ck, '', 3)[2] as computed outside it; statics exchanged"
ok $([ "$(field peer-payload p)" = "$(hexof <payload.a)" ] &&
     [ "$(field peer-payload a)" = "$(hexof <payload.p)" ]; echo $?) "payloads crossed both ways"
ipair initiator Noise_KKpsk0_25519_AESGCM_SHA256 "$(cat a.key)" "$PSKHEX" "$B_PUB" - \
	"$(hexof <payload.p)" -- \
	--responder --pattern kk --suite aesgcm --key-file b.key --remote-static "$A_PUB" \
	--psk-file psk.hex --show-secret
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of p)" = 0 ] &&
     [ "$(field handshake-hash a)" = "$(field handshake-hash p)" ] &&
     [ "$(field secret a)" = "$(field secret p)" ] &&
     [ "$(field peer-payload a)" = "$(hexof <payload.p)" ]; echo $?) \
	"pmhs-ctl (responder) and an OpenSSL Noise (KKpsk0, AESGCM): same hash and secret, payload read"

# ---------------------------------------------------------------- wrong PSK
before=$(nkeys)
NT=10 npair a b --initiator --key-file a.key --psk-file psk -- \
	--responder --key-file b.key --psk-file psk.other
ok $([ "$(rc_of a)" = $EXIT_VERIFY ] && grep -q 'wrong PSK' a.err &&
     grep -q 'no key was published' a.err; echo $?) \
	"XX with a wrong PSK: the initiator fails on message 2 and says why"
ok $([ "$(nkeys)" = "$before" ]; echo $?) "and no key was published"

# -------------------------------------------------------------------- pins
npair a b --initiator --key-file a.key --psk-file psk --peer bob -- \
	--responder --key-file b.key --psk-file psk --peer alice
ok $([ "$(rc_of a)" = 0 ] && grep -q "pinned its key on first use" a.err &&
     grep -qE "^bob[[:space:]]+$(x25519_fp "$B_PUB")[[:space:]]" "$PMHS_KNOWN_PEERS"; echo $?) \
	"XX with --peer NAME: an unknown peer is pinned on first use (X25519 SPKI in the pin store)"
npair a b --initiator --key-file a.key --psk-file psk --peer bob -- \
	--responder --key-file b.key --psk-file psk --peer alice
ok $([ "$(rc_of a)" = 0 ] && ! grep -q "first use" a.err; echo $?) "the pinned peer again: accepted"
before=$(nkeys)
NT=10 npair a b --initiator --key-file a.key --psk-file psk --peer bob -- \
	--responder --key-file c.key --psk-file psk
ok $([ "$(rc_of a)" = $EXIT_VERIFY ] && grep -q "pinned for 'bob'" a.err && [ "$(rc_of b)" != 0 ] &&
     [ "$(nkeys)" = "$before" ]; echo $?) \
	"another key under a pinned name: refused, message 3 held back (the responder never completes), no key"
npair a b --initiator --pattern kk --key-file a.key --peer bob --psk-file psk -- \
	--responder --pattern kk --key-file b.key --remote-static "$A_PUB" --psk-file psk
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of b)" = 0 ]; echo $?) "KK takes the peer's key from its pin"
run handshake noise --initiator --pattern kk --key-file a.key --peer nobody --psk-file psk
ok $(rc_is 3 && err_has "no key is pinned for 'nobody'"; echo $?) "KK with an unpinned --peer: refused"

# ------------------------------------------------------ an X25519 identity
run identity import nz-a a.key
ok $(rc_is 0; echo $?) "identity import of an X25519 key file"
npair a b --initiator --identity nz-a --psk-file psk -- \
	--responder --key-file b.key --psk-file psk
ok $([ "$(rc_of a)" = 0 ] && [ "$(rc_of b)" = 0 ]; echo $?) "--identity NAME: an X25519 identity"

# ------------------------------------------------------------ listen/connect
echo "# listen/connect"
veth_pair na nb nza nzb 10.89.0 && NS_UP=1
ok $([ $NS_UP = 1 ]; echo $?) "two namespaces on a veth pair"
A="ip netns exec na" B="ip netns exec nb"
head -c 1048576 /dev/urandom >file
net() {	# net PORT LISTEN-ARGS -- CONNECT-ARGS: outputs in l.*, c.*, received
	local port=$1 l=()
	shift
	while [ "$1" != -- ]; do l+=("$1"); shift; done
	shift
	rm -f received
	$B "$CTL" listen "${l[@]}" --timeout 60 10.89.0.2:$port --ktls -- sh -c "cat >$T/received" \
		>l.out 2>l.err &
	wait_tcp_listen nb "$port"
	$A "$CTL" connect "$@" --timeout 60 10.89.0.2:$port --ktls -- cat "$T/file" >c.out 2>c.err
	echo $? >c.rc
	wait $!
	echo $? >l.rc
	cat c.err l.err >"$T/err"
}
net 7200 -j --mode noise-xx --key-file b.key --psk-file psk -- \
	-j --mode noise-xx --key-file a.key --psk-file psk
ok $([ "$(cat c.rc)" = 0 ] && [ "$(cat l.rc)" = 0 ]; echo $?) \
	"noise-xx (ChaChaPoly) over TCP with --ktls (so chacha20-poly1305): both succeed"
ok $(cmp -s file received; echo $?) "1 MiB crossed kTLS intact"
ok $(h=$(jq -r .handshake_hash c.out); [ ${#h} = 64 ] && [ "$h" = "$(jq -r .handshake_hash l.out)" ] &&
     [ "$(jq -r .peer_pubkey c.out)" = "$B_PUB" ] && [ "$(jq -r .peer_pubkey l.out)" = "$A_PUB" ]; echo $?) \
	"-j: the same handshake_hash on both sides, each the other's peer_pubkey"
net 7201 -j --mode noise-kk --suite aesgcm --key-file b.key --remote-static "$A_PUB" --psk-file psk -- \
	-j --mode noise-kk --suite aesgcm --key-file a.key --remote-static "$B_PUB" --psk-file psk
ok $([ "$(cat c.rc)" = 0 ] && [ "$(cat l.rc)" = 0 ] && cmp -s file received; echo $?) \
	"noise-kk (AESGCM) over TCP with --ktls: 1 MiB intact"
net 7207 --mode noise-xx --suite aesgcm --key-file b.key --psk-file psk -- \
	--mode noise-xx --suite aesgcm --key-file a.key --psk-file psk
ok $([ "$(cat c.rc)" = 0 ] && [ "$(cat l.rc)" = 0 ] && cmp -s file received; echo $?) \
	"noise-xx (AESGCM) over TCP with --ktls: 1 MiB intact"
net 7208 --mode noise-kk --key-file b.key --remote-static "$A_PUB" --psk-file psk -- \
	--mode noise-kk --key-file a.key --remote-static "$B_PUB" --psk-file psk
ok $([ "$(cat c.rc)" = 0 ] && [ "$(cat l.rc)" = 0 ] && cmp -s file received; echo $?) \
	"noise-kk (ChaChaPoly) over TCP with --ktls: 1 MiB intact"
before=$(nkeys)
net 7202 --mode noise-xx --key-file b.key --psk-file psk -- \
	--mode noise-xx --key-file a.key --psk-file psk.other
ok $([ "$(cat c.rc)" = $EXIT_VERIFY ] && [ "$(cat l.rc)" != 0 ]; echo $?) \
	"noise-xx with a wrong PSK fails on both sides"
ok $(grep -q 'wrong PSK' c.err && grep -q 'could not read our message' l.err; echo $?) \
	"each says what failed (initiator: its read of message 2; responder: the peer's)"
ok $([ ! -s received ] && [ "$(nkeys)" = "$before" ]; echo $?) "no data sent, no key left"
net 7203 --mode noise-kk --key-file b.key --remote-static "$A_PUB" --psk-file psk -- \
	--mode noise-kk --key-file a.key --remote-static "$B_PUB" --psk-file psk.other
ok $([ "$(cat c.rc)" != 0 ] && [ "$(cat l.rc)" = $EXIT_VERIFY ] && [ ! -s received ] &&
     [ "$(nkeys)" = "$before" ]; echo $?) "noise-kk with a wrong PSK: the responder refuses message 1, both fail, no key"
net 7204 --mode noise-xx --key-file b.key --password-file pw --node-id core-1 -- \
	--mode noise-xx --key-file a.key --password-file pw --node-id core-1
ok $([ "$(cat c.rc)" = 0 ] && [ "$(cat l.rc)" = 0 ] && cmp -s file received; echo $?) \
	"a PSK from a password (argon2id, --node-id) on both sides"
net 7205 --mode noise-xx --key-file b.key --password-file pw --kdf pbkdf2 --iterations 1000 -- \
	--mode noise-xx --key-file a.key --password-file pw.other --kdf pbkdf2 --iterations 1000
ok $([ "$(cat c.rc)" != 0 ] && [ "$(cat l.rc)" != 0 ] && [ ! -s received ]; echo $?) \
	"different passwords (PBKDF2) fail"
net 7206 --mode noise-kk --key-file b.key --remote-static "$A_PUB" --psk-file psk -- \
	--mode noise-xx --key-file a.key --psk-file psk
ok $([ "$(cat c.rc)" != 0 ] && grep -q 'same --mode' c.err; echo $?) \
	"noise-xx against noise-kk: refused in the hello, naming the modes"

echo "1..$N"
[ $FAILED = 0 ]
