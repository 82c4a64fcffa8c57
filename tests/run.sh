#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs the unit tests (GTest programs $SLT_BUILD/tests/test-*, with --tap) and
# the integration tests (tests/t[0-9]*.sh, TAP), each under a timeout; prints
# every failure with the tail of its output and ends with one line
# "N passed, N failed[, N skipped]" counting TAP test points.
#
# usage: tests/run.sh [--unit | --integration] [-j N] [-v] [--timeout SECS]
#                     [--keep] [PATTERN...]
#   PATTERN   run only tests whose name (test-mime, t0001-harness-imap)
#             contains it; several patterns add up
#   -j N      run N tests at once (default $SLT_JOBS, else the number of CPUs)
#   -v        print every test's whole output
#   --timeout per-test limit in seconds (default $SLT_TEST_TIMEOUT, else 300;
#             a script may raise its own with a "# slt-timeout: SECS" line)
#   --keep    keep the run's temp dir (test outputs, server dirs)
# Environment: SLT_BUILD (build dir, default build), SANITIZE=1 (sets
# ASAN/UBSAN/LSAN options, doubles the timeouts; exported to the tests). A test fails when it reports "not ok", bails out,
# does not match its plan, times out, or exits non-zero (a crash counts even
# when every line it printed said ok). Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.." || exit 1
SRCDIR=$PWD

mode=all
jobs=${SLT_JOBS:-$(nproc 2>/dev/null || echo 1)}
verbose=0
timeout_default=${SLT_TEST_TIMEOUT:-300}
keep=0
patterns=()
while [ $# -gt 0 ]; do
	case $1 in
	--unit) mode=unit ;;
	--integration) mode=integration ;;
	-j) jobs=$2; shift ;;
	-j*) jobs=${1#-j} ;;
	-v|--verbose) verbose=1 ;;
	--timeout) timeout_default=$2; shift ;;
	--keep) keep=1 ;;
	-h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
	*) patterns+=("$1") ;;
	esac
	shift
done

