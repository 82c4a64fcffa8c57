#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 300
# Hostile mail through the whole of sltd --once (issue 8): every file of
# tests/hostile/ and tests/fuzz/corpus-parse/ (deep MIME nesting, IMAP
# responses inside bodies, header injection, invalid UTF-8 everywhere,
# attachment names with path separators...), then a 26 MB message (above
# the default 25 MB cap) between two ordinary ones, and a 20 MB one below
# it. Each is recorded or dead-lettered exactly once, nothing after it is
# blocked, no attachment name keeps a directory part or touches the disk,
# every stored string is valid UTF-8, and the peak RSS stays bounded.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config "$IMAPS_URL/INBOX" "[imap] timeout = 30"

# ---- the hostile files ---------------------------------------------------------
files=()
for f in "$SLT_SRCDIR"/tests/hostile/*.eml "$SLT_SRCDIR"/tests/fuzz/corpus-parse/*; do
	[ -s "$f" ] && files+=("$f")
done
uids=$(imap_load INBOX "${files[@]}") || bail_out "imap_load failed"
nh=$(printf '%s\n' "$uids" | grep -c .)
diag "${#files[@]} hostile files, $nh accepted by Dovecot"
mkdir -p "$SLT_TMP/cwd"
( cd "$SLT_TMP/cwd" && sltd_once )
rc=$?
is "$rc" 0 "sltd --once takes them all (exit $rc)"
rec=$(sql "SELECT count(*) FROM messages") dead=$(sql "SELECT count(*) FROM dead_letters")
diag "$rec recorded, $dead dead letters"
is "$((rec + dead))" "$nh" "each one recorded or dead-lettered"
is "$(sql "SELECT count(*) FROM (SELECT uid FROM messages UNION ALL SELECT uid FROM dead_letters) GROUP BY uid HAVING count(*) > 1")" "" \
	"none twice"
is "$(sql "SELECT count(*) FROM message_attachments WHERE filename LIKE '%/%' OR filename LIKE '%\\%' OR filename IN ('.', '..')")" 0 \
	"no attachment name with a directory part"
ok "some attachment names had one in the mail" test "$(sql "SELECT count(*) FROM message_attachments WHERE filename IN ('passwd', 'vmlinuz', 'pad.pdf', 'evil.exe')")" -ge 2
is "$(find "$SLT_TMP/cwd" -mindepth 1 | wc -l)" 0 "nothing written to the working directory"
bad=$("$SLT_PY" - "$SLTD_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
n = 0
for table, cols in (("messages", ("from_name", "from_addr", "subject", "text", "message_id")),
                    ("message_attachments", ("filename",))):
    have = {r[1].decode() for r in db.execute("PRAGMA table_info(%s)" % table)}
    for c in cols:
        if c not in have:
            continue
        for (v,) in db.execute("SELECT %s FROM %s" % (c, table)):
            if v is None:
                continue
            try:
                v.decode("utf-8")
            except UnicodeDecodeError:
                n += 1
            if c != "text" and (b"\r" in v or b"\n" in v):
                n += 1
print(n)
PY
)
is "$bad" 0 "every stored header field and text is valid UTF-8, header fields without line breaks"
is "$(sql "PRAGMA integrity_check")" ok "PRAGMA integrity_check: ok"

# ---- 26 MB and 20 MB ------------------------------------------------------------
"$SLT_PY" - "$SLT_TMP/big" <<'PY'
import base64, os, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
def msg(name, mb):
    blob = base64.encodebytes(os.urandom(mb * 1024 * 1024 * 3 // 4)).replace(b"\n", b"\r\n")
    open(os.path.join(d, name), "wb").write(
        b"From: Jan <jan@utrecht.nl>\r\nTo: slt@vng.test\r\nSubject: groot " + name.encode() +
        b"\r\nMessage-ID: <" + name.encode() + b"@sltd.test>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        b"Hierbij de stukken.\r\n--B\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename=\"../../stukken.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + blob + b"--B--\r\n")
msg("big26", 26)
msg("big20", 20)
PY
before=$(sql "SELECT count(*) FROM messages")
imap_load INBOX "$SLT_CORPUS/0002.eml" "$SLT_TMP/big/big26" "$SLT_CORPUS/0003.eml" "$SLT_TMP/big/big20" >/dev/null ||
	bail_out "imap_load of the big messages failed"
/usr/bin/time -f '%M' -o "$SLT_TMP/time" "$SLTD" -c "$SLTD_CONF" --once 2>"$SLT_TMP/sltd.err"
rc=$?
peak=$(tail -n 1 "$SLT_TMP/time")
diag "peak RSS of the pass with a 26 MB and a 20 MB message: $peak kB"
is "$rc" 0 "the pass completes"
is "$(sql "SELECT count(*) FROM dead_letters WHERE error LIKE '%cap%'")" 1 "the 26 MB message is a dead letter (above the 25 MB cap)"
is "$(sql "SELECT count(*) FROM dead_letters WHERE error LIKE '%cap%' AND raw IS NULL")" 1 "... kept without its body"
is "$(( $(sql "SELECT count(*) FROM messages") - before ))" 3 "the messages around it and the 20 MB one are recorded"
is "$(sql "SELECT filename FROM message_attachments WHERE size > 1000000")" "stukken.pdf" \
	"the 20 MB attachment is recorded by its base name only"
if [ "${SANITIZE:-0}" = 1 ]; then
	skip "peak RSS below 250 MB for a 20 MB message ($peak kB)" "ASan's shadow memory and quarantine (measured 267 MB)"
else
	ok "peak RSS below 250 MB for a 20 MB message ($peak kB)" test "$peak" -lt 256000
fi
done_testing
