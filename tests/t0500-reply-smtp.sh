#!/bin/bash
# SPDX-License-Identifier: MIT
# src/smtp.c against the real aiosmtpd sink (through `sltctl smtp-probe`):
# STARTTLS + AUTH + verified certificate, the null sender, one reused
# connection, the retry class of every kind of refusal, one retry on a
# dead reused connection, plaintext refused, timeouts, and no password in
# any output. RFC 5321, 3207, 4954.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
# Client timeout: ASan's start-up and TLS under it can take seconds on a
# busy machine (a 5 s timeout was hit once in CI under SANITIZE=1).
T=5
[ "${SANITIZE:-0}" = 1 ] && T=30
# And under memcheck (tests/valgrind.sh: a 5 s timeout was hit).
[ "${SLT_VALGRIND:-0}" = 1 ] && T=30

smtp_start --require-auth || bail_out "smtp_start failed"
M1=$SLT_CORPUS/0001.eml   # has lines starting with '.'
M2=$SLT_CORPUS/0008.eml   # 8-bit UTF-8

probe() { # [OPTIONS...] -- FILE... ; output in $SLT_TMP/out, stderr in $SLT_TMP/err
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	"$SLTCTL" smtp-probe --url "$SMTP_URL" --user "$SMTP_USER" --password-file "$SMTP_PASS_FILE" \
		--ca "$SLT_CA" --rcpt jan@example.org --timeout $T "${opts[@]}" "$@" \
		>"$SLT_TMP/out" 2>"$SLT_TMP/err"
}
line() { sed -n "$1p" "$SLT_TMP/out"; }

ok "two messages over STARTTLS with AUTH" probe -- "$M1" "$M2"
is "$(line 1)" "$M1 sent 250" "first: sent, 250"
is "$(line 2)" "$M2 sent 250" "second: sent, 250"
is "$(line 3)" "connections 1" "both over one connection"
is "$(smtp_count)" 2 "the sink stored both"
same_bytes "$(smtp_messages | sed -n 1p)" "$M1" "stored byte-identical (dot lines intact)"
same_bytes "$(smtp_messages | sed -n 2p)" "$M2" "8-bit message stored byte-identical"
is "$(smtp_meta 1 mail_from)" "" "null sender <> by default (RFC 3834)"
is "$(smtp_meta 1 rcpt_tos)" "jan@example.org" "the recipient"
is "$(smtp_meta 1 tls)" true "over TLS"
is "$(smtp_meta 1 auth)" "$SMTP_USER" "authenticated"

ok "a configured envelope sender" probe --from bounces@vng.example -- "$M1"
is "$(smtp_meta 3 mail_from)" bounces@vng.example "MAIL FROM as configured"

# Refusals and their retry classes.
check() { # RULE WANT_CLASS WANT_CODE DESC
	smtp_fail_clear
	smtp_fail $1
	probe -- "$M1"
	like "$(line 1)" "^$M1 $2 $3 " "$4"
}
n0=$(smtp_count)
check "RCPT 550" permanent 550 "550 at RCPT: permanent"
like "$(line 1)" "recipient \(RCPT\) refused: 550 5\.1\.1" "the server's words in the error"
check "RCPT 450" temporary 450 "450 at RCPT: temporary"
check "DATA 554" permanent 554 "554 after the data: permanent"
check "DATA 451" temporary 451 "451 after the data: temporary"
check "DATACMD 554" permanent 554 "554 to DATA: permanent"
check "MAIL 553" server 553 "553 at MAIL (our sender refused): the server, not the message"
check "MAIL 552" permanent 552 "552 at MAIL (too big): permanent"
check "MAIL 421" server 421 "421: the server"
smtp_fail_clear
is "$(smtp_count)" "$n0" "nothing stored from refused transactions"

# The 101st-message case (lab notes 3): a 4xx at MAIL on a reused
# connection is tried once more on a new one.
stored_more() { [ "$(smtp_count)" -gt "$1" ]; }
n0=$(smtp_count)
slt_spawn limit "$SLTCTL" smtp-probe --url "$SMTP_URL" --user "$SMTP_USER" \
	--password-file "$SMTP_PASS_FILE" --ca "$SLT_CA" --rcpt jan@example.org --timeout $T \
	"$M1" sleep=1 "$M2"
