"""A hostile DNS proxy in front of the testbed's resolver (stdlib only).

It forwards every query, over UDP and over TCP, unchanged to unbound and relays the answer -
except for names at or below a *hostile* domain, whose answers it breaks in one way (`FAULTS`):

  garbage         bytes that are no DNS message (the right ID and QR bit, then counts and data
                  that cannot be parsed), over UDP and TCP
  truncated       over UDP an empty answer with TC set, so the client asks again over TCP; over
                  TCP a length prefix for the real answer, half of it, then the connection closes
  wrong_id        the real answer under another message ID
  wrong_question  a real answer to another question (the same name, another type)

mxaudit takes one `--resolver`, and unbound passes no garbage through, so this proxy is how an
audit meets a broken resolver. The testbed runs one at 127.60.0.54 for the catalogue's
hostile-dns-* domains (`dns_fault:` in scenarios.yaml); a test may start its own on a
TEST_SERVERS address and kill it to see a resolver die in the middle of an audit.

Every socket binds the listening address (never a wildcard, also for the queries it forwards);
TCP sessions are bounded in number, queries and idle time.

Run: /usr/bin/python3 -m mxtestbed.dnsproxy --listen ADDR[:PORT] --upstream ADDR[:PORT]
         [--config FILE.json] [--fault DOMAIN=KIND ...] [--pidfile FILE]
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import socket
import struct
import sys
from pathlib import Path

from . import scripted

FAULTS = ("garbage", "truncated", "wrong_id", "wrong_question")
UPSTREAM_TIMEOUT = 5.0
TCP_IDLE_TIMEOUT = 10.0
TCP_QUERIES_PER_SESSION = 32
MAX_TCP_SESSIONS = 64
TYPE_A, TYPE_TXT = 1, 16


# ------------------------------------------------------------------ wire format

def question(message: bytes) -> tuple[str, int, int] | None:
    """(lower-case name, type, offset after the question) of a query; None when unreadable."""
    if len(message) < 12 or struct.unpack("!H", message[4:6])[0] < 1:
        return None
    labels, offset = [], 12
    while True:
        if offset >= len(message):
            return None
        length = message[offset]
        offset += 1
        if length == 0:
            break
        if length > 63 or offset + length > len(message):
            return None   # compression or garbage: queries carry plain names
        labels.append(message[offset:offset + length].decode("latin-1").lower())
        offset += length
    if offset + 4 > len(message):
        return None
    qtype = struct.unpack("!H", message[offset:offset + 2])[0]
    return ".".join(labels), qtype, offset + 4


def fault_for(name: str, faults: dict[str, str]) -> str | None:
    for domain, fault in faults.items():
        if name == domain or name.endswith("." + domain):
            return fault
    return None


def garbage(query: bytes) -> bytes:
    """The query's ID and a response header claiming 65535 records of every kind, then 52
    bytes of noise: no parser can read it, and it cannot be mistaken for another answer."""
    noise = hashlib.sha256(query).digest() + hashlib.sha256(query[::-1]).digest()
    return query[:2] + b"\x81\x80\x00\x01\xff\xff\xff\xff\xff\xff" + noise[:52]


def truncated_answer(query: bytes, question_end: int) -> bytes:
    """The question echoed with QR, RD, RA and TC set and nothing else (no OPT record)."""
    flags = 0x8000 | 0x0200 | (struct.unpack("!H", query[2:4])[0] & 0x0100) | 0x0080
    return query[:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + query[12:question_end]


def with_other_type(query: bytes, question_end: int, qtype: int) -> bytes:
    other = TYPE_A if qtype == TYPE_TXT else TYPE_TXT
    return query[:question_end - 4] + struct.pack("!H", other) + query[question_end - 2:]


def with_other_id(answer: bytes) -> bytes:
    return struct.pack("!H", struct.unpack("!H", answer[:2])[0] ^ 0x5A5A) + answer[2:]


# ------------------------------------------------------------------ the proxy

class Proxy:
    def __init__(self, listen: tuple[str, int], upstream: tuple[str, int], faults: dict[str, str], delay: float = 0.0):
        self.listen, self.upstream, self.faults, self.delay = listen, upstream, faults, delay
        self.sessions = asyncio.Semaphore(MAX_TCP_SESSIONS)

    async def ask_udp(self, query: bytes) -> bytes | None:
        loop = asyncio.get_running_loop()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.bind((self.listen[0], 0))
            sock.connect(self.upstream)
            await loop.sock_sendall(sock, query)
            try:
                return await asyncio.wait_for(loop.sock_recv(sock, 65535), UPSTREAM_TIMEOUT)
            except (asyncio.TimeoutError, OSError):
                return None

    async def ask_tcp(self, query: bytes) -> bytes | None:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(*self.upstream, local_addr=(self.listen[0], 0)), UPSTREAM_TIMEOUT)
        except (asyncio.TimeoutError, OSError):
            return None
        try:
            writer.write(struct.pack("!H", len(query)) + query)
            await writer.drain()
            length = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), UPSTREAM_TIMEOUT))[0]
            return await asyncio.wait_for(reader.readexactly(length), UPSTREAM_TIMEOUT)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, OSError):
            return None
        finally:
            writer.close()

    async def answer(self, query: bytes, tcp: bool) -> tuple[bytes | None, int | None]:
        """(bytes to send, how many of them before closing: None = all, keep the session)."""
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = question(query)
        fault = fault_for(parsed[0], self.faults) if parsed else None
        ask = self.ask_tcp if tcp else self.ask_udp
        if fault is None:
            return await ask(query), None
        _, qtype, question_end = parsed
        if fault == "garbage":
            return garbage(query), None
        if fault == "truncated":
            if not tcp:
                return truncated_answer(query, question_end), None
            real = await ask(query)
            return (real, max(12, len(real) // 2)) if real else (None, None)
        if fault == "wrong_id":
            real = await ask(query)
            return (with_other_id(real) if real else None), None
        real = await ask(with_other_type(query, question_end, qtype))   # wrong_question
        return real, None

    # -- UDP ----------------------------------------------------------------------

    class Datagrams(asyncio.DatagramProtocol):
        def __init__(self, proxy: "Proxy"):
            self.proxy = proxy
            self.transport: asyncio.DatagramTransport | None = None

        def connection_made(self, transport) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, address) -> None:
            asyncio.get_running_loop().create_task(self.reply(data, address))

        async def reply(self, data: bytes, address) -> None:
            response, _ = await self.proxy.answer(data, tcp=False)
            if response and self.transport and not self.transport.is_closing():
                self.transport.sendto(response, address)

    # -- TCP ----------------------------------------------------------------------

    async def stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.sessions.locked():
            writer.close()
            return
        async with self.sessions:
            try:
                for _ in range(TCP_QUERIES_PER_SESSION):
                    length = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_TIMEOUT))[0]
                    query = await asyncio.wait_for(reader.readexactly(length), TCP_IDLE_TIMEOUT)
                    response, cut = await self.answer(query, tcp=True)
                    if response is None:
                        break
                    writer.write(struct.pack("!H", len(response)) + response[:cut])
                    await writer.drain()
                    if cut is not None:
                        break
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

    async def serve(self, pidfile: Path | None) -> None:
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(lambda: Proxy.Datagrams(self), local_addr=self.listen)
        tcp = await asyncio.start_server(self.stream, *self.listen, reuse_address=True)
        await scripted.serve_until_stopped([udp, tcp], pidfile)


# ------------------------------------------------------------------ configuration (used by `up`)

def component(state) -> "Component":
    from . import addresses
    from .processes import Component
    return Component(name="dnsproxy", pidfile=str(state.pidfile("dnsproxy")), executable="python3",
                     marker=str(state.root / "dnsproxy.json"), listens=((addresses.HOSTILE_RESOLVER, 53),))


def write_config(state, faults: dict[str, str]) -> "Component":
    """faults: hostile domain -> one of FAULTS."""
    comp = component(state)
    Path(comp.marker).write_text(json.dumps({"faults": faults}, indent=2, sort_keys=True) + "\n")
    return comp


def start(state, comp) -> None:
    from . import addresses
    scripted.start("dnsproxy", ["--listen", addresses.HOSTILE_RESOLVER, "--upstream", addresses.RESOLVER,
                                "--config", comp.marker, "--pidfile", comp.pidfile], state.logfile("dnsproxy"))


# ------------------------------------------------------------------ the server process

def _endpoint(text: str, default_port: int = 53) -> tuple[str, int]:
    host, _, port = text.partition(":")
    return host, int(port or default_port)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", required=True, help="ADDR[:PORT] to serve on (UDP and TCP)")
    parser.add_argument("--upstream", required=True, help="ADDR[:PORT] of the resolver to forward to")
    parser.add_argument("--config", type=Path, help='JSON {"faults": {domain: kind}}')
    parser.add_argument("--fault", action="append", default=[], metavar="DOMAIN=KIND")
    parser.add_argument("--pidfile", type=Path)
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="hold every query this long before answering (a slow resolver, for tests)")
    args = parser.parse_args(argv)
    faults = json.loads(args.config.read_text())["faults"] if args.config else {}
    for item in args.fault:
        domain, _, kind = item.partition("=")
        faults[domain] = kind
    faults = {domain.lower().rstrip("."): kind for domain, kind in faults.items()}
    unknown = set(faults.values()) - set(FAULTS)
    if unknown:
        print(f"dnsproxy: unknown fault(s) {sorted(unknown)}; known: {', '.join(FAULTS)}", file=sys.stderr)
        return 2
    try:
        asyncio.run(Proxy(_endpoint(args.listen), _endpoint(args.upstream), faults, args.delay_ms / 1000).serve(args.pidfile))
    except OSError as error:
        print(f"dnsproxy: cannot listen on {args.listen}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
