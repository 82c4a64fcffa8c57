# SPDX-License-Identifier: MIT
# Capturing SMTP server for integration tests (aiosmtpd; RFC 5321, 3207
# STARTTLS, 4954 AUTH). Stores every accepted message byte for byte and can be
# told, per transaction, to answer MAIL/RCPT/DATA with a given code.
#
# usage: smtp-sink.py --dir DIR [--port N] [--tls-cert F --tls-key F]
#                     [--auth-user U --auth-pass-file F] [--require-auth]
#                     [--require-tls] [--auth-without-tls]
#
# DIR/Maildir/new/NNNNNN.eml  each accepted message as received (after
#                             dot-unstuffing), no trace headers added
# DIR/messages.jsonl          one line per accepted message: file, path,
#                             mail_from ("" for the null sender), rcpt_tos,
#                             tls, auth (user or null), size, conn
# DIR/events.jsonl            one line per connect, AUTH, MAIL, RCPT, DATA,
#                             end of data and disconnect, with the reply sent
# DIR/port                    the listening port, written when ready
# DIR/control                 read at every MAIL, RCPT and DATA; lines
#                               STAGE[:ADDRESS] CODE[*COUNT] [TEXT]
#                             STAGE is MAIL, RCPT, DATACMD (the reply to the
#                             DATA command) or DATA (the reply after the
#                             message). ADDRESS limits a MAIL/RCPT rule to one
#                             address. COUNT makes the rule apply COUNT times,
#                             then vanish. Code 421 also closes the connection.
#                             '#' starts a comment. No file: all is accepted.
import argparse
import asyncio
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DEFAULT_TEXT = {
    "421": "4.3.2 service not available (forced by test)",
    "450": "4.2.1 mailbox unavailable (forced by test)",
    "451": "4.3.0 local error (forced by test)",
    "452": "4.5.3 too many recipients (forced by test)",
    "550": "5.1.1 mailbox unavailable (forced by test)",
    "552": "5.3.4 message too big (forced by test)",
    "553": "5.1.3 mailbox name not allowed (forced by test)",
    "554": "5.6.0 transaction failed (forced by test)",
}


