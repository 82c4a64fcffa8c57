#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 300
# Crash consistency of the whole path (issue 8): 500 messages ingested
# from the real Dovecot and their replies sent to the real SMTP sink while
# sltd --once is killed with SIGKILL at random moments, at least 50 times,
# and started again each time. Afterwards: every message is recorded
# exactly once; the outbox holds exactly the replies an uninterrupted run
# queues (same causes, same kinds), none left queued or failed; every
# reply reached the sink, and again at most once per kill that landed in the
# documented window between the server storing it and the one-statement
# sent mark (src/outbox.h: counted and reported; a reply killed in that
# window twice in a row arrives three times); PRAGMA integrity_check is ok.
# SANITIZE=1: 100 messages, 15 kills (ASan is ~10x slower).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

n=${SLT_CRASH_N:-500} want_kills=${SLT_CRASH_KILLS:-50}
if [ "${SANITIZE:-0}" = 1 ]; then
	n=${SLT_CRASH_N:-100} want_kills=${SLT_CRASH_KILLS:-15}
fi
seed=${SLT_SEED:-$$}
RANDOM=$seed
diag "seed $seed (SLT_SEED=$seed reproduces the delays), $n messages, $want_kills kills"

# A private copy: a parallel `make` relinking build/sltd mid-test would
# make one start fail ("Permission denied" while the linker writes it).
slt_tmpdir || bail_out "no temp dir"
mkdir -p "$SLT_TMP/bin" && cp "$SLTD" "$SLT_TMP/bin/sltd" || bail_out "cannot copy $SLTD"
SLTD=$SLT_TMP/bin/sltd

DOVECOT_MAILBOXES=Reference dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$SLT_TMP/msgs" "$n" || bail_out "gen-cycled failed"
imap_load Reference "$SLT_TMP/msgs"/*.eml >/dev/null || bail_out "imap_load failed"

limits=("[replies] per-sender-per-day = 1000" "[replies] global-per-hour = 100000")

# The reference: one uninterrupted pass over a copy of the mail (mailbox
# Reference) into a scratch database, with the SMTP server unreachable so
# that nothing is sent (the replies stay queued there): which replies an
# undisturbed sltd queues, and how long a pass takes.
SLTD_DB=$SLT_TMP/reference.db
service_config "$IMAPS_URL/Reference" "${limits[@]}" "[smtp] timeout = 2"
sed -i "s|^url = $SMTP_URL|url = smtp://127.0.0.1:1|" "$SLTD_CONF"
t0=$(date +%s%N)
sltd_once
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ref_out=$(sql "SELECT m.message_id || ' ' || o.kind FROM outbox o JOIN messages m ON m.id = o.cause_row WHERE o.state != 'suppressed' ORDER BY 1")
ref_n=$(printf '%s\n' "$ref_out" | grep -c .)
[ "$ref_n" -gt 0 ] || bail_out "the reference run queued no reply: $(tail -n 5 "$SLT_TMP/sltd.err")"

SLTD_DB=$SLT_TMP/sltd.db
service_config "$IMAPS_URL/INBOX" "${limits[@]}"
t0=$(date +%s%N)
sltd_once || bail_out "an empty pass failed: $(tail -n 5 "$SLT_TMP/sltd.err")"
idle_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
diag "uninterrupted pass over $n messages without SMTP: $full_ms ms, $ref_n replies queued; an empty pass: $idle_ms ms"

count() { sql "SELECT count(*) FROM messages" 2>/dev/null || echo 0; }
pending() { sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')" 2>/dev/null || echo 1; }

# The mail arrives in batches (a new one once the last is recorded), so
# that every run has work to be killed in: n/batch runs at least. Each
# kill lands at a random moment within a window of one empty pass plus
# three batches' worth of work; a run that made no progress widens it, a
# run that finished before its kill narrows it.
batch=$(( n / want_kills ))
[ "$batch" -ge 1 ] || batch=1
files=("$SLT_TMP/msgs"/*.eml)
lo=$(( idle_ms / 4 ))
window=$(( idle_ms + 3 * (full_ms - idle_ms) * batch / n + 20 ))
max_window=$(( idle_ms + full_ms ))
kills=0 ingest_kills=0 send_kills=0 completed=0 loaded=0 prev_m=0 prev_s=0
for (( runs = 1; runs <= 600; runs++ )); do
	if [ "$loaded" -lt "$n" ] && [ "$(count)" -ge "$loaded" ]; then
		imap_load INBOX "${files[@]:loaded:batch}" >/dev/null || bail_out "imap_load failed"
		loaded=$(( loaded + batch ))
		[ "$loaded" -gt "$n" ] && loaded=$n
	fi
	off=$(stat -c %s "$SLT_TMP/sltd.log" 2>/dev/null || echo 0)
	slt_spawn sltd "$SLTD" -c "$SLTD_CONF" --once -v
	if [ "$kills" -lt "$want_kills" ]; then
		delay_ms=$(( lo + RANDOM % (window - lo) ))
		sleep "$(printf '%d.%03d' $(( delay_ms / 1000 )) $(( delay_ms % 1000 )))"
		slt_kill sltd KILL 2>/dev/null
	fi
	slt_wait sltd 60
	rc=$?
	now_m=$(count)
	now_s=$(smtp_count)
	if [ "$rc" = 137 ]; then
		kills=$((kills + 1))
		# What this run did before it died (its lines of the log): rows
		# written in a transaction that never committed, or replies
		# sent while more were due.
		part=$(tail -c +$((off + 1)) "$SLT_TMP/sltd.log")
		[[ $part == *"ingest: UID "* ]] && [ "$now_m" -lt "$loaded" ] && ingest_kills=$((ingest_kills + 1))
		[ "$now_s" -gt "$prev_s" ] && [ "$(pending)" -gt 0 ] && send_kills=$((send_kills + 1))
		if [ "$now_m" = "$prev_m" ] && [ "$now_s" = "$prev_s" ]; then
			window=$(( window * 5 / 4 + 1 ))
			[ "$window" -gt "$max_window" ] && window=$max_window
		fi
	elif [ "$rc" = 0 ]; then
		completed=$((completed + 1))
		[ "$kills" -ge "$want_kills" ] && [ "$loaded" = "$n" ] && [ "$(pending)" = 0 ] &&
			[ "$(count)" = "$n" ] && break
		window=$(( window * 4 / 5 ))
		[ "$window" -gt $(( lo + 10 )) ] || window=$(( lo + 10 ))
	else
		fail "sltd exited $rc, not killed (see sltd.log)"
		tail -n 5 "$SLT_TMP/sltd.log" | while IFS= read -r l; do diag "$l"; done
		break
	fi
	prev_m=$now_m prev_s=$now_s
done
diag "$kills kills in $runs runs: $ingest_kills inside an ingest transaction (rows written, not committed), $send_kills between replies being sent; $completed runs completed"
ok "killed at least $want_kills times ($kills)" test "$kills" -ge "$want_kills"
if [ "${SANITIZE:-0}" = 1 ] || [ "${SLT_VALGRIND:-0}" = 1 ]; then
	# ASan's start-up (measured 16 s for an empty pass on a loaded
	# machine) swamps the windows: where the kills land is luck there; the
	# consistency checks below are what counts.
	# memcheck's (tests/valgrind.sh) likewise.
	skip "kills landed while sending replies ($send_kills)" "SANITIZE=1 or valgrind: timing not controlled"
else
	# On an idle machine a batch of 10 is recorded in a few milliseconds,
	# so few random kills land inside its transaction (1 of 50 seen in a
	# clean CI run): counted here, asserted by t0206, which aims its kills
	# at recording and requires them to land mid-pass.
	diag "kills inside ingest transactions: $ingest_kills (t0206 asserts kills mid-recording)"
	ok "kills landed while sending replies ($send_kills)" test "$send_kills" -ge 5
fi

# ---- messages ------------------------------------------------------------
is "$(count)" "$n" "$n messages recorded"
want=$(seq 1 "$n" | sed 's/.*/cycled-&@sltd.test/' | sort)
is "$(sql "SELECT message_id FROM messages" | sort)" "$want" "exactly the mailbox's Message-IDs, each once"
is "$(sql "SELECT count(*) FROM dead_letters")" 0 "no dead letters"

