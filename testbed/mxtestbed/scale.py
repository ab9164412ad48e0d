"""`up --scale N`: N generated domains shaped like a managed-service provider's fleet.

Most domains sit on two shared provider MX hosts each - a DNSSEC-signed provider with DANE
(securehost.fleet) and an unsigned one (bulkhost.fleet) - and a minority run their own MX host
(mx.<domain>) on a pool of 120 shared addresses, so the Postfix listener count stays bounded.
Every domain is its own zone delegated from .fleet, with a DS record when it is signed.

Each domain is drawn from one of the catalogue's scenario kinds (PROFILES) and carries the same
kind of `expect` block as scenarios.yaml. Domain i is the same for every N (its kind and name
depend on i only), so `--scale 100` is a prefix of `--scale 10000`. The domains are grouped into
clients of 20 for <state>/scale-inventory.yaml.
"""
from __future__ import annotations

import hashlib
import ipaddress

from . import addresses

DOMAINS_PER_CLIENT = 20
OWN_MX_LISTENERS = 120

ADJECTIVES = ["amber", "bold", "brisk", "cedar", "clear", "coral", "crimson", "dawn", "eager", "ember",
              "fair", "fern", "golden", "granite", "hazel", "ivory", "jade", "keen", "lunar", "maple",
              "noble", "oak", "opal", "polar", "quiet", "rapid", "silver", "solar", "swift", "true"]
NOUNS = ["anchor", "bakery", "bridge", "canyon", "castle", "clinic", "dental", "foundry", "garden", "harbor",
         "haulage", "insure", "kitchen", "ledger", "lumber", "marine", "meadow", "mill", "optics", "orchard",
         "pharma", "pixel", "quarry", "records", "robotics", "signal", "studio", "textile", "transit", "vineyard"]
SUFFIXES = ["", "-shop", "-mail", "-group", "-online", "-eu", "-de", "-nl", "-cloud", "-app", "-store",
            "-news", "-events", "-jobs", "-support", "-labs", "-media", "-portal", "-partners", "-archive"]
RULESETS = [["mta-sts-baseline"], ["bsi-tr-03108"], ["nl-comply-or-explain"], ["mta-sts-baseline", "bsi-tr-03108"]]

PROVIDERS = {
    "securehost.fleet": {
        "about": "Signed fleet provider: two MX hosts with DANE-EE, shared by most signed fleet domains.",
        "role": "provider",
        "hosts": {f"mx{i}.securehost.fleet": {"tlsa": ["3 1 1"], "expect": {"tlsa": "present", "dane": "valid"}}
                  for i in (1, 2)},
    },
    "bulkhost.fleet": {
        "about": "Unsigned fleet provider: two MX hosts without DNSSEC, shared by most unsigned fleet domains.",
        "role": "provider",
        "zone": {"signing": "none"},
        "hosts": {f"mx{i}.bulkhost.fleet": {} for i in (1, 2)},
    },
}
SECURE_MX = ["10 mx1.securehost.fleet", "20 mx2.securehost.fleet"]
BULK_MX = ["10 mx1.bulkhost.fleet", "20 mx2.bulkhost.fleet"]


def _sts(domain: str, mode: str, patterns: list[str]) -> dict:
    serial = int(hashlib.sha256(domain.encode()).hexdigest()[:8], 16) % 10**8
    return {"id": f"{serial:08d}", "policy": {"mode": mode, "mx": patterns, "max_age": 604800}}


def _provider_dane(domain: str, variant: int, own_address: str) -> dict:
    entry = {"mx": SECURE_MX, "expect": {"dnssec": "secure", "mx": "explicit"}}
    if variant % 3:
        entry["mta_sts"] = _sts(domain, "enforce", ["*.securehost.fleet"])
        entry["expect"].update(mta_sts_txt="valid", mta_sts_policy="valid", mta_sts_mode="enforce")
    return entry


def _provider_sts(domain: str, variant: int, own_address: str) -> dict:
    mode = "testing" if variant % 4 == 0 else "enforce"
    return {"zone": {"signing": "none"}, "mx": BULK_MX, "mta_sts": _sts(domain, mode, ["*.bulkhost.fleet"]),
            "expect": {"dnssec": "insecure", "mx": "explicit", "mta_sts_txt": "valid", "mta_sts_policy": "valid",
                       "mta_sts_mode": mode}}


def _provider_plain(domain: str, variant: int, own_address: str) -> dict:
    return {"zone": {"signing": "none"}, "mx": BULK_MX, "spf": "v=spf1 mx ~all",
            "dmarc": "v=DMARC1; p=none", "tls_rpt": None, "dkim_selectors": [],
            "expect": {"dnssec": "insecure", "mx": "explicit", "spf": "softfail", "dmarc": "none",
                       "tls_rpt": "missing", "dkim_domainkey": "absent"}}


