#!/bin/bash
# SPDX-License-Identifier: MIT
# Each reaction end to end: mail into the real Dovecot, `sltd --once`
# records it and sends the reply through the real SMTP sink (STARTTLS,
# AUTH, null sender). Checked on the sink's copy with Python's parser:
# headers (threading, Auto-Submitted, the tag), UTF-8 text, attachments
# byte-identical, download links, the waiting list, afmelden, the neutral
# acknowledgement, no reply to overig/own/no-reply senders, header
# injection through From names and subjects, and a reply to our reply
# threading onto its request without a second acknowledgement.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start --require-auth --require-tls || bail_out "smtp_start failed"
info() { "$SLT_PY" "$SLT_TESTLIB/mail-info.py" "$@"; }
field() { info "$1" | sed -n "s/^$2: //p" | head -n 1; }
# The newest stored message to ADDR (path), or nothing.
reply_to() {
	local i
	for (( i = $(smtp_count); i >= 1; i-- )); do
		if [ "$(smtp_meta "$i" rcpt_tos)" = "$1" ]; then smtp_messages | sed -n "${i}p"; return 0; fi
	done
	return 1
}
replies_to() {
	local i n=0
	for (( i = 1; i <= $(smtp_count); i++ )); do
		[ "$(smtp_meta "$i" rcpt_tos)" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}
# mail FILE FROM SUBJECT BODY [HEADER...]: a message with CRLF lines.
mail() {
	local file=$SLT_TMP/in/$1 from=$2 subject=$3 body=$4
	shift 4
	mkdir -p "$SLT_TMP/in"
	{
		printf 'From: %s\n' "$from"
		printf 'To: Stevige lokale teams <stevigelokaleteams@vng.test>\n'
		printf 'Subject: %s\n' "$subject"
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0100\n'
		printf 'Message-ID: <%s@test.example>\n' "${file##*/}"
		local h
		for h in "$@"; do printf '%s\n' "$h"; done
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
		printf 'Geachte heer, mevrouw,\n\n%s\n\nMet vriendelijke groet,\n%s\n' "$body" "${from%% <*}"
	} | sed 's/$/\r/' >"$file"
	echo "$file"
}
request_of() { sql "SELECT request_id FROM messages WHERE message_id = '$1@test.example'"; }

# The packages: visie published (two parts), goed-bestuur published but
# too big to attach (a link instead), the others in development.
{ printf '%%PDF-1.4\n.\n..\n'; head -c 30000 /dev/urandom; } >"$SLT_TMP/visie-kennisoverzicht.pdf"
{ printf '%%PDF-1.7\n'; head -c 20000 /dev/urandom; } >"$SLT_TMP/visie-kenmerken-€.pdf"
{ printf '%%PDF-1.7\n'; head -c 200000 /dev/urandom; } >"$SLT_TMP/goed-bestuur.pdf"
cat >"$SLT_TMP/packages.conf" <<'EOF'
[visie]
title = Visie
state = gepubliceerd
version = 1
files = visie-kennisoverzicht.pdf;visie-kenmerken-€.pdf
[goed-bestuur]
title = Goed bestuur in relatie tot stevige lokale teams
state = gepubliceerd
version = 1
files = goed-bestuur.pdf
[netwerksamenwerking]
title = Netwerksamenwerking
state = in-ontwikkeling
[kwaliteit]
title = Kwaliteit, leren, volgen en verantwoorden
state = in-ontwikkeling
expected = najaar 2027
[inkoop-bekostiging]
title = Inkoop en bekostiging
state = in-ontwikkeling
EOF

files=(
	"$(mail sparring "Anna de Boer <a.deboer@utrecht.nl>" "Verzoek sparringsessie goed bestuur" \
		"Wij willen graag met u sparren over goed bestuur en opdrachtgeverschap van ons wijkteam. Kunnen we een afspraak maken voor een gesprek?")"
	"$(mail vraag "Piet Jansen <p.jansen@ede.nl>" "Vraag over kwaliteitskader" \
		"Ik heb een vraag: welke indicatoren gebruiken andere gemeenten om de kwaliteit van het lokale team te volgen?")"
	"$(mail pakket "\"Visser, Els\" <e.visser@zwolle.nl>" "Aanvraag werkpakket Visie" \
		"Graag ontvang ik het werkpakket Visie. Kunt u mij dat toesturen?")"
	"$(mail groot "Ruud Smit <r.smit@assen.nl>" "Werkpakket goed bestuur" \
		"Graag ontvang ik het werkpakket Goed bestuur. Kunt u het mij sturen?")"
	"$(mail wacht "Kees Bakker <k.bakker@gouda.nl>" "Werkpakket kwaliteit" \
		"Graag ontvang ik het werkpakket Kwaliteit zodra het klaar is.")"
	"$(mail overig "Sales <info@leverancier.example>" "Nieuwe software voor uw wijkteam" \
		"Wij bieden een nieuwe softwareoplossing voor casemanagement. Vraag nu een demo aan met 20% korting!")"
	"$(mail eigen "Stevige lokale teams <stevigelokaleteams@vng.test>" "Vraag over het werkpakket visie" \
		"Ik heb een vraag over de visie van ons team. Kunt u mij helpen?")"
	"$(mail noreply "Gemeente Almere <noreply@almere.nl>" "Vraag over kwaliteit" \
		"Ik heb een vraag: welke indicatoren gebruiken andere gemeenten voor kwaliteit?")"
	"$(mail inject "=?utf-8?q?Jan_Smit=0D=0ABcc=3A_victim=40evil.example?= <j.smit@hilversum.nl>" \
		"=?utf-8?q?Vraag_over_kwaliteit=0D=0ABcc:_victim@evil.example?= =?utf-8?q?=3D=3Futf-8=3Fq=3FX=3D0D=3D0AY=3F=3D?=" \
		"Ik heb een vraag: welke indicatoren gebruiken andere gemeenten om de kwaliteit te volgen?")"
	"$(mail vaag "Jan Vos <j.vos@delft.nl>" "Pakketten" \
		"Hoi, wat betreft de pakketten en het gesprek van vorige week: hoe zit dat nu?")"
)
imap_load INBOX "${files[@]}" >/dev/null || bail_out "imap_load failed"
sltd_config "$IMAPS_URL/INBOX" "[smtp] url = $SMTP_URL" "[smtp] username = $SMTP_USER" \
	"[smtp] password-file = $SMTP_PASS_FILE" "[smtp] ca-file = $SLT_CA" \
	"[smtp] allow-plaintext = false" "[packages] attach-max = 100k" \
	"[packages] download-url = https://vng.test/pakketten/"
