#!/bin/bash
# SPDX-License-Identifier: MIT
# The AVG commands on a database built from the sample corpus through the
# real servers: export-person gives everything about one person (audited);
# forget leaves nothing of the person behind (every table, the FTS index,
# the database file's bytes) while anonymous counts stay, and is audited
# without the address; purge applies a retention period; forget and purge
# ask on a terminal and refuse without --yes when stdin is not one.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config
imap_load INBOX "$SLT_CORPUS"/*.eml >/dev/null || bail_out "imap_load failed"
sltd_once || bail_out "sltd --once failed"

export SLTCTL_USER=bea
ctl() { "$SLTCTL" -c "$SLTD_CONF" "$@"; }
# In the corpus: three messages (0013, 0014, 0018) in two requests, one a
# read receipt; replies went to the address.
addr=gj.lubbers@emmen.nl
name=lubbers
reqs=$(sql "SELECT group_concat(id) FROM (SELECT DISTINCT request_id id FROM messages WHERE from_addr = '$addr' ORDER BY 1)")
ok "the person has requests ($reqs)" test -n "$reqs"
ok "and replies were sent to them" test "$(sql "SELECT count(*) FROM outbox WHERE rcpt = '$addr'")" -gt 0
ctl note "SLT-${reqs%%,*}" "Lubbers belde over de indicatoren" >/dev/null || bail_out "note failed"

# ---- export-person ---------------------------------------------------------------
ctl export-person "$addr" >"$SLT_TMP/person.json"
is "$?" 0 "export-person exits 0"
is "$("$SLT_PY" - "$SLT_TMP/person.json" "$SLTD_DB" "$addr" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
addr = sys.argv[3]
bad = []
want = [r[0] for r in db.execute("SELECT DISTINCT request_id FROM messages WHERE lower(from_addr) = ? UNION SELECT id FROM requests WHERE lower(requester_addr) = ? ORDER BY 1", (addr, addr))]
if [r["id"] for r in j["requests"]] != want: bad.append("requests %r != %r" % ([r["id"] for r in j["requests"]], want))
texts = {r[0]: r[1] for r in db.execute("SELECT id, new_text FROM messages WHERE request_id IN (%s)" % ",".join(map(str, want)))}
for r in j["requests"]:
    for m in r["messages"]:
        if m["new_text"] != texts.get(m["id"]): bad.append("text of %d" % m["id"])
    if not r["replies"] or not r["history"]: bad.append("replies/history of %d" % r["id"])
w = db.execute("SELECT count(*) FROM waitlist WHERE lower(addr) = ?", (addr,)).fetchone()[0]
if len(j["waitlist"]) != w: bad.append("waitlist")
if j["address"] != addr: bad.append("address")
print("ok" if not bad else "; ".join(bad))
EOF
)" ok "export-person: every request in full (messages, replies, history) and the waiting list"
token=sha256:$(printf '%s' "$addr" | sha256sum | cut -d' ' -f1)
is "$(sql "SELECT who || '|' || action || '|' || target FROM audit WHERE action = 'export-person'")" \
	"bea|export-person|$token" "export-person is audited (by whom; the address as a hash)"
out=$(ctl export-person nobody@example.org)
is "$?" 0 "export-person of an unknown address exits 0"
is "$(echo "$out" | "$SLT_PY" -c 'import json,sys; j=json.load(sys.stdin); print(len(j["requests"]), len(j["waitlist"]))')" "0 0" \
	"and holds nothing"
out=$(ctl export-person not-an-address 2>&1)
is "$?" 2 "export-person refuses what is no address"
like "$out" "^sltctl: export-person: not a mail address 'not-an-address'$" "with one line"

# ---- forget: confirmation ------------------------------------------------------------
before_requests=$(sql "SELECT count(*) FROM requests")
before_messages=$(sql "SELECT count(*) FROM messages")
out=$(ctl forget "$addr" </dev/null 2>&1)
is "$?" 1 "forget without --yes and without a terminal is refused"
like "$out" "^sltctl: forget: not confirmed: stdin is not a terminal \\(use --yes\\)$" "with one line"
is "$(sql "SELECT count(*) FROM messages WHERE from_addr = '$addr'")" 3 "and nothing was erased"
# On a terminal it asks; "n" keeps everything.
tty_run() { # ANSWER ARGS...: run sltctl on a pseudo-terminal, typing ANSWER
	"$SLT_PY" - "$@" <<'EOF'
import os, pty, sys, time
answer = sys.argv[1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
sent = False
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and b"[j/N]" in out:
        os.write(fd, answer)
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
}
out=$(tty_run n "$SLTCTL" -c "$SLTD_CONF" forget "$addr")
is "$?" 1 "on a terminal, answering n refuses"
like "$out" "Alles van '$addr' wissen \\(2 verzoeken\\)\\? .*\\[j/N\\]" "it asked, naming what it would erase"
is "$(sql "SELECT count(*) FROM messages WHERE from_addr = '$addr'")" 3 "nothing was erased"

# ---- forget ------------------------------------------------------------------------------
out=$(tty_run j "$SLTCTL" -c "$SLTD_CONF" forget "${addr^^}")
is "$?" 0 "on a terminal, answering j erases (the address in any case)"
like "$out" "gewist: 2 verzoeken, [0-9]+ berichten" "it says what it erased"

leftover=$(sqlite3 -batch "$SLTD_DB" <<EOF
SELECT 'messages', count(*) FROM messages WHERE lower(coalesce(from_addr,'') || coalesce(reply_to,'') || coalesce(sender,'') || coalesce(text,'') || coalesce(subject,'') || coalesce(from_name,'') || coalesce(to_list,'') || coalesce(cc_list,'') || coalesce(new_text,'') || coalesce(quoted_text,'') || coalesce(signature,'')) LIKE '%$name%';
SELECT 'raw', count(*) FROM messages WHERE request_id IN ($reqs) AND raw IS NOT NULL;
SELECT 'raw bytes', count(*) FROM messages WHERE instr(lower(CAST(raw AS TEXT)), '$name') > 0;
SELECT 'requests', count(*) FROM requests WHERE lower(coalesce(requester_addr,'') || coalesce(requester_name,'') || coalesce(subject,'')) LIKE '%$name%';
SELECT 'history', count(*) FROM request_history WHERE lower(detail) LIKE '%$name%' OR detail LIKE '%@emmen.nl%';
SELECT 'waitlist', count(*) FROM waitlist WHERE lower(addr) LIKE '%$name%' OR lower(name) LIKE '%$name%';
SELECT 'outbox', count(*) FROM outbox WHERE lower(rcpt || coalesce(subject,'')) LIKE '%$name%' OR instr(lower(CAST(raw AS TEXT)), '$name') > 0;
SELECT 'attachments', count(*) FROM message_attachments WHERE message_row IN (SELECT id FROM messages WHERE request_id IN ($reqs)) AND filename IS NOT NULL;
SELECT 'fts', count(*) FROM messages_fts WHERE messages_fts MATCH '$name';
SELECT 'audit', count(*) FROM audit WHERE lower(coalesce(target,'') || coalesce(detail,'')) LIKE '%$name%';
EOF
)
leftover=$(echo "$leftover" | grep -v '|0$')
vocab=$(sqlite3 "$SLTD_DB" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 'messages_fts', 'row'); SELECT count(*) FROM temp.v WHERE term LIKE '%$name%' OR term LIKE '%emmen%';")
is "$leftover" "" "no table holds anything of the person (messages, raw, requests, history, waiting list, outbox, attachments, FTS, audit)"
is "$vocab" 0 "the FTS index has no token of the person left (fts5vocab)"
is "$(sql "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1); SELECT 'ok'")" ok \
	"the FTS index still matches the table"
sqlite3 "$SLTD_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
is "$(cat "$SLTD_DB" "$SLTD_DB-wal" 2>/dev/null | grep -a -i -c "$name")" 0 "the database file has no byte of the name left"
is "$(sql "SELECT count(*) FROM requests")" "$before_requests" "the requests stay, as anonymous counts"
is "$(sql "SELECT count(*) FROM messages")" "$before_messages" "the message rows stay (Message-ID and hash keep a rescan from bringing them back)"
is "$(sql "SELECT count(*) FROM requests WHERE id IN ($reqs) AND intent IS NOT NULL AND erased_at IS NOT NULL")" 2 \
	"labels stay for statistics; the requests are marked erased"
is "$(sql "SELECT who || '|' || action || '|' || target FROM audit WHERE action = 'forget'")" "bea|forget|$token" \
	"forget is audited, naming a hash of the address"
like "$(ctl show "SLT-${reqs%%,*}")" "\\(gewist\\)" "show says the messages were erased"
is "$(sql "PRAGMA integrity_check")" ok "integrity_check ok"

# A rescan brings nothing back: the same bytes dedupe on Message-ID + hash.
sql "DELETE FROM checkpoints"
sltd_once
like "$(cat "$SLT_TMP/sltd.err")" "0 recorded" "a rescan of the mailbox records nothing again"
is "$(sql "SELECT count(*) FROM messages WHERE lower(from_addr) = '$addr'")" 0 "the person stays forgotten"

# ---- purge --------------------------------------------------------------------------------
out=$(ctl purge --older-than 30d </dev/null 2>&1)
is "$?" 1 "purge without --yes and without a terminal is refused"
out=$(ctl purge --older-than soon --yes 2>&1)
is "$?" 2 "a bad duration is refused"
like "$out" "^sltctl: purge: bad duration 'soon' \\(e.g. 730d, 12h\\)$" "with one line"
out=$(ctl purge --yes 2>&1)
is "$?" 2 "without --older-than and without retention-days: refused"
like "$out" "retention-days" "naming the setting"
# Age three requests: no activity for 800 days.
old=$(( $(date +%s) - 800 * 86400 ))
sql "UPDATE requests SET updated_at = $old, last_message_at = $old WHERE id IN (SELECT id FROM requests WHERE erased_at IS NULL ORDER BY id LIMIT 3)"
old_ids=$(sql "SELECT group_concat(id) FROM requests WHERE updated_at = $old")
out=$(ctl --json purge --older-than 730d --yes)
is "$?" 0 "purge --older-than 730d --yes exits 0"
is "$(echo "$out" | "$SLT_PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" 3 "it erased the three old requests"
is "$(sql "SELECT count(*) FROM messages WHERE request_id IN ($old_ids) AND (raw IS NOT NULL OR text IS NOT NULL OR from_addr IS NOT NULL)")" 0 \
	"their messages lost bytes, text and sender"
is "$(sql "SELECT count(*) FROM requests WHERE erased_at IS NULL")" "$(( before_requests - 2 - 3 ))" "the rest is untouched"
like "$(sql "SELECT who || '|' || action FROM audit WHERE action = 'purge'")" "^bea\\|purge$" "purge is audited"
# The retention period from the config.
service_config "$IMAPS_URL/INBOX" "[store] retention-days = 3650"
out=$(ctl --json purge --yes)
is "$?" 0 "purge without --older-than uses retention-days"
is "$(echo "$out" | "$SLT_PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"])')" 0 "and 3650 days keeps everything"

done_testing
