#!/bin/bash
# SPDX-License-Identifier: MIT
# A bulk fetch over many batches with sltd's IMAP client: 3000 messages
# (the samples cycled with fresh Message-IDs), with and without the size
# cap that makes the client ask RFC822.SIZE first. Dovecot runs pipelined
# commands in parallel and interleaves their responses (the first version
# of the client lost every other batch to that); every message must come
# once, in UID order, byte for byte, with \Seen untouched.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

n=3000
dovecot_start || bail_out "dovecot_start failed"
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$SLT_TMP/msgs" "$n" || bail_out "gen-cycled failed"
imap_load INBOX "$SLT_TMP/msgs"/*.eml >/dev/null || bail_out "imap_load failed"
# Some read, as people leave them.
for u in 7 1500 2999; do imap_store INBOX "$u" +FLAGS '\Seen'; done

# "UID md5" lines; file names are the UIDs (the loader keeps file order).
sums() { (cd "$1" && md5sum -- *.eml) | sed -E 's/^([0-9a-f]+)  0*([0-9]+)\.eml$/\2 \1/' | sort -n; }
sums "$SLT_TMP/msgs" >"$SLT_TMP/want"

for mode in "one-phase:" "sizes-first:--max-size=26214400"; do
	name=${mode%%:*}
	opt=${mode#*:}
	out=$SLT_TMP/out-$name
	t0=$(date +%s%N)
	"$SLTCTL" imap-probe --url "$IMAPS_URL/" --ca-file "$SLT_CA" --user "$IMAP_USER" \
		--password-file "$IMAP_PASS_FILE" $opt select fetch 0 "$out" >"$out.log" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$rc" 0 "$name: probe exits 0"
	like "$(grep '^fetched' "$out.log")" "^fetched $n messages" "$name: all $n messages handed over"
	diag "$name: $(grep '^fetched' "$out.log"); wall $ms ms"
	order=$(grep '^msg ' "$out.log" | awk -v n="$n" \
		'$2 != NR { print "position " NR " has UID " $2; exit } END { if (NR != n) print NR " of " n }')
	is "$order" "" "$name: each UID once, in ascending order"
	sums "$out" >"$SLT_TMP/got-$name"
	ok "$name: every message byte-identical" cmp "$SLT_TMP/want" "$SLT_TMP/got-$name"
	is "$(imap_uids INBOX SEEN | tr '\n' ' ')" "7 1500 2999 " "$name: \\Seen exactly where it was"
done

done_testing