printf '[replies]\nstaff-contact = Mirjam Smit, programma Stevige lokale teams\n' >>"$SLTD_CONF"
ok "sltd -n accepts config, catalogue and templates" "$SLTD" -n -c "$SLTD_CONF"
sltd_once
is "$?" 0 "sltd --once exits 0"
diag "$(grep -E 'reply|outbox' "$SLT_TMP/sltd.err" | head -n 30)"

# ---- ack-sparring, every header ---------------------------------------
f=$(reply_to a.deboer@utrecht.nl) || fail "no reply to the sparring request"
req=$(request_of sparring)
info "$f" --body >"$SLT_TMP/sparring.info"
get() { sed -n "s/^$1: //p" "$SLT_TMP/sparring.info" | head -n 1; }
is "$(get header-names)" "date,from,subject,to,message-id,in-reply-to,references,auto-submitted,x-auto-response-suppress,content-language,mime-version,content-type" \
	"sparring: exactly the expected header fields"
is "$(get subject)" "Re: Verzoek sparringsessie goed bestuur [SLT-$req]" "sparring: subject Re: ... with the request tag"
is "$(get from)" "Stevige lokale teams <stevigelokaleteams@vng.test>" "sparring: From as configured"
is "$(get to)" "Anna de Boer <a.deboer@utrecht.nl>" "sparring: To is the sender"
is "$(get raw-in-reply-to)" "<sparring@test.example>" "sparring: In-Reply-To their Message-ID"
is "$(get raw-references)" "<sparring@test.example>" "sparring: References"
like "$(get raw-message-id)" "^<slt-$req-[0-9a-f]+\.[0-9a-f]{16}@vng\.test>$" "sparring: Message-ID under our domain, with the request"
is "$(get raw-auto-submitted)" "auto-replied" "sparring: Auto-Submitted: auto-replied"
is "$(get raw-x-auto-response-suppress)" "All" "sparring: X-Auto-Response-Suppress: All"
is "$(get structure)" "multipart/alternative(text/plain,text/html)" "sparring: plain text and HTML"
is "$(get text-charset)" "utf-8" "sparring: UTF-8 text"
is "$(get crlf)" yes "sparring: CRLF line ends"
body=$(sed -n '/^body:$/,$p' "$SLT_TMP/sparring.info")
like "$body" "Beste Anna de Boer," "sparring: greeting with the name"
like "$body" "sparren over het thema Goed bestuur in relatie tot stevige lokale teams" "sparring: the theme"
like "$body" "Aan deze ondersteuning zijn geen kosten verbonden\." "sparring: free of charge"
like "$body" "Mirjam Smit, programma Stevige lokale teams" "sparring: the staff contact"
is "$(smtp_meta "$(smtp_count)" tls)" true "sent over TLS"
n_sparring=1
for (( i = 1; i <= $(smtp_count); i++ )); do
	[ "$(smtp_meta "$i" rcpt_tos)" = a.deboer@utrecht.nl ] && { sp=$i; break; }
