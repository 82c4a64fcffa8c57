#!/bin/bash
# SPDX-License-Identifier: MIT
# Threading through the real Dovecot: a reply (In-Reply-To / References)
# joins the request of the message it names, also across passes and when
# it names a reply sltd sent (its Message-ID is only in the outbox); an
# "[SLT-n]" tag in the subject joins request n; a tag naming no request
# opens a new one; a person writing back reopens a request that waited on
# them.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config

# mail FILE MESSAGE-ID SUBJECT [HEADER-LINE...]
mail() {
	local f=$SLT_TMP/$1 id=$2 subject=$3
	shift 3
	{
		printf 'From: Anna de Vries <a.devries@utrecht.nl>\r\n'
		printf 'To: Stevige lokale teams <stevigelokaleteams@vng.nl>\r\n'
		printf 'Subject: %s\r\n' "$subject"
		printf 'Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n'
		printf 'Message-ID: <%s>\r\n' "$id"
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
		printf 'Beste mensen,\r\n\r\nWij willen graag sparren over de visie op onze wijkteams.\r\n\r\nMet vriendelijke groet,\r\nAnna de Vries\r\nGemeente Utrecht\r\n'
	} >"$f"
	echo "$f"
}

req_of() { sql "SELECT request_id FROM messages WHERE message_id = '$1'"; }

imap_load INBOX \
	"$(mail a.eml a1@utrecht.nl 'Vraag over de visie')" \
	"$(mail b.eml b1@utrecht.nl 'RE: Vraag over de visie' 'In-Reply-To: <a1@utrecht.nl>' 'References: <a1@utrecht.nl>')" \
	"$(mail c.eml c1@utrecht.nl 'Re: Re: Vraag' 'References: <a1@utrecht.nl> <b1@utrecht.nl> <unknown@elsewhere.nl>')" \
	"$(mail d.eml d1@zwolle.nl 'Wijkteams Zwolle')" \
	>/dev/null || bail_out "imap_load failed"
sltd_once
is "$?" 0 "first pass exits 0"
ra=$(req_of a1@utrecht.nl)
rd=$(req_of d1@zwolle.nl)
ok "a new message opens a request" test -n "$ra"
is "$(req_of b1@utrecht.nl)" "$ra" "In-Reply-To names a known message: same request"
is "$(req_of c1@utrecht.nl)" "$ra" "References (newest unknown) name known messages: same request"
isnt "$rd" "$ra" "an unrelated message opens its own request"
is "$(sql "SELECT count(*) FROM requests")" 2 "two requests"

# The tag in a subject, without threading headers; a tag naming nothing.
imap_load INBOX \
	"$(mail e.eml e1@utrecht.nl "Antw: [SLT-$rd] aanvulling")" \
	"$(mail f.eml f1@utrecht.nl '[SLT-9999] verzonnen nummer')" >/dev/null
sltd_once
is "$(req_of e1@utrecht.nl)" "$rd" "[SLT-$rd] in the subject joins request SLT-$rd (in a later pass)"
rf=$(req_of f1@utrecht.nl)
ok "a tag naming no request opens a new one" test -n "$rf" -a "$rf" != 9999 -a "$rf" != "$ra" -a "$rf" != "$rd"

# A reply to the reply sltd sent: its Message-ID is in the outbox only.
sql "INSERT INTO outbox (request_id, message_id, kind, rcpt, state, created_at)
     VALUES ($ra, 'slt-reply-1@vng.test', 'ack-sparring', 'a.devries@utrecht.nl', 'sent', 1)"
sql "UPDATE requests SET status = 'wacht-op-klant' WHERE id = $ra"
v0=$(sql "SELECT version FROM requests WHERE id = $ra")
imap_load INBOX "$(mail g.eml g1@utrecht.nl 'Re: Uw verzoek' 'In-Reply-To: <slt-reply-1@vng.test>' 'References: <slt-reply-1@vng.test>')" >/dev/null
sltd_once
is "$(req_of g1@utrecht.nl)" "$ra" "a reply to our own reply joins its request"
is "$(sql "SELECT status FROM requests WHERE id = $ra")" open "the person writing back reopens the request"
is "$(sql "SELECT version FROM requests WHERE id = $ra")" "$((v0 + 1))" "the request's version moved (staff edits see it)"
like "$(sql "SELECT detail FROM request_history WHERE request_id = $ra AND action = 'status'")" "^open \\(was wacht-op-klant\\)" \
	"the reopening is in the request's history"
is "$(sql "SELECT count(*) FROM messages WHERE request_id = $ra")" 4 "request SLT-$ra holds its four messages"
is "$(sql "SELECT count(*) FROM messages")" 7 "seven messages, each once"
is "$(sql "PRAGMA foreign_key_check")" "" "foreign keys hold"

done_testing
