#!/bin/bash
# SPDX-License-Identifier: MIT
# The outbox against the real SMTP sink: SMTP down -> replies stay queued
# (with the reason) and go out when the server is back and the back-off
# has passed; a 5xx -> failed, visible in `sltctl outbox`, never retried
# unless staff say so; a 4xx for one reply does not hold up the others;
# temporary failures give up after 5 days; sltd killed while sending ->
# every reply still arrives, at most the one in the 250-to-commit window
# twice (outbox.h).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start --require-auth || bail_out "smtp_start failed"
mail() { # NAME FROM SUBJECT BODY
	local file=$SLT_TMP/in/$1.eml
	mkdir -p "$SLT_TMP/in"
	printf 'From: %s\nTo: stevigelokaleteams@vng.test\nSubject: %s\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <%s@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nGeachte heer, mevrouw,\n\n%s\n\nMet vriendelijke groet,\n%s\n' \
		"$2" "$3" "$1" "$4" "${2%% <*}" | sed 's/$/\r/' >"$file"
	echo "$file"
}
vraag() { mail "$1" "Persoon $1 <$1@gemeente.nl>" "Vraag over kwaliteit" \
	"Ik heb een vraag: welke indicatoren gebruiken andere gemeenten om de kwaliteit van het lokale team te volgen?"; }
outbox() { "$SLTCTL" -c "$SLTD_CONF" outbox "$@"; }
now=$(date +%s)

sltd_config "$IMAPS_URL/INBOX" "[smtp] url = $SMTP_URL" "[smtp] username = $SMTP_USER" \
	"[smtp] password-file = $SMTP_PASS_FILE" "[smtp] ca-file = $SLT_CA" \
	"[smtp] allow-plaintext = false" "[smtp] timeout = 5"
printf '[replies]\nper-sender-per-day = 0\n' >>"$SLTD_CONF"

# ---- SMTP down: queued, then delivered when back -------------------------
smtp_stop
imap_load INBOX "$(vraag a1)" "$(vraag a2)" "$(vraag a3)" >/dev/null || bail_out "imap_load failed"
sltd_once
is "$?" 75 "SMTP down: exit 75, temporary (the pass itself succeeded)"
like "$(cat "$SLT_TMP/sltd.err")" "outbox: .*(onnect|refused)" "the outbox trouble is logged"
is "$(sql "SELECT count(*) FROM messages")" 3 "the messages are recorded"
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")" 3 "three replies queued"
# The server as a whole is down: the first reply counts the attempt and
# the round ends; the others were not tried.
is "$(sql "SELECT group_concat(attempts, ' ') FROM (SELECT attempts FROM outbox ORDER BY id)")" "1 0 0" \
	"the first counted one attempt, the round stopped there"
like "$(outbox)" "3 queued, 0 sent" "sltctl outbox: 3 queued"
like "$(outbox --state queued)" "fout: cannot send: .*(onnect|refused).*opnieuw om" "sltctl outbox shows the error and the next try"
smtp_restart || bail_out "smtp_restart failed"
sltd_once
is "$?" 0 "server back: exit 0"
is "$(smtp_count)" 2 "the two untried replies went out; the first waits for its back-off"
SLT_STORE_NOW=$((now + 3600)) sltd_once
is "$(smtp_count)" 3 "once due, the first went out too"
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" 3 "all three marked sent"
is "$(for i in 1 2 3; do smtp_meta $i rcpt_tos; done | sort | tr '\n' ' ')" \
	"a1@gemeente.nl a2@gemeente.nl a3@gemeente.nl " "to the three senders"

# ---- 5xx: failed and visible; 4xx: deferred, the others go -----------------
smtp_fail RCPT:b1@gemeente.nl 550
smtp_fail RCPT:b2@gemeente.nl 451
imap_load INBOX "$(vraag b1)" "$(vraag b2)" "$(vraag b3)" >/dev/null
SLT_STORE_NOW=$((now + 3700)) sltd_once
is "$?" 0 "refusals do not fail the run"
is "$(smtp_count)" 4 "the good reply went out"
is "$(sql "SELECT state FROM outbox WHERE rcpt = 'b1@gemeente.nl'")" failed "550: failed"
is "$(sql "SELECT state FROM outbox WHERE rcpt = 'b2@gemeente.nl'")" queued "451: queued for later"
like "$(sql "SELECT last_error FROM outbox WHERE rcpt = 'b1@gemeente.nl'")" "recipient \(RCPT\) refused: 550 5\.1\.1" \
	"the server's words kept"
