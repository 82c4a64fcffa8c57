#!/bin/bash
# SPDX-License-Identifier: MIT
# systemd/sltd.service: `systemd-analyze verify` passes (on a copy whose
# ExecStart points at the built binary), the sandbox's exposure score is
# at most 1.5 (`systemd-analyze security --offline=true`), and the unit
# keeps the settings issue 6 asks for.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

command -v systemd-analyze >/dev/null || skip_all "no systemd-analyze"
unit=$SLT_SRCDIR/systemd/sltd.service
slt_tmpdir || bail_out "no temp dir"

mkdir -p "$SLT_TMP/unit"
sed -e "s|^ExecStart=/usr/local/sbin/sltd|ExecStart=$SLTD|" \
    -e "s|^ExecStartPre=/usr/local/sbin/sltd|ExecStartPre=$SLTD|" \
    "$unit" >"$SLT_TMP/unit/sltd.service"
ok "the copy runs the built sltd" grep -q "^ExecStart=$SLTD " "$SLT_TMP/unit/sltd.service"
out=$(systemd-analyze verify --man=no "$SLT_TMP/unit/sltd.service" 2>&1)
rc=$?
is "$rc" 0 "systemd-analyze verify passes"
is "$out" "" "systemd-analyze verify says nothing"

sec=$(systemd-analyze security --offline=true "$unit" 2>&1)
score=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for sltd.service: \([0-9.]*\).*/\1/p')
diag "exposure $score"
ok "exposure is reported" test -n "$score"
ok "exposure $score <= 1.5" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 1.5) }'

for want in 'Type=notify' 'WatchdogSec=' 'NotifyAccess=main' 'ExecReload=/bin/kill -HUP $MAINPID' \
	    'LoadCredential=imap-password:' 'LoadCredential=smtp-password:' 'StateDirectory=sltd' \
	    'ProtectSystem=strict' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
	    'RestrictAddressFamilies=' 'SystemCallFilter=@system-service' 'DynamicUser=yes' \
	    'RestartPreventExitStatus=' ; do
	ok "unit has $want" awk -v w="$want" 'index($0, w) == 1 { f = 1 } END { exit !f }' "$unit"
done
ok "unit has an empty capability set" grep -qx 'CapabilityBoundingSet=' "$unit"
done_testing
