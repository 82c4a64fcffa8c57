#!/bin/bash
# SPDX-License-Identifier: MIT
# sltweb end to end in a real headless Chromium (Debian's chromium over
# the DevTools protocol, tests/lib/web-browser.py) on the ingested
# corpus: sign in, find a request by search, assign and relabel it,
# publish a package by upload, open the request whose subject is
# <script>alert(1)</script>; each step's screenshot is a real PNG and
# the DOM holds the key text; no alert fired, no script element exists.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"
. "$(dirname "$0")/lib/web.sh"

[ -x /usr/bin/chromium ] || skip_all "no /usr/bin/chromium (Debian package chromium; make deps installs it)"
/usr/bin/python3 -c 'import websocket' 2>/dev/null || skip_all "no python3-websocket"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
web_setup || bail_out "web_setup failed"
shots=$SLT_TMP/shots
mkdir -p "$shots"
printf '%%PDF-1.4\n%% kwaliteit\n%%%%EOF\n' >"$SLT_TMP/kwaliteit.pdf"
sql "INSERT INTO waitlist (addr, name, package, added_at) VALUES ('wacht@example.nl', 'Wachter', 'kwaliteit', strftime('%s','now'))" 2>/dev/null

out=$(timeout 120 /usr/bin/python3 "$SLT_TESTLIB/web-browser.py" "$WEB_URL" anna "$WEB_PASS_anna" \
	"$HOSTILE_REF" "$SLT_TMP/kwaliteit.pdf" "$shots" 2>"$SLT_TMP/browser.err")
is "$?" 0 "the browser run completes"
while IFS= read -r line; do
	case $line in
	"ok "*) pass "${line#ok }" ;;
	"not ok "*) fail "${line#not ok }" ;;
	esac
done <<<"$out"
facts=$(echo "$out" | sed -n 's/^facts //p')
fact() { /usr/bin/python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(json.dumps(v) if not isinstance(v, str) else v)' "$facts" "$1"; }

is "$(fact queue_rows)" "$(sql "SELECT count(*) FROM requests WHERE status != 'afgerond'")" \
	"the queue in the browser shows every open request"
id=$(fact request_path)
id=${id#/verzoek/}
is "$(sql "SELECT assignee FROM requests WHERE id = $id")" anna "the request assigned in the browser is anna's in the database"
is "$(fact assignee_shown)" anna "and the page says so"
is "$(sql "SELECT who FROM request_history WHERE request_id = $id AND action = 'assign' ORDER BY id DESC LIMIT 1")" anna \
	"the history records anna"
is "$(sql "SELECT intent || ' ' || theme || ' ' || labels_by FROM requests WHERE id = $id")" "$(fact relabel_intent) kwaliteit anna" \
	"the relabel reached the database"
is "$(sql "SELECT version || ' ' || published_by FROM publications WHERE package = 'kwaliteit'")" "1 anna" \
	"the package published in the browser is recorded"
is "$(sql "SELECT count(*) FROM outbox WHERE kind = 'publication' AND rcpt = 'wacht@example.nl'")" 1 \
	"and the waiting person's mail is queued"

is "$(fact hostile_subject)" "<script>alert(1)</script>" "the <script> subject is shown as its text"
like "$(fact hostile_title)" "^SLT-[0-9]+ <script>alert\\(1\\)</script>" "also in the title"
is "$(fact scripts)" 0 "no script element on the page"
is "$(fact imgs)" 0 "no image element from the sender's name or attachment name"
is "$(fact iframes)" 0 "no iframe from the HTML body"
is "$(fact dialogs)" "[]" "no alert dialog fired"
is "$(fact svg_charts)" 2 "statistics: two SVG charts"
ok "the charts have bars" test "$(fact svg_bars)" -gt 10

for s in 01-wachtrij 02-verzoek 03-labels 04-pakketten 05-script-onderwerp 06-statistiek; do
	f=$shots/$s.png
	ok "screenshot $s is a PNG of some size" test -f "$f" -a "$(stat -c %s "$f" 2>/dev/null || echo 0)" -gt 5000
	is "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "screenshot $s starts with the PNG signature"
done
dims=$(/usr/bin/python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$shots/01-wachtrij.png")
is "$dims" 1366x768 "the screenshots are laptop-sized (1366x768)"
[ -n "${SLT_SHOTS:-}" ] && cp "$shots"/*.png "$SLT_SHOTS"/

done_testing
