#!/bin/bash
# SPDX-License-Identifier: MIT
# Measurement (issue 8, not a test): sltd's resident memory over a long
# run. The service (not --once) follows a local Dovecot while N messages
# (default 10000: the samples cycled with fresh Message-IDs) arrive in
# batches of 500, and sends their replies to the SMTP sink; VmRSS is
# sampled every 0.25 s. Prints RSS after each batch is recorded, the
# maximum per quarter of the run, and "flat" when the last quarter's
# maximum is within 10% (or 2 MB) of the first quarter's, else "GROWING"
# (exit 1).
#
# usage: tests/bench/rss.sh [N]     (SLT_BUILD as for the tests)
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/servers.sh"
. "$(dirname "$0")/../lib/sltd.sh"
. "$(dirname "$0")/../lib/service.sh"

n=${1:-10000}
batch=500
dovecot_start || exit 1
smtp_start || exit 1
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$SLT_TMP/msgs" "$n" || exit 1
files=("$SLT_TMP/msgs"/*.eml)
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600" \
	"[replies] per-sender-per-day = 1000" "[replies] global-per-hour = 100000"
notify_start || exit 1
sltd_start || { echo "rss: sltd did not start" >&2; exit 1; }
pid=$(slt_pid sltd)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null; }
count() { sql "SELECT count(*) FROM messages" 2>/dev/null || echo 0; }

( while kill -0 "$pid" 2>/dev/null; do
	echo "$(date +%s.%N) $(rss)"
	sleep 0.25
  done ) >"$SLT_TMP/rss.samples" &
sampler=$!

t0=$(date +%s)
printf '%8s %8s %10s\n' messages replies rss_kb
for (( off = 0; off < n; off += batch )); do
	imap_load INBOX "${files[@]:off:batch}" >/dev/null || exit 1
	want=$(( off + batch > n ? n : off + batch ))
	slt_wait_until 300 eval '[ "$(count)" -ge "$want" ]' || { echo "rss: stuck at $(count)" >&2; break; }
	printf '%8d %8d %10d\n' "$(count)" "$(smtp_count)" "$(rss)"
done
slt_wait_until 120 eval '[ "$(sql "SELECT count(*) FROM outbox WHERE state IN ('"'"'queued'"'"','"'"'sending'"'"')")" = 0 ]'
secs=$(( $(date +%s) - t0 ))
printf '%8d %8d %10d  (outbox drained)\n' "$(count)" "$(smtp_count)" "$(rss)"
sltd_stop >/dev/null
wait "$sampler" 2>/dev/null
awk -v secs="$secs" -v n="$n" '
	NF == 2 && $2 > 0 { t[++k] = $2 }
	END {
		q = int(k / 4); if (q < 1) q = 1
		for (i = 1; i <= k; i++) { j = int((i - 1) / q); if (j > 3) j = 3; if (t[i] > m[j]) m[j] = t[i] }
		printf "%d messages in %d s, %d samples; max RSS per quarter: %d %d %d %d kB\n", n, secs, k, m[0], m[1], m[2], m[3]
		d = m[3] - m[0]; lim = m[0] / 10; if (lim < 2048) lim = 2048
		if (d <= lim) { print "flat"; exit 0 } else { printf "GROWING by %d kB\n", d; exit 1 }
	}' "$SLT_TMP/rss.samples"
