#!/bin/bash
# SPDX-License-Identifier: MIT
# SIGHUP reloads the configuration and the templates: a good new config
# is used from the next message on (RELOADING=1, then READY=1); a bad one
# (an unknown key, a broken template) is refused with the reason in the
# log and in the status key last-reload, and the running config stays.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"
# Seconds to wait for a reply: more under ASan (a pass after a reload
# took longer than 5 s once in CI under SANITIZE=1 on a busy machine).
W=5
[ "${SANITIZE:-0}" = 1 ] && W=30

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"
sltd_start || bail_out "sltd did not start"

reply_has() { # N WORD: the Nth reply's file contains WORD
	grep -q -- "$2" "$(smtp_messages | sed -n "${1}p")"
}

imap_load INBOX "$SLT_CORPUS/0001.eml" >/dev/null
ok "first reply" smtp_wait_count 1 $W
nok "it does not carry the marker yet" reply_has 1 ReloadMarker42

# A good change.
good=$(cat "$SLTD_CONF")
printf '%s\n[replies]\nstaff-contact = ReloadMarker42\n' "$good" >"$SLTD_CONF"
slt_kill sltd HUP
ok "RELOADING=1 on the notify socket" notify_wait 'RELOADING=1' 5
ok "READY=1 again after the reload" until_is 5 2 notify_count 'READY=1'
ok "last-reload says ok" until_is 5 ok status_key last-reload
imap_load INBOX "$SLT_CORPUS/0002.eml" >/dev/null
ok "second reply" smtp_wait_count 2 $W
ok "it uses the new config" reply_has 2 ReloadMarker42

# A bad config: an unknown key.
printf '%s\n[replies]\nstaff-contact = OtherMarker\n[imap]\nno-such-key = 1\n' "$good" >"$SLTD_CONF"
slt_kill sltd HUP
ok "refused, and says why" until_is 5 1 \
	sql "SELECT count(*) FROM daemon_status WHERE key = 'last-reload' AND value LIKE 'refused: %no-such-key%'"
ok "logged at error level with file:line" log_has "error: reload refused.*sltd.conf:[0-9]+: \\[imap\\] no-such-key"
imap_load INBOX "$SLT_CORPUS/0003.eml" >/dev/null
ok "third reply" smtp_wait_count 3 $W
ok "the running config stayed" reply_has 3 ReloadMarker42
nok "the refused one was not used" reply_has 3 OtherMarker

# A broken template.
mkdir -p "$SLT_TMP/tpl"
cp -R "$SLT_SRCDIR/templates/." "$SLT_TMP/tpl/"
printf 'Geachte {{ naam\n' >>"$SLT_TMP/tpl/ack-vraag.txt"
printf '%s\n[replies]\nstaff-contact = OtherMarker\ntemplates = %s\n' "$good" "$SLT_TMP/tpl" >"$SLTD_CONF"
slt_kill sltd HUP
ok "a broken template is refused" until_is 5 2 \
	sql "SELECT count(*) + 1 FROM daemon_status WHERE key = 'last-reload' AND value LIKE 'refused: %ack-vraag%'"
imap_load INBOX "$SLT_CORPUS/0004.eml" >/dev/null
ok "fourth reply" smtp_wait_count 4 $W
ok "still the running config" reply_has 4 ReloadMarker42
ok "sltd is still alive" kill -0 "$(slt_pid sltd)"

sltd_stop
is "$?" 0 "sltd stops cleanly"
done_testing
