#!/bin/bash
# SPDX-License-Identifier: MIT
# The unit tests and the integration tests under valgrind memcheck, with
# every sltd, sltctl and sltweb the integration tests start (issue 8: no
# errors, nothing definitely lost). Run on request, not by make check:
# memcheck makes sltd 20-50x slower (about an hour for everything on 2 cores).
#
# usage: tests/valgrind.sh [PATTERN...]   (default: every unit test and
#        every integration test; patterns as for tests/run.sh, those
#        starting with test- select unit tests, the others integration tests)
# Environment: SLT_JOBS (tests at once, default 2), SLT_VG_UNIT=0 or
# SLT_VG_INTEGRATION=0 to leave a kind out.
# The heavy tests run smaller here (their own knobs, overridable): t0206
# 100 messages (SLT_SIGKILL_N), t0810 60 messages and 10 kills
# (SLT_CRASH_N, SLT_CRASH_KILLS), t0800 2 s per fuzz target
# (SLT_FUZZ_SECONDS; its targets are ASan builds, which memcheck cannot
# run: it only keeps the suite whole). Tests see SLT_VALGRIND=1 and may
# wait longer.
# Builds build/ first and runs a private copy of it (a make in the shared
# tree may relink build/sltd mid-run). Each process writes $VG/NAME.PID.log.
# The script ends with one line per log that shows an error or a definite
# leak, and "valgrind: N processes, E with errors, L with definite leaks
# (K killed before their leak check)": a process killed with SIGKILL (t0206,
# t0810 do so on purpose) writes no summary; its log is still searched for
# error reports. Exit 0 only when E and L are 0 and the tests passed.
# Library leaks we cannot fix are in tests/valgrind.supp.
set -u
cd "$(dirname "$0")/.." || exit 1
SRCDIR=$PWD
make --no-print-directory programs >/dev/null || exit 1
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }
VG=$(mktemp -d "${TMPDIR:-/tmp}/slt-vg.XXXXXX") || exit 1
chmod 0755 "$VG"
mkdir -p "$VG/build/tests" "$VG/unit/tests"
# snap FILE DIR: copies FILE, retrying while another make relinks it.
snap() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -x "$1" ] && cp -p "$1" "$2/" 2>/dev/null && return 0
		sleep 2
	done
	echo "valgrind.sh: cannot copy '$1'" >&2
	exit 1
}
for f in sltd sltctl sltweb; do snap "build/$f" "$VG/build"; done
for f in tests/unit/test-*.c; do
	n=${f##*/}; n=${n%.c}
	snap "build/tests/$n" "$VG/build/tests"
	# tests/run.sh --unit runs these links: memcheck on the copy above.
	ln -s "$SRCDIR/tests/lib/valgrind/run" "$VG/unit/tests/$n"
done
export SLT_VALGRIND=1 SLT_VG_DIR=$VG SLT_VG_BUILD=$VG/build
export SLT_SIGKILL_N=${SLT_SIGKILL_N:-100}
export SLT_CRASH_N=${SLT_CRASH_N:-60} SLT_CRASH_KILLS=${SLT_CRASH_KILLS:-10}
export SLT_FUZZ_SECONDS=${SLT_FUZZ_SECONDS:-2}
jobs=${SLT_JOBS:-2}
unit=${SLT_VG_UNIT:-1} integration=${SLT_VG_INTEGRATION:-1}
upats=() ipats=()
for p in "$@"; do
	case $p in test-*) upats+=("$p") ;; *) ipats+=("$p") ;; esac
done
if [ $# -gt 0 ]; then
	[ ${#upats[@]} -gt 0 ] || unit=0
	[ ${#ipats[@]} -gt 0 ] || integration=0
fi
tests_rc=0
if [ "$unit" = 1 ]; then
	echo "# unit tests"
	SLT_BUILD=$VG/unit SLT_TEST_TIMEOUT=1800 tests/run.sh --unit -j "$jobs" "${upats[@]}" || tests_rc=1
fi
if [ "$integration" = 1 ]; then
	echo "# integration tests"
	# Timeouts x4: memcheck is slow. A test that fails here but passes
	# without valgrind is reported, not hidden.
	SLT_BUILD=$VG/build SLT_TEST_TIMEOUT=1200 tests/run.sh --integration -j "$jobs" "${ipats[@]}" || tests_rc=1
fi
procs=0 errs=0 leaks=0 killed=0
for f in "$VG"/*.log; do
	[ -e "$f" ] || continue
	procs=$((procs + 1))
	e=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -n 1)
	d=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$f" | tail -n 1 | tr -d ,)
	if [ -z "$e" ]; then
		killed=$((killed + 1))
		# No summary: count the error reports memcheck wrote before the kill.
		e=$(grep -cE '^==[0-9]+== (Invalid (read|write|free)|Mismatched free|Conditional jump|Use of uninitialised|Syscall param|Source and destination overlap|Argument .* of function)' "$f")
	fi
	if [ "${e:-0}" != 0 ]; then
		errs=$((errs + 1))
		echo "errors: $f ($e)"
	fi
	if [ "${d:-0}" != 0 ]; then
		leaks=$((leaks + 1))
		echo "definitely lost: $f ($d bytes)"
	fi
done
echo "valgrind: $procs processes, $errs with errors, $leaks with definite leaks ($killed killed before their leak check; logs in $VG)"
[ "$tests_rc" = 0 ] && [ "$errs" = 0 ] && [ "$leaks" = 0 ]
