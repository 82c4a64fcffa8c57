#!/bin/bash
# SPDX-License-Identifier: MIT
# sltd --once and the server's identity: imaps and imap+STARTTLS work with
# the test CA; without it (system store) the certificate is refused with a
# clear message and exit 77, as is a wrong password; a server that is not
# there exits 75 (try again). No failure moves the checkpoint or records
# anything, and the password never shows.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
imap_load INBOX "$SLT_CORPUS"/000[1-5].eml >/dev/null || bail_out "imap_load failed"

service_config "$IMAPS_URL/INBOX" '[imap] ca-file ='
sltd_once
is "$?" 77 "imaps without the test CA: exit 77 (an administrator must act)"
err=$(cat "$SLT_TMP/sltd.err")
like "$err" "certificate" "the message says it is about the certificate"
like "$err" "127\\.0\\.0\\.1" "and names the server"
unlike "$err" "$IMAP_PASS" "the password is not in it"
is "$(sql "SELECT count(*) FROM messages")" 0 "nothing recorded"
is "$(sql "SELECT count(*) FROM checkpoints")" 0 "no checkpoint"

# The same refusal over STARTTLS (imap:// requires it: no allow-plaintext).
service_config "$IMAP_URL/INBOX" '[imap] ca-file ='
sed -i '/^allow-plaintext = true$/d' "$SLTD_CONF"
sltd_once
is "$?" 77 "imap:// (STARTTLS) without the test CA: exit 77"
like "$(cat "$SLT_TMP/sltd.err")" "certificate" "the certificate is named"
service_config "$IMAP_URL/INBOX"
sed -i '/^allow-plaintext = true$/d' "$SLTD_CONF"
sltd_once
is "$?" 0 "imap:// with STARTTLS and the test CA works"
is "$(sql "SELECT count(*) FROM messages")" 5 "and records the messages"

sql "DELETE FROM checkpoints"
service_config "$IMAPS_URL/INBOX"
sltd_once
is "$?" 0 "imaps with the test CA works"
like "$(cat "$SLT_TMP/sltd.err")" "5 found, 0 recorded .* 5 duplicates" "a rescan finds the five already recorded"

printf 'not-the-password' >"$SLT_TMP/wrong-pass"
IMAP_PASS_FILE=$SLT_TMP/wrong-pass service_config "$IMAPS_URL/INBOX"
imap_load INBOX "$SLT_CORPUS"/0006.eml >/dev/null
cp_before=$(sql "SELECT last_uid FROM checkpoints")
sltd_once
is "$?" 77 "a wrong password: exit 77"
like "$(cat "$SLT_TMP/sltd.err")" "login refused for '$IMAP_USER'" "the message says the login was refused, for whom"
unlike "$(cat "$SLT_TMP/sltd.err")" "not-the-password" "the password is not in it"
is "$(sql "SELECT last_uid FROM checkpoints")" "$cp_before" "the checkpoint did not move"
is "$(sql "SELECT count(*) FROM messages")" 5 "nothing recorded"

port=$(slt_free_ports 1)
service_config "imaps://127.0.0.1:$port/INBOX"
sltd_once
is "$?" 75 "no server: exit 75 (temporary, try again)"
like "$(cat "$SLT_TMP/sltd.err")" "127\\.0\\.0\\.1:$port" "the message names the address"
is "$(sql "SELECT value FROM daemon_status WHERE key = 'last-error'" | grep -c "$port")" 1 \
	"the last error is kept for sltctl status"

done_testing
