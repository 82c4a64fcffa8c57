#!/bin/bash
# SPDX-License-Identifier: MIT
# The harness proves itself on SMTP: curl sends over STARTTLS with AUTH to
# the capturing sink, which stores the message byte for byte; forced replies
# (550, 421, 554) reach the client and the sink recovers without a restart.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

smtp_start --require-auth || bail_out "smtp_start failed"

# 0001 has CSS lines starting with '.', which SMTP must dot-stuff (RFC 5321
# 4.5.2) and the sink must unstuff; 0008 has an 8-bit UTF-8 body.
send() { # FILE FROM RCPT... ; curl's stderr goes to $SLT_TMP/curl.err
	local file=$1 from=$2 rcpts=()
	shift 2
	for r in "$@"; do rcpts+=(--mail-rcpt "$r"); done
	curl -sS --url "$SMTP_URL" --ssl-reqd --cacert "$SLT_CA" \
		-u "$SMTP_USER:$SMTP_PASS" --mail-from "$from" "${rcpts[@]}" \
		-T "$file" 2>"$SLT_TMP/curl.err"
}

ok "curl sends 0001.eml with STARTTLS and AUTH" \
	send "$SLT_CORPUS/0001.eml" sltd@example.org a@example.org b@example.org
is "$(smtp_count)" 1 "the sink stored one message"
same_bytes "$(smtp_messages | head -n 1)" "$SLT_CORPUS/0001.eml" "stored copy is byte-identical (headers, body, dot lines)"
is "$(smtp_meta 1 mail_from)" sltd@example.org "envelope sender recorded"
is "$(smtp_meta 1 rcpt_tos)" "a@example.org b@example.org" "both recipients recorded"
is "$(smtp_meta 1 tls)" true "recorded as sent over TLS"
is "$(smtp_meta 1 auth)" "$SMTP_USER" "recorded as authenticated as SMTP_USER"

ok "null sender (auto-reply style, RFC 3834)" send "$SLT_CORPUS/0008.eml" "" c@example.org
same_bytes "$(smtp_messages | sed -n 2p)" "$SLT_CORPUS/0008.eml" "8-bit UTF-8 message stored byte-identical"
is "$(smtp_meta 2 mail_from)" "" "null sender recorded as empty"

# Refusals.
nok "without TLS, AUTH is not offered and the sink requires it" \
	curl -sS --url "$SMTP_URL" -u "$SMTP_USER:$SMTP_PASS" --mail-from x@example.org \
	--mail-rcpt a@example.org -T "$SLT_CORPUS/0001.eml"
nok "a wrong password is refused" \
	curl -sS --url "$SMTP_URL" --ssl-reqd --cacert "$SLT_CA" -u "$SMTP_USER:wrong" \
	--mail-from x@example.org --mail-rcpt a@example.org -T "$SLT_CORPUS/0001.eml"
nok "STARTTLS without the test CA fails verification" \
	curl -sS --url "$SMTP_URL" --ssl-reqd -u "$SMTP_USER:$SMTP_PASS" \
	--mail-from x@example.org --mail-rcpt a@example.org -T "$SLT_CORPUS/0001.eml"
is "$(smtp_count)" 2 "nothing stored from refused sessions"

# Forced replies, changed between transactions without a restart.
smtp_fail RCPT 550
nok "forced 550 at RCPT fails the send" send "$SLT_CORPUS/0001.eml" x@example.org a@example.org
like "$(cat "$SLT_TMP/curl.err")" "RCPT failed: 550" "curl reports the 550"
like "$(tail -n 2 "$SMTP_DIR/events.jsonl")" '"cmd": "RCPT".*"reply": "550 5\.1\.1' "the sink logged its 550 reply"
is "$(smtp_count)" 2 "nothing stored after the 550"

smtp_fail_clear
smtp_fail RCPT:bad@example.org 550
ok "a per-address rule leaves other recipients alone" send "$SLT_CORPUS/0001.eml" x@example.org good@example.org
nok "... and refuses the named one" send "$SLT_CORPUS/0001.eml" x@example.org bad@example.org
smtp_fail_clear

smtp_fail 'MAIL 421*1'
nok "forced 421 at MAIL (once)" send "$SLT_CORPUS/0001.eml" x@example.org a@example.org
like "$(cat "$SLT_TMP/curl.err")" "MAIL failed: 421" "curl reports the 421"
like "$(grep -A1 '"reply": "421' "$SMTP_DIR/events.jsonl" | tail -n 1)" '"cmd": "DISCONNECT"' "421 drops the connection"
ok "the one-shot rule is spent: the next send succeeds" send "$SLT_CORPUS/0001.eml" x@example.org a@example.org

smtp_fail 'DATA 554 5.7.1 rejected by test'
nok "forced 554 after DATA" send "$SLT_CORPUS/0001.eml" x@example.org a@example.org
like "$(tail -n 3 "$SMTP_DIR/events.jsonl")" '"reply": "554 5\.7\.1 rejected by test"' "the sink answered 554 with the given text"
smtp_fail_clear
before=$(smtp_count)
ok "after smtp_fail_clear all is accepted again" send "$SLT_CORPUS/0008.eml" x@example.org a@example.org
is "$(smtp_count)" "$((before + 1))" "and stored"

port=$SMTP_PORT
smtp_restart || bail_out "smtp_restart failed"
is "$SMTP_PORT" "$port" "smtp_restart keeps the port"
ok "send after restart" send "$SLT_CORPUS/0001.eml" x@example.org a@example.org
is "$(smtp_count)" "$((before + 2))" "numbering continues after a restart"
pgid=$SMTP_PID
smtp_stop
ok "no sink process left after smtp_stop" \
	bash -c "! ps -e -o pgid=,stat= | awk '\$1 == $pgid && \$2 !~ /^Z/' | grep -q ."

done_testing
