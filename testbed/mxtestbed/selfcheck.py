"""`scripts/testbed check`: proves with plain tools (dig, openssl s_client -starttls smtp,
curl --resolve) - never mxaudit - that the running world serves what catalogue.json's `expect`
blocks say.

Every `expect` key that these tools can observe is checked; each check prints one line when it
fails (all lines with -v) and the last line is `N passed, N failed`. Exit 0 only when nothing
failed, 3 when the testbed is not up.

The interpretations the check applies (e.g. what counts as a valid TXT record) are the ones
documented for the `expect` vocabulary in docs/testbed.md.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import re
import subprocess
import threading
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import addresses, lifecycle, probes, unbound
from .paths import REPO_ROOT, StateDir

MAX_AGE_LIMIT = 31557600
POLICY_LIMIT = 65536   # RFC 8461 gives none; 64 KiB is mxaudit's bound (and a generous one)
STS_ID = re.compile(r"^v=STSv1;\s*id=[A-Za-z0-9]{1,32}\s*(;.*)?$")
TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
SPF_LOOKUP_LIMIT = 10
EXAMPLE_INVENTORY = REPO_ROOT / "examples" / "testbed-inventory.yaml"
CLIENT_ID = re.compile(r"^[a-z0-9-]+$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help="print passed checks too")
    parser.add_argument("--domain", action="append", default=[], metavar="NAME",
                        help="check only this domain (repeatable)")
    parser.add_argument("--sample", type=int, default=40, metavar="N",
                        help="scaled domains to check when the fleet is up (default 40; 0 for none)")
    parser.add_argument("--all", action="store_true", help="check every scaled domain")
    parser.add_argument("--jobs", type=int, default=12, help="probes run in parallel (default 12)")


@dataclass
class Outcome:
    subject: str
    key: str
    passed: bool
    expected: object
    actual: object
    detail: str = ""

    def line(self) -> str:
        verdict = "ok  " if self.passed else "FAIL"
        text = f"{verdict} {self.subject}: {self.key}: expected {self.expected!r}, got {self.actual!r}"
        return text + (f" ({self.detail})" if self.detail and not self.passed else "")


class Recorder:
    def __init__(self):
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()

    def compare(self, subject: str, key: str, expected, actual, detail: str = "") -> bool:
        passed = expected == actual
        with self._lock:
            self.outcomes.append(Outcome(subject, key, passed, expected, actual, detail))
        return passed


# ------------------------------------------------------------------ observations

def dnssec_state(answer: probes.DnsAnswer) -> str:
    if answer.status == "SERVFAIL":
        return "bogus"
    if answer.status in ("NOERROR", "NXDOMAIN"):
        return "secure" if answer.authenticated else "insecure"
    return f"error ({answer.status})"


def classify_sts_txt(values: list[str]) -> str:
    sts = [v for v in values if v.startswith("v=STSv1")]
    if not sts:
        return "missing"
    if len(sts) > 1:
        return "multiple"
    return "valid" if STS_ID.match(sts[0]) else "syntax_error"


def parse_policy(body: bytes) -> tuple[dict[str, list[str]] | None, str]:
    """Parses an RFC 8461 policy: returns (fields, problem); problem is "" when the policy is valid."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8"
    fields: dict[str, list[str]] = {}
    for line in re.split(r"\r?\n", text):
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_-]+):[ \t]*(.*?)[ \t]*", line)
        if not match:
            return None, f"bad line {line!r}"
        fields.setdefault(match.group(1), []).append(match.group(2))
    first = lambda key: (fields.get(key) or [None])[0]
    if first("version") != "STSv1":
        return fields, "version is not STSv1"
    if first("mode") not in ("enforce", "testing", "none"):
        return fields, f"mode {first('mode')!r}"
    if first("mode") != "none" and not fields.get("mx"):
        return fields, "no mx"
    max_age = first("max_age")
    if max_age is None or not re.fullmatch(r"\d{1,10}", max_age):
        return fields, f"max_age {max_age!r}"
    if int(max_age) > MAX_AGE_LIMIT:
        return fields, "max_age out of range"
    return fields, ""


