"""Loads testbed/scenarios.yaml, validates it and resolves it into a `model.World`.

Validation is strict on purpose: an unknown key or an unknown `expect` value is an error, and a
domain that changes what it publishes must also state what that means (its `expect`), so the
catalogue stays a trustworthy statement of truth for the integration tests.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from . import addresses
from .model import Domain, Host, MtaSts, SmtpServer, World, Zone


class CatalogueError(ValueError):
    pass


# ------------------------------------------------------------------ vocabulary

DOMAIN_KEYS = {"about", "role", "zone", "mx", "hosts", "mta_sts", "tls_rpt", "spf", "dmarc",
               "dkim_selectors", "records", "txt_records", "dns_fault", "expect", "kind"}
ZONE_KEYS = {"signing", "denial", "fault"}
HOST_KEYS = {"address", "cname", "smtp", "cert", "key", "tlsa", "tlsa_fault", "expect"}
SMTP_KEYS = {"server", "starttls", "protocols", "ciphers", "behaviour", "delay"}
MTA_STS_KEYS = {"id", "txt", "policy", "body", "line_ending", "http", "cert", "pad_to"}
HTTP_KEYS = {"status", "content_type", "redirect", "stream"}
HTTP_STREAMS = {"endless", "trickle"}                               # httpstream.STREAMS
DNS_FAULTS = {"garbage", "truncated", "wrong_id", "wrong_question"}  # dnsproxy.FAULTS

# mail: a scenario mail domain (checked, in the inventories); provider: only hosts MX hosts for
# others; drift: a mail domain that `scripts/testbed mutate` changes (mutations.py), so nothing
# but the drift test states expectations about it; hostile: a mail domain whose servers or
# records are hostile on purpose (named hostile-*): checked like a mail domain, but listed apart
# in catalogue.json (`hostile`) and in no example inventory, so that suites walking every
# scenario are not stalled by servers built to stall them.
ROLES = {"mail", "provider", "drift", "hostile"}
CHECKED_ROLES = {"mail", "hostile"}

TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

# `expect` vocabulary (docs/testbed.md documents every key and value). None means "any value".
DOMAIN_EXPECT: dict[str, set | None] = {
    "dnssec": {"secure", "insecure", "bogus"},
    "dnssec_reason": None,
    "dnssec_ede": None,
    "mx": {"explicit", "null", "null_mixed", "implicit"},
    "mx_hosts": None,
    "mta_sts_txt": {"valid", "missing", "multiple", "syntax_error"},
    "mta_sts_policy": {"valid", "not_fetched", "http_404", "wrong_content_type", "redirect",
                       "cert_expired", "cert_wrong_name", "cert_self_signed", "syntax_error",
                       "max_age_out_of_range", "too_large", "stalled"},
    "mta_sts_mode": {"enforce", "testing", "none"},
    "mta_sts_uncovered_mx": None,
    "tls_rpt": {"valid", "invalid", "missing"},
    "spf": {"hardfail", "softfail", "missing", "weak", "too_many_lookups"},
    "dmarc": {"reject", "quarantine", "none", "missing"},
    "dkim_domainkey": {"present", "absent"},
    "resolver_answer": DNS_FAULTS,
    "verdicts": None,
}
HOST_EXPECT: dict[str, set | None] = {
    "name": None,
    "preference": None,
    "cname_target": None,
    "dnssec": {"secure", "insecure", "bogus"},
    "tlsa": {"present", "absent", "insecure", "bogus", "mismatch"},
    "starttls": {"offered", "not_offered", "refused", "busy_421", "rejected", "garbage_after_starttls"},
    "tls_versions": None,
    "webpki": {"valid", "expired", "wrong_name", "self_signed", "untrusted"},
    "dane": {"valid", "mismatch", "not_applicable"},
    "weak_cipher": {True, False},
    "banner_delay": None,
    "banner_rate": None,
    "ehlo_lines": None,
    "hostile_text": {True},
}

# Publishing key -> the expect keys a domain must state when it overrides that key.
OVERRIDE_NEEDS_EXPECT = {
    "spf": ["spf"], "dmarc": ["dmarc"], "tls_rpt": ["tls_rpt"],
    "dkim_selectors": ["dkim_domainkey"], "mta_sts": ["mta_sts_txt", "mta_sts_policy"],
}


def _check_keys(where: str, value: Any, allowed: set[str]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected a mapping, got {value!r}")
    unknown = set(value) - allowed
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    return value


def _check_expect(where: str, expect: dict, vocabulary: dict[str, set | None]) -> None:
    for key, value in expect.items():
        if key not in vocabulary:
            raise CatalogueError(f"{where}: unknown expect key {key!r}")
        allowed = vocabulary[key]
        if value is not None and allowed is not None and value not in allowed:
            raise CatalogueError(f"{where}: expect {key}: {value!r} is not one of {sorted(map(str, allowed))}")
    for versions_key in ("tls_versions",):
        for version in expect.get(versions_key) or []:
            if version not in TLS_VERSIONS:
                raise CatalogueError(f"{where}: unknown TLS version {version!r}")


def _merge_expect(*layers: dict | None) -> dict:
    """Later layers win; a None value removes the key (it means "no assertion")."""
    merged: dict = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = copy.deepcopy(value)
    return merged


REPEAT = re.compile(r"\{repeat (\d{1,5}):([^}]*)\}")


def _txt_values(value: Any, domain: str) -> list[str]:
    """A TXT publishing key: null (nothing), one string, or a list of strings (several records).
    `{domain}` is the domain; `{repeat N:TEXT}` is TEXT N times (records near the 64 KiB limit).
    Characters U+DC80-U+DCFF (YAML "\\udcff") stand for the raw bytes 0x80-0xFF, which are not
    UTF-8 (Python's surrogateescape)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), str(v).replace("{domain}", domain)) for v in values]


def render_policy(policy: dict, line_ending: str = "\n") -> str:
    """Renders a policy mapping as an RFC 8461 policy file: `version` first, lists as repeated keys."""
    fields = {"version": "STSv1", **policy}
    lines = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"{key}: {item}")
    return line_ending.join(lines) + line_ending


