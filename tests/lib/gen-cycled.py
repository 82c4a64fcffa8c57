# SPDX-License-Identifier: MIT
# Write N messages into DST by cycling the .eml files of SRC (sorted), each
# with a fresh Message-ID <cycled-I@sltd.test> (I = 1..N), as DST/IIIII.eml.
# For bulk IMAP tests and benchmarks (issue 3: "cycle the samples with fresh
# Message-IDs").
#
# usage: gen-cycled.py SRC DST N
import os
import re
import sys

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(dst, exist_ok=True)
files = sorted(f for f in os.listdir(src) if f.endswith(".eml"))
datas = [open(os.path.join(src, f), "rb").read() for f in files]
header_end = re.compile(rb"\r?\n\r?\n")
for i in range(n):
    d = datas[i % len(datas)]
    mid = b"Message-ID: <cycled-%d@sltd.test>" % (i + 1)
    end = header_end.search(d)
    head, rest = (d[:end.start()], d[end.start():]) if end else (d, b"")
    head, k = re.subn(rb"(?im)^Message-ID:[^\r\n]*(\r?\n[ \t][^\r\n]*)*", mid, head, count=1)
    if k == 0:
        head = mid + b"\r\n" + head
    with open(os.path.join(dst, "%05d.eml" % (i + 1)), "wb") as f:
        f.write(head + rest)
