"""DNSSEC keys and signing with the ldns tools (ldns-keygen, ldns-signzone).

Keys are kept below <state>/keys/dnssec/<zone>/ across `up` runs, so the trust anchor and every
DS record stay stable while the testbed is regenerated. Signing runs in parallel (one
ldns-signzone per zone, as many at a time as there are CPUs) and is skipped for a zone whose
input and keys did not change since the last run.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .model import Zone

ALGORITHMS = {"ecdsa": ("ECDSAP256SHA256", 256), "rsa": ("RSASHA256", 2048)}

# Signatures made for the expired-RRSIG scenario: a window that ended years ago.
EXPIRED_WINDOW = ("20200101000000", "20200201000000")


@dataclass(frozen=True)
class ZoneKeys:
    directory: Path
    ksk: str         # ldns base names, e.g. Kexample.+013+12345
    zsk: str
    spare: str | None  # a KSK that is never published: the DS-mismatch scenario points at it

    def _ds(self, base: str) -> list[str]:
        return [line.strip() for line in (self.directory / f"{base}.ds").read_text().splitlines() if line.strip()]

    def ds_records(self) -> list[str]:
        return self._ds(self.ksk)

    def spare_ds_records(self) -> list[str]:
        assert self.spare, "only zones with the ds_mismatch fault have a spare key"
        return self._ds(self.spare)

    def ksk_dnskey(self) -> str:
        text = (self.directory / f"{self.ksk}.key").read_text()
        return next(line.split(";")[0].strip() for line in text.splitlines() if "DNSKEY" in line)

    def fingerprint(self) -> str:
        return f"{self.ksk}/{self.zsk}"


def _keygen(directory: Path, zone: Zone, *, ksk: bool) -> str:
    algorithm, bits = ALGORITHMS[zone.signing]
    command = ["ldns-keygen", "-a", algorithm, "-b", str(bits)] + (["-k"] if ksk else []) + [zone.fqdn]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


def ensure_keys(keys_root: Path, zone: Zone) -> ZoneKeys:
    """Returns the zone's keys, generating those that are missing."""
    directory = keys_root / (zone.name or "root")
    directory.mkdir(parents=True, exist_ok=True)
    index_file = directory / f"keys-{zone.signing}.json"
    index = json.loads(index_file.read_text()) if index_file.exists() else {}
    changed = False
    roles = ("ksk", "zsk", "spare") if zone.fault == "ds_mismatch" else ("ksk", "zsk")
    for role in roles:
        if not index.get(role) or not (directory / f"{index[role]}.private").exists():
            index[role] = _keygen(directory, zone, ksk=role != "zsk")
            changed = True
    if changed:
        index_file.write_text(json.dumps(index) + "\n")
    return ZoneKeys(directory, index["ksk"], index["zsk"], index.get("spare"))


def signature_window(now: dt.datetime | None = None) -> tuple[str, str]:
    """Inception a day before the start of this month, expiration 400 days later.

    Month granularity keeps the signing cache useful across `up` runs while every signature
    still has at least a year to live.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    inception = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    expiration = inception + dt.timedelta(days=400)
    return inception.strftime("%Y%m%d%H%M%S"), expiration.strftime("%Y%m%d%H%M%S")


@dataclass
class SigningJob:
    zone: Zone
    keys: ZoneKeys
    unsigned: Path          # the zone file to sign
    signed: Path            # where NSD reads the result
    corrupt_tlsa_owners: tuple[str, ...] = ()  # owners whose TLSA signature gets broken


def _sign(job: SigningJob, window: tuple[str, str]) -> bool:
    """Signs one zone unless the cached result is still current. True if it signed."""
    inception, expiration = EXPIRED_WINDOW if job.zone.fault == "expired_signatures" else window
    text = job.unsigned.read_bytes()
    cache_key = hashlib.sha256(b"|".join([
        text, job.keys.fingerprint().encode(), inception.encode(), expiration.encode(),
        job.zone.denial.encode(), ",".join(job.corrupt_tlsa_owners).encode(),
    ])).hexdigest()
    stamp = job.signed.with_suffix(".input-sha256")
    if job.signed.exists() and stamp.exists() and stamp.read_text() == cache_key:
        return False
    command = ["ldns-signzone", "-i", inception, "-e", expiration, "-f", str(job.signed)]
    if job.zone.denial == "nsec3":
        # RFC 9276: no extra iterations, no salt.
        command += ["-n", "-t", "0"]
    command += ["-o", job.zone.fqdn, str(job.unsigned),
                str(job.keys.directory / job.keys.ksk), str(job.keys.directory / job.keys.zsk)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"ldns-signzone failed for {job.zone.fqdn}:\n{result.stderr}")
    if job.corrupt_tlsa_owners:
        _corrupt_tlsa_signatures(job.signed, job.corrupt_tlsa_owners)
    stamp.write_text(cache_key)
    return True


def _corrupt_tlsa_signatures(signed: Path, owners: tuple[str, ...]) -> None:
    """Flips bits in the RRSIG over the TLSA RRset of each owner: the data stays, validation fails."""
    wanted = {o.lower().rstrip(".") + "." for o in owners}
    lines = signed.read_text().splitlines()
    for i, line in enumerate(lines):
        fields = line.split()
        if len(fields) > 12 and fields[3] == "RRSIG" and fields[4] == "TLSA" and fields[0].lower() in wanted:
            signature = bytearray(base64.b64decode("".join(fields[12:])))
            signature[len(signature) // 2] ^= 0xFF
            lines[i] = " ".join(fields[:12] + [base64.b64encode(bytes(signature)).decode()])
    signed.write_text("\n".join(lines) + "\n")


def sign_all(jobs: list[SigningJob], workers: int | None = None) -> int:
    """Signs the zones in parallel; returns how many were (re)signed."""
    window = signature_window()
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        return sum(pool.map(lambda job: _sign(job, window), jobs))


def trust_anchor_text(root_keys: ZoneKeys) -> str:
    """The private root's DS and KSK DNSKEY in zone-file format (for unbound and mxaudit)."""
    ds = root_keys.ds_records()
    dnskey = root_keys.ksk_dnskey()
    normalise = lambda rr: re.sub(r"^\.\s+", ".\t", rr)
    return ("; mxaudit testbed: trust anchor of the private root zone\n"
            + "\n".join(normalise(r) for r in ds) + "\n" + normalise(dnskey) + "\n")
