#!/bin/bash
# SPDX-License-Identifier: MIT
# The whole sample corpus through sltd and the real SMTP sink: no reply
# ever goes to a machine-generated sample (labelled automatisch: bounces,
# out-of-office, read receipts, auto-acknowledgements), nor to the
# overig ones, nor to a no-reply or daemon address; every message gets
# either a reply or a recorded reason; the people who wrote get answers.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
labels=$SLT_SRCDIR/tests/corpus/labels.tsv

imap_load INBOX "$SLT_CORPUS"/*.eml >/dev/null || bail_out "imap_load failed"
sltd_config "$IMAPS_URL/INBOX" "[smtp] url = $SMTP_URL" "[smtp] username = $SMTP_USER" \
	"[smtp] password-file = $SMTP_PASS_FILE" "[smtp] ca-file = $SLT_CA" "[smtp] allow-plaintext = false"
sltd_once
is "$?" 0 "sltd --once over the corpus exits 0"
n=$(ls "$SLT_CORPUS"/*.eml | wc -l)
is "$(sql "SELECT count(*) FROM messages")" "$n" "all $n samples recorded"

# Each sample's Message-ID and label; each reply's In-Reply-To (the
# sink's copies, read with Python's parser).
"$SLT_PY" - "$SLT_CORPUS" "$labels" >"$SLT_TMP/ids" <<'EOF'
import email, email.policy, sys, os
corpus, labels = sys.argv[1], sys.argv[2]
for line in open(labels, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "file":
        continue
    m = email.message_from_binary_file(open(os.path.join(corpus, f[0]), "rb"), policy=email.policy.compat32)
    print(f[1], f[0], (m["Message-ID"] or "").strip())
EOF
for f in $(smtp_messages); do
	"$SLT_PY" "$SLT_TESTLIB/mail-info.py" "$f" | sed -n 's/^raw-in-reply-to: //p'
done | sort -u >"$SLT_TMP/answered"
is "$(wc -l <"$SLT_TMP/answered")" "$(smtp_count)" "every reply names the message it answers"
hits() { awk -v want="$1" '$1 == want { print $3 }' "$SLT_TMP/ids" | sort -u | comm -12 - "$SLT_TMP/answered"; }
is "$(hits automatisch)" "" "no reply to any machine-generated sample ($(grep -c '^automatisch ' "$SLT_TMP/ids") samples)"
# overig: never answered when sltd labels it so; a sample the classifier
# took for a person's question is its error, not the replies' (diag).
is "$(sql "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.cause_row
	   WHERE m.intent IN ('overig', 'automatisch') AND o.state != 'suppressed'")" 0 \
	"no reply to any message sltd labelled overig or automatisch"
diag "overig samples answered after the classifier took them for a person: $(hits overig | wc -l) of $(grep -c '^overig ' "$SLT_TMP/ids")"
for (( i = 1; i <= $(smtp_count); i++ )); do smtp_meta "$i" rcpt_tos; done | tr ' ' '\n' | sort -u >"$SLT_TMP/replied"
is "$(grep -Ei '(no-?reply|donotreply|mailer-daemon|postmaster|bounce)' "$SLT_TMP/replied")" "" \
	"no reply to a no-reply, daemon or bounce address"
is "$(grep -Ei 'vng\.test$' "$SLT_TMP/replied")" "" "no reply to our own domain"

# Every machine sample's message: suppressed, with a reason.
auto=$(sql "SELECT count(*) FROM messages m JOIN outbox o ON o.cause_row = m.id
	    WHERE o.state = 'suppressed' AND o.suppress_reason IN ('automatisch', 'machine', 'no-reply-address')")
ok "machine messages are recorded as suppressed with a reason ($auto)" test "$auto" -ge "$(grep -c "^automatisch " "$SLT_TMP/ids")"
is "$(sql "SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.cause_row = m.id)")" 0 \
	"every message has a reply or a recorded reason"
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued' OR state = 'failed'")" 0 "nothing left queued or failed"
people=$(wc -l <"$SLT_TMP/replied")
ok "the people who wrote got answers ($people addresses)" test "$people" -ge 60
# Per sender and kind at most one acknowledgement in a day (the default limit).
is "$(sql "SELECT count(*) FROM (SELECT rcpt, kind FROM outbox WHERE state = 'sent' AND kind NOT IN ('package', 'publication') GROUP BY rcpt, kind HAVING count(*) > 1)")" \
	0 "never two acknowledgements of one kind to one sender"
diag "$(sql "SELECT coalesce(suppress_reason, 'sent: ' || kind), count(*) FROM outbox GROUP BY 1 ORDER BY 2 DESC")"
done_testing
