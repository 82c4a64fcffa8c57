# SPDX-License-Identifier: MIT
# Measures sltd's IDLE latency: APPENDs one message at a time to the test
# Dovecot over IMAP and times from the APPEND's tagged OK (the message has
# landed in the mailbox) until one more reply file appears in the SMTP
# sink's Maildir/new (polled every 2 ms). Prints one latency in ms per
# line.
#
# usage: idle-latency.py HOST PORT USER PASSFILE SINK_DIR ROUNDS FILE...
import imaplib
import os
import re
import sys
import time


def count(d):
    try:
        return sum(1 for f in os.listdir(d) if f.endswith(".eml"))
    except FileNotFoundError:
        return 0


def main():
    host, port, user, passfile, sink, rounds = sys.argv[1:7]
    files = sys.argv[7:]
    rounds = int(rounds)
    password = open(passfile).read().strip()
    new = os.path.join(sink, "Maildir", "new")
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    for i in range(rounds):
        data = open(files[i % len(files)], "rb").read()
        # A fresh Message-ID and sender each round: every message is new
        # to sltd, and no per-sender limit holds a reply back.
        data = re.sub(rb"(?im)^(Message-ID:\s*<)", b"\\1bench-%d-%d." % (os.getpid(), i), data, count=1)
        data = re.sub(rb"([A-Za-z0-9._-]+)@([a-z0-9.-]+\.nl)\b",
                      lambda mo: mo.group(1) + b"%d@" % i + mo.group(2)
                      if not mo.group(1).startswith(b"stevigelokaleteams") else mo.group(0), data)
        before = count(new)
        typ, _ = m.append("INBOX", None, None, data)
        landed = time.monotonic()
        if typ != "OK":
            sys.exit("append failed")
        deadline = landed + 30
        while count(new) <= before:
            if time.monotonic() > deadline:
                sys.exit("no reply within 30 s in round %d" % (i + 1))
            time.sleep(0.002)
        print("%.1f" % ((time.monotonic() - landed) * 1000), flush=True)
        time.sleep(0.3)
    m.logout()


if __name__ == "__main__":
    main()
