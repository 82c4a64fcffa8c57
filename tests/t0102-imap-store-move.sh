#!/bin/bash
# SPDX-License-Identifier: MIT
# Marking and moving with sltd's IMAP client (`sltctl imap-probe`) against
# Dovecot: a keyword is set without touching \Seen; UID MOVE moves the exact
# message; errors carry the right class; without MOVE in the capabilities we
# refuse (we never delete), and without ESEARCH plain SEARCH is used.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

dovecot_start || bail_out "dovecot_start failed"
files=("$SLT_CORPUS"/000[1-6].eml)
uids=($(imap_load INBOX "${files[@]}")) || bail_out "imap_load failed"

probe() {
	"$SLTCTL" imap-probe --url "$IMAPS_URL/" --ca-file "$SLT_CA" --user "$IMAP_USER" \
		--password-file "$IMAP_PASS_FILE" "$@" 2>&1
}

out=$(probe select store 1 '$Processed' store 2 '$Processed' store 2 '\Flagged')
is "$?" 0 "UID STORE +FLAGS.SILENT of keywords exits 0"
is "$(imap_flags INBOX 1)" '$Processed' "UID 1 has \$Processed, and is still unseen"
is "$(imap_flags INBOX 2)" '$Processed \Flagged' "UID 2 has \$Processed and \\Flagged"
is "$(imap_flags INBOX 3)" '' "UID 3 untouched"

out=$(probe select store 4,6,5 '$Batch')
is "$?" 0 "one call marks a list of UIDs"
is "$(imap_uids INBOX KEYWORD '$Batch' | tr '\n' ' ')" "4 5 6 " "exactly UIDs 4, 5 and 6 got \$Batch"

out=$(probe select store 1 'two words')
like "$out" "imap: 'two words' is not an IMAP keyword \\(retry never, scope server\\)" \
	"a keyword that is not an atom is refused before it is sent"

out=$(probe select move 3 Processed)
is "$?" 0 "UID MOVE to Processed exits 0"
is "$(imap_uids INBOX | tr '\n' ' ')" "1 2 4 5 6 " "UID 3 left INBOX"
moved=$(imap_uids Processed | head -n1)
imap_fetch Processed "$moved" >"$SLT_TMP/moved.eml"
same_bytes "$SLT_TMP/moved.eml" "${files[2]}" "the moved message is 0003.eml, byte for byte"

out=$(probe select move 4 NoSuchBox)
like "$out" "imap: UID MOVE 4 \"NoSuchBox\" refused by '127.0.0.1': .*\\(retry backoff, scope mailbox\\)" \
	"MOVE to a missing mailbox: tagged NO, mailbox scope"
out=$(probe select move 4 'Verwerkt é')
like "$out" "mailbox name 'Verwerkt é' is not printable ASCII \\(retry never" \
	"a non-ASCII mailbox name is refused (no modified UTF-7 writer)"
is "$(imap_uids INBOX | tr '\n' ' ')" "1 2 4 5 6 " "failed moves left INBOX as it was"

imap_create Archief
out=$(probe select move 2,1 Archief)
is "$?" 0 "one call moves a list of UIDs"
is "$(imap_uids INBOX | tr '\n' ' ')" "4 5 6 " "UIDs 1 and 2 left INBOX"
is "$(imap_uids Archief | wc -l)" 2 "both are in Archief"

# The same server without MOVE and ESEARCH (imap_capability overrides what
# Dovecot announces), and with a raw log of what we send.
mkdir -p "$DOVECOT_DIR/rawlog"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$DOVECOT_DIR/rawlog"
cat >>"$DOVECOT_CONF" <<CONF
imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS
protocol imap {
  rawlog_dir = $DOVECOT_DIR/rawlog
}
CONF
dovecot_restart || bail_out "dovecot_restart failed"

out=$(probe caps)
is "$out" "caps IMAP4REV1 IDLE LITERAL+ UIDPLUS" "restarted Dovecot offers neither MOVE nor ESEARCH"
out=$(probe select move 5 Processed)
like "$out" "imap: '127.0.0.1' does not offer MOVE, and we never delete: leave move-to unset \\(retry never, scope mailbox\\)" \
	"without MOVE, moving is refused"
is "$(imap_uids INBOX | tr '\n' ' ')" "4 5 6 " "and nothing was copied or deleted"

out=$(probe select search 1 fetch 4 "$SLT_TMP/plain")
like "$out" "search 3: 4 5 6" "plain SEARCH: the UIDs above 1"
like "$out" "fetched 2 messages" "fetch after plain SEARCH: UIDs 5 and 6"
same_bytes "$SLT_TMP/plain/6.eml" "${files[5]}" "UID 6 fetched byte for byte"
rawin=$(cat "$DOVECOT_DIR"/rawlog/*.in)
like "$rawin" "s[0-9]+ UID SEARCH UID 2:\\*" "plain UID SEARCH is sent when ESEARCH is not offered"
unlike "$rawin" "RETURN \\(ALL\\)" "and no ESEARCH syntax"

done_testing
