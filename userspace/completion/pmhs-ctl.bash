# SPDX-License-Identifier: GPL-2.0
# bash completion for pmhs-ctl(8)
_pmhs_ctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "-j --json --help version config" -- "$cur"))
		return
	fi
	case "$cmd" in
	config)
		if ((COMP_CWORD == i + 1)); then
			COMPREPLY=($(compgen -W "show set" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "session-timeout allow-rsa1024" -- "$cur"))
		fi ;;
	esac
}
complete -F _pmhs_ctl pmhs-ctl