done
is "$(smtp_meta "$sp" mail_from)" "" "envelope sender is the null sender <>"
is "$(smtp_meta "$sp" auth)" "$SMTP_USER" "authenticated"
is "$(sql "SELECT state || ' ' || kind FROM outbox WHERE request_id = $req")" "sent ack-sparring" "outbox row sent"
is "$(sql "SELECT count(*) FROM request_history WHERE request_id = $req AND action = 'reply'")" 1 "history: the reply"

# ---- ack-vraag ------------------------------------------------------------
f=$(reply_to p.jansen@ede.nl) || fail "no reply to the question"
like "$(field "$f" subject)" "^Re: Vraag over kwaliteitskader \[SLT-[0-9]+\]$" "vraag: subject"
like "$(info "$f" --body)" "uw vraag over het thema Kwaliteit, leren, volgen en verantwoorden" "vraag: acknowledgement in the theme's words"

# ---- package attached, byte-identical --------------------------------------
f=$(reply_to e.visser@zwolle.nl) || fail "no reply to the package request"
info "$f" --body --save-attachments "$SLT_TMP/got" >"$SLT_TMP/pakket.info"
is "$(sed -n 's/^structure: //p' "$SLT_TMP/pakket.info")" \
	"multipart/mixed(multipart/alternative(text/plain,text/html),application/pdf,application/pdf)" \
	"package: the reply carries two PDFs"
same_bytes "$SLT_TMP/got/visie-kennisoverzicht.pdf" "$SLT_TMP/visie-kennisoverzicht.pdf" "package: kennisoverzicht byte-identical"
same_bytes "$SLT_TMP/got/visie-kenmerken-€.pdf" "$SLT_TMP/visie-kenmerken-€.pdf" "package: UTF-8 file name (RFC 2231) and bytes intact"
like "$(grep -a -i 'filename\*' "$f" | head -n 2)" "filename\*(0\*)?=UTF-8''" "package: RFC 2231 UTF-8 file name parameter"
like "$(cat "$SLT_TMP/pakket.info")" "Beste Els Visser," "package: 'Visser, Els' greeted as Els Visser"
like "$(cat "$SLT_TMP/pakket.info")" "het werkpakket Visie \(versie 1\)" "package: named in the text"

# ---- too big: a link ---------------------------------------------------------
f=$(reply_to r.smit@assen.nl) || fail "no reply to the big package request"
is "$(field "$f" structure)" "multipart/alternative(text/plain,text/html)" "link: no attachment above attach-max"
like "$(info "$f" --body)" "https://vng.test/pakketten/goed-bestuur" "link: the download link"

# ---- waiting list ----------------------------------------------------------
f=$(reply_to k.bakker@gouda.nl) || fail "no reply to the waiting-list request"
body=$(info "$f" --body)
like "$body" "op de wachtlijst gezet" "waitlist: says so"
like "$body" "Kwaliteit, leren, volgen en verantwoorden \(verwacht: najaar 2027\)" "waitlist: with the expected date"
like "$("$SLTCTL" -c "$SLTD_CONF" waitlist kwaliteit)" "k\.bakker@gouda\.nl" "sltctl waitlist shows the person"

# ---- no reply --------------------------------------------------------------
is "$(replies_to info@leverancier.example)" 0 "overig: no reply"
is "$(sql "SELECT suppress_reason FROM outbox WHERE request_id = $(request_of overig)")" overig "overig: suppression recorded"
is "$(replies_to stevigelokaleteams@vng.test)" 0 "own address: no reply"
is "$(sql "SELECT suppress_reason FROM outbox WHERE request_id = $(request_of eigen)")" own-address "own address: recorded"
is "$(replies_to noreply@almere.nl)" 0 "no-reply sender: no reply"
is "$(sql "SELECT suppress_reason FROM outbox WHERE request_id = $(request_of noreply)")" machine "no-reply sender: recorded (machine signal)"

