#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The conventions admins rely on, and what happens without the module (this
# host has none): help and version, global options, one JSON document,
# message prefixes, exit codes, argument checks before any side effect, the
# module-missing message, key files that must never be written.
. "$(dirname "$0")/lib.sh"
vector_keys
EXIT_NOMODULE=6 EXIT_MALFORMED=7
vec() { jq -r "$1" "$VECTORS"; }
no_module() { rc_is $EXIT_NOMODULE && err_has "kernel module"; }
[ -d /sys/module/pmhs ] && { echo "Bail out! the pmhs module is loaded here: these tests need a host without it"; exit 1; }

# --- help and version never need the module, print on stdout, exit 0
run help
ok $(rc_is 0 && out_has "Available subcommands:" && out_has "  identity " && [ ! -s "$T/err" ]; echo $?) \
	"pmhs-ctl help: the list on stdout, exit 0"
run help genkey
ok $(rc_is 0 && out_has "Usage: pmhs-ctl genkey" && [ ! -s "$T/err" ]; echo $?) "pmhs-ctl help genkey: its usage"
for s in $("$CTL" help | awk '/^  [a-z]/ { print $1 }'); do
	run help $s
	ok $(rc_is 0 && out_has "Usage:" && [ ! -s "$T/err" ]; echo $?) "help $s: its usage on stdout, exit 0"
done
run help frobnicate
ok $(rc_is $EXIT_USAGE && err_has "pmhs-ctl: help: no subcommand 'frobnicate'"; echo $?) "help of an unknown command: exit 2"
for v in --version -V; do
	run $v
	ok $(rc_is 0 && out_is "pmhs-ctl $(cat "$TOP/VERSION")" && [ ! -s "$T/err" ]; echo $?) \
		"pmhs-ctl $v: the tool's version, exit 0, no module needed"
done
run pin list -V
ok $(rc_is 0 && out_has "pmhs-ctl "; echo $?) "-V after a subcommand is the global option"
run version
ok $(rc_is 0 && out_has "pmhs-ctl $(cat "$TOP/VERSION")" && out_has "not loaded"; echo $?) \
	"version without the module: says so, exit 0"
run -j version
ok $(rc_is 0 && json_ok && [ "$(jq -r .tool "$T/out")" = "$(cat "$TOP/VERSION")" ] &&
     [ "$(jq -r .module "$T/out")" = null ]; echo $?) "-j version: JSON, module null"
run version --help
ok $(rc_is 0 && out_has "Usage:" && [ ! -s "$T/err" ]; echo $?) "version --help on stdout"
for words in "config --help" "config show --help" "config set --help" "ipsec up --help" "ipsec --help" \
	     "identity import --help" "identity list --help" "pin add --help" "handshake mutual --help" \
	     "hybrid decrypt --help" "listen --help" "connect --help" "genkey --help" "pubkey --help" \
	     "fingerprint --help" "password-check --help" "version -h"; do
	run $words
	ok $(rc_is 0 && out_has "Usage:" && [ ! -s "$T/err" ]; echo $?) \
		"$words: stdout, exit 0, no module contacted"
done

# --- global options anywhere before --
"$CTL" pin add bob bob.pub >/dev/null
run pin list -j
ok $(rc_is 0 && json_ok && [ "$(jq -r '.[0].name' "$T/out")" = bob ]; echo $?) "pin list -j: -j after the subcommand"
run pin list --json --pretty
ok $(rc_is 0 && json_ok && [ "$(wc -l <"$T/out")" -gt 3 ] && [ "$(jq -s length "$T/out")" = 1 ]; echo $?) \
	"--pretty: one JSON document over several lines"
run -p fingerprint alice.pub
ok $(rc_is 0 && json_ok && [ "$(jq -r .sha256 "$T/out")" = "$(expected_fp alice.pub)" ]; echo $?) "-p alone implies -j"
run hybrid encrypt --peer-key bob.pub -- -j
ok $(rc_is $EXIT_NOTFOUND && err_has "-j: No such file"; echo $?) "after '--' a -j is an argument, not an option"

# --- every message starts with pmhs-ctl:
for words in "genkey --bogus x.pem" "fingerprint -x a" "pin add --frob a b" "identity import --frob a b" \
	     "handshake mutual --frob" "listen --frob 1" "hybrid encrypt --frob" "password-check --frob" \
	     "genkey --bits" "frobnicate" "--frob"; do
	run $words
	ok $(rc_is $EXIT_USAGE && [ "$(head -c 9 "$T/err")" = "pmhs-ctl:" ]; echo $?) \
		"'$words': usage error, message starts with 'pmhs-ctl:'"