class Sink:
    def __init__(self, opts):
        self.dir = opts.dir
        self.newdir = os.path.join(self.dir, "Maildir", "new")
        self.tmpdir = os.path.join(self.dir, "Maildir", "tmp")
        for d in (self.newdir, self.tmpdir, os.path.join(self.dir, "Maildir", "cur")):
            os.makedirs(d, exist_ok=True)
        self.seq = len(os.listdir(self.newdir))
        self.control = os.path.join(self.dir, "control")
        # Connection numbers go on across a restart of the sink (smtp_restart).
        self.conn_seq = 0
        try:
            with open(os.path.join(self.dir, "events.jsonl"), encoding="utf-8") as f:
                self.conn_seq = sum(1 for l in f if '"cmd": "CONNECT"' in l)
        except FileNotFoundError:
            pass
        self.user = opts.auth_user
        self.password = None
        if opts.auth_pass_file:
            with open(opts.auth_pass_file, "rb") as f:
                self.password = f.read().rstrip(b"\r\n")

    def log(self, name, record):
        with open(os.path.join(self.dir, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")

    def event(self, server, cmd, arg, reply):
        self.log("events.jsonl", {"t": round(time.time(), 6), "conn": server.conn_id,
                                  "cmd": cmd, "arg": arg, "reply": reply})

    def forced(self, stage, address=None):
        """The reply a control rule forces for STAGE, or None."""
        try:
            with open(self.control, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return None
        for i, line in enumerate(lines):
            words = line.split("#", 1)[0].split(None, 2)
            if len(words) < 2:
                continue
            st, _, match = words[0].partition(":")
            if st.upper() != stage:
                continue
            if match and (address is None or match.lower() != address.lower()):
                continue
            code, _, count = words[1].partition("*")
            text = words[2] if len(words) > 2 else DEFAULT_TEXT.get(code, "forced by test")
            if count:
                n = int(count) - 1
                if n > 0:
                    lines[i] = "%s %s*%d%s" % (words[0], code, n,
                                               " " + words[2] if len(words) > 2 else "")
                else:
                    del lines[i]
                tmp = self.control + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write("".join(l + "\n" for l in lines))
                os.rename(tmp, self.control)
            return "%s %s" % (code, text)
        return None

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and self.user is not None
              and auth_data.login == self.user.encode()
              and auth_data.password == self.password)
        login = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else None
        self.event(server, "AUTH", "%s %s" % (mechanism, login), "235" if ok else "535")
        if ok:
            return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = self.forced("MAIL", address)
        if reply is None:
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
            reply = "250 OK"
        self.event(server, "MAIL", address, reply)
        return server.closing_reply(reply)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.forced("RCPT", address)
        if reply is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            reply = "250 OK"
        self.event(server, "RCPT", address, reply)
        return server.closing_reply(reply)

    async def handle_DATA(self, server, session, envelope):
        reply = self.forced("DATA")
        data = envelope.original_content
        if reply is None:
            self.seq += 1
            name = "%06d.eml" % self.seq
            tmp = os.path.join(self.tmpdir, name)
            with open(tmp, "wb") as f:
                f.write(data)
            path = os.path.join(self.newdir, name)
            os.rename(tmp, path)
            mail_from = envelope.mail_from
            self.log("messages.jsonl", {
                "file": name, "path": path,
                "mail_from": "" if mail_from == "<>" else mail_from,
                "rcpt_tos": envelope.rcpt_tos, "tls": session.ssl is not None,
                "auth": session.auth_data if session.authenticated else None,
                "size": len(data), "conn": server.conn_id,
                "mail_options": envelope.mail_options})
            reply = "250 OK queued as %s" % name
        self.event(server, "DATA", len(data), reply)
        return server.closing_reply(reply)


class SinkSMTP(SMTP):
    def __init__(self, sink, *args, **kwargs):
        super().__init__(sink, *args, **kwargs)
        self.sink = sink
        sink.conn_seq += 1
        self.conn_id = sink.conn_seq
        self._close_after_reply = False

    def closing_reply(self, reply):
        if reply.startswith("421"):
            self._close_after_reply = True
        return reply

    async def push(self, status):
        await super().push(status)
        if self._close_after_reply and self.transport is not None:
            self._close_after_reply = False
            self.transport.close()

    def connection_made(self, transport):
        if not getattr(self, "_sink_connected", False):
            self._sink_connected = True
            self.sink.event(self, "CONNECT", None, None)
        super().connection_made(transport)

    def connection_lost(self, error):
        if not getattr(self, "_sink_lost", False):
            self._sink_lost = True
            self.sink.event(self, "DISCONNECT", None, None)
        super().connection_lost(error)

    async def smtp_DATA(self, arg):
        if self.envelope.rcpt_tos and not arg:
            reply = self.sink.forced("DATACMD")
            if reply is not None:
                self.sink.event(self, "DATACMD", None, reply)
                await self.push(self.closing_reply(reply))
                return
        await super().smtp_DATA(arg)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth-user")
    p.add_argument("--auth-pass-file")
    p.add_argument("--require-auth", action="store_true")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth-without-tls", action="store_true")
    opts = p.parse_args()

    sink = Sink(opts)
    tls = None
    if opts.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(opts.tls_cert, opts.tls_key)

    def factory():
        return SinkSMTP(sink, hostname="sink.test", ident="slt-smtp-sink",
                        enable_SMTPUTF8=True, decode_data=False,
                        tls_context=tls, require_starttls=opts.require_tls,
                        auth_required=opts.require_auth,
                        auth_require_tls=not opts.auth_without_tls,
                        authenticator=sink.authenticator if opts.auth_user else None)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, opts.host, opts.port))
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(opts.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(opts.dir, "port"))
    print("READY %d" % port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
