"""Thin wrappers around the plain tools the self-check uses: dig, openssl s_client, curl.

Each wrapper runs the tool with a bounded time and parses only what the self-check needs.
Nothing here knows about mxaudit; everything talks to loopback addresses only.
"""
from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field

from . import addresses

TOOL_TIMEOUT = 20
EHLO_NAME = "probe.testbed.invalid"
# Lets the probes talk to the TLS 1.0/1.1 hosts too (OpenSSL 3 refuses them at level 1).
ANY_CIPHER = "DEFAULT:@SECLEVEL=0"
FORWARD_SECRET_AEAD = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:ECDHE+AESCCM:DHE+AESCCM"
OPENSSL_VERSION_FLAGS = {"TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}


def _run(command: list[str], stdin: str = "") -> tuple[int, str, str, float]:
    started = time.monotonic()
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=TOOL_TIMEOUT,
                                errors="replace")
        return result.returncode, result.stdout, result.stderr, time.monotonic() - started
    except subprocess.TimeoutExpired as timeout:
        out = timeout.stdout.decode(errors="replace") if isinstance(timeout.stdout, bytes) else (timeout.stdout or "")
        return 124, out, f"timed out after {TOOL_TIMEOUT} s", time.monotonic() - started


# ------------------------------------------------------------------ dig

@dataclass
class DnsAnswer:
    status: str                          # NOERROR, NXDOMAIN, SERVFAIL, ... or "ERROR"
    flags: set[str]
    records: list[tuple[str, str, str]]  # (owner, type, rdata) from the answer section
    ede: str = ""                        # the Extended DNS Error line, if any
    ede_code: int | None = None

    @property
    def authenticated(self) -> bool:
        return "ad" in self.flags

    def rdata(self, rrtype: str) -> list[str]:
        return [r for _, t, r in self.records if t == rrtype]


def _parse_dig_answer(out: str) -> DnsAnswer:
    status_match = re.search(r"status: ([A-Z]+)", out)
    if not status_match:
        return DnsAnswer("ERROR", set(), [], ede=out.strip()[-200:])
    flags_match = re.search(r";; flags: ([a-z ]+);", out)
    records = []
    for line in out.splitlines():
        if not line or line.startswith(";"):
            continue
        parts = line.split(None, 4)
        if len(parts) == 5 and parts[2] == "IN":
            records.append((parts[0].rstrip(".").lower(), parts[3], parts[4].strip()))
    ede_match = re.search(r"^; EDE: (\d+) (.*)$", out, re.MULTILINE)
    return DnsAnswer(status_match.group(1), set(flags_match.group(1).split()) if flags_match else set(), records,
                     ede=ede_match.group(0) if ede_match else "",
                     ede_code=int(ede_match.group(1)) if ede_match else None)


def dig_many(queries: list[tuple[str, str]], *, checking_disabled: bool = False) -> list[DnsAnswer]:
    """Asks several (name, type) questions with one dig process (process start-up dominates)."""
    command = ["dig", f"@{addresses.RESOLVER}", "+dnssec", "+time=5", "+tries=2",
               "+nocmd", "+nostats", "+noquestion", "+noauthority", "+noadditional"]
    if checking_disabled:
        command.append("+cd")
    for name, rrtype in queries:
        command += [name, rrtype]
    code, out, err, _ = _run(command)
    chunks = [c for c in out.split(";; Got answer:") if "->>HEADER<<-" in c]
    if len(chunks) != len(queries):
        failure = DnsAnswer("ERROR", set(), [], ede=(out + err).strip()[-200:])
        return [failure] * len(queries)
    return [_parse_dig_answer(chunk) for chunk in chunks]


def dig(name: str, rrtype: str, *, checking_disabled: bool = False) -> DnsAnswer:
    return dig_many([(name, rrtype)], checking_disabled=checking_disabled)[0]


def txt_strings(rdata: str) -> str:
    """Joins the character-strings of one TXT rdata (RFC 7208/8461: no separator)."""
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', rdata)
    return "".join(re.sub(r"\\(.)", r"\1", p) for p in pieces)


