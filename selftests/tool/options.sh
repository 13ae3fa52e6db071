#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The parser's options against what users are told: for every subcommand,
# the options its getopt table (or hand parser) takes must be exactly those
# its --help shows, the bash completion offers, and the man page documents,
# so that none of them can drift again.
. "$(dirname "$0")/lib.sh"
SRC=$TOP/userspace
MAN=$TOP/docs/pmhs-ctl.8
COMPLETION=$SRC/completion/pmhs-ctl.bash

# Long option names of one getopt table, "--name" per line: { "name", ..._argument.
table() { grep -ohE '\{ "[a-z0-9-]+", (no|required|optional)_argument' "$@" | cut -d'"' -f2 | sed 's/^/--/'; }

# The parser's options of subcommand $1, sorted, one per line.
parser_opts() {
	case "$1" in
	genkey|fingerprint|pin|identity|hybrid) table "$SRC/$1.c" ;;
	noise) table "$SRC/noise-keys.c" ;;
	password-check) table "$SRC/password-check.c" "$SRC/password.h" ;;
	# hs.h's opaque block is not handshake's.
	handshake) table "$SRC/handshake.c" "$SRC/password.h"
		   sed '/^#define HS_OPAQUE_LONG_OPTIONS/,/^$/d' "$SRC/hs.h" | table ;;
	opaque) table "$SRC/opaque.c" "$SRC/password.h"
		sed -n '/^#define HS_OPAQUE_LONG_OPTIONS/,/^$/p' "$SRC/hs.h" | table ;;
	listen|connect) table "$SRC/net.c" "$SRC/hs.h" "$SRC/password.h" ;;
	# Hand-parsed: the strings they compare with.
	ipsec) grep -oE 'strcmp\(o, "--[a-z0-9-]+"\)' "$SRC/ipsec.c" | cut -d'"' -f2; echo --help ;;
	pubkey|version|config) echo --help ;;
	esac | sort -u
}
# The settings `config set` takes.
config_settings() {
	sed -n '/^static int config_set/,/^}/p' "$SRC/config.c" |
		grep -oE 'strcmp\(argv\[i\], "[a-z0-9-]+"\)' | cut -d'"' -f2 | sort -u
}

# "--name" tokens of a text (stdin), sorted; "--" alone and "---" rules are not options.
opts_in() { grep -oE -- '(^|[^-a-z0-9])--[a-z0-9][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u; }

# The man page as plain text, from the line naming subcommand $1 to the next one.
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN"; }
man_section() {
	man_text | awk -v cmd="$1" '
		/^\.SH/ { on = 0 }
		# A .TQ header shares the text that follows with the one above it.
		prev ~ /^\.TP$/ && /^\.B [a-z]/ { split($0, w, " "); on = (w[2] == cmd) }
		prev ~ /^\.TQ$/ && /^\.B [a-z]/ { split($0, w, " "); on = on || (w[2] == cmd) }
		on { print }
		{ prev = $0 }'
}

# What the completion offers after "pmhs-ctl WORDS... -".
complete_opts() {
	bash -c '
		complete() { :; }
		. "$1"; shift
		COMP_WORDS=(pmhs-ctl "$@" -)
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_pmhs_ctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@" | sed 's/=.*//' | grep -- '^--' | sort -u
}

# diff of two sorted lists as one line, for the test's message.
differ() { comm -3 <(echo "$1") <(echo "$2") | tr -s '\t\n' '  '; }

declare -A WORDS=([pin]="pin add" [identity]="identity show" [handshake]="handshake mutual"
		  [hybrid]="hybrid encrypt" [ipsec]="ipsec up" [config]="config" [noise]="noise genkey"
		  [opaque]="opaque login")
SUBS=$("$CTL" --help | sed -n '/^Available subcommands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }' | grep -v '^help$')
ok $([ "$(echo "$SUBS" | wc -l)" -ge 13 ]; echo $?) "pmhs-ctl --help lists the subcommands ($(echo $SUBS))"

for s in $SUBS; do
	want=$(parser_opts "$s")
	ok $(echo "$want" | grep -qx -- --help; echo $?) "$s: the parser takes --help"
	# --help: the options it shows are the parser's, all of them (--help itself aside).
	help=$("$CTL" $s --help 2>/dev/null | opts_in | grep -vx -- --help)
	ok $([ "$help" = "$(echo "$want" | grep -vx -- --help)" ]; echo $?) \
		"$s --help shows exactly the parser's options $(differ "$(echo "$want" | grep -vx -- --help)" "$help")"
	# Completion.
	comp=$(complete_opts ${WORDS[$s]:-$s})
	ok $([ "$comp" = "$want" ]; echo $?) "completion of '$s' offers exactly the parser's options $(differ "$want" "$comp")"
	# Man page: the section documents every option but --help (said once for all);
	# listen/connect share handshake's options, and everyone the password options.
	sect=$(man_section "$s")
	case "$s" in listen|connect) sect+=$(man_section handshake)$(man_section opaque) ;; esac
	sect+=$(man_text | sed -n '/^\.SH PASSWORDS/,/^\.SH/p')
	man=$(echo "$sect" | opts_in | grep -Fx -f <(echo "$want"))
	ok $([ "$man" = "$(echo "$want" | grep -vx -- --help)" ]; echo $?) \
		"man page section of '$s' documents the parser's options $(differ "$(echo "$want" | grep -vx -- --help)" "$man")"
	# And no section names an option its subcommand does not take.
	extra=$(man_section "$s" | opts_in | grep -vFx -f <(echo "$want"))
	ok $([ -z "$extra" ]; echo $?) "man page section of '$s' names no option the parser lacks ($(echo $extra))"
done

want=$(config_settings)
comp=$(bash -c '. "$1"; COMP_WORDS=(pmhs-ctl config set ""); COMP_CWORD=3; _pmhs_ctl
	printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" | sort -u)
ok $([ "$comp" = "$want" ]; echo $?) "completion of 'config set' offers every setting $(differ "$want" "$comp")"
help=$("$CTL" config --help)
man=$(man_section config)
for v in $want; do
	ok $(grep -q -- "$v" <<<"$help" && grep -q -- "$v" <<<"$man"; echo $?) "config setting $v: in config --help and the man page"
done

# Global options: the parser's (pmhs-ctl.c), the usage, the completion, the man page.
glob=$(grep -oE '!strcmp\(arg, "-[-a-zA-Z]+"\)' "$SRC/pmhs-ctl.c" | cut -d'"' -f2 | grep -vE '^-[jp]{2}$' | sort -u)
glob=$(printf '%s\n-h\n--help\n' "$glob" | sort -u)
ok $([ "$(echo "$glob" | wc -l)" = 8 ]; echo $?) "the global options: $(echo $glob)"
comp=$(bash -c '. "$1"; COMP_WORDS=(pmhs-ctl -); COMP_CWORD=1; _pmhs_ctl
	printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" | sort -u)
usage=$("$CTL" --help)
syn=$(man_text | sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p')
for g in $glob; do
	ok $(grep -qx -- "$g" <<<"$comp" && grep -q -- "$g\b" <<<"$usage" && grep -q -- "$g\b" <<<"$syn"; echo $?) \
		"global option $g: completed, in --help and in the man page's SYNOPSIS"
done
for s in $SUBS help; do
	ok $(grep -qx -- "$s" <<<"$(bash -c '. "$1"; COMP_WORDS=(pmhs-ctl ""); COMP_CWORD=1; _pmhs_ctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION")" && [ -n "$(man_section "$s")" ]; echo $?) \
		"subcommand $s: completed and in the man page"
done

finish