def pad_policy(body: str, size: int, line_ending: str) -> str:
    """The policy followed by extension lines (which receivers ignore) up to `size` bytes."""
    lines, number = [body], 0
    total = len(body.encode())
    while total < size:
        line = f"x-padding-{number}: {'p' * 200}{line_ending}"
        lines.append(line)
        total += len(line)
        number += 1
    return "".join(lines)


def load_raw(path: Path) -> dict:
    with open(path) as stream:
        raw = yaml.safe_load(stream)
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise CatalogueError(f"{path}: expected a mapping with version: 1")
    return raw


# ------------------------------------------------------------------ resolution

class _Resolver:
    def __init__(self, raw: dict):
        self.raw = raw
        self.defaults = _check_keys("defaults", raw.get("defaults"),
                                    {"spf", "dmarc", "tls_rpt", "dkim_selectors", "expect", "host_expect"})
        _check_expect("defaults.expect", self.defaults.get("expect") or {}, DOMAIN_EXPECT)
        _check_expect("defaults.host_expect", self.defaults.get("host_expect") or {}, HOST_EXPECT)
        self.root = Zone(name="", parent=None, signing="ecdsa", denial="nsec", fault=None,
                         server="root", name_servers=(addresses.ROOT_SERVER_NAME,), security="secure")
        self.tlds: dict[str, Zone] = {}
        for tld, spec in (raw.get("tlds") or {}).items():
            spec = _check_keys(f"tlds.{tld}", spec, ZONE_KEYS)
            signing = spec.get("signing", "ecdsa")
            self.tlds[tld] = Zone(name=tld, parent="", signing=signing, denial=spec.get("denial", "nsec"),
                                  fault=None, server="tld",
                                  name_servers=(f"{addresses.TLD_SERVER_LABEL}.{tld}",),
                                  security="secure" if signing != "none" else "insecure")
        self.domains: dict[str, Domain] = {}
        self.hosts: dict[str, Host] = {}
        self.raw_hosts: dict[str, dict] = {}
        self.taken_addresses: set[str] = set()

    # -- zones ---------------------------------------------------------------

    def _zone_for_domain(self, name: str, spec: dict, scaled: bool) -> Zone:
        tld = name.rsplit(".", 1)[-1]
        if tld not in self.tlds or "." not in name:
            raise CatalogueError(f"{name}: must be a second-level name under one of {sorted(self.tlds)}")
        parent = self.tlds[tld]
        spec = _check_keys(f"{name}.zone", spec, ZONE_KEYS)
        signing = spec.get("signing", "ecdsa" if parent.signed else "none")
        fault = spec.get("fault")
        if signing not in {"none", "ecdsa", "rsa"}:
            raise CatalogueError(f"{name}.zone.signing: {signing!r}")
        if fault not in {None, "expired_signatures", "ds_mismatch"}:
            raise CatalogueError(f"{name}.zone.fault: {fault!r}")
        if fault and not (signing != "none" and parent.security == "secure"):
            raise CatalogueError(f"{name}: a DNSSEC fault needs a signed zone below a secure parent")
        if fault:
            security = "bogus"
        elif signing != "none" and parent.security == "secure":
            security = "secure"
        else:
            security = "insecure"
        return Zone(name=name, parent=tld, signing=signing, denial=spec.get("denial", "nsec"), fault=fault,
                    server="fleet" if scaled else "domains",
                    name_servers=addresses.FLEET_ZONE_NS if scaled else addresses.SCENARIO_ZONE_NS,
                    security=security)

    def _enclosing_domain(self, name: str) -> str | None:
        labels = name.split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in self.domains:
                return candidate
        return None

    # -- domains -------------------------------------------------------------

    def add_domain(self, name: str, spec: dict, *, scaled: bool = False) -> None:
        where = f"domains.{name}"
        spec = _check_keys(where, spec, DOMAIN_KEYS)
        if name in self.domains:
            raise CatalogueError(f"{where}: defined twice")
        role = spec.get("role", "mail")
        if role not in ROLES:
            raise CatalogueError(f"{where}.role: {role!r}")
        if (role == "hostile") != name.startswith("hostile-"):
            raise CatalogueError(f"{where}: hostile domains, and only they, are named hostile-*")
        if spec.get("dns_fault") not in DNS_FAULTS | {None} or (spec.get("dns_fault") and role != "hostile"):
            raise CatalogueError(f"{where}.dns_fault: {spec.get('dns_fault')!r} (one of {sorted(DNS_FAULTS)}, hostile domains only)")
        own_expect = spec.get("expect") or {}
        _check_expect(where + ".expect", own_expect, DOMAIN_EXPECT)
        if bool(spec.get("dns_fault")) != ("resolver_answer" in own_expect):
            raise CatalogueError(f"{where}: dns_fault and expect resolver_answer go together")
        if role in CHECKED_ROLES:
            for key, needed in OVERRIDE_NEEDS_EXPECT.items():
                if key in spec and any(n not in own_expect for n in needed):
                    raise CatalogueError(f"{where}: overrides {key!r}, so its expect must state {needed}")
        zone = self._zone_for_domain(name, spec.get("zone"), scaled)

        # A drift domain publishes what a mail domain does; only a provider zone publishes nothing.
        defaults = self.defaults if role != "provider" else {}
        mx = []
        for entry in spec.get("mx") or []:
            preference, _, exchange = str(entry).partition(" ")
            mx.append((int(preference), exchange.strip().rstrip(".") or "."))
        domain = Domain(
            name=name, about=str(spec.get("about", "")).strip(), role=role, zone=zone, mx=mx, hosts=[],
            mta_sts=None,
            spf=_txt_values(spec.get("spf", defaults.get("spf")), name),
            dmarc=_txt_values(spec.get("dmarc", defaults.get("dmarc")), name),
            tls_rpt=_txt_values(spec.get("tls_rpt", defaults.get("tls_rpt")), name),
            dkim_selectors=list(spec.get("dkim_selectors", defaults.get("dkim_selectors", [])) or []),
            records=list(spec.get("records") or []),
            expect=own_expect, scaled=scaled, kind=spec.get("kind"),
            txt_records={owner: _txt_values(values, name)
                         for owner, values in (spec.get("txt_records") or {}).items()},
            dns_fault=spec.get("dns_fault"),
        )
        self.domains[name] = domain
        if spec.get("mta_sts") is not None:
            domain.mta_sts = self._mta_sts(name, spec["mta_sts"], scaled)
        for host_name, host_spec in (spec.get("hosts") or {}).items():
            if not (host_name == name or host_name.endswith("." + name)):
                raise CatalogueError(f"{where}.hosts: {host_name} is not inside {name}")
            self.raw_hosts[host_name] = _check_keys(f"{where}.hosts.{host_name}", host_spec, HOST_KEYS)
            domain.hosts.append(host_name)

    def _mta_sts(self, domain: str, spec: dict, scaled: bool) -> MtaSts:
        where = f"domains.{domain}.mta_sts"
        spec = _check_keys(where, spec, MTA_STS_KEYS)
        http = _check_keys(where + ".http", spec.get("http"), HTTP_KEYS)
        if "txt" in spec:
            txt = _txt_values(spec["txt"], domain)
        elif "id" in spec:
            txt = [f"v=STSv1; id={spec['id']};"]
        else:
            raise CatalogueError(f"{where}: needs `id` or `txt`")
        line_ending = {"lf": "\n", "crlf": "\r\n"}[spec.get("line_ending", "lf")]
        if "body" in spec:
            body = str(spec["body"]).replace("\n", line_ending)
        elif "policy" in spec:
            body = render_policy(spec["policy"], line_ending)
        else:
            body = None
        if spec.get("pad_to") and body is not None:
            body = pad_policy(body, int(spec["pad_to"]), line_ending)
        stream = http.get("stream")
        if stream not in HTTP_STREAMS | {None} or (stream and (body is not None or "status" in http or "redirect" in http)):
            raise CatalogueError(f"{where}.http.stream: {stream!r} (one of {sorted(HTTP_STREAMS)}, "
                                 "without a policy, body, status or redirect)")
        status = int(http.get("status", 200 if body is not None or stream else 404))
        redirect = http.get("redirect")
        cert = spec.get("cert", "valid")
        if cert not in {"valid", "expired", "wrong_name", "self_signed", "hostile_text"}:
            raise CatalogueError(f"{where}.cert: {cert!r}")
        return MtaSts(txt=txt, body=body, status=301 if redirect else status,
                      content_type=http.get("content_type", "text/plain"), redirect=redirect, cert=cert,
                      address=addresses.HTTPS_FLEET if scaled else addresses.HTTPS_SCENARIOS, stream=stream)

    # -- hosts ---------------------------------------------------------------

    def resolve_hosts(self, pool_for) -> None:
        """Creates the Host objects. `pool_for(host_name)` returns the AddressPool to draw from."""
        for spec in self.raw_hosts.values():
            if spec.get("address"):
                self.taken_addresses.add(spec["address"])
        for name, spec in self.raw_hosts.items():
            zone_domain = self._enclosing_domain(name)
            smtp_spec = _check_keys(f"hosts.{name}.smtp", spec.get("smtp"), SMTP_KEYS)
            smtp = SmtpServer(
                server=smtp_spec.get("server", "postfix"),
                starttls=bool(smtp_spec.get("starttls", True)),
                protocols=tuple(smtp_spec.get("protocols", SmtpServer.protocols)),
                ciphers=smtp_spec.get("ciphers"),
                behaviour=smtp_spec.get("behaviour"),
                delay=smtp_spec.get("delay"),
            )
            if smtp.server not in {"postfix", "responder"}:
                raise CatalogueError(f"hosts.{name}.smtp.server: {smtp.server!r}")
            if (smtp.server == "responder") != bool(smtp.behaviour):
                raise CatalogueError(f"hosts.{name}: the responder needs a behaviour, Postfix takes none")
            cname = spec.get("cname")
            address = None
            if not cname:
                address = spec.get("address") or pool_for(name).next()
                if not addresses.in_testbed_network(address):
                    raise CatalogueError(f"hosts.{name}: {address} is outside {addresses.TESTBED_NETWORK}")
            cert = spec.get("cert", "valid")
            if cert not in {"valid", "expired", "wrong_name", "self_signed", "private_ca", "hostile_text"}:
                raise CatalogueError(f"hosts.{name}.cert: {cert!r}")
            tlsa = [str(t) for t in spec.get("tlsa") or []]
            for record in tlsa:
                parts = record.split()
                if len(parts) not in (3, 4) or not all(p.isdigit() for p in parts[:3]):
                    raise CatalogueError(f"hosts.{name}.tlsa: {record!r} is not 'U S M [hex]'")
            self.hosts[name] = Host(
                name=name, zone=zone_domain, address=address, cname=cname, smtp=smtp, cert=cert,
                key=spec.get("key", "ec"), tlsa=tlsa, tlsa_fault=spec.get("tlsa_fault"),
                scaled=self.domains[zone_domain].scaled,
            )
        for name, host in self.hosts.items():
            if host.cname and host.cname not in self.hosts:
                raise CatalogueError(f"hosts.{name}: CNAME target {host.cname} is not a catalogue host")

    # -- expectations ----------------------------------------------------------

    def host_expect(self, name: str) -> dict:
        host = self.hosts[name]
        if host.cname:
            target = self.host_expect(host.cname)
            return {**target, "cname_target": host.cname}
        spec = self.raw_hosts[name]
        own = spec.get("expect") or {}
        _check_expect(f"hosts.{name}.expect", own, HOST_EXPECT)
        if host.tlsa and not {"tlsa", "dane"} <= set(own):
            raise CatalogueError(f"hosts.{name}: publishes TLSA, so its expect must state tlsa and dane")
        if host.cert != "valid" and "webpki" not in own:
            raise CatalogueError(f"hosts.{name}: cert {host.cert}, so its expect must state webpki")
        derived = {"dnssec": self.domains[host.zone].zone.security}
        return _merge_expect(self.defaults.get("host_expect"), derived, own)

    def complete_expectations(self) -> None:
        for domain in self.domains.values():
            if domain.role not in CHECKED_ROLES:
                domain.expect = {}
                continue
            own = domain.expect
            if own.get("dnssec") == "bogus":
                # A validating resolver answers SERVFAIL for everything in a bogus zone: nothing
                # but the failure itself can be observed, so no defaults are implied.
                domain.expect = _merge_expect(own)
                continue
            expect = _merge_expect(self.defaults.get("expect"), {"dnssec": domain.zone.security}, own)
            if "mx_hosts" not in own:
                exchanges = [(p, x) for p, x in domain.mx if x != "."]
                if not domain.mx and domain.name in self.hosts:
                    exchanges = [(0, domain.name)]   # implicit MX: the domain itself, preference 0
                mx_hosts = []
                for preference, exchange in sorted(exchanges):
                    if exchange not in self.hosts:
                        raise CatalogueError(f"{domain.name}: MX {exchange} is not a catalogue host")
                    mx_hosts.append({"name": exchange, "preference": preference, **self.host_expect(exchange)})
                expect["mx_hosts"] = mx_hosts
            domain.expect = expect


