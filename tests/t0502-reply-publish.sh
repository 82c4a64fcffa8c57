#!/bin/bash
# SPDX-License-Identifier: MIT
# Publication and the waiting list: people ask for an unpublished
# package and wait; `sltctl publish` makes version 1 and queues one mail
# each; publishing again (same files, or new files) mails nobody twice;
# `sltctl publish` killed at any moment and run again still mails each
# person exactly once; afmelden before publication means no mail; the
# mails carry the files byte for byte and thread onto each request.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start --require-auth || bail_out "smtp_start failed"
info() { "$SLT_PY" "$SLT_TESTLIB/mail-info.py" "$@"; }
mail() { # NAME FROM SUBJECT BODY
	local file=$SLT_TMP/in/$1.eml
	mkdir -p "$SLT_TMP/in"
	printf 'From: %s\nTo: stevigelokaleteams@vng.test\nSubject: %s\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <%s@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nGeachte heer, mevrouw,\n\n%s\n\nMet vriendelijke groet,\n%s\n' \
		"$2" "$3" "$1" "$4" "${2%% <*}" | sed 's/$/\r/' >"$file"
	echo "$file"
}
to_count() { # ADDR: messages the sink stored for ADDR
	local i n=0
	for (( i = 1; i <= $(smtp_count); i++ )); do
		[ "$(smtp_meta "$i" rcpt_tos)" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}
pub() { "$SLTCTL" -c "$SLTD_CONF" publish "$@"; }

# Twelve people wait for kwaliteit; one of them also for visie; one
# more unsubscribes before the publication.
N=12
files=()
for (( i = 1; i <= N; i++ )); do
	files+=("$(mail "wacht$i" "Persoon $i <p$i@gemeente$i.nl>" "Werkpakket kwaliteit" \
		"Graag ontvang ik het werkpakket Kwaliteit zodra het klaar is.")")
done
files+=("$(mail beide "Els Visser <e.visser@zwolle.nl>" "Twee werkpakketten" \
	"Graag ontvang ik de werkpakketten Kwaliteit en Visie zodra ze klaar zijn.")")
files+=("$(mail weg "Kees Bakker <k.bakker@gouda.nl>" "Werkpakket kwaliteit" \
	"Graag ontvang ik het werkpakket Kwaliteit zodra het klaar is.")")
imap_load INBOX "${files[@]}" >/dev/null || bail_out "imap_load failed"
sltd_config "$IMAPS_URL/INBOX" "[smtp] url = $SMTP_URL" "[smtp] username = $SMTP_USER" \
	"[smtp] password-file = $SMTP_PASS_FILE" "[smtp] ca-file = $SLT_CA" "[smtp] allow-plaintext = false"
sltd_once || fail "first sltd --once"
waiting=$("$SLTCTL" -c "$SLTD_CONF" waitlist kwaliteit)
is "$(grep -c '^kwaliteit ' <<<"$waiting")" $((N + 2)) "$((N + 2)) people wait for kwaliteit"
like "$("$SLTCTL" -c "$SLTD_CONF" waitlist visie)" "e\.visser@zwolle\.nl" "Els also waits for visie"

afm=$(mail afmelden "Kees Bakker <k.bakker@gouda.nl>" "Afmelden" \
	"Wilt u mij van de wachtlijst halen? Ik wil geen berichten meer ontvangen.")
imap_load INBOX "$afm" >/dev/null
sltd_once || fail "second sltd --once"
is "$(grep -c '^kwaliteit ' <<<"$("$SLTCTL" -c "$SLTD_CONF" waitlist kwaliteit)")" $((N + 1)) "Kees left the list"
before=$(smtp_count)

# The files: two parts, large enough that composing takes a moment.
{ printf '%%PDF-1.5\n'; head -c 400000 /dev/urandom; } >"$SLT_TMP/kwaliteit-kennisoverzicht.pdf"
{ printf '%%PDF-1.5\n.\n'; head -c 300000 /dev/urandom; } >"$SLT_TMP/kwaliteit-kenmerken.pdf"
K1=$SLT_TMP/kwaliteit-kennisoverzicht.pdf K2=$SLT_TMP/kwaliteit-kenmerken.pdf

nok "publish refuses a file that is not a PDF" pub kwaliteit "$SLTD_CONF"
nok "publish refuses an unknown package" pub alle "$K1"
is "$(sql "SELECT count(*) FROM publications")" 0 "nothing published by the refusals"

# Killed at some moment (before, during or after its one transaction),
# then run again: either way each person is queued exactly once.
for delay in 0.05 0.15; do
	slt_spawn publish "$SLTCTL" -c "$SLTD_CONF" publish kwaliteit "$K1" "$K2"
	sleep "$delay"
	slt_kill publish KILL
	slt_wait publish 10 >/dev/null
done
out=$(pub kwaliteit "$K1" "$K2")
is "$?" 0 "publish after the kills"
diag "$out"
is "$(sql "SELECT version FROM packages WHERE id = 'kwaliteit'")" 1 "kwaliteit is at version 1"
is "$(sql "SELECT count(*) FROM publications WHERE package = 'kwaliteit'")" 1 "one publication recorded"
is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'publication'")" $((N + 1)) "one mail queued per waiting person"
is "$(sql "SELECT count(DISTINCT rcpt) FROM outbox WHERE kind = 'publication'")" $((N + 1)) "... to $((N + 1)) different people"
is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'publication' AND rcpt = 'k.bakker@gouda.nl'")" 0 \
	"nothing for the person who unsubscribed"
is "$(grep -c '^kwaliteit ' <<<"$("$SLTCTL" -c "$SLTD_CONF" waitlist kwaliteit)")" 0 "nobody waits for kwaliteit any more"
like "$("$SLTCTL" -c "$SLTD_CONF" waitlist visie)" "e\.visser@zwolle\.nl" "Els still waits for visie"

out=$(pub kwaliteit "$K1" "$K2")
like "$out" "version 1 has these files already; no new version" "publish twice with the same files: no new version"
like "$out" "0 mails queued" "... and no mail"
{ printf '%%PDF-1.5\n'; head -c 1000 /dev/urandom; } >"$SLT_TMP/v2.pdf"
out=$(pub kwaliteit "$SLT_TMP/v2.pdf")
like "$out" "version 2 published" "new files: version 2"
like "$out" "0 mails queued" "... and nobody left to mail"
is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'publication'")" $((N + 1)) "still one mail per person"
like "$("$SLTCTL" -c "$SLTD_CONF" packages)" "kwaliteit +gepubliceerd +2 " "sltctl packages: kwaliteit published, version 2"

sltd_once || fail "sltd sends the publication mails"
is "$(( $(smtp_count) - before ))" $((N + 1)) "the sink received one mail per person"
bad=0
for (( i = 1; i <= N; i++ )); do [ "$(to_count "p$i@gemeente$i.nl")" = 2 ] || bad=$((bad + 1)); done
is "$bad" 0 "each person: the waiting-list reply and one publication mail"
is "$(to_count k.bakker@gouda.nl)" 2 "the unsubscribed person: waiting-list reply and afmelden only"
sltd_once
is "$(( $(smtp_count) - before ))" $((N + 1)) "a further run sends nothing more"

# One publication mail in detail.
last=$(smtp_messages | tail -n 1)
info "$last" --body --save-attachments "$SLT_TMP/got" >"$SLT_TMP/pub.info"
rcpt=$(sed -n 's/^to-addrs: //p' "$SLT_TMP/pub.info")
req=$(sql "SELECT request_id FROM waitlist WHERE addr = '$rcpt' AND package = 'kwaliteit'")
name=$(sql "SELECT message_id FROM messages WHERE request_id = $req")
like "$(sed -n 's/^subject: //p' "$SLT_TMP/pub.info")" "^Werkpakket Kwaliteit, leren, volgen en verantwoorden is verschenen \[SLT-$req\]$" \
	"publication: subject with the request tag"
is "$(sed -n 's/^raw-in-reply-to: //p' "$SLT_TMP/pub.info")" "<$name>" "publication: threads onto the request's first message"
is "$(sed -n 's/^raw-auto-submitted: //p' "$SLT_TMP/pub.info")" "auto-generated" "publication: Auto-Submitted: auto-generated"
same_bytes "$SLT_TMP/got/kwaliteit-kennisoverzicht.pdf" "$K1" "publication: kennisoverzicht byte-identical"
same_bytes "$SLT_TMP/got/kwaliteit-kenmerken.pdf" "$K2" "publication: kenmerken byte-identical"
like "$(cat "$SLT_TMP/pub.info")" "U stond op de wachtlijst voor het werkpakket Kwaliteit, leren, volgen en verantwoorden" \
	"publication: the text says why"
is "$(sql "SELECT count(*) FROM request_history WHERE action = 'publication'")" $((N + 1)) "history: a publication line per request"
is "$(sql "SELECT removed_reason || ' ' || notified_version FROM waitlist WHERE addr = '$rcpt' AND package = 'kwaliteit'")" \
	"published 1" "waiting list: notified of version 1"
done_testing
