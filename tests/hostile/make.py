#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Writes the hostile sample messages of tests/hostile/ (run from anywhere;
# the files are committed, this script documents how they were made).
# test-mime.c reads them; the ~30 MB attachment and the 5000-level
# nesting are generated inside the test instead of being committed.
import os

HERE = os.path.dirname(os.path.abspath(__file__))

def hdr(subject, extra=b""):
    return (b"From: Test Sender <test@zwolle.nl>\r\n"
            b"To: stevigelokaleteams@vng.nl\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n"
            b"Message-ID: <" + subject.replace(b" ", b"-") + b"@hostile.test>\r\n"
            b"MIME-Version: 1.0\r\n" + extra)

def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)

# Multipart whose closing boundary never comes.
write("missing-boundary-end.eml", hdr(b"missing boundary end",
    b"Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n") +
    b"--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Graag het werkpakket visie.\r\n"
    b"--XYZ\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n")

# A boundary parameter that never appears in the body.
write("boundary-never.eml", hdr(b"boundary never appears",
    b"Content-Type: multipart/alternative; boundary=\"NEVER-SEEN\"\r\n\r\n") +
    b"Dit is de tekst zonder enige boundary.\r\nMet vriendelijke groet,\r\nJan\r\n")

# Base64 with bytes outside the alphabet and a dangling quantum.
write("bad-base64.eml", hdr(b"bad base64",
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n") +
    b"R3JhYWcg!!aGV0IHBha2tldA==\r\nZXh0cmE*#$%\r\nQ\r\n")

# Quoted-printable with bad escapes.
write("bad-qp.eml", hdr(b"bad qp",
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n") +
    b"Caf=C3=A9 =ZZ en =4 en =\r\nverder =E9t=C3\r\nlaatste regel=")

# Body lines that look like IMAP responses (a reader that is not
# literal-aware would take them for the server's).
write("imap-tags.eml", hdr(b"imap tags in body",
    b"Content-Type: text/plain; charset=us-ascii\r\n\r\n") +
    b"A004 OK FETCH completed\r\n* 3 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\n"
    b"+ go ahead\r\n)\r\nA005 BAD nonsense {12}\r\n* BYE shutting down\r\n"
    b"Graag het pakket kwaliteit.\r\n")

# One 20 KB line.
write("long-line.eml", hdr(b"long line",
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n") +
    b"woord " * 3500 + b"\r\nEinde.\r\n")

# Declared utf-8, latin-1 bytes inside.
write("utf8-with-latin1.eml", hdr(b"utf8 with latin1",
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n") +
    "Geachte heer, graag een café-gesprek over één ding. ".encode("latin-1") +
    "En echte UTF-8: coöperatie.\r\n".encode("utf-8"))

# A charset nobody knows, 8-bit text in it.
write("unknown-charset.eml", hdr(b"unknown charset",
    b"Content-Type: text/plain; charset=x-klingon-7\r\nContent-Transfer-Encoding: 8bit\r\n\r\n") +
    "Beste, wij willen graag één pakket.\r\n".encode("latin-1"))

# Raw 8-bit bytes in headers (latin-1 in Subject and the From name).
write("header-8bit.eml",
    b"From: Jos\xe9 M\xfcller <jose@utrecht.nl>\r\n"
    b"To: stevigelokaleteams@vng.nl\r\n"
    b"Subject: Caf\xe9 \xe9\xe9n vraag\r\n"
    b"Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n"
    b"Message-ID: <h8@hostile.test>\r\n"
    b"Content-Type: text/plain\r\n\r\n"
    b"Tekst zonder charset met \xe9 erin.\r\n")

# CR, LF and NUL smuggled into header values (encoded words and raw).
write("header-injection.eml",
    b"From: =?utf-8?Q?Evil=0D=0ABcc:_victim@example.org?= <evil@example.org>\r\n"
    b"To: stevigelokaleteams@vng.nl\r\n"
    b"Subject: =?utf-8?Q?Hallo=0D=0AX-Injected:_yes=00nul?= en\x00raw nul\r\n"
    b"Date: Tue, 18 Mar 2025 10:00:00 +0100\r\n"
    b"Message-ID: <inj\r\n ection@hostile.test>\r\n"
    b"In-Reply-To: <a\x00b@x>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Body met een NUL\x00-byte en \x01\x02 controles.\r\n")

# 200 levels of multipart inside multipart.
def nested_multipart(depth):
    out = hdr(b"deep multipart", b"Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
    for i in range(depth):
        out += b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i, i + 1)
    out += b"--b%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDiep verstopte tekst.\r\n--b%d--\r\n" % (depth, depth)
    for i in range(depth - 1, -1, -1):
        out += b"--b%d--\r\n" % i
    return out
write("nested-multipart-200.eml", nested_multipart(200))

# A message/rfc822 attached 50 levels deep.
def nested_rfc822(depth):
    inner = (b"From: Innerste <inner@texel.nl>\r\nSubject: level %d\r\n"
             b"Content-Type: text/plain; charset=utf-8\r\n\r\nDe binnenste tekst.\r\n" % depth)
    for level in range(depth - 1, -1, -1):
        inner = (b"From: Laag %d <laag%d@texel.nl>\r\nSubject: level %d\r\n"
                 b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"r%d\"\r\n\r\n"
                 b"--r%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTekst op laag %d.\r\n"
                 b"--r%d\r\nContent-Type: message/rfc822\r\n\r\n" % (level, level, level, level, level, level, level)
                 + inner + b"\r\n--r%d--\r\n" % level)
    return inner
write("nested-rfc822-50.eml", nested_rfc822(50))

write("empty.eml", b"")

write("no-header.eml", b"Hallo,\r\n\r\nDit is gewoon tekst zonder kopregels.\r\nGroet, Piet\r\n")

# HTML only, with script, style, hidden text, entities, a blockquote
# reply and 3000 nested divs.
write("html-hostile.eml", hdr(b"html hostile",
    b"Content-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n") +
    b"<html><head><title>titel</title><style>p{color:red}</style>"
    b"<script>alert('x')</script></head><body>"
    b"<p>Graag het pakket &amp; een gesprek&nbsp;&mdash; caf\xe9.</p>"
    b"<div style=\"display: none\">verborgen preheader</div>"
    b"<ul><li>een</li><li>twee</li></ul>"
    b"<blockquote type=\"cite\"><p>Oude tekst</p><blockquote>nog ouder</blockquote></blockquote>"
    + b"<div>" * 3000 + b"diep" + b"</div>" * 3000 +
    b"<p>Met vriendelijke groet,<br>Jan</p></body></html>\r\n")

# NUL bytes and bare CRs in the body, undeclared 8-bit text.
write("nul-and-cr.eml", hdr(b"nul and cr",
    b"Content-Type: text/plain\r\n\r\n") +
    b"Regel een\x00\x00\rregel twee\r\rregel vier met \x92quotes\x93\r\n")
