"""The resolved world: what the generators and the self-check work from.

`catalogue.resolve()` turns scenarios.yaml (plus, with --scale, the generated fleet) into these
objects: every name placed in its zone, every host given an address, every `expect` block
completed from the defaults.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Zone:
    name: str                  # "" is the root; otherwise without trailing dot
    parent: str | None         # None for the root
    signing: str               # none | ecdsa | rsa
    denial: str                # nsec | nsec3
    fault: str | None          # None | expired_signatures | ds_mismatch
    server: str                # NSD instance: root | tld | domains | fleet
    name_servers: tuple[str, ...]
    security: str = "insecure"  # secure | insecure | bogus (what a validating resolver concludes)

    @property
    def signed(self) -> bool:
        return self.signing != "none"

    @property
    def fqdn(self) -> str:
        return self.name + "." if self.name else "."


@dataclass
class SmtpServer:
    server: str = "postfix"     # postfix | responder
    starttls: bool = True
    protocols: tuple[str, ...] = ("TLSv1.2", "TLSv1.3")
    ciphers: str | None = None  # OpenSSL cipher list for TLS <= 1.2
    behaviour: str | None = None  # responder behaviour (responder.BEHAVIOURS)
    delay: float | None = None    # responder parameter (seconds)


@dataclass
class Host:
    name: str
    zone: str
    address: str | None         # None for a CNAME
    cname: str | None
    smtp: SmtpServer
    cert: str                   # valid | expired | wrong_name | self_signed | private_ca | hostile_text
    key: str                    # ec | rsa
    tlsa: list[str]             # "U S M" (computed) or "U S M hexdata" (literal)
    tlsa_fault: str | None      # None | bad_signature
    scaled: bool = False


@dataclass
class MtaSts:
    txt: list[str]              # TXT records at _mta-sts.<domain>
    body: str | None            # the policy file; None: nothing to serve
    status: int                 # HTTP status for /.well-known/mta-sts.txt
    content_type: str
    redirect: str | None        # path the policy URL redirects to (301)
    cert: str                   # valid | expired | wrong_name | self_signed | hostile_text
    address: str                # where mta-sts.<domain> points
    stream: str | None = None   # endless | trickle: the body comes from httpstream, never ends


@dataclass
class Domain:
    name: str
    about: str
    role: str                   # mail | provider | drift | hostile
    zone: Zone
    mx: list[tuple[int, str]]   # (preference, exchange); exchange "." is a null MX
    hosts: list[str]            # hosts defined in this domain's zone
    mta_sts: MtaSts | None
    spf: list[str]
    dmarc: list[str]
    tls_rpt: list[str]
    dkim_selectors: list[str]
    records: list[str]          # extra zone-file lines, relative to the zone
    expect: dict
    scaled: bool = False
    kind: str | None = None     # scaled world: the profile the domain was drawn from
    txt_records: dict[str, list[str]] = field(default_factory=dict)  # relative owner -> TXT values
    dns_fault: str | None = None  # what the hostile resolver does to names at or below the domain


@dataclass
class World:
    tlds: dict[str, Zone]
    root: Zone
    domains: dict[str, Domain]
    hosts: dict[str, Host]
    scale: int = 0
    fleet_clients: list[dict] = field(default_factory=list)

    def zones(self) -> list[Zone]:
        return [self.root, *self.tlds.values(), *(d.zone for d in self.domains.values())]

    def listeners(self) -> dict[str, list[Host]]:
        """SMTP listener address -> the hosts whose name resolves to it (several in the fleet)."""
        by_address: dict[str, list[Host]] = {}
        for host in self.hosts.values():
            if host.address:
                by_address.setdefault(host.address, []).append(host)
        return by_address
