#!/bin/bash
# SPDX-License-Identifier: MIT
# IDLE (RFC 2177) and NOOP with sltd's IMAP client (`sltctl imap-probe`):
# an APPEND by another connection wakes IDLE within 1.5 s (Dovecot itself
# waits 500 ms before it notifies, lab notes 4e); IDLE without news ends at
# its timeout; NOOP notices mail that came in between two commands.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

dovecot_start || bail_out "dovecot_start failed"
imap_load INBOX "$SLT_CORPUS"/000[12].eml >/dev/null || bail_out "imap_load failed"

probe_args=(imap-probe --url "$IMAPS_URL/" --ca-file "$SLT_CA" --user "$IMAP_USER"
	--password-file "$IMAP_PASS_FILE")
log() { cat "$SLT_TMP/$1.log" 2>/dev/null; }
has() { grep -q "$2" "$SLT_TMP/$1.log" 2>/dev/null; }

for round in 1 2 3; do
	slt_spawn "idle$round" "$SLTCTL" "${probe_args[@]}" select idle 10
	slt_wait_until 10 has "idle$round" '^idling' || bail_out "probe never entered IDLE: $(log "idle$round")"
	imap_load INBOX "$SLT_CORPUS/000$((round + 2)).eml" >/dev/null
	t0=$(date +%s%N)
	slt_wait_until 5 has "idle$round" '^idle new-mail'
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	slt_wait "idle$round" 5
	is "$?" 0 "round $round: probe exits 0 after IDLE"
	like "$(log "idle$round")" "idle new-mail exists=$((round + 2)) after" \
		"round $round: IDLE woke on the APPEND with the new EXISTS"
	ok "round $round: woke $ms ms after the APPEND (<= 1500)" test "$ms" -le 1500
	diag "round $round: $ms ms"
done

t0=$(date +%s%N)
out=$("$SLTCTL" "${probe_args[@]}" select idle 1 noop 2>&1)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
like "$out" "idle timeout after (9[5-9][0-9]|1[0-9][0-9][0-9]) ms" "IDLE without news ends at its timeout"
like "$out" "noop exists=5 new-mail=no" "DONE ended IDLE cleanly: NOOP works after it"
# Timed from outside the process: memcheck's start-up (tests/valgrind.sh,
# 9 s measured for the whole run) gets slack.
slack=0
[ "${SLT_VALGRIND:-0}" = 1 ] && slack=15000
ok "the whole run took under 3 s ($ms ms)" test "$ms" -lt $((3000 + slack))

slt_spawn noop "$SLTCTL" "${probe_args[@]}" select sleep 1500 noop
slt_wait_until 10 has noop '^select' || bail_out "probe did not select"
imap_load INBOX "$SLT_CORPUS/0009.eml" >/dev/null
slt_wait noop 10
is "$?" 0 "probe with NOOP exits 0"
like "$(log noop)" "noop exists=6 new-mail=yes" "NOOP notices the message that came in after SELECT"

done_testing
