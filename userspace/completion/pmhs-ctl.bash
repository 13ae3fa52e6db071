# SPDX-License-Identifier: GPL-2.0
# bash completion for pmhs-ctl(8). selftests/tool/options.sh checks that it
# offers exactly the options the parser takes.

# A TAB never loads the module: names come from it only if it is loaded.
_pmhs_ctl_identities()
{
	[[ -d /sys/module/pmhs ]] || return 0
	pmhs-ctl identity dump 2>/dev/null | cut -f1
}

_pmhs_ctl_pins()
{
	pmhs-ctl pin dump 2>/dev/null | cut -f1
}

_pmhs_ctl_global="-j --json -p --pretty -V --version -h --help"
_pmhs_ctl_pw_opts="--password-file --password-stdin --password-key --allow-weak"
_pmhs_ctl_hs_opts="--identity --peer-key --peer --tofu --oaep-hash --iterations
	$_pmhs_ctl_pw_opts --keyring --logon --description --module-keyring --show-secret --help
	--pattern --suite --initiator --responder --key-file --remote-static --psk-file --node-id
	--kdf --prologue-file --payload-file"
_pmhs_ctl_opaque_opts="--setup --user --store --replace --user-key --peer-tag --ksf-memory --ksf-passes --ksf-lanes
	--context --client-identity --server-identity"

# Complete the argument of option $1, if it takes one. 0 if handled.
_pmhs_ctl_optarg()
{
	local cur=$2
	case "$1" in
	--output|-o) COMPREPLY=($(compgen -f -- "$cur")) ;;
	--identity|--setup) COMPREPLY=($(compgen -W "$(_pmhs_ctl_identities)" -- "$cur")) ;;
	--peer) COMPREPLY=($(compgen -W "$(_pmhs_ctl_pins)" -- "$cur")) ;;
	--peer-key|--password-file|--peer-message-file|--key-file|--psk-file|--prologue-file|\
	--payload-file) COMPREPLY=($(compgen -f -- "$cur")) ;;
	--store) COMPREPLY=($(compgen -d -- "$cur")) ;;
	--pattern) COMPREPLY=($(compgen -W "xx kk" -- "$cur")) ;;
	--suite) COMPREPLY=($(compgen -W "chachapoly aesgcm" -- "$cur")) ;;
	--kdf) COMPREPLY=($(compgen -W "argon2id pbkdf2" -- "$cur")) ;;
	--oaep-hash) COMPREPLY=($(compgen -W "sha1 sha256" -- "$cur")) ;;
	--bits) COMPREPLY=($(compgen -W "2048 3072 4096" -- "$cur")) ;;
	--keyring) COMPREPLY=($(compgen -W "@s @u @p @t @us @g" -- "$cur")) ;;
	--mode) COMPREPLY=($(compgen -W "password mutual half-send half-receive noise-xx noise-kk
		opaque-register opaque-login" -- "$cur")) ;;
	--role) COMPREPLY=($(compgen -W "initiator responder" -- "$cur")) ;;
	--esp-alg) COMPREPLY=($(compgen -W "aes-gcm-256 chacha20-poly1305" -- "$cur")) ;;
	--iterations|--password-key|--description|--timeout|--key|--local|--remote|--remote-static|\
	--node-id|--user|--ksf-memory|--ksf-passes|--ksf-lanes|--context|--client-identity|\
	--server-identity|\
	--spi-i2r|--spi-r2i|--reqid) COMPREPLY=() ;;
	*) return 1 ;;
	esac
	return 0
}

_pmhs_ctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} i cmd= sub= w
	local cmds="help version config genkey pubkey fingerprint pin password-check identity
		handshake listen connect hybrid ipsec noise opaque"

	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$_pmhs_ctl_global $cmds" -- "$cur"))
		return
	fi
	# After '--' (listen/connect --ktls) comes a command of its own.
	for ((w = i + 1; w < COMP_CWORD; w++)); do
		[[ ${COMP_WORDS[w]} == -- ]] && { COMPREPLY=($(compgen -c -- "$cur")); return; }
	done
	((i + 1 < COMP_CWORD)) && sub=${COMP_WORDS[i + 1]}
	_pmhs_ctl_optarg "$prev" "$cur" && return
	case "$cmd" in
	help)
		((COMP_CWORD == i + 1)) && COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	version)
		COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
	noise)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "genkey pubkey --help" -- "$cur"))
		elif [[ $sub == genkey ]]; then
			COMPREPLY=($(compgen -W "--output --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		fi ;;
	opaque)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "setup register login unlock --help" -- "$cur"))
		elif [[ $sub == register || $sub == login ]]; then
			COMPREPLY=($(compgen -W "$_pmhs_ctl_pw_opts $_pmhs_ctl_opaque_opts --server
				--base64url --identity --keyring --logon --description --module-keyring
				--show-secret --peer-message-file --help" -- "$cur"))
		elif [[ $sub == setup && $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	config)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "show set --help" -- "$cur"))
		elif [[ $prev == allow-rsa1024 ]]; then
			COMPREPLY=($(compgen -W "yes no" -- "$cur"))
		elif [[ $sub == set && ! $prev =~ ^(session-timeout)$ ]]; then
			COMPREPLY=($(compgen -W "session-timeout allow-rsa1024" -- "$cur"))
		fi ;;
	genkey)
		COMPREPLY=($(compgen -W "--bits --force --ensure --no-regenerate --short --help" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY=($(compgen -f -- "$cur")) ;;
	pubkey)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--help" -- "$cur")) ||
			COMPREPLY=($(compgen -f -- "$cur")) ;;
	fingerprint)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--short --help" -- "$cur")) ||
			COMPREPLY=($(compgen -f -- "$cur")) ;;
	password-check)
		COMPREPLY=($(compgen -W "$_pmhs_ctl_pw_opts --help" -- "$cur")) ;;
	pin)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "list dump show add remove check --help" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--system --replace --tofu --pem --help" -- "$cur"))
		elif [[ $sub == add || $sub == check ]] && [[ $prev != "$sub" && $prev != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_pmhs_ctl_pins)" -- "$cur"))
		fi ;;
	identity)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "import generate list dump show delete --help" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--bits --pem --help" -- "$cur"))
		elif [[ $sub == show || $sub == delete ]]; then
			COMPREPLY=($(compgen -W "$(_pmhs_ctl_identities)" -- "$cur"))
		elif [[ $sub == import || $sub == generate ]] && [[ $prev != "$sub" && $prev != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	handshake)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "password mutual send receive noise --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_pmhs_ctl_hs_opts --peer-message-file" -- "$cur"))
		fi ;;
	listen|connect)
		COMPREPLY=($(compgen -W "$_pmhs_ctl_hs_opts $_pmhs_ctl_opaque_opts --mode --timeout --ktls
			--ktls=aes-gcm-128 --ktls=aes-gcm-256 --ktls=chacha20-poly1305" -- "$cur")) ;;
	ipsec)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "up down --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--key --role --local --remote --spi-i2r --spi-r2i
				--reqid --nonce --peer-nonce --esp-alg --help" -- "$cur"))
		fi ;;
	hybrid)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "encrypt decrypt --help" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--peer-key --identity --oaep-hash --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	esac
}
complete -F _pmhs_ctl pmhs-ctl