def _own_mx_dane(domain: str, variant: int, own_address: str) -> dict:
    host = f"mx.{domain}"
    entry = {"mx": [f"10 {host}"],
             "hosts": {host: {"address": own_address, "tlsa": ["3 1 1"],
                              "expect": {"tlsa": "present", "dane": "valid"}}},
             "expect": {"dnssec": "secure", "mx": "explicit"}}
    if variant % 2:
        entry["mta_sts"] = _sts(domain, "enforce", [host])
        entry["expect"].update(mta_sts_txt="valid", mta_sts_policy="valid", mta_sts_mode="enforce")
    return entry


def _own_mx_plain(domain: str, variant: int, own_address: str) -> dict:
    host = f"mx.{domain}"
    return {"zone": {"signing": "none"}, "mx": [f"10 {host}"], "hosts": {host: {"address": own_address}},
            "spf": "v=spf1 mx ~all",
            "expect": {"dnssec": "insecure", "mx": "explicit", "spf": "softfail"}}


def _sts_policy_404(domain: str, variant: int, own_address: str) -> dict:
    return {"zone": {"signing": "none"}, "mx": BULK_MX, "mta_sts": {"id": "20240101"},
            "expect": {"dnssec": "insecure", "mx": "explicit", "mta_sts_txt": "valid", "mta_sts_policy": "http_404"}}


def _null_mx(domain: str, variant: int, own_address: str) -> dict:
    return {"mx": ["0 ."], "spf": "v=spf1 -all", "tls_rpt": None, "dkim_selectors": [],
            "expect": {"dnssec": "secure", "mx": "null", "spf": "hardfail", "tls_rpt": "missing",
                       "dkim_domainkey": "absent"}}


def _dmarc_missing(domain: str, variant: int, own_address: str) -> dict:
    return {"mx": SECURE_MX, "dmarc": None, "expect": {"dnssec": "secure", "mx": "explicit", "dmarc": "missing"}}


# (weight in percent, kind, builder) - the kinds are scenarios of testbed/scenarios.yaml.
PROFILES = [
    (30, "provider-dane", _provider_dane),
    (30, "provider-sts", _provider_sts),
    (15, "provider-plain", _provider_plain),
    (10, "own-mx-dane", _own_mx_dane),
    (7, "own-mx-plain", _own_mx_plain),
    (3, "sts-policy-404", _sts_policy_404),
    (3, "null-mx", _null_mx),
    (2, "dmarc-missing", _dmarc_missing),
]
assert sum(w for w, _, _ in PROFILES) == 100


def client_slug(index: int) -> str:
    adjective = ADJECTIVES[index % len(ADJECTIVES)]
    noun = NOUNS[(index // len(ADJECTIVES)) % len(NOUNS)]
    cycle = index // (len(ADJECTIVES) * len(NOUNS))
    return f"{adjective}-{noun}" + (f"{cycle + 1}" if cycle else "")


def _profile_for(i: int):
    roll = int(hashlib.sha256(f"fleet-domain-{i}".encode()).hexdigest()[:8], 16) % 100
    for weight, kind, builder in PROFILES:
        if roll < weight:
            return kind, builder, roll
        roll -= weight
    raise AssertionError


def own_mx_address(i: int) -> str:
    base = ipaddress.ip_address(str(addresses.SCALED_OWN_MX.network_address))
    return str(base + 10 + i % OWN_MX_LISTENERS)


def generate_fleet(n: int) -> dict:
    """Returns {"domains": name -> catalogue entry, "clients": inventory clients, "scale": n}."""
    domains: dict[str, dict] = {name: dict(spec) for name, spec in PROVIDERS.items()}
    clients: list[dict] = []
    for i in range(n):
        client_index, position = divmod(i, DOMAINS_PER_CLIENT)
        slug = client_slug(client_index)
        name = f"{slug}{SUFFIXES[position]}.fleet"
        kind, builder, variant = _profile_for(i)
        entry = builder(name, variant, own_mx_address(i))
        entry["about"] = f"Fleet domain {i} of client {slug} ({kind})."
        entry["kind"] = kind
        domains[name] = entry
        if position == 0:
            clients.append({
                "id": slug, "name": slug.replace("-", " ").title(),
                "rulesets": list(RULESETS[client_index % len(RULESETS)]),
                "contacts": [f"it@{name}"], "tags": ["fleet"], "domains": [],
            })
        clients[-1]["domains"].append(name)
    return {"domains": domains, "clients": clients, "scale": n}
