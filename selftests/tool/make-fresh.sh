#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo` on a machine that has no kernel headers until make deps-dev
# installs them: the build after deps must see the headers (KVER and KDIR
# are worked out when a Makefile is read). A private mount namespace hides
# /lib/modules and /usr/src; the stand-in for deps-dev brings them back, as
# apt-get would. Needs root (mount namespaces); prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "not ok 1 make-fresh: needs root and mount namespaces"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The stand-in for `tools/deps --dev`: the packages "arrive".
cat > "$tmp/deps" <<'EOS'
#!/bin/bash
umount /lib/modules /usr/src
EOS
chmod +x "$tmp/deps"
unshare -m bash -c '
	mount --make-rprivate /
	mount -t tmpfs tmpfs /lib/modules && mount -t tmpfs tmpfs /usr/src || exit 99
	# Before: nothing to build against.
	make -s -C "$1" kdir > "$2/before" 2>&1 && exit 98
	make -s -C "$1" demo DEPS_DEV="$2/deps" DEMO_BUILD=kdir DEMO=true > "$2/out" 2>&1
' sh "$top" "$tmp"
st=$?
n=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
tap "$([ $st != 99 ] && [ $st != 98 ]; echo $?)" "make-fresh: with no headers, make kdir fails ($(head -c 100 "$tmp/before" 2>/dev/null))"
tap "$([ $st = 0 ] && grep -q '/lib/modules/[^/ ]\+/build$' "$tmp/out"; echo $?)" \
	"make-fresh: make demo builds against the headers that deps installed ($(tail -n 1 "$tmp/out"))"
echo "1..$n"
[ $st = 0 ]
