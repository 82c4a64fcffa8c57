#!/bin/bash
# SPDX-License-Identifier: MIT
# `make demo`: the whole desk on loopback in half a minute. Starts a
# throwaway Dovecot and SMTP server (tests/lib/servers.sh), puts a few
# dozen sample messages in the mailbox, runs sltd until they are
# recorded and answered, publishes one work package (small PDFs made
# here), lets sltd mail everyone who waited for it, and shows the queue,
# the waiting list and every reply sent (to, subject, attachments). The
# servers stop and the temp dir goes when it ends (SLT_KEEP=1 keeps it).
set -u
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"

N=${DEMO_MESSAGES:-40}
PACKAGE=${DEMO_PACKAGE:-kwaliteit}
bold= off=
if [ -t 1 ]; then bold=$(tput bold 2>/dev/null || true) off=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
die() { echo "demo: $*" >&2; exit 1; }
ctl() { "$SLTCTL" -c "$SLTD_CONF" "$@"; }

[ -x "$SLTD" ] && [ -x "$SLTCTL" ] || die "build first: make (looked in $SLT_BUILD)"

step "Starting a throwaway Dovecot (IMAP) and SMTP server on 127.0.0.1"
dovecot_start || die "dovecot_start failed"
smtp_start --require-auth || die "smtp_start failed"
echo "IMAP $IMAPS_URL, SMTP $SMTP_URL (STARTTLS + AUTH), test CA $SLT_CA"

step "Putting $N sample messages in the mailbox"
mapfile -t files < <(ls "$SLT_CORPUS"/*.eml | head -n "$N")
imap_load INBOX "${files[@]}" >/dev/null || die "imap_load failed"
echo "$(imap_status INBOX messages) messages in INBOX"

sltd_config "$IMAPS_URL/INBOX" "[smtp] url = $SMTP_URL" "[smtp] username = $SMTP_USER" \
	"[smtp] password-file = $SMTP_PASS_FILE" "[smtp] ca-file = $SLT_CA" \
	"[smtp] allow-plaintext = false"
printf '[replies]\nstaff-contact = het team Stevige lokale teams (demo)\n' >>"$SLTD_CONF"
"$SLTD" -n -c "$SLTD_CONF" >/dev/null || die "the configuration does not check out"

step "Running sltd --once until every message is recorded and answered"
for run in 1 2 3; do
	sltd_once
	rc=$?
	[ "$rc" = 0 ] || echo "(sltd exited $rc; see $SLT_TMP/sltd.log)"
	[ "$(sql "SELECT count(*) FROM messages")" -ge "${#files[@]}" ] &&
		[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")" = 0 ] && break
done
grep -E 'pass over|outbox:' "$SLT_TMP/sltd.err" | sed 's/^/  /'

step "The queue (sltctl list)"
ctl list | head -n 25
[ "$(ctl list | wc -l)" -gt 25 ] && echo "  ..."

step "The waiting list (sltctl waitlist $PACKAGE)"
ctl waitlist "$PACKAGE"

step "Publishing '$PACKAGE' (sltctl publish $PACKAGE FILE...)"
# Two small, real one-page PDFs: the knowledge overview and the kenmerken.
"$SLT_PY" - "$SLT_TMP" "$PACKAGE" <<'EOF'
import sys
out, pkg = sys.argv[1], sys.argv[2]
def pdf(path, title):
    text = "BT /F1 18 Tf 72 760 Td (%s) Tj ET" % title
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(body))
        body += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode()
    xref = len(body)
    body += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
    for off in offsets:
        body += ("%010d 00000 n \n" % off).encode()
    body += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)).encode()
    open(path, "wb").write(body)
pdf("%s/%s-kennisoverzicht.pdf" % (out, pkg), "Werkpakket %s - kennisoverzicht (demo)" % pkg)
pdf("%s/%s-kenmerken.pdf" % (out, pkg), "Werkpakket %s - kenmerken (demo)" % pkg)
EOF
ctl publish "$PACKAGE" "$SLT_TMP/$PACKAGE-kennisoverzicht.pdf" "$SLT_TMP/$PACKAGE-kenmerken.pdf" ||
	die "publish failed"
echo "(publishing again changes nothing:)"
ctl publish "$PACKAGE" "$SLT_TMP/$PACKAGE-kennisoverzicht.pdf" "$SLT_TMP/$PACKAGE-kenmerken.pdf" | sed 's/^/  /'

step "sltd sends the publication mails"
sltd_once
grep -E 'outbox:' "$SLT_TMP/sltd.err" | sed 's/^/  /'

step "The packages (sltctl packages)"
ctl packages

step "Waiting list for '$PACKAGE' after publication"
ctl waitlist "$PACKAGE"

step "The replies the SMTP server received ($(smtp_count))"
printf '%s%-4s %-38s %-70s %s%s\n' "$bold" "NR" "AAN" "ONDERWERP" "BIJLAGEN" "$off"
i=0
for f in $(smtp_messages); do
	i=$((i + 1))
	"$SLT_PY" "$SLT_TESTLIB/mail-info.py" "$f" | "$SLT_PY" -c '
import sys
i = sys.argv[1]
to = subj = ""
att = []
for line in sys.stdin:
    k, _, v = line.rstrip("\n").partition(": ")
    if k == "to-addrs": to = v
    elif k == "subject": subj = v
    elif k == "attachment": att.append(v.split(" ")[0])
subj = subj if len(subj) <= 70 else subj[:69] + "…"
print("%-4s %-38s %-70s %s" % (i, to[:38], subj, ", ".join(att) or "-"))' "$i"
done

step "The outbox, and what was held back and why (sltctl outbox)"
ctl outbox --limit 1 | head -n 1
ctl outbox --state suppressed --limit 0 | sed -n 's/^ *reden: //p' | sort | uniq -c | sort -rn |
	while read -r n why; do printf '  %3d held back: %s\n' "$n" "$why"; done

step "Stopping the servers"
echo "done; the database, config and mails were in $SLT_TMP$([ "${SLT_KEEP:-0}" = 1 ] && echo " (kept)")"
