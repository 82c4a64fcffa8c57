#!/bin/bash
# SPDX-License-Identifier: MIT
# Messages that cannot be recorded become dead letters with their reason,
# in the transaction that moves the checkpoint past them, and never block
# the messages after them: above the size cap (not downloaded), not a
# message at all, refused by the store half-way through a batch (the
# batch is replayed one by one), and a message earlier passes died on
# (the poison guard).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
cap=8192
service_config "$IMAPS_URL/INBOX" "[imap] max-message-size = $cap"

# An empty mailbox first: the database exists, so the test can plant a
# trigger that refuses one message the way a constraint would.
sltd_once || bail_out "first pass on an empty mailbox failed"
sql "CREATE TRIGGER test_refuse BEFORE INSERT ON messages WHEN new.subject = 'weiger mij'
     BEGIN SELECT RAISE(ABORT, 'test refuses this message'); END"

files=("$SLT_CORPUS"/*.eml)
n=${#files[@]}
big=0
for f in "${files[@]}"; do
	[ "$(wc -c <"$f")" -gt "$cap" ] && big=$((big + 1))
done
ok "some samples are above the cap of $cap bytes ($big)" test "$big" -gt 0

notmsg=$SLT_TMP/notmsg.eml
printf 'Dit is geen bericht, alleen tekst\r\nzonder kopregels\r\n' >"$notmsg"
refused=$SLT_TMP/refused.eml
printf 'From: r@example.org\r\nSubject: weiger mij\r\nMessage-ID: <refused@example.org>\r\n\r\nhallo\r\n' >"$refused"
uids=($(imap_load INBOX "${files[@]:0:80}" "$notmsg" "$refused" "${files[@]:80}")) || bail_out "imap_load failed"
total=${#uids[@]}
uid_notmsg=${uids[80]}
uid_refused=${uids[81]}

sltd_once
is "$?" 0 "the pass exits 0 despite the dead letters"
like "$(cat "$SLT_TMP/sltd.err")" "$total found, $((n - big)) recorded .* 0 duplicates, $((big + 2)) dead letters" \
	"the pass counts $((big + 2)) dead letters and $((n - big)) recorded"
is "$(sql "SELECT count(*) FROM messages")" "$((n - big))" "every message below the cap is recorded"
is "$(sql "SELECT count(*) FROM dead_letters")" "$((big + 2))" "$((big + 2)) dead letters"
is "$(sql "SELECT last_uid FROM checkpoints WHERE mailbox = 'INBOX'")" "${uids[total - 1]}" \
	"the checkpoint passed every message"
is "$(sql "SELECT count(*) FROM messages WHERE uid > $uid_refused")" \
	"$(for f in "${files[@]:80}"; do [ "$(wc -c <"$f")" -le "$cap" ] && echo; done | wc -l)" \
	"the messages after the dead letters are all recorded"

like "$(sql "SELECT error FROM dead_letters WHERE uid = $uid_notmsg")" "^cannot parse: no header block" \
	"not a message: dead letter with the parser's reason"
is "$(sql "SELECT length(raw) FROM dead_letters WHERE uid = $uid_notmsg")" "$(wc -c <"$notmsg")" \
	"its bytes are kept for staff"
like "$(sql "SELECT error FROM dead_letters WHERE uid = $uid_refused")" "^cannot record: .*test refuses this message" \
	"refused by the store: dead letter with the store's reason"
is "$(sql "SELECT count(*) FROM messages WHERE subject = 'weiger mij'")" 0 "the refused message left nothing else behind"
is "$(sql "SELECT count(*) FROM dead_letters WHERE raw IS NULL AND error LIKE '%above the cap of $cap bytes%'")" "$big" \
	"each big one: dead letter with its size and the cap, no bytes"
bigsize=$(sql "SELECT size FROM dead_letters WHERE raw IS NULL ORDER BY uid LIMIT 1")
ok "the recorded size is the real size ($bigsize)" test "$bigsize" -gt "$cap"
# Nothing of a refused batch is lost or doubled: exactly the recorded set.
is "$(sql "SELECT count(DISTINCT uid) FROM messages") $(sql "SELECT count(DISTINCT uid) FROM dead_letters")" \
	"$((n - big)) $((big + 2))" "each UID recorded once, as a message or a dead letter"
like "$(grep -c 'set aside as a dead letter' "$SLT_TMP/sltd.err")" "^$((big + 2))$" "each dead letter logged once"

# The poison guard, for real: handling one message crashes sltd
# (SIGSEGV, injected by SLTD_TEST_CRASH). The passes after a crash go one
# message at a time, count the crashes on that message, and after three
# set it aside; the messages around it are recorded.
crash=$SLT_TMP/crash.eml
printf 'From: c@example.org\r\nSubject: ik crash\r\nMessage-ID: <crash@example.org>\r\n\r\nboem\r\n' >"$crash"
p=($(imap_load INBOX "$SLT_SRCDIR/tests/imap-poison/p3-tagged.eml" "$crash" "$SLT_SRCDIR/tests/imap-poison/p4-continuation.eml"))
crashes=0 rc=1
for (( i = 0; i < 8 && rc != 0; i++ )); do
	SLTD_TEST_CRASH=crash@example.org sltd_once 2>/dev/null
	rc=$?
	case $rc in 0) ;; 134|139) crashes=$((crashes + 1)) ;; *) break ;; esac
done
is "$rc" 0 "after the crashes a pass completes"
ok "sltd crashed on the message before it was set aside ($crashes times)" test "$crashes" -ge 3 -a "$crashes" -le 4
like "$(cat "$SLT_TMP/sltd.log")" "sltd crashed while handling UID ${p[1]} \(3 time\(s\) in a row\): one message at a time" \
	"the crashes are counted on that one UID"
like "$(sql "SELECT error FROM dead_letters WHERE uid = ${p[1]}")" "^sltd crashed 3 times while handling this message" \
	"the message is set aside as a dead letter"
is "$(sql "SELECT length(raw) > 0 FROM dead_letters WHERE uid = ${p[1]}")" 1 "with its bytes, for staff"
is "$(sql "SELECT count(*) FROM messages WHERE uid IN (${p[0]}, ${p[2]})")" 2 "the messages around it are recorded"
ok "no crash record is left" test ! -e "$SLTD_DB-crash"
sltd_once
like "$(last_pass)" "^0 found" "the next pass goes on as normal"

# The counter itself: three crashes noted on the next message already.
after=$SLT_TMP/after.eml
printf 'From: a@example.org\r\nSubject: erna\r\nMessage-ID: <after@example.org>\r\n\r\nhallo\r\n' >"$after"
q=($(imap_load INBOX "$SLT_SRCDIR/tests/imap-poison/p1-untagged.eml" "$after"))
sql "UPDATE checkpoints SET attempt_uid = ${q[0]}, attempts = 3"
sltd_once
is "$?" 0 "a pass with a message crashed on three times exits 0"
like "$(sql "SELECT error FROM dead_letters WHERE uid = ${q[0]}")" "^sltd crashed 3 times" "that message is set aside"
is "$(sql "SELECT count(*) FROM messages WHERE uid = ${q[1]}")" 1 "the message after it is recorded"
is "$(sql "PRAGMA integrity_check")" ok "integrity_check ok"

done_testing