def mx_pattern_matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return host == pattern


def classify_spf(values: list[str]) -> tuple[str, str]:
    records = [v for v in values if v.lower().startswith("v=spf1 ") or v.lower() == "v=spf1"]
    if not records:
        return "missing", ""
    if len(records) > 1:
        return "multiple records", ""
    lookups = count_spf_lookups(records[0])
    if lookups > SPF_LOOKUP_LIMIT:
        return "too_many_lookups", f"{lookups} lookups"
    all_term = next((t for t in records[0].split()[1:] if t.lower().lstrip("+-~?") == "all"), None)
    qualifier = all_term[0] if all_term and all_term[0] in "+-~?" else "+"
    if all_term is None:
        return "weak", "no all mechanism"
    return {"-": "hardfail", "~": "softfail"}.get(qualifier, "weak"), f"{lookups} lookups"


def _spf_term(term: str) -> tuple[str, str, str | None]:
    """"include:x" -> ("include", ":", "x"); "-all" -> ("all", "", None)."""
    match = re.match(r"[+\-~?]?([A-Za-z0-9/]+)(?:([:=])(.*))?$", term)
    if not match:
        return term.lower(), "", None
    return match.group(1).lower(), match.group(2) or "", match.group(3)


@lru_cache(maxsize=None)
def _spf_record_of(name: str) -> str:
    values = [probes.txt_strings(r) for r in probes.dig(name, "TXT").rdata("TXT")]
    return next((v for v in values if v.lower().startswith("v=spf1")), "")


def count_spf_lookups(record: str, depth: int = 0) -> int:
    """DNS-querying terms (include, a, mx, ptr, exists, redirect), following include/redirect."""
    total = 0
    for term in record.split()[1:]:
        name, _, target = _spf_term(term)
        if name in ("a", "mx", "ptr", "exists") or name.startswith(("a/", "mx/")):
            total += 1
        elif name in ("include", "redirect") and target:
            total += 1
            if depth < 10:
                total += count_spf_lookups(_spf_record_of(target), depth + 1)
    return total


def classify_tls_rpt(values: list[str]) -> str:
    records = [v for v in values if v.startswith("v=TLSRPTv1")]
    if not records:
        return "missing"
    if len(records) > 1:
        return "invalid"
    tags = dict(t.strip().split("=", 1) for t in records[0].split(";") if "=" in t)
    uris = [u.strip() for u in tags.get("rua", "").split(",") if u.strip()]
    return "valid" if uris and all(u.startswith(("mailto:", "https:")) for u in uris) else "invalid"


def classify_dmarc(values: list[str]) -> str:
    records = [v for v in values if v.startswith("v=DMARC1")]
    if len(records) != 1:
        return "missing" if not records else "multiple records"
    tags = {k.strip(): v.strip() for k, v in (t.split("=", 1) for t in records[0].split(";") if "=" in t)}
    return tags.get("p", "no p tag")


# ------------------------------------------------------------------ per-host probing

@dataclass
class HostProbe:
    """Everything the plain tools observe about one MX host; probed once, used by every domain."""
    name: str
    tls_name: str
    address: str | None = None
    address_dnssec: str = ""
    cname_target: str | None = None
    tlsa_status: str = ""
    tlsa_secure: bool = False
    tlsa_records: list[str] | None = None
    starttls: str = ""
    banner_seconds: float = 0.0
    versions: list[str] | None = None
    webpki: str = ""
    dane: str = ""
    weak_cipher: bool | None = None
    notes: str = ""
    raw: probes.RawSmtp | None = None   # hostile servers only (HOSTILE_SMTP)


WEBPKI_ERRORS = [
    ("certificate has expired", "expired"),
    ("hostname mismatch", "wrong_name"),
    ("self-signed certificate in certificate chain", "untrusted"),
    ("self-signed certificate", "self_signed"),
    ("unable to get local issuer certificate", "untrusted"),
    ("unable to verify the first certificate", "untrusted"),
]


