#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 400
# SIGTERM during a busy pass: sltd finishes the messages in hand, says
# STOPPING=1 and exits 0 within seconds, long before the pass would have
# ended; nothing is lost or doubled: a restart records the rest, and in
# the end every message is recorded exactly once and the checkpoint is at
# the last UID.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

n=3000
[ "${SANITIZE:-0}" = 1 ] && n=600

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
mkdir -p "$SLT_TMP/msgs"
"$SLT_PY" "$SLT_TESTLIB/gen-cycled.py" "$SLT_CORPUS" "$SLT_TMP/msgs" "$n" || bail_out "gen-cycled failed"
imap_load INBOX "$SLT_TMP/msgs"/*.eml >/dev/null || bail_out "imap_load failed"
# The replies would flood the sink and are not what this test is about:
# every reply goes on to the sink, which answers 451 (they stay queued).
smtp_fail MAIL 451
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"

sltd_start || bail_out "sltd did not start"
ok "the pass has begun" until_is 30 yes sh -c "[ \"\$(sqlite3 '$SLTD_DB' 'SELECT count(*) > 0 FROM messages' 2>/dev/null)\" = 1 ] && echo yes"
t0=$(date +%s%N)
slt_kill sltd TERM
slt_wait sltd 30
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" 0 "exit status 0 after SIGTERM"
diag "stopped $ms ms after SIGTERM"
ok "stopped within 10 s" test "$ms" -lt 10000
ok "STOPPING=1 was sent" notify_has 'STOPPING=1'
first=$(recorded)
diag "recorded before the stop: $first of $n"
ok "the pass was cut short (fewer than $n recorded)" test "$first" -lt "$n"
ok "the stop is logged" log_has 'stopping \(signal\)'
cp_uid=$(sql "SELECT last_uid FROM checkpoints WHERE mailbox = 'INBOX'" 2>/dev/null)
diag "checkpoint after the stop: UID $cp_uid"
is "$(sql "SELECT count(*) FROM messages WHERE direction = 'in' AND uid > ${cp_uid:-0}")" 0 \
	"nothing recorded beyond the checkpoint"
ok "the store is consistent" sql "PRAGMA integrity_check" 

# Restart: the rest is recorded, nothing twice.
sltd_start || bail_out "sltd did not restart"
ok "a restart records the rest" until_is 120 "$n" recorded
is "$(sql "SELECT count(DISTINCT message_id) FROM messages WHERE direction = 'in'")" "$n" \
	"each message once"
is "$(sql "SELECT last_uid FROM checkpoints WHERE mailbox = 'INBOX'")" "$n" "checkpoint at the last UID"
is "$(sql "SELECT count(*) FROM dead_letters")" 0 "no dead letters"
sltd_stop
is "$?" 0 "sltd stops cleanly again"
done_testing