done
run genkey --bogus x.pem
ok $(err_has "pmhs-ctl: genkey: unrecognized option '--bogus'"; echo $?) "getopt's message names pmhs-ctl and the subcommand"
run pin add --frob a b
ok $(err_has "pmhs-ctl: pin add: unrecognized option"; echo $?) "and the command of pin"

# --- one fingerprint format; fingerprint - reads stdin; DER key files
run genkey g.pem
ok $(rc_is 0 && out_is "$("$CTL" fingerprint g.pem)"; echo $?) "genkey prints what fingerprint prints"
run genkey --short g2.pem
ok $(rc_is 0 && out_is "$("$CTL" fingerprint --short g2.pem)"; echo $?) "genkey --short prints what fingerprint --short prints"
"$CTL" fingerprint - <alice.pub >"$T/out" 2>"$T/err"
ok $(out_is "$(expected_fp alice.pub)"; echo $?) "fingerprint - reads the key from stdin"
openssl pkey -in alice.pk1 -outform DER -out alice.der
openssl pkey -pubin -in alice.pub -outform DER -out alice.pub.der
openssl rsa -in alice.pk1 -traditional -outform DER -out alice.pk1.der 2>/dev/null
for f in alice.der alice.pub.der alice.pk1.der; do
	run fingerprint $f
	ok $(rc_is 0 && out_is "$(expected_fp alice.pub)"; echo $?) "fingerprint of a DER key ($f)"
done
run pubkey alice.der
ok $(rc_is 0 && cmp -s "$T/out" alice.pub; echo $?) "pubkey of a PKCS#8 DER private key"

# --- identity import never writes the named file; generate checks the module first
cp alice.der keep.der && chmod 600 keep.der
run identity import alice keep.der
ok $(no_module && cmp -s keep.der alice.der && [ ! -e keep.der.bak ] && [ "$(ls keep.der*)" = keep.der ]; echo $?) \
	"identity import of a valid DER key: read, not rewritten, no .bak (then: no module)"
: >empty.pem
run identity import alice empty.pem
ok $(rc_is $EXIT_FAIL && err_has "empty" && [ ! -s empty.pem ] && [ ! -e empty.pem.bak ]; echo $?) \
	"identity import of an empty file: refused, the file stays empty, no .bak"
echo "not a key" >junk.pem && cp junk.pem junk.orig
run identity import alice junk.pem
ok $(rc_is $EXIT_FAIL && err_has "not a PEM or DER key file" && cmp -s junk.pem junk.orig && [ ! -e junk.pem.bak ]; echo $?) \
	"identity import of a non-key: refused clearly, file untouched"
head -c 300 alice.der >cut.der && cp cut.der cut.orig
run identity import alice cut.der
ok $(rc_is $EXIT_FAIL && err_has "cut.der" && cmp -s cut.der cut.orig && [ ! -e cut.der.bak ]; echo $?) \
	"identity import of a truncated DER key: refused, untouched"
run identity import alice alice.pub.der
ok $(rc_is $EXIT_FAIL && err_has "holds a public key"; echo $?) "identity import of a public key: refused"
run identity import --no-regenerate alice alice.pk1
ok $(rc_is $EXIT_USAGE; echo $?) "identity import has no --no-regenerate any more (nothing to regenerate)"
run identity generate gen new.pem
ok $(no_module && [ ! -e new.pem ] && [ -z "$(ls -A | grep '^\.new')" ]; echo $?) \
	"identity generate without the module: exit 6, no file written"
run identity generate gen new.pem
ok $(no_module && ! err_has "exists"; echo $?) "and the rerun fails the same way, not with 'already exists'"
run identity generate gen alice.pk1
ok $(rc_is $EXIT_FAIL && err_has "already exists" && err_has "identity import gen alice.pk1" &&
     cmp -s alice.pk1 <(jq -r .keys.alice.private_pem_pkcs1 "$VECTORS"); echo $?) \
	"identity generate onto an existing file: refused before anything, with the import hint"

# --- listen/connect: every argument checked, then the module, then the network
for a in 127.0.0.1:99999 127.0.0.1:65536 127.0.0.1:-1 ::1 localhost:7000 127.0.0.1:http 999.1.1.1:7000 "[::1]:99999"; do
	run listen --mode password --password-file weak $a
	ok $(rc_is $EXIT_USAGE && [ "$(head -c 9 "$T/err")" = "pmhs-ctl:" ]; echo $?) "listen $a: refused as a usage error"
done
for a in host:70000 host:0 host:65536 host: :7000 host:x; do
	run connect --mode password $a
	ok $(rc_is $EXIT_USAGE; echo $?) "connect $a: refused as a usage error"
