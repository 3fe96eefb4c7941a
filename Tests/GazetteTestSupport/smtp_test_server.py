#!/usr/bin/env python3
"""A fault-injecting SMTP server for Gazette's tests, built on aiosmtpd.

Listens on 127.0.0.1 on a port the OS chooses and prints "PORT <n>" once ready. Every accepted
message is written to --record as NNNNNN.json (envelope, options, raw bytes in base64) before the
250 goes out; events.jsonl there logs connections, AUTH attempts and MAIL commands. Exits when its
stdin closes (the test process went away) or on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import base64
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="listen on this port (0: one the OS chooses)")
    parser.add_argument("--greet", help="greet with this line (e.g. '554 5.7.1 no service') and close")
    parser.add_argument("--broken-starttls", action="store_true",
                        help="answer STARTTLS with 220, then send bytes that are no TLS and close")
    parser.add_argument("--record", required=True, help="folder for received messages and events.jsonl")
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert", help="server certificate (PEM)")
    parser.add_argument("--key", help="server key (PEM)")
    parser.add_argument("--auth", help="USER:PASSWORD accepted by AUTH PLAIN and LOGIN")
    parser.add_argument("--auth-mechanisms", default="", help="offer only these (comma separated)")
    parser.add_argument("--require-auth", action="store_true")
    parser.add_argument("--auth-over-plaintext", action="store_true", help="offer AUTH without TLS")
    parser.add_argument("--pipelining", action="store_true", help="announce PIPELINING and ENHANCEDSTATUSCODES")
    parser.add_argument("--smtputf8", action="store_true")
    parser.add_argument("--no-ehlo", action="store_true", help="answer EHLO with 502 (the client falls back to HELO)")
    parser.add_argument("--tempfail-rcpt", action="append", default=[], help="450 for this recipient")
    parser.add_argument("--tempfail-rcpt-every", type=int, default=0, help="451 for every Nth RCPT")
    parser.add_argument("--tempfail-rcpt-times", type=int, default=0,
                        help="with --tempfail-rcpt: only the first N times for each address (0: always)")
    parser.add_argument("--reject-rcpt", action="append", default=[], help="550 for this recipient")
    parser.add_argument("--tempfail-data", type=int, default=0, help="451 for the first N messages' content")
    parser.add_argument("--drop-after-data", type=int, default=0,
                        help="for the first N messages, drop the connection after the content, before replying")
    parser.add_argument("--delay-data", type=float, default=0.0, help="seconds before the reply to the content")
    parser.add_argument("--delay-rcpt", type=float, default=0.0, help="seconds before each reply to RCPT")
    parser.add_argument("--close-after", type=int, default=0, help="421 and close after N messages on a connection")
    return parser.parse_args()


class Recorder:
    """Writes received messages and events into the record folder."""

    def __init__(self, folder):
        self.folder = folder
        self.sequence = 0
        os.makedirs(folder, exist_ok=True)
        self.events = open(os.path.join(folder, "events.jsonl"), "a", buffering=1)

    def event(self, **fields):
        self.events.write(json.dumps(fields) + "\n")

    def message(self, envelope, session):
        self.sequence += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "pipelined": bool(getattr(envelope, "gazette_pipelined", False)),
            "tls": getattr(session, "ssl", None) is not None,
            "user": getattr(session, "gazette_user", None),
            "helo": session.host_name,
            "content": base64.b64encode(envelope.original_content or b"").decode("ascii"),
        }
        name = os.path.join(self.folder, "%06d.json" % self.sequence)
        with open(name + ".tmp", "w") as file:
            json.dump(record, file)
        os.rename(name + ".tmp", name)


class FaultyHandler:
    """aiosmtpd handler hooks that inject the faults the arguments ask for."""

    def __init__(self, arguments, recorder):
        self.arguments = arguments
        self.recorder = recorder
        self.rcpt_count = 0
        self.tempfailed = {}
        self.data_count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.arguments.no_ehlo:
            session.extended_smtp = False
            return ["502 5.5.2 Error: command not recognized"]
        if self.arguments.pipelining:
            responses[-1:-1] = ["250-PIPELINING", "250-ENHANCEDSTATUSCODES"]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        count = getattr(session, "gazette_count", 0)
        if self.arguments.close_after and count >= self.arguments.close_after:
            self.recorder.event(event="close", after=count)
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.7.0 Too many messages on one connection, closing"
        # Commands sent in one write by a pipelining client are already buffered behind MAIL.
        reader = getattr(server, "_reader", None)
        buffered = len(getattr(reader, "_buffer", b""))
        envelope.gazette_pipelined = buffered > 0
        self.recorder.event(event="mail", sender=address, pipelined=buffered > 0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Sender OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_count += 1
        if self.arguments.delay_rcpt:
            await asyncio.sleep(self.arguments.delay_rcpt)
        if address in self.arguments.reject_rcpt:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address in self.arguments.tempfail_rcpt:
            times = self.tempfailed.get(address, 0)
            if self.arguments.tempfail_rcpt_times == 0 or times < self.arguments.tempfail_rcpt_times:
                self.tempfailed[address] = times + 1
                return "450 4.2.1 <%s>: Recipient address rejected: try again later" % address
        every = self.arguments.tempfail_rcpt_every
        if every and self.rcpt_count % every == 0:
            return "451 4.7.1 <%s>: Recipient address rejected: too many recipients, slow down" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_count += 1
        if self.data_count <= self.arguments.tempfail_data:
            return "451 4.3.0 Temporary failure, try again later"
        if self.data_count <= self.arguments.drop_after_data:
            self.recorder.event(event="drop", sender=envelope.mail_from)
            server.transport.abort()
            await asyncio.sleep(3600)  # cancelled by connection_lost
            return "421 4.3.0 unreachable"
        # Recorded before any delay: a slow server has taken the message even if its reply never
        # reaches the client (the case the client must report as uncertain).
        self.recorder.message(envelope, session)
        sequence = self.recorder.sequence
        session.gazette_count = getattr(session, "gazette_count", 0) + 1
        if self.arguments.delay_data:
            await asyncio.sleep(self.arguments.delay_data)
        return "250 2.0.0 Ok: queued as %d" % sequence


def make_authenticator(arguments, recorder):
    user, _, password = (arguments.auth or ":").partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode("utf-8", "replace")
        given = auth_data.password.decode("utf-8", "replace")
        ok = bool(arguments.auth) and login == user and given == password
        recorder.event(event="auth", mechanism=mechanism, user=login, ok=ok,
                       tls=getattr(session, "ssl", None) is not None)
        if ok:
            session.gazette_user = login
        return AuthResult(success=ok, handled=False)

    return authenticate


class RecordingSMTP(SMTP):
    """aiosmtpd's SMTP that logs each connection (and can greet badly or break STARTTLS)."""

    async def smtp_STARTTLS(self, arg):
        if self.arguments is not None and self.arguments.broken_starttls:
            if self.recorder:
                self.recorder.event(event="broken-starttls")
            await self.push("220 2.0.0 Ready to start TLS")
            self.transport.write(b"this is not a TLS server hello\r\n" * 4)
            self.transport.close()
            return
        await super().smtp_STARTTLS(arg)

    recorder = None

    arguments = None

    def connection_made(self, transport):
        if self.arguments is not None and self.arguments.greet:
            if self.recorder:
                self.recorder.event(event="connect")
            transport.write((self.arguments.greet + "\r\n").encode("ascii"))
            transport.close()
            return
        super().connection_made(transport)
        if transport.get_extra_info("ssl_object") is not None and self.session.ssl is None:
            self.session.ssl = transport.get_extra_info("ssl_object")  # implicit TLS
        if self.recorder:
            self.recorder.event(event="connect")


