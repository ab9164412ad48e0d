"""Renders the unsigned zone files (root, TLDs, domain zones) from the resolved world.

Record data that depends on certificates (TLSA) comes from `certs`; DS records come from the
child zones' keys (`dnssec`). The output is plain RFC 1035 zone-file text that ldns-signzone
signs and NSD serves.
"""
from __future__ import annotations

import base64
import hashlib
from typing import Callable, Iterable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import addresses
from .model import Domain, World, Zone

TTL = 300
NEGATIVE_TTL = 60   # SOA minimum: short, so that a regenerated world is seen quickly
SOA_TIMERS = f"3600 600 604800 {NEGATIVE_TTL}"   # refresh retry expire minimum


def _character_string(data: bytes) -> str:
    """One quoted zone-file character-string: printable ASCII as is (`"` and `\\` escaped),
    every other byte (control characters, NUL, UTF-8, raw bytes) as \\DDD."""
    out = []
    for byte in data:
        if byte in b'"\\':
            out.append("\\" + chr(byte))
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def txt_rdata(value: str | list[str]) -> str:
    """TXT rdata: one string is split into <=255-byte chunks; a list is published as given.
    Text is UTF-8; surrogate-escaped characters (catalogue._txt_values) become their raw bytes."""
    encode = lambda text: text.encode("utf-8", "surrogateescape")
    if isinstance(value, list):
        chunks = [encode(v) for v in value]
    else:
        data = encode(value)
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return " ".join(_character_string(c) for c in chunks)


def dkim_record(domain: str, selector: str) -> str:
    """A stable Ed25519 DKIM key record (RFC 8463); the seed is derived from the names."""
    seed = hashlib.sha256(f"mxaudit-testbed-dkim:{selector}:{domain}".encode()).digest()
    public = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"v=DKIM1; k=ed25519; p={base64.b64encode(public).decode()}"


def _relative(name: str, origin: str) -> str:
    if name == origin:
        return "@"
    if origin and name.endswith("." + origin):
        return name[: -len(origin) - 1]
    return name + "."


def _header(zone: Zone, primary_ns: str, serial: int) -> list[str]:
    origin = zone.fqdn
    contact = f"hostmaster.{zone.name}." if zone.name else "hostmaster.root-servers."
    lines = [f"$ORIGIN {origin}", f"$TTL {TTL}",
             f"@ IN SOA {primary_ns}. {contact} {serial} {SOA_TIMERS}"]
    lines += [f"@ IN NS {ns}." for ns in zone.name_servers]
    return lines


def render_root(world: World, ds_for: Callable[[Zone], list[str]], serial: int) -> str:
    lines = _header(world.root, addresses.ROOT_SERVER_NAME, serial)
    lines.append(f"{addresses.ROOT_SERVER_NAME}. IN A {addresses.NSD_ROOT}")
    for tld in world.tlds.values():
        ns = f"{addresses.TLD_SERVER_LABEL}.{tld.name}"
        lines += [f"{tld.name}. IN NS {ns}.", f"{ns}. IN A {addresses.NSD_TLD}"]
        lines += ds_for(tld)
    return "\n".join(lines) + "\n"


def render_tld(world: World, tld: Zone, ds_for: Callable[[Zone], list[str]], serial: int) -> str:
    lines = _header(tld, f"{addresses.TLD_SERVER_LABEL}.{tld.name}", serial)
    lines.append(f"{addresses.TLD_SERVER_LABEL} IN A {addresses.NSD_TLD}")
    for ns_name, address in addresses.NAME_SERVERS.items():
        if ns_name.endswith("." + tld.name):
            lines.append(f"{_relative(ns_name, tld.name)} IN A {address}")
    for domain in world.domains.values():
        if domain.zone.parent != tld.name:
            continue
        label = _relative(domain.name, tld.name)
        lines += [f"{label} IN NS {ns}." for ns in domain.zone.name_servers]
        lines += ds_for(domain.zone)
    return "\n".join(lines) + "\n"


def render_domain(world: World, domain: Domain, tlsa_for: Callable[[str, str], str], serial: int) -> str:
    """`tlsa_for(host, "U S M")` returns the TLSA rdata computed from the host's certificate."""
    name = domain.name
    lines = _header(domain.zone, domain.zone.name_servers[0], serial)
    rel = lambda owner: _relative(owner, name)
    for preference, exchange in domain.mx:
        lines.append(f"@ IN MX {preference} {exchange if exchange == '.' else exchange + '.'}")
    lines += [f"@ IN TXT {txt_rdata(v)}" for v in domain.spf]
    lines += [f"_dmarc IN TXT {txt_rdata(v)}" for v in domain.dmarc]
    lines += [f"_smtp._tls IN TXT {txt_rdata(v)}" for v in domain.tls_rpt]
    lines += [f"{s}._domainkey IN TXT {txt_rdata(dkim_record(name, s))}" for s in domain.dkim_selectors]
    for owner, values in domain.txt_records.items():
        lines += [f"{owner} IN TXT {txt_rdata(v)}" for v in values]
    if domain.mta_sts:
        lines += [f"_mta-sts IN TXT {txt_rdata(v)}" for v in domain.mta_sts.txt]
        lines.append(f"mta-sts IN A {domain.mta_sts.address}")
    for host_name in domain.hosts:
        host = world.hosts[host_name]
        if host.cname:
            lines.append(f"{rel(host_name)} IN CNAME {host.cname}.")
        else:
            lines.append(f"{rel(host_name)} IN A {host.address}")
        for spec in host.tlsa:
            parts = spec.split()
            rdata = spec if len(parts) == 4 else tlsa_for(host_name, spec)
            lines.append(f"_25._tcp.{rel(host_name)} IN TLSA {rdata}")
    lines += list(domain.records)
    return "\n".join(lines) + "\n"


def ds_lines(records: Iterable[str]) -> list[str]:
    """ldns writes `name.\tIN\tDS\t...`; keep them as absolute owner names."""
    return [r.replace("\t", " ") for r in records]
