"""Thin wrappers around the plain tools the self-check uses: dig, openssl s_client, curl.

Each wrapper runs the tool with a bounded time and parses only what the self-check needs.
Nothing here knows about mxaudit; everything talks to loopback addresses only.
"""
from __future__ import annotations

import re
import socket
import ssl
import struct
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


def dig_many(queries: list[tuple[str, str]], *, checking_disabled: bool = False,
             server: str = addresses.RESOLVER, tcp: bool = False) -> list[DnsAnswer]:
    """Asks several (name, type) questions with one dig process (process start-up dominates)."""
    command = ["dig", f"@{server}", "+dnssec", "+time=5", "+tries=2",
               "+nocmd", "+nostats", "+noquestion", "+noauthority", "+noadditional"]
    if checking_disabled:
        command.append("+cd")
    if tcp:
        command.append("+tcp")
    for name, rrtype in queries:
        command += [name, rrtype]
    code, out, err, _ = _run(command)
    chunks = [c for c in out.split(";; Got answer:") if "->>HEADER<<-" in c]
    if len(chunks) != len(queries):
        failure = DnsAnswer("ERROR", set(), [], ede=(out + err).strip()[-200:])
        return [failure] * len(queries)
    return [_parse_dig_answer(chunk) for chunk in chunks]


def dig(name: str, rrtype: str, *, checking_disabled: bool = False, server: str = addresses.RESOLVER,
        tcp: bool = False) -> DnsAnswer:
    return dig_many([(name, rrtype)], checking_disabled=checking_disabled, server=server, tcp=tcp)[0]


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


# ------------------------------------------------------------------ raw probes of hostile servers
# The plain tools give up on (or hang at) servers that are hostile on purpose, so these talk to
# them with a socket and report exactly what arrived.

TYPE_SOA = 6


def dns_query(name: str, qtype: int, query_id: int) -> bytes:
    labels = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split("."))
    return struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", qtype, 1)


def _skip_name(message: bytes, offset: int) -> int:
    """The offset after a (possibly compressed) name; raises IndexError past the end."""
    for _ in range(128):
        length = message[offset]
        if length == 0:
            return offset + 1
        if length & 0xC0 == 0xC0:
            message[offset + 1]   # the pointer's second byte must exist
            return offset + 2
        offset += 1 + length
    raise IndexError("name too long")


def dns_readable(message: bytes) -> bool:
    """Whether every section the header announces is there (what a parser needs to accept it)."""
    try:
        counts = struct.unpack("!HHHH", message[4:12])
        offset = 12
        for _ in range(counts[0]):
            offset = _skip_name(message, offset) + 4
        for _ in range(sum(counts[1:])):
            offset = _skip_name(message, offset)
            rdlength = struct.unpack("!H", message[offset + 8:offset + 10])[0]
            offset += 10 + rdlength
        return offset <= len(message)
    except (IndexError, struct.error):
        return False


def hostile_dns_answer(server: str, name: str, timeout: float = 3.0) -> str:
    """How `server` answers `name`/SOA: normal | garbage | wrong_id | wrong_question | truncated
    (TC over UDP, then a TCP answer shorter than its length prefix) | a description."""
    query_id = 0x4D58
    query = dns_query(name, TYPE_SOA, query_id)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(timeout)
        udp.sendto(query, (server, 53))
        try:
            answer = udp.recv(65535)
        except socket.timeout:
            return "no UDP answer"
    if len(answer) < 12 or not dns_readable(answer):
        return "garbage"
    if struct.unpack("!H", answer[:2])[0] != query_id:
        return "wrong_id"
    if answer[12:12 + len(query) - 12] != query[12:]:
        return "wrong_question"
    if not answer[2] & 0x02:
        return "normal"
    with socket.create_connection((server, 53), timeout=timeout) as tcp:
        tcp.sendall(struct.pack("!H", len(query)) + query)
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = tcp.recv(65535)
            if not chunk:
                break
            data += chunk
    if len(data) < 2:
        return "TC, then nothing over TCP"
    promised = struct.unpack("!H", data[:2])[0]
    return "truncated" if len(data) - 2 < promised else "TC, then a complete TCP answer"


@dataclass
class RawSmtp:
    greeting: bytes = b""           # what arrived of the greeting line
    greeting_seconds: float = 0.0   # until its line ended, or the read window closed
    greeting_complete: bool = False
    ehlo_lines: list[bytes] = field(default_factory=list)
    starttls_reply: bytes = b""
    after_starttls: bytes = b""     # what the server sent after that reply, unasked (TLS waits for the client)

    def offers_starttls(self) -> bool:
        return any(line[4:].strip().upper() == b"STARTTLS" for line in self.ehlo_lines)


def _read_line(sock: socket.socket, buffer: bytearray, deadline: float) -> bytes | None:
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return None
        if not chunk:
            return None
        buffer += chunk
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return line.rstrip(b"\r")


def raw_smtp(address: str, *, greeting_window: float = 8.0, max_ehlo_lines: int = 20_000) -> RawSmtp:
    """Greeting (within `greeting_window` s), EHLO and STARTTLS over a plain socket."""
    result = RawSmtp()
    with socket.create_connection((address, 25), timeout=5) as sock:
        started = time.monotonic()
        buffer = bytearray()
        line = _read_line(sock, buffer, started + greeting_window)
        result.greeting_seconds = time.monotonic() - started
        result.greeting_complete = line is not None
        result.greeting = line if line is not None else bytes(buffer)
        if line is None or not line.startswith(b"220"):
            return result
        sock.sendall(f"EHLO {EHLO_NAME}\r\n".encode())
        deadline = time.monotonic() + 10
        while len(result.ehlo_lines) < max_ehlo_lines:
            line = _read_line(sock, buffer, deadline)
            if line is None:
                return result
            result.ehlo_lines.append(line)
            if not line.startswith(b"250-"):
                break
        if not result.offers_starttls():
            return result
        sock.sendall(b"STARTTLS\r\n")
        result.starttls_reply = _read_line(sock, buffer, time.monotonic() + 5) or b""
        if result.starttls_reply.startswith(b"220"):
            _read_line(sock, buffer, time.monotonic() + 1)   # anything that comes, unasked
            result.after_starttls = bytes(buffer[:64])
    return result


@dataclass
class CappedRead:
    status: int
    body_bytes: int       # body bytes read (chunk framing included), at most about `cap`
    complete: bool        # the server ended the response
    error: str = ""


def https_read_capped(host: str, address: str, path: str, ca_file: str, *, cap: int = 65536,
                      max_time: float = 4.0) -> CappedRead:
    """GET over TLS verified against the testbed CA, reading at most `cap` body bytes (+1) for at
    most `max_time` seconds: how a policy that is too large or never ends shows itself."""
    context = ssl.create_default_context(cafile=ca_file)
    deadline = time.monotonic() + max_time
    data = b""
    complete = False
    try:
        with socket.create_connection((address, 443), timeout=max_time) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                while True:
                    remaining = deadline - time.monotonic()
                    head_end = data.find(b"\r\n\r\n")
                    if remaining <= 0 or (head_end >= 0 and len(data) - head_end - 4 > cap):
                        break
                    tls.settimeout(remaining)
                    try:
                        chunk = tls.recv(65536)
                    except socket.timeout:
                        break
                    if not chunk:
                        complete = True
                        break
                    data += chunk
    except (OSError, ssl.SSLError) as error:
        return CappedRead(0, 0, False, str(error))
    head, _, body = data.partition(b"\r\n\r\n")
    status = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return CappedRead(int(status.group(1)) if status else 0, len(body), complete)
