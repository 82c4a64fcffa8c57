#!/bin/bash
# SPDX-License-Identifier: MIT
# The harness cleans up after itself: spawned programs report their exit
# status, and when a test exits (failing or not) its Dovecot, sink, spawned
# programs with their children, and temp dir are gone.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

slt_tmpdir || bail_out "slt_tmpdir failed"
is "$(stat -c %a "$SLT_TMP")" 755 "temp dir is mode 0755"

slt_spawn three sh -c 'echo out; echo err >&2; exit 3'
slt_wait three 5
is "$?" 3 "slt_wait returns the exit status"
is "$(cat "$SLT_TMP/three.log" | xargs)" "out err" "stdout and stderr go to NAME.log"

slt_spawn sleeper sleep 30
slt_wait sleeper 1
is "$?" 124 "slt_wait gives 124 when the program is still running"
slt_kill sleeper TERM
slt_wait sleeper 5
is "$?" 143 "after slt_kill TERM it reports 128+15"

alive() { # PID: running and not a zombie
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[ -n "$st" ] && [[ $st != Z* ]]
}

# A child test that starts everything, then fails.
child=$SLT_TMP/child.sh
cat >"$child" <<EOF
. "$SLT_TESTLIB/servers.sh"
dovecot_start || exit 90
smtp_start || exit 91
slt_spawn daemon sh -c 'sleep 300 & echo \$! >"$SLT_TMP/grandchild.pid"; wait'
slt_wait_until 5 test -s "$SLT_TMP/grandchild.pid" || exit 92
echo "\$DOVECOT_PID \$SMTP_PID \$(slt_pid daemon) \$(cat "$SLT_TMP/grandchild.pid") \$SLT_TMP" >"$SLT_TMP/child.state"
# A program killed as soon as it is spawned: the signal can reach the
# forked subshell before it execs, and that subshell must not run the
# test's cleanup (measured: it did, killing the servers).
for i in 1 2 3 4 5 6 7 8 9 10; do
	slt_spawn quick\$i sleep 5
	slt_kill quick\$i TERM
	slt_wait quick\$i 5
done
kill -0 "\$DOVECOT_PID" && kill -0 "\$SMTP_PID" && test -d "\$SLT_TMP" || exit 93
exit 1
EOF
bash "$child" >"$SLT_TMP/child.out" 2>&1
is "$?" 1 "the child test ran to its failing end (servers survived early kills)"
read -r dpid spid daemon gchild ctmp <"$SLT_TMP/child.state"
nok "Dovecot is gone after the failing test" alive "$dpid"
nok "the SMTP sink is gone" alive "$spid"
nok "the spawned program is gone" alive "$daemon"
nok "and its child too" alive "$gchild"
nok "its temp dir is removed" test -e "$ctmp"

SLT_KEEP=1 bash -c ". '$SLT_TESTLIB/servers.sh'; slt_tmpdir; echo \$SLT_TMP >'$SLT_TMP/kept'" 2>"$SLT_TMP/keep.err"
kept=$(cat "$SLT_TMP/kept")
ok "SLT_KEEP=1 keeps the temp dir" test -d "$kept"
like "$(cat "$SLT_TMP/keep.err")" "kept $kept" "and says where"
rm -rf "$kept"

done_testing