SLT_BUILD=${SLT_BUILD:-build}
case $SLT_BUILD in /*) ;; *) SLT_BUILD=$SRCDIR/$SLT_BUILD ;; esac
export SLT_BUILD SLT_SRCDIR=$SRCDIR

if [ "${SANITIZE:-0}" = 1 ]; then
	export SANITIZE=1
	# fast_unwind_on_malloc=0: Debian's GLib has no frame pointers, so the
	# fast unwinder stops at g_malloc and no suppression can name the real
	# allocator (measured: 12x slower GMime parsing; heavy tests may read
	# SANITIZE and use fewer messages).
	export ASAN_OPTIONS=abort_on_error=1:halt_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:fast_unwind_on_malloc=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
	export LSAN_OPTIONS=suppressions=$SRCDIR/tests/lsan.supp:print_suppressions=0
	# GLib 2.74's slice allocator hides leaks and use-after-free from ASan
	# (a leaked GObject sits in a slab that LSan sees as reachable).
	export G_SLICE=always-malloc G_DEBUG=gc-friendly
	timeout_default=$((timeout_default * 2))
else
	# glibc fills freed and new memory with this byte: stale reads show up.
	export MALLOC_PERTURB_=$((RANDOM % 254 + 1))
fi

selected() {
	local p
	[ ${#patterns[@]} = 0 ] && return 0
	for p in "${patterns[@]}"; do
		[[ $1 == *"$p"* ]] && return 0
	done
	return 1
}

names=()
declare -A path_of=() timeout_of=() idx_of=()
if [ "$mode" != integration ]; then
	for f in "$SLT_BUILD"/tests/test-*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case $f in *.o|*.d) continue ;; esac
		n=${f##*/}
		selected "$n" || continue
		idx_of[$n]=${#names[@]}
		names+=("$n")
		path_of[$n]=$f
		timeout_of[$n]=$timeout_default
	done
fi
if [ "$mode" != unit ]; then
	for f in tests/t[0-9]*.sh; do
		[ -f "$f" ] || continue
		n=${f##*/}
		n=${n%.sh}
		selected "$n" || continue
		idx_of[$n]=${#names[@]}
		names+=("$n")
		path_of[$n]=$SRCDIR/$f
		t=$(sed -n '1,30s/^# slt-timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
		[ -n "$t" ] && [ "${SANITIZE:-0}" = 1 ] && t=$((t * 2))
		# tests/valgrind.sh: memcheck is slower still.
		[ -n "$t" ] && [ "${SLT_VALGRIND:-0}" = 1 ] && t=$((t * 4))
		timeout_of[$n]=${t:-$timeout_default}
	done
fi
if [ ${#names[@]} = 0 ]; then
	echo "run.sh: no tests found (mode $mode${patterns:+, patterns ${patterns[*]}})" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

RUN=$(mktemp -d "${TMPDIR:-/tmp}/slt-run.XXXXXX") || exit 1
chmod 0755 "$RUN"
cleanup() {
	local f
	# Not in a runner subshell that caught a signal before bash reset its traps.
	[ "$BASHPID" = "$$" ] || return 0
	# timeout(1) passes the TERM on to the test, whose trap stops its
	# servers; then wait for the runners to record what happened.
	for f in "$RUN"/*.tpid; do
		[ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	wait
	reap "$RUN" >/dev/null
	if [ "$keep" = 1 ]; then echo "# kept $RUN" >&2; else rm -rf "$RUN"; fi
}

# Kill what a test left behind (after a timeout's SIGKILL its traps never
# ran): the process groups of the Dovecot masters and SMTP sinks whose pid
# files lie under the test's own temp base. Prints how many were still alive
# (zombies count as gone: PID 1 reaps orphans late here).
reap() {
	local f pid left=0
	while IFS= read -r f; do
		pid=$(cat "$f" 2>/dev/null)
		[ -n "$pid" ] || continue
		if ps -e -o pgid=,stat= | awk -v g="$pid" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; then
			left=$((left + 1))
			kill -KILL -- "-$pid" 2>/dev/null
		fi
	done < <(find -L "$1" \( -name master.pid -o -name sink.pid \) 2>/dev/null)
	echo "$left"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_one NAME: runs one test into $RUN/NAME.out, status and seconds into NAME.rc.
run_one() {
	local n=$1 t0 t1 rc cmd left base
	# A short per-test base (Dovecot's sockets must fit in 107 bytes).
	base=$RUN/${idx_of[$n]}
	mkdir -p "$base"
	chmod 0755 "$base"
	case $n in
	test-*) cmd=("${path_of[$n]}" --tap) ;;
	*) cmd=(bash "${path_of[$n]}") ;;
	esac
	t0=$(date +%s.%N)
	SLT_TMPBASE=$base timeout -k 10 "${timeout_of[$n]}" "${cmd[@]}" \
		</dev/null >"$RUN/$n.out" 2>&1 &
	# timeout(1) runs in its own process group: cleanup signals it by pid.
	echo "$!" >"$RUN/$n.tpid"
	wait "$!"
	rc=$?
	rm -f "$RUN/$n.tpid"
	t1=$(date +%s.%N)
	left=$(reap "$base")
	echo "$rc $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $left" >"$RUN/$n.rc"
}

total_pass=0 total_fail=0 total_skip=0
failed_names=()

# evaluate NAME: parse the TAP, print one line, add to the totals.
evaluate() {
	local n=$1 rc secs left counts pass fail skip plan ran bail skipall why=""
	read -r rc secs left <"$RUN/$n.rc"
	counts=$(awk '
		/^ok( |$)/ {
			ran++
			if (toupper($0) ~ /# *SKIP/) skip++; else pass++
			next
		}
		/^not ok( |$)/ {
			ran++
			if (toupper($0) ~ /# *TODO/) skip++; else fail++
			next
		}
		/^1\.\.[0-9]+/ {
			split(substr($0, 4), a, /[^0-9]/); plan = a[1]
			if (plan == 0 && toupper($0) ~ /# *SKIP/) skipall = 1
			next
		}
		/^Bail out!/ { bail = 1 }
		END { printf "%d %d %d %s %d %d %d\n", pass, fail, skip, (plan == "" ? "-" : plan), ran, bail, skipall }
	' "$RUN/$n.out")
	read -r pass fail skip plan ran bail skipall <<<"$counts"
	if [ "$skipall" = 1 ] && [ "$rc" = 0 ]; then
		skip=$((skip + 1))
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="timed out after ${timeout_of[$n]} s"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" != 0 ]; then
		why="exit status $rc"
	fi
	if [ "$left" != 0 ]; then
		why="${why:+$why, }left $left server(s) running"
	fi
	if [ "$bail" = 1 ]; then
		why="${why:+$why, }bailed out"
	fi
	if [ "$plan" = - ] && [ "$skipall" != 1 ]; then
		why="${why:+$why, }no plan"
	elif [ "$plan" != - ] && [ "$plan" != "$ran" ] && [ "$skipall" != 1 ]; then
		why="${why:+$why, }planned $plan, ran $ran"
	fi
	if [ "$fail" -gt 0 ]; then
		why="$fail not ok${why:+, $why}"
	elif [ -n "$why" ]; then
		fail=1 # a crash, bail-out or plan mismatch is a failure of its own
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	if [ -n "$why" ]; then
		failed_names+=("$n")
		printf 'FAIL %-40s %s (%s s)\n' "$n" "$why" "$secs"
		echo "$why" >"$RUN/$n.why"
	else
		printf 'ok   %-40s %d passed%s (%s s)\n' "$n" "$pass" \
			"$([ "$skip" -gt 0 ] && echo ", $skip skipped")" "$secs"
	fi
	[ "$verbose" = 1 ] && sed 's/^/    /' "$RUN/$n.out"
	return 0
}

declare -A name_of_pid=()
running=0
next=0
while [ "$next" -lt ${#names[@]} ] || [ "$running" -gt 0 ]; do
	while [ "$running" -lt "$jobs" ] && [ "$next" -lt ${#names[@]} ]; do
		n=${names[next]}
		next=$((next + 1))
		# stderr: bash would print "Aborted" job notices for crashing tests.
		run_one "$n" 2>/dev/null &
		name_of_pid[$!]=$n
		running=$((running + 1))
	done
	done_pid=
	wait -n -p done_pid
	[ -n "$done_pid" ] || continue
	running=$((running - 1))
	evaluate "${name_of_pid[$done_pid]}"
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo
	for n in "${failed_names[@]}"; do
		echo "=== $n: $(cat "$RUN/$n.why")"
		grep -E '^(not ok|Bail out!)' "$RUN/$n.out" | grep -viE '# *TODO' | head -n 20 | sed 's/^/    /'
		echo "--- last 40 lines of output:"
		tail -n 40 "$RUN/$n.out" | sed 's/^/    /'
	done
	echo
fi
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary+=", $total_skip skipped"
echo "$summary"
[ "$total_fail" = 0 ]
