"""Policy bodies that never end: a plain-HTTP backend that nginx proxies some mta-sts hosts to.

nginx keeps serving TLS (certificate, SNI) for the scenario's mta-sts host and passes the body
through unbuffered (`proxy_buffering off`); this process writes it (`STREAMS`):

  endless   a valid-looking policy head, then extension lines as fast as the client reads,
            without end: a client without a size bound reads forever
  trickle   the same text, one byte per second, without end: a client without a deadline for
            the whole transfer waits forever

Each response is bounded here too (SESSION_TIMEOUT seconds, MAX_BYTES bytes), so a client that
never stops reading cannot keep the testbed busy for ever.

Run: /usr/bin/python3 -m mxtestbed.httpstream --listen ADDR:PORT --pidfile FILE
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from pathlib import Path

from . import scripted

STREAMS = ("endless", "trickle")
SESSION_TIMEOUT = 120.0
MAX_BYTES = 256 * 1024 * 1024
MAX_SESSIONS = 32
POLICY_HEAD = b"version: STSv1\nmode: enforce\nmx: *.bulkmail.insecure\nmax_age: 86400\n"


def endless_body():
    """The policy head, then `x-padding-N: ...` extension lines, forever."""
    yield POLICY_HEAD
    for number in itertools.count():
        yield b"x-padding-%d: %s\n" % (number, b"p" * 200)


async def respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    path = request.split(b" ", 2)[1].decode("latin-1") if request.count(b" ") >= 2 else ""
    stream = path.strip("/")
    if stream not in STREAMS:
        writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        return
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    sent = 0
    for chunk in endless_body():
        if stream == "trickle":
            for byte in chunk:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)
            continue
        writer.write(chunk)
        await writer.drain()
        sent += len(chunk)
        if sent >= MAX_BYTES:
            return


async def _serve(listen: tuple[str, int], pidfile: Path) -> None:
    sessions = asyncio.Semaphore(MAX_SESSIONS)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if sessions.locked():
            writer.close()
            return
        async with sessions:
            try:
                await asyncio.wait_for(respond(reader, writer), SESSION_TIMEOUT)
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                pass
            finally:
                writer.close()

    server = await asyncio.start_server(handle, *listen, reuse_address=True, limit=8192)
    await scripted.serve_until_stopped([server], pidfile)


# ------------------------------------------------------------------ configuration (used by `up`)

def component(state) -> "Component":
    from . import addresses
    from .processes import Component
    return Component(name="httpstream", pidfile=str(state.pidfile("httpstream")), executable="python3",
                     marker=str(state.pidfile("httpstream")),
                     listens=((addresses.HTTP_STREAMS, addresses.HTTP_STREAMS_PORT),))


def start(state, comp) -> None:
    from . import addresses
    scripted.start("httpstream", ["--listen", f"{addresses.HTTP_STREAMS}:{addresses.HTTP_STREAMS_PORT}",
                                  "--pidfile", comp.pidfile], state.logfile("httpstream"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", required=True, help="ADDR:PORT")
    parser.add_argument("--pidfile", required=True, type=Path)
    args = parser.parse_args(argv)
    host, _, port = args.listen.partition(":")
    asyncio.run(_serve((host, int(port)), args.pidfile))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
