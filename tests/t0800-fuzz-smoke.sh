#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 600
# Smoke test of every libFuzzer target (tests/fuzz/fuzz-*.c, see `make
# fuzz`): built with clang, ASan and UBSan into build-fuzz/, each replays
# its whole seed corpus (tests/fuzz/corpus-NAME/ and the directories of
# NAME.seeds: every crash ever found is a seed) and then fuzzes for a few
# seconds (SLT_FUZZ_SECONDS, default 7 each; about 20 s for all). Skipped
# when clang or its fuzzer runtime (libclang-rt-14-dev) is missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

secs=${SLT_FUZZ_SECONDS:-7}
slt_tmpdir || bail_out "no temp dir"
cd "$SLT_SRCDIR" || bail_out "no source dir"

command -v clang >/dev/null || skip_all "clang is not installed (make deps installs it)"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	>"$SLT_TMP/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$SLT_TMP/probe" "$SLT_TMP/probe.c" >"$SLT_TMP/probe.log" 2>&1 ||
	skip_all "clang cannot link a libFuzzer target (libclang-rt-14-dev missing?)"

targets=()
for f in tests/fuzz/fuzz-*.c; do
	n=${f##*/fuzz-}
	targets+=("${n%.c}")
done
plan $(( ${#targets[@]} * 3 ))

# One build at a time: parallel tests or a `make fuzz` would otherwise
# write the same objects at once.
build() {
	mkdir -p "$SLT_SRCDIR/build-fuzz"
	flock "$SLT_SRCDIR/build-fuzz/.lock" make --no-print-directory -C "$SLT_SRCDIR" \
		"build/fuzz/fuzz-$1" >"$SLT_TMP/build-$1.log" 2>&1
}

for n in "${targets[@]}"; do
	bin=build/fuzz/fuzz-$n
	if ! ok "fuzz-$n builds" build "$n"; then
		tail -n 20 "$SLT_TMP/build-$n.log" | while IFS= read -r l; do diag "$l"; done
		skip "fuzz-$n replays its seeds" "no binary"
		skip "fuzz-$n fuzzes for $secs s" "no binary"
		continue
	fi
	seeds=(tests/fuzz/corpus-"$n")
	if [ -f "tests/fuzz/$n.seeds" ]; then
		while IFS= read -r d; do
			case $d in ''|'#'*) continue ;; esac
			[ -d "$d" ] && seeds+=("$d")
		done <"tests/fuzz/$n.seeds"
	fi
	opts=()
	[ -f "tests/fuzz/$n.options" ] && read -r -a opts <"tests/fuzz/$n.options"
	dict=()
	[ -f "tests/fuzz/$n.dict" ] && dict=(-dict="tests/fuzz/$n.dict")
	mkdir -p "$SLT_TMP/new-$n"
	# -runs=0: every seed once, then stop.
	if ok "fuzz-$n replays its seeds (${seeds[*]})" \
		"$bin" -runs=0 "${opts[@]}" -artifact_prefix="$SLT_TMP/crash-$n-" "${seeds[@]}"; then
		:
	fi
	"$bin" -max_total_time="$secs" -print_final_stats=1 "${opts[@]}" "${dict[@]}" \
		-artifact_prefix="$SLT_TMP/crash-$n-" "$SLT_TMP/new-$n" "${seeds[@]}" \
		>"$SLT_TMP/fuzz-$n.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$SLT_TMP/fuzz-$n.log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$SLT_TMP/fuzz-$n.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		pass "fuzz-$n fuzzes for $secs s without a finding ($execs runs, $cov)"
	else
		fail "fuzz-$n found a problem in $secs s (exit $rc)" "$(grep -E 'ERROR|check failed|SUMMARY' "$SLT_TMP/fuzz-$n.log" | head -n 5)"
		for c in "$SLT_TMP"/crash-"$n"-* "$SLT_TMP"/leak-"$n"-* "$SLT_TMP"/timeout-"$n"-*; do
			[ -e "$c" ] || continue
			# $SLT_TMP goes with the test: keep the input where a
			# developer finds it (the log shows only its start).
			mkdir -p "$SLT_SRCDIR/build/fuzz/findings"
			cp "$c" "$SLT_SRCDIR/build/fuzz/findings/"
			diag "input (base64, first 2000 characters): $(base64 -w0 <"$c" | head -c 2000)"
			diag "kept as build/fuzz/findings/${c##*/} ($(wc -c <"$c") bytes)"
			diag "keep it as tests/fuzz/corpus-$n/regress-NAME once fixed"
		done
	fi
done
done_testing
