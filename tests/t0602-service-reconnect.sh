#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 400
# sltd keeps going through server failures: Dovecot killed and restarted
# while sltd sits in IDLE (reconnect with backoff, no spinning, nothing
# lost: mail that came while it was down is recorded once); the SMTP
# server down and back (the reply waits in the outbox and is sent on its
# retry, once); a login refused raises alarm-imap-auth and it clears when
# the login works again.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600" "[imap] timeout = 10"
sltd_start || bail_out "sltd did not start"
notify_wait 'STATUS=idle' 10 || bail_out "sltd did not reach IDLE"

imap_load INBOX "$SLT_CORPUS/0001.eml" >/dev/null
ok "first message answered" smtp_wait_count 1 5

# ---- Dovecot restarted mid-IDLE ------------------------------------------
notify_mark
dovecot_kill
sleep 2
# While Dovecot is down sltd backs off: a handful of attempts, not a spin.
attempts=$(grep -c 'next attempt in' "$SLT_TMP/sltd.log")
diag "attempts while Dovecot was down for 2 s: $attempts"
ok "sltd noticed the broken IDLE connection" test "$attempts" -ge 1
ok "and did not spin (at most 6 attempts in 2 s)" test "$attempts" -le 6
ok "STATUS= says reconnecting" notify_has 'STATUS=reconnecting in [0-9]+ s'
dovecot_restart >/dev/null 2>&1 || dovecot_start_again_failed=1
[ -z "${dovecot_start_again_failed:-}" ] || bail_out "dovecot did not come back"
# Mail that lands right after the restart, before sltd is back in IDLE.
imap_load INBOX "$SLT_CORPUS/0002.eml" "$SLT_CORPUS/0003.eml" >/dev/null
ok "messages appended after the restart are answered" smtp_wait_count 3 40
ok "back in IDLE" notify_wait 'STATUS=idle, 0 in outbox, last mail' 40
imap_load INBOX "$SLT_CORPUS/0004.eml" >/dev/null
ok "IDLE works again after the reconnect" smtp_wait_count 4 5
is "$(recorded)" 4 "every message recorded once"
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" 4 "every reply sent once"
is "$(smtp_count)" 4 "the sink got each reply once"

# ---- SMTP down and back --------------------------------------------------
notify_mark
smtp_kill
imap_load INBOX "$SLT_CORPUS/0005.eml" >/dev/null
ok "recorded while the SMTP server is down" until_is 10 5 recorded
ok "the reply waits in the outbox with its error" until_is 10 1 \
	sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts >= 1"
like "$(status_key last-error)" '^smtp: ' "last-error names the SMTP failure"
ok "STATUS= counts it" notify_wait 'STATUS=idle, 1 in outbox' 5
smtp_restart || bail_out "smtp_restart failed"
# The outbox's first retry comes after 1 minute (outbox.h).
ok "sent on its retry once the server is back" smtp_wait_count 5 100
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" 5 "all five replies sent"
sleep 1
is "$(smtp_count)" 5 "the restarted sink got exactly the one reply more"
ok "STATUS= back to an empty outbox" notify_wait 'STATUS=idle, 0 in outbox' 40

sltd_stop
is "$?" 0 "sltd stops cleanly"

# ---- login refused: an alarm, and it clears ------------------------------
printf 'wrong-password' >"$SLT_TMP/bad-pass"
chmod 600 "$SLT_TMP/bad-pass"
sed -i "s|^password-file = $IMAP_PASS_FILE|password-file = $SLT_TMP/bad-pass|" "$SLTD_CONF"
sltd_start || bail_out "sltd did not start (bad password)"
ok "alarm-imap-auth is raised" until_is 10 1 \
	sql "SELECT count(*) FROM daemon_status WHERE key = 'alarm-imap-auth'"
ok "logged at error level" log_has 'error: ALARM imap-auth'
ok "STATUS= shows the alarm" notify_wait 'STATUS=reconnecting.*ALARM: imap-auth' 5
nok "the password is not in the log" grep -qF 'wrong-password' "$SLT_TMP/sltd.log"
sltd_stop
is "$?" 0 "stops cleanly while backing off"
sed -i "s|^password-file = $SLT_TMP/bad-pass|password-file = $IMAP_PASS_FILE|" "$SLTD_CONF"
sltd_start || bail_out "sltd did not start (good password)"
ok "the alarm clears after a good login" until_is 10 "" status_key alarm-imap-auth
sltd_stop
done_testing
