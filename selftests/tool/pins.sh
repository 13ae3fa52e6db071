#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pinned-peer stores: add/show/list/dump/remove, TOFU, strict, mismatch.
. "$(dirname "$0")/lib.sh"
vector_keys
U=$PMHS_KNOWN_PEERS
S=$PMHS_SYSTEM_KNOWN_PEERS
fp_alice=$(expected_fp alice.pub)
fp_bob=$(expected_fp bob.pub)
fp_carol=$(expected_fp carol.pub)

run pin list
ok $(rc_is 0 && [ ! -s "$T/out" ]; echo $?) "pin list with no stores is empty, not an error"
run pin add bob bob.pub
ok $(rc_is 0 && out_has "bob pinned" && [ -f "$U" ]; echo $?) "pin add creates the user store"
check "user store is mode 0644" test "$(stat -c %a "$U")" = 644
check "user store directory is mode 0700" test "$(stat -c %a "$(dirname "$U")")" = 700
check "store line is 'NAME SHA256-HEX SPKI-BASE64'" \
	grep -qx "bob $fp_bob $(openssl pkey -pubin -in bob.pub -outform DER | base64 -w0)" "$U"
check "store starts with a comment naming the format" grep -q '^# pmhs pinned peers: NAME SHA256-HEX SPKI-BASE64' "$U"
run pin add bob bob.pk1
ok $(rc_is 0 && out_has "bob unchanged"; echo $?) "pinning the same key again (from its private file) is a no-op"
run pin add bob alice.pub
ok $(rc_is $EXIT_VERIFY && err_has "$fp_bob" && err_has "$fp_alice" && err_has "--replace"; echo $?) \
	"pin add of a different key refused, both fingerprints shown"
run pin add --replace bob alice.pub
ok $(rc_is 0 && out_has "bob replaced" && grep -q "^bob $fp_alice " "$U"; echo $?) "pin add --replace"
"$CTL" pin add --replace bob bob.pub >/dev/null 2>&1
run pin add --system carol carol.pub
ok $(rc_is 0 && grep -q "^carol $fp_carol " "$S"; echo $?) "pin add --system writes the system store"
run pin dump
ok $(rc_is 0 && [ "$(cat "$T/out")" = "$(printf 'carol\t%s\t3072\tsystem\nbob\t%s\t2048\tuser' "$fp_carol" "$fp_bob")" ]; echo $?) \
	"pin dump: NAME TAB SHA256 TAB BITS TAB SCOPE, system first"
run pin dump --system
ok $(rc_is 0 && [ "$(wc -l <"$T/out")" = 1 ] && out_has carol; echo $?) "pin dump --system shows only the system store"
# A user pin that contradicts the system's would make the peer unusable.
cp "$U" user.before
run pin add carol alice.pub
ok $(rc_is $EXIT_VERIFY && err_has "pinned system-wide" && err_has "$fp_carol" && err_has "$fp_alice" &&
     err_has "pin add --system --replace carol" && cmp -s "$U" user.before; echo $?) \
	"pin add contradicting a system pin: exit 4, the way out named, user store untouched"
run pin add --replace carol alice.pub
ok $(rc_is $EXIT_VERIFY && cmp -s "$U" user.before; echo $?) "--replace does not override a system pin either"
run pin add carol carol.pub
ok $(rc_is 0 && grep -q "^carol $fp_carol " "$U"; echo $?) "a user pin that agrees with the system pin is fine"
run -j pin show carol
ok $(rc_is 0 && [ "$(jq -s length "$T/out")" = 1 ] && [ "$(jq -c .scopes "$T/out")" = '["system","user"]' ]; echo $?) \
	"pin show -j of a name in both stores: still one object, both scopes"
"$CTL" pin remove carol >/dev/null
run pin add carol-new - <alice.pub
ok $(rc_is 0 && grep -q "^carol-new $fp_alice " "$U"; echo $?) "the other way out: another name (key from stdin)"
"$CTL" pin remove carol-new >/dev/null
run pin list
ok $(rc_is 0 && out_has "bob" && out_has "carol" && out_has "SHA256:"; echo $?) "pin list"
run -j pin list
ok $(rc_is 0 && json_ok && [ "$(jq -r 'map(.name)|join(",")' "$T/out")" = "carol,bob" ] &&
     [ "$(jq -r '.[1].sha256' "$T/out")" = "$fp_bob" ]; echo $?) "pin list --json"
run pin show bob
ok $(rc_is 0 && out_has "$fp_bob" && out_has "2048-bit" && out_has "user"; echo $?) "pin show"
run pin show --pem bob
ok $(rc_is 0 && cmp -s "$T/out" bob.pub; echo $?) "pin show --pem gives back the pinned key"
run -j pin show carol
ok $(rc_is 0 && json_ok && [ "$(jq -r 'type' "$T/out")" = object ] &&
     [ "$(jq -r '.public_key' "$T/out")" = "$(cat carol.pub)" ] &&
     [ "$(jq -c '.scopes' "$T/out")" = '["system"]' ]; echo $?) "pin show --json: one object, with its scopes"
