"""`up`, `down` and `status`: which processes run, and starting/stopping exactly those.

`up` is idempotent: when the catalogue, the generator code and the scale are unchanged and every
recorded process still runs, it does nothing. Otherwise it regenerates the world and restarts
the servers. `down` stops exactly the processes recorded in run/components.json.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import time
from contextlib import contextmanager
from pathlib import Path

from . import catalogue, dnsproxy, httpstream, mutations, nginx, nsd, postfix, responder, scale, unbound
from .generate import Generator
from .paths import CATALOGUE_FILE, StateDir
from .processes import Component, Registry, running_pid, stop, tcp_accepts, wait_until_up

STARTERS = {"nsd": nsd.start, "unbound": unbound.start, "nginx": nginx.start, "postfix": postfix.start,
            "responder": responder.start, "dnsproxy": dnsproxy.start, "httpstream": httpstream.start}
REGENERATE_BEFORE_EXPIRY = dt.timedelta(days=30)


@contextmanager
def locked(state: StateDir):
    """Serialises up/down, e.g. when several test processes call `up` at once."""
    state.root.mkdir(parents=True, exist_ok=True)
    with open(state.lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def fingerprint(state: StateDir, scale_n: int) -> str:
    digest = hashlib.sha256()
    digest.update(CATALOGUE_FILE.read_bytes())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    digest.update(f"{scale_n}|{state.root}".encode())
    return digest.hexdigest()


def _load_state(state: StateDir) -> dict:
    try:
        return json.loads(state.state_file.read_text())
    except (OSError, ValueError):
        return {}


def _starter(component: Component):
    kind = component.name.split("-")[0]
    return STARTERS[kind]


def is_up(state: StateDir) -> tuple[bool, list[tuple[Component, int | None]]]:
    components = Registry(state.run / "components.json").load()
    report = [(c, running_pid(c)) for c in components]
    return bool(components) and all(pid for _, pid in report), report


def up(state: StateDir, scale_n: int | None) -> int:
    with locked(state):
        status = _up(state, scale_n)
        # A regeneration serves the catalogue as it is; otherwise undo a mutation still applied.
        if mutations.applied(state):
            mutations.apply(state, None)
        return status


def mutate(state: StateDir, name: str | None) -> int:
    """Applies mutation `name` to the drift domains (None: resets them), on an up-to-date world."""
    with locked(state):
        _up(state, None)
        return mutations.apply(state, name)


def _up(state: StateDir, scale_n: int | None) -> int:
    previous = _load_state(state)
    if scale_n is None:
        scale_n = int(previous.get("scale", 0))
    wanted = fingerprint(state, scale_n)
    running, _ = is_up(state)
    valid_until = dt.datetime.fromisoformat(previous["valid_until"]) if "valid_until" in previous else None
    fresh = valid_until is not None and valid_until - dt.datetime.now(dt.timezone.utc) > REGENERATE_BEFORE_EXPIRY
    if running and previous.get("fingerprint") == wanted and fresh:
        print(f"testbed: up, nothing changed ({previous.get('domains')} domains, scale {scale_n}) "
              f"- {state.root}")
        return 0

    began = time.monotonic()
    raw = catalogue.load_raw(CATALOGUE_FILE)
    fleet = scale.generate_fleet(scale_n) if scale_n else None
    world = catalogue.resolve(raw, fleet)
    generator = Generator(world, state)
    components = generator.build()

    registry = Registry(state.run / "components.json")
    for component in reversed(registry.load()):
        stop(component)
    state.state_file.unlink(missing_ok=True)
    recorded: list[Component] = []
    for component in components:
        # Recorded before it starts: if anything fails from here on, `down` still stops it.
        recorded.append(component)
        registry.save(recorded)
        _starter(component)(state, component)
        wait_until_up(component, timeout=120)
    generator.timer.step("start servers")

    state.state_file.write_text(json.dumps({
        "fingerprint": wanted, "scale": scale_n, "domains": len(world.domains),
        "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "valid_until": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    listeners = len(world.listeners())
    print(f"testbed: up - {len(world.domains)} domains ({scale_n} scaled), {len(world.hosts)} hosts on "
          f"{listeners} SMTP listeners, in {time.monotonic() - began:.1f} s")
    print(f"testbed: {generator.timer.summary()}")
    print(f"testbed: source {state.env_file} for MXAUDIT_RESOLVER, MXAUDIT_TRUST_ANCHOR, MXAUDIT_CA_FILE, "
          "MXAUDIT_TESTBED_CATALOGUE")
    return 0


def down(state: StateDir) -> int:
    with locked(state):
        registry = Registry(state.run / "components.json")
        components = registry.load()
        stopped = [c.name for c in reversed(components) if stop(c)]
        registry.save([])
        state.state_file.unlink(missing_ok=True)
        print(f"testbed: down (stopped {', '.join(stopped) if stopped else 'nothing, nothing was running'})")
        return 0


def status(state: StateDir) -> int:
    ok, report = is_up(state)
    if not report:
        print("testbed: not up (no recorded processes)")
        return 1
    info = _load_state(state)
    for component, pid in report:
        listening = all(tcp_accepts(a, p) for a, p in component.listens) if pid else False
        where = ", ".join(f"{a}:{p}" for a, p in component.listens)
        print(f"  {component.name:<12} {'running' if pid else 'STOPPED':<8} pid {pid or '-':<8} "
              f"{where}{'' if listening or not component.listens else '  (not accepting!)'}")
    print(f"testbed: {'up' if ok else 'DEGRADED'} - {info.get('domains', '?')} domains, scale {info.get('scale', 0)}, "
          f"generated {info.get('generated', '?')}, state {state.root}")
    return 0 if ok else 1
