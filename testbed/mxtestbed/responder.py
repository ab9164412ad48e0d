"""A small scripted SMTP server for behaviour that Postfix cannot produce.

One process (asyncio, stdlib `ssl`) serves every responder listener of the catalogue. Each
listener runs one *behaviour*: a subclass of `Behaviour` registered under a name in BEHAVIOURS.
The base class is a plain, well-behaved ESMTP server with STARTTLS; a behaviour overrides only
the step it wants to break (greeting, EHLO reply, STARTTLS, the TLS context).

The hostile behaviours (a banner one byte per second, garbage after STARTTLS, a 10,000-line
EHLO reply, markup and control characters in every line) are below; adding another means: write
a subclass here, decorate it with @behaviour("name"), and use
`smtp: {server: responder, behaviour: name, ...}` in testbed/scenarios.yaml.

Every session is bounded: line length, commands per session, idle time, total time and the
number of concurrent sessions are all capped.

Run: /usr/bin/python3 -m mxtestbed.responder --config <file.json> --pidfile <file>
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import ssl
import sys
from pathlib import Path

from . import scripted

MAX_LINE = 2048
MAX_COMMANDS = 50
IDLE_TIMEOUT = 30.0
SESSION_TIMEOUT = 120.0
MAX_SESSIONS = 64

BEHAVIOURS: dict[str, type["Behaviour"]] = {}


def behaviour(name: str):
    def register(cls: type["Behaviour"]) -> type["Behaviour"]:
        cls.name = name
        BEHAVIOURS[name] = cls
        return cls
    return register


class SessionClosed(Exception):
    pass


class Session:
    """One SMTP connection: line I/O with limits, and the STARTTLS upgrade."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.tls = False

    async def send(self, *lines: str) -> None:
        self.writer.write("".join(line + "\r\n" for line in lines).encode())
        await self.writer.drain()

    async def send_raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self, code: int, *texts: str) -> None:
        """A (possibly multi-line) SMTP reply: 250-first, 250-..., 250 last."""
        texts = texts or ("",)
        await self.send(*[f"{code}{'-' if i < len(texts) - 1 else ' '}{t}" for i, t in enumerate(texts)])

    async def read_command(self) -> str:
        try:
            line = await asyncio.wait_for(self.reader.readuntil(b"\n"), IDLE_TIMEOUT)
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
            raise SessionClosed
        except asyncio.LimitOverrunError:
            await self.reply(500, "5.5.2 Line too long")
            raise SessionClosed
        return line.decode("latin-1").rstrip("\r\n")

    async def start_tls(self, context: ssl.SSLContext) -> None:
        await self.writer.start_tls(context)
        self.tls = True

    def close(self) -> None:
        self.writer.close()


class Behaviour:
    """A well-behaved ESMTP server offering STARTTLS; subclasses break one step each."""

    name = "standard"

    def __init__(self, listener: dict):
        self.hostname = listener["hostname"]
        self.params = listener.get("params") or {}
        self.key, self.chain = listener.get("key"), listener.get("chain")

    # -- the steps a behaviour can override ------------------------------------

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.chain, self.key)
        return context

    async def greet(self, session: Session) -> bool:
        """Sends the greeting; False ends the session."""
        await session.reply(220, f"{self.hostname} ESMTP")
        return True

    def ehlo_keywords(self, session: Session) -> list[str]:
        keywords = ["PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"]
        if not session.tls:
            keywords.append("STARTTLS")
        return keywords

    async def serve_ehlo(self, session: Session) -> None:
        await session.reply(250, self.hostname, *self.ehlo_keywords(session))

    async def starttls(self, session: Session) -> bool:
        """Handles STARTTLS; False ends the session."""
        context = self.tls_context()
        await session.reply(220, "2.0.0 Ready to start TLS")
        try:
            await session.start_tls(context)
        except (ssl.SSLError, ConnectionError, OSError):
            return False
        return True

    # -- the dialogue ----------------------------------------------------------

    async def serve(self, session: Session) -> None:
        if not await self.greet(session):
            return
        for _ in range(MAX_COMMANDS):
            command = await session.read_command()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await self.serve_ehlo(session)
            elif verb == "HELO":
                await session.reply(250, self.hostname)
            elif verb == "STARTTLS" and not session.tls:
                if not await self.starttls(session):
                    return
            elif verb in ("NOOP", "RSET"):
                await session.reply(250, "2.0.0 OK")
            elif verb == "MAIL":
                await session.reply(250, "2.1.0 OK")
            elif verb == "RCPT":
                await session.reply(550, "5.7.1 The mxaudit testbed accepts no mail")
            elif verb == "QUIT":
                await session.reply(221, "2.0.0 Bye")
                return
            else:
                await session.reply(502, "5.5.1 Command not implemented")
        await session.reply(421, "4.7.0 Too many commands")


