#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench` (a benchmark, not a test; issue 3): load N messages (default
# 10000: the samples cycled with fresh Message-IDs) into a local Dovecot
# with one MULTIAPPEND; ingest them into an empty database with
# `sltd --once` (parse, classify, thread, record, queue replies, one
# pass); fetch the same messages with the curl command line on one
# connection (imap://.../INBOX/;UID=[1-N], the per-message floor); and
# run a straightforward Python script doing the ingest with imaplib, email
# and sqlite3 (baseline.py). Prints the times, messages per second, the
# ratios sltd/curl (target <= 1.0) and Python/sltd (target >= 10), and
# sltd's peak RSS (target < 20 MB; split into the libraries' file pages
# and anonymous memory, beside the RSS of sltd --version), and checks
# that every message was recorded.
#
# Twice: on maildir, the storage of the issue's reference figures (curl's
# per-message fetch also writes \Seen there, a rename per message), and on
# sdbox (the tests' storage, where flags live in an index and curl's
# floor is four to six times lower). Then the IDLE latency.
#
# usage: tests/bench/run.sh [N]    (SLT_BUILD as for the tests)
#        SLT_BENCH_STORAGE=sdbox|maildir tests/bench/run.sh [N]: one storage,
#        no IDLE part
set -u
n=${1:-${SLT_BENCH_N:-10000}}
if [ -z "${SLT_BENCH_STORAGE:-}" ]; then
	rc=0
	for storage in maildir sdbox; do
		SLT_BENCH_STORAGE=$storage "$0" "$n" || rc=1
		echo
	done
	"$(dirname "$0")/idle-latency.sh" || rc=1
	exit $rc
fi
. "$(dirname "$0")/../lib/servers.sh"
[ -x "$SLTD" ] || { echo "bench: build $SLTD first (make)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: needs the curl command" >&2; exit 1; }

