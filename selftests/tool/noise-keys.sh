#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# noise genkey|pubkey (X25519 keys, as wg genkey/pubkey) against OpenSSL's
# own derivation and the noise-v1.json vectors' static keys; key files:
# mode, no overwrite, what identity import takes before it needs the module.
. "$(dirname "$0")/lib.sh"
NOISE=$TOP/selftests/vectors/noise-v1.json
EXIT_NOMODULE=6
[ -d /sys/module/pmhs ] && { echo "Bail out! the pmhs module is loaded here: these tests need a host without it"; exit 1; }

hex() { od -An -tx1 -v | tr -d ' \n'; }
# OpenSSL's public key of raw private key hex $1: the key wrapped in PKCS#8 (RFC 8410).
ossl_pub() {
	{ printf '302e020100300506032b656e04220420'; printf '%s' "$1"; } | xxd_r >"$T/k.der" &&
		openssl pkey -inform DER -in "$T/k.der" -pubout -outform DER | tail -c 32 | hex
}
ossl_spki_sha256() {
	{ printf '302e020100300506032b656e04220420'; printf '%s' "$1"; } | xxd_r >"$T/k.der" &&
		openssl pkey -inform DER -in "$T/k.der" -pubout -outform DER | sha256sum | cut -d' ' -f1
}
# hex to bytes without xxd (not always installed).
xxd_r() { sed 's/../\\x&/g' | xargs -0 printf '%b'; }
is_hex64() { [[ $1 =~ ^[0-9a-f]{64}$ ]]; }

# --- genkey
# To a pipe, as in "wg genkey | tee key | wg pubkey": no warning.
"$CTL" noise genkey 2>"$T/err" | cat >"$T/out"
k=$(cat "$T/out")
ok $(is_hex64 "$k" && [ "$(wc -c <"$T/out")" = 65 ] && [ ! -s "$T/err" ]; echo $?) \
	"noise genkey: 64 lowercase hex digits and a newline, nothing on stderr"