@behaviour("busy_421")
class Busy421(Behaviour):
    """Greets with 421 and hangs up: a busy or rate-limiting server (not "no STARTTLS")."""

    async def greet(self, session: Session) -> bool:
        await session.reply(421, f"4.3.2 {self.hostname} Service not available, too busy - try again later")
        return False


@behaviour("starttls_refused")
class StarttlsRefused(Behaviour):
    """Advertises STARTTLS, then answers the command with 454."""

    async def starttls(self, session: Session) -> bool:
        await session.reply(454, "4.7.0 TLS not available due to local problem")
        return True


@behaviour("slow_banner")
class SlowBanner(Behaviour):
    """Waits `delay` seconds (default 3) before the greeting, like postscreen or a tarpit."""

    async def greet(self, session: Session) -> bool:
        await asyncio.sleep(float(self.params.get("delay", 3)))
        return await super().greet(session)


@behaviour("tls10_only")
class Tls10Only(Behaviour):
    """Speaks TLS 1.0 and nothing else (OpenSSL 3 needs @SECLEVEL=0 for it)."""

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1
        context.load_cert_chain(self.chain, self.key)
        return context


# ------------------------------------------------------------------ hostile behaviours
# Servers a client must survive: each is bounded here too (the session limits above), and each
# has a self-check in selfcheck.py (HOSTILE_SMTP) that observes it with a raw socket.

# Text for every string a report shows: markup, script, terminal escapes, NUL, a bidi override
# and bytes that are not UTF-8 (\xff\xfe, and \xc3 without its continuation byte).
HOSTILE_TEXT = (b'<script>alert("mxaudit")</script> <img src=x onerror=alert(1)> "\' onmouseover=\'x '
                b"\x1b[2J\x1b[31m\x1b]0;pwned\x07 \x00 \xe2\x80\xae evil \xff\xfe\xc3\x28")


@behaviour("banner_trickle")
class BannerTrickle(Behaviour):
    """Sends its greeting one byte every `delay` seconds (default 1): ~45 s for the whole line."""

    async def greet(self, session: Session) -> bool:
        for byte in f"220 {self.hostname} ESMTP trickling\r\n".encode():
            await session.send_raw(bytes([byte]))
            await asyncio.sleep(float(self.params.get("delay", 1)))
        return True


@behaviour("tls_garbage")
class TlsGarbage(Behaviour):
    """Answers STARTTLS with 220, then sends 4 KiB of noise instead of a TLS handshake."""

    async def starttls(self, session: Session) -> bool:
        await session.reply(220, "2.0.0 Ready to start TLS")
        noise = b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(128))
        await session.send_raw(b"\x00garbage" + noise)
        await asyncio.sleep(2)
        return False


@behaviour("ehlo_flood")
class EhloFlood(Behaviour):
    """Answers EHLO with 10,000 extension lines (then STARTTLS, which works)."""

    def ehlo_keywords(self, session: Session) -> list[str]:
        keywords = super().ehlo_keywords(session)
        # The reply's first line is the host name: EHLO_FLOOD_LINES in all.
        flood = [f"X-FLOOD-{n:05d} padding to make the reply long" for n in range(EHLO_FLOOD_LINES - 1 - len(keywords))]
        return flood + keywords