# ---- the outbox ----------------------------------------------------------
got_out=$(sql "SELECT m.message_id || ' ' || o.kind FROM outbox o JOIN messages m ON m.id = o.cause_row WHERE o.state != 'suppressed' ORDER BY 1")
is "$(printf '%s\n' "$got_out" | grep -c .)" "$ref_n" "as many replies queued as without kills ($ref_n)"
ok "the same replies (cause and kind) as without kills" test "$got_out" = "$ref_out"
is "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending', 'failed')")" 0 \
	"nothing left queued, sending or failed"
is "$(sql "SELECT count(*) FROM (SELECT cause_row, kind FROM outbox WHERE state != 'suppressed' GROUP BY 1, 2 HAVING count(*) > 1)")" 0 \
	"no reply queued twice for one message"

# ---- what the SMTP server got ----------------------------------------------
smtp_ids() {
	local f
	for f in $(smtp_messages); do
		# The first Message-ID header, unfolded; angle brackets dropped.
		awk 'BEGIN { IGNORECASE = 1 } /^\r?$/ { exit } tolower($0) ~ /^message-id:/ {
			sub(/^[^:]*:[ \t]*/, ""); gsub(/[<>\r]/, ""); print; exit }' "$f"
	done
}
smtp_ids | sort >"$SLT_TMP/sink-ids"
sql "SELECT message_id FROM outbox WHERE state = 'sent'" | tr -d '<>' | sort >"$SLT_TMP/sent-ids"
sinks=$(wc -l <"$SLT_TMP/sink-ids")
dups=$(uniq -d "$SLT_TMP/sink-ids" | wc -l)
thrice=$(uniq -c "$SLT_TMP/sink-ids" | awk '$1 > 2' | wc -l)
extra=$(( sinks - $(sort -u "$SLT_TMP/sink-ids" | wc -l) ))
diag "the sink holds $sinks messages for $(wc -l <"$SLT_TMP/sent-ids") sent replies: $dups delivered more than once, $thrice of them three times or more, $extra extra deliveries (the window between the server storing a reply and the sent mark, $kills kills)"
is "$(sort -u "$SLT_TMP/sink-ids")" "$(cat "$SLT_TMP/sent-ids")" "every sent reply reached the server, and nothing else did"
# Each extra delivery needs a kill of its own inside a reply's window (a
# kill of the resend right after a restart does not count as "while
# sending" above, so the bound is the kills, not send_kills): never a
# duplicate without a kill.
ok "extra deliveries ($extra) at most one per kill ($kills)" test "$extra" -le "$kills"

is "$(sql "PRAGMA integrity_check")" ok "PRAGMA integrity_check: ok"
is "$(sql "PRAGMA foreign_key_check")" "" "PRAGMA foreign_key_check: clean"
done_testing
