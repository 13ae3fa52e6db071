# SPDX-License-Identifier: GPL-2.0
# bash completion for pmhs-ctl(8)

_pmhs_ctl_identities()
{
	pmhs-ctl identity dump 2>/dev/null | cut -f1
}

_pmhs_ctl_pins()
{
	pmhs-ctl pin dump 2>/dev/null | cut -f1
}

_pmhs_ctl_hs_opts="--identity --peer-key --peer --tofu --oaep-hash --iterations
	--password-file --password-stdin --password-key --allow-weak --keyring --logon
	--description --module-keyring --show-secret --help"

# Complete the argument of option $1, if it takes one. 0 if handled.
_pmhs_ctl_optarg()
{
	local cur=$2
	case "$1" in
	--identity) COMPREPLY=($(compgen -W "$(_pmhs_ctl_identities)" -- "$cur")) ;;
	--peer) COMPREPLY=($(compgen -W "$(_pmhs_ctl_pins)" -- "$cur")) ;;
	--peer-key|--password-file|--peer-message-file) COMPREPLY=($(compgen -f -- "$cur")) ;;
	--oaep-hash) COMPREPLY=($(compgen -W "sha1 sha256" -- "$cur")) ;;
	--bits) COMPREPLY=($(compgen -W "2048 3072 4096" -- "$cur")) ;;
	--keyring) COMPREPLY=($(compgen -W "@s @u @p @t @us @g" -- "$cur")) ;;
	--mode) COMPREPLY=($(compgen -W "password mutual half-send half-receive" -- "$cur")) ;;
	--iterations|--password-key|--description|--timeout) COMPREPLY=() ;;
	*) return 1 ;;
	esac
	return 0
}

_pmhs_ctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} i cmd= sub=
	local cmds="version config genkey pubkey fingerprint pin password-check identity
		handshake listen connect hybrid ipsec"

	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "-j --json --help $cmds" -- "$cur"))
		return
	fi
	((i + 1 < COMP_CWORD)) && sub=${COMP_WORDS[i + 1]}
	_pmhs_ctl_optarg "$prev" "$cur" && return
	case "$cmd" in
	config)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "show set" -- "$cur"))
		elif [[ $prev == allow-rsa1024 ]]; then
			COMPREPLY=($(compgen -W "yes no" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "session-timeout allow-rsa1024" -- "$cur"))
		fi ;;
	genkey)
		COMPREPLY=($(compgen -W "--bits --force --ensure --no-regenerate --help" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY=($(compgen -f -- "$cur")) ;;
	pubkey|fingerprint)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--short --help" -- "$cur")) ||
			COMPREPLY=($(compgen -f -- "$cur")) ;;
	password-check)
		COMPREPLY=($(compgen -W "--password-file --password-stdin --password-key
			--allow-weak --help" -- "$cur")) ;;
	pin)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "list dump show add remove check" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--system --replace --tofu --pem" -- "$cur"))
		elif [[ $sub == add || $sub == check ]] && [[ $prev != "$sub" && $prev != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_pmhs_ctl_pins)" -- "$cur"))
		fi ;;
	identity)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "import generate list dump show delete" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--no-regenerate --bits --pem --help" -- "$cur"))
		elif [[ $sub == show || $sub == delete ]]; then
			COMPREPLY=($(compgen -W "$(_pmhs_ctl_identities)" -- "$cur"))
		elif [[ $sub == import || $sub == generate ]] && [[ $prev != "$sub" && $prev != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	handshake)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "password mutual send receive" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_pmhs_ctl_hs_opts --peer-message-file" -- "$cur"))
		fi ;;
	listen|connect)
		COMPREPLY=($(compgen -W "$_pmhs_ctl_hs_opts --mode --timeout" -- "$cur")) ;;
	ipsec)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "up down" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--key --role --local --remote --spi-i2r --spi-r2i --reqid --nonce --peer-nonce initiator responder" -- "$cur"))
		fi
		return ;;
	hybrid)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "encrypt decrypt" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--peer-key --identity --oaep-hash --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	esac
}
complete -F _pmhs_ctl pmhs-ctl
