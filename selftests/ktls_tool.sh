#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pmhs-ctl listen/connect --ktls -- COMMAND between two namespaces: the
# handshake's secret keys kernel TLS inside the kernel, and a file crosses
# byte for byte; a wrong password fails before any data moves. The same
# with --ktls=chacha20-poly1305, and ciphers that differ carry nothing.
set -u
. "$(dirname "$0")/lib/netns.sh"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

echo "TAP version 13"
d=$(mktemp -d)
A="ip netns exec kt_a" B="ip netns exec kt_b"
veth_pair kt_a kt_b ka kb 10.88.0
check "two namespaces on a veth pair" test $? = 0

umask 077
printf 'correct horse battery staple\n' > $d/pw
printf 'a different horse, battery staple\n' > $d/bad
head -c 262144 /dev/urandom > $d/file

$B pmhs-ctl listen 10.88.0.2:7100 --mode password --password-file $d/pw --logon \
	--ktls -- sh -c "cat > $d/received" > $d/b.out 2> $d/b.err &
wait_tcp_listen kt_b 7100
$A pmhs-ctl connect 10.88.0.2:7100 --mode password --password-file $d/pw --logon \
	--ktls -- cat $d/file > $d/a.out 2> $d/a.err
st=$?
wait $!
bst=$?
check "connect --ktls exits with its command's status" test $st = 0
check "listen --ktls exits with its command's status" test $bst = 0
check "the file crossed kTLS byte for byte" cmp -s $d/file $d/received
check "both printed their key serial" grep -q '^serial ' $d/a.out
tx=$($A awk '$1 == "TlsTxSw" { print $2 }' /proc/net/tls_stat)
rx=$($B awk '$1 == "TlsRxSw" { print $2 }' /proc/net/tls_stat)
check "the sockets really were kTLS (TlsTxSw $tx, TlsRxSw $rx)" test "${tx:-0}" -ge 1 -a "${rx:-0}" -ge 1

$B pmhs-ctl listen 10.88.0.2:7101 --mode password --password-file $d/pw \
	--ktls -- sh -c "cat > $d/received2" > /dev/null 2> $d/b2.err &
wait_tcp_listen kt_b 7101
$A pmhs-ctl connect 10.88.0.2:7101 --mode password --password-file $d/bad --allow-weak \
	--ktls -- cat $d/file > /dev/null 2> $d/a2.err
st=$?
wait
check "a wrong password fails the handshake (exit $st)" test $st != 0
check "and no data was sent" test ! -s $d/received2

$A pmhs-ctl connect 10.88.0.2:7102 --mode password --password-file $d/pw --ktls \
	> /dev/null 2> $d/a3.err
check "--ktls without a command is a usage error" test $? = 2
check "which says what is missing" grep -q 'needs a command' $d/a3.err

# ChaCha20-Poly1305. (Debian 12's ss names only AES ciphers of a kTLS
# socket; pmhs_ktls reads the cipher back with getsockopt.)
$B pmhs-ctl listen 10.88.0.2:7103 --mode password --password-file $d/pw --logon \
	--ktls=chacha20-poly1305 -- sh -c "cat > $d/received3" > /dev/null 2> $d/b4.err &
wait_tcp_listen kt_b 7103
$A pmhs-ctl connect 10.88.0.2:7103 --mode password --password-file $d/pw --logon \
	--ktls=chacha20-poly1305 -- cat $d/file > /dev/null 2> $d/a4.err
st=$?
wait $!
bst=$?
check "--ktls=chacha20-poly1305 on both sides: both exit 0 ($st, $bst)" test $st = 0 -a $bst = 0
check "the file crossed chacha20-poly1305 kTLS byte for byte" cmp -s $d/file $d/received3

# Not negotiated: the cipher each side names is the one it uses.
$B pmhs-ctl listen 10.88.0.2:7104 --mode password --password-file $d/pw \
	--ktls=chacha20-poly1305 -- sh -c "cat > $d/received4" > /dev/null 2> $d/b5.err &
wait_tcp_listen kt_b 7104
$A pmhs-ctl connect 10.88.0.2:7104 --mode password --password-file $d/pw \
	--ktls=aes-gcm-256 -- cat $d/file > /dev/null 2> $d/a5.err
wait $!
bst=$?
check "different ciphers at the ends: the reader fails (exit $bst)" test $bst != 0
check "and received nothing" test ! -s $d/received4

$A pmhs-ctl connect 10.88.0.2:7105 --mode password --password-file $d/pw \
	--ktls=rc4 -- cat > /dev/null 2> $d/a6.err
st=$?
check "an unknown --ktls cipher is a usage error (exit $st)" test $st = 2
check "which names the ciphers there are" grep -q 'chacha20-poly1305' $d/a6.err

ip netns del kt_a; ip netns del kt_b; rm -rf "$d"
echo "1..$n"
[ $fails = 0 ]
