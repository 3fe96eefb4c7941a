#!/usr/bin/env python3
"""A fault-injecting DNS server for Gazette's tests, built on dnslib (wire format only).

Serves the zone in --zone (JSON) over UDP and TCP on one port of --host that the OS chooses, and
prints "PORT <n>" once both listen. Zone file:

    {"records": [{"name": "a.test", "type": "MX", "value": "10 mx.a.test", "ttl": 300}, ...],
     "soa_minimum": 60,
     "faults": {"servfail": ["x.test"], "refused": [...], "timeout": [...], "truncate": [...],
                "truncate_always": [...], "malformed": [...], "wrong_id": [...]}}

TXT values may be a list of strings (one record split into character-strings). A name that owns no
record (and is no parent of one) is NXDOMAIN; a name that exists without the type asked is NOERROR
with no answer. Both carry an SOA whose MINIMUM is soa_minimum (RFC 2308). Faults apply to a name
and every type: servfail/refused answer that RCODE, timeout never answers, truncate sets TC over UDP
(the whole answer over TCP), truncate_always also closes TCP without answering, malformed answers
with the right id and a cut-off record, wrong_id answers with another id only. Every question is
appended to --log as "NAME TYPE PROTO". Exits when stdin closes or on SIGTERM/SIGINT.
"""
import argparse
import json
import signal
import socket
import struct
import sys
import threading

from dnslib import AAAA, A, DNSLabel, DNSRecord, MX, PTR, QTYPE, RCODE, RR, SOA, TXT, CNAME

RDATA = {"A": A, "AAAA": AAAA, "PTR": PTR, "CNAME": CNAME}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--zone", required=True, help="the zone as JSON (see above)")
    parser.add_argument("--log", required=True, help="file that gets one line per question")
    return parser.parse_args()


def norm(name):
    return str(name).rstrip(".").lower()


class Zone:
    def __init__(self, path):
        with open(path) as file:
            data = json.load(file)
        self.records = data.get("records", [])
        self.soa_minimum = int(data.get("soa_minimum", 60))
        self.faults = {kind: {norm(n) for n in names} for kind, names in data.get("faults", {}).items()}
        self.names = {norm(r["name"]) for r in self.records}

    def fault(self, name):
        for kind, names in self.faults.items():
            if name in names:
                return kind
        return None

    def exists(self, name):
        return any(owner == name or owner.endswith("." + name) for owner in self.names)

    def rdata(self, record):
        kind, value = record["type"].upper(), record["value"]
        if kind == "MX":
            preference, _, exchange = str(value).partition(" ")
            label = DNSLabel([]) if exchange.strip() in ("", ".") else DNSLabel(exchange.strip())
            return MX(label, int(preference))
        if kind == "TXT":
            parts = value if isinstance(value, list) else [value]
            return TXT([part.encode("utf-8") for part in parts])
        return RDATA[kind](value)

    def answer(self, request):
        reply = request.reply()
        question = request.q
        name, kind = norm(question.qname), QTYPE[question.qtype]
        matches = [r for r in self.records if norm(r["name"]) == name and r["type"].upper() in (kind, "CNAME")]
        for record in matches:
            rtype = getattr(QTYPE, record["type"].upper())
            reply.add_answer(RR(question.qname, rtype, rdata=self.rdata(record), ttl=int(record.get("ttl", 300))))
        if not matches:
            if not self.exists(name):
                reply.header.rcode = RCODE.NXDOMAIN
            zone = ".".join(name.split(".")[-2:]) or "test"
            soa = SOA("ns." + zone, "hostmaster." + zone, (1, 3600, 600, 86400, self.soa_minimum))
            reply.add_auth(RR(zone, QTYPE.SOA, rdata=soa, ttl=self.soa_minimum))
        return reply


class Server:
    def __init__(self, arguments):
        self.zone = Zone(arguments.zone)
        self.log = open(arguments.log, "a", buffering=1)
        self.lock = threading.Lock()
        self.udp, self.tcp = self.bind(arguments.host)

    def bind(self, host):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        for _ in range(50):  # a UDP port whose TCP twin is free
            udp = socket.socket(family, socket.SOCK_DGRAM)
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            tcp = socket.socket(family, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind((host, port))
            except OSError:
                udp.close()
                tcp.close()
                continue
            tcp.listen(16)
            return udp, tcp
        raise SystemExit("no UDP+TCP port pair free")

    def note(self, request, proto):
        with self.lock:
            self.log.write("%s %s %s\n" % (norm(request.q.qname), QTYPE[request.q.qtype], proto))

    def respond(self, data, proto):
        """The reply bytes for a query, or None for no reply."""
        try:
            request = DNSRecord.parse(data)
        except Exception:
            return None
        self.note(request, proto)
        name = norm(request.q.qname)
        fault = self.zone.fault(name)
        if fault == "timeout":
            return None
        if fault in ("servfail", "refused"):
            reply = request.reply()
            reply.header.rcode = RCODE.SERVFAIL if fault == "servfail" else RCODE.REFUSED
            return reply.pack()
        if fault == "malformed":
            reply = request.reply()
            packed = bytearray(reply.pack())
            packed[6:8] = struct.pack("!H", 1)  # ANCOUNT 1, then a record cut off after its name
            return bytes(packed) + b"\xc0\x0c\x00\x0f\x00\x01\x00\x00"
        if fault == "wrong_id":
            reply = request.reply()
            reply.header.id = (request.header.id + 1) & 0xFFFF
            return reply.pack()
        if fault in ("truncate", "truncate_always") and proto == "udp":
            reply = request.reply()
            reply.header.tc = 1
            return reply.pack()
        if fault == "truncate_always":
            return None
        return self.zone.answer(request).pack()

    def serve_udp(self):
        while True:
            try:
                data, peer = self.udp.recvfrom(65535)
            except OSError:
                return
            reply = self.respond(data, "udp")
            if reply is not None:
                self.udp.sendto(reply, peer)

    def serve_tcp(self):
        while True:
            try:
                connection, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self.serve_connection, args=(connection,), daemon=True).start()

    def serve_connection(self, connection):
        connection.settimeout(10)
        try:
            with connection:
                while True:
                    size = self.read(connection, 2)
                    if size is None:
                        return
                    data = self.read(connection, struct.unpack("!H", size)[0])
                    if data is None:
                        return
                    reply = self.respond(data, "tcp")
                    if reply is None:
                        return
                    connection.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return

    @staticmethod
    def read(connection, count):
        data = b""
        while len(data) < count:
            chunk = connection.recv(count - len(data))
            if not chunk:
                return None
            data += chunk
        return data


def main():
    arguments = parse_arguments()
    server = Server(arguments)
    threading.Thread(target=server.serve_udp, daemon=True).start()
    threading.Thread(target=server.serve_tcp, daemon=True).start()
    print("PORT %d" % server.udp.getsockname()[1], flush=True)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    while not stop.wait(0.5):
        pass


if __name__ == "__main__":
    main()