# Responder behaviours that are hostile on purpose: a raw socket observes them (probes.raw_smtp);
# a greeting at one byte per second would stall every plain tool, so that host gets nothing else.
HOSTILE_SMTP = {"banner_trickle", "tls_garbage", "ehlo_flood", "hostile_text", "hostile_reject"}
TRICKLE_WINDOW = 3.5   # seconds of a trickling greeting to watch


def probe_host(name: str, catalogue_address: str | None, ca_file: str, pool: ThreadPoolExecutor,
               behaviour: str | None = None) -> HostProbe:
    answer = probes.dig(name, "A")
    probe = HostProbe(name=name, tls_name=name, address_dnssec=dnssec_state(answer))
    cnames = [(o, r.rstrip(".").lower()) for o, t, r in answer.records if t == "CNAME"]
    if cnames:
        probe.cname_target = cnames[-1][1]
        probe.tls_name = probe.cname_target   # TLSA and names are looked for at the expanded name
    addresses_seen = answer.rdata("A") or probes.dig(name, "A", checking_disabled=True).rdata("A")
    probe.address = addresses_seen[0] if addresses_seen else None
    if probe.address != catalogue_address and catalogue_address:
        probe.notes = f"DNS says {probe.address}, catalogue says {catalogue_address}"

    tlsa = probes.dig(f"_25._tcp.{probe.tls_name}", "TLSA")
    probe.tlsa_records = tlsa.rdata("TLSA")
    if tlsa.status == "SERVFAIL":
        probe.tlsa_status = "bogus"
    elif not probe.tlsa_records:
        probe.tlsa_status = "absent" if tlsa.status in ("NXDOMAIN", "NOERROR") else f"error ({tlsa.status})"
    else:
        probe.tlsa_secure = tlsa.authenticated
        probe.tlsa_status = "present" if tlsa.authenticated else "insecure"
    if not probe.address:
        return probe
    if behaviour in HOSTILE_SMTP:
        window = TRICKLE_WINDOW if behaviour == "banner_trickle" else 8.0
        probe.raw = probes.raw_smtp(probe.address, greeting_window=window)
        if behaviour == "banner_trickle":
            probe.dane = "not_applicable" if probe.tlsa_status != "present" else "not probed (greeting trickles)"
            return probe

    # The SMTP dialogue and the TLS handshakes are independent: run them side by side, which
    # matters for the hosts that answer slowly. Every handshake also verifies against ca.pem
    # (a failed verification does not stop the handshake), so no separate WebPKI probe is needed.
    address, tls_name = probe.address, probe.tls_name
    dialogue_f = pool.submit(probes.smtp_dialogue, address)
    tls_f = {v: pool.submit(probes.starttls, address, tls_name, version=v, ca_file=ca_file) for v in TLS_VERSIONS}
    dane_f = (pool.submit(probes.starttls, address, tls_name, tlsa_rrdata=probe.tlsa_records)
              if probe.tlsa_status == "present" else None)

    handshakes = {v: f.result() for v, f in tls_f.items()}
    probe.versions = [v for v, r in handshakes.items() if r.established and r.protocol == v]
    dialogue = dialogue_f.result()
    probe.banner_seconds = dialogue.elapsed
    if dialogue.greeting.startswith("421"):
        probe.starttls = "busy_421"
    elif dialogue.greeting.startswith("5"):
        probe.starttls = "rejected"
    elif probe.raw and probe.raw.starttls_reply.startswith(b"220") and probe.raw.after_starttls:
        probe.starttls = "garbage_after_starttls"
    elif not dialogue.greeting.startswith("220"):
        probe.starttls = f"no greeting ({dialogue.greeting or dialogue.exit_code})"
    elif not dialogue.offers_starttls() and not (probe.raw and probe.raw.offers_starttls()):
        probe.starttls = "not_offered"
    elif probe.versions:
        probe.starttls = "offered"      # a handshake after STARTTLS succeeded
    else:
        refused = probes.smtp_dialogue(address, require_tls=True)
        probe.starttls = "refused" if any(l.startswith("454") for l in refused.server_lines) else "offered"

    if probe.versions:
        best = handshakes[probe.versions[-1]]
        probe.webpki = "valid" if best.verification == "OK" else next(
            (value for text, value in WEBPKI_ERRORS if text in best.verification), best.verification)
        probe.weak_cipher = "TLSv1.3" not in probe.versions and not probes.starttls(
            address, tls_name, version="TLSv1.2", cipher=probes.FORWARD_SECRET_AEAD).established
    if dane_f is not None:
        dane = dane_f.result()
        probe.dane = "valid" if dane.verification == "OK" and dane.dane_matched else "mismatch"
    else:
        probe.dane = "not_applicable"
    return probe