def resolve(raw: dict, fleet: dict | None = None) -> World:
    """Builds the world from the catalogue and, optionally, the generated fleet (scale.py)."""
    resolver = _Resolver(raw)
    for name, spec in (raw.get("domains") or {}).items():
        resolver.add_domain(name, spec)
    fleet = fleet or {"domains": {}, "clients": [], "scale": 0}
    for name, spec in fleet["domains"].items():
        resolver.add_domain(name, spec, scaled=True)

    scenario_pool = addresses.AddressPool(addresses.MX_SCENARIOS, resolver.taken_addresses)
    fleet_pool = addresses.AddressPool(addresses.SCALED_PROVIDERS, resolver.taken_addresses)
    resolver.resolve_hosts(
        lambda host: fleet_pool if resolver.domains[resolver._enclosing_domain(host)].scaled else scenario_pool)
    resolver.complete_expectations()
    return World(tlds=resolver.tlds, root=resolver.root, domains=resolver.domains, hosts=resolver.hosts,
                 scale=fleet["scale"], fleet_clients=fleet["clients"])


POLICY_EXCERPT = 4096


def json_safe(value: Any) -> Any:
    """Strings with raw bytes (surrogateescape) as `\\xff` text: JSON parsers refuse lone surrogates."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    return value


def to_json(world: World) -> dict:
    """The resolved catalogue written to <state>/catalogue.json for the tests and the demo.

    Hostile domains are listed under `hostile`, apart from `domains`, in the same shape."""
    domains, hostile = [], []
    for domain in world.domains.values():
        entry: dict[str, Any] = {
            "name": domain.name, "about": domain.about, "role": domain.role, "scaled": domain.scaled,
            "zone": {"signing": domain.zone.signing, "denial": domain.zone.denial,
                     "fault": domain.zone.fault, "security": domain.zone.security},
            "mx": [{"preference": p, "exchange": x} for p, x in domain.mx],
            "hosts": domain.hosts,
            "records": {"spf": domain.spf, "dmarc": domain.dmarc, "tls_rpt": domain.tls_rpt,
                        "dkim_selectors": domain.dkim_selectors},
            "expect": domain.expect,
        }
        if domain.kind:
            entry["kind"] = domain.kind
        if domain.role == "hostile":
            entry["records"]["txt"] = domain.txt_records
            entry["dns_fault"] = domain.dns_fault
        if domain.mta_sts:
            m = domain.mta_sts
            entry["mta_sts"] = {"txt": m.txt, "host": f"mta-sts.{domain.name}", "address": m.address,
                                "status": m.status, "content_type": m.content_type,
                                "redirect": m.redirect, "cert": m.cert, "policy": m.body}
            if m.body is not None and len(m.body) > POLICY_EXCERPT:
                # A padded policy (`pad_to`) is kept to its beginning and its size.
                entry["mta_sts"].update(policy=m.body[:POLICY_EXCERPT], policy_bytes=len(m.body.encode("utf-8", "surrogateescape")))
            if m.stream:
                entry["mta_sts"]["stream"] = m.stream
        (hostile if domain.role == "hostile" else domains).append(json_safe(entry))
    hosts = {}
    for host in world.hosts.values():
        hosts[host.name] = {
            "address": host.address, "cname": host.cname, "zone": host.zone, "server": host.smtp.server,
            "behaviour": host.smtp.behaviour, "cert": host.cert, "key": host.key, "tlsa": host.tlsa,
            "scaled": host.scaled,
        }
    return {
        "version": 1,
        "resolver": addresses.RESOLVER,
        "hostile_resolver": addresses.HOSTILE_RESOLVER,
        "scale": world.scale,
        "tlds": {name: {"signing": z.signing, "denial": z.denial, "security": z.security}
                 for name, z in world.tlds.items()},
        "domains": domains,
        "hostile": hostile,
        "hosts": hosts,
    }


def write_json(world: World, path: Path) -> None:
    path.write_text(json.dumps(to_json(world), indent=1) + "\n")
