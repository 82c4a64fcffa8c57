#!/bin/bash
# SPDX-License-Identifier: MIT
# The watchdog (WATCHDOG_USEC, as systemd sets it for WatchdogSec=): a
# healthy sltd pings WATCHDOG=1 from its loop several times per interval;
# when an IMAP call hangs (tests/lib/imap-hostile.py stall-select: logs
# in, then never answers SELECT) the pings stop, so systemd would kill and
# restart it. When the call times out ([imap] timeout) the loop is back,
# the pings resume, and sltd backs off.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"
. "$(dirname "$0")/lib/sltd.sh"
. "$(dirname "$0")/lib/service.sh"

dovecot_start || bail_out "dovecot_start failed"
smtp_start || bail_out "smtp_start failed"
notify_start || bail_out "notify listener failed"
# Under memcheck (tests/valgrind.sh) everything takes k times longer:
# 1 ping in 3 s was seen there with a 1 s interval.
k=1
[ "${SLT_VALGRIND:-0}" = 1 ] && k=5
export WATCHDOG_USEC=$((k * 1000000))

# Healthy, against Dovecot.
service_config "$IMAPS_URL/INBOX" "[imap] poll-interval = 3600"
sltd_start || bail_out "sltd did not start"
sleep $((3 * k))
pings=$(notify_count 'WATCHDOG=1')
diag "WATCHDOG=1 pings in $((3 * k)) s (interval $k s): $pings"
ok "a healthy loop pings at least 6 times in 3 intervals" test "$pings" -ge 6
ok "sltd logs the watchdog interval" log_has "watchdog: every $k.0 s"
sltd_stop

# Hung, against a server that never answers SELECT.
mkdir -p "$SLT_TMP/hostile"
slt_spawn hostile "$SLT_PY" "$SLT_TESTLIB/imap-hostile.py" stall-select "$SLT_TMP/hostile"
slt_wait_until 5 test -s "$SLT_TMP/hostile/port" || bail_out "hostile server did not start"
hport=$(cat "$SLT_TMP/hostile/port")
service_config "imap://127.0.0.1:$hport/INBOX" "[imap] timeout = $((6 * k))" "[imap] poll-interval = 3600"
sltd_start || bail_out "sltd did not start (hostile)"
ok "sltd sent SELECT to the hung server" slt_wait_until $((5 * k)) grep -q 'SELECT' "$SLT_TMP/hostile/received.log"
sleep 0.5
before=$(notify_count 'WATCHDOG=1')
sleep $((4 * k))
after=$(notify_count 'WATCHDOG=1')
diag "pings during $((4 * k)) s of a hung SELECT: $(( after - before ))"
is "$(( after - before ))" 0 "no WATCHDOG=1 while the IMAP call hangs"
ok "sltd is still alive (systemd would kill it)" kill -0 "$(slt_pid sltd)"
# The timeout ends the call: the loop pings again and backs off.
ok "the hung call times out" slt_wait_until $((10 * k)) log_has "no answer from .* within $((6 * k)) s; next attempt"
# (sltd logs the timeout first, then notifies: a moment's wait.)
ok "pings resume after the timeout" slt_wait_until $((2 * k)) eval '[ "$(notify_count WATCHDOG=1)" -gt "$after" ]'
ok "STATUS= says reconnecting" notify_wait 'STATUS=reconnecting' $((2 * k))
sltd_stop
is "$?" 0 "stops cleanly"
done_testing
