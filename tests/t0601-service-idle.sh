#!/bin/bash
# SPDX-License-Identifier: MIT
# sltd as a service against the real Dovecot and SMTP sink: READY=1 and
# readable STATUS= lines on the notify socket, IDLE wake-up (a message
# appended is recorded and answered within a few seconds, without a
# poll), the status keys for `sltctl status`, SIGTERM -> STOPPING=1 and a
# clean exit; then the same without IDLE (poll-interval).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
# A poll interval far above the test's waits: only IDLE can be fast.
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"

sltd_start || bail_out "sltd did not start"
pass "READY=1 on the notify socket"
ok "STATUS= says idle, the outbox and that no mail came yet" \
	notify_wait 'STATUS=idle, 0 in outbox, no mail yet' 10

t0=$(date +%s%N)
imap_load INBOX "$SLT_CORPUS/0001.eml" >/dev/null
ok "IDLE: the appended message is answered within 5 s" smtp_wait_count 1 5
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
diag "append to reply at the sink: $ms ms"
is "$(recorded)" 1 "the message is recorded"
is "$(smtp_meta 1 rcpt_tos)" "m.dijkstra@zwolle.nl" "the reply went to the sender"
ok "STATUS= names the last mail's time" notify_wait 'STATUS=idle, 0 in outbox, last mail [0-9]{2}:[0-9]{2}' 5
like "$(status_key status)" '^idle, 0 in outbox, last mail' "status key mirrors STATUS="
like "$(status_key daemon)" "^running \\(pid $(slt_pid sltd)," "daemon key names the pid"
like "$(status_key last-mail)" "1 new in 'INBOX'" "last-mail key"

# Three more, one at a time: each wakes sltd again (IDLE is re-entered
# after every pass).
for f in 0002 0003 0004; do
	imap_load INBOX "$SLT_CORPUS/$f.eml" >/dev/null
	smtp_wait_count $(( $(smtp_count) + 1 )) 5 || break
done
is "$(recorded)" 4 "every message woke sltd and was recorded"
ok "one log line per message: ref, intent, theme and action" \
	test "$(grep -Ec 'SLT-[0-9]+: (new request|follow-up).*, intent [a-z]+, theme [a-z-]+.*: ([a-z-]+ reply queued to|no reply)' "$SLT_TMP/sltd.log")" = 4
nok "no password in the log" grep -qF -- "$IMAP_PASS" "$SLT_TMP/sltd.log"
nok "no SMTP password in the log" grep -qF -- "$SMTP_PASS" "$SLT_TMP/sltd.log"

sltd_stop
is "$?" 0 "SIGTERM: exit status 0"
ok "STOPPING=1 on the notify socket" notify_has 'STOPPING=1'
is "$(status_key daemon)" "stopped" "daemon key says stopped"

# Without IDLE: a look every poll-interval.
service_config "$IMAPS_URL/INBOX" "[imap] idle = false" "[imap] poll-interval = 5"
n0=$(wc -l <"$SLT_TMP/sltd.log")
sltd_start || bail_out "sltd did not start (polling)"
ok "STATUS= says polling" notify_wait 'STATUS=polling' 10
sleep 1
imap_load INBOX "$SLT_CORPUS/0005.eml" >/dev/null
ok "polling: the message is answered within the interval" smtp_wait_count 5 8
is "$(recorded)" 5 "recorded by a poll"
nok "no IDLE was used" grep -q 'new mail announced in IDLE' <(tail -n +$((n0 + 1)) "$SLT_TMP/sltd.log")
sltd_stop
is "$?" 0 "polling sltd stops cleanly"

# Under systemd (JOURNAL_STREAM set) every line carries its sd-daemon
# priority, so journald keeps the levels.
imap_load INBOX "$SLT_CORPUS/0006.eml" >/dev/null
JOURNAL_STREAM=8:12345 "$SLTD" -c "$SLTD_CONF" --once 2>"$SLT_TMP/journal.err"
is "$?" 0 "sltd --once under JOURNAL_STREAM"
ok "every line has a <N> priority prefix" awk '!/^<[0-7]>/ { bad = 1 } END { exit bad || NR == 0 }' "$SLT_TMP/journal.err"
ok "the message line is at info level" grep -Eq '^<6>SLT-[0-9]+: ' "$SLT_TMP/journal.err"
done_testing