# ------------------------------------------------------------------ the check

class SelfCheck:
    def __init__(self, state: StateDir, catalogue: dict, jobs: int):
        self.state, self.catalogue = state, catalogue
        self.record = Recorder()
        self.ca_file = str(state.ca_file)
        self.hosts = catalogue["hosts"]
        # Two pools, so that a host probe waiting for its handshakes can never starve them.
        self.host_pool = ThreadPoolExecutor(max_workers=max(jobs, 2))
        self.probe_pool = ThreadPoolExecutor(max_workers=max(jobs, 2) * 3)
        self._host_probes: dict[str, object] = {}
        self._host_lock = threading.Lock()

    def host_probe(self, name: str) -> HostProbe:
        with self._host_lock:
            if name not in self._host_probes:
                entry = self.hosts.get(name) or {}
                address, cname = entry.get("address"), entry.get("cname")
                if cname:
                    entry = self.hosts[cname]
                    address = entry["address"]
                self._host_probes[name] = self.host_pool.submit(probe_host, name, address, self.ca_file,
                                                                self.probe_pool, entry.get("behaviour"))
            future = self._host_probes[name]
        return future.result()

    # -- world-wide checks -------------------------------------------------------

    def check_infrastructure(self) -> None:
        root = probes.dig(".", "SOA")
        self.record.compare("resolver", "root zone validates (AD)", "secure", dnssec_state(root))
        env = self.state.env_file.read_text() if self.state.env_file.exists() else ""
        for variable in ("MXAUDIT_RESOLVER", "MXAUDIT_HOSTILE_RESOLVER", "MXAUDIT_TRUST_ANCHOR", "MXAUDIT_CA_FILE",
                         "MXAUDIT_TESTBED_CATALOGUE"):
            self.record.compare("env", variable, True, f"{variable}=" in env)
        # The hostile resolver passes every other name through unchanged, over UDP and TCP.
        for transport in ("udp", "tcp"):
            proxied = probes.dig("dane-ee.example", "SOA", server=addresses.HOSTILE_RESOLVER, tcp=transport == "tcp")
            self.record.compare("hostile resolver", f"forwards other names ({transport})", ("NOERROR", "secure"),
                                (proxied.status, dnssec_state(proxied)), proxied.ede)
        anchor = self.state.trust_anchor.read_text() if self.state.trust_anchor.exists() else ""
        self.record.compare("trust-anchor.key", "holds DS and DNSKEY", True, " DS " in anchor.replace("\t", " ")
                            and " DNSKEY " in anchor.replace("\t", " "))
        self.check_sockets()
        self.check_inventory(EXAMPLE_INVENTORY, scaled=False)
        if self.catalogue.get("scale"):
            self.check_inventory(self.state.scale_inventory, scaled=True)

    def check_sockets(self) -> None:
        """Every socket of the testbed's processes is bound inside 127.60.0.0/14 (no wildcard)."""
        _, report = lifecycle.is_up(self.state)
        ours = {pid for _, pid in report if pid}
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        pending = list(ours)
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in ours:
                    ours.add(child)
                    pending.append(child)
        output = subprocess.run(["ss", "-Htuanp"], capture_output=True, text=True, timeout=20).stdout
        outside = []
        for line in output.splitlines():
            pids = {int(p) for p in re.findall(r"pid=(\d+)", line)}
            if not pids & ours:
                continue
            local = line.split()[4]
            host = local.rsplit(":", 1)[0].strip("[]")
            try:
                inside = ipaddress.ip_address(host) in addresses.TESTBED_NETWORK
            except ValueError:
                inside = False
            if not inside:
                outside.append(local)
        self.record.compare("sockets", "all bound inside 127.60.0.0/14", [], sorted(set(outside)))

    def check_inventory(self, path: Path, scaled: bool) -> None:
        subject = str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)
        if not path.exists():
            self.record.compare(subject, "exists", True, False)
            return
        inventory = yaml.safe_load(path.read_text())
        known = {d["name"] for d in self.catalogue["domains"] if d["scaled"] == scaled and d["role"] == "mail"}
        seen: list[str] = []
        bad_ids = []
        for client in inventory.get("clients", []):
            if not CLIENT_ID.match(str(client.get("id", ""))):
                bad_ids.append(client.get("id"))
            for entry in client.get("domains", []):
                seen.append(entry["name"] if isinstance(entry, dict) else entry)
        self.record.compare(subject, "client ids are [a-z0-9-]", [], bad_ids)
        self.record.compare(subject, "domains appear once", [],
                            sorted(d for d, n in Counter(seen).items() if n > 1))
        self.record.compare(subject, "domains are catalogue domains", [], sorted(set(seen) - known))
        if scaled:
            self.record.compare(subject, "every scaled domain is listed", [], sorted(known - set(seen))[:5])

    # -- per-domain checks ---------------------------------------------------------

    def check_domain(self, domain: dict) -> None:
        name, expect = domain["name"], domain["expect"]
        compare = lambda key, expected, actual, detail="": self.record.compare(name, key, expected, actual, detail)
        if expect.get("dnssec") == "bogus":
            # A cached failure reports the generic EDE 6; the specific code needs a fresh validation.
            unbound.flush_bogus(self.state)
        questions = [(name, "SOA"), (name, "MX"), (name, "A"), (name, "TXT"), (f"_mta-sts.{name}", "TXT"),
                     (f"mta-sts.{name}", "A"), (f"_smtp._tls.{name}", "TXT"), (f"_dmarc.{name}", "TXT"),
                     (f"_domainkey.{name}", "TXT")]
        answers = dict(zip(questions, probes.dig_many(questions)))
        txt = lambda owner: [probes.txt_strings(r) for r in answers[(owner, "TXT")].rdata("TXT")]
        if "dnssec" in expect:
            soa = answers[(name, "SOA")]
            compare("dnssec", expect["dnssec"], dnssec_state(soa), soa.ede)
            if expect["dnssec"] == "bogus":
                unchecked = probes.dig(name, "SOA", checking_disabled=True)
                compare("data served (with +cd)", "NOERROR", unchecked.status)
                if "dnssec_reason" in expect:
                    compare("dnssec_reason", True, expect["dnssec_reason"].lower() in soa.ede.lower(), soa.ede)
                if "dnssec_ede" in expect:
                    compare("dnssec_ede", expect["dnssec_ede"], soa.ede_code, soa.ede)
        mx_answer, apex_a = answers[(name, "MX")], answers[(name, "A")].rdata("A")
        mx_records = []
        for rdata in mx_answer.rdata("MX"):
            preference, exchange = rdata.split()
            mx_records.append((int(preference), exchange.rstrip(".").lower() or "."))
        if "mx" in expect:
            compare("mx", expect["mx"], self.classify_mx(mx_answer, mx_records, apex_a))
        if "mx_hosts" in expect:
            expected_set = sorted((h["preference"], h["name"]) for h in expect["mx_hosts"])
            actual_set = sorted(r for r in mx_records if r[1] != ".")
            if expect.get("mx") == "implicit":
                actual_set = [(0, name)] if not mx_records and apex_a else actual_set
            compare("mx_hosts (preference, name)", expected_set, actual_set)
            for host in expect["mx_hosts"]:
                self.check_host(name, host)
        if "mta_sts_txt" in expect:
            compare("mta_sts_txt", expect["mta_sts_txt"], classify_sts_txt(txt(f"_mta-sts.{name}")))
        if "mta_sts_policy" in expect and expect["mta_sts_policy"] != "not_fetched":
            self.check_policy(domain, mx_records, answers[(f"mta-sts.{name}", "A")].rdata("A"), compare)
        if "resolver_answer" in expect:
            compare("resolver_answer", expect["resolver_answer"],
                    probes.hostile_dns_answer(addresses.HOSTILE_RESOLVER, name), f"asked {addresses.HOSTILE_RESOLVER}")
        if "tls_rpt" in expect:
            compare("tls_rpt", expect["tls_rpt"], classify_tls_rpt(txt(f"_smtp._tls.{name}")))
        if "spf" in expect:
            verdict, detail = classify_spf(txt(name))
            compare("spf", expect["spf"], verdict, detail)
        if "dmarc" in expect:
            compare("dmarc", expect["dmarc"], classify_dmarc(txt(f"_dmarc.{name}")))
        if "dkim_domainkey" in expect:
            status = answers[(f"_domainkey.{name}", "TXT")].status
            compare("dkim_domainkey", expect["dkim_domainkey"],
                    {"NOERROR": "present", "NXDOMAIN": "absent"}.get(status, status))

    @staticmethod
    def classify_mx(answer: probes.DnsAnswer, records: list[tuple[int, str]], apex_a: list[str]) -> str:
        if answer.status != "NOERROR":
            return f"lookup {answer.status}"
        if not records:
            return "implicit" if apex_a else "none"
        nulls = [r for r in records if r[1] == "."]
        if nulls:
            return "null" if len(records) == 1 and nulls[0][0] == 0 else "null_mixed"
        return "explicit"

    def check_host(self, domain: str, expected: dict) -> None:
        probe = self.host_probe(expected["name"])
        subject = f"{domain} MX {expected['name']}"
        compare = lambda key, want, got, detail="": self.record.compare(subject, key, want, got, detail)
        compare("address matches catalogue", "", probe.notes)
        if "cname_target" in expected:
            compare("cname_target", expected["cname_target"], probe.cname_target)
        if "dnssec" in expected:
            compare("dnssec", expected["dnssec"], probe.address_dnssec)
        if "tlsa" in expected:
            actual = probe.tlsa_status
            if expected["tlsa"] == "mismatch" and actual == "present":
                actual = "mismatch" if probe.dane == "mismatch" else "present (matches)"
            compare("tlsa", expected["tlsa"], actual)
        if "starttls" in expected:
            compare("starttls", expected["starttls"], probe.starttls)
        if "banner_delay" in expected:
            delay = float(expected["banner_delay"])
            compare("banner_delay", True, delay - 0.5 <= probe.banner_seconds <= delay + 5,
                    f"{probe.banner_seconds:.1f} s")
        if "tls_versions" in expected:
            compare("tls_versions", sorted(expected["tls_versions"]), sorted(probe.versions or []))
        if "webpki" in expected:
            compare("webpki", expected["webpki"], probe.webpki)
        if "dane" in expected:
            compare("dane", expected["dane"], probe.dane)
        if "weak_cipher" in expected:
            compare("weak_cipher", expected["weak_cipher"], probe.weak_cipher)
        raw = probe.raw or probes.RawSmtp()
        if "banner_rate" in expected:
            # Bytes per second: no faster than stated, and the line still unfinished.
            most = float(expected["banner_rate"]) * TRICKLE_WINDOW + 1
            compare("banner_rate", True, 1 <= len(raw.greeting) <= most and not raw.greeting_complete
                    and raw.greeting.startswith(b"2"), f"{len(raw.greeting)} bytes in {raw.greeting_seconds:.1f} s")
        if "ehlo_lines" in expected:
            compare("ehlo_lines", expected["ehlo_lines"], len(raw.ehlo_lines))
        if "hostile_text" in expected:
            text = raw.greeting + b"\n".join(raw.ehlo_lines)
            compare("hostile_text", expected["hostile_text"],
                    all(marker in text for marker in (b"<script>", b"\x1b[", b"\x00", b"\xe2\x80\xae", b"\xff")),
                    repr(text[:120]))

    def check_policy(self, domain: dict, mx_records: list[tuple[int, str]], resolved: list[str], compare) -> None:
        name, expect = domain["name"], domain["expect"]
        host = f"mta-sts.{name}"
        if not compare("mta-sts host resolves", True, bool(resolved)):
            return
        if expect["mta_sts_policy"] in ("too_large", "stalled"):
            capped = probes.https_read_capped(host, resolved[0], "/.well-known/mta-sts.txt", self.ca_file,
                                              cap=POLICY_LIMIT)
            observed = ("too_large" if capped.body_bytes > POLICY_LIMIT else
                        "stalled" if capped.status == 200 and not capped.complete else
                        f"HTTP {capped.status}, {capped.body_bytes} bytes, complete: {capped.complete} {capped.error}")
            compare("mta_sts_policy", expect["mta_sts_policy"], observed)
            return
        result = probes.https_get(host, resolved[0], "/.well-known/mta-sts.txt", self.ca_file)
        if result.exit_code == 60 or "certificate" in result.error.lower() and result.exit_code:
            error = result.error.lower()
            observed = ("cert_expired" if "expired" in error else
                        "cert_self_signed" if "self-signed" in error or "self signed" in error else
                        "cert_wrong_name" if "subject name" in error or "does not match" in error else
                        f"certificate error: {result.error}")
        elif result.exit_code != 0:
            observed = f"fetch failed ({result.exit_code}: {result.error})"
        elif result.status == 404:
            observed = "http_404"
        elif 300 <= result.status < 400:
            observed = "redirect" if result.redirect else f"HTTP {result.status} without Location"
        elif result.status != 200:
            observed = f"HTTP {result.status}"
        elif result.content_type.split(";")[0].strip().lower() != "text/plain":
            observed = "wrong_content_type"
        else:
            fields, problem = parse_policy(result.body)
            observed = ("valid" if not problem else
                        "max_age_out_of_range" if problem == "max_age out of range" else "syntax_error")
            if "mta_sts_mode" in expect and fields:
                compare("mta_sts_mode", expect["mta_sts_mode"], (fields.get("mode") or [None])[0])
            if "mta_sts_uncovered_mx" in expect and fields:
                patterns = fields.get("mx", [])
                uncovered = sorted(x for _, x in mx_records if x != "." and
                                   not any(mx_pattern_matches(p, x) for p in patterns))
                compare("mta_sts_uncovered_mx", sorted(expect["mta_sts_uncovered_mx"]), uncovered)
        compare("mta_sts_policy", expect["mta_sts_policy"], observed,
                f"HTTP {result.status} {result.content_type} {result.error}".strip())


