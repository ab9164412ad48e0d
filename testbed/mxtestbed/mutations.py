"""Named mutations of the drift domains: `scripts/testbed mutate NAME` and `mutate --reset`.

A mutation edits the resolved world of the `role: drift` domains only - other suites audit the
scenario domains at the same time - and then brings exactly their served state in line with it:
their zones are rendered and signed again, their policy files rewritten, and an SMTP certificate
is reissued only where the wanted key differs from the served one; then nsd-domains reloads
(SIGHUP), Postfix reloads (when a certificate changed) and unbound forgets the drift zones.
`--reset` is the same with no mutation, so both are idempotent. The applied mutation is recorded
in state.json (`mutation`); `up` resets it (lifecycle.py).
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from . import catalogue, certs, dnssec, nginx, nsd, postfix, probes, unbound, zones
from .generate import _with_serial
from .model import Domain, World
from .paths import CATALOGUE_FILE, StateDir
from .processes import run, running_pid

DRIFT_ROLE = "drift"
RELOAD_TIMEOUT = 20.0   # seconds for NSD and Postfix to serve what was written


@dataclass
class Mutation:
    """The drift domains' world as a mutation leaves it, plus the SMTP keys to serve."""
    state: StateDir
    world: World
    pki: certs.Pki
    key_ids: dict[str, str] = field(default_factory=dict)   # host -> leaf key id (generate.py's naming)

    def certificate(self, host_name: str, key_id: str | None = None) -> certs.IssuedCertificate:
        """What the host serves with `key_id` (default: its current one): the chain on disk when
        it holds that key (so nothing else about it changes), else a new one from the same CA."""
        host = self.world.hosts[host_name]
        key = self.pki.leaf_key(key_id or self.key_ids[host_name], host.key)
        served = served_certificate(self.smtp_files(host_name))
        if served and served.key.public_key().public_bytes(*SPKI) == key.public_key().public_bytes(*SPKI):
            return served
        return self.pki.issue([host_name], key, host.cert)

    def smtp_files(self, host_name: str) -> tuple[Path, Path]:
        """generate.py's names for the key and chain of the host's listener."""
        directory, address = self.state.certs / "smtp", self.world.hosts[host_name].address
        return directory / f"{address}.key", directory / f"{address}.pem"

    def tlsa_for(self, host_name: str, spec: str) -> str:
        usage, selector, matching = (int(x) for x in spec.split())
        return certs.tlsa_rdata(self.certificate(host_name), usage, selector, matching)

    def rotate_key(self, host_name: str) -> None:
        """A new key and certificate for the host while its TLSA records stay as they were."""
        host = self.world.hosts[host_name]
        host.tlsa = [spec if len(spec.split()) == 4 else self.tlsa_for(host_name, spec) for spec in host.tlsa]
        self.key_ids[host_name] += "-rotated"


SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"mutation: expected {old!r} once in {text!r}")
    return text.replace(old, new)


def drift(m: Mutation) -> None:
    """What operators change between two audits without noticing what it breaks."""
    sts = m.world.domains["drift-sts.example"].mta_sts
    # The policy changes, the TXT id does not: senders keep the old policy until max_age ends.
    sts.body = _replace_once(sts.body, "max_age: 604800", "max_age: 86400")
    # A TLSA record that matches no key the server has.
    nobody = hashlib.sha256(b"mxaudit testbed drift: a key nobody holds").hexdigest()
    m.world.hosts["mx1.drift-dane.example"].tlsa = [f"3 1 1 {nobody}"]
    # A certificate change (new key) with the TLSA record left stale.
    m.rotate_key("mx2.drift-dane.example")
    # A backup MX the enforce policy does not name.
    m.world.domains["drift-mx.example"].mx.append((20, "mx2.drift-mx.example"))


MUTATIONS: dict[str, Callable[[Mutation], None]] = {"drift": drift}


# ------------------------------------------------------------------ served state

def served_certificate(files: tuple[Path, Path]) -> certs.IssuedCertificate | None:
    key_file, chain_file = files
    if not key_file.exists() or not chain_file.exists():
        return None
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    # One PEM block per certificate (python3-cryptography 38 has no load_pem_x509_certificates).
    end = b"-----END CERTIFICATE-----"
    blocks = [block + end for block in chain_file.read_bytes().split(end) if block.strip()]
    return certs.IssuedCertificate(key, [x509.load_pem_x509_certificate(block) for block in blocks])


def applied(state: StateDir) -> str | None:
    return _state(state).get("mutation")


def _state(state: StateDir) -> dict:
    try:
        return json.loads(state.state_file.read_text())
    except (OSError, ValueError):
        return {}


