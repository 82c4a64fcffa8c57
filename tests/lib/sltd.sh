# SPDX-License-Identifier: MIT
# sltd in integration tests: a config for the test's Dovecot, and quick
# looks into the database. Source after servers.sh (needs dovecot_start).
#
# sltd_config [URL] [EXTRA-LINE...]
#   Writes $SLT_TMP/sltd.conf (sets SLTD_CONF) for IMAP_USER on URL (default
#   "$IMAPS_URL/INBOX" with the test CA), store $SLT_TMP/sltd.db (SLTD_DB).
#   Each EXTRA-LINE is "[group] key = value" and lands in that group; a
#   line "[imap] ca-file =" (empty value) leaves ca-file out.
# sltd_once [ARGS...]
#   Runs sltd -c $SLTD_CONF --once ARGS; its stderr goes to $SLT_TMP/sltd.err
#   (and is appended to $SLT_TMP/sltd.log); returns its exit status.
# sql QUERY
#   sqlite3 on SLTD_DB, one row per line, columns separated by '|'.
# last_pass
#   The summary of the last successful pass ("N found, N recorded ...").

sltd_config() {
	local url=${1:-$IMAPS_URL/INBOX}
	[ $# -gt 0 ] && shift
	SLTD_CONF=$SLT_TMP/sltd.conf
	SLTD_DB=${SLTD_DB:-$SLT_TMP/sltd.db}
	export SLTD_CONF SLTD_DB
	local -A extra=()
	local line group rest ca="ca-file = $SLT_CA"
	for line in "$@"; do
		group=${line%%]*}
		group=${group#[}
		rest=${line#*] }
		if [ "$group" = imap ] && [ "${rest%% *}" = ca-file ]; then
			ca=$rest
			[ "$rest" = "ca-file =" ] && ca=
			continue
		fi
		extra[$group]+="$rest"$'\n'
	done
	{
		echo "[imap]"
		echo "url = $url"
		echo "username = $IMAP_USER"
		echo "password-file = $IMAP_PASS_FILE"
		[ -n "$ca" ] && echo "$ca"
		case $url in imap://*) echo "allow-plaintext = true" ;; esac
		printf '%s' "${extra[imap]:-}"
		echo "[smtp]"
		echo "url = smtp://127.0.0.1:25"
		echo "from = Stevige lokale teams <stevigelokaleteams@vng.test>"
		echo "allow-plaintext = true"
		printf '%s' "${extra[smtp]:-}"
		echo "[store]"
		echo "path = $SLTD_DB"
		printf '%s' "${extra[store]:-}"
		echo "[packages]"
		echo "dir = $SLT_TMP"
		printf '%s' "${extra[packages]:-}"
	} >"$SLTD_CONF"
}

sltd_once() {
	"$SLTD" -c "$SLTD_CONF" --once "$@" 2>"$SLT_TMP/sltd.err"
	local rc=$?
	cat "$SLT_TMP/sltd.err" >>"$SLT_TMP/sltd.log"
	return $rc
}

sql() {
	sqlite3 -batch "$SLTD_DB" "$1"
}

last_pass() {
	sql "SELECT value FROM daemon_status WHERE key = 'last-pass'"
}
