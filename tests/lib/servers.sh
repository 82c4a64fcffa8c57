# SPDX-License-Identifier: MIT
# Throwaway Dovecot and capturing SMTP server on 127.0.0.1 for integration tests.
#
# Source it from a test (bash): . "$(dirname "$0")/lib/servers.sh"
# Everything lives in one temp dir per test and is stopped and removed when
# the test exits, pass or fail (SLT_KEEP=1 keeps the dir and says where).
# Do NOT set your own EXIT trap: use slt_defer. Python helpers always run with
# /usr/bin/python3 (the python3 on PATH may lack Debian's modules).
# Functions return non-zero with a message on stderr when they fail; a test
# usually says `dovecot_start || bail_out "dovecot_start failed"`.
#
# A test, tests/tNNNN-area-detail.sh (run by tests/run.sh, prints TAP):
#   . "$(dirname "$0")/lib/tap.sh"
#   . "$(dirname "$0")/lib/servers.sh"
#   dovecot_start || bail_out "dovecot_start failed"
#   smtp_start || bail_out "smtp_start failed"
#   imap_load INBOX "$SLT_CORPUS/0001.eml" >/dev/null
#   slt_spawn sltd "$SLTD" --config "$SLT_TMP/sltd.conf"
#   ok "a reply was sent" smtp_wait_count 1
#   is "$(imap_flags INBOX 1)" '$Processed' "marked processed"
#   done_testing
#
# Set on sourcing: SLT_SRCDIR (repo root), SLT_TESTLIB (this dir), SLT_BUILD
#   (absolute build dir: build/ or build-san/, from the environment),
#   SLTD=$SLT_BUILD/sltd, SLTCTL=$SLT_BUILD/sltctl, SLT_CORPUS (tests/corpus/messages),
#   SLT_PY=/usr/bin/python3. SANITIZE=1 comes from tests/run.sh under
#   `make check SANITIZE=1`: allocations are ~10x slower then, so a test that
#   pushes thousands of messages through sltd should use fewer.
#
# slt_tmpdir
#   Creates the test's temp dir once (mode 0755, so Dovecot's unprivileged
#   processes can traverse it) and installs the cleanup trap. Sets and exports
#   SLT_TMP. Called by every *_start; call it yourself for scratch files.
#   Base dir: $SLT_TMPBASE, else $TMPDIR, else /tmp.
# slt_defer 'COMMAND'
#   Runs COMMAND (eval'd) at exit, before the servers are killed; LIFO.
# slt_spawn NAME CMD [ARGS...]
#   Starts CMD in the background in its own process group (stdin /dev/null,
#   stdout+stderr appended to $SLT_TMP/NAME.log) and sets SLT_SPAWN_PID. Its
#   group is SIGKILLed at exit if still running. slt_pid NAME prints its pid.
# slt_wait NAME [SECONDS=10]
#   Waits for the spawned NAME to exit; returns its exit status (128+N when
#   killed by signal N), or 124 after SECONDS without killing it.
# slt_kill NAME [SIGNAL=TERM]
#   Sends SIGNAL to the spawned NAME (no wait; pair with slt_wait).
# slt_wait_until SECONDS CMD [ARGS...]
#   Polls CMD every 20 ms until it succeeds (0) or SECONDS (an integer) pass (1).
# slt_free_ports N
#   Prints N free TCP ports on 127.0.0.1, one per line.
# slt_cert
#   Makes the test's EC P-256 certificate once (SAN DNS:localhost,
#   IP:127.0.0.1); sets SLT_CA (cert, also the CA to trust) and SLT_KEY.
#
# dovecot_start
#   Starts a new, empty, private Dovecot 2.3 (no /etc/dovecot; own base_dir,
#   state_dir and log; mail_fsync=never) with plain IMAP (STARTTLS offered)
#   and IMAPS (implicit TLS) with SLT_CA's certificate on free ports, and
#   waits for the greeting (~0.1 s). One user (DOVECOT_USER, default test),
#   passwd-file auth, PLAIN and LOGIN. Mailboxes INBOX and Processed (plus
#   the names in DOVECOT_MAILBOXES, space-separated) are auto-created.
#   Storage sdbox, or maildir with DOVECOT_STORAGE=maildir. As root, mail is
#   stored as nobody; as another user, as that user. Exports IMAP_HOST
#   (127.0.0.1), IMAP_PORT, IMAPS_PORT, IMAP_URL (imap://127.0.0.1:PORT),
#   IMAPS_URL, IMAP_USER, IMAP_PASS (random alphanumeric unless DOVECOT_PASS
#   is set), IMAP_PASS_FILE (the password, no newline, mode 0600), SLT_CA,
#   DOVECOT_PID, DOVECOT_DIR, DOVECOT_CONF, DOVECOT_LOG, DOVECOT_MAIL (the
#   storage directory). Unlike a stock Dovecot, a failed login is answered
#   after ~0.5 s and costs the next logins nothing (no anvil auth penalty,
#   which would delay every later login from 127.0.0.1 by 2-15 s); up to 100
#   connections per user+IP.
# dovecot_stop
#   SIGTERM, waits until every Dovecot process is gone (about 1.1 s).
# dovecot_kill
#   SIGKILL to Dovecot's process group, waits until gone (about 10 ms).
# dovecot_restart [--graceful]
#   dovecot_kill (or dovecot_stop) then starts again on the same ports with
#   the same mail; for reconnect tests. Connected clients see a reset.
# dovecot_adm ARGS...
#   doveadm against this instance, e.g. `dovecot_adm kick "$IMAP_USER"`.
#
# imap_load [--flags=FLAGS] MAILBOX [--flags=FLAGS] FILE...
#   Appends the files with ONE MULTIAPPEND (10000 messages in ~1 s on sdbox)
#   and prints their UIDs, one per line, in file order. Messages are unseen
#   unless --flags (e.g. --flags='\Seen $Processed') is given before them;
#   each --flags holds until the next (--flags= resets). Dovecot returns CRLF
#   line endings on fetch: load CRLF files to compare byte for byte.
# imap_uids MAILBOX [SEARCH-KEY...]   UIDs (default ALL), one per line
# imap_flags MAILBOX UID              flags, sorted, space-separated
# imap_fetch MAILBOX UID              raw message to stdout (BODY.PEEK: no \Seen)
# imap_status MAILBOX [ITEM]          "messages N", "unseen N", "uidnext N",
#                                     "uidvalidity N" lines; with ITEM
#                                     (messages, unseen, ...) only the number
# imap_store MAILBOX UID +FLAGS|-FLAGS|FLAGS 'FLAG...'
# imap_expunge MAILBOX UID; imap_move MAILBOX UID TO
# imap_create MAILBOX; imap_delete MAILBOX; imap_list
#   (all through tests/lib/imap-tool.py over plain IMAP as IMAP_USER)
#
# smtp_start [--require-auth] [--require-tls] [--no-tls] [--auth-without-tls]
#   Starts tests/lib/smtp-sink.py (aiosmtpd) with an empty store on a free
#   port and waits until it listens (~0.2 s). STARTTLS with SLT_CA's
#   certificate (unless --no-tls); AUTH PLAIN and LOGIN as SMTP_USER
#   (SMTP_SINK_USER, default sender; password SMTP_SINK_PASS, default
#   random), offered only after STARTTLS (unless --auth-without-tls).
#   Exports SMTP_PID, SMTP_PORT, SMTP_URL (smtp://127.0.0.1:PORT), SMTP_USER,
#   SMTP_PASS, SMTP_PASS_FILE (mode 0600), SMTP_DIR; see the top of
#   smtp-sink.py for the files under SMTP_DIR (messages.jsonl, events.jsonl).
#   Note: curl/libcurl report a refused end of DATA (e.g. 554) as
#   CURLE_WEIRD_SERVER_REPLY (8), a refused MAIL/RCPT as CURLE_SEND_ERROR (55).
# smtp_stop / smtp_kill
#   SIGTERM / SIGKILL the sink and wait until it is gone.
# smtp_restart
#   smtp_kill, then start again on the same port with the same options and
#   store (new messages continue the numbering).
# smtp_count                 number of messages stored
# smtp_messages              paths of the stored messages, oldest first
# smtp_meta N KEY            field KEY of the Nth stored message's record
#                            (1 = oldest): mail_from ("" for <>), rcpt_tos
#                            (space-separated), tls ("true"/"false"), auth
#                            (user or ""), size, file, conn
# smtp_wait_count N [SECS=10] wait until at least N messages are stored
# smtp_fail STAGE[:ADDRESS] CODE[*COUNT] [TEXT]
#   Appends a rule to $SMTP_DIR/control: from the next MAIL/RCPT/DATA on, the
#   sink answers STAGE (MAIL, RCPT, DATACMD, DATA) with CODE (COUNT times,
#   default forever; 421 also drops the connection). No restart needed.
# smtp_fail_clear            removes every rule: all is accepted again
#
# The cleanup at exit runs slt_defer commands, kills spawned processes, the
# sink and Dovecot (SIGKILL to their process groups, then waits until they
# are gone), and removes SLT_TMP.