# ---- header injection through the From name and the subject ----------------
f=$(reply_to j.smit@hilversum.nl) || fail "no reply to the injection attempt"
info "$f" >"$SLT_TMP/inject.info"
is "$(sed -n 's/^header-names: //p' "$SLT_TMP/inject.info")" \
	"date,from,subject,to,message-id,in-reply-to,references,auto-submitted,x-auto-response-suppress,content-language,mime-version,content-type" \
	"injection: no extra header field"
is "$(sed -n 's/^to-addrs: //p' "$SLT_TMP/inject.info")" "j.smit@hilversum.nl" "injection: one recipient in To"
is "$(smtp_meta "$(grep -n . <(for (( i = 1; i <= $(smtp_count); i++ )); do smtp_meta $i rcpt_tos; done) | grep -F j.smit@ | cut -d: -f1)" rcpt_tos)" \
	"j.smit@hilversum.nl" "injection: one envelope recipient"
unlike "$(grep -a -i '^bcc' "$f")" "." "injection: no Bcc line anywhere"
subj=$(sed -n 's/^subject: //p' "$SLT_TMP/inject.info")
like "$subj" "^Re: Vraag over kwaliteit Bcc: victim@evil\.example ?= \?utf-8\?q\?X=0D=0AY\?= \[SLT-[0-9]+\]$" \
	"injection: the subject is one line, its encoded word defused"
like "$(sed -n 's/^to: //p' "$SLT_TMP/inject.info")" "Jan Smit Bcc: victim@evil\.example.*<j\.smit@hilversum\.nl>" \
	"injection: the name stays a name"

# ---- low confidence: the neutral acknowledgement ------------------------------
if [ "$(sql "SELECT review FROM messages WHERE message_id = 'vaag@test.example'")" = 1 ]; then
	f=$(reply_to j.vos@delft.nl) || fail "no reply to the vague message"
	body=$(info "$f" --body)
	like "$body" "leest uw bericht en neemt zo nodig contact met u op" "vague (review): the neutral acknowledgement"
	unlike "$body" "wachtlijst|bijlage" "vague (review): nothing about packages"
	is "$(sql "SELECT kind FROM outbox WHERE request_id = $(request_of vaag)")" neutral "vague (review): kind neutral"
else
	skip "vague (review): the neutral acknowledgement" "the classifier was sure this time"
	skip "vague (review): nothing about packages" "the classifier was sure this time"
	skip "vague (review): kind neutral" "the classifier was sure this time"
fi

# ---- a reply to our reply threads onto its request -----------------------
sent=$(smtp_count)
ours=$(field "$(reply_to a.deboer@utrecht.nl)" raw-message-id)
follow=$(mail thread "Anna de Boer <a.deboer@utrecht.nl>" "Re: Re: Verzoek sparringsessie goed bestuur [SLT-$req]" \
	"Dank voor uw snelle reactie. Dinsdag om 10 uur schikt mij goed." "In-Reply-To: $ours" "References: <sparring@test.example> $ours")
afmeld=$(mail afmelden "Kees Bakker <k.bakker@gouda.nl>" "Afmelden" \
	"Wilt u mij van de wachtlijst halen? Ik wil geen berichten meer ontvangen.")
imap_load INBOX "$follow" "$afmeld" >/dev/null || bail_out "imap_load failed"
sltd_once
is "$?" 0 "second run exits 0"
is "$(request_of thread)" "$req" "the reply to our reply joined its request"
is "$(replies_to a.deboer@utrecht.nl)" 1 "no second acknowledgement for the follow-up"
is "$(sql "SELECT suppress_reason FROM outbox WHERE cause_row = (SELECT id FROM messages WHERE message_id = 'thread@test.example')")" \
	follow-up "the follow-up's suppression is recorded"

# ---- afmelden ------------------------------------------------------------------
f=$(reply_to k.bakker@gouda.nl)
is "$(replies_to k.bakker@gouda.nl)" 2 "afmelden: a confirmation"
body=$(info "$f" --body)
like "$body" "U staat niet langer op de wachtlijst voor:" "afmelden: confirms"
like "$body" "- Kwaliteit, leren, volgen en verantwoorden" "afmelden: names the package"
unlike "$("$SLTCTL" -c "$SLTD_CONF" waitlist)" "k\.bakker@gouda\.nl" "afmelden: off the waiting list"
is "$(sql "SELECT removed_reason FROM waitlist WHERE addr = 'k.bakker@gouda.nl'")" afmelden "afmelden: the entry kept with its reason"

like "$("$SLTCTL" -c "$SLTD_CONF" outbox --all)" "0 queued, $(smtp_count) sent, 0 failed" "sltctl outbox: every reply sent"
done_testing
