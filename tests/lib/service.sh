# SPDX-License-Identifier: MIT
# sltd as a service in integration tests (tests/t06NN-service-*.sh). Source
# after servers.sh and sltd.sh.
#
# service_config [URL] [EXTRA-LINE...]
#   sltd_config, with [smtp] pointing at the test's sink (smtp_start first):
#   STARTTLS verified with the test CA, AUTH as SMTP_USER; EXTRA-LINEs of
#   other groups than sltd_config's four ([alerts] ...) are appended.
# notify_start
#   Starts tests/lib/notify-listen.py on $SLT_TMP/notify.sock (exports
#   NOTIFY_SOCKET) logging to $SLT_TMP/notify.log (NOTIFY_LOG).
# notify_mark                  from now on notify_has/wait/count look only at
#                              lines that come after this (sltd_start resets)
# notify_has LINE-ERE          a line of the notify log matches (grep -E)
# notify_wait LINE-ERE [SECS=10]
# notify_count LINE-ERE        how many lines match
# sltd_start [ARGS...]
#   slt_spawn sltd "$SLTD" -c "$SLTD_CONF" -v ARGS (log: $SLT_TMP/sltd.log),
#   then waits for READY=1 when NOTIFY_SOCKET is set.
# sltd_stop                    SIGTERM and wait (returns sltd's exit status)
# recorded                     messages recorded in the store (incoming)
# status_key KEY               the value of a daemon_status key
# log_has ERE                  sltd's log has a matching line

service_config() {
	sltd_config "$@" || return 1
	# Replace the placeholder [smtp] url and allow-plaintext of sltd_config.
	local tmp=$SLTD_CONF.tmp
	awk -v url="$SMTP_URL" -v ca="$SLT_CA" -v user="$SMTP_USER" -v pf="$SMTP_PASS_FILE" '
		/^\[/ { group = $0 }
		group == "[smtp]" && /^url = / {
			print "url = " url; print "ca-file = " ca
			print "username = " user; print "password-file = " pf; next }
		group == "[smtp]" && /^allow-plaintext/ { next }
		{ print }' "$SLTD_CONF" >"$tmp" && mv "$tmp" "$SLTD_CONF"
	# sltd_config knows four groups; the others ([alerts], [replies], ...)
	# are appended here, one group header per line.
	local line group
	[ $# -gt 0 ] && shift
	for line in "$@"; do
		group=${line%%]*}
		group=${group#[}
		case $group in imap|smtp|store|packages) continue ;; esac
		printf '[%s]\n%s\n' "$group" "${line#*] }" >>"$SLTD_CONF"
	done
}

notify_start() {
	slt_tmpdir || return 1
	NOTIFY_SOCKET=$SLT_TMP/notify.sock
	NOTIFY_LOG=$SLT_TMP/notify.log
	export NOTIFY_SOCKET NOTIFY_LOG
	: >"$NOTIFY_LOG"
	slt_spawn notify "$SLT_PY" "$SLT_TESTLIB/notify-listen.py" "$NOTIFY_SOCKET" "$NOTIFY_LOG"
	slt_wait_until 5 test -e "$NOTIFY_SOCKET.ready"
}

NOTIFY_MARK=0
notify_mark() {
	NOTIFY_MARK=$(wc -l <"$NOTIFY_LOG")
}

notify_has() {
	tail -n "+$((NOTIFY_MARK + 1))" "$NOTIFY_LOG" | grep -Eq -- "^[0-9.]+ ($1)"
}

notify_wait() {
	slt_wait_until "${2:-10}" notify_has "$1"
}

notify_count() {
	tail -n "+$((NOTIFY_MARK + 1))" "$NOTIFY_LOG" | grep -Ec -- "^[0-9.]+ ($1)"
}

sltd_start() {
	: >"$NOTIFY_LOG" 2>/dev/null
	NOTIFY_MARK=0
	slt_spawn sltd "$SLTD" -c "$SLTD_CONF" -v "$@"
	if [ -n "${NOTIFY_SOCKET:-}" ]; then
		notify_wait 'READY=1' 10 || { echo "sltd_start: no READY=1" >&2; return 1; }
	fi
	return 0
}

sltd_stop() {
	slt_kill sltd TERM
	slt_wait sltd 30
}

recorded() {
	sql "SELECT count(*) FROM messages WHERE direction = 'in'" 2>/dev/null || echo 0
}

status_key() {
	sql "SELECT value FROM daemon_status WHERE key = '$1'"
}

log_has() {
	grep -Eq -- "$1" "$SLT_TMP/sltd.log"
}

# until_is SECS WANT CMD [ARGS...]: poll until CMD prints WANT (0) or
# SECS pass (1, and the last output on stderr).
until_is() {
	local secs=$1 want=$2 got i
	shift 2
	for (( i = 0; i <= secs * 10; i++ )); do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	echo "until_is: got '$got', want '$want'" >&2
	return 1
}