EHLO_FLOOD_LINES = 10_000


@behaviour("hostile_text")
class HostileText(Behaviour):
    """Greeting and EHLO lines full of HOSTILE_TEXT; STARTTLS works (the certificate's names are
    hostile too: `cert: hostile_text`)."""

    async def greet(self, session: Session) -> bool:
        await session.send_raw(b"220 " + self.hostname.encode("latin-1") + b" ESMTP " + HOSTILE_TEXT + b"\r\n")
        return True

    async def serve_ehlo(self, session: Session) -> None:
        lines = [self.hostname.encode("latin-1") + b" greets " + HOSTILE_TEXT,
                 b"X-<script>alert(2)</script>", b"X-CONTROL \x1b[5m\x00\x07\x08", b"X-BIDI \xe2\x80\xaeevil",
                 b"X-NOT-UTF8 \xff\xfe\xc3\x28", b"PIPELINING"]
        if not session.tls:
            lines.append(b"STARTTLS")
        await session.send_raw(b"".join(b"250" + (b"-" if i < len(lines) - 1 else b" ") + line + b"\r\n"
                                        for i, line in enumerate(lines)))


@behaviour("hostile_reject")
class HostileReject(Behaviour):
    """Refuses the connection with a 554 greeting full of HOSTILE_TEXT (a client quotes it)."""

    async def greet(self, session: Session) -> bool:
        await session.send_raw(b"554 5.7.1 " + HOSTILE_TEXT + b" go away\r\n")
        return False


# ------------------------------------------------------------------ configuration (used by `up`)

def component(state) -> "Component":
    from .processes import Component
    return Component(name="responder", pidfile=str(state.pidfile("responder")), executable="python3",
                     marker=str(state.responder / "responder.json"))


def write_config(state, listeners: list[dict]) -> "Component":
    """listeners: [{address, hostname, behaviour, params, key, chain}] -> the config file."""
    import dataclasses
    state.responder.mkdir(parents=True, exist_ok=True)
    (state.responder / "responder.json").write_text(json.dumps({"listeners": listeners}, indent=2) + "\n")
    return dataclasses.replace(component(state), listens=tuple((l["address"], 25) for l in listeners[:1]))


def start(state, comp) -> None:
    scripted.start("responder", ["--config", comp.marker, "--pidfile", comp.pidfile], state.logfile("responder"))


# ------------------------------------------------------------------ the server process

async def _serve(listeners: list[dict], pidfile: Path) -> None:
    sessions = asyncio.Semaphore(MAX_SESSIONS)

    def handler_for(listener: dict):
        behaviour_class = BEHAVIOURS[listener["behaviour"]]
        behaviour_class(listener).tls_context()  # fail at start-up, not at the first STARTTLS

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if sessions.locked():
                writer.close()
                return
            async with sessions:
                session = Session(reader, writer)
                try:
                    await asyncio.wait_for(behaviour_class(listener).serve(session), SESSION_TIMEOUT)
                except (SessionClosed, asyncio.TimeoutError, ConnectionError, ssl.SSLError):
                    pass
                finally:
                    session.close()
        return handle

    servers = [await asyncio.start_server(handler_for(l), l["address"], l.get("port", 25),
                                          limit=MAX_LINE, reuse_address=True)
               for l in listeners]
    await scripted.serve_until_stopped(servers, pidfile)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--pidfile", required=True, type=Path)
    args = parser.parse_args(argv)
    listeners = json.loads(args.config.read_text())["listeners"]
    unknown = {l["behaviour"] for l in listeners} - set(BEHAVIOURS) - {"standard"}
    if unknown:
        print(f"responder: unknown behaviour(s) {sorted(unknown)}", file=sys.stderr)
        return 2
    asyncio.run(_serve(listeners, args.pidfile))
    return 0


BEHAVIOURS["standard"] = Behaviour

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
