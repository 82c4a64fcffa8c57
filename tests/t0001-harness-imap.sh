#!/bin/bash
# SPDX-License-Identifier: MIT
# The harness proves itself on IMAP: sample messages loaded with one
# MULTIAPPEND come back byte for byte over IMAP (BODY.PEEK) and IMAPS (curl
# with the test CA), on sdbox and maildir; flags, restart and TLS checks.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

# 0001: CSS lines starting with '.'; 0008, 0089: UTF-8 8-bit bodies;
# 0018, 0106: lines over 300 bytes; 0160: the newest.
samples=(0001 0008 0018 0089 0106 0160)
files=()
for s in "${samples[@]}"; do files+=("$SLT_CORPUS/$s.eml"); done
n=${#files[@]}

for storage in sdbox maildir; do
	DOVECOT_STORAGE=$storage dovecot_start || bail_out "dovecot_start ($storage) failed"
	like "$(grep -m1 '^mail_location' "$DOVECOT_CONF")" "= $storage:" "$storage: storage configured"

	uids=$(imap_load INBOX "${files[@]}")
	is "$(echo $uids)" "$(seq -s ' ' 1 "$n")" "$storage: MULTIAPPEND assigns UIDs 1..$n in file order"
	is "$(imap_status INBOX messages)" "$n" "$storage: INBOX holds $n messages"
	is "$(imap_status INBOX unseen)" "$n" "$storage: loaded messages are unseen"

	i=0
	for uid in $uids; do
		imap_fetch INBOX "$uid" >"$SLT_TMP/fetched.eml"
		same_bytes "$SLT_TMP/fetched.eml" "${files[i]}" "$storage: IMAP UID $uid is ${samples[i]}.eml byte for byte"
		i=$((i + 1))
	done
	is "$(imap_status INBOX unseen)" "$n" "$storage: BODY.PEEK leaves them unseen"

	# curl fetches with BODY[] (sets \Seen), over implicit TLS, verifying
	# the generated certificate by the IP address in its SAN.
	curl -sS --cacert "$SLT_CA" -u "$IMAP_USER:$IMAP_PASS" \
		"$IMAPS_URL/INBOX/;UID=2" -o "$SLT_TMP/imaps.eml"
	is "$?" 0 "$storage: curl fetches UID 2 over IMAPS with the test CA"
	same_bytes "$SLT_TMP/imaps.eml" "${files[1]}" "$storage: IMAPS copy is byte-identical"
	is "$(imap_flags INBOX 2)" '\Seen' "$storage: curl's fetch set \\Seen"

	dovecot_kill || bail_out "dovecot_kill failed"
	nok "$storage: IMAP port closed after dovecot_kill" \
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$IMAP_PORT"
done

# The last instance (maildir) is dead; a fresh sdbox one for the rest.
DOVECOT_MAILBOXES="Sent Failed" dovecot_start || bail_out "dovecot_start failed"
is "$(imap_list | sort | xargs)" "Failed INBOX Processed Sent" "DOVECOT_MAILBOXES adds auto-created mailboxes"
is "$(imap_status INBOX messages)" 0 "dovecot_start gives an empty INBOX"

# State helpers used by later tests.
imap_load INBOX "${files[@]:0:3}" >/dev/null
ok "imap_move" imap_move INBOX 2 Sent
is "$(imap_uids INBOX | xargs)/$(imap_uids Sent | xargs)" "1 3/1" "moved UID 2 to Sent as UID 1"
ok "imap_expunge" imap_expunge INBOX 3
is "$(imap_uids INBOX | xargs)" 1 "UID 3 is gone"
nok "imap_fetch of a missing UID fails" imap_fetch INBOX 3
validity=$(imap_status Failed uidvalidity)
imap_delete Failed && imap_create Failed
isnt "$(imap_status Failed uidvalidity)" "$validity" "delete + create gives a new UIDVALIDITY"
is "$(dovecot_adm mailbox status -u "$IMAP_USER" messages INBOX)" "INBOX messages=1" "dovecot_adm reaches this instance"

# --flags applies per message, until the next --flags.
uids=$(imap_load Processed --flags='\Seen $Processed' "${files[0]}" --flags= "${files[1]}")
is "$(echo $uids)" "1 2" "imap_load into Processed"
is "$(imap_flags Processed 1)" '$Processed \Seen' "first message carries the given flags"
is "$(imap_flags Processed 2)" "" "--flags= resets to no flags"
imap_store Processed 2 +FLAGS '$Processed'
is "$(imap_flags Processed 2)" '$Processed' "imap_store adds a keyword"
is "$(echo $(imap_uids Processed UNKEYWORD '$Processed'))" "" "UID SEARCH with keys"

ok "password file holds the password" test "$(cat "$IMAP_PASS_FILE")" = "$IMAP_PASS"
is "$(stat -c %a "$IMAP_PASS_FILE")" 600 "password file is mode 0600"

nok "IMAPS without the test CA fails verification" \
	curl -sS -u "$IMAP_USER:$IMAP_PASS" "$IMAPS_URL/" -X NOOP
ok "STARTTLS on the plain port with the test CA" \
	curl -sS --ssl-reqd --cacert "$SLT_CA" -u "$IMAP_USER:$IMAP_PASS" "$IMAP_URL/" -X NOOP
ok "IMAPS by name localhost (SAN DNS:localhost)" \
	curl -sS --cacert "$SLT_CA" -u "$IMAP_USER:$IMAP_PASS" "imaps://localhost:$IMAPS_PORT/" -X NOOP
nok "a wrong password is refused" \
	curl -sS -u "$IMAP_USER:wrong$IMAP_PASS" "$IMAP_URL/" -X NOOP

validity=$(imap_status Processed uidvalidity)
old_pid=$DOVECOT_PID
dovecot_restart || bail_out "dovecot_restart failed"
isnt "$DOVECOT_PID" "$old_pid" "dovecot_restart runs a new master"
is "$(imap_status Processed messages)" 2 "mail survives a restart"
is "$(imap_status Processed uidvalidity)" "$validity" "UIDVALIDITY survives a restart"
ok "the same ports answer after the restart" \
	curl -sS --cacert "$SLT_CA" -u "$IMAP_USER:$IMAP_PASS" "$IMAPS_URL/" -X NOOP

pgid=$DOVECOT_PID
dovecot_kill
ok "no Dovecot process is left after dovecot_kill" \
	bash -c "! ps -e -o pgid=,stat= | awk '\$1 == $pgid && \$2 !~ /^Z/' | grep -q ."

done_testing
