"""Generates every file of the world below the state directory, in dependency order:

certificates -> DNSSEC keys -> zones (TLSA from certificates, DS from child keys) -> signing ->
server configurations -> catalogue.json, env, trust anchor, inventories.

Returns the components to start, in start order. Nothing here starts or stops a process.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import addresses, catalogue, certs, dnsproxy, dnssec, httpstream, nginx, nsd, postfix, responder, unbound, zones
from .model import World, Zone
from .paths import StateDir
from .processes import Component


class Timer:
    def __init__(self):
        self.start = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str) -> None:
        now = time.monotonic()
        self.steps.append((name, now - self.last))
        self.last = now

    def summary(self) -> str:
        return ", ".join(f"{n} {s:.1f}s" for n, s in self.steps)


def _content_serial(text: str) -> int:
    """A serial that changes only with the content, so unchanged zones keep their signatures."""
    return 1 + int(hashlib.sha256(text.encode()).hexdigest()[:7], 16)


def _with_serial(render, *args) -> str:
    """Renders with serial 0, then puts the content-derived serial into the SOA record."""
    draft = render(*args, 0)
    marker = f" 0 {zones.SOA_TIMERS}\n"
    assert marker in draft
    return draft.replace(marker, f" {_content_serial(draft)} {zones.SOA_TIMERS}\n", 1)


def _prune(directory: Path, keep: set[str]) -> int:
    """Removes the entries of `directory` whose name is not in `keep` (files of a world that is
    no longer wanted, e.g. after a smaller --scale). Keys are never pruned: they are the cache."""
    removed = 0
    if directory.is_dir():
        for entry in directory.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                removed += 1
    return removed


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


class Generator:
    def __init__(self, world: World, state: StateDir):
        self.world, self.state = world, state
        self.timer = Timer()
        self.smtp_certs: dict[str, certs.IssuedCertificate] = {}   # host name -> served chain
        self.smtp_files: dict[str, tuple[Path, Path]] = {}          # address -> (key, chain)
        self.zone_keys: dict[str, dnssec.ZoneKeys] = {}

    # -- certificates ----------------------------------------------------------

    def certificates(self) -> None:
        self.pki = certs.Pki(self.state.tls_keys)
        self.state.ca_file.write_bytes(self.pki.ca_bundle_pem())
        smtp_dir = self.state.certs / "smtp"
        smtp_dir.mkdir(parents=True, exist_ok=True)
        for address, hosts in self.world.listeners().items():
            primary = hosts[0]
            # Hosts sharing an address (the fleet's own-MX pool) share one key and certificate
            # that names all of them; the key persists so that TLSA 3 1 1 stays stable.
            key_id = f"smtp-{address}" if primary.scaled else f"smtp-{primary.name}"
            key = self.pki.leaf_key(key_id, primary.key)
            names = [certs.WRONG_NAME] if primary.cert == "wrong_name" else sorted(h.name for h in hosts)
            issued = self.pki.issue(names, key, primary.cert)
            key_file, chain_file = smtp_dir / f"{address}.key", smtp_dir / f"{address}.pem"
            issued.write(key_file, chain_file)
            self.smtp_files[address] = (key_file, chain_file)
            for host in hosts:
                self.smtp_certs[host.name] = issued
        https_key = self.pki.leaf_key("https-shared", "ec")
        for domain in self.world.domains.values():
            if not domain.mta_sts:
                continue
            vhost = nginx.vhost_name(domain)
            names = [f"{certs.WRONG_NAME_PREFIX}.{domain.name}"] if domain.mta_sts.cert == "wrong_name" else [vhost]
            nginx.write_site(self.state, domain, self.pki.issue(names, https_key, domain.mta_sts.cert))
        self.timer.step("certificates")

    def tlsa_for(self, host_name: str, spec: str) -> str:
        usage, selector, matching = (int(x) for x in spec.split())
        return certs.tlsa_rdata(self.smtp_certs[host_name], usage, selector, matching)

    # -- DNS -------------------------------------------------------------------

    def keys(self) -> None:
        signed = [z for z in self.world.zones() if z.signed]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for zone, keys in zip(signed, pool.map(lambda z: dnssec.ensure_keys(self.state.dnssec_keys, z), signed)):
                self.zone_keys[zone.name] = keys
        self.timer.step("dnssec keys")

    def ds_for(self, child: Zone) -> list[str]:
        parent_signed = child.parent == "" or self.world.tlds.get(child.parent, self.world.root).signed
        if not child.signed or not parent_signed:
            return []   # an unsigned child, or an insecure parent: no DS (insecure delegation)
        keys = self.zone_keys[child.name]
        return zones.ds_lines(keys.spare_ds_records() if child.fault == "ds_mismatch" else keys.ds_records())

    def zone_files(self) -> dict[str, dict[str, Path]]:
        """Renders and signs every zone; returns NSD instance -> zone name -> file to serve."""
        served: dict[str, dict[str, Path]] = {"root": {}, "tld": {}, "domains": {}, "fleet": {}}
        jobs: list[dnssec.SigningJob] = []
        corrupt: dict[str, list[str]] = {}
        for host in self.world.hosts.values():
            if host.tlsa_fault == "bad_signature":
                corrupt.setdefault(host.zone, []).append(f"_25._tcp.{host.name}")

        def place(zone: Zone, text: str) -> None:
            directory = self.state.zones / zone.server
            directory.mkdir(parents=True, exist_ok=True)
            stem = zone.name or "root"
            unsigned = directory / f"{stem}.zone"
            _write_if_changed(unsigned, text)
            if zone.signed:
                signed = directory / f"{stem}.zone.signed"
                jobs.append(dnssec.SigningJob(zone, self.zone_keys[zone.name], unsigned, signed,
                                              tuple(corrupt.get(zone.name, ()))))
                served[zone.server][zone.name] = signed
            else:
                served[zone.server][zone.name] = unsigned

        for domain in self.world.domains.values():
            place(domain.zone, _with_serial(zones.render_domain, self.world, domain, self.tlsa_for))
        for tld in self.world.tlds.values():
            place(tld, _with_serial(zones.render_tld, self.world, tld, self.ds_for))
        place(self.world.root, _with_serial(zones.render_root, self.world, self.ds_for))
        self.timer.step("zones")
        self.signed_count = dnssec.sign_all(jobs)
        self.timer.step(f"signing ({self.signed_count} of {len(jobs)} zones signed)")
        return served

    # -- everything -------------------------------------------------------------

    def build(self) -> list[Component]:
        self.state.ensure()
        self.certificates()
        self.keys()
        served = self.zone_files()
        components = [nsd.write_config(self.state, "root", served["root"]),
                      nsd.write_config(self.state, "tld", served["tld"]),
                      nsd.write_config(self.state, "domains", served["domains"])]
        if served["fleet"]:
            components.append(nsd.write_config(self.state, "fleet", served["fleet"]))
        self.state.trust_anchor.write_text(dnssec.trust_anchor_text(self.zone_keys[""]))
        components.append(unbound.write_config(self.state))
        components.append(dnsproxy.write_config(
            self.state, {d.name: d.dns_fault for d in self.world.domains.values() if d.dns_fault}))
        fallback = self.pki.issue([addresses.HTTPS_FALLBACK_CERT_NAME], self.pki.leaf_key("https-shared", "ec"))
        scenario_sites = [d for d in self.world.domains.values() if d.mta_sts and not d.scaled]
        fleet_sites = [d for d in self.world.domains.values() if d.mta_sts and d.scaled]
        if any(d.mta_sts.stream for d in scenario_sites):
            components.append(httpstream.component(self.state))
        components.append(nginx.write_config(self.state, scenario_sites, fleet_sites, fallback))
        components += self.smtp_servers()
        self.timer.step("server configs")
        self.outputs()
        self.prune(served)
        self.timer.step("catalogue")
        return components

    def prune(self, served: dict[str, dict[str, Path]]) -> None:
        for server, zone_files in served.items():
            keep = set()
            for path in zone_files.values():
                keep |= {path.name, path.with_suffix(".input-sha256").name}
                keep.add(path.name.removesuffix(".signed"))
            _prune(self.state.zones / server, keep)
        vhosts = {nginx.vhost_name(d) for d in self.world.domains.values() if d.mta_sts}
        _prune(self.state.www, vhosts)
        for directory, scaled in ((self.state.certs / "https", False), (self.state.certs / "fleet-https", True)):
            keep = {f"{v}.{suffix}" for v in vhosts for suffix in ("key", "crt")}
            _prune(directory, keep)
        listeners = self.world.listeners()
        _prune(self.state.certs / "smtp", {f"{a}.{suffix}" for a in listeners for suffix in ("key", "pem")})

    def smtp_servers(self) -> list[Component]:
        postfix_listeners, responder_listeners = {}, []
        for address, hosts in self.world.listeners().items():
            key, chain = self.smtp_files[address]
            primary = hosts[0]
            if primary.smtp.server == "postfix":
                postfix_listeners[address] = (hosts, key, chain)
            else:
                params = {"delay": primary.smtp.delay} if primary.smtp.delay is not None else {}
                responder_listeners.append({"address": address, "hostname": primary.name,
                                            "behaviour": primary.smtp.behaviour, "params": params,
                                            "key": str(key), "chain": str(chain)})
        components = [postfix.write_config(self.state, postfix_listeners)]
        if responder_listeners:
            components.append(responder.write_config(self.state, responder_listeners))
        return components

    def outputs(self) -> None:
        catalogue.write_json(self.world, self.state.catalogue_json)
        env = {
            "MXAUDIT_RESOLVER": addresses.RESOLVER,
            "MXAUDIT_HOSTILE_RESOLVER": addresses.HOSTILE_RESOLVER,
            "MXAUDIT_TRUST_ANCHOR": str(self.state.trust_anchor),
            "MXAUDIT_CA_FILE": str(self.state.ca_file),
            "MXAUDIT_TESTBED_CATALOGUE": str(self.state.catalogue_json),
            "MXAUDIT_TESTBED_DIR": str(self.state.root),
        }
        if self.world.scale:
            env["MXAUDIT_TESTBED_SCALE_INVENTORY"] = str(self.state.scale_inventory)
            self.state.scale_inventory.write_text(
                "# Generated by scripts/testbed up --scale N; the scaled fleet grouped into clients.\n"
                + yaml.safe_dump({"version": 1, "defaults": {"rulesets": ["mta-sts-baseline"]},
                                  "clients": self.world.fleet_clients}, sort_keys=False, width=120))
        elif self.state.scale_inventory.exists():
            self.state.scale_inventory.unlink()
        self.state.env_file.write_text(
            "# Generated by scripts/testbed up; source it: . .testbed/env\n"
            + "".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))
