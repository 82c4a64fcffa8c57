# SPDX-License-Identifier: MIT
# Show what a test needs to check of one stored mail (the sink's copy of a
# reply), one fact per line, with Python's own MIME parser (an independent
# reader: not GMime, which wrote the reply).
#
# usage: mail-info.py FILE [--body] [--html] [--save-attachments DIR]
#
#   header-names: date,from,subject,...   top-level header field names, in
#                                         order, lowercase (folded lines joined)
#   raw-<name>: VALUE                     each top-level field as sent (unfolded)
#   subject: ...  to: ...  from: ...      decoded (RFC 2047)
#   to-addrs: a@b c@d                     the To addresses
#   structure: multipart/mixed(multipart/alternative(text/plain,text/html),application/pdf)
#   text-charset: utf-8
#   attachment: NAME SIZE SHA256          each attachment, name decoded (RFC 2231)
#   crlf: yes|no                          every line ends in CRLF
#   --body: the decoded text/plain part after a line "body:"
#   --html: the decoded text/html part after a line "html:"
import email
import email.policy
import hashlib
import os
import sys
from email.utils import getaddresses


def structure(part):
    if part.is_multipart():
        return "%s(%s)" % (part.get_content_type(),
                           ",".join(structure(p) for p in part.get_payload()))
    return part.get_content_type()


def main():
    path = sys.argv[1]
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    names, fields = [], []
    for line in head.split(b"\n"):
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b" " + line.strip()
        else:
            fields.append(line)
    for f in fields:
        name, _, value = f.partition(b":")
        names.append(name.decode().lower())
        print("raw-%s: %s" % (name.decode().lower(), value.decode("ascii", "replace").strip()))
    print("header-names: " + ",".join(names))
    print("subject: %s" % msg["subject"])
    print("from: %s" % msg["from"])
    print("to: %s" % msg["to"])
    print("to-addrs: " + " ".join(a for _, a in getaddresses([str(msg["to"])])))
    print("structure: " + structure(msg))
    print("crlf: " + ("yes" if raw.count(b"\n") == raw.count(b"\r\n") and b"\r" not in raw.replace(b"\r\n", b"") else "no"))
    text = html = None
    save = None
    if "--save-attachments" in sys.argv:
        save = sys.argv[sys.argv.index("--save-attachments") + 1]
        os.makedirs(save, exist_ok=True)
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            data = part.get_payload(decode=True)
            name = part.get_filename()
            print("attachment: %s %d %s" % (name, len(data), hashlib.sha256(data).hexdigest()))
            if save:
                open(os.path.join(save, name), "wb").write(data)
        elif part.get_content_type() == "text/plain" and text is None:
            print("text-charset: %s" % part.get_content_charset())
            text = part.get_content()
        elif part.get_content_type() == "text/html" and html is None:
            html = part.get_content()
    if "--body" in sys.argv:
        print("body:")
        print(text or "")
    if "--html" in sys.argv:
        print("html:")
        print(html or "")


main()