def _record(state: StateDir, name: str | None) -> None:
    recorded = _state(state)
    recorded.pop("mutation", None)
    if name:
        recorded["mutation"] = name
    state.state_file.write_text(json.dumps(recorded, indent=2) + "\n")


def apply(state: StateDir, name: str | None) -> int:
    """Serves the drift domains as mutation `name` leaves them (None: unmutated). The caller holds
    the testbed lock and has brought the world up to date."""
    world = catalogue.resolve(catalogue.load_raw(CATALOGUE_FILE))
    drift_domains = [d for d in world.domains.values() if d.role == DRIFT_ROLE]
    drift_hosts = [h for d in drift_domains for h in d.hosts if world.hosts[h].address]
    m = Mutation(state, world, certs.Pki(state.tls_keys), {h: f"smtp-{h}" for h in drift_hosts})
    if name:
        MUTATIONS[name](m)

    rotated = _write_certificates(m, drift_hosts)
    serials = {d.name: _write_zone(state, m, d) for d in drift_domains}
    policies = sum(nginx.write_policy(state, d) for d in drift_domains if d.mta_sts)
    os.kill(_pid(nsd.component(state, "domains")), signal.SIGHUP)
    if rotated:
        run(["postfix", "-c", str(postfix.config_dir(state)), "reload"], timeout=60)
    _wait_for_zones(serials)
    for domain in drift_domains:
        unbound.flush_zone(state, domain.name)
    _wait_for_certificates(m, drift_hosts)
    _record(state, name)
    print(f"testbed: {'mutation ' + name if name else 'drift domains reset'} - "
          f"{len(drift_domains)} drift domains, {policies} policy files and {len(rotated)} certificates changed")
    return 0


def _pid(component) -> int:
    pid = running_pid(component)
    if pid is None:
        raise RuntimeError(f"{component.name} is not running (scripts/testbed up)")
    return pid


def _write_certificates(m: Mutation, hosts: list[str]) -> list[str]:
    written = []
    for host_name in hosts:
        issued, files = m.certificate(host_name), m.smtp_files(host_name)
        served = served_certificate(files)
        if served is None or served.leaf != issued.leaf:
            issued.write(*files)
            written.append(host_name)
    return written


def _write_zone(state: StateDir, m: Mutation, domain: Domain) -> int:
    """Renders and signs the domain's zone as generate.py does; returns its SOA serial."""
    text = _with_serial(zones.render_domain, m.world, domain, m.tlsa_for)
    directory = state.zones / domain.zone.server
    unsigned = directory / f"{domain.name}.zone"
    if not unsigned.exists() or unsigned.read_text() != text:
        unsigned.write_text(text)
    if domain.zone.signed:
        keys = dnssec.ensure_keys(state.dnssec_keys, domain.zone)
        dnssec.sign_all([dnssec.SigningJob(domain.zone, keys, unsigned, directory / f"{domain.name}.zone.signed")])
    soa = next(line for line in text.splitlines() if " IN SOA " in line)
    return int(soa.split()[5])   # "@ IN SOA mname rname SERIAL ..."


def _wait_for_zones(serials: dict[str, int]) -> None:
    """NSD reloads in the background after SIGHUP: wait until it serves every new serial."""
    deadline = time.monotonic() + RELOAD_TIMEOUT
    pending = dict(serials)
    while pending:
        for zone, serial in list(pending.items()):
            out = run(["dig", f"@{nsd.INSTANCE_ADDRESSES['domains'][0]}", "+norec", "+short", "+time=2",
                       zone, "SOA"], check=False).stdout.split()
            if len(out) > 2 and out[2] == str(serial):
                del pending[zone]
        if pending and time.monotonic() > deadline:
            raise RuntimeError(f"nsd-domains does not serve the new serials of {sorted(pending)} "
                               f"after {RELOAD_TIMEOUT:.0f} s (see .testbed/log/nsd-domains.log)")
        time.sleep(0.1)


def _wait_for_certificates(m: Mutation, hosts: list[str]) -> None:
    """Postfix serves a new certificate only from new smtpd processes: wait until every drift
    host presents the key it should (DANE-EE 3 1 1 of the wanted key matches)."""
    deadline = time.monotonic() + RELOAD_TIMEOUT
    for host_name in hosts:
        wanted = certs.tlsa_rdata(m.certificate(host_name), 3, 1, 1)
        while not probes.starttls(m.world.hosts[host_name].address, host_name, tlsa_rrdata=[wanted]).dane_matched:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{host_name} does not present its new key after {RELOAD_TIMEOUT:.0f} s")
            time.sleep(0.2)
