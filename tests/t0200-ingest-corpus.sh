#!/bin/bash
# SPDX-License-Identifier: MIT
# sltd --once over the 160 samples from the real Dovecot (imaps, test CA):
# every message recorded once with its exact bytes, threads grouped into
# requests, the checkpoint at the last UID, nothing twice on a second pass,
# the seen/unseen state people left untouched; sltctl list shows it (also
# --json); sltd -n reports every bad key with file:line; --version.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"

# Every third message read already, as if staff had opened it in Outlook.
files=("$SLT_CORPUS"/*.eml)
n=${#files[@]}
args=()
for (( i = 0; i < n; i++ )); do
	if (( i % 3 == 0 )); then args+=(--flags='\Seen'); else args+=(--flags=); fi
	args+=("${files[i]}")
done
imap_load INBOX "${args[@]}" >/dev/null || bail_out "imap_load failed"
seen_before=$(imap_uids INBOX SEEN | tr '\n' ' ')
unseen_before=$(imap_uids INBOX UNSEEN | tr '\n' ' ')
uidvalidity=$(imap_status INBOX uidvalidity)

service_config
sltd_once
is "$?" 0 "sltd --once exits 0"
like "$(cat "$SLT_TMP/sltd.err")" "$n found, $n recorded \\([0-9]+ new requests\\), 0 duplicates, 0 dead letters" \
	"the pass reports $n messages recorded"
is "$(sql "SELECT count(*) FROM messages")" "$n" "$n messages recorded"

# Message-IDs: the same set as the files (dedupe did not merge two).
want_ids=$("$SLT_PY" -c '
import email, sys
for f in sys.argv[1:]:
    m = email.message_from_binary_file(open(f, "rb"))
    print(m["Message-ID"].strip().strip("<>"))' "${files[@]}" | sort)
got_ids=$(sql "SELECT message_id FROM messages" | sort)
is "$got_ids" "$want_ids" "the recorded Message-IDs are those of the mailbox, each once"

# The exact bytes (Dovecot hands them back as loaded).
bad=0
for uid in 1 2 50 160; do
	sqlite3 "$SLTD_DB" "SELECT writefile('$SLT_TMP/raw-$uid', raw) FROM messages WHERE uid = $uid" >/dev/null
	imap_fetch INBOX "$uid" >"$SLT_TMP/imap-$uid"
	cmp -s "$SLT_TMP/raw-$uid" "$SLT_TMP/imap-$uid" || bad=$((bad + 1))
done
is "$bad" 0 "stored raw bytes are byte-identical to the server's"
is "$(sql "SELECT count(*) FROM messages WHERE length(raw) != size OR sha256 IS NULL OR length(sha256) != 32")" 0 \
	"every message has its size and SHA-256"

requests=$(sql "SELECT count(*) FROM requests")
ok "threads grouped: fewer requests ($requests) than messages" test "$requests" -lt "$n" -a "$requests" -gt 100
is "$(sql "SELECT count(*) FROM messages WHERE request_id IS NULL")" 0 "every message belongs to a request"
is "$(sql "SELECT count(*) FROM request_history WHERE action = 'open'")" "$requests" \
	"each request's history starts with 'open'"
is "$(sql "SELECT uidvalidity || ' ' || last_uid FROM checkpoints WHERE mailbox = 'INBOX'")" "$uidvalidity $n" \
	"checkpoint: UIDVALIDITY and the last UID"
is "$(sql "SELECT count(*) FROM messages WHERE intent IS NULL OR theme IS NULL")" 0 "every message is labelled"
is "$(sql "SELECT count(*) FROM messages WHERE new_text IS NULL OR text IS NULL")" 0 "every message has its text"
is "$(sql "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'sparringsessie'")" \
	"$(sql "SELECT count(*) FROM messages WHERE lower(subject || ' ' || text) LIKE '%sparringsessie%'")" \
	"the full-text index finds what the texts hold"
is "$(sql "PRAGMA integrity_check")" ok "integrity_check ok"

is "$(imap_uids INBOX SEEN | tr '\n' ' ')" "$seen_before" "messages read before are still \\Seen"
is "$(imap_uids INBOX UNSEEN | tr '\n' ' ')" "$unseen_before" "unread messages are still unseen"

sltd_once
is "$?" 0 "a second pass exits 0"
like "$(last_pass)" "^0 found, 0 recorded" "the second pass finds nothing new"
is "$(sql "SELECT count(*) FROM messages")" "$n" "still $n messages"

# Two more arrive; only they are fetched.
more=$(imap_load INBOX "$SLT_SRCDIR/tests/imap-poison/p1-untagged.eml" "$SLT_SRCDIR/tests/imap-poison/p3-tagged.eml" | tr '\n' ' ')
sltd_once
like "$(cat "$SLT_TMP/sltd.err")" "2 found, 2 recorded" "new mail after the checkpoint is fetched, nothing else"
is "$(sql "SELECT group_concat(uid, ' ') FROM (SELECT uid FROM messages WHERE uid > $n ORDER BY uid)") " "$more" \
	"the hostile messages (fake IMAP tag lines) are recorded under their own UIDs"

# sltctl list shows what was recorded (the staff tool's own tests cover
# its columns and filters): one entry per request, in --json too.
out=$("$SLTCTL" -c "$SLTD_CONF" list --all)
is "$?" 0 "sltctl list exits 0"
first_ref=$(sql "SELECT ref FROM requests ORDER BY opened_at DESC, id DESC LIMIT 1")
like "$out" "$first_ref" "it shows the newest request"
"$SLTCTL" -c "$SLTD_CONF" --json list --all >"$SLT_TMP/list.json"
is "$?" 0 "sltctl --json list exits 0"
check=$(/usr/bin/python3 - "$SLT_TMP/list.json" "$SLTD_DB" <<'EOF'
import json, sqlite3, sys
rows = json.load(open(sys.argv[1]))
if isinstance(rows, dict):
    rows = next(v for v in rows.values() if isinstance(v, list))
db = sqlite3.connect(sys.argv[2])
want = {r[0]: r for r in db.execute("SELECT ref, status, intent, theme FROM requests")}
bad = []
for r in rows:
    w = want.get(r.get("ref"))
    if not w:
        bad.append("unknown %r" % r.get("ref")); continue
    got = (r["ref"], r["status"], r["intent"], r["theme"])
    if got != w:
        bad.append("%s: %r != %r" % (r["ref"], got, w))
if len(rows) != len(want):
    bad.append("%d rows, want %d" % (len(rows), len(want)))
print("ok" if not bad else "; ".join(bad[:5]))
EOF
)
is "$check" ok "--json list: every request, with its status and labels as recorded"

# -n: every bad key, with file and line.
cp "$SLTD_CONF" "$SLT_TMP/bad.conf"
printf '[imap]\ntimeout = soon\nbogus = 1\n[store]\nretention-days = -4\n' >>"$SLT_TMP/bad.conf"
out=$("$SLTD" -n -c "$SLT_TMP/bad.conf" 2>&1)
is "$?" 78 "sltd -n on a bad config exits 78 (EX_CONFIG)"
like "$out" "bad.conf:[0-9]+: \\[imap\\] timeout: 'soon'" "bad value reported with file:line"
like "$out" "bad.conf:[0-9]+: \\[imap\\] bogus: unknown key" "unknown key reported with file:line"
like "$out" "bad.conf:[0-9]+: \\[store\\] retention-days" "every bad key is reported"
out=$("$SLTD" -n -c "$SLTD_CONF" 2>&1)
is "$?" 0 "sltd -n on a good config exits 0"
like "$out" "ok$" "and says ok"
out=$("$SLTD" -c "$SLT_TMP/bad.conf" --once 2>&1)
is "$?" 78 "sltd --once with a bad config exits 78"
like "$("$SLTD" --version)" "^sltd [0-9]" "--version"

done_testing
