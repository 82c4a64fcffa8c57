#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test): the classifier's speed on one core (issue 4:
# >= 5,000 messages per second). The samples and the training mail are
# parsed once, then `sltctl classify --bench` classifies them in a loop
# for SECS seconds on CPU 0; a second loop times parse + classify, the
# daemon's path. Prints both rates and the target.
#
# usage: tests/bench/classify.sh [SECS]    (SLT_BUILD as for the tests)
set -u
. "$(dirname "$0")/../lib/servers.sh"

secs=${1:-5}
[ -x "$SLTCTL" ] || { echo "classify bench: build $SLTCTL first (make)" >&2; exit 1; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
out=$("${pin[@]}" "$SLTCTL" classify --bench "$secs" \
	"$SLT_SRCDIR"/tests/corpus/messages/*.eml "$SLT_SRCDIR"/data/train/messages/*.eml) || exit 1
echo "$out"
rate=$(sed -n 's/^classify: .*: \([0-9]*\) messages\/s.*/\1/p' <<<"$out")
if [ "${rate:-0}" -ge 5000 ]; then
	echo "classify: $rate messages/s on one core (target >= 5000): ok"
else
	echo "classify: $rate messages/s on one core (target >= 5000): BELOW TARGET"
fi
