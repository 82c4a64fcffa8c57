#!/bin/bash
# SPDX-License-Identifier: MIT
# sltctl's request queue on a database built by ingesting the sample
# corpus through the real servers: list (columns, every filter, --json
# field by field), show (--json field by field, folded quotes), assign,
# status, note (history with who and when), relabel (the correction kept
# for training, the reply it implies, never sent silently), search (FTS5),
# deadletters and reprocess, stats, status, export csv/json, help, and bad
# input (unknown reference, bad dates, unknown theme, bad status).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config
# Not a message at all: a dead letter whose bytes are kept.
notmsg=$SLT_TMP/notmsg.eml
printf 'Dit is geen bericht, alleen tekst\r\nzonder kopregels\r\n' >"$notmsg"
sltd_once || bail_out "first pass on an empty mailbox failed"
# A message the store refuses once (a test trigger): a dead letter that
# reprocess records after the trigger is gone.
sql "CREATE TRIGGER test_refuse BEFORE INSERT ON messages WHEN new.subject = 'weiger mij'
     BEGIN SELECT RAISE(ABORT, 'test refuses this message'); END"
refused=$SLT_TMP/refused.eml
printf 'From: Rob Refuse <r@example.org>\r\nTo: stevigelokaleteams@vng.test\r\nSubject: weiger mij\r\nMessage-ID: <refused@example.org>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\r\nGraag een sparringsessie over visie.\r\n' >"$refused"
imap_load INBOX "$SLT_CORPUS"/*.eml "$notmsg" "$refused" >/dev/null || bail_out "imap_load failed"
sltd_once || bail_out "sltd --once failed"
sql "DROP TRIGGER test_refuse"
n=$(sql "SELECT count(*) FROM requests")
ok "the corpus is recorded ($n requests)" test "$n" -gt 100

export SLTCTL_USER=anna
ctl() { "$SLTCTL" -c "$SLTD_CONF" "$@"; }
py() { "$SLT_PY" - "$@"; }

# ---- help ------------------------------------------------------------------
out=$(ctl help)
is "$?" 0 "help exits 0"
for verb in list show assign status note relabel search deadletters reprocess stats export \
	forget export-person purge corrections; do
	like "$out" "  $verb " "help lists $verb"
done
out=$(ctl help relabel 2>&1)
like "$out" "--send-reply" "help relabel shows its options"
out=$(ctl help bogus 2>&1)
is "$?" 1 "help of an unknown command fails"
like "$out" "^sltctl: no command 'bogus'" "with one line"

# ---- list --------------------------------------------------------------------
out=$(ctl list --all)
is "$?" 0 "list --all exits 0"
like "$(echo "$out" | head -1)" "^VERZOEK +DATUM +ORGANISATIE +INTENTIE +THEMA +STATUS +BEHANDELAAR +! +ONDERWERP$" \
	"header: reference, date, organisation, intent, theme, status, assignee, review mark, subject"
is "$(echo "$out" | tail -n +2 | wc -l)" "$n" "one line per request"
newest=$(sql "SELECT ref FROM requests ORDER BY opened_at DESC, id DESC LIMIT 1")
like "$(echo "$out" | sed -n 2p)" "^$newest " "newest first"
rev=$(sql "SELECT ref FROM requests WHERE review ORDER BY opened_at DESC, id DESC LIMIT 1")
if [ -n "$rev" ]; then
	like "$(echo "$out" | grep "^$rev ")" " ! " "a request marked for review carries the mark"
else
	skip "a request marked for review carries the mark" "none in this run"
fi
# Local time: the first line's date is opened_at in this machine's zone.
want=$(date -d "@$(sql "SELECT opened_at FROM requests WHERE ref = '$newest'")" '+%Y-%m-%d %H:%M')
like "$(echo "$out" | sed -n 2p)" "^$newest +$want " "dates in local time"
out=$(TZ=Asia/Tokyo ctl list --all | sed -n 2p)
want=$(TZ=Asia/Tokyo date -d "@$(sql "SELECT opened_at FROM requests WHERE ref = '$newest'")" '+%Y-%m-%d %H:%M')
like "$out" "^$newest +$want " "dates follow TZ"
nocolor=$(ctl list --all | grep -c $'\033')
is "$nocolor" 0 "no colour when stdout is not a terminal"
pty() { "$SLT_PY" -c 'import pty,sys; pty.spawn(sys.argv[1:])' "$@" </dev/null 2>&1; }
like "$(pty "$SLTCTL" -c "$SLTD_CONF" list --limit 2)" $'\033\\[1mVERZOEK' "on a terminal the header is bold"
is "$(NO_COLOR=1 pty "$SLTCTL" -c "$SLTD_CONF" list --limit 2 | grep -c $'\033')" 0 "NO_COLOR turns colour off on a terminal"

# --json, field by field against the database, for every filter.
check_list() { # DESC SQL-WHERE ARGS...
	local desc=$1 where=$2
	shift 2
	ctl --json list "$@" >"$SLT_TMP/l.json" 2>"$SLT_TMP/l.err"
	local rc=$?
	[ $rc = 0 ] || { fail "$desc" "exit $rc: $(cat "$SLT_TMP/l.err")"; return; }
	is "$(py "$SLT_TMP/l.json" "$SLTD_DB" "$where" ${limit:+"$limit"} <<'EOF'
import json, sqlite3, sys, datetime
rows = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
q = ("SELECT ref, id, opened_at, status, assignee, org, requester_addr, requester_name, intent, theme,"
     " packages, review, subject, (SELECT count(*) FROM messages m WHERE m.request_id = r.id)"
     " FROM requests r WHERE " + sys.argv[3] + " ORDER BY opened_at DESC, id DESC LIMIT " + (sys.argv[4] if len(sys.argv) > 4 else "-1"))
want = db.execute(q).fetchall()
bad = []
if [r["ref"] for r in rows] != [w[0] for w in want]:
    bad.append("refs differ: %d rows, want %d" % (len(rows), len(want)))
for r, w in zip(rows, want):
    t = int(datetime.datetime.fromisoformat(r["opened_at"]).timestamp())
    got = (r["ref"], r["id"], t, r["status"], r["assignee"], r["org"], r["requester_addr"],
           r["requester_name"], r["intent"], r["theme"], json.dumps(r["packages"], separators=(",", ":")),
           int(r["review"]), r["subject"], r["messages"])
    w = tuple(w[:10]) + (json.dumps(json.loads(w[10]), separators=(",", ":")),) + tuple(w[11:])
    if got != w:
        bad.append("%r != %r" % (got, w))
print("ok" if not bad else "; ".join(bad[:3]))
EOF
)" ok "$desc"
}
check_list "--json list: open requests, every field" "status != 'afgerond'"
check_list "--json list --all" "1" --all
check_list "--theme visie" "status != 'afgerond' AND theme = 'visie'" --theme visie
check_list "--intent sparring" "status != 'afgerond' AND intent = 'sparring'" --intent sparring
check_list "--org utrecht (substring, any case)" "status != 'afgerond' AND lower(org) LIKE '%utrecht%'" --org utrecht
since=$(date -d '2026-01-01' +%s)
check_list "--since 2026-01-01 (local midnight)" "status != 'afgerond' AND opened_at >= $since" --since 2026-01-01
until=$(date -d '2025-10-01' +%s)
check_list "--until 2025-09-30 (to the end of that day)" "status != 'afgerond' AND opened_at < $until" --until 2025-09-30
check_list "--review" "status != 'afgerond' AND review" --review
check_list "--assignee - (nobody)" "status != 'afgerond' AND assignee IS NULL" --assignee -
limit=3 check_list "--limit 3" "status != 'afgerond'" --limit 3

# ---- bad input -------------------------------------------------------------------
bad() { # DESC EXIT ERE CMD...
	local desc=$1 want=$2 ere=$3
	shift 3
	local out rc
	out=$(ctl "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && [[ $out =~ $ere ]] && [ "$(echo "$out" | wc -l)" = 1 ]; then
		pass "$desc"
	else
		fail "$desc" "exit $rc (want $want): $out"
	fi
}
bad "unknown reference: one line, exit 4" 4 "^sltctl: show: no request 'SLT-99999'$" show SLT-99999
bad "not a reference" 2 "^sltctl: show: not a request reference 'abc'" show abc
bad "unknown theme" 2 "^sltctl: list: unknown theme 'bogus' \\(visie, " list --theme bogus
bad "unknown intent" 2 "^sltctl: list: unknown intent 'x'" list --intent x
bad "bad date" 2 "^sltctl: list: bad date '2026-13-01'" list --since 2026-13-01
bad "bad date (30 February)" 2 "^sltctl: list: bad date '2026-02-30'" list --since 2026-02-30
bad "bad status in list" 2 "^sltctl: list: unknown status 'klaar'" list --status klaar
bad "bad status in status" 2 "^sltctl: status: unknown status 'klaar' \\(open, in-behandeling" status SLT-1 klaar
bad "assign to an unknown request" 4 "^sltctl: assign: no request 'SLT-99999'$" assign SLT-99999 piet
bad "note without text" 2 "^sltctl: note: " note SLT-1
bad "relabel with an unknown theme" 2 "^sltctl: relabel: unknown theme 'bogus'" relabel SLT-1 --theme bogus
bad "relabel with an unknown package" 2 "^sltctl: relabel: unknown package 'x'" relabel SLT-1 --packages visie,x
bad "stats with a bad grouping" 2 "^sltctl: stats: unknown grouping 'week'" stats --by week
bad "stats with a bad date" 2 "^sltctl: stats: bad date 'gisteravond'" stats --from gisteravond
bad "export without a format" 2 "^sltctl: export: --format csv or --format json" export
bad "search with a broken query" 2 "^sltctl: search: bad search" search '"open'
bad "reprocess of an unknown dead letter" 4 "^sltctl: reprocess: no dead letter 999" reprocess 999
bad "unknown option" 2 "^sltctl: list: Unknown option --bogus" list --bogus
bad "a config that does not exist" 1 "^sltctl: list: " -c /nonexistent/sltd.conf list

# ---- show ------------------------------------------------------------------------
# The request of the corpus with a reply in its thread (0013, 0018 quote).
ref=$(sql "SELECT 'SLT-' || request_id FROM messages WHERE message_id = '435a4a20-a4a5-470b-a22c-cec42605987c@emmen.nl'")
out=$(ctl show "$ref")
is "$?" 0 "show exits 0"
like "$out" "^$ref  " "show starts with the reference and subject"
like "$out" "Berichten \\(2\\)" "the thread's two messages"
like "$out" "regels geciteerd" "the quoted part is folded"
quoted_line=$(sql "SELECT substr(quoted_text, 1, 30) FROM messages WHERE message_id = '435a4a20-a4a5-470b-a22c-cec42605987c@emmen.nl'")
unlike "$out" "$(printf '%s' "$quoted_line" | sed 's/[][\.*^$(){}+?|]/\\&/g')" "folded: the quoted text itself is not shown"
like "$(ctl show --full "$ref")" "geciteerd ---" "--full shows the quoted part"
like "$out" "Antwoorden \\([0-9]+\\)" "replies are shown"
like "$out" "Geschiedenis" "history is shown"
ctl --json show "$ref" >"$SLT_TMP/show.json"
is "$(py "$SLT_TMP/show.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
rid = j["id"]
bad = []
r = db.execute("SELECT ref, version, status, assignee, org, requester_addr, subject, intent, theme, labels_by, review FROM requests WHERE id = ?", (rid,)).fetchone()
got = (j["ref"], j["version"], j["status"], j["assignee"], j["org"], j["requester_addr"], j["subject"], j["intent"], j["theme"], j["labels_by"], int(j["review"]))
if got != r: bad.append("request %r != %r" % (got, r))
ms = db.execute("SELECT id, message_id, from_addr, subject, new_text, quoted_text, intent, theme, why FROM messages WHERE request_id = ? ORDER BY coalesce(date, created_at), id", (rid,)).fetchall()
if [m["id"] for m in j["messages"]] != [m[0] for m in ms]: bad.append("messages")
for m, w in zip(j["messages"], ms):
    if (m["id"], m["message_id"], m["from_addr"], m["subject"], m["new_text"], m["quoted_text"], m["intent"], m["theme"]) != w[:8]:
        bad.append("message %d" % w[0])
    if m["why"] != json.loads(w[8]) or not m["why"]: bad.append("why of %d" % w[0])
os = db.execute("SELECT id, kind, state, rcpt, suppress_reason FROM outbox WHERE request_id = ? ORDER BY created_at, id", (rid,)).fetchall()
if [(o["id"], o["kind"], o["state"], o["rcpt"], o["suppress_reason"]) for o in j["replies"]] != os: bad.append("replies")
hs = db.execute("SELECT who, action, detail FROM request_history WHERE request_id = ? ORDER BY at, id", (rid,)).fetchall()
if [(h["who"], h["action"], h["detail"]) for h in j["history"]] != hs: bad.append("history")
if j["status_label"] != {"open": "Open", "in-behandeling": "In behandeling", "wacht-op-klant": "Wacht op klant", "afgerond": "Afgerond"}[j["status"]]: bad.append("status_label")
print("ok" if not bad else "; ".join(bad))
EOF
)" ok "--json show: request, messages with evidence, replies, history field by field"

# ---- assign, status, note: history with who and when -----------------------------
v0=$(sql "SELECT version FROM requests WHERE id = ${ref#SLT-}")
out=$(ctl assign "$ref" piet)
is "$?" 0 "assign exits 0"
is "$out" "$ref: behandelaar piet" "assign says what it did"
is "$(sql "SELECT assignee, version FROM requests WHERE id = ${ref#SLT-}")" "piet|$((v0 + 1))" "assigned; the version moved on"
ok "status in-behandeling" ctl status "$ref" in-behandeling
ok "a note" ctl note "$ref" "gebeld, zij mailt de cijfers"
is "$(sql "SELECT who || '|' || action || '|' || detail FROM request_history WHERE request_id = ${ref#SLT-} AND who = 'anna' ORDER BY id")" \
"anna|assign|piet (was -)
anna|status|in-behandeling (was open)
anna|note|gebeld, zij mailt de cijfers" "history: who, what, and what it was"
now=$(date +%s)
ok "history times are now" test "$(sql "SELECT min(at) FROM request_history WHERE who = 'anna'")" -ge $((now - 60))
check_list "--assignee piet" "status != 'afgerond' AND assignee = 'piet'" --assignee piet
check_list "--status in-behandeling" "status = 'in-behandeling'" --status in-behandeling
ok "assign '-' is nobody" ctl assign "$ref" -
is "$(sql "SELECT assignee IS NULL FROM requests WHERE id = ${ref#SLT-}")" 1 "unassigned"
ok "status afgerond" ctl status "$ref" afgerond
unlike "$(ctl list)" "^$ref " "an afgerond request leaves the default list"
like "$(ctl list --all)" "$ref " "but --all shows it"

# Optimistic: a version that is no longer current is refused, nothing changes.
v=$(sql "SELECT version FROM requests WHERE id = ${ref#SLT-}")
bad "a stale --if-version is refused (exit 3)" 3 "^sltctl: status: request '$ref' changed since it was read \\(version 1, now $v\\)$" \
	status "$ref" open --if-version 1
is "$(sql "SELECT status FROM requests WHERE id = ${ref#SLT-}")" afgerond "and nothing changed"
ok "the current --if-version is accepted" ctl status "$ref" open --if-version "$v"

# ---- relabel: correction for training, the reply it implies ------------------------
rq=$(sql "SELECT id FROM requests WHERE intent = 'vraag' AND packages = '[]' AND requester_addr IS NOT NULL ORDER BY id LIMIT 1")
out=$(ctl relabel "SLT-$rq" --intent werkpakket --theme visie --packages visie)
is "$?" 0 "relabel exits 0"
like "$out" "^SLT-$rq: vraag/[a-z-]+ \\[-\\] -> werkpakket/visie \\[visie\\]" "relabel shows old and new labels"
like "$out" "ander antwoord" "it says the sender should get another reply"
like "$out" "--send-reply" "and offers to send it"
is "$(sql "SELECT intent || '|' || theme || '|' || packages || '|' || labels_by FROM requests WHERE id = $rq")" \
	'werkpakket|visie|["visie"]|anna' "the request takes the labels; labels_by is the staff member"
is "$(sql "SELECT count(*) FROM label_corrections WHERE request_id = $rq AND intent = 'werkpakket' AND theme = 'visie' AND who = 'anna' AND old_intent = 'vraag'")" \
	1 "the correction is kept for retraining"
is "$(sql "SELECT count(*) FROM outbox WHERE request_id = $rq AND created_at >= $now")" 0 "nothing was sent silently"
is "$(sql "SELECT count(*) FROM request_history WHERE request_id = $rq AND action = 'relabel' AND who = 'anna'")" 1 "relabel is in the history"
ctl --json relabel "SLT-$rq" --theme kwaliteit >"$SLT_TMP/relabel.json"
is "$(py "$SLT_TMP/relabel.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
ok = (j["old_intent"] == "werkpakket" and j["theme"] == "kwaliteit" and j["old_theme"] == "visie"
      and j["packages"] == ["visie"] and j["reply_changed"] is False and j["reply_queued"] is False)
print("ok" if ok else j)
EOF
)" ok "--json relabel: old and new labels; a theme alone changes no reply"
# --org: the organisation alone, no label correction for training.
corr_before=$(sql "SELECT count(*) FROM label_corrections WHERE request_id = $rq")
org_before=$(sql "SELECT coalesce(org, '-') FROM requests WHERE id = $rq")
out=$(ctl relabel "SLT-$rq" --org 'team:Wijkteam Tiel')
is "$?" 0 "relabel --org exits 0"
is "$out" "SLT-$rq: organisatie $org_before -> team:Wijkteam Tiel" "it shows the old and the new organisation"
is "$(sql "SELECT org || '|' || intent || '|' || theme FROM requests WHERE id = $rq")" \
	"team:Wijkteam Tiel|werkpakket|kwaliteit" "the request takes the organisation; the labels stay"
is "$(sql "SELECT count(*) FROM label_corrections WHERE request_id = $rq")" "$corr_before" \
	"an organisation alone is no correction for training"
like "$(sql "SELECT detail FROM request_history WHERE request_id = $rq AND action = 'relabel' ORDER BY id DESC LIMIT 1")" \
	"^organisation team:Wijkteam Tiel \\(was " "the history says old and new organisation"
bad "relabel with an organisation of no known kind" 2 "^sltctl: relabel: unknown organisation 'Wijkteam Tiel'" \
	relabel "SLT-$rq" --org 'Wijkteam Tiel'
bad "relabel with a municipality that does not exist" 2 \
	"^sltctl: relabel: unknown organisation: 'Atlantis' is none of the 342 municipalities" \
	relabel "SLT-$rq" --org 'gemeente:Atlantis'
bad "relabel with an ambiguous municipality" 2 \
	"^sltctl: relabel: unknown organisation: 'Bergen' names more than one municipality: 'Bergen \\(NH.\\)', 'Bergen \\(L.\\)'" \
	relabel "SLT-$rq" --org 'gemeente:Bergen'
out=$(ctl relabel "SLT-$rq" --org 'gemeente:den bosch')
is "$out" "SLT-$rq: organisatie team:Wijkteam Tiel -> gemeente:'s-Hertogenbosch" \
	"a municipality is stored as the directory spells it"
ctl relabel "SLT-$rq" --org '' >/dev/null
is "$(sql "SELECT coalesce(org, 'NULL') FROM requests WHERE id = $rq")" NULL "--org '' clears it"
ctl relabel "SLT-$rq" --org "$org_before" >/dev/null 2>&1 || [ "$org_before" = - ] || \
	bail_out "could not restore the organisation"
# --send-reply: the replies module queues what the labels now call for.
rcpt=$(sql "SELECT requester_addr FROM requests WHERE id = $rq")
sent_before=$(smtp_count)
out=$(ctl relabel "SLT-$rq" --theme kwaliteit --send-reply 2>&1)
is "$?" 0 "relabel --send-reply exits 0"
like "$out" "antwoord waitlist aan $rcpt in de wachtrij \\(outbox [0-9]+\\)" "it queues the waiting-list reply"
is "$(sql "SELECT kind || '|' || state || '|' || rcpt FROM outbox WHERE request_id = $rq AND created_at >= $now")" \
	"waitlist|queued|$rcpt" "one reply queued in the outbox, to the sender"
is "$(sql "SELECT count(*) FROM waitlist WHERE request_id = $rq AND package = 'visie' AND removed_at IS NULL")" 1 \
	"the sender is on the waiting list for the package"
is "$(sql "SELECT count(*) FROM request_history WHERE request_id = $rq AND who = 'anna' AND detail = 'reply asked for by anna'")" 1 \
	"the history says who asked for the reply"
sltd_once
ok "sltd's outbox sends it" smtp_wait_count $((sent_before + 1))
is "$(smtp_meta $((sent_before + 1)) rcpt_tos)" "$rcpt" "to the sender"
ctl corrections --export "$SLT_TMP/corr" >/dev/null
is "$?" 0 "corrections --export exits 0"
is "$(tail -n +2 "$SLT_TMP/corr/labels.tsv" | cut -f2-5)" "werkpakket	kwaliteit		visie" \
	"the export holds the latest correction per message"
first_row=$(sql "SELECT min(id) FROM messages WHERE request_id = $rq")
sql "SELECT writefile('$SLT_TMP/raw.eml', raw) FROM messages WHERE id = $first_row" >/dev/null
same_bytes "$SLT_TMP/corr/messages/$(printf 'm%06d.eml' "$first_row")" "$SLT_TMP/raw.eml" "with the message's exact bytes"
out=$(ctl eval "$SLT_TMP/corr" 2>&1)
is "$?" 0 "the exported set is a labelled set the classifier tools read (sltctl eval)"

# ---- search ---------------------------------------------------------------------------
out=$(ctl search sparringsessie)
is "$?" 0 "search exits 0"
ctl --json search --limit 0 sparringsessie >"$SLT_TMP/search.json"
is "$(py "$SLT_TMP/search.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
want = {r[0] for r in db.execute("SELECT DISTINCT 'SLT-' || request_id FROM messages WHERE rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'sparringsessie')")}
got = [r["ref"] for r in j]
print("ok" if set(got) == want and len(got) == len(want) and want else "%r vs %r" % (got, want))
EOF
)" ok "--json search: each matching request once"
like "$(ctl search 'Sparringsessie' | head -1)" "^VERZOEK" "search prints the list's table"
is "$(ctl search zzzzqqq)" "geen verzoeken" "no match says so"
# Words FTS5 would refuse as barewords are searched as phrases.
out=$(ctl --json search goed-bestuur 2>&1)
is "$?" 0 "search goed-bestuur (a hyphen) works"
is "$(echo "$out" | "$SLT_PY" -c 'import json,sys; print(len(json.load(sys.stdin)) > 0)')" True "and finds requests"

# ---- dead letters and reprocess -------------------------------------------------------
ctl --json deadletters >"$SLT_TMP/dl.json"
is "$(py "$SLT_TMP/dl.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
want = db.execute("SELECT id, uid, size, error, raw IS NOT NULL FROM dead_letters ORDER BY created_at DESC, id DESC").fetchall()
got = [(d["id"], d["uid"], d["size"], d["error"], int(d["has_raw"])) for d in j]
print("ok" if got == want and len(want) == 2 else "%r vs %r" % (got, want))
EOF
)" ok "--json deadletters: both, field by field"
like "$(ctl deadletters)" "cannot parse" "deadletters shows the reason"
dl_refused=$(sql "SELECT id FROM dead_letters WHERE error LIKE '%test refuses%'")
dl_notmsg=$(sql "SELECT id FROM dead_letters WHERE error LIKE 'cannot parse%'")
out=$(ctl reprocess "$dl_refused")
is "$?" 0 "reprocess of the refused message exits 0"
like "$out" "vastgelegd als bericht [0-9]+ in SLT-[0-9]+" "it says where it went"
is "$(sql "SELECT count(*) FROM messages WHERE message_id = 'refused@example.org' AND raw IS NOT NULL")" 1 "the message is recorded"
is "$(sql "SELECT message_row IS NOT NULL FROM dead_letters WHERE id = $dl_refused")" 1 "the dead letter points at it"
is "$(sql "SELECT count(*) FROM audit WHERE action = 'reprocess' AND who = 'anna'")" 1 "reprocess is audited"
bad "a recorded dead letter is not reprocessed twice" 2 "^sltctl: reprocess: dead letter $dl_refused was recorded already" reprocess "$dl_refused"
bad "a dead letter that still does not parse" 2 "^sltctl: reprocess: dead letter $dl_notmsg still does not parse" reprocess "$dl_notmsg"
like "$(sql "SELECT reprocess_result FROM dead_letters WHERE id = $dl_notmsg")" "^failed again" "the failed attempt is recorded"
is "$(ctl --json deadletters | "$SLT_PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1 \
	"deadletters lists only what is still unrecorded"

# ---- stats ------------------------------------------------------------------------------
ctl --json stats --by theme >"$SLT_TMP/stats.json"
is "$(py "$SLT_TMP/stats.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
want = dict(db.execute("SELECT coalesce(theme, '-'), count(*) FROM requests GROUP BY 1").fetchall())
got = {g["key"]: g["requests"] for g in j["groups"]}
total = db.execute("SELECT count(*) FROM requests").fetchone()[0]
# median response: first sent reply minus the first message recorded
rs = sorted(r[0] for r in db.execute("SELECT (SELECT min(sent_at) FROM outbox o WHERE o.request_id = r.id AND o.state = 'sent') - (SELECT min(created_at) FROM messages m WHERE m.request_id = r.id) FROM requests r") if r[0] is not None)
med = rs[(len(rs) - 1) // 2] if rs else -1
ok = got == want and j["requests"] == total and j["answered"] == len(rs) and j["median_response_secs"] == max(med, 0) and j["by"] == "theme"
print("ok" if ok else "%r %r %r %r" % (got, want, (j["answered"], len(rs)), (j["median_response_secs"], med)))
EOF
)" ok "--json stats --by theme: counts per theme, answered, median response time"
from=$(date -d 2026-01-01 +%s); to=$(date -d 2026-03-01 +%s)
is "$(ctl --json stats --by month --from 2026-01 --to 2026-02 | "$SLT_PY" -c 'import json,sys; j=json.load(sys.stdin); print(" ".join("%s=%d" % (g["key"], g["requests"]) for g in j["groups"]))')" \
	"$(sql "SELECT group_concat(m || '=' || c, ' ') FROM (SELECT strftime('%Y-%m', opened_at, 'unixepoch', 'localtime') m, count(*) c FROM requests WHERE opened_at >= $from AND opened_at < $to GROUP BY 1 ORDER BY 1)")" \
	"stats --by month --from --to: months in order, within the range"
out=$(ctl stats --by intent)
like "$out" "^INTENTIE +AANTAL +MEDIAAN ANTWOORD" "stats prints a table"
like "$out" "totaal $(sql "SELECT count(*) FROM requests") verzoeken" "and the total"
out=$("$SLT_PY" -c 'import pty,sys,os; pty.spawn(sys.argv[1:])' "$SLTCTL" -c "$SLTD_CONF" stats --by intent </dev/null 2>&1)
like "$out" "█" "on a terminal: a bar chart"

# ---- status -----------------------------------------------------------------------------
ctl --json status >"$SLT_TMP/status.json"
is "$?" 0 "status exits 0"
is "$(py "$SLT_TMP/status.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
q = lambda s: db.execute(s).fetchone()[0]
bad = []
for k, s in [("messages", "SELECT count(*) FROM messages"), ("requests", "SELECT count(*) FROM requests"),
             ("open_requests", "SELECT count(*) FROM requests WHERE status != 'afgerond'"),
             ("dead_letters", "SELECT count(*) FROM dead_letters WHERE message_row IS NULL")]:
    if j[k] != q(s): bad.append(k)
for k, st in [("sent", "'sent'"), ("failed", "'failed'"), ("suppressed", "'suppressed'"), ("queued", "'queued', 'sending'")]:
    if j["outbox"][k] != q("SELECT count(*) FROM outbox WHERE state IN (%s)" % st): bad.append("outbox " + k)
if j["last_pass"] != q("SELECT value FROM daemon_status WHERE key = 'last-pass'"): bad.append("last_pass")
if not any("onverwerkt" in a for a in j["alarms"]): bad.append("dead letter alarm %r" % j["alarms"])
print("ok" if not bad else bad)
EOF
)" ok "--json status: counts, outbox, last pass, alarms"
out=$(ctl status)
like "$out" "laatste ronde: " "status shows the last pass"
like "$out" "Alarm" "and the alarm"
# The keys the service writes (service.h): a heartbeat, its pid, alarms.
now_s=$(date +%s)
sql "INSERT OR REPLACE INTO daemon_status (key, value, at) VALUES
     ('daemon', 'running (pid $$, version test)', $now_s), ('status', 'idle', $now_s),
     ('alarm-imap-auth', 'login refused', $now_s)"
j=$(ctl --json status)
is "$(echo "$j" | "$SLT_PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["alive"], j["pid"], any(a.startswith("inloggen op de mailbox geweigerd: login refused") for a in j["alarms"]))')" \
	"True $$ True" "status: alive by its heartbeat and pid; sltd's own alarms in Dutch"
sql "UPDATE daemon_status SET at = $((now_s - 3600)) WHERE key = 'status'"
sql "UPDATE daemon_status SET value = 'running (pid 999999999, version test)' WHERE key = 'daemon'"
like "$(ctl status)" "sltd: +draait niet" "a stale heartbeat and a dead pid: sltd is not running"
sql "UPDATE daemon_status SET value = 'stopped' WHERE key = 'daemon'"
is "$(ctl --json status | "$SLT_PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["alive"], "sltd draait niet" in j["alarms"])')" \
	"False True" "stopped: not alive, and an alarm"

# ---- export -------------------------------------------------------------------------------
ctl export --format csv >"$SLT_TMP/export.csv"
is "$?" 0 "export --format csv exits 0"
is "$(py "$SLT_TMP/export.csv" "$SLTD_DB" <<'EOF'
import csv, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
db = sqlite3.connect(sys.argv[2])
want = {r[0]: r[1:] for r in db.execute("SELECT ref, status, intent, theme, coalesce(subject, ''), coalesce(org, '') FROM requests")}
bad = []
for r in rows:
    subj = r["subject"][1:] if r["subject"][:2] in ("'=", "'+", "'-", "'@") else r["subject"]
    if (r["status"], r["intent"], r["theme"], subj, r["org"]) != want.get(r["ref"]):
        bad.append(r["ref"])
print("ok" if not bad and len(rows) == len(want) else (len(rows), len(want), bad[:3]))
EOF
)" ok "export csv: every request (closed too), RFC 4180, fields as recorded"
ok "CSV lines end in CRLF" grep -q $'\r$' "$SLT_TMP/export.csv"
is "$(ctl export --format json --theme visie | "$SLT_PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
	"$(sql "SELECT count(*) FROM requests WHERE theme = 'visie'")" "export json takes the list's filters"

done_testing