def run(state: StateDir, args: argparse.Namespace) -> int:
    try:
        return _run(state, args)
    except Exception:   # the contract promises a closing "N passed, N failed" line regardless
        traceback.print_exc()
        print("0 passed, 1 failed")
        return 1


def _run(state: StateDir, args: argparse.Namespace) -> int:
    up, _ = lifecycle.is_up(state)
    if not up or not state.catalogue_json.exists():
        print("testbed: not up - run `scripts/testbed up` first (see `scripts/testbed status`)")
        print("0 passed, 1 failed")
        return 3
    catalogue = json.loads(state.catalogue_json.read_text())
    checker = SelfCheck(state, catalogue, args.jobs)
    domains = [d for d in catalogue["domains"] if d["role"] == "mail"] + catalogue.get("hostile", [])
    if args.domain:
        wanted = set(args.domain)
        domains = [d for d in domains if d["name"] in wanted]
    else:
        scaled = [d for d in domains if d["scaled"]]
        domains = [d for d in domains if not d["scaled"]]
        if not args.all and args.sample < len(scaled):
            step = max(1, len(scaled) // max(args.sample, 1))
            scaled = scaled[::step][:args.sample] if args.sample else []
        domains += scaled
        checker.check_infrastructure()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [pool.submit(checker.check_domain, d) for d in domains]:
            future.result()
    checker.host_pool.shutdown()
    checker.probe_pool.shutdown()
    outcomes = checker.record.outcomes
    failed = [o for o in outcomes if not o.passed]
    for outcome in sorted(outcomes if args.verbose else failed, key=lambda o: (o.subject, o.key)):
        print(outcome.line())
    print(f"checked {len(domains)} domains and {len(checker._host_probes)} MX hosts")
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 0 if not failed else 1
