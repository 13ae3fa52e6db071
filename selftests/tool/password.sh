#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Password sources and the strength check, through password-check.
. "$(dirname "$0")/lib.sh"
STRONG="Super Secret Pass Phrase"	# the reference's example: ~64 bits

run_in "$STRONG"$'\n' password-check --password-stdin
ok $(rc_is 0 && grep -qE '^[0-9]+\.[0-9] bits, ok$' "$T/out"; echo $?) "strong password from stdin: ok, bits printed"
ok $(! grep -qF "$STRONG" "$T/out" "$T/err"; echo $?) "the password itself is never printed"
run_in "hunter2"$'\n' password-check --password-stdin
ok $(rc_is $EXIT_FAIL && out_has "weak" && err_has "too weak" && err_has "offline" && err_has "hsub" &&
     err_has "--allow-weak"; echo $?) "weak password refused: explains the offline attack on the hsub, names --allow-weak"
run_in "hunter2"$'\n' password-check --password-stdin --allow-weak
ok $(rc_is 0 && err_has "accepted because of --allow-weak"; echo $?) "--allow-weak accepts it, with a warning"
run_in "$STRONG" -j password-check --password-stdin
ok $(rc_is 0 && json_ok && [ "$(jq -r .strong "$T/out")" = true ] && [ "$(jq -r .min_bits "$T/out")" = 40 ] &&
     jq -e '.bits > 40' "$T/out" >/dev/null; echo $?) "password-check --json"
run_in "$STRONG"$'\r\n' password-check --password-stdin
ok $(rc_is 0 && [ "$(cut -d' ' -f1 "$T/out")" = "$(printf '%s\n' "$STRONG" | "$CTL" password-check --password-stdin | cut -d' ' -f1)" ]; echo $?) \
	"a CRLF line ending is not part of the password"
run_in "" password-check --password-stdin
ok $(rc_is $EXIT_FAIL && err_has "empty"; echo $?) "empty password refused"
run_in "$(head -c 1100 /dev/zero | tr '\0' x)" password-check --password-stdin
ok $(rc_is $EXIT_FAIL && err_has "longer than 1024"; echo $?) "password over 1024 bytes refused"

printf '%s\nsecond line\n' "$STRONG" >pw
chmod 600 pw
run password-check --password-file pw
ok $(rc_is 0 && out_has "ok"; echo $?) "password file (0600): first line used"
chmod 640 pw
run password-check --password-file pw
ok $(rc_is $EXIT_PERM && err_has "other users can read" && err_has "chmod 600 pw"; echo $?) \
	"group-readable password file refused, exit 5, says chmod 600"
chmod 604 pw
run password-check --password-file pw
ok $(rc_is $EXIT_PERM; echo $?) "world-readable password file refused"
run password-check --password-file missing
ok $(rc_is $EXIT_NOTFOUND && err_has "missing"; echo $?) "missing password file: exit 3"
"$CTL" password-check --password-file <(printf '%s\n' "$STRONG") >"$T/out" 2>"$T/err"
RC=$?
ok $(rc_is 0; echo $?) "a pipe (process substitution) is fine: it has no mode to leak"

run password-check --password-stdin --password-file pw
ok $(rc_is $EXIT_USAGE && err_has "only one of"; echo $?) "two password sources: usage error"
run password-check "$STRONG"
ok $(rc_is $EXIT_USAGE; echo $?) "a password on the command line is not accepted"

setsid "$CTL" password-check </dev/null >"$T/out" 2>"$T/err"
RC=$?
ok $(rc_is $EXIT_FAIL && err_has "no terminal" && err_has "--password-file"; echo $?) \
	"no source and no terminal: says which options to use"

if command -v python3 >/dev/null; then
	# A real terminal: the prompt goes there, the password is not echoed.
	python3 - "$CTL" "$STRONG" >"$T/out" 2>"$T/err" <<'PY'
import os, pty, sys, time
ctl, pw = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ctl, [ctl, "password-check"])
def drain(out=b""):
    time.sleep(0.3)
    try:
        return out + os.read(fd, 4096)
    except OSError:
        return out
out = drain()
os.write(fd, (pw + "\n").encode())
out = drain(drain(out))
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
	RC=$?
	ok $(rc_is 0 && out_has "Password: " && out_has "bits, ok" && ! out_has "$STRONG"; echo $?) \
		"terminal: prompts on the tty, no echo"
fi

if command -v keyctl >/dev/null; then
	# A session keyring of our own: a container's default one may not be ours.
	keyctl session - bash -c '
		keyctl add user pmhs-test-pw "$2" @s >/dev/null
		"$1" password-check --password-key %user:pmhs-test-pw; echo "rc=$?"
		id=$(keyctl search @s user pmhs-test-pw)
		"$1" password-check --password-key "$id"; echo "rc=$?"
		"$1" password-check --password-key %user:pmhs-no-such-key; echo "rc=$?"
		"$1" password-check --password-key %logon:x; echo "rc=$?"
	' _ "$CTL" "$STRONG" >"$T/out" 2>"$T/err"
	ok $(grep -A1 -m1 'bits, ok' "$T/out" | grep -q 'rc=0'; echo $?) "keyring: %user:DESC"
	ok $([ "$(grep -c 'bits, ok' "$T/out")" = 2 ]; echo $?) "keyring: by serial"
	ok $(grep -q 'rc=3' "$T/out" && err_has "keyctl padd user pmhs-no-such-key"; echo $?) \
		"keyring: a missing key: exit 3, says how to add it"
	ok $(err_has "logon keys cannot be read back"; echo $?) "keyring: logon keys refused with the reason"
fi

finish
