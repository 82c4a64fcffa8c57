#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 200
# sltd refuses every server it cannot verify, on both sides, with a clear
# error and no plaintext fallback (issue 8, TLS): an expired certificate
# (made with `openssl ca -startdate/-enddate`: OpenSSL 3.0's x509 -days
# cannot go back), a certificate from another CA, and a STARTTLS downgrade
# (a server that does not offer it). IMAP: sltd --once exits 77 and records
# nothing, the password never reaches the server. SMTP: the reply stays
# queued with the error (retried later, never sent in the clear), nothing
# reaches the server, and it is sent once the server is fixed.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

slt_tmpdir || bail_out "no temp dir"

# mkcert DIR START END: a self-signed EC certificate for localhost and
# 127.0.0.1, valid from START to END (YYYYMMDDHHMMSSZ), in DIR/{cert,key}.pem.
mkcert() {
	local d=$1
	mkdir -p "$d/db" && : >"$d/db/index.txt" && echo 01 >"$d/db/serial"
	cat >"$d/ca.cnf" <<EOC
[ca]
default_ca = c
[c]
database = $d/db/index.txt
serial = $d/db/serial
new_certs_dir = $d/db
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
[ext]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = critical,CA:TRUE
keyUsage = digitalSignature,keyCertSign
EOC
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$d/key.pem" -out "$d/req.pem" -config "$d/ca.cnf" >"$d/log" 2>&1 &&
	openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$d/key.pem" -in "$d/req.pem" \
		-out "$d/cert.pem" -startdate "$2" -enddate "$3" -extensions ext -notext >>"$d/log" 2>&1 &&
	chmod 0644 "$d/cert.pem" && chmod 0600 "$d/key.pem"
}

mkcert "$SLT_TMP/expired" 20200101000000Z 20210101000000Z || bail_out "openssl ca failed: $(cat "$SLT_TMP/expired/log")"
mkcert "$SLT_TMP/other" 20200101000000Z 20991231000000Z || bail_out "openssl ca failed"
like "$(openssl x509 -in "$SLT_TMP/expired/cert.pem" -noout -enddate)" "2021" "the expired certificate ended in 2021"

# ---- IMAP: an expired certificate -------------------------------------------
# Dovecot serves the expired certificate (slt_cert keeps a cert that exists).
mkdir -p "$SLT_TMP/ssl"
cp "$SLT_TMP/expired/cert.pem" "$SLT_TMP/ssl/cert.pem"
cp "$SLT_TMP/expired/key.pem" "$SLT_TMP/ssl/key.pem"
dovecot_start || bail_out "dovecot_start failed"
imap_load INBOX "$SLT_CORPUS"/000[1-3].eml >/dev/null || bail_out "imap_load failed"
sltd_config "$IMAPS_URL/INBOX"
logins=$(grep -c 'Login: user=' "$DOVECOT_LOG")
sltd_once
is "$?" 77 "IMAP, expired certificate (trusted CA): exit 77"
like "$(cat "$SLT_TMP/sltd.err")" "expired" "the error says the certificate expired"
is "$(sql "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" 0 "nothing recorded"
is "$(grep -c 'Login: user=' "$DOVECOT_LOG")" "$logins" "no login reached Dovecot"

# A valid certificate from now on.
rm -f "$SLT_TMP/ssl/cert.pem" "$SLT_TMP/ssl/key.pem"
slt_cert || bail_out "slt_cert failed"
dovecot_restart || bail_out "dovecot_restart failed"

# ---- IMAP: another CA -------------------------------------------------------
sltd_config "$IMAPS_URL/INBOX" "[imap] ca-file = $SLT_TMP/other/cert.pem"
sltd_once
is "$?" 77 "IMAP, certificate of another CA: exit 77"
like "$(cat "$SLT_TMP/sltd.err")" "certificate" "the error names the certificate"
is "$(sql "SELECT count(*) FROM messages" 2>/dev/null || echo 0)" 0 "nothing recorded"

# ---- IMAP: STARTTLS downgrade -------------------------------------------------
mkdir -p "$SLT_TMP/hostile"
slt_spawn hostile "$SLT_PY" "$SLT_TESTLIB/imap-hostile.py" nostarttls "$SLT_TMP/hostile"
slt_wait_until 5 test -s "$SLT_TMP/hostile/port" || bail_out "imap-hostile did not start"
hport=$(cat "$SLT_TMP/hostile/port")
sltd_config "imap://127.0.0.1:$hport/INBOX"
sed -i '/^allow-plaintext = true$/d' "$SLTD_CONF"
sltd_once
rc=$?
ok "IMAP without STARTTLS offered: refused (exit $rc)" test "$rc" = 77 -o "$rc" = 75
like "$(cat "$SLT_TMP/sltd.err")" "STARTTLS|TLS|SSL" "the error says TLS was not available"
ok "no LOGIN or AUTHENTICATE reached the server" sh -c "! grep -qiE 'LOGIN|AUTHENTICATE' '$SLT_TMP/hostile/received.log' 2>/dev/null"
ok "the password never reached it" sh -c "! grep -qF \"\$(cat '$IMAP_PASS_FILE')\" '$SLT_TMP/hostile/received.log' 2>/dev/null"

