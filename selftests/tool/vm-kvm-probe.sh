#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selftests/vm/run must not take a /dev/kvm that cannot run the guest for
# one that can. Seen on a host whose KVM fails to emulate an instruction of
# the kernel's decompressor: QEMU pauses the guest and keeps running, so a
# probe that only waited for QEMU not to exit chose KVM, and every VM test
# hung to its timeout. Here a stand-in qemu-system-x86_64 does exactly
# that with -accel kvm (prints nothing, never exits) and runs the real one
# otherwise; /dev/kvm exists in a private mount namespace. vm/run must fall
# back to TCG and run the command. Needs root; prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=$("$top/selftests/vm/kver" 6.12) || { echo "not ok 1 vm-kvm-probe: no 6.12 kernel"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
real=$(command -v qemu-system-x86_64) || { echo "not ok 1 vm-kvm-probe: no qemu"; exit 1; }
mkdir "$tmp/bin"
cat > "$tmp/bin/qemu-system-x86_64" <<EOS
#!/bin/bash
case " \$* " in *" -accel kvm "*) exec sleep 3600 ;; esac
exec $real "\$@"
EOS
chmod +x "$tmp/bin/qemu-system-x86_64"
unshare -m bash -c '
	mount --make-rprivate / && d=$(mktemp -d) && mount -t tmpfs tmpfs "$d" &&
	cp -a /dev/. "$d"/ 2>/dev/null; rm -f "$d/kvm" && mknod "$d/kvm" c 10 232 &&
	mount --rbind "$d" /dev && mount -t tmpfs tmpfs /run || exit 99
	PATH=$2/bin:$PATH timeout 300 "$1/selftests/vm/run" --kernel 6.12 --no-module --timeout 120 -- echo guest-ran
' sh "$top" "$tmp" > "$tmp/out" 2> "$tmp/err"
st=$?
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$tmp/err" | tail -n 5; fi; }
tap "$([ $st = 0 ] && grep -q "^guest-ran" "$tmp/out"; echo $?)" "vm-kvm-probe: a /dev/kvm that pauses the guest: the command still runs (exit $st)"
tap "$(grep -q "booting $kver (tcg," "$tmp/err" && grep -q 'does not boot.*using TCG' "$tmp/err"; echo $?)" \
	"vm-kvm-probe: vm/run says it fell back to TCG"
echo "1..$n"
[ $st = 0 ]