done
printf 'Tr0ub4dor&3-correct-horse-battery\n' >pw && chmod 600 pw
start=$(date +%s)
timeout 10 "$CTL" listen --mode password --password-file pw --timeout 8 127.0.0.1:0 >"$T/out" 2>"$T/err"
RC=$?
ok $(no_module && ! err_has "listening on" && [ $(($(date +%s) - start)) -lt 5 ]; echo $?) \
	"listen without the module: exit 6 at once, nothing bound"
timeout 10 "$CTL" connect --mode password --password-file pw --timeout 8 127.0.0.1:9 >"$T/out" 2>"$T/err"
RC=$?
ok $(no_module && ! err_has "cannot connect"; echo $?) "connect without the module: exit 6, nothing dialled"
# The order the usage teaches is one the parser takes.
usage=$("$CTL" listen --help | sed -n 2p)
ok $(grep -q -- "--mode MODE \[OPTIONS\] --ktls\[=aes-gcm-128\] \[ADDR:\]PORT -- COMMAND" <<<"$usage"; echo $?) \
	"listen usage: options, then the address, then -- COMMAND"
run listen --mode password --password-file pw --ktls 127.0.0.1:0 -- cat -n
ok $(no_module; echo $?) "that order parses (and gets as far as the module check)"

# --- the peer's pasted line
printf '  %s \t\r\n' "$(vec '.half.valid[0].shake')" >pasted
run handshake receive --identity bob --peer-key alice.pub --peer-message-file pasted
ok $(no_module; echo $?) "a pasted line with blanks, tab and CR around it is accepted (then: no module)"
printf '%s\n' "$(vec '.half.valid[0].shake')" | sed 's/^../zz/' >bad
run handshake receive --identity bob --peer-key alice.pub --peer-message-file bad
ok $(rc_is $EXIT_MALFORMED && err_has "malformed" && err_has "position 1"; echo $?) \
	"a malformed line: exit $EXIT_MALFORMED, not the verification failure's 4"

# At a terminal (script(1) gives us one) a bad paste is asked for again.
if command -v script >/dev/null; then
	good=$(vec '.half.valid[0].shake')
	{ sleep 0.5; printf 'zz12\n'; sleep 0.5; printf '%s\n' "$good"; sleep 1; } |
		script -qec "'$CTL' handshake receive --identity bob --peer-key alice.pub" /dev/null >tty.out 2>&1
	RC=$?
	ok $(rc_is $EXIT_NOMODULE && grep -q "paste it again" tty.out && grep -q "kernel module" tty.out; echo $?) \
		"at a terminal a malformed paste does not end the session: the next good line goes on (to the module check)"
	{ for i in 1 2 3; do sleep 0.3; printf 'zz12\n'; done; sleep 1; } |
		script -qec "'$CTL' handshake receive --identity bob --peer-key alice.pub" /dev/null >tty.out 2>&1
	RC=$?
	ok $(rc_is $EXIT_MALFORMED && [ "$(grep -c "paste it again" tty.out)" = 2 ]; echo $?) \
		"three malformed pastes: exit $EXIT_MALFORMED"
else
	echo "# skipped: the terminal tests need script(1) (util-linux)"
fi

# --- exit codes as documented
run hybrid decrypt --identity bob /nope
ok $(rc_is $EXIT_NOTFOUND && err_has "/nope"; echo $?) "hybrid decrypt --identity bob /nope: exit 3"

# --- the module-missing message: for admins, not developers
run identity list
ok $(no_module && err_has "not installed" && err_has "apt install ./pmhs-dkms_" &&
     err_has "linux-headers-$(uname -r)" && err_has "modprobe pmhs" &&
     ! err_has "make dkms-install" && ! err_has "selftests/vm"; echo $?) \
	"no module installed: says 'not installed' and how to install it from the packages"
ok $(err_has "Without the module these still work" && ! err_has "hybrid encrypt"; echo $?) \
	"and names the commands that work without it"

# --- completion: a TAB never asks the module (it would load it)
mkdir -p fakebin
cat >fakebin/pmhs-ctl <<EOF
#!/bin/sh
echo "\$*" >>"$T/calls"
EOF
chmod +x fakebin/pmhs-ctl
PATH=$T/fakebin:$PATH bash -c '
	complete() { :; }
	. "$1"
	for words in "identity show" "identity delete" "handshake mutual --identity" "hybrid decrypt --identity"; do
		COMP_WORDS=(pmhs-ctl $words ""); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pmhs_ctl
	done' _ "$TOP/userspace/completion/pmhs-ctl.bash"
ok $([ ! -e "$T/calls" ]; echo $?) "completing identity names with the module not loaded runs no pmhs-ctl ($(cat "$T/calls" 2>/dev/null | tr '\n' ';'))"

finish
