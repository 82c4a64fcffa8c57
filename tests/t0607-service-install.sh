#!/bin/bash
# SPDX-License-Identifier: MIT
# slt-timeout: 600
# `make install DESTDIR=... PREFIX=/usr` puts everything where an admin
# expects it: programs, the unit (paths rewritten for the PREFIX),
# templates, data files, example configs and the man pages; the installed
# sltd looks for its data under /usr/share/sltd; the installed templates
# pass `sltd -n`; the man pages render without warnings and sltd.conf(5)
# documents exactly the keys of the example config. The install runs on a
# private copy of the build directory so the tests running beside it keep
# their binaries.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/servers.sh"

slt_tmpdir || bail_out "no temp dir"
b=$SLT_TMP/build
root=$SLT_TMP/root
mkdir -p "$b"
# Objects keep their times (-p): only what depends on DATADIR is rebuilt.
(cd "$SLT_BUILD" && tar --exclude=./tests -cf - .) | (cd "$b" && tar -xpf -) ||
	bail_out "cannot copy the build directory"
out=$(make -C "$SLT_SRCDIR" --no-print-directory install B="$b" DESTDIR="$root" PREFIX=/usr 2>&1)
rc=$?
is "$rc" 0 "make install DESTDIR=... PREFIX=/usr succeeds"
[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | tail -n 20)"
rebuilt=$(printf '%s\n' "$out" | grep -oE -- '-o [^ ]*/obj/[a-z-]+\.o' | sed 's|.*/||' | sort | tr '\n' ' ')
diag "objects rebuilt for PREFIX=/usr: $rebuilt"
like "$rebuilt" 'config\.o .*respond\.o' "the objects that compile DATADIR in are rebuilt for it"

for f in usr/sbin/sltd usr/bin/sltctl; do
	ok "$f installed, executable" test -x "$root/$f"
done
unit=$root/usr/lib/systemd/system/sltd.service
ok "the unit is installed" test -f "$unit"
is "$(stat -c %a "$unit")" 644 "the unit is mode 0644"
is "$(grep '^ExecStart=' "$unit")" "ExecStart=/usr/sbin/sltd -c /etc/sltd/sltd.conf" "ExecStart follows the PREFIX"
is "$(grep '^ExecStartPre=' "$unit")" "ExecStartPre=/usr/sbin/sltd -n -c /etc/sltd/sltd.conf" "ExecStartPre too"
nok "no /usr/local left in the unit" grep -q /usr/local "$unit"
ok "the installed sltd looks for its data under /usr/share/sltd" grep -qa '/usr/share/sltd' "$root/usr/sbin/sltd"
is "$("$root/usr/sbin/sltd" --version)" "sltd 0.1" "the installed sltd runs"
for f in ack-sparring.txt ack-vraag.html package.txt waitlist.txt afmelden.txt neutral.txt publication.txt; do
	ok "template $f installed" test -s "$root/usr/share/sltd/templates/$f"
done
for f in gemeenten.tsv model.tsv lexicon.txt examples/sltd.conf.example examples/packages.conf.example; do
	ok "data file $f installed" test -s "$root/usr/share/sltd/$f"
done
for f in man1/sltctl.1 man5/sltd.conf.5 man8/sltd.8; do
	ok "man page $f installed" test -s "$root/usr/share/man/$f"
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$root/usr/share/man/$f" 2>&1 >/dev/null)
	is "$warn" "" "man page $f renders without warnings"
done

# The installed templates are complete and valid: sltd -n with them.
mkdir -p "$SLT_TMP/etc"
cat >"$SLT_TMP/etc/sltd.conf" <<EOF
[imap]
url = imaps://imap.example.org/INBOX
username = desk
password-file = $SLT_TMP/etc/pw
[smtp]
url = smtps://smtp.example.org
from = Stevige lokale teams <desk@example.org>
password-file = $SLT_TMP/etc/pw
[store]
path = $SLT_TMP/sltd.db
[packages]
dir = $SLT_TMP
[replies]
templates = $root/usr/share/sltd/templates
EOF
printf 'secret' >"$SLT_TMP/etc/pw"
chmod 600 "$SLT_TMP/etc/pw"
ok "sltd -n accepts the installed templates" "$root/usr/sbin/sltd" -n -c "$SLT_TMP/etc/sltd.conf"

# sltd.conf(5) and the example document the same keys.
example_keys() {
	awk '/^\[/ { g = $0; gsub(/[][]/, "", g) }
	     /^#?[a-z][a-z-]* *=/ { k = $0; sub(/^#/, "", k); sub(/ *=.*/, "", k); print g "/" k }' \
		"$SLT_SRCDIR/config/sltd.conf.example" | sort -u
}
man_keys() {
	awk '/^\.SH \[/ { g = $2; gsub(/[][]/, "", g) }
	     /^\.SH [^[]/ { g = "" }
	     prev == ".TP" && g != "" && /^\.B [a-z]/ { k = $2; gsub(/\\/, "", k); print g "/" k }
	     { prev = $0 }' "$SLT_SRCDIR/man/sltd.conf.5" | sort -u
}
ek=$(example_keys)
mk=$(man_keys)
diag "keys in the example: $(printf '%s\n' "$ek" | wc -l)"
ok "the example has keys" test "$(printf '%s\n' "$ek" | wc -l)" -ge 30
is "$(diff <(printf '%s\n' "$ek") <(printf '%s\n' "$mk") | grep '^[<>]' | tr '\n' ' ')" "" \
	"sltd.conf(5) documents exactly the example's keys"
done_testing
