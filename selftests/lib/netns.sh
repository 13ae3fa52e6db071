# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM shell tests that need two hosts.

# veth_pair NS_A NS_B DEV_A DEV_B NET: namespaces NS_A and NS_B joined by
# a veth pair, NET.1/24 on DEV_A in NS_A, NET.2/24 on DEV_B in NS_B,
# everything up (lo too). Fails at the first step that fails.
veth_pair() {
	local a=$1 b=$2 da=$3 db=$4 net=$5

	modprobe veth 2>/dev/null
	ip netns add "$a" && ip netns add "$b" &&
	ip link add "$da" netns "$a" type veth peer name "$db" netns "$b" &&
	ip -n "$a" addr add "$net.1/24" dev "$da" &&
	ip -n "$b" addr add "$net.2/24" dev "$db" &&
	ip -n "$a" link set lo up && ip -n "$b" link set lo up &&
	ip -n "$a" link set "$da" up && ip -n "$b" link set "$db" up
}

# wait_tcp_listen NS PORT: wait (up to 30 s) until a TCP socket listens on
# PORT in NS. A fixed sleep lost the race on a loaded host under TCG.
wait_tcp_listen() {
	local i

	for i in $(seq 300); do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "# nothing listens on port $2 in $1 after 30 s" >&2
	return 1
}
