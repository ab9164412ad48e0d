"""Where everything lives: the repository, the catalogue and the state directory.

Every generated file goes below the state directory ($MXAUDIT_TESTBED_DIR, default
<repo>/.testbed), never into the repository itself.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TESTBED_SOURCE = REPO_ROOT / "testbed"
CATALOGUE_FILE = TESTBED_SOURCE / "scenarios.yaml"


@dataclass(frozen=True)
class StateDir:
    root: Path

    @classmethod
    def from_environment(cls) -> "StateDir":
        configured = os.environ.get("MXAUDIT_TESTBED_DIR")
        root = Path(configured).resolve() if configured else REPO_ROOT / ".testbed"
        return cls(root)

    # Files named by docs/testbed-contract.md.
    @property
    def env_file(self) -> Path: return self.root / "env"
    @property
    def trust_anchor(self) -> Path: return self.root / "trust-anchor.key"
    @property
    def ca_file(self) -> Path: return self.root / "ca.pem"
    @property
    def catalogue_json(self) -> Path: return self.root / "catalogue.json"
    @property
    def scale_inventory(self) -> Path: return self.root / "scale-inventory.yaml"

    # Internal layout.
    @property
    def state_file(self) -> Path: return self.root / "state.json"
    @property
    def lock_file(self) -> Path: return self.root / "lock"
    @property
    def run(self) -> Path: return self.root / "run"
    @property
    def logs(self) -> Path: return self.root / "log"
    @property
    def dnssec_keys(self) -> Path: return self.root / "keys" / "dnssec"
    @property
    def tls_keys(self) -> Path: return self.root / "keys" / "tls"
    @property
    def zones(self) -> Path: return self.root / "zones"
    @property
    def nsd(self) -> Path: return self.root / "nsd"
    @property
    def unbound(self) -> Path: return self.root / "unbound"
    @property
    def certs(self) -> Path: return self.root / "certs"
    @property
    def nginx(self) -> Path: return self.root / "nginx"
    @property
    def www(self) -> Path: return self.root / "www"
    @property
    def postfix(self) -> Path: return self.root / "postfix"
    @property
    def responder(self) -> Path: return self.root / "responder"

    def pidfile(self, component: str) -> Path:
        return self.run / f"{component}.pid"

    def logfile(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def ensure(self) -> None:
        for directory in (self.root, self.run, self.logs, self.dnssec_keys, self.tls_keys):
            directory.mkdir(parents=True, exist_ok=True)
        # Postfix daemons (user postfix) and nginx workers must traverse into the state directory.
        self.root.chmod(0o755)
