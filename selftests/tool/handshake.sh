#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# identity, handshake, listen, connect and hybrid: what the tool checks
# before it needs the module (command lines, the peer's hex, passwords).
# Everything that talks to the module is in selftests/tool_vm.sh.
. "$(dirname "$0")/lib.sh"
vector_keys
EXIT_NOMODULE=6 EXIT_MALFORMED=7
vec() { jq -r "$1" "$VECTORS"; }

for c in identity handshake listen connect hybrid; do
	run $c --help
	ok $(rc_is 0 && out_has "Usage:"; echo $?) "$c --help"
done
run identity frobnicate
ok $(rc_is $EXIT_USAGE && err_has "unknown command"; echo $?) "identity: unknown command"
run identity import onlyname
ok $(rc_is $EXIT_USAGE; echo $?) "identity import without KEY-FILE"
run identity import "$(printf 'n%.0s' {1..33})" alice.pk1
ok $(rc_is $EXIT_USAGE && err_has "1..32 bytes"; echo $?) "identity name over 32 bytes refused"
run identity import alice missing.pem
ok $(rc_is $EXIT_NOTFOUND && err_has "identity generate"; echo $?) "identity import of a missing file: exit 3, hint"
run identity generate --bits 1024 x x.pem
ok $(rc_is $EXIT_USAGE && [ ! -e x.pem ]; echo $?) "identity generate --bits 1024 refused"
run identity show --bits 2048 alice
ok $(rc_is $EXIT_USAGE; echo $?) "identity show takes no --bits"

run handshake sideways
ok $(rc_is $EXIT_USAGE && err_has "unknown mode"; echo $?) "handshake: unknown mode"
run handshake mutual --peer-key bob.pub
ok $(rc_is $EXIT_USAGE && err_has "--identity"; echo $?) "mutual without --identity"
run handshake mutual --identity alice
ok $(rc_is $EXIT_USAGE && err_has "--peer-key FILE or --peer NAME"; echo $?) "mutual without a peer key"
run handshake mutual --identity alice --peer-key bob.pub --tofu
ok $(rc_is $EXIT_USAGE && err_has "give both"; echo $?) "--tofu needs --peer and --peer-key"
run handshake receive --identity bob --peer-key alice.pub --show-secret --logon
ok $(rc_is $EXIT_USAGE && err_has "logon"; echo $?) "--show-secret with --logon refused"
run handshake receive --identity bob --peer-key alice.pub --show-secret --module-keyring
ok $(rc_is $EXIT_USAGE; echo $?) "--show-secret with --module-keyring refused"
run handshake password --password-stdin
ok $(rc_is $EXIT_USAGE && err_has "--peer-message-file"; echo $?) "--password-stdin needs --peer-message-file"
run handshake password --password-file x --identity alice
ok $(rc_is $EXIT_USAGE; echo $?) "password mode takes no --identity"
run handshake mutual --identity a --peer-key b --password-file x
ok $(rc_is $EXIT_USAGE && err_has "password mode only"; echo $?) "RSA modes take no password"
run handshake mutual --identity a --peer-key b --keyring @x
ok $(rc_is $EXIT_USAGE && err_has "--keyring takes"; echo $?) "--keyring: bad name refused"
run handshake password --iterations 999
ok $(rc_is $EXIT_USAGE && err_has "1000..10000000"; echo $?) "--iterations below 1000 refused"
run handshake mutual --identity a --peer-key b --oaep-hash md5
ok $(rc_is $EXIT_USAGE && err_has "sha1 or sha256"; echo $?) "--oaep-hash md5 refused"
run handshake mutual --identity alice --peer-key missing.pub
ok $(rc_is $EXIT_NOTFOUND && err_has "missing.pub"; echo $?) "missing peer key file: exit 3"
run handshake mutual --identity alice --peer nobody
ok $(rc_is $EXIT_NOTFOUND && err_has "no pinned key for peer 'nobody'"; echo $?) "--peer of an unknown pin: exit 3"
"$CTL" pin add evil carol.pub >/dev/null
run handshake mutual --identity alice --peer evil --peer-key bob.pub
ok $(rc_is $EXIT_VERIFY && err_has "$(expected_fp carol.pub)" && err_has "$(expected_fp bob.pub)"; echo $?) \
	"pin mismatch: refused before the module, both fingerprints"