async def serve(arguments):
    recorder = Recorder(arguments.record)
    handler = FaultyHandler(arguments, recorder)
    context = None
    if arguments.tls != "none":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.cert, arguments.key)
    excluded = []
    if arguments.auth_mechanisms:
        wanted = {name.strip().upper() for name in arguments.auth_mechanisms.split(",")}
        excluded = [name for name in ("LOGIN", "PLAIN") if name not in wanted]
    RecordingSMTP.recorder = recorder
    RecordingSMTP.arguments = arguments

    def factory():
        return RecordingSMTP(
            handler,
            hostname="gazette-test.localhost",
            tls_context=context if arguments.tls == "starttls" else None,
            enable_SMTPUTF8=arguments.smtputf8,
            decode_data=False,
            authenticator=make_authenticator(arguments, recorder),
            auth_required=arguments.require_auth,
            # With implicit TLS the whole connection is encrypted; aiosmtpd only knows STARTTLS.
            auth_require_tls=not (arguments.auth_over_plaintext or arguments.tls == "implicit"),
            auth_exclude_mechanism=excluded,
            timeout=60,
        )

    loop = asyncio.get_running_loop()
    implicit = context if arguments.tls == "implicit" else None
    server = await loop.create_server(factory, host=arguments.host, port=arguments.port, ssl=implicit,
                                      reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)

    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)

    def watch_stdin():
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(serve(parse_arguments()))
