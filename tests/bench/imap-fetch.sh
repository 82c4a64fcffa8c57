#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test): fetch N messages (default 10000, the samples
# cycled with fresh Message-IDs) from a local Dovecot on sdbox with sltd's
# IMAP client (one pipelined BODY.PEEK fetch, `sltctl imap-probe`) and with
# the curl command line on one connection (`imap://.../INBOX/;UID=[1-N]`,
# the per-message floor of issue 3). Prints both times and the ratio.
#
# usage: tests/bench/imap-fetch.sh [N]     (SLT_BUILD as for the tests;
#        PROBE_EXTRA="--max-size 26214400" measures the two-phase fetch
#        that first asks RFC822.SIZE per batch)
set -u
. "$(dirname "$0")/../lib/servers.sh"

n=${1:-10000}
[ -x "$SLTCTL" ] || { echo "imap-fetch: build $SLTCTL first (make)" >&2; exit 1; }
DOVECOT_STORAGE=sdbox dovecot_start || exit 1

msgs=$SLT_TMP/msgs
mkdir -p "$msgs"
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$msgs" "$n" || exit 1
t0=$(date +%s%N)
imap_load INBOX "$msgs"/*.eml >/dev/null || exit 1
load_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
bytes=$(cat "$msgs"/*.eml | wc -c)
echo "loaded $n messages ($bytes bytes) into Dovecot (sdbox) in $load_ms ms"

probe() { # URL OPTS...: prints the probe's summary line and the wall time
	local url=$1
	shift
	local t0 out ms
	t0=$(date +%s%N)
	out=$("$SLTCTL" imap-probe --url "$url" --user "$IMAP_USER" \
		--password-file "$IMAP_PASS_FILE" "$@" ${PROBE_EXTRA:-} select fetch 0 - 2>&1) || { echo "$out" >&2; exit 1; }
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "$(echo "$out" | grep '^fetched'); wall $ms ms"
}

ours_line=$(probe "$IMAP_URL/" --plaintext)
ours_ms=$(echo "$ours_line" | sed -n 's/.*wall \([0-9]*\) ms$/\1/p')
echo "sltd imap (imap://, plain, unseen):     $ours_line"
unseen=$(imap_status INBOX unseen)
echo "  unseen after sltd's fetch: $unseen of $n (BODY.PEEK leaves them unseen)"
ours_tls_line=$(probe "$IMAPS_URL/" --ca-file "$SLT_CA")
echo "sltd imap (imaps://, verified, unseen): $ours_tls_line"

# For orientation: the server's own floor, one pipelined UID FETCH read
# off a plain socket without parsing (lab notes: about 0.2 s for 32 MB).
raw_ms=$("$SLT_PY" - "$IMAP_PORT" "$IMAP_USER" "$IMAP_PASS" "$n" <<'PY'
import re, socket, sys, time
port, user, pw, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
f.readline()
s.sendall(b'r1 LOGIN "%s" "%s"\r\nr2 SELECT INBOX\r\n' % (user.encode(), pw.encode()))
while not f.readline().startswith(b"r2 "):
    pass
end = re.compile(rb"\r\nr3 (OK|NO|BAD)[^\r\n]*\r\n$")
t0 = time.monotonic()
s.sendall(b"r3 UID FETCH 1:%d (BODY.PEEK[])\r\n" % n)
tail = b""
while True:
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    tail = (tail + chunk)[-300:]
    if end.search(tail):
        break
print(int((time.monotonic() - t0) * 1000))
PY
)
echo "raw pipelined floor (one UID FETCH 1:$n (BODY.PEEK[]), unparsed socket read): $raw_ms ms"

t0=$(date +%s%N)
curl -s -u "$IMAP_USER:$IMAP_PASS" "$IMAP_URL/INBOX/;UID=[1-$n]" -o /dev/null
rc=$?
curl_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "curl CLI floor (imap://, one connection, ;UID=[1-$n]): $curl_ms ms (rc $rc; it sets \\Seen: unseen now $(imap_status INBOX unseen))"

again=$(probe "$IMAP_URL/" --plaintext)
echo "sltd imap again (all seen now):         $again"

awk -v a="$ours_ms" -v b="$curl_ms" -v n="$n" 'BEGIN {
	printf "result: sltd %d ms (%.0f msg/s), curl floor %d ms (%.0f msg/s), ratio %.3f\n",
	       a, n / (a / 1000), b, n / (b / 1000), a / b }'