run pin show nobody
ok $(rc_is $EXIT_NOTFOUND && err_has "nobody"; echo $?) "pin show of an unknown name: exit 3"

# --- check: strict by default, TOFU on request
run pin check bob bob.pub
ok $(rc_is 0 && out_has "bob match"; echo $?) "pin check: the pinned key matches"
run pin check carol carol.pk8
ok $(rc_is 0; echo $?) "pin check finds system pins too"
run pin check bob alice.pub
ok $(rc_is $EXIT_VERIFY && err_has "HAS CHANGED" && err_has "$fp_bob" && err_has "$fp_alice"; echo $?) \
	"mismatch: exit 4, loud, BOTH fingerprints shown"
run pin check dave dave.pub
ok $(rc_is $EXIT_NOTFOUND && err_has "only pinned peers" && err_has "--tofu" && ! grep -q '^dave ' "$U"; echo $?) \
	"strict: an unknown peer is refused and not pinned"
run pin check --tofu dave dave.pub
ok $(rc_is 0 && out_has "dave new-pin" && grep -q "^dave " "$U"; echo $?) "TOFU: an unknown peer is pinned, 'new-pin'"
run pin check --tofu dave dave.pub
ok $(rc_is 0 && out_has "dave match"; echo $?) "TOFU: second time it is a match"
run pin check --tofu dave erin.pub
ok $(rc_is $EXIT_VERIFY && err_has "HAS CHANGED"; echo $?) "TOFU does not re-pin a changed key"
run -j pin check bob bob.pub
ok $(rc_is 0 && json_ok && [ "$(jq -r .result "$T/out")" = match ]; echo $?) "pin check --json"

# --- remove
cp "$U" before
echo "# kept comment" >>"$U"
run pin remove bob
ok $(rc_is 0 && ! grep -q '^bob ' "$U" && grep -q '^dave ' "$U" && grep -q '^# kept comment' "$U"; echo $?) \
	"pin remove drops only that pin, keeps comments"
run pin remove bob
ok $(rc_is $EXIT_NOTFOUND && err_has "no pin for 'bob'"; echo $?) "removing an unknown pin: exit 3"
run pin remove carol
ok $(rc_is $EXIT_NOTFOUND && grep -q '^carol ' "$S"; echo $?) "pin remove without --system leaves system pins"
run pin remove --system carol
ok $(rc_is 0 && ! grep -q '^carol ' "$S"; echo $?) "pin remove --system"

# --- a damaged store is an error, never half-trusted
cp "$U" good
sed -i "s/^dave \(.\)/dave f/" "$U"
run pin check dave dave.pub
ok $(rc_is $EXIT_FAIL && err_has "line" && err_has "does not match the key"; echo $?) \
	"a pin whose fingerprint does not match its key fails the store"
cp good "$U"
grep '^dave ' good >>"$U"
run pin list
ok $(rc_is $EXIT_FAIL && err_has "pinned twice"; echo $?) "a name pinned twice fails the store"
cp good "$U"
echo "eve 1234" >>"$U"
run pin list
ok $(rc_is $EXIT_FAIL && err_has "expected 3 fields"; echo $?) "a short line fails the store with its line number"
cp good "$U"

run pin add 'bad name' bob.pub
ok $(rc_is $EXIT_USAGE && err_has "not a valid peer name"; echo $?) "invalid names refused"
run pin add -- -x bob.pub
ok $(rc_is $EXIT_USAGE; echo $?) "names starting with '-' refused"
run pin add eve garbage-missing.pub
ok $(rc_is $EXIT_NOTFOUND; echo $?) "pin add of a missing key file: exit 3"
run pin frobnicate
ok $(rc_is $EXIT_USAGE && err_has "unknown command"; echo $?) "unknown pin command: usage error"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T" "$T/pins" "$T/pins/system"
	chmod 644 "$S" bob.pub
	setpriv --reuid=65534 --regid=65534 --clear-groups env PMHS_KNOWN_PEERS=/nonexistent/x \
		"$CTL" pin add --system bob "$T/bob.pub" >"$T/out" 2>"$T/err"
	RC=$?
	ok $(rc_is $EXIT_PERM && err_has "root's"; echo $?) "pin add --system as a user: exit 5, says why"
	chmod 700 "$T"
else
	# Not counted as a pass: there is nothing to check without root.
	echo "# skipped: pin add --system as a non-root user needs root to set up"
fi

# The default locations, with the overrides gone.
run_xdg() { env -u PMHS_KNOWN_PEERS XDG_CONFIG_HOME="$T/xdg" "$CTL" pin add x bob.pub >/dev/null 2>&1; }
run_xdg
ok $(test -f "$T/xdg/pmhs/known_peers"; echo $?) "without PMHS_KNOWN_PEERS the store is \$XDG_CONFIG_HOME/pmhs/known_peers"
env -u PMHS_KNOWN_PEERS -u XDG_CONFIG_HOME HOME="$T/h" "$CTL" pin add x bob.pub >/dev/null 2>&1
ok $(test -f "$T/h/.config/pmhs/known_peers"; echo $?) "and without XDG_CONFIG_HOME, ~/.config/pmhs/known_peers"

finish