DOVECOT_STORAGE=$SLT_BENCH_STORAGE dovecot_start || exit 1
msgs=$SLT_TMP/msgs
mkdir -p "$msgs"
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$msgs" "$n" || exit 1
bytes=$(cat "$msgs"/*.eml | wc -c)
t0=$(date +%s%N)
imap_load INBOX "$msgs"/*.eml >/dev/null || exit 1
load_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

# Plain imap:// on loopback for both, so TLS is not part of the ratio.
cat >"$SLT_TMP/sltd.conf" <<EOF
[imap]
url = $IMAP_URL/INBOX
username = $IMAP_USER
password-file = $IMAP_PASS_FILE
allow-plaintext = true
[smtp]
url = smtp://127.0.0.1:25
from = Stevige lokale teams <stevigelokaleteams@vng.test>
allow-plaintext = true
[store]
path = $SLT_TMP/sltd.db
[packages]
dir = $SLT_TMP
EOF

# The split of a running command's RSS, until TPID (its GNU time) ends:
# RssFile and RssAnon (/proc/PID/status) every 20 ms, without forking
# (the sampler must not take CPU from the run it measures), kept at the
# highest sample in file_kb/anon_kb: how much of the peak is the shared
# libraries' file pages (code and read-only data, shared with every
# process that loads them) and how much is anonymous memory (heap,
# stacks, the libraries' relocated data).
sample_split() {
	local tpid=$1 pid="" k v a f best=0 tick
	exec {tick}<> <(:)
	file_kb=0 anon_kb=0
	while kill -0 "$tpid" 2>/dev/null; do
		[ -n "$pid" ] || pid=$(pgrep -P "$tpid")
		a=0 f=0
		if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
			while read -r k v _; do
				case $k in
				RssAnon:) a=$v ;;
				RssFile:) f=$v ;;
				esac
			done <"/proc/$pid/status" 2>/dev/null
		fi
		if [ $((a + f)) -gt "$best" ]; then
			best=$((a + f)) anon_kb=$a file_kb=$f
		fi
		read -r -t 0.02 -u "$tick" _
	done
	exec {tick}<&-
}

# ms and peak RSS (kB) of one command, from GNU time; with --split also
# the split of its RSS (sample_split).
timed() {
	local split=
	[ "$1" = --split ] && { split=1; shift; }
	local out=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$SLT_TMP/time.out" "$@" >"$out" 2>&1 &
	local tpid=$!
	[ -z "$split" ] || sample_split "$tpid"
	wait "$tpid"
	local rc=$?
	read -r secs rss_kb _ < <(tail -n 1 "$SLT_TMP/time.out")
	return $rc
}

# The libraries alone: sltd --version loads them and does nothing else.
timed "$SLT_TMP/version.log" "$SLTD" --version
floor_rss_kb=$rss_kb

# sltd --once also drains the outbox; no SMTP server listens here, so
# that stops at its first attempt (exit 75) and the replies stay queued:
# the time is the ingest's (the replies are decided, composed and queued
# in each message's transaction, as in production).
timed --split "$SLT_TMP/sltd.log" "$SLTD" -c "$SLT_TMP/sltd.conf" --once
rc=$?
if [ "$rc" != 0 ] && ! { [ "$rc" = 75 ] && grep -q "^sltd: error: outbox: cannot send" "$SLT_TMP/sltd.log"; }; then
	echo "bench: sltd --once failed (exit $rc):" >&2
	grep -v ': SLT-' "$SLT_TMP/sltd.log" | tail -n 20 >&2
	exit 1
fi
cpu=$(tail -n 1 "$SLT_TMP/time.out" | awk '{ print $3 + $4 }')
sltd_s=$secs
sltd_rss_kb=$rss_kb
recorded=$(sqlite3 "$SLT_TMP/sltd.db" "SELECT count(*) FROM messages")
unseen=$(imap_status INBOX unseen)

timed "$SLT_TMP/curl.log" curl -s -u "$IMAP_USER:$IMAP_PASS" "$IMAP_URL/INBOX/;UID=[1-$n]" || {
	echo "bench: curl failed" >&2
	exit 1
}
curl_s=$secs

# The Python yardstick, into a database of its own; it must find all.
host=${IMAP_URL#imap://}
port=${host##*:}
host=${host%%:*}
timed "$SLT_TMP/py.log" /usr/bin/python3 "$(dirname "$0")/baseline.py" "$host" "$port" \
	"$IMAP_USER" "$IMAP_PASS_FILE" INBOX "$SLT_TMP/baseline.db" || {
	echo "bench: baseline.py failed:" >&2
	tail -n 5 "$SLT_TMP/py.log" >&2
	exit 1
}
py_s=$secs
py_n=$(tail -n 1 "$SLT_TMP/py.log")

awk -v n="$n" -v bytes="$bytes" -v load="$load_ms" -v s="$sltd_s" -v c="$curl_s" -v cpu="$cpu" \
    -v rss="$sltd_rss_kb" -v floor="$floor_rss_kb" -v rfile="$file_kb" -v ranon="$anon_kb" -v rec="$recorded" -v unseen="$unseen" -v nproc="$(nproc)" \
    -v py="$py_s" -v pyn="$py_n" -v st="$SLT_BENCH_STORAGE" '
BEGIN {
	printf "== %s: %d messages (%.1f MB), loaded into Dovecot with one MULTIAPPEND in %.2f s\n", st, n, bytes / 1048576, load / 1000
	printf "sltd --once %6.2f s  %7.0f msg/s  (parse, classify, thread, record, queue replies; %d recorded, %d still unseen; %.2f s CPU)\n", s, n / s, rec, unseen, cpu
	printf "curl floor  %6.2f s  %7.0f msg/s  (imap://.../INBOX/;UID=[1-%d], one connection)\n", c, n / c, n
	printf "Python      %6.2f s  %7.0f msg/s  (tests/bench/baseline.py: imaplib, email, sqlite3; %d recorded)\n", py, n / py, pyn
	printf "ratio sltd/curl:   %.2f (target <= 1.0)\n", s / c
	printf "ratio Python/sltd: %.1f (target >= 10)\n", py / s
	printf "sltd peak RSS:     %.1f MB (target < 20 MB)\n", rss / 1024
	printf "  at the highest 20 ms sample: %.1f MB file pages (the libraries), %.1f MB anonymous (heap, stacks, relocated library data)\n", rfile / 1024, ranon / 1024
	printf "  sltd --version (the libraries loaded, nothing done): %.1f MB\n", floor / 1024
	printf "machine: %d CPUs\n", nproc
}'
sed -n 's/^sltd: info: \(pass over .*\)/\1/p' "$SLT_TMP/sltd.log"
if [ "$recorded" != "$n" ]; then
	echo "bench: only $recorded of $n messages recorded" >&2
	exit 1
fi
