#!/bin/bash
# SPDX-License-Identifier: MIT
# UIDVALIDITY changes (the mailbox is recreated and refilled): sltd rescans
# from UID 0 and records nothing twice (dedupe on Message-ID + SHA-256),
# records what is new, and sets its keyword again on the messages under
# their new UIDs.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

DOVECOT_MAILBOXES="Desk" dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config "$IMAPS_URL/Desk" '[imap] keyword = $SltRecorded'

files=("$SLT_CORPUS"/*.eml)
n=${#files[@]}
imap_load Desk "${files[@]}" >/dev/null || bail_out "imap_load failed"
v1=$(imap_status Desk uidvalidity)
sltd_once
is "$?" 0 "first pass exits 0"
is "$(sql "SELECT count(*) FROM messages")" "$n" "$n messages recorded"
is "$(imap_uids Desk KEYWORD '$SltRecorded' | wc -l)" "$n" "each carries the keyword"
like "$(cat "$SLT_TMP/sltd.err")" "$n keyword/move" "the pass reports the keywords set"
is "$(sql "SELECT count(*) FROM messages WHERE imap_pending")" 0 "no keyword left to set"

# Recreate the mailbox: a new UIDVALIDITY (Dovecot takes the time, so wait
# a second), the same messages plus two new ones, in another order.
imap_delete Desk || bail_out "imap_delete failed"
sleep 1.1
imap_create Desk || bail_out "imap_create failed"
new1=$SLT_TMP/new1.eml
new2=$SLT_TMP/new2.eml
printf 'From: x@example.org\r\nSubject: nieuw 1\r\nMessage-ID: <new1@example.org>\r\n\r\nhallo\r\n' >"$new1"
# No Message-ID at all: dedupe rests on the bytes alone.
printf 'From: y@example.org\r\nSubject: nieuw 2\r\n\r\nzonder id\r\n' >"$new2"
imap_load Desk "$new1" "${files[@]:80}" "$new2" "${files[@]:0:80}" >/dev/null || bail_out "reload failed"
v2=$(imap_status Desk uidvalidity)
isnt "$v2" "$v1" "the mailbox has a new UIDVALIDITY ($v1 -> $v2)"

sltd_once
is "$?" 0 "the pass after the change exits 0"
like "$(cat "$SLT_TMP/sltd.err")" "UIDVALIDITY of 'Desk' changed from $v1 to $v2: rescanning" "the change is logged"
like "$(cat "$SLT_TMP/sltd.err")" "$((n + 2)) found, 2 recorded \\(2 new requests\\), $n duplicates, 0 dead letters" \
	"rescan: $n duplicates, only the 2 new recorded"
is "$(sql "SELECT count(*) FROM messages")" "$((n + 2))" "no message recorded twice"
is "$(sql "SELECT count(DISTINCT coalesce(message_id, '') || hex(sha256)) FROM messages")" "$((n + 2))" \
	"every (Message-ID, SHA-256) once"
is "$(sql "SELECT uidvalidity || ' ' || last_uid FROM checkpoints WHERE mailbox = 'Desk'")" "$v2 $((n + 2))" \
	"the checkpoint follows the new UIDVALIDITY"
is "$(sql "SELECT count(*) FROM messages WHERE uidvalidity != $v2")" 0 "every message's location is the new one"
is "$(imap_uids Desk KEYWORD '$SltRecorded' | wc -l)" "$((n + 2))" "the keyword is set again under the new UIDs"
# The location moved with the message: the first sample is now UID 163 - 80.
first=$(basename "${files[0]}")
uid_now=$(sql "SELECT uid FROM messages WHERE message_id = (SELECT message_id FROM messages ORDER BY id LIMIT 1)")
is "$uid_now" "$((n + 2 - 80 + 1))" "a duplicate's UID is updated to where it is now ($first)"

sltd_once
like "$(last_pass)" "^0 found, 0 recorded" "a pass after that finds nothing"

done_testing
