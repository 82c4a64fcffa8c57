# SPDX-License-Identifier: MIT
# Tiny TAP (Test Anything Protocol, version 12) producer for integration tests.
#
# Source it: . "$(dirname "$0")/lib/tap.sh"   (independent of servers.sh)
#
# plan N                  print the plan first (optional: done_testing prints
#                         it at the end when no plan was given)
# ok DESC CMD [ARGS...]   run CMD in a subshell (so it cannot set variables
#                         for the test); "ok" when it exits 0, else "not ok" with
#                         its exit status and output as diagnostics. CMD's
#                         output is captured, never printed on success.
# nok DESC CMD [ARGS...]  the reverse: "ok" when CMD exits non-zero
# is GOT WANT DESC        string equality; shows both on failure
# isnt GOT UNWANTED DESC
# like GOT ERE DESC       bash [[ =~ ]] match; unlike GOT ERE DESC
# same_bytes FILE1 FILE2 DESC
#                         byte-for-byte equality (cmp); shows the first
#                         difference on failure
# pass DESC / fail DESC [WHY]
# skip DESC [REASON]      "ok N - DESC # SKIP REASON"
# skip_all REASON         "1..0 # SKIP REASON" and exit 0 (before any test)
# diag MSG...             "# MSG" lines (also for multi-line text)
# bail_out MSG            "Bail out! MSG" and exit 1: the harness itself broke
# done_testing            plan check; exits 0 when every test passed, else 1
#
# Every ok/not ok line is "ok N - DESC". Descriptions must not start with a
# digit or contain '#'. tests/run.sh also fails a script that exits non-zero
# or whose count does not match its plan.

_tap_n=0
_tap_failed=0
_tap_plan=

plan() {
	_tap_plan=$1
	echo "1..$1"
}

_tap_result() { # STATUS DESC
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $2"
	fi
	return "$1"
}

diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

pass() { _tap_result 0 "$1"; }

fail() {
	_tap_result 1 "$1"
	[ $# -ge 2 ] && diag "$2"
	return 1
}

ok() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		_tap_result 0 "$desc"
	else
		_tap_result 1 "$desc"
		diag "command failed (exit $rc): $*"
		[ -n "$out" ] && diag "$(printf '%s\n' "$out" | tail -n 20)"
		return 1
	fi
}

nok() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != 0 ]; then
		_tap_result 0 "$desc"
	else
		_tap_result 1 "$desc"
		diag "command succeeded but should have failed: $*"
		[ -n "$out" ] && diag "$(printf '%s\n' "$out" | tail -n 20)"
		return 1
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "     got: '$1'"
		diag "expected: '$2'"
		return 1
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "got '$1', which it should not be"
		return 1
	fi
}

like() {
	if [[ $1 =~ $2 ]]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "'$1'"
		diag "does not match /$2/"
		return 1
	fi
}

unlike() {
	if ! [[ $1 =~ $2 ]]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "'$1'"
		diag "matches /$2/, which it should not"
		return 1
	fi
}

same_bytes() {
	local out
	if out=$(cmp -- "$1" "$2" 2>&1); then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "$out"
		diag "sizes: $(wc -c <"$1" 2>/dev/null) and $(wc -c <"$2" 2>/dev/null) bytes"
		return 1
	fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_plan" != "$_tap_n" ]; then
		diag "planned $_tap_plan tests but ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" = 0 ] || diag "failed $_tap_failed of $_tap_n tests"
	[ "$_tap_failed" = 0 ]
	exit $?
}