# ------------------------------------------------------------------ SMTP dialogue (curl)

@dataclass
class SmtpDialogue:
    exit_code: int
    server_lines: list[str]   # what the server said, in order
    transcript: str
    elapsed: float

    @property
    def greeting(self) -> str:
        return self.server_lines[0] if self.server_lines else ""

    def offers_starttls(self) -> bool:
        return any(re.fullmatch(r"250[- ]STARTTLS", line.strip(), re.IGNORECASE) for line in self.server_lines)


def smtp_dialogue(address: str, *, require_tls: bool = False) -> SmtpDialogue:
    """EHLO and NOOP (or, with require_tls, EHLO and STARTTLS) with `curl -v smtp://`."""
    command = ["curl", "-sv", "--max-time", "15", f"smtp://{address}:25/{EHLO_NAME}", "-X", "NOOP"]
    if require_tls:
        command += ["--ssl-reqd", "--insecure"]
    code, out, err, elapsed = _run(command)
    server = [line[2:] for line in err.splitlines() if line.startswith("< ")]
    return SmtpDialogue(code, server, err, elapsed)


# ------------------------------------------------------------------ TLS (openssl s_client)

@dataclass
class TlsResult:
    established: bool
    protocol: str = ""
    cipher: str = ""
    verification: str = ""    # "OK" or the error text
    dane_matched: bool = False
    output: str = field(default="", repr=False)


def starttls(address: str, server_name: str, *, version: str | None = None, cipher: str = ANY_CIPHER,
             ca_file: str | None = None, tlsa_rrdata: list[str] | None = None) -> TlsResult:
    command = ["openssl", "s_client", "-brief", "-connect", f"{address}:25", "-starttls", "smtp",
               "-name", EHLO_NAME, "-servername", server_name, "-cipher", cipher]
    if version:
        command.append(OPENSSL_VERSION_FLAGS[version])
    if ca_file:
        command += ["-CAfile", ca_file, "-verify_hostname", server_name]
    if tlsa_rrdata:
        command += ["-dane_tlsa_domain", server_name, "-dane_ee_no_namechecks"]
        for rr in tlsa_rrdata:
            command += ["-dane_tlsa_rrdata", rr]
    code, out, err, _ = _run(command, stdin="QUIT\n")
    text = out + err
    protocol = re.search(r"^Protocol version: (\S+)", text, re.MULTILINE)
    cipher_match = re.search(r"^Ciphersuite: (\S+)", text, re.MULTILINE)
    verified = re.search(r"^Verification: OK", text, re.MULTILINE)
    error = re.search(r"^Verification error: (.+)$", text, re.MULTILINE)
    return TlsResult(
        established="CONNECTION ESTABLISHED" in text and protocol is not None,
        protocol=protocol.group(1) if protocol else "",
        cipher=cipher_match.group(1) if cipher_match else "",
        verification="OK" if verified else (error.group(1).strip() if error else ""),
        dane_matched=bool(re.search(r"^DANE TLSA .* matched", text, re.MULTILINE)),
        output=text,
    )


# ------------------------------------------------------------------ HTTPS (curl)

@dataclass
class HttpsResult:
    exit_code: int
    status: int
    content_type: str
    redirect: str
    body: bytes
    error: str


def https_get(host: str, address: str, path: str, ca_file: str) -> HttpsResult:
    """GET without following redirects, resolved to `address`, verified against the testbed CA only."""
    command = ["curl", "-sS", "--max-time", "10", "--max-filesize", "65536", "--resolve", f"{host}:443:{address}",
               "--cacert", ca_file, "-o", "-", "-w", "\n%{http_code}|%{content_type}|%{redirect_url}",
               f"https://{host}{path}"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        return HttpsResult(124, 0, "", "", b"", "timed out")
    body, _, meta = result.stdout.rpartition(b"\n")
    status, content_type, redirect = (meta.decode(errors="replace").split("|") + ["", "", ""])[:3]
    return HttpsResult(result.returncode, int(status) if status.isdigit() else 0, content_type, redirect, body,
                       result.stderr.decode(errors="replace").strip())