like "$(outbox --state failed)" "b1@gemeente\.nl.*fout: recipient \(RCPT\) refused: 550" "sltctl outbox --state failed shows it"
like "$(sql "SELECT detail FROM request_history WHERE action = 'reply' AND detail LIKE '%failed%'")" \
	"ack-vraag to b1@gemeente\.nl failed: recipient \(RCPT\) refused: 550" "and the request's history"
rcpts_before=$(grep -c '"cmd": "RCPT"' "$SMTP_DIR/events.jsonl")
SLT_STORE_NOW=$((now + 7200)) sltd_once
is "$(smtp_count)" 4 "the failed one is not tried again (and 451 still refused)"
is "$(grep '"cmd": "RCPT"' "$SMTP_DIR/events.jsonl" | grep -c b1@gemeente.nl)" 1 "the sink saw b1 once only"
smtp_fail_clear
SLT_STORE_NOW=$((now + 10800)) sltd_once
is "$(sql "SELECT state FROM outbox WHERE rcpt = 'b2@gemeente.nl'")" sent "451 then accepted: sent"
id=$(sql "SELECT id FROM outbox WHERE rcpt = 'b1@gemeente.nl'")
like "$(outbox --retry "$id")" "queued again" "staff put the failed one back"
SLT_STORE_NOW=$((now + 10900)) sltd_once
is "$(sql "SELECT state FROM outbox WHERE rcpt = 'b1@gemeente.nl'")" sent "... and it went out"
is "$(smtp_count)" 6 "six delivered so far"

# ---- giving up after five days -------------------------------------------------
smtp_stop
imap_load INBOX "$(vraag c1)" >/dev/null
SLT_STORE_NOW=$((now + 20000)) sltd_once
is "$(sql "SELECT state || ' ' || attempts FROM outbox WHERE rcpt = 'c1@gemeente.nl'")" "queued 1" "c1 queued"
SLT_STORE_NOW=$((now + 20000 + 6 * 86400)) sltd_once
is "$(sql "SELECT state FROM outbox WHERE rcpt = 'c1@gemeente.nl'")" failed "after 5 days of failures: failed"
like "$(sql "SELECT last_error FROM outbox WHERE rcpt = 'c1@gemeente.nl'")" "^gave up after 5 days: " "with the reason"
smtp_restart || bail_out "smtp_restart failed"

# ---- killed while sending ----------------------------------------------------
# A published package of 1.5 MB makes every reply slow enough for the
# sink (about 0.1 s each) to kill sltd in the middle.
{ printf '%%PDF-1.4\n'; head -c 1500000 /dev/urandom; } >"$SLT_TMP/visie.pdf"
ok "publish visie" "$SLTCTL" -c "$SLTD_CONF" publish visie "$SLT_TMP/visie.pdf"
N=20
files=()
for (( i = 1; i <= N; i++ )); do
	files+=("$(mail "k$i" "Persoon $i <k$i@gemeente.nl>" "Aanvraag werkpakket Visie" \
		"Graag ontvang ik het werkpakket Visie. Kunt u mij dat toesturen?")")
done
imap_load INBOX "${files[@]}" >/dev/null
base=$(smtp_count)
enough() { [ "$(smtp_count)" -ge $((base + 3)) ]; }
slt_spawn sltd env SLT_STORE_NOW=$((now + 30000 + 6 * 86400)) "$SLTD" -c "$SLTD_CONF" --once
slt_wait_until 60 enough || fail "sltd started sending"
slt_kill sltd KILL
slt_wait sltd 10 >/dev/null
got=$(( $(smtp_count) - base ))
ok "killed in the middle ($got of $N sent)" test "$got" -lt "$N"
is "$(sql "SELECT count(*) FROM outbox WHERE rcpt LIKE 'k%@gemeente.nl'")" "$N" "every reply was queued before the kill"
SLT_STORE_NOW=$((now + 30000 + 6 * 86400)) sltd_once
is "$?" 0 "the next run exits 0"
is "$(sql "SELECT count(*) FROM outbox WHERE rcpt LIKE 'k%@gemeente.nl' AND state = 'sent'")" "$N" "all $N marked sent"
missing=0 twice=0
for (( i = 1; i <= N; i++ )); do
	c=0
	for (( j = base + 1; j <= $(smtp_count); j++ )); do
		[ "$(smtp_meta "$j" rcpt_tos)" = "k$i@gemeente.nl" ] && c=$((c + 1))
	done
	[ "$c" = 0 ] && missing=$((missing + 1))
	[ "$c" -gt 1 ] && twice=$((twice + c - 1))
done
is "$missing" 0 "no reply lost"
ok "at most one sent twice (the 250-to-commit window; here: $twice)" test "$twice" -le 1
done_testing