first=$((16#${k:0:2})) last=$((16#${k:62:2}))
ok $([ $((first & 7)) = 0 ] && [ $((last & 128)) = 0 ] && [ $((last & 64)) = 64 ]; echo $?) \
	"noise genkey: the key is clamped as wg genkey's"
run noise genkey
ok $([ "$(cat "$T/out")" != "$k" ]; echo $?) "noise genkey: two keys differ"
run_in "$k" noise pubkey
ok $(rc_is 0 && out_is "$(ossl_pub "$k")" && is_hex64 "$(cat "$T/out")"; echo $?) \
	"noise genkey | noise pubkey: OpenSSL's public key"
p=$("$CTL" noise genkey | "$CTL" noise pubkey)
ok $(is_hex64 "$p"; echo $?) "noise genkey | noise pubkey in a pipe"

# --- pubkey against the vectors' static keys (noiseprotocol's)
n=0 bad=0
while read -r priv pub; do
	n=$((n + 1))
	[ "$(printf '%s\n' "$priv" | "$CTL" noise pubkey)" = "$pub" ] || bad=$((bad + 1))
done < <(jq -r '.handshakes[] | .initiator, .responder | "\(.static_private) \(.static_public)"' "$NOISE")
ok $([ $n -ge 24 ] && [ $bad = 0 ]; echo $?) "noise pubkey: the public key of all $n static keys of noise-v1.json ($bad wrong)"
v=$(jq -r '.handshakes[0].initiator.static_private' "$NOISE")
vp=$(jq -r '.handshakes[0].initiator.static_public' "$NOISE")
run_in "$(tr a-f A-F <<<"$v")" noise pubkey
ok $(rc_is 0 && out_is "$vp"; echo $?) "noise pubkey: uppercase hex, no newline"
run_in "$v"$'\r\n' noise pubkey
ok $(rc_is 0 && out_is "$vp"; echo $?) "noise pubkey: a CRLF line end"
run -j noise pubkey <<<"$v"
ok $(rc_is 0 && json_ok && [ "$(jq -r .public_key "$T/out")" = "$vp" ] &&
     [ "$(jq -r .sha256 "$T/out")" = "$(ossl_spki_sha256 "$v")" ] &&
     [ "$(jq -r .fingerprint "$T/out" | cut -c1-7)" = SHA256: ] &&
     [ "$(jq -r .private_key "$T/out")" = null ]; echo $?) \
	"-j noise pubkey: public key, SHA-256 of OpenSSL's SPKI DER, no private key"

# --- pubkey refuses anything else, never echoing it
for input in "${v:0:62}" "${v}00" "" "${v:0:40}zz${v:42}" "$v"$'\n\n'; do
	run_in "$input" noise pubkey
	ok $(rc_is $EXIT_FAIL && err_has "noise pubkey:" && [ ! -s "$T/out" ] &&
	     { [ ${#input} -lt 8 ] || ! err_has "${input:0:8}"; }; echo $?) \
		"noise pubkey refuses '${input:0:6}...' (${#input} chars) without echoing it"
done
run_in "${v:0:62}" noise pubkey
ok $(err_has "64 hex digits" && err_has "not 62"; echo $?) "noise pubkey: says what it wants and got"

# --- genkey to stdout: wg's warning about a file others can read
(umask 022; "$CTL" noise genkey >k644 2>"$T/err")
ok $(err_has "warning" && err_has "k644" && err_has "umask" && [ "$(wc -c <k644)" = 65 ]; echo $?) \
	"noise genkey > file with umask 022: written, with a warning naming it"
(umask 077; "$CTL" noise genkey >k600 2>"$T/err")
ok $([ ! -s "$T/err" ] && [ "$(stat -c %a k600)" = 600 ]; echo $?) "with umask 077: no warning"

# --- genkey --output
run noise genkey --output node.key
ok $(rc_is 0 && [ "$(stat -c %a node.key)" = 600 ] && is_hex64 "$(cat node.key)" &&
     [ "$(wc -c <node.key)" = 65 ]; echo $?) "noise genkey --output: mode 0600 under umask 022, 64 hex digits and a newline"
ok $(out_is "$("$CTL" noise pubkey <node.key)" && out_is "$(ossl_pub "$(cat node.key)")"; echo $?) \
	"noise genkey --output prints the public key (OpenSSL's)"
cp node.key before.key
run noise genkey -o node.key
ok $(rc_is $EXIT_FAIL && err_has "already exists" && cmp -s node.key before.key && [ ! -s "$T/out" ]; echo $?) \
	"noise genkey -o: an existing file is kept, exit 1"
ln -s nowhere dangling.key
run noise genkey -o dangling.key
ok $(rc_is $EXIT_FAIL && [ -L dangling.key ] && [ ! -e nowhere ]; echo $?) "noise genkey -o: a symlink is not written through"
run noise genkey -o nodir/x.key
ok $(rc_is $EXIT_NOTFOUND && err_has "nodir"; echo $?) "noise genkey -o into a missing directory: exit 3"
run -j noise genkey -o j.key
ok $(rc_is 0 && json_ok && [ "$(jq -r .file "$T/out")" = j.key ] &&
     [ "$(jq -r .public_key "$T/out")" = "$("$CTL" noise pubkey <j.key)" ] &&
     [ "$(jq -r .private_key "$T/out")" = null ]; echo $?) "-j noise genkey -o: file and public key, no private key"
run -j noise genkey
ok $(rc_is 0 && json_ok && [ "$(jq -r .public_key "$T/out")" = "$(jq -r .private_key "$T/out" | "$CTL" noise pubkey)" ]; echo $?) \
	"-j noise genkey: private and matching public key"

# --- usage
for words in "noise" "noise frob" "noise genkey extra" "noise pubkey -o x.key" "noise genkey --frob" \
	     "noise genkey -o"; do
	run $words
	ok $(rc_is $EXIT_USAGE && [ "$(head -c 9 "$T/err")" = "pmhs-ctl:" ] && [ ! -e x.key ]; echo $?) \
		"'$words': usage error, exit 2"
done
run noise genkey --help
ok $(rc_is 0 && out_has "Usage:" && out_has "noise pubkey"; echo $?) "noise genkey --help"

# --- identity import takes a noise key file, checked before the module is asked
run identity import nk node.key
ok $(rc_is $EXIT_NOMODULE; echo $?) "identity import of an X25519 key file (0600): only the module is missing"
chmod 644 k644
run identity import nk k644
ok $(rc_is $EXIT_PERM && err_has "chmod 600 k644" && err_has "0644"; echo $?) \
	"identity import of an X25519 key file others can read: refused, says chmod 600"
printf '%s\n' "${v:0:40}zz${v:42}" >notkey && chmod 600 notkey
run identity import nk notkey
ok $(rc_is $EXIT_FAIL && ! err_has "${v:0:16}"; echo $?) "identity import of 64 characters that are not hex: refused"
finish
