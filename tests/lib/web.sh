# SPDX-License-Identifier: MIT
# sltweb in integration tests. Source after servers.sh, sltd.sh and
# service.sh; dovecot_start and smtp_start first.
#
# web_setup
#   Loads the sample corpus plus two hostile messages (subject
#   "<script>alert(1)</script>", HTML body with script, an attachment
#   named like markup) into the test's Dovecot, ingests them with
#   sltd --once, adds users anna and bert (passwords in WEB_PASS_anna,
#   WEB_PASS_bert) and starts sltweb on a free port. Sets SLTWEB,
#   WEB_URL (http://127.0.0.1:PORT), WEB_USERS, HOSTILE_REF (the
#   hostile request's reference id, a number).
# web_login NAME PASSWORD JAR
#   Signs in with curl's cookie jar JAR; prints the HTTP status of the
#   POST (303 on success). Then web_csrf JAR gives the form token.
# web_csrf JAR [PATH=/]
#   Prints the form token found on PATH for the session in JAR.
# web_get JAR PATH [CURL-ARGS...]
#   GET, body on stdout; the status in $SLT_TMP/web.status.
# web_post JAR PATH [CURL-ARGS...]
#   POST (curl -d/-F args), body on stdout; status in $SLT_TMP/web.status,
#   Location in $SLT_TMP/web.location.

SLTWEB=${SLTWEB:-$SLT_BUILD/sltweb}
WEB_PASS_anna='anna-wachtwoord-1'
WEB_PASS_bert='bert-wachtwoord-2'

_web_hostile() {
	cat >"$SLT_TMP/hostile1.eml" <<'EOM'
From: "<b>Mallory</b> <img src=x onerror=alert(2)>" <mallory@example.org>
To: stevigelokaleteams@vng.nl
Subject: <script>alert(1)</script>
Date: Mon, 17 Mar 2025 09:00:00 +0100
Message-ID: <hostile-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<html><body><p>Graag het werkpakket governance.</p><script>alert(3)</script>
<p>"quotes" &amp; 'apostrof' </textarea></pre><iframe src="//evil"></iframe></p></body></html>
--b1
Content-Type: application/pdf; name="<img src=x onerror=alert(4)>.pdf"
Content-Disposition: attachment; filename="<img src=x onerror=alert(4)>.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
EOM
	cat >"$SLT_TMP/hostile2.eml" <<'EOM'
From: Eve <eve@example.org>
To: stevigelokaleteams@vng.nl
Subject: =?UTF-8?B?PC9wcmU+PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==?=
Date: Mon, 17 Mar 2025 10:00:00 +0100
Message-ID: <hostile-2@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Tekst met </pre><script>alert(6)</script> en "aanhalingstekens".
EOM
}

web_setup() {
	_web_hostile
	imap_load INBOX "$SLT_CORPUS"/*.eml "$SLT_TMP/hostile1.eml" "$SLT_TMP/hostile2.eml" >/dev/null ||
		return 1
	cp "$SLT_SRCDIR/config/packages.conf.example" "$SLT_TMP/packages.conf"
	WEB_USERS=$SLT_TMP/web-users
	service_config "$IMAPS_URL/INBOX" "[web] secure-cookies = false" "[web] users-file = $WEB_USERS"
	sltd_once || { echo "web_setup: sltd --once failed: $(cat "$SLT_TMP/sltd.err")" >&2; return 1; }
	printf '%s\n' "$WEB_PASS_anna" | "$SLTWEB" -c "$SLTD_CONF" --add-user anna 2>/dev/null || return 1
	printf '%s\n' "$WEB_PASS_bert" | "$SLTWEB" -c "$SLTD_CONF" --add-user bert 2>/dev/null || return 1
	local port
	port=$(slt_free_ports 1)
	WEB_URL=http://127.0.0.1:$port
	slt_spawn sltweb "$SLTWEB" -c "$SLTD_CONF" --port "$port"
	slt_wait_until 10 curl -s -o /dev/null "$WEB_URL/aanmelden" ||
		{ echo "web_setup: sltweb did not answer: $(cat "$SLT_TMP/sltweb.log")" >&2; return 1; }
	HOSTILE_REF=$(sql "SELECT request_id FROM messages WHERE message_id = 'hostile-1@example.org'")
	export SLTWEB WEB_URL WEB_USERS HOSTILE_REF
}

web_get() {
	local jar=$1 path=$2
	shift 2
	curl -s -b "$jar" -c "$jar" -o - -w '%{http_code}' "$@" "$WEB_URL$path" >"$SLT_TMP/web.out"
	tail -c 3 "$SLT_TMP/web.out" >"$SLT_TMP/web.status"
	head -c -3 "$SLT_TMP/web.out"
}

web_post() {
	local jar=$1 path=$2
	shift 2
	curl -s -b "$jar" -c "$jar" -o - -D "$SLT_TMP/web.headers" -w '%{http_code}' "$@" "$WEB_URL$path" \
		>"$SLT_TMP/web.out"
	tail -c 3 "$SLT_TMP/web.out" >"$SLT_TMP/web.status"
	sed -n 's/^Location: \(.*\)\r$/\1/Ip' "$SLT_TMP/web.headers" >"$SLT_TMP/web.location"
	head -c -3 "$SLT_TMP/web.out"
}

web_csrf() {
	web_get "$1" "${2:-/}" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n1
}

web_login() {
	local name=$1 pass=$2 jar=$3
	local tok
	tok=$(web_get "$jar" /aanmelden | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n1)
	web_post "$jar" /aanmelden --data-urlencode "csrf=$tok" --data-urlencode "gebruiker=$name" \
		--data-urlencode "wachtwoord=$pass" >/dev/null
	cat "$SLT_TMP/web.status"
}
