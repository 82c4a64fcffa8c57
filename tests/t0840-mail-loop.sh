#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 300
# Two auto-responders facing each other (issue 8, mail loops): sltd "A"
# (slt@vng.test, mailbox A) and a second sltd "B" (helpdesk@gemeente.test,
# mailbox B) whose replies the harness delivers into each other's mailbox
# after every round (one sltd --once each). Two kinds of partner:
#  - honest: the replies are delivered as sent (Auto-Submitted,
#    In-Reply-To...): the first reply ends it, no responder answers it;
#  - naive: the relay makes every reply look like a fresh human question
#    (machine and threading headers dropped, the text of a real question,
#    a new Message-ID), as a careless autoresponder would: only the
#    per-sender limit stops the loop.
# Either way the exchange stops within the rate limit, and every reply not
# sent is recorded as suppressed with its reason.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

DOVECOT_MAILBOXES="A B" dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
per_day=2

# conf NAME FROM: a config for one responder in $SLT_TMP/NAME.conf
conf() {
	SLTD_DB=$SLT_TMP/$1.db
	service_config "$IMAPS_URL/$1" "[replies] per-sender-per-day = $per_day" \
		"[replies] global-per-hour = 100000"
	sed -i "s|^from = .*|from = $2|" "$SLTD_CONF"
	mv "$SLTD_CONF" "$SLT_TMP/$1.conf"
}
conf A "Stevige lokale teams <slt@vng.test>"
conf B "Helpdesk gemeente <helpdesk@gemeente.test>"

# relay MODE: deliver the sink's new messages to the mailbox of their
# recipient; prints how many it delivered.
relay() {
	"$SLT_PY" - "$1" "$SMTP_DIR/Maildir/new" "$SLT_TMP/relayed" "$SLT_TMP/out" \
		"$SLT_CORPUS/0002.eml" <<'PY'
import email.utils, os, re, sys
mode, new, done_file, out, question = sys.argv[1:6]
done = set(open(done_file).read().split()) if os.path.exists(done_file) else set()
os.makedirs(out, exist_ok=True)
q = open(question, "rb").read()
q_body = q[re.search(rb"\r?\n\r?\n", q).end():]
n = 0
for f in sorted(os.listdir(new)):
    if f in done:
        continue
    done.add(f)
    raw = open(os.path.join(new, f), "rb").read()
    head_end = re.search(rb"\r?\n\r?\n", raw)
    head, body = raw[:head_end.start()], raw[head_end.end():]
    to = re.search(rb"(?im)^To:.*?([\w.+-]+@[\w.-]+)", head).group(1).decode().lower()
    frm = re.search(rb"(?im)^From:(.*(?:\r?\n[ \t].*)*)", head).group(1).strip()
    box = {"slt@vng.test": "A", "helpdesk@gemeente.test": "B"}.get(to)
    if box is None:
        continue
    if mode == "naive":
        mid = email.utils.make_msgid(domain="naive.test").encode()
        head = (b"From: " + frm + b"\r\nTo: <" + to.encode() + b">\r\nSubject: Vraag over ondersteuning\r\n"
                b"Date: " + email.utils.formatdate().encode() + b"\r\nMessage-ID: " + mid +
                b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit")
        body = q_body
    path = os.path.join(out, "%s-%s.eml" % (box, f.replace(".eml", "")))
    open(path, "wb").write(head + b"\r\n\r\n" + body)
    print(path)
    n += 1
open(done_file, "w").write("\n".join(sorted(done)))
PY
}

# exchange MODE ROUNDS: seed one question from B's address into A, then
# ROUNDS rounds; prints the number of replies sent in each round.
exchange() {
	local mode=$1 rounds=$2 r before got paths p
	for (( r = 1; r <= rounds; r++ )); do
		before=$(smtp_count)
		SLTD_CONF=$SLT_TMP/A.conf sltd_once || return 1
		SLTD_CONF=$SLT_TMP/B.conf sltd_once || return 1
		got=$(( $(smtp_count) - before ))
		printf '%s ' "$got"
		paths=$(relay "$mode") || return 1
		for p in $paths; do
			case ${p##*/} in
			A-*) imap_load A "$p" >/dev/null ;;
			B-*) imap_load B "$p" >/dev/null ;;
			esac
		done
	done
	echo
}

seed() { # a person at B's address asks A something
	sed -e 's|^From: .*|From: Helpdesk gemeente <helpdesk@gemeente.test>|' \
		-e 's|^To: .*|To: <slt@vng.test>|' -e "s|^Message-ID: .*|Message-ID: <seed-$1@gemeente.test>|" \
		-e '/^Return-Path:/d' "$SLT_CORPUS/0002.eml" >"$SLT_TMP/seed-$1.eml"
	imap_load A "$SLT_TMP/seed-$1.eml" >/dev/null
}

# ---- honest partner --------------------------------------------------------
seed honest
per_round=$(exchange honest 4) || bail_out "a round failed: $(tail -n 3 "$SLT_TMP/sltd.err")"
diag "honest partner, replies per round: $per_round"
is "$per_round" "1 0 0 0 " "A answers the question once; B never answers an auto-reply, nor A B's"
SLTD_DB=$SLT_TMP/B.db
like "$(sql "SELECT suppress_reason FROM outbox WHERE state = 'suppressed'")" "." \
	"B recorded why it did not answer"

# ---- naive partner ---------------------------------------------------------
smtp_fail_clear
seed naive
per_round=$(exchange naive 10) || bail_out "a round failed: $(tail -n 3 "$SLT_TMP/sltd.err")"
diag "naive partner, replies per round: $per_round"
read -r -a counts <<<"$per_round"
total=0
for c in "${counts[@]}"; do total=$((total + c)); done
ok "the loop stopped: the last three rounds sent nothing" test "${counts[7]}${counts[8]}${counts[9]}" = 000
SLTD_DB=$SLT_TMP/A.db
a_to_b=$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'helpdesk@gemeente.test' AND state = 'sent'")
a_supp=$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'helpdesk@gemeente.test' AND state = 'suppressed'")
a_reasons=$(sql "SELECT DISTINCT suppress_reason FROM outbox WHERE state = 'suppressed'" | tr '\n' ';')
SLTD_DB=$SLT_TMP/B.db
b_to_a=$(sql "SELECT count(*) FROM outbox WHERE rcpt = 'slt@vng.test' AND state = 'sent'")
diag "A sent $a_to_b to B (and suppressed $a_supp: $a_reasons); B sent $b_to_a to A; $total replies in all"
ok "A sent B at most the per-sender limit ($a_to_b <= $per_day per intent, one intent asked)" test "$a_to_b" -le "$per_day"
ok "A recorded the replies it held back, with a reason ($a_supp)" test "$a_supp" -ge 1
ok "B never answers its own kind: at most the limit too ($b_to_a)" test "$b_to_a" -le "$per_day"
done_testing
