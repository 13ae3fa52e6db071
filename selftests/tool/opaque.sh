#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pmhs-ctl opaque register|login and --mode opaque-* without the module:
# argument errors, the peer's line (hex or base64url: the decoders' own
# reasons, the length of each message), the server's store (permissions,
# a registered user refused without --replace), all before the module.
. "$(dirname "$0")/lib.sh"

SV=(--server --identity s --user bob --store "$T/st")
b64() { basenc -w0 --base64url | tr -d =; }

run opaque register --server --user bob
ok $(rc_is 2 && err_has "the server needs --identity"; echo $?) "server without --identity: usage error"
run opaque login --server --identity s
ok $(rc_is 2 && err_has "the server needs --user"; echo $?) "server without --user: usage error"
run opaque login --user bob
ok $(rc_is 2 && err_has "names no user"; echo $?) "manual client with --user: usage error"
run opaque login --server --identity s --user bob --ksf-memory 1024
ok $(rc_is 2 && err_has "the server never runs the KSF"; echo $?) "server with a KSF option: usage error"
run opaque login --ksf-memory 7
ok $(rc_is 2 && err_has "--ksf-memory takes 8..4194304"; echo $?) "--ksf-memory below 8: usage error"
run opaque login --ksf-memory 8 --ksf-lanes 2
ok $(rc_is 2 && err_has "8 KiB per lane"; echo $?) "--ksf-memory below 8 per lane: usage error"
run opaque login --server --identity s --user bob --replace
ok $(rc_is 2 && err_has "--replace is for opaque register"; echo $?) "--replace at login: usage error"
run opaque login --password-stdin
ok $(rc_is 2 && err_has "--peer-message-file"; echo $?) "--password-stdin needs --peer-message-file"
run opaque register --server --identity s --user "$(printf 'a\tb')"
ok $(rc_is 2 && err_has "no control characters"; echo $?) "a user name with a control character: refused"
run connect --mode opaque-login 127.0.0.1:1
ok $(rc_is 2 && err_has "connect needs --user"; echo $?) "connect --mode opaque-login without --user"
run listen --mode opaque-login --identity s --user bob 0
ok $(rc_is 2 && err_has "the client names the user"; echo $?) "listen with --user: usage error"
run connect --mode opaque-login --user bob --base64url 127.0.0.1:1
ok $(rc_is 2 && err_has "unrecognized option '--base64url'"; echo $?) "--base64url over TCP (raw frames): not an option"
run connect --mode opaque-register --user bob --ktls 127.0.0.1:1 -- cat
ok $(rc_is 2 && err_has "a registration makes none"; echo $?) "--ktls with opaque-register: refused"
run opaque login --user-key
ok $(rc_is 2 && err_has "--user-key and --peer-tag are the server's"; echo $?) "--user-key on the client: refused"
run opaque register --server --identity s --user bob --user-key
ok $(rc_is 2 && err_has "--user-key is for the login server"; echo $?) "--user-key on the registration server: refused"
run opaque login --server --identity s --user bob --show-secret
ok $(rc_is 2 && err_has "add --user-key to --show-secret"; echo $?) "--show-secret on the server without --user-key: says why"
run opaque login --server --identity s --user bob --peer-tag ""
ok $(rc_is 2 && err_has "--peer-tag must be 1..64 bytes"; echo $?) "an empty --peer-tag: refused"
run opaque register --server --identity s --user bob --peer-tag 10.0.0.1
ok $(rc_is 2 && err_has "--peer-tag is for the manual login server"; echo $?) "--peer-tag on the registration server: refused"
run opaque unlock a b
ok $(rc_is 2 && err_has "give the user's name, and nothing else"; echo $?) "opaque unlock with two names: usage error"
run listen --mode password --store x 0
ok $(rc_is 2 && err_has "for the opaque modes only"; echo $?) "an opaque option in another mode: usage error"
run handshake opaque-login
ok $(rc_is 2 && err_has "pmhs-ctl opaque register"; echo $?) "handshake opaque-login points to pmhs-ctl opaque"

# The client's KE1 (96 bytes) at the server, before the module is needed.
run_in "zz
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "base64url: position 2"; echo $?) "a short non-hex line: the base64url decoder's reason"
run_in "$(printf 'a%.0s' $(seq 191))
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "odd number of hex digits"; echo $?) "191 hex digits: the hex decoder's reason"
run_in "$(printf 'ag%.0s' $(seq 96))
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "not a hex digit at position 2"; echo $?) "192 characters, not all hex: the hex decoder's reason"
run_in "$(head -c 95 /dev/urandom | b64)
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "95 bytes, but the KE1 is 96 bytes"; echo $?) "95 bytes in base64url: the length is refused"
run_in "$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "32 bytes, but the KE1 is 96 bytes"; echo $?) "a registration request as KE1: refused"
run_in "$(head -c 96 /dev/urandom | b64)x
" opaque login "${SV[@]}"
ok $(rc_is 7 && err_has "never 4n+1"; echo $?) "base64url of a bad length: the decoder's reason"
run_in "" opaque register "${SV[@]}"
ok $(rc_is 1 && err_has "ended: no registration request"; echo $?) "no line at all: said so"
printf 'pmhs-opaque-record 1\n' >ke1 && head -c 96 /dev/urandom | b64 >ke1
run opaque login "${SV[@]}" --peer-message-file ke1
ok $(rc_is 6 || rc_is 1; echo $?) "a good base64url KE1 from a file gets as far as the module"

mkdir -m 777 "$T/st"
run_in "" opaque login "${SV[@]}"
ok $(rc_is 5 && err_has "chmod go-w"; echo $?) "a store others may write: refused, with how to fix it"
chmod 700 "$T/st"
# A record for bob, written as the store writes them.
name=$(printf bob | sha256sum | cut -d' ' -f1)
printf 'pmhs-opaque-record 1\ncredential-id %s\nrecord %s\n' "$(printf bob | b64)" \
	"$(head -c 192 /dev/urandom | b64)" >"$T/st/$name"
chmod 600 "$T/st/$name"
sum=$(sha256sum <"$T/st/$name")
run_in "" opaque register "${SV[@]}"
ok $(rc_is 1 && err_has "user 'bob' is registered already" && err_has "--replace" &&
	[ "$(sha256sum <"$T/st/$name")" = "$sum" ]; echo $?) \
	"registering a user who has a record: refused before any line, the record kept"
run_in "" opaque register "${SV[@]}" --replace
ok $(rc_is 1 && err_has "ended: no registration request"; echo $?) "with --replace it goes on to read the client"

finish
