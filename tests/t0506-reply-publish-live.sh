#!/bin/bash
# SPDX-License-Identifier: MIT
# Publishing while sltd runs: the service keeps the packages table it
# read (respond.c) until another process commits. A request for an
# unpublished package gets the waiting-list reply; after `sltctl publish`
# (another process) the next request for it, to the same running sltd,
# gets the package attached, and the waiting person gets the publication
# mail.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"

mail() { # NAME FROM
	local file=$SLT_TMP/$1.eml
	printf 'From: %s\nTo: stevigelokaleteams@vng.test\nSubject: Werkpakket kwaliteit\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <%s@test.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nGeachte heer, mevrouw,\n\nGraag ontvang ik het werkpakket Kwaliteit.\n\nMet vriendelijke groet,\n%s\n' \
		"$2" "$1" "${2%% <*}" | sed 's/$/\r/' >"$file"
	echo "$file"
}
kind_of() { sql "SELECT o.kind FROM outbox o JOIN messages m ON m.id = o.cause_row WHERE m.message_id = '$1@test.example'"; }

sltd_start || bail_out "sltd did not start"
imap_load INBOX "$(mail eerst "Anna de Boer <a.deboer@utrecht.nl>")" >/dev/null
ok "the first request is answered" smtp_wait_count 1 10
is "$(kind_of eerst)" waitlist "before the publication: the waiting-list reply"

{ printf '%%PDF-1.5\n'; head -c 20000 /dev/urandom; } >"$SLT_TMP/kwaliteit.pdf"
"$SLTCTL" -c "$SLTD_CONF" publish kwaliteit "$SLT_TMP/kwaliteit.pdf" >/dev/null
is "$?" 0 "sltctl publish, while sltd runs"

imap_load INBOX "$(mail daarna "Bert Smit <b.smit@zwolle.nl>")" >/dev/null
ok "the second request and the publication mail are sent" smtp_wait_count 3 15
is "$(kind_of daarna)" package "after the publication: the same sltd attaches the package"
is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'publication' AND rcpt = 'a.deboer@utrecht.nl'")" 1 \
	"the waiting person gets one publication mail"
sltd_stop
is "$?" 0 "SIGTERM: exit status 0"
done_testing
