#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The yardstick (make bench, not a test): a straightforward Python
# script doing sltd's ingest job with the standard library only: imaplib,
# email and sqlite3. One connection; per message UID FETCH BODY.PEEK[]
# (leaves \Seen alone, like sltd), parse with the modern email policy,
# take From, Subject, Date, Message-ID and the text (text/plain preferred,
# else the HTML), and record message and checkpoint in one transaction
# (exactly once, as sltd does). No classification, no replies: it does
# less than sltd.
#
# usage: baseline.py HOST PORT USER PASSFILE MAILBOX DB
import email
import email.policy
import hashlib
import imaplib
import sqlite3
import sys

host, port, user, passfile, mailbox, dbpath = sys.argv[1:7]
with open(passfile) as f:
    password = f.read().strip()

db = sqlite3.connect(dbpath)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, uid INTEGER,"
           " message_id TEXT, sha256 BLOB, from_addr TEXT, subject TEXT, date TEXT,"
           " text TEXT, raw BLOB)")
db.execute("CREATE TABLE IF NOT EXISTS checkpoint (mailbox TEXT PRIMARY KEY, last_uid INTEGER)")
db.commit()

imap = imaplib.IMAP4(host, int(port))
imap.login(user, password)
imap.select(mailbox, readonly=True)
typ, data = imap.uid("SEARCH", None, "ALL")
uids = [int(u) for u in data[0].split()]
done = 0
for uid in uids:
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    raw = next(part[1] for part in data if isinstance(part, tuple))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    try:
        text = body.get_content() if body is not None else ""
    except (LookupError, ValueError):
        text = ""
    with db:
        db.execute("INSERT INTO messages (uid, message_id, sha256, from_addr, subject, date,"
                   " text, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (uid, str(msg.get("Message-ID", "")), hashlib.sha256(raw).digest(),
                    str(msg.get("From", "")), str(msg.get("Subject", "")),
                    str(msg.get("Date", "")), text, raw))
        db.execute("INSERT OR REPLACE INTO checkpoint VALUES (?, ?)", (mailbox, uid))
    done += 1
imap.logout()
print(done)