# ---- IMAP: the connection dropped mid-handshake ------------------------------
# A server restarting under sltd resets or closes the connection during the
# handshake. That is the network, not a certificate: exit 75 (try again),
# no TLS alarm.
for mode in tls-reset tls-eof; do
	mkdir -p "$SLT_TMP/$mode"
	slt_spawn "$mode" "$SLT_PY" "$SLT_TESTLIB/imap-hostile.py" "$mode" "$SLT_TMP/$mode"
	slt_wait_until 5 test -s "$SLT_TMP/$mode/port" || bail_out "imap-hostile $mode did not start"
	sltd_config "imaps://127.0.0.1:$(cat "$SLT_TMP/$mode/port")/INBOX"
	sltd_once
	is "$?" 75 "IMAP, $mode during the handshake: exit 75, a temporary failure"
	like "$(cat "$SLT_TMP/sltd.err")" "dropped during TLS" "IMAP, $mode: the error says the connection dropped"
done

# ---- SMTP --------------------------------------------------------------------
# The real sink with the valid certificate, and a second sink (started
# directly) per broken case; sltd's outbox faces the broken one.
smtp_start --require-auth || bail_out "smtp_start failed"
sink2() { # NAME OPTIONS...: a second sink in $SLT_TMP/NAME, port in SINK2_PORT
	local name=$1
	shift
	mkdir -p "$SLT_TMP/$name"
	slt_spawn "$name" "$SLT_PY" "$SLT_TESTLIB/smtp-sink.py" --dir "$SLT_TMP/$name" \
		--auth-user "$SMTP_USER" --auth-pass-file "$SMTP_PASS_FILE" "$@"
	slt_wait_until 10 test -s "$SLT_TMP/$name/port" || return 1
	SINK2_PORT=$(cat "$SLT_TMP/$name/port")
}
queued() { sql "SELECT count(*) FROM outbox WHERE state = 'queued'"; }
sent() { sql "SELECT count(*) FROM outbox WHERE state = 'sent'"; }
nothing_reached() { # DIR: no message, no MAIL and no AUTH at that sink
	[ ! -s "$1/messages.jsonl" ] && ! grep -qE '"(MAIL|AUTH)' "$1/events.jsonl" 2>/dev/null
}

service_config "$IMAPS_URL/INBOX"
SLTD_CONF_OK=$(cat "$SLTD_CONF")
smtp_case() { # DESC SINK-DIR CONFIG-EDITS...
	local desc=$1 dir=$2
	shift 2
	printf '%s\n' "$SLTD_CONF_OK" >"$SLTD_CONF"
	for e in "$@"; do sed -i "$e" "$SLTD_CONF"; done
	sltd_once
	is "$(queued)" "$want_queued" "SMTP, $desc: the replies stay queued for a retry"
	like "$(sql "SELECT last_error FROM outbox WHERE attempts > 0 ORDER BY id LIMIT 1")" "$want_err" \
		"SMTP, $desc: the outbox keeps the error for staff"
	like "$(cat "$SLT_TMP/sltd.err")" "$want_err" "SMTP, $desc: the log says why"
	ok "SMTP, $desc: nothing reached the server" nothing_reached "$dir"
}

sink2 expired-sink --tls-cert "$SLT_TMP/expired/cert.pem" --tls-key "$SLT_TMP/expired/key.pem" --require-auth ||
	bail_out "sink with expired certificate did not start"
want_err="expired" want_queued=3
smtp_case "expired certificate" "$SLT_TMP/expired-sink" \
	"s|^url = $SMTP_URL|url = smtp://127.0.0.1:$SINK2_PORT|" \
	"/^\[smtp\]/,/^\[/ s|^ca-file = .*|ca-file = $SLT_TMP/expired/cert.pem|"
is "$(sql "SELECT count(*) FROM messages")" 3 "the messages were recorded meanwhile"

want_err="certificate" want_queued=3
SLT_STORE_NOW=$(( $(date +%s) + 3600 )) smtp_case "certificate of another CA" "$SMTP_DIR" \
	"/^\[smtp\]/,/^\[/ s|^ca-file = .*|ca-file = $SLT_TMP/other/cert.pem|"

sink2 plain-sink --auth-without-tls || bail_out "plain sink did not start"
want_err="STARTTLS|TLS|SSL" want_queued=3
SLT_STORE_NOW=$(( $(date +%s) + 7200 )) smtp_case "no STARTTLS offered" "$SLT_TMP/plain-sink" \
	"s|^url = $SMTP_URL|url = smtp://127.0.0.1:$SINK2_PORT|"

# Fixed: the replies go out, once each, over TLS.
printf '%s\n' "$SLTD_CONF_OK" >"$SLTD_CONF"
SLT_STORE_NOW=$(( $(date +%s) + 86400 )) sltd_once
is "$(sent)" 3 "with a valid server the three replies are sent"
is "$(smtp_count)" 3 "the sink got each once"
is "$(smtp_meta 1 tls)" true "over TLS"
done_testing
