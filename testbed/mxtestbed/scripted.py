"""What the testbed's scripted servers (responder, dnsproxy, httpstream) share: how `up` starts
them, and how they serve until they are told to stop."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

PYTHON = "/usr/bin/python3"   # Debian's interpreter: python3-yaml and python3-cryptography, no pip
PACKAGE_PARENT = Path(__file__).resolve().parents[1]


def start(module: str, arguments: list[str], log: Path) -> None:
    """`python3 -m mxtestbed.<module> ARGUMENTS` in the background, in a session of its own."""
    with open(log, "ab") as output:
        subprocess.Popen([PYTHON, "-B", "-m", f"mxtestbed.{module}", *arguments], cwd=PACKAGE_PARENT,
                         stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True)


async def serve_until_stopped(servers: list, pidfile: Path | None) -> None:
    """Writes the PID file - the readiness signal: every server is bound - then serves until
    SIGTERM or SIGINT, closes the servers and removes the PID file."""
    if pidfile:
        pidfile.write_text(f"{os.getpid()}\n")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    if pidfile:
        pidfile.unlink(missing_ok=True)