SLT_TESTLIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SLT_SRCDIR=$(cd "$SLT_TESTLIB/../.." && pwd)
SLT_BUILD=${SLT_BUILD:-build}
case $SLT_BUILD in /*) ;; *) SLT_BUILD=$SLT_SRCDIR/$SLT_BUILD ;; esac
SLT_PY=/usr/bin/python3
SLTD=$SLT_BUILD/sltd
SLTCTL=$SLT_BUILD/sltctl
# tests/valgrind.sh: every sltd, sltctl and sltweb the tests run goes
# through memcheck (tests/lib/web.sh keeps an SLTWEB set here).
if [ "${SLT_VALGRIND:-0}" = 1 ]; then
	SLTD=$SLT_TESTLIB/valgrind/sltd SLTCTL=$SLT_TESTLIB/valgrind/sltctl
	SLTWEB=$SLT_TESTLIB/valgrind/sltweb
	export SLTWEB
fi
SLT_CORPUS=$SLT_SRCDIR/tests/corpus/messages
export SLT_TESTLIB SLT_SRCDIR SLT_BUILD SLT_PY SLTD SLTCTL SLT_CORPUS

_slt_deferred=()
declare -A _slt_spawned=()
_slt_tmp_pid=

slt_tmpdir() {
	if [ "$_slt_tmp_pid" = "$BASHPID" ] && [ -d "${SLT_TMP:-}" ]; then
		return 0
	fi
	local base=${SLT_TMPBASE:-${TMPDIR:-/tmp}}
	mkdir -p "$base" || return 1
	# Short name (slt-t0001.XXXXXX): Dovecot's unix sockets live below it and
	# a socket path may not exceed 107 bytes.
	local name
	name=$(basename "${0%.sh}")
	SLT_TMP=$(mktemp -d "$base/slt-${name%%-*}.XXXXXX") || return 1
	# mktemp makes 0700; Dovecot's auth (user dovecot) must traverse it.
	chmod 0755 "$SLT_TMP"
	export SLT_TMP
	_slt_tmp_pid=$BASHPID
	trap _slt_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

slt_defer() {
	_slt_deferred+=("$1")
}

# Is any process of process group $1 still alive? Zombies count as gone: the
# sandbox's PID 1 reaps orphans up to a second late.
_slt_pgrp_alive() {
	ps -e -o pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

_slt_pid_alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z*|"") return 1 ;; esac
	return 0
}

# _slt_wait_gone PGID SECONDS: wait until the process group is gone.
_slt_wait_gone() {
	local i n=$(( ${2:-10} * 100 ))
	for (( i = 0; i < n; i++ )); do
		_slt_pgrp_alive "$1" || return 0
		sleep 0.01
	done
	echo "servers.sh: process group $1 still alive after ${2:-10} s" >&2
	return 1
}

_slt_cleanup() {
	local rc=$? i name pid
	# Only the test's own shell cleans up. Bash can run the EXIT trap in a
	# subshell too (measured: $(slt_pid x) failing on ${..:?}), which would
	# kill the test's servers under its feet.
	[ "$BASHPID" = "$_slt_tmp_pid" ] || return "$rc"
	trap - EXIT INT TERM HUP
	for (( i = ${#_slt_deferred[@]} - 1; i >= 0; i-- )); do
		eval "${_slt_deferred[i]}" || true
	done
	for name in "${!_slt_spawned[@]}"; do
		pid=${_slt_spawned[$name]}
		# disown: no "Killed" job notice from bash; init reaps it later.
		# The pid too: a child that has not reached setsid yet has no group.
		disown "$pid" 2>/dev/null
		kill -KILL -- "-$pid" "$pid" 2>/dev/null
	done
	[ -n "${SMTP_DIR:-}" ] && smtp_kill >/dev/null 2>&1
	[ -n "${DOVECOT_DIR:-}" ] && dovecot_kill >/dev/null 2>&1
	if [ -n "${SLT_TMP:-}" ] && [ -d "$SLT_TMP" ]; then
		if [ "${SLT_KEEP:-0}" = 1 ]; then
			echo "# kept $SLT_TMP" >&2
		else
			rm -rf "$SLT_TMP"
		fi
	fi
	exit "$rc"
}

slt_spawn() {
	local name=$1
	shift
	slt_tmpdir || return 1
	# setsid: its own process group, so cleanup also gets its children. A
	# background job is no group leader, so setsid execs in place: $! is the
	# command itself and stays our child (slt_wait can reap it).
	setsid "$@" </dev/null >>"$SLT_TMP/$name.log" 2>&1 &
	SLT_SPAWN_PID=$!
	_slt_spawned[$name]=$SLT_SPAWN_PID
}

slt_pid() {
	echo "${_slt_spawned[$1]:?slt_pid: nothing spawned as $1}"
}

slt_kill() {
	kill -"${2:-TERM}" "${_slt_spawned[$1]:?slt_kill: nothing spawned as $1}"
}

slt_wait() {
	local pid=${_slt_spawned[$1]:?slt_wait: nothing spawned as $1} i n rc
	n=$(( ${2:-10} * 100 ))
	for (( i = 0; i < n; i++ )); do
		_slt_pid_alive "$pid" || break
		sleep 0.01
	done
	_slt_pid_alive "$pid" && return 124
	wait "$pid" 2>/dev/null
	rc=$?
	unset "_slt_spawned[$1]"
	return "$rc"
}

slt_wait_until() {
	local secs=$1 i n
	shift
	n=$(( secs * 50 ))
	for (( i = 0; i <= n; i++ )); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}

slt_free_ports() {
	"$SLT_PY" "$SLT_TESTLIB/free-ports.py" "$1"
}

slt_cert() {
	slt_tmpdir || return 1
	SLT_CA=$SLT_TMP/ssl/cert.pem
	SLT_KEY=$SLT_TMP/ssl/key.pem
	export SLT_CA SLT_KEY
	[ -s "$SLT_CA" ] && [ -s "$SLT_KEY" ] && return 0
	mkdir -p "$SLT_TMP/ssl"
	# EC P-256: 10 ms where RSA-2048 takes 260 ms. Clients connect to the IP,
	# so the SAN must hold IP:127.0.0.1 as well as DNS:localhost.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-days 3650 -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$SLT_KEY" -out "$SLT_CA" >"$SLT_TMP/ssl/openssl.log" 2>&1 || {
		cat "$SLT_TMP/ssl/openssl.log" >&2
		echo "slt_cert: openssl failed" >&2
		return 1
	}
	chmod 0644 "$SLT_CA"
	chmod 0600 "$SLT_KEY"
}

_slt_random_pass() {
	# Alphanumeric: safe in a passwd-file and in a URL without escaping.
	LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20
}

# _slt_imap_greeting PORT: true when a '* OK' greeting arrives on PORT.
_slt_imap_greeting() {
	local fd line
	{ exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	IFS= read -r -t 2 line <&"$fd"
	exec {fd}>&-
	[[ $line == "* OK"* ]]
}

_dovecot_write_conf() {
	local d=$DOVECOT_DIR uid gid login_user internal_user internal_group chroot= mb
	if [ "$(id -u)" = 0 ]; then
		# uid 0 is refused for mail; nobody owns the mail of a root-run test.
		uid=$(id -u nobody) gid=$(id -g nobody)
		login_user=dovenull internal_user=dovecot internal_group=dovecot
	else
		uid=$(id -u) gid=$(id -g)
		login_user=$(id -un) internal_user=$(id -un) internal_group=$(id -gn)
		# An unprivileged master cannot chroot its login processes.
		chroot="  chroot ="
	fi
	local location='sdbox:~/sdbox'
	DOVECOT_MAIL=$d/home/$IMAP_USER/sdbox
	if [ "${DOVECOT_STORAGE:-sdbox}" = maildir ]; then
		location='maildir:~/Maildir'
		DOVECOT_MAIL=$d/home/$IMAP_USER/Maildir
	fi
	local boxes=""
	for mb in Processed ${DOVECOT_MAILBOXES:-}; do
		boxes+="  mailbox \"$mb\" {
    auto = subscribe
  }
"
	done
	cat >"$DOVECOT_CONF" <<EOF
# Generated by tests/lib/servers.sh for one test; never the system instance.
instance_name = slt-dovecot-$IMAP_PORT
base_dir = $DOVECOT_RUN
state_dir = $d/state
listen = 127.0.0.1
protocols = imap
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
default_login_user = $login_user
default_internal_user = $internal_user
default_internal_group = $internal_group
first_valid_uid = 1
ssl = yes
ssl_cert = <$SLT_CA
ssl_key = <$SLT_KEY
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = $location
mail_fsync = never
mail_max_userip_connections = 100
verbose_proctitle = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$d/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
$boxes}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
$chroot
}
service anvil {
$chroot
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
$chroot
}
EOF
}

# _dovecot_launch: start the master on the configured ports; 0 when the
# greeting arrives, 2 when a port was taken, 1 on any other failure.
_dovecot_launch() {
	local i
	rm -f "$DOVECOT_RUN/master.pid"
	# The daemonized master keeps the caller's stderr open for its whole life:
	# anything reading our output would hang, so detach all three.
	if ! dovecot -c "$DOVECOT_CONF" </dev/null >"$DOVECOT_DIR/startup.log" 2>&1; then
		if grep -q "Address already in use" "$DOVECOT_DIR/startup.log" "$DOVECOT_LOG" 2>/dev/null; then
			return 2
		fi
		cat "$DOVECOT_DIR/startup.log" >&2
		return 1
	fi
	for (( i = 0; i < 500; i++ )); do
		[ -s "$DOVECOT_RUN/master.pid" ] && _slt_imap_greeting "$IMAP_PORT" && break
		sleep 0.01
	done
	DOVECOT_PID=$(cat "$DOVECOT_RUN/master.pid" 2>/dev/null)
	if [ -z "$DOVECOT_PID" ] || ! _slt_imap_greeting "$IMAP_PORT"; then
		echo "dovecot_start: no greeting on port $IMAP_PORT" >&2
		tail -n 20 "$DOVECOT_LOG" "$DOVECOT_DIR/startup.log" >&2 2>/dev/null
		return 1
	fi
	export DOVECOT_PID
}

dovecot_start() {
	local try rc ports
	slt_tmpdir && slt_cert || return 1
	if [ -n "${DOVECOT_DIR:-}" ] && [ -n "${DOVECOT_PID:-}" ]; then
		echo "dovecot_start: already running (use dovecot_restart)" >&2
		return 1
	fi
	DOVECOT_DIR=$SLT_TMP/dovecot
	rm -rf "$DOVECOT_DIR"
	DOVECOT_CONF=$DOVECOT_DIR/dovecot.conf
	DOVECOT_LOG=$DOVECOT_DIR/dovecot.log
	IMAP_HOST=127.0.0.1
	IMAP_USER=${DOVECOT_USER:-test}
	IMAP_PASS=${DOVECOT_PASS:-$(_slt_random_pass)}
	IMAP_PASS_FILE=$DOVECOT_DIR/password
	DOVECOT_RUN=$DOVECOT_DIR/run
	# Its longest socket is base_dir + "/token-login/imap-urlauth" (25 bytes);
	# sun_path holds 107. A deep temp dir gets a short base_dir of its own.
	if [ $(( ${#DOVECOT_RUN} + 25 )) -gt 107 ]; then
		DOVECOT_RUN=$(mktemp -d /tmp/slt-dc.XXXXXX) || return 1
		chmod 0755 "$DOVECOT_RUN"
		ln -s "$DOVECOT_RUN" "$DOVECOT_DIR.run"
		slt_defer "rm -rf '$DOVECOT_RUN'"
	fi
	mkdir -p "$DOVECOT_RUN" "$DOVECOT_DIR/state" "$DOVECOT_DIR/home/$IMAP_USER"
	chmod 0755 "$DOVECOT_DIR"
	printf '%s' "$IMAP_PASS" >"$IMAP_PASS_FILE"
	chmod 0600 "$IMAP_PASS_FILE"
	printf '%s:{PLAIN}%s::::::\n' "$IMAP_USER" "$IMAP_PASS" >"$DOVECOT_DIR/passwd"
	chmod 0644 "$DOVECOT_DIR/passwd"
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$DOVECOT_DIR/home/$IMAP_USER"
	fi
	for try in 1 2 3 4 5; do
		ports=$(slt_free_ports 2) || return 1
		IMAP_PORT=${ports%%$'\n'*}
		IMAPS_PORT=${ports##*$'\n'}
		_dovecot_write_conf
		_dovecot_launch
		rc=$?
		[ "$rc" = 2 ] && continue
		break
	done
	if [ "$rc" != 0 ]; then
		echo "dovecot_start: failed (see $DOVECOT_LOG)" >&2
		DOVECOT_PID=
		return 1
	fi
	IMAP_URL=imap://127.0.0.1:$IMAP_PORT
	IMAPS_URL=imaps://127.0.0.1:$IMAPS_PORT
	export DOVECOT_DIR DOVECOT_CONF DOVECOT_LOG DOVECOT_MAIL IMAP_HOST IMAP_PORT \
		IMAPS_PORT IMAP_URL IMAPS_URL IMAP_USER IMAP_PASS IMAP_PASS_FILE
}

dovecot_kill() {
	[ -n "${DOVECOT_PID:-}" ] || return 0
	# The master is its process group's leader (it calls setsid when it
	# daemonizes); its children stay in the group.
	kill -KILL -- "-$DOVECOT_PID" 2>/dev/null
	_slt_wait_gone "$DOVECOT_PID" 10 || return 1
	DOVECOT_PID=
}

dovecot_stop() {
	[ -n "${DOVECOT_PID:-}" ] || return 0
	kill -TERM "$DOVECOT_PID" 2>/dev/null
	_slt_wait_gone "$DOVECOT_PID" 10 || {
		kill -KILL -- "-$DOVECOT_PID" 2>/dev/null
		_slt_wait_gone "$DOVECOT_PID" 2
	}
	DOVECOT_PID=
}

dovecot_restart() {
	[ -n "${DOVECOT_DIR:-}" ] || { echo "dovecot_restart: not started" >&2; return 1; }
	if [ "${1:-}" = --graceful ]; then dovecot_stop; else dovecot_kill; fi || return 1
	_dovecot_launch || { echo "dovecot_restart: failed" >&2; return 1; }
}

dovecot_adm() {
	doveadm -c "$DOVECOT_CONF" "$@"
}

imap_load() {
	local mailbox=
	local args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--flags=*) args+=("$1") ;;
		*) if [ -z "$mailbox" ]; then mailbox=$1; else args+=("$1"); fi ;;
		esac
		shift
	done
	"$SLT_PY" "$SLT_TESTLIB/imap-load.py" "$mailbox" "${args[@]}"
}

_imap_tool() {
	"$SLT_PY" "$SLT_TESTLIB/imap-tool.py" "$@"
}
imap_uids()    { _imap_tool uids "$@"; }
imap_flags()   { _imap_tool flags "$@"; }
imap_fetch()   { _imap_tool fetch "$@"; }
imap_store()   { _imap_tool store "$@"; }
imap_expunge() { _imap_tool expunge "$@"; }
imap_move()    { _imap_tool move "$@"; }
imap_create()  { _imap_tool create "$@"; }
imap_delete()  { _imap_tool delete "$@"; }
imap_list()    { _imap_tool list "$@"; }
imap_status() {
	if [ $# -ge 2 ]; then
		_imap_tool status "$1" | awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }'
	else
		_imap_tool status "$1"
	fi
}

_smtp_opts=()

_smtp_launch() {
	local port_arg=() i
	[ -n "${SMTP_PORT:-}" ] && port_arg=(--port "$SMTP_PORT")
	rm -f "$SMTP_DIR/port"
	# A subshell starts it, so it is not a job of the test's shell (no
	# "Killed" notices) and setsid gives it its own process group.
	( setsid "$SLT_PY" "$SLT_TESTLIB/smtp-sink.py" --dir "$SMTP_DIR" "${port_arg[@]}" \
		"${_smtp_opts[@]}" </dev/null >>"$SMTP_DIR/sink.log" 2>&1 &
	  echo $! >"$SMTP_DIR/sink.pid" )
	SMTP_PID=$(cat "$SMTP_DIR/sink.pid")
	for (( i = 0; i < 1000; i++ )); do
		[ -s "$SMTP_DIR/port" ] && break
		_slt_pid_alive "$SMTP_PID" || break
		sleep 0.01
	done
	if [ ! -s "$SMTP_DIR/port" ]; then
		echo "smtp_start: sink did not start" >&2
		tail -n 20 "$SMTP_DIR/sink.log" >&2
		kill -KILL "$SMTP_PID" 2>/dev/null
		SMTP_PID=
		return 1
	fi
	SMTP_PORT=$(cat "$SMTP_DIR/port")
	SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
	export SMTP_PID SMTP_PORT SMTP_URL
}

smtp_start() {
	local tls=1
	slt_tmpdir && slt_cert || return 1
	if [ -n "${SMTP_PID:-}" ]; then
		echo "smtp_start: already running (use smtp_restart)" >&2
		return 1
	fi
	SMTP_DIR=$SLT_TMP/smtp
	SMTP_USER=${SMTP_SINK_USER:-sender}
	SMTP_PASS=${SMTP_SINK_PASS:-$(_slt_random_pass)}
	SMTP_PASS_FILE=$SMTP_DIR/password
	SMTP_PORT=
	rm -rf "$SMTP_DIR"
	mkdir -p "$SMTP_DIR"
	printf '%s' "$SMTP_PASS" >"$SMTP_PASS_FILE"
	chmod 0600 "$SMTP_PASS_FILE"
	_smtp_opts=(--auth-user "$SMTP_USER" --auth-pass-file "$SMTP_PASS_FILE")
	while [ $# -gt 0 ]; do
		case $1 in
		--require-auth|--require-tls|--auth-without-tls) _smtp_opts+=("$1") ;;
		--no-tls) tls=0 ;;
		*) echo "smtp_start: unknown option '$1'" >&2; return 1 ;;
		esac
		shift
	done
	[ "$tls" = 1 ] && _smtp_opts+=(--tls-cert "$SLT_CA" --tls-key "$SLT_KEY")
	export SMTP_DIR SMTP_USER SMTP_PASS SMTP_PASS_FILE
	_smtp_launch
}

_smtp_end() {
	[ -n "${SMTP_PID:-}" ] || return 0
	kill -"$1" -- "-$SMTP_PID" 2>/dev/null
	_slt_wait_gone "$SMTP_PID" 10 || return 1
	SMTP_PID=
}
smtp_stop() { _smtp_end TERM; }
smtp_kill() { _smtp_end KILL; }

smtp_restart() {
	[ -n "${SMTP_DIR:-}" ] || { echo "smtp_restart: not started" >&2; return 1; }
	smtp_kill && _smtp_launch
}

smtp_messages() {
	local f
	for f in "$SMTP_DIR"/Maildir/new/*.eml; do
		[ -e "$f" ] && echo "$f"
	done
	return 0
}

smtp_count() {
	smtp_messages | wc -l
}

smtp_meta() {
	"$SLT_PY" - "$SMTP_DIR/messages.jsonl" "$1" "$2" <<'EOF'
import json, sys
path, n, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, encoding="utf-8") as f:
    recs = [json.loads(l) for l in f if l.strip()]
if not 1 <= n <= len(recs):
    sys.exit("smtp_meta: no message %d (have %d)" % (n, len(recs)))
v = recs[n - 1].get(key)
if isinstance(v, list):
    v = " ".join(v)
elif isinstance(v, bool):
    v = "true" if v else "false"
elif v is None:
    v = ""
print(v)
EOF
}

smtp_wait_count() {
	local want=$1
	slt_wait_until "${2:-10}" eval '[ "$(smtp_count)" -ge "$want" ]'
}

smtp_fail() {
	echo "$*" >>"$SMTP_DIR/control"
}

smtp_fail_clear() {
	rm -f "$SMTP_DIR/control"
}
