"""A small scripted SMTP server for behaviour that Postfix cannot produce.

One process (asyncio, stdlib `ssl`) serves every responder listener of the catalogue. Each
listener runs one *behaviour*: a subclass of `Behaviour` registered under a name in BEHAVIOURS.
The base class is a plain, well-behaved ESMTP server with STARTTLS; a behaviour overrides only
the step it wants to break (greeting, EHLO reply, STARTTLS, the TLS context).

Adding a hostile behaviour later (banner one byte per second, garbage after STARTTLS, a
10,000-line EHLO reply, ...) means: write a subclass here, decorate it with @behaviour("name"),
and use `smtp: {server: responder, behaviour: name, ...}` in testbed/scenarios.yaml.

Every session is bounded: line length, commands per session, idle time, total time and the
number of concurrent sessions are all capped.

Run: /usr/bin/python3 -m mxtestbed.responder --config <file.json> --pidfile <file>
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
from pathlib import Path

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
                await session.reply(250, self.hostname, *self.ehlo_keywords(session))
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
    import subprocess
    package_parent = Path(__file__).resolve().parents[1]
    with open(state.logfile("responder"), "ab") as log:
        subprocess.Popen(
            [sys.executable if sys.executable.startswith("/usr/bin/") else "/usr/bin/python3", "-B",
             "-m", "mxtestbed.responder", "--config", comp.marker, "--pidfile", comp.pidfile],
            cwd=package_parent, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)


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
    # The PID file doubles as the readiness signal: every listener is bound.
    pidfile.write_text(f"{os.getpid()}\n")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    pidfile.unlink(missing_ok=True)


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
