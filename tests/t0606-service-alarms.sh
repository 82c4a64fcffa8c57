#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 300
# Silent failures raised loudly (error-level log, STATUS= "ALARM: ...",
# alarm-* status keys for `sltctl status`), and cleared when they end:
# an outbox that does not drain (a reply queued longer than [alerts]
# outbox-stale-hours), no mail for [alerts] quiet-office-hours office
# hours, an SMTP login refused, an SMTP certificate not verified. The
# store's clock (SLT_STORE_NOW) stands in for the hours that pass.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600" "[alerts] quiet-office-hours = 16"
alarm() { sql "SELECT value FROM daemon_status WHERE key = 'alarm-$1'"; }
has_alarm() { [ -n "$(alarm "$1")" ]; }

# A reply that cannot leave: the sink answers 451 to every MAIL.
smtp_fail MAIL 451
sltd_start || bail_out "sltd did not start"
imap_load INBOX "$SLT_CORPUS/0001.eml" >/dev/null
ok "the reply is queued and was tried" until_is 10 1 \
	sql "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts >= 1"
nok "no outbox alarm for a fresh reply" has_alarm outbox
sltd_stop

# Five hours later (outbox-stale-hours defaults to 4).
now=$(date +%s)
SLT_STORE_NOW=$(( now + 5 * 3600 )) sltd_start || bail_out "sltd did not start (+5 h)"
ok "alarm-outbox is raised" slt_wait_until 10 has_alarm outbox
like "$(alarm outbox)" '^1 reply queued for more than 4 h, the oldest since .*; last error: .*451' \
	"it says how many, since when, and the last error"
ok "logged at error level" log_has 'error: ALARM outbox: 1 reply queued'
ok "STATUS= shows it" notify_wait 'STATUS=.*1 in outbox.*ALARM: outbox' 5
nok "five wall-clock hours are not 16 office hours" has_alarm quiet
sltd_stop

# Eight days later: no mail for far more than 16 office hours. (The
# reply is older than 5 days by then: it is given up, failed, and the
# outbox alarm ends.)
smtp_fail_clear
SLT_STORE_NOW=$(( now + 8 * 86400 )) sltd_start || bail_out "sltd did not start (+8 days)"
ok "alarm-quiet is raised" slt_wait_until 10 has_alarm quiet
like "$(alarm quiet)" '^no mail for [0-9]+ office hours \(since ' "it says for how long and since when"
ok "logged at error level" log_has 'error: ALARM quiet: no mail for'
ok "the outbox alarm is over" until_is 10 "" alarm outbox
is "$(sql "SELECT state FROM outbox")" failed "the reply was given up after 5 days"
ok "STATUS= shows the quiet alarm" notify_wait 'STATUS=.*ALARM: quiet' 5
imap_load INBOX "$SLT_CORPUS/0002.eml" >/dev/null
ok "new mail ends the quiet alarm" until_is 10 "" alarm quiet
sltd_stop

# SMTP login refused.
printf 'not-the-password' >"$SLT_TMP/bad-smtp-pass"
chmod 600 "$SLT_TMP/bad-smtp-pass"
sed -i "s|^password-file = $SMTP_PASS_FILE|password-file = $SLT_TMP/bad-smtp-pass|" "$SLTD_CONF"
sltd_start || bail_out "sltd did not start (bad SMTP password)"
imap_load INBOX "$SLT_CORPUS/0003.eml" >/dev/null
ok "alarm-smtp-auth is raised" slt_wait_until 10 has_alarm smtp-auth
diag "alarm-smtp-auth: $(alarm smtp-auth)"
nok "no alarm-smtp-tls for a login problem" has_alarm smtp-tls
nok "the password is not in the log" grep -qF 'not-the-password' "$SLT_TMP/sltd.log"
sltd_stop

# SMTP certificate not verified (no test CA).
sed -i "s|^password-file = $SLT_TMP/bad-smtp-pass|password-file = $SMTP_PASS_FILE|" "$SLTD_CONF"
awk -v ca="$SLT_CA" '/^\[/ { g = $0 } !(g == "[smtp]" && $0 == "ca-file = " ca) { print }' \
	"$SLTD_CONF" >"$SLTD_CONF.tmp" && mv "$SLTD_CONF.tmp" "$SLTD_CONF"
sltd_start || bail_out "sltd did not start (no SMTP CA)"
imap_load INBOX "$SLT_CORPUS/0004.eml" >/dev/null
ok "alarm-smtp-tls is raised" slt_wait_until 10 has_alarm smtp-tls
diag "alarm-smtp-tls: $(alarm smtp-tls)"
sltd_stop
is "$?" 0 "sltd stops cleanly"
done_testing
