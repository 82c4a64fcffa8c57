#!/bin/bash
# SPDX-License-Identifier: MIT
# After a message is committed, sltd sets its keyword and MOVEs it (as
# configured), never deletes, and leaves \Seen as people left it. A MOVE
# that fails (no such folder) leaves the message recorded and the MOVE
# pending; the next pass does it. Work left pending by a pass that died
# after its commit is done by the next pass.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"

# Message-ID and whether it is \Seen and has the keyword, per message of a
# mailbox, sorted: "id seen kw".
state() {
	/usr/bin/python3 - "$1" <<'EOF'
import imaplib, os, re, sys
m = imaplib.IMAP4("127.0.0.1", int(os.environ["IMAP_PORT"]))
m.login(os.environ["IMAP_USER"], os.environ["IMAP_PASS"])
m.select('"%s"' % sys.argv[1], readonly=True)
typ, data = m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
out = []
for d in data:
    if not isinstance(d, tuple):
        continue
    flags = re.search(rb"FLAGS \(([^)]*)\)", d[0]).group(1).split()
    mid = d[1].decode().split(":", 1)[1].strip() if b":" in d[1] else "-"
    out.append("%s %s %s" % (mid, int(b"\\Seen" in flags), int(b"$SltRecorded" in flags)))
print("\n".join(sorted(out)))
EOF
}

files=("$SLT_CORPUS"/*.eml)
n=${#files[@]}
args=()
for (( i = 0; i < n; i++ )); do
	if (( i % 4 == 1 )); then args+=(--flags='\Seen'); else args+=(--flags=); fi
	args+=("${files[i]}")
done
imap_load INBOX "${args[@]}" >/dev/null || bail_out "imap_load failed"
before=$(state INBOX | sed 's/ [01]$//')

service_config "$IMAPS_URL/INBOX" '[imap] keyword = $SltRecorded' '[imap] move-to = Processed'
sltd_once
is "$?" 0 "pass with keyword and move-to exits 0"
is "$(sql "SELECT count(*) FROM messages")" "$n" "$n messages recorded"
is "$(imap_status INBOX messages)" 0 "INBOX is empty: every message was moved"
is "$(imap_status Processed messages)" "$n" "Processed holds all $n (nothing deleted)"
after=$(state Processed)
is "$(echo "$after" | sed 's/ [01]$//')" "$before" "each message keeps its own \\Seen state through the move"
is "$(echo "$after" | grep -c ' 1$')" "$n" "each carries the keyword"
is "$(sql "SELECT count(*) FROM messages WHERE imap_pending")" 0 "no IMAP work pending"

# A MOVE that fails: recorded, the move stays pending, the pass says why.
service_config "$IMAPS_URL/INBOX" '[imap] move-to = Nergens'
extra=$(imap_load INBOX "$SLT_SRCDIR/tests/imap-poison/p1-untagged.eml" "$SLT_SRCDIR/tests/imap-poison/p2-long-line.eml" | tr '\n' ' ')
sltd_once
rc=$?
isnt "$rc" 0 "a failing MOVE makes the pass fail (exit $rc)"
like "$(cat "$SLT_TMP/sltd.err")" "Nergens" "the error names the folder"
is "$(sql "SELECT count(*) FROM messages")" "$((n + 2))" "the messages are recorded all the same"
is "$(sql "SELECT count(*) FROM messages WHERE imap_pending")" 2 "their MOVE is pending"
is "$(imap_status INBOX messages)" 2 "they are still in INBOX"

service_config "$IMAPS_URL/INBOX" '[imap] move-to = Processed'
sltd_once
is "$?" 0 "with the folder fixed the next pass exits 0"
like "$(last_pass)" "^0 found, 0 recorded .* 2 keyword/move" "it does the pending MOVEs, fetching nothing"
is "$(imap_status INBOX messages)" 0 "INBOX is empty again"
is "$(sql "SELECT count(*) FROM messages WHERE imap_pending")" 0 "nothing pending"

# Work left pending by a pass killed between its commit and the IMAP
# commands (made by hand here): the next pass does it.
service_config "$IMAPS_URL/INBOX" '[imap] keyword = $SltRecorded'
imap_load INBOX "${files[0]%.eml}.eml" >/dev/null
uid=$(imap_uids INBOX | tail -n1)
sltd_once
like "$(cat "$SLT_TMP/sltd.err")" "1 found, 0 recorded .* 1 duplicates" "a copy of a recorded message is a duplicate"
imap_store INBOX "$uid" -FLAGS '$SltRecorded' || bail_out "imap_store failed"
sql "UPDATE messages SET imap_pending = 1 WHERE uid = $uid"
sltd_once
is "$?" 0 "the next pass exits 0"
like "$(imap_flags INBOX "$uid")" '\$SltRecorded' "and sets the keyword left pending"

done_testing
