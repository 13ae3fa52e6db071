#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pmhs-ctl ipsec up/down between two namespaces, keyed from logon keys a
# listen/connect handshake made: ping works through ESP, the SA counters
# move, down removes SAs and policies, and errors explain themselves. The
# same with --esp-alg chacha20-poly1305, keyed by a Noise XXpsk2 handshake.
set -u
. "$(dirname "$0")/lib/netns.sh"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

echo "TAP version 13"
d=$(mktemp -d)
A="ip netns exec ip_a" B="ip netns exec ip_b"
veth_pair ip_a ip_b ia ib 10.77.1
check "two namespaces on a veth pair" test $? = 0

umask 077
printf 'correct horse battery staple\n' > $d/pw
$B pmhs-ctl listen 10.77.1.2:7200 --mode password --password-file $d/pw --logon > $d/b.out &
wait_tcp_listen ip_b 7200
$A pmhs-ctl connect 10.77.1.2:7200 --mode password --password-file $d/pw --logon > $d/a.out
wait
ka=$(awk '/^serial/ { print $2 }' $d/a.out)
kb=$(awk '/^serial/ { print $2 }' $d/b.out)
check "a handshake left a logon key on each side ($ka, $kb)" test -n "$ka" -a -n "$kb"

$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.1.1 --remote 10.77.1.2 > $d/up.a
ra=$?
$B pmhs-ctl ipsec up --key "$kb" --role responder --local 10.77.1.2 --remote 10.77.1.1 > $d/up.b
rb=$?
check "ipsec up on both sides" test $ra = 0 -a $rb = 0
check "both derived the same SPIs" cmp -s $d/up.a $d/up.b
check "two ESP SAs with rfc4106(gcm(aes)) in each namespace" \
	test "$($A ip xfrm state | grep -c 'proto esp')" = 2 -a \
	     "$($B ip xfrm state | grep -c 'rfc4106(gcm(aes))')" = 2
check "two policies in each namespace" test "$($A ip xfrm policy | grep -c '^src')" = 2
check "ping goes through" $A ping -c 3 -W 3 10.77.1.2
# "lifetime current:" is followed by "N(bytes), M(packets)".
pk=$($A ip -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); s += $2 } END { print s + 0 }')
check "the SAs counted the packets ($pk)" test "$pk" -ge 6
$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.1.1 --remote 10.77.1.2 \
	> /dev/null 2> $d/err
check "up twice with one secret is refused: up used it up (exit $?)" grep -q 'used up' $d/err
$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.1.1 --remote 10.77.1.1 \
	> /dev/null 2> $d/err
check "equal addresses are refused with a reason" test -s $d/err
$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.1.1 --remote 192.0.2.7 \
	> /dev/null 2> $d/err
check "no route to the peer is named (exit $?)" grep -q 'no route' $d/err
$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.9.9 --remote 10.77.1.2 \
	> /dev/null 2> $d/err
check "a local address we do not have is named" grep -q 'not an address of this host' $d/err
$A pmhs-ctl ipsec up --key "$ka" --role sideways --local 10.77.1.1 --remote 10.77.1.2 \
	> /dev/null 2> $d/err
check "a bad role is a usage error ($?)" grep -q 'initiator or responder' $d/err
spis=$(awk '{ printf " --%s %s", $1, $2 }' $d/up.a)
$A pmhs-ctl ipsec down $spis --role initiator --local 10.77.1.1 --remote 10.77.1.2
ra=$?
$B pmhs-ctl ipsec down $spis --role responder --local 10.77.1.2 --remote 10.77.1.1
rb=$?
check "ipsec down on both sides" test $ra = 0 -a $rb = 0
check "no SA or policy is left" test -z "$($A ip xfrm state; $A ip xfrm policy; $B ip xfrm state; $B ip xfrm policy)"
check "plain ping works again" $A ping -c 1 -W 3 10.77.1.2
$A pmhs-ctl ipsec down $spis --role initiator --local 10.77.1.1 --remote 10.77.1.2 \
	2> $d/err
check "down with nothing there says so (exit $?)" test -s $d/err

# ChaCha20-Poly1305 SAs from a second handshake: Noise XXpsk2, whose
# export secret (docs/protocol.md) keys ESP like any other.
pmhs-ctl noise genkey -o $d/a.key && pmhs-ctl noise genkey -o $d/b.key
head -c 32 /dev/urandom > $d/psk
$B pmhs-ctl listen 10.77.1.2:7201 --mode noise-xx --key-file $d/b.key --psk-file $d/psk \
	--logon > $d/b2.out &
wait_tcp_listen ip_b 7201
$A pmhs-ctl connect 10.77.1.2:7201 --mode noise-xx --key-file $d/a.key --psk-file $d/psk \
	--logon > $d/a2.out
wait
ka=$(awk '/^serial/ { print $2 }' $d/a2.out)
kb=$(awk '/^serial/ { print $2 }' $d/b2.out)
check "a noise-xx handshake left a logon key on each side ($ka, $kb)" test -n "$ka" -a -n "$kb"
$A pmhs-ctl ipsec up --key "$ka" --role initiator --local 10.77.1.1 --remote 10.77.1.2 \
	--esp-alg chacha20-poly1305 > $d/up.a
ra=$?
$B pmhs-ctl ipsec up --key "$kb" --role responder --local 10.77.1.2 --remote 10.77.1.1 \
	--esp-alg chacha20-poly1305 > $d/up.b
rb=$?
check "ipsec up --esp-alg chacha20-poly1305 on both sides" test $ra = 0 -a $rb = 0
check "two rfc7539esp(chacha20,poly1305) SAs in each namespace" \
	test "$($A ip xfrm state | grep -c 'aead rfc7539esp(chacha20,poly1305)')" = 2 -a \
	     "$($B ip xfrm state | grep -c 'aead rfc7539esp(chacha20,poly1305)')" = 2
check "ping goes through chacha20-poly1305 ESP keyed by Noise" $A ping -c 3 -W 3 10.77.1.2
pk=$($A ip -s xfrm state | awk '/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); s += $2 } END { print s + 0 }')
check "the chacha SAs counted the packets ($pk)" test "$pk" -ge 6
spis=$(awk '{ printf " --%s %s", $1, $2 }' $d/up.a)
$A pmhs-ctl ipsec down $spis --role initiator --local 10.77.1.1 --remote 10.77.1.2 &&
	$B pmhs-ctl ipsec down $spis --role responder --local 10.77.1.2 --remote 10.77.1.1
check "ipsec down removes them, as any SAs" test $? = 0 -a \
	-z "$($A ip xfrm state; $A ip xfrm policy; $B ip xfrm state; $B ip xfrm policy)"
$A pmhs-ctl ipsec up --key 1 --role initiator --local 10.77.1.1 --remote 10.77.1.2 \
	--esp-alg des > /dev/null 2> $d/err
st=$?
check "an unknown --esp-alg is a usage error (exit $st)" test $st = 2
check "which names the algorithms there are" grep -q 'aes-gcm-256 or chacha20-poly1305' $d/err

ip netns del ip_a; ip netns del ip_b; rm -rf "$d"
echo "1..$n"
[ $fails = 0 ]