# A half receiver reads the peer's line before it talks to the module.
for i in 4 5 6; do
	why=$(vec ".half.invalid[$i].why")
	run_in "$(vec ".half.invalid[$i].shake")" handshake receive --identity bob --peer-key alice.pub
	case "$why" in
	"odd number"*) want="odd number of hex digits (1023)" ;;
	"not hex") want="not a hex digit at position 1: 'g'" ;;
	empty) want="empty hex string" ;;
	esac
	ok $(rc_is $EXIT_MALFORMED && err_has "$want" && [ ! -s "$T/out" ]; echo $?) \
		"half receive refuses the '$why' vector as malformed: exit $EXIT_MALFORMED, '$want'"
done
run_in "abcd 12"$'\n' handshake receive --identity bob --peer-key alice.pub
ok $(rc_is $EXIT_MALFORMED && err_has "position 5: whitespace"; echo $?) "a blank inside the hex is named"
printf '%s\n' "$(vec '.half.valid[0].shake')" >msg
run handshake receive --identity bob --peer-key alice.pub --peer-message-file msg
ok $(rc_is $EXIT_NOMODULE && err_has "not installed"; echo $?) \
	"good hex with a trailing newline is accepted (then: no module here, exit $EXIT_NOMODULE)"
run handshake receive --identity bob --peer-key alice.pub --peer-message-file missing
ok $(rc_is $EXIT_NOTFOUND; echo $?) "--peer-message-file missing: exit 3"
run_in "$(head -c 40000 /dev/zero | tr '\0' a)" handshake receive --identity bob --peer-key alice.pub
ok $(rc_is $EXIT_MALFORMED && err_has "longer than"; echo $?) "an overlong line is refused as malformed"

printf 'hunter2\n' >weak
chmod 600 weak
run handshake password --password-file weak
ok $(rc_is $EXIT_FAIL && err_has "offline-crackable" && [ ! -s "$T/out" ]; echo $?) \
	"weak password refused before anything is sent"

run listen --mode password
ok $(rc_is $EXIT_USAGE && err_has "one address"; echo $?) "listen without an address"
run connect 7000 --mode password --password-file weak --allow-weak
ok $(rc_is $EXIT_USAGE && err_has "HOST:PORT"; echo $?) "connect needs HOST:PORT"
run connect localhost:7000 --mode sideways
ok $(rc_is $EXIT_USAGE && err_has "--mode takes"; echo $?) "connect --mode: unknown mode"
run connect localhost:7000
ok $(rc_is $EXIT_USAGE && err_has "which handshake"; echo $?) "connect without --mode"
run connect localhost:7000 --mode password --password-file weak --allow-weak --timeout 0
ok $(rc_is $EXIT_USAGE && err_has "1..3600"; echo $?) "--timeout 0 refused"

run hybrid encrypt big
ok $(rc_is $EXIT_USAGE && err_has "--peer-key"; echo $?) "hybrid encrypt needs --peer-key"
run hybrid decrypt --identity bob --peer-key bob.pub
ok $(rc_is $EXIT_USAGE; echo $?) "hybrid decrypt takes no --peer-key"
run hybrid encrypt --peer-key bob.pub a b c
ok $(rc_is $EXIT_USAGE; echo $?) "hybrid: at most IN and OUT"
run hybrid encrypt --peer-key bob.pub missing
ok $(rc_is $EXIT_NOTFOUND && err_has "missing"; echo $?) "hybrid: missing input file: exit 3"
run hybrid sign
ok $(rc_is $EXIT_USAGE && err_has "unknown command"; echo $?) "hybrid: unknown command"

# ipsec up: nonces are 32 bytes, and come in pairs (checked before any
# netlink request).
n64=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
run ipsec up --key 1 --role initiator --local 10.0.0.1 --remote 10.0.0.2 --nonce abcd --peer-nonce $n64
ok $(rc_is $EXIT_USAGE && err_has "64 hex digits"; echo $?) "ipsec up: a short --nonce is refused"
run ipsec up --key 1 --role initiator --local 10.0.0.1 --remote 10.0.0.2 --nonce $n64
ok $(rc_is $EXIT_USAGE && err_has "both --nonce and --peer-nonce"; echo $?) "ipsec up: --nonce needs --peer-nonce"

finish
