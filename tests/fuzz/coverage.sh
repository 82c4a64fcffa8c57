#!/bin/bash
# SPDX-License-Identifier: MIT
# Source coverage the fuzz corpora reach (issue 8: "report coverage"):
# builds src/ and each tests/fuzz/fuzz-NAME.c with clang's source-based
# coverage (-fprofile-instr-generate -fcoverage-mapping, no sanitizers)
# into build-cov/, replays the corpus `make fuzz` grew (build/fuzz/corpus-
# NAME) plus the seeds, and prints llvm-cov's line and region coverage of
# the files that target is about.
#
# usage: tests/fuzz/coverage.sh [NAME...]    (default: parse config template)
set -eu
cd "$(dirname "$0")/../.."
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(parse config template)
C=build-cov
mkdir -p "$C/obj" "$C/prof"
cflags=$(make -s --no-print-directory -f - print <<'MK'
include Makefile
print:
	@echo $(filter-out -Werror -MMD -MP,$(ALL_CFLAGS))
MK
)
libs=$(make -s --no-print-directory -f - print <<'MK'
include Makefile
print:
	@echo $(LIBS)
MK
)
cov="-O1 -g -fprofile-instr-generate -fcoverage-mapping"
objs=()
for f in src/*.c; do
	o=$C/obj/$(basename "${f%.c}").o
	[ "$o" -nt "$f" ] || clang $cflags $cov -fsanitize=fuzzer-no-link -c -o "$o" "$f"
	objs+=("$o")
done
[ -f "$C/obj/resources.o" ] || {
	glib-compile-resources --sourcedir=data --generate-source --manual-register \
		--c-name slt_res --target="$C/resources.c" data/sltd.gresource.xml
	clang $cflags -c -o "$C/obj/resources.o" "$C/resources.c"
}
objs+=("$C/obj/resources.o")
declare -A files=(
	[parse]="src/mime.c src/html.c src/quote.c src/org.c src/classify.c src/textprep.c src/packages.c src/lexicon.c"
	[config]="src/config.c"
	[template]="src/template.c"
	[imapresp]="src/imapresp.c"
)
for n in "${names[@]}"; do
	clang $cflags $cov -fsanitize=fuzzer -o "$C/fuzz-$n" "tests/fuzz/fuzz-$n.c" "${objs[@]}" $libs
	dirs=(tests/fuzz/corpus-"$n")
	[ -d "build/fuzz/corpus-$n" ] && dirs+=("build/fuzz/corpus-$n")
	if [ -f "tests/fuzz/$n.seeds" ]; then
		for d in $(grep -v '^#' "tests/fuzz/$n.seeds"); do [ -d "$d" ] && dirs+=("$d"); done
	fi
	rm -f "$C/prof/$n".*.profraw
	ASAN_OPTIONS=detect_leaks=0 LLVM_PROFILE_FILE="$C/prof/$n.%p.profraw" \
		"$C/fuzz-$n" -runs=0 -detect_leaks=0 "${dirs[@]}" >"$C/prof/$n.log" 2>&1 || true
	llvm-profdata merge -sparse "$C/prof/$n".*.profraw -o "$C/prof/$n.profdata"
	echo "== fuzz-$n: $(find "${dirs[@]}" -type f | wc -l) inputs"
	# shellcheck disable=SC2086
	llvm-cov report "$C/fuzz-$n" -instr-profile="$C/prof/$n.profdata" ${files[$n]} |
		awk 'BEGIN { printf "%-24s %8s %8s %8s %8s\n", "file", "regions", "covered", "lines", "covered" }
		     /\.c  |^TOTAL/ { f = $1
			printf "%-24s %8s %8s %8s %8s\n", f, $2, $4, $8, $10 }'
done
