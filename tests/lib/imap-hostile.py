# SPDX-License-Identifier: MIT
# A deliberately misbehaving IMAP server on 127.0.0.1 for client tests that
# the real Dovecot cannot stage. Not a stand-in for Dovecot: every mode is a
# failure a real network or a hostile server can produce.
#
# usage: imap-hostile.py MODE DIR
#   Listens on a free port, writes it to DIR/port, appends every line it
#   receives to DIR/received.log (so a test can prove a password never
#   arrived), serves connections until killed.
# MODE:
#   nostarttls  greets and answers CAPABILITY without STARTTLS (a downgrade
#               by a man in the middle); accepts any LOGIN/AUTHENTICATE
#   stall       accepts the connection and never says a word
#   stall-select  logs in anyone (AUTH=PLAIN), answers CAPABILITY, then
#               never answers SELECT (a hung server after login)
#   bye-select  logs in anyone, then answers SELECT with "* BYE" and closes
#   tls-reset   (for imaps://) reads the TLS ClientHello, then resets the
#               connection (RST): a server restarting under the client
#   tls-eof     reads the ClientHello, then closes (FIN) without a word
import os
import socket
import struct
import sys
import threading
import time

CAPS = b"IMAP4rev1 AUTH=PLAIN"


def serve(conn, mode, log):
    f = conn.makefile("rb")

    def send(s):
        conn.sendall(s)

    if mode == "stall":
        time.sleep(3600)
        return
    if mode in ("tls-reset", "tls-eof"):
        conn.recv(4096)
        if mode == "tls-reset":
            # l_onoff=1, l_linger=0: close() sends RST, not FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    send(b"* OK [CAPABILITY " + CAPS + b"] hostile test server ready\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        with open(log, "ab") as lf:
            lf.write(line)
        parts = line.rstrip(b"\r\n").split(b" ")
        tag = parts[0]
        cmd = parts[1].upper() if len(parts) > 1 else b""
        if cmd == b"CAPABILITY":
            send(b"* CAPABILITY " + CAPS + b"\r\n" + tag + b" OK done\r\n")
        elif cmd == b"AUTHENTICATE":
            if len(parts) < 4:  # no initial response: ask for it
                send(b"+ \r\n")
                resp = f.readline()
                with open(log, "ab") as lf:
                    lf.write(resp)
            send(tag + b" OK [CAPABILITY " + CAPS + b"] logged in\r\n")
        elif cmd == b"LOGIN":
            send(tag + b" OK logged in\r\n")
        elif cmd == b"SELECT" and mode == "stall-select":
            time.sleep(3600)
            return
        elif cmd == b"SELECT" and mode == "bye-select":
            send(b"* BYE going away now\r\n")
            return
        elif cmd == b"LOGOUT":
            send(b"* BYE bye\r\n" + tag + b" OK done\r\n")
            return
        else:
            send(tag + b" BAD unknown\r\n")


def main():
    mode, d = sys.argv[1], sys.argv[2]
    log = os.path.join(d, "received.log")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    tmp = os.path.join(d, "port.tmp")
    with open(tmp, "w") as pf:
        pf.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, os.path.join(d, "port"))
    while True:
        conn, _ = s.accept()
        threading.Thread(target=lambda c=conn: _run(c, mode, log), daemon=True).start()


def _run(conn, mode, log):
    try:
        serve(conn, mode, log)
    except OSError:
        pass
    finally:
        conn.close()


if __name__ == "__main__":
    main()
