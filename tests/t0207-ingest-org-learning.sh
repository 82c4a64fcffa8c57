#!/bin/bash
# SPDX-License-Identifier: MIT
# Organisations as a stream, through the real Dovecot: a message whose
# signature names its local team teaches sltd the sender's domain, so a
# later message from that domain without such a signature gets the team
# too; the pair is stored (org_domains) and still known after a restart;
# free-mail and municipality domains are never learned. Staff see the
# learned pairs (sltctl orgs), correct one (set: learning never replaces
# it) or forget it; a running sltd uses the change from the next message.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
service_config

# mail FILE MESSAGE-ID FROM BODY
mail() {
	local f=$SLT_TMP/$1
	{
		printf 'From: %s\r\n' "$3"
		printf 'To: Stevige lokale teams <stevigelokaleteams@vng.nl>\r\n'
		printf 'Subject: Vraag over het werkpakket\r\n'
		printf 'Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n'
		printf 'Message-ID: <%s>\r\n' "$2"
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
		printf '%b' "$4"
	} >"$f"
	echo "$f"
}
org_of() { sql "SELECT coalesce(org, '') FROM messages WHERE message_id = '$1'"; }

signed='Beste mensen,\r\n\r\nKunnen wij met jullie sparren over de inrichting van onze wijkteams?\r\n\r\nMet vriendelijke groet,\r\n\r\nIlse Verbeek\r\nteamleider\r\nStichting Wijkteams Rivierenland\r\n'
bare='Hoi,\r\n\r\nWanneer verschijnt het werkpakket over kwaliteit? Graag ontvangen.\r\n\r\nGroet, Ilse\r\n'

imap_load INBOX \
	"$(mail a.eml a1@wijkteamsrivierenland.nl 'Ilse Verbeek <i.verbeek@wijkteamsrivierenland.nl>' "$signed")" \
	"$(mail b.eml b1@wijkteamsrivierenland.nl 'Ilse Verbeek <i.verbeek@wijkteamsrivierenland.nl>' "$bare")" \
	"$(mail c.eml c1@gmail.com 'Kees <kees.jansen@gmail.com>' "$signed")" \
	"$(mail d.eml d1@gmail.com 'Kees <kees.jansen@gmail.com>' "$bare")" \
	>/dev/null || bail_out "imap_load failed"
sltd_once
is "$?" 0 "first pass exits 0"
is "$(org_of a1@wijkteamsrivierenland.nl)" "team:Stichting Wijkteams Rivierenland" \
	"the signature names the team"
is "$(org_of b1@wijkteamsrivierenland.nl)" "team:Stichting Wijkteams Rivierenland" \
	"a later message from that domain without it gets the team (learned in the same pass)"
is "$(sql "SELECT org FROM org_domains WHERE domain = 'wijkteamsrivierenland.nl'")" \
	"team:Stichting Wijkteams Rivierenland" "the pair is stored with the message"
is "$(sql "SELECT count(*) FROM org_domains WHERE domain = 'gmail.com'")" 0 "a free-mail domain is never learned"
is "$(org_of d1@gmail.com)" "" "so another gmail sender's bare message gets no team"

# A restart: the stored pair is loaded again.
imap_load INBOX \
	"$(mail e.eml e1@wijkteamsrivierenland.nl 'Piet Bakker <p.bakker@wijkteamsrivierenland.nl>' "$bare")" \
	>/dev/null
sltd_once
is "$?" 0 "second pass (a new process) exits 0"
is "$(org_of e1@wijkteamsrivierenland.nl)" "team:Stichting Wijkteams Rivierenland" \
	"after a restart the stored pair still teaches the domain"

# ---- staff: list, correct, forget ------------------------------------------
like "$("$SLTCTL" -c "$SLTD_CONF" orgs)" \
	'wijkteamsrivierenland\.nl +sltd .*SLT-[0-9]+ +team:Stichting Wijkteams Rivierenland' \
	"sltctl orgs lists the learned pair, who set it and the request that taught it"
"$SLTCTL" -c "$SLTD_CONF" orgs set WijkteamsRivierenland.nl 'team:Wijkteam Tiel' >/dev/null
is "$?" 0 "sltctl orgs set corrects it"
is "$(sql "SELECT org || '|' || set_by FROM org_domains WHERE domain = 'wijkteamsrivierenland.nl'")" \
	"team:Wijkteam Tiel|staff" "stored as staff's, lower case"
is "$(sql "SELECT count(*) FROM audit WHERE action = 'org-set' AND target = 'wijkteamsrivierenland.nl'")" 1 \
	"and audited"