slt_wait_until 5 stored_more "$n0" || fail "first message of the 452 case"
smtp_fail 'MAIL 452*1'
slt_wait limit 15
out=$(cat "$SLT_TMP/limit.log")
like "$out" "$M1 sent 250" "first sent"
like "$out" "$M2 sent 250" "second sent after a one-off 452 at MAIL, retried once"
like "$out" "connections 2" "on a second connection"
like "$(grep -c '"cmd": "MAIL".*"reply": "452' "$SMTP_DIR/events.jsonl")" "^1$" "the sink did answer 452 once"
smtp_fail_clear

# A connection the server dropped (restart) while we held it.
n0=$(smtp_count)
slt_spawn probe "$SLTCTL" smtp-probe --url "$SMTP_URL" --user "$SMTP_USER" \
	--password-file "$SMTP_PASS_FILE" --ca "$SLT_CA" --rcpt jan@example.org --timeout $T \
	"$M1" sleep=1.5 "$M2"
slt_wait_until 5 stored_more "$n0" || fail "first message of the restart case"
smtp_restart || bail_out "smtp_restart failed"
slt_wait probe 15
out=$(cat "$SLT_TMP/probe.log")
like "$out" "$M2 sent 250" "after a server restart the reused connection is replaced"
like "$out" "connections 2" "... on a new connection"
is "$(smtp_count)" $((n0 + 2)) "both stored"

# Login, certificate, TLS.
echo wrong >"$SLT_TMP/wrong-pw"
"$SLTCTL" smtp-probe --url "$SMTP_URL" --user "$SMTP_USER" --password-file "$SLT_TMP/wrong-pw" \
	--ca "$SLT_CA" --rcpt jan@example.org --timeout $T "$M1" >"$SLT_TMP/out" 2>&1
like "$(line 1)" "^$M1 server 535 " "wrong password: server class (535)"
"$SLTCTL" smtp-probe --url "$SMTP_URL" --user "$SMTP_USER" --password-file "$SMTP_PASS_FILE" \
	--rcpt jan@example.org --timeout $T "$M1" >"$SLT_TMP/out" 2>&1
like "$(line 1)" "^$M1 server [0-9]+ .*(certificate|SSL)" "unknown CA: refused, server class"
ok "probe as a plain loopback client" probe --plaintext -- "$M1"
like "$(line 1)" "^$M1 server " "AUTH without TLS is refused by the server"
"$SLTCTL" smtp-probe --url smtp://192.0.2.1:25 --plaintext --rcpt jan@example.org "$M1" >"$SLT_TMP/out" 2>&1
like "$(cat "$SLT_TMP/out")" "only allowed to a loopback address" "plaintext to a non-loopback host: refused"
"$SLTCTL" smtp-probe --url http://127.0.0.1/ --rcpt jan@example.org "$M1" >"$SLT_TMP/out" 2>&1
like "$(cat "$SLT_TMP/out")" "is not smtps:// or smtp://" "other schemes refused"

smtp_stop
smtp_start --no-tls || bail_out "smtp_start --no-tls failed"
n0=$(smtp_count)
"$SLTCTL" smtp-probe --url "$SMTP_URL" --rcpt jan@example.org --ca "$SLT_CA" --timeout $T "$M1" \
	>"$SLT_TMP/out" 2>&1
like "$(line 1)" "^$M1 server [0-9]+ .*STARTTLS" "no STARTTLS offered: refused before MAIL (CURLUSESSL_ALL)"
is "$(smtp_count)" "$n0" "nothing sent in the clear"
smtp_stop

port=$(slt_free_ports 1)
"$SLTCTL" smtp-probe --url "smtp://127.0.0.1:$port" --rcpt jan@example.org --timeout $T "$M1" \
	>"$SLT_TMP/out" 2>&1
like "$(line 1)" "^$M1 server 0 .*(onnect|refused)" "connection refused: server class"

# A server that accepts the connection and never speaks.
slt_spawn mute "$SLT_PY" -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(5)
c, _ = s.accept(); time.sleep(30)"
listening() { "$SLT_PY" -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null; }
slt_wait_until 5 listening || bail_out "the silent server did not start"
start=$(date +%s)
"$SLTCTL" smtp-probe --url "smtp://127.0.0.1:$port" --rcpt jan@example.org --timeout 2 "$M1" \
	>"$SLT_TMP/out" 2>&1
took=$(( $(date +%s) - start ))
like "$(line 1)" "^$M1 server 0 " "a silent server: server class"
ok "gave up after the timeout ($took s)" test "$took" -le 8

ok "no password in any output" sh -c "! grep -rqF -- \"\$(cat '$SMTP_PASS_FILE')\" '$SLT_TMP/out' '$SLT_TMP/err' '$SLT_TMP/probe.log'"

done_testing
