#!/bin/bash
# SPDX-License-Identifier: MIT
# sltd's own IMAP client (src/imap.c through `sltctl imap-probe`) against the
# real Dovecot: the 160 samples and the hostile messages of tests/imap-poison
# come back byte for byte in one pipelined BODY.PEEK fetch; seen/unseen state
# is untouched; ESEARCH is used and parsed; a message above the size cap is
# reported without being downloaded; stopping a fetch halfway leaves the
# connection usable.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

dovecot_start || bail_out "dovecot_start failed"
# Dovecot's raw log of each IMAP session shows what we really sent.
mkdir -p "$DOVECOT_DIR/rawlog"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$DOVECOT_DIR/rawlog"
echo "protocol imap {
  rawlog_dir = $DOVECOT_DIR/rawlog
}" >>"$DOVECOT_CONF"
dovecot_restart || bail_out "dovecot_restart failed"

probe() {
	"$SLTCTL" imap-probe --url "$IMAPS_URL/" --ca-file "$SLT_CA" --user "$IMAP_USER" \
		--password-file "$IMAP_PASS_FILE" "$@"
}

# Every third message is loaded \Seen, as if staff had read it in Outlook.
files=("$SLT_CORPUS"/*.eml "$SLT_SRCDIR"/tests/imap-poison/*.eml)
n=${#files[@]}
args=()
for (( i = 0; i < n; i++ )); do
	if (( i % 3 == 0 )); then args+=(--flags='\Seen'); else args+=(--flags=); fi
	args+=("${files[i]}")
done
uids=($(imap_load INBOX "${args[@]}")) || bail_out "imap_load failed"
is "${#uids[@]}" "$n" "loaded $n messages (160 samples and the poison ones)"
seen_before=$(imap_uids INBOX SEEN | tr '\n' ' ')
unseen_before=$(imap_uids INBOX UNSEEN | tr '\n' ' ')

out=$SLT_TMP/fetched
probe select fetch 0 "$out" >"$SLT_TMP/probe.out" 2>&1
is "$?" 0 "probe select + fetch exits 0"
like "$(cat "$SLT_TMP/probe.out")" "fetched $n messages, [0-9]+ bytes, 0 too big" "all $n messages fetched"
diag "$(grep '^fetched' "$SLT_TMP/probe.out")"
like "$(head -n1 "$SLT_TMP/probe.out")" "^select uidvalidity=[0-9]+ uidnext=$((n + 1)) exists=$n\$" \
	"SELECT reports UIDVALIDITY, UIDNEXT and EXISTS"

bad=()
for (( i = 0; i < n; i++ )); do
	cmp -s "$out/${uids[i]}.eml" "${files[i]}" || bad+=("$(basename "${files[i]}")")
done
is "${bad[*]}" "" "every message byte-identical to its file"
for (( i = 160; i < n; i++ )); do
	same_bytes "$out/${uids[i]}.eml" "${files[i]}" "poison $(basename "${files[i]}") is byte-identical"
done

is "$(imap_uids INBOX SEEN | tr '\n' ' ')" "$seen_before" "messages read before are still \\Seen"
is "$(imap_uids INBOX UNSEEN | tr '\n' ' ')" "$unseen_before" "unread messages are still unseen"
# The flags handed to the caller are the server's, per message.
is "$(grep -c '^msg [0-9]* [0-9]* (.*\\Seen' "$SLT_TMP/probe.out")" "$(echo $seen_before | wc -w)" \
	"the callback saw \\Seen exactly on the messages read before"

# Our sessions only (the loader's APPEND data holds fake commands too).
ours() {
	local f
	for f in "$DOVECOT_DIR"/rawlog/*.in; do
		head -n1 "$f" | grep -q ' s1 CAPABILITY' && cat "$f"
	done
}
rawin=$(ours)
like "$rawin" "UID SEARCH RETURN \\(ALL\\) UID 1:\\*" "ESEARCH is used when offered"
like "$rawin" "UID FETCH 1:$n \\(UID FLAGS BODY.PEEK\\[\\]|UID FETCH 1:[0-9]+ \\(UID FLAGS RFC822.SIZE BODY.PEEK\\[\\]\\)" \
	"bodies are fetched in ranges with BODY.PEEK"
unlike "$rawin" "BODY\\[\\]" "never a plain BODY[] (it would set \\Seen)"
unlike "$rawin" "$IMAP_PASS" "the password is not in the session"

is "$(probe select search 150 | tail -n1)" "search $((n - 150)): $(seq -s ' ' 151 "$n")" \
	"search after UID 150 returns exactly the UIDs above it"
is "$(probe select search "$n" | tail -n1)" "search 0:" \
	"search after the highest UID is empty (the n:* quirk is filtered)"

# A message above the cap: reported with its size, never downloaded, and
# the one after it still comes.
big=$SLT_TMP/big.eml
{
	printf 'From: big@example.org\r\nSubject: big\r\nMessage-ID: <big@example.org>\r\n\r\n'
	for (( i = 0; i < 4000; i++ )); do printf '%076d\r\n' "$i"; done
} >"$big"
bigsize=$(wc -c <"$big")
biguid=$(imap_load INBOX "$big" "${files[0]}" | head -n1)
rm -rf "$out"
probe --max-size 100000 select fetch "$n" "$out" >"$SLT_TMP/big.out" 2>&1
is "$?" 0 "fetch with --max-size exits 0"
like "$(cat "$SLT_TMP/big.out")" "too-big $biguid $bigsize " "the big message is reported as too big with its size"
like "$(cat "$SLT_TMP/big.out")" "fetched 2 messages, [0-9]+ bytes, 1 too big" "both messages reported, one too big"
ok "the big message was not written" test ! -e "$out/$biguid.eml"
same_bytes "$out/$((biguid + 1)).eml" "${files[0]}" "the message after the big one is fetched"
like "$(ours | grep -o "UID FETCH $biguid:$((biguid + 1)) ([^)]*)" | tail -n1)" \
	"RFC822.SIZE\\)" "sizes are asked first for the batch"
unlike "$(ours | grep "BODY.PEEK" | tail -n1)" "UID FETCH $biguid[:,]" \
	"the big message's body is never asked for"

# A caller that stops halfway: the rest of the pipelined batch is read and
# dropped, the connection stays in sync for the next commands.
out2=$(probe select fetch-stop 0 5 noop search 160 2>&1)
is "$?" 0 "fetch stopped by the callback, then NOOP and SEARCH on the same connection"
like "$out2" "fetched 5 messages" "exactly 5 messages were handed over"
like "$out2" "noop exists=$((n + 2)) new-mail=no" "NOOP after the stopped fetch works"
like "$out2" "search $((n + 2 - 160)): 161 " "SEARCH after the stopped fetch works"

# The callback may not start another command on the same connection: its
# responses would land inside the fetch's.
out3=$(probe select fetch-reenter 150 noop 2>&1)
is "$?" 0 "a fetch whose callback tries a NOOP completes"
like "$out3" "reentry refused: imap: NOOP from within a fetch callback: do it after slt_imap_fetch returns" \
	"the NOOP from the callback is refused with a clear error"
like "$out3" "fetched $((n + 2 - 150)) messages" "every message still handed over"
like "$out3" "noop exists=$((n + 2)) new-mail=no" "and the connection is fine afterwards"

done_testing
