"""Start, find and stop the testbed's own server processes.

Every component has a PID file below the state directory. A PID is only ever signalled when
/proc confirms that it is still the expected executable *and* still carries a marker of this
state directory (its command line, working directory or environment) - so a reused PID or a
system-wide instance of the same server is never touched.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Component:
    name: str          # e.g. "nsd-root"
    pidfile: str       # absolute path
    executable: str    # basename of /proc/<pid>/exe, e.g. "nsd"
    marker: str        # a path of this state directory that identifies our instance
    listens: tuple[tuple[str, int], ...] = ()  # TCP (address, port) that must accept when up


class Registry:
    """The list of components `up` started, kept in run/components.json for `down`/`status`."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> list[Component]:
        if not self.path.exists():
            return []
        raw = json.loads(self.path.read_text())
        return [Component(**{**c, "listens": tuple(tuple(x) for x in c.get("listens", []))}) for c in raw]

    def save(self, components: list[Component]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps([asdict(c) for c in components], indent=2) + "\n")


def read_pid(pidfile: str | Path) -> int | None:
    try:
        text = Path(pidfile).read_text().split()
        return int(text[0]) if text else None
    except (OSError, ValueError):
        return None


def _proc_text(pid: int, entry: str) -> str:
    try:
        return Path(f"/proc/{pid}/{entry}").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def is_ours(pid: int, component: Component) -> bool:
    try:
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return False
    if not exe.startswith(component.executable):  # python3 -> python3.11
        return False
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        cwd = ""
    marker = component.marker
    return (marker in _proc_text(pid, "cmdline") or cwd.startswith(marker)
            or marker in _proc_text(pid, "environ"))


def running_pid(component: Component) -> int | None:
    pid = read_pid(component.pidfile)
    if pid is not None and is_ours(pid, component):
        return pid
    return None


def stop(component: Component, timeout: float = 10.0) -> bool:
    """Stops the component's recorded process (and thereby its children). True if it was running."""
    pid = running_pid(component)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_ours(pid, component):
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
    try:
        Path(component.pidfile).unlink()
    except OSError:
        pass
    return True


def tcp_accepts(address: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until_up(component: Component, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running_pid(component) is not None and all(tcp_accepts(a, p) for a, p in component.listens):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{component.name} did not come up within {timeout:.0f} s "
                       f"(see the logs below {Path(component.pidfile).parent.parent / 'log'})")


def run(command: list[str], *, timeout: float = 120, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Runs a helper command with a bounded time; raises with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result