"$SLTCTL" -c "$SLTD_CONF" orgs set gmail.com 'team:Kees' >/dev/null 2>"$SLT_TMP/err"
isnt "$?" 0 "a free-mail domain is refused"
"$SLTCTL" -c "$SLTD_CONF" orgs set utrecht.nl 'team:Iets' >/dev/null 2>"$SLT_TMP/err"
isnt "$?" 0 "a municipality's domain is refused"
like "$(cat "$SLT_TMP/err")" "domain of gemeente:Utrecht" "saying whose domain it is"
"$SLTCTL" -c "$SLTD_CONF" orgs set tiel.example 'Wijkteam Tiel' >/dev/null 2>"$SLT_TMP/err"
isnt "$?" 0 "an organisation without team: or overig: is refused"

# The running service: a signed message naming the old team, then (a later
# pass of the same process) a bare one. The signature labels its own
# message, but the staff pair is kept, in the store and in sltd's memory,
# and teaches the next.
sltd_start || bail_out "sltd did not start"
imap_load INBOX \
	"$(mail f.eml f1@wijkteamsrivierenland.nl 'Ilse Verbeek <i.verbeek@wijkteamsrivierenland.nl>' "$signed")" \
	>/dev/null
ok "the signed message is recorded" until_is 20 "team:Stichting Wijkteams Rivierenland" \
	org_of f1@wijkteamsrivierenland.nl
imap_load INBOX \
	"$(mail g.eml g1@wijkteamsrivierenland.nl 'Piet Bakker <p.bakker@wijkteamsrivierenland.nl>' "$bare")" \
	>/dev/null
ok "the bare message after it gets staff's organisation, not the signature's" \
	until_is 20 "team:Wijkteam Tiel" org_of g1@wijkteamsrivierenland.nl
is "$(sql "SELECT org || '|' || set_by FROM org_domains WHERE domain = 'wijkteamsrivierenland.nl'")" \
	"team:Wijkteam Tiel|staff" "learning did not replace staff's pair"
# Staff change a pair while sltd runs (another process): its next pass
# uses it, without a reload.
recorded() { sql "SELECT count(*) FROM messages WHERE message_id = '$1'"; }
imap_load INBOX "$(mail s1.eml s1@tielteam.example 'Ilse Verbeek <i.verbeek@tielteam.example>' "$signed")" >/dev/null
ok "a signed message from a new domain is recorded" until_is 20 1 recorded s1@tielteam.example
is "$(sql "SELECT org FROM org_domains WHERE domain = 'tielteam.example'")" "team:Stichting Wijkteams Rivierenland" \
	"the running sltd learned its domain"
"$SLTCTL" -c "$SLTD_CONF" orgs set tielteam.example 'team:Wijkteam Tiel' >/dev/null
imap_load INBOX "$(mail t1.eml t1@tielteam.example 'Piet Bakker <p.bakker@tielteam.example>' "$bare")" >/dev/null
ok "the bare message is recorded" until_is 20 1 recorded t1@tielteam.example
is "$(org_of t1@tielteam.example)" "team:Wijkteam Tiel" "a pair staff set while sltd runs counts from the next message"
"$SLTCTL" -c "$SLTD_CONF" orgs forget tielteam.example >/dev/null
imap_load INBOX "$(mail t2.eml t2@tielteam.example 'Piet Bakker <p.bakker@tielteam.example>' "$bare")" >/dev/null
ok "the next bare message is recorded" until_is 20 1 recorded t2@tielteam.example
is "$(org_of t2@tielteam.example)" "" "and a pair staff forgot while sltd runs is gone from the next message"
is "$(org_of g1@wijkteamsrivierenland.nl)" "team:Wijkteam Tiel" "the other pairs stay (reloaded from the store)"
imap_load INBOX "$(mail t3.eml t3@wijkteamsrivierenland.nl 'Piet Bakker <p.bakker@wijkteamsrivierenland.nl>' "$bare")" >/dev/null
ok "a later bare message is recorded" until_is 20 1 recorded t3@wijkteamsrivierenland.nl
is "$(org_of t3@wijkteamsrivierenland.nl)" "team:Wijkteam Tiel" "and still label the next message"
sltd_stop
is "$?" 0 "sltd stops cleanly"

"$SLTCTL" -c "$SLTD_CONF" orgs forget wijkteamsrivierenland.nl >/dev/null
is "$?" 0 "sltctl orgs forget drops it"
is "$(sql "SELECT count(*) FROM org_domains WHERE domain = 'wijkteamsrivierenland.nl'")" 0 "the pair is gone"
"$SLTCTL" -c "$SLTD_CONF" orgs forget wijkteamsrivierenland.nl >/dev/null 2>&1
isnt "$?" 0 "forgetting it again says there is nothing to forget"
imap_load INBOX \
	"$(mail h.eml h1@wijkteamsrivierenland.nl 'Piet Bakker <p.bakker@wijkteamsrivierenland.nl>' "$bare")" \
	>/dev/null
sltd_once
is "$(org_of h1@wijkteamsrivierenland.nl)" "" "after forget a bare message from the domain gets no team"
like "$("$SLTCTL" -c "$SLTD_CONF" --json orgs)" '^\[' "sltctl --json orgs is a JSON array"
done_testing
