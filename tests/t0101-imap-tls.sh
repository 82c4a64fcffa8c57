#!/bin/bash
# SPDX-License-Identifier: MIT
# TLS, login and failure classes of sltd's IMAP client (`sltctl imap-probe`):
# the test CA is trusted, anything else is refused with a clear message and
# a "never retry" class; STARTTLS is required on imap://; a server that hides
# STARTTLS never sees the password; wrong passwords, closed ports, hung and
# departing servers map to the right retry class and scope.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

dovecot_start || bail_out "dovecot_start failed"

# probe URL [OPTIONS...] ACTION...: stderr goes to stdout; the exit status
# is kept in $SLT_TMP/rc.
probe() {
	local url=$1
	shift
	"$SLTCTL" imap-probe --url "$url" --user "$IMAP_USER" \
		--password-file "$IMAP_PASS_FILE" "$@" 2>&1
	echo $? >"$SLT_TMP/rc"
}
rc() { cat "$SLT_TMP/rc"; }

out=$(probe "$IMAPS_URL/" --ca-file "$SLT_CA" caps select)
is "$(rc)" 0 "imaps with the test CA: logged in"
like "$out" "^caps IMAP4REV1 IDLE MOVE ESEARCH" "capabilities re-read after login (IDLE, MOVE, ESEARCH)"

out=$(probe "imaps://localhost:$IMAPS_PORT/" --ca-file "$SLT_CA" select)
is "$(rc)" 0 "imaps by host name (SAN DNS:localhost) verifies too"

out=$(probe "$IMAPS_URL/" caps)
is "$(rc)" 1 "imaps without the test CA: exit 1"
is "$out" "sltctl: imap-probe: imap: certificate of '127.0.0.1' not trusted: SSL certificate problem: self-signed certificate (retry never, scope server)" \
	"imaps without the test CA: clear refusal, never retried"

mkdir -p "$SLT_TMP/other"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$SLT_TMP/other/key.pem" -out "$SLT_TMP/other/cert.pem" >/dev/null 2>&1
out=$(probe "$IMAPS_URL/" --ca-file "$SLT_TMP/other/cert.pem" caps)
is "$(rc)" 1 "imaps with another CA: exit 1"
like "$out" "certificate of '127.0.0.1' not trusted: .*\\(retry never, scope server\\)" \
	"imaps with another CA: refused"

out=$(probe "$IMAPS_URL/" --ca-file "$SLT_TMP/nonexistent.pem" caps)
like "$out" "imap: (cannot use CA file '$SLT_TMP/nonexistent.pem'|certificate of '127.0.0.1' not trusted).*retry never" \
	"a missing CA file is a never-retry TLS error"

out=$(probe "$IMAP_URL/" --ca-file "$SLT_CA" caps select)
is "$(rc)" 0 "imap:// upgrades with STARTTLS and verifies with the test CA"
out=$(probe "$IMAP_URL/" caps)
like "$out" "certificate of '127.0.0.1' not trusted" "imap:// STARTTLS without the test CA: refused"
out=$(probe "$IMAP_URL/" --plaintext select)
is "$(rc)" 0 "imap:// --plaintext (loopback tests only) works"

printf 'not-the-password' >"$SLT_TMP/wrong"
out=$("$SLTCTL" imap-probe --url "$IMAPS_URL/" --ca-file "$SLT_CA" --user "$IMAP_USER" \
	--password-file "$SLT_TMP/wrong" caps 2>&1)
is "$?" 1 "wrong password: exit 1"
is "$out" "sltctl: imap-probe: imap: login refused for '$IMAP_USER' at '127.0.0.1' (retry never, scope server)" \
	"wrong password: clear auth error, never retried"
unlike "$out" "not-the-password" "the password is not in the message"

port=$(slt_free_ports 1)
out=$(probe "imap://127.0.0.1:$port/" --plaintext caps)
like "$out" "imap: cannot connect to '127.0.0.1:$port': .*\\(retry backoff, scope server\\)" \
	"closed port: connect error, retried with backoff"

out=$(probe "http://127.0.0.1:$IMAP_PORT/" caps)
like "$out" "URL scheme 'http' is not imap or imaps \\(retry never" "a non-IMAP URL is a config error"

# Hostile servers (tests/lib/imap-hostile.py).
hostile() { # MODE: start it, set HPORT
	local d=$SLT_TMP/hostile-$1
	mkdir -p "$d"
	slt_spawn "hostile-$1" "$SLT_PY" "$SLT_TESTLIB/imap-hostile.py" "$1" "$d"
	slt_wait_until 10 test -s "$d/port" || bail_out "imap-hostile $1 did not start"
	HPORT=$(cat "$d/port")
	HDIR=$d
}

hostile nostarttls
out=$(probe "imap://127.0.0.1:$HPORT/" --ca-file "$SLT_CA" caps)
is "$out" "sltctl: imap-probe: imap: '127.0.0.1' does not offer STARTTLS, and plaintext is not allowed (retry never, scope server)" \
	"STARTTLS stripped by the server: refused, no plaintext fallback"
received=$(cat "$HDIR/received.log" 2>/dev/null)
unlike "$received" "LOGIN|AUTHENTICATE" "the downgrading server never got a login"
unlike "$received" "$IMAP_PASS" "nor the password"

# The bounds below time the whole sltctl process: under memcheck
# (tests/valgrind.sh) its start-up alone took seconds (7.8 s measured).
slack=0
[ "${SLT_VALGRIND:-0}" = 1 ] && slack=15000

hostile stall
t0=$(date +%s%N)
out=$(probe "imap://127.0.0.1:$HPORT/" --plaintext --timeout 1 caps)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
like "$out" "no answer from '127.0.0.1:$HPORT' within 1 s.*\\(retry backoff, scope server\\)" \
	"a server that never greets: timeout error"
ok "the timeout fired within 3 s ($ms ms)" test "$ms" -lt $((3000 + slack))

hostile stall-select
t0=$(date +%s%N)
out=$(probe "imap://127.0.0.1:$HPORT/" --plaintext --timeout 1 select)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$out" "sltctl: imap-probe: imap: no answer from '127.0.0.1' within 1 s (retry backoff, scope server)" \
	"a server that hangs after login: our own per-response timeout"
ok "that timeout fired within 3 s ($ms ms, including LOGOUT attempts)" test "$ms" -lt $((3000 + slack))

hostile bye-select
out=$(probe "imap://127.0.0.1:$HPORT/" --plaintext select)
is "$out" "sltctl: imap-probe: imap: '127.0.0.1' closed the connection: going away now (retry now, scope server)" \
	"BYE and close: the server's words, retry now"

done_testing
