#!/bin/bash
# SPDX-License-Identifier: MIT
# The hourly cap through sltd (react.c decides, respond.c counts only for
# a reply that would go out): with [replies] global-per-hour = 2, five
# requests from five people in one pass get two replies; the other three
# are recorded as suppressed with the reason hourly-cap, and a sixth
# person's request in a later pass is held back too.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config "$IMAPS_URL/INBOX" "[replies] global-per-hour = 2"

# mail N: a plain sparring request from person N of Utrecht
mail() {
	local f=$SLT_TMP/m$1.eml
	{
		printf 'From: Persoon %s <persoon%s@utrecht.nl>\r\n' "$1" "$1"
		printf 'To: Stevige lokale teams <stevigelokaleteams@vng.nl>\r\n'
		printf 'Subject: Verzoek sparringsessie goed bestuur\r\n'
		printf 'Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n'
		printf 'Message-ID: <m%s@utrecht.nl>\r\n' "$1"
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
		printf 'Beste mensen,\r\n\r\nWij willen graag een sparringsessie over goed bestuur van onze wijkteams.\r\nWanneer kan dat?\r\n\r\nMet vriendelijke groet,\r\nPersoon %s\r\nGemeente Utrecht\r\n' "$1"
	} >"$f"
	echo "$f"
}

imap_load INBOX "$(mail 1)" "$(mail 2)" "$(mail 3)" "$(mail 4)" "$(mail 5)" >/dev/null ||
	bail_out "imap_load failed"
sltd_once
is "$?" 0 "the pass exits 0"
is "$(sql "SELECT count(*) FROM messages")" 5 "five messages recorded"
is "$(sql "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending', 'sent')")" 2 \
	"two replies go out"
is "$(sql "SELECT count(*) FROM outbox WHERE state = 'suppressed' AND suppress_reason = 'hourly-cap'")" 3 \
	"three are held back by the hourly cap, with that reason"
is "$(sql "SELECT group_concat(m.message_id, ' ') FROM outbox o JOIN messages m ON m.id = o.cause_row
	WHERE o.state != 'suppressed' ORDER BY m.id")" "m1@utrecht.nl m2@utrecht.nl" \
	"the first two in UID order got them"

imap_load INBOX "$(mail 6)" >/dev/null
sltd_once
is "$(sql "SELECT o.suppress_reason FROM outbox o JOIN messages m ON m.id = o.cause_row
	WHERE m.message_id = 'm6@utrecht.nl'")" hourly-cap "a later pass within the hour is held back too"
done_testing
