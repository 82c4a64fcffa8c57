#!/bin/bash
# SPDX-License-Identifier: MIT
# config/sltctl.bash-completion: verbs and options come from sltctl help
# (so every command completes), statuses, labels, groupings and formats
# from the taxonomy; no servers needed.
. "$(dirname "$0")/lib/tap.sh"

comp() { # WORD... : the completions of the last word
	PATH=$SLT_BUILD:$PATH bash -c '
		source "$1/config/sltctl.bash-completion"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
		_sltctl; echo "${COMPREPLY[*]}"' comp "$SLT_SRCDIR" "$@"
}
SLT_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SLT_BUILD=${SLT_BUILD:-$SLT_SRCDIR/build}
case $SLT_BUILD in /*) ;; *) SLT_BUILD=$SLT_SRCDIR/$SLT_BUILD ;; esac

ok "the file is valid bash" bash -n "$SLT_SRCDIR/config/sltctl.bash-completion"
is "$(comp sltctl st)" "stats status" "verbs"
is "$(comp sltctl --json -c x.conf sho)" "show" "verbs after global options"
verbs=$(comp sltctl '')
for v in list show assign status note relabel search deadletters reprocess stats export \
	forget export-person purge corrections help; do
	like " $verbs " " $v " "every command completes: $v"
done
is "$(comp sltctl status SLT-1 wacht)" "wacht-op-klant" "statuses after a reference"
is "$(comp sltctl list --theme inkoop)" "inkoop-bekostiging" "themes"
is "$(comp sltctl list --intent sp)" "sparring" "intents"
is "$(comp sltctl relabel SLT-1 --packages go)" "goed-bestuur" "packages"
is "$(comp sltctl stats --by m)" "month" "groupings"
is "$(comp sltctl export --format c)" "csv" "formats"
like "$(comp sltctl purge --)" "--older-than" "options from the command's help"
like "$(comp sltctl list --)" "--assignee" "list's filters"
done_testing
