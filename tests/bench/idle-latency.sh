#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`, part 2 (issue 6): sltd running as a service with IMAP IDLE
# against a local Dovecot and the SMTP sink; the time from a message
# landing in the mailbox (the APPEND's OK) to its reply arriving at the
# SMTP server, over N messages (default 20) appended one at a time.
# Prints the median and the maximum (target: median <= 1 s; Dovecot
# itself waits 500 ms before it announces new mail in IDLE).
#
# usage: tests/bench/idle-latency.sh [N]    (SLT_BUILD as for the tests)
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/servers.sh"
. "$(dirname "$0")/../lib/sltd.sh"
. "$(dirname "$0")/../lib/service.sh"

n=${1:-${SLT_BENCH_IDLE_N:-20}}
[ -x "$SLTD" ] || { echo "bench: build $SLTD first (make)" >&2; exit 1; }

dovecot_start >/dev/null || exit 1
smtp_start >/dev/null || exit 1
notify_start || exit 1
# Plain imap:// for the appender; sltd on imaps:// as in production.
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"
sltd_start || { echo "bench: sltd did not start" >&2; tail -n 20 "$SLT_TMP/sltd.log" >&2; exit 1; }
notify_wait 'STATUS=idle' 10 || { echo "bench: sltd did not reach IDLE" >&2; exit 1; }

"$SLT_PY" "$SLT_SRCDIR/tests/bench/idle-latency.py" 127.0.0.1 "$IMAP_PORT" "$IMAP_USER" \
	"$IMAP_PASS_FILE" "$SMTP_DIR" "$n" "$SLT_CORPUS/0001.eml" "$SLT_CORPUS/0002.eml" \
	>"$SLT_TMP/latency.txt" || {
	echo "bench: idle latency failed" >&2
	tail -n 20 "$SLT_TMP/sltd.log" >&2
	exit 1
}
idle_pings=$(grep -c 'new mail announced in IDLE' "$SLT_TMP/sltd.log")
sltd_stop >/dev/null

sort -n "$SLT_TMP/latency.txt" | awk -v n="$n" -v idle="$idle_pings" '
	{ v[NR] = $1; sum += $1 }
	END {
		if (NR != n) { print "bench: only " NR " of " n " rounds" > "/dev/stderr"; exit 1 }
		med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "idle latency (append -> reply at the SMTP server, %d messages, IDLE wake-ups %d):\n", NR, idle
		printf "  median %.0f ms, min %.0f ms, max %.0f ms, mean %.0f ms (target: median <= 1000 ms)\n",
			med, v[1], v[NR], sum / NR
		exit (med <= 1000) ? 0 : 2
	}'
