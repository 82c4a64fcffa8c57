# SPDX-License-Identifier: MIT
# Read and change IMAP state from integration tests, without side effects
# beyond what the command says (BODY.PEEK, EXAMINE for read-only commands).
#
# usage: imap-tool.py COMMAND ARGS...
#   uids MAILBOX [SEARCH-KEY...]   UIDs matching the keys (default ALL), one per line
#   flags MAILBOX UID              flags of one message, space-separated, sorted,
#                                  without \Recent
#   fetch MAILBOX UID              raw message bytes (BODY.PEEK[]) to stdout
#   status MAILBOX                 "messages N", "unseen N", "uidnext N", "uidvalidity N"
#   store MAILBOX UID +FLAGS|-FLAGS|FLAGS 'FLAG...'   change flags
#   expunge MAILBOX UID            remove one message for good
#   move MAILBOX UID TO            UID MOVE
#   create MAILBOX | delete MAILBOX
#   list                           mailbox names, one per line
# Connection from the environment: IMAP_HOST (default 127.0.0.1), IMAP_PORT,
# IMAP_USER, IMAP_PASS. Exit 1 with the server's reply on stderr on failure;
# a missing UID is an error for flags/fetch.
import imaplib
import os
import re
import sys


def die(msg):
    sys.stderr.write("imap-tool: %s\n" % msg)
    sys.exit(1)


def check(res, what):
    typ, data = res
    if typ != "OK":
        die("%s failed: %s %r" % (what, typ, data))
    return data


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect():
    m = imaplib.IMAP4(os.environ.get("IMAP_HOST", "127.0.0.1"),
                      int(os.environ["IMAP_PORT"]))
    check(m.login(os.environ["IMAP_USER"], os.environ["IMAP_PASS"]), "login")
    return m


def select(m, mailbox, readonly=True):
    check(m.select(quote(mailbox), readonly=readonly), "select %s" % mailbox)


def fetch_items(m, uid, items):
    data = check(m.uid("FETCH", uid, items), "fetch %s" % uid)
    found = [d for d in data if d is not None and d != b")"]
    if not found:
        die("no message with UID %s" % uid)
    return found


def main(argv):
    if len(argv) < 2:
        die("usage: imap-tool.py COMMAND ARGS...")
    cmd, args = argv[1], argv[2:]
    m = connect()
    out = sys.stdout.buffer
    if cmd == "uids":
        select(m, args[0])
        keys = " ".join(args[1:]) or "ALL"
        data = check(m.uid("SEARCH", None, keys), "search")
        uids = sorted(int(u) for u in b" ".join(data).split())
        out.write("".join("%d\n" % u for u in uids).encode())
    elif cmd == "flags":
        select(m, args[0])
        found = fetch_items(m, args[1], "(FLAGS)")
        text = found[0].decode() if isinstance(found[0], bytes) else found[0][0].decode()
        mt = re.search(r"FLAGS \(([^)]*)\)", text)
        # \Recent depends on which session saw the message first: leave it out.
        flags = sorted(f for f in (mt.group(1).split() if mt else []) if f != "\\Recent")
        out.write((" ".join(flags) + "\n").encode())
    elif cmd == "fetch":
        select(m, args[0])
        found = fetch_items(m, args[1], "(BODY.PEEK[])")
        parts = [d for d in found if isinstance(d, tuple)]
        if not parts:
            die("no body for UID %s" % args[1])
        out.write(parts[0][1])
    elif cmd == "status":
        data = check(m.status(quote(args[0]), "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)"),
                     "status")
        text = data[0].decode()
        inner = text[text.rindex("(") + 1:text.rindex(")")].split()
        for k, v in zip(inner[0::2], inner[1::2]):
            out.write(("%s %s\n" % (k.lower(), v)).encode())
    elif cmd == "store":
        select(m, args[0], readonly=False)
        check(m.uid("STORE", args[1], args[2], "(%s)" % args[3]), "store")
    elif cmd == "expunge":
        select(m, args[0], readonly=False)
        check(m.uid("STORE", args[1], "+FLAGS.SILENT", "(\\Deleted)"), "store")
        check(m.uid("EXPUNGE", args[1]), "uid expunge")
    elif cmd == "move":
        select(m, args[0], readonly=False)
        check(m.uid("MOVE", args[1], quote(args[2])), "move")
    elif cmd == "create":
        check(m.create(quote(args[0])), "create %s" % args[0])
    elif cmd == "delete":
        check(m.delete(quote(args[0])), "delete %s" % args[0])
    elif cmd == "list":
        for line in check(m.list(), "list"):
            name = line.decode().rsplit(" ", 1)[1]
            out.write((name.strip('"') + "\n").encode())
    else:
        die("unknown command '%s'" % cmd)
    try:
        m.logout()
    except Exception:
        pass
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
