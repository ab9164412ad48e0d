"""The testbed's private PKI and every server certificate, made with python3-cryptography.

Two hierarchies:
  - the testbed WebPKI: "mxaudit Testbed Root CA" (written to <state>/ca.pem, the only trusted
    root) and its "Issuing CA 1" intermediate, which issues every valid certificate; servers send
    leaf + intermediate, as public servers do;
  - a company-private CA (root + intermediate) that is *not* in ca.pem, for DANE-TA (2 1 1):
    trusted through DNSSEC only.

CA keys and per-listener leaf keys persist below <state>/keys/tls, so TLSA 3 1 1 records stay
the same across `up` runs; the certificates themselves are reissued on every generation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LEAF_LIFETIME = dt.timedelta(days=397)
WRONG_NAME = "mail.unrelated-company.example"
# `hostile_text` certificates: valid for their host (its name is the first SAN), but subject,
# issuer and further SANs carry markup, script, terminal escapes, NUL and a bidi override - what
# a CA with a careless form would sign. X.509 strings must be UTF-8, so no invalid bytes here.
HOSTILE_SUBJECT = [(NameOID.COMMON_NAME, "<script>alert('cn')</script>\x1b[2J\x00\u202eevil"),
                   (NameOID.ORGANIZATION_NAME, "<img src=x onerror=alert('o')> \x1b]0;pwned\x07 Corp"),
                   (NameOID.ORGANIZATIONAL_UNIT_NAME, "\" onmouseover=\"alert('ou')\" x=\"")]
HOSTILE_ISSUER = [(NameOID.COMMON_NAME, "Issuing <script>alert('ca')</script> \x1b[31m\x00\u202eCA"),
                  (NameOID.ORGANIZATION_NAME, "mxaudit testbed <b>hostile</b>")]
HOSTILE_SANS = ["<script>alert('san')</script>.hostile.example", "evil\x1b[2J\x00.hostile.example"]
WRONG_NAME_PREFIX = "www"  # an mta-sts host with the wrong certificate presents the www one

Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def new_key(kind: str) -> Key:
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: Key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_or_create_key(path: Path, kind: str) -> Key:
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = new_key(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key_pem(key))
    path.chmod(0o600)
    return key


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attributes)


@dataclass
class Authority:
    key: Key
    cert: x509.Certificate


def _builder(subject: x509.Name, key: Key, issuer: "Authority | None", not_before: dt.datetime,
             not_after: dt.datetime) -> x509.CertificateBuilder:
    """The fields every certificate here shares; a missing issuer means self-signed."""
    return (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.cert.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after))


def _ca_certificate(subject: x509.Name, key: Key, issuer: Authority | None, path_length: int,
                    not_before: dt.datetime, lifetime: dt.timedelta) -> x509.Certificate:
    signer_key = issuer.key if issuer else key
    builder = (_builder(subject, key, issuer, not_before, not_before + lifetime)
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    return builder.sign(signer_key, hashes.SHA256())


def _load_or_create_authority(directory: Path, stem: str, subject: x509.Name, issuer: Authority | None,
                              path_length: int, lifetime: dt.timedelta) -> Authority:
    key = load_or_create_key(directory / f"{stem}.key", "ec")
    cert_file = directory / f"{stem}.pem"
    if cert_file.exists():
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        still_matching = cert.public_key().public_numbers() == key.public_key().public_numbers()
        if still_matching and cert.not_valid_after.replace(tzinfo=dt.timezone.utc) - _now() > dt.timedelta(days=400):
            return Authority(key, cert)
    cert = _ca_certificate(subject, key, issuer, path_length, _now() - dt.timedelta(days=1), lifetime)
    cert_file.write_bytes(cert_pem(cert))
    return Authority(key, cert)


@dataclass
class IssuedCertificate:
    key: Key
    chain: list[x509.Certificate]    # leaf first, then what the server sends after it

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]

    def trust_anchor(self) -> x509.Certificate:
        """The certificate a DANE-TA (usage 2) record pins: the leaf's issuer, sent in the chain."""
        return self.chain[1] if len(self.chain) > 1 else self.chain[0]

    def write(self, key_path: Path, chain_path: Path) -> None:
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(key_pem(self.key))
        # Test-only keys: readable by the unprivileged nginx workers and Postfix daemons.
        key_path.chmod(0o644)
        chain_path.write_bytes(b"".join(cert_pem(c) for c in self.chain))


class Pki:
    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        ten_years, five_years = dt.timedelta(days=3650), dt.timedelta(days=1825)
        self.root = _load_or_create_authority(
            directory, "testbed-root-ca", _name("mxaudit Testbed Root CA", "mxaudit testbed"), None, 1, ten_years)
        self.issuing = _load_or_create_authority(
            directory, "testbed-issuing-ca", _name("mxaudit Testbed Issuing CA 1", "mxaudit testbed"),
            self.root, 0, five_years)
        self.private_root = _load_or_create_authority(
            directory, "private-root-ca", _name("DANE-TA Example Corp Private Root", "DANE-TA Example Corp"),
            None, 1, ten_years)
        self.private_issuing = _load_or_create_authority(
            directory, "private-issuing-ca", _name("DANE-TA Example Corp Mail CA", "DANE-TA Example Corp"),
            self.private_root, 0, five_years)
        self._hostile_issuing: Authority | None = None

    @property
    def hostile_issuing(self) -> Authority:
        """An intermediate of the testbed root with a hostile name (made on first use)."""
        if self._hostile_issuing is None:
            name = x509.Name([x509.NameAttribute(oid, value) for oid, value in HOSTILE_ISSUER])
            self._hostile_issuing = _load_or_create_authority(self.directory, "hostile-issuing-ca", name, self.root,
                                                              0, dt.timedelta(days=1825))
        return self._hostile_issuing

    def ca_bundle_pem(self) -> bytes:
        return cert_pem(self.root.cert)

    def leaf_key(self, key_id: str, kind: str) -> Key:
        safe = key_id.replace("/", "_")
        return load_or_create_key(self.directory / "leaf" / f"{safe}.{kind}.key", kind)

    def issue(self, names: list[str], key: Key, kind: str = "valid") -> IssuedCertificate:
        """kind: valid | expired | wrong_name | self_signed | private_ca | hostile_text (see the
        module docstring and HOSTILE_SUBJECT)."""
        now = _now()
        not_before, not_after = now - dt.timedelta(days=1), now + LEAF_LIFETIME
        issuer: Authority | None = self.issuing
        subject = _name(names[0])
        if kind == "expired":
            not_before, not_after = now - dt.timedelta(days=400), now - dt.timedelta(days=35)
        elif kind == "self_signed":
            issuer = None
        elif kind == "private_ca":
            issuer = self.private_issuing
        elif kind == "hostile_text":
            issuer = self.hostile_issuing
            subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in HOSTILE_SUBJECT])
            names = names + HOSTILE_SANS
        elif kind != "valid" and kind != "wrong_name":
            raise ValueError(f"unknown certificate kind {kind!r}")
        builder = (_builder(subject, key, issuer, not_before, not_after)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=isinstance(key, rsa.RSAPrivateKey),
                                                content_commitment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if issuer:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        leaf = builder.sign(issuer.key if issuer else key, hashes.SHA256())
        chain = [leaf] + ([issuer.cert] if issuer else [])
        return IssuedCertificate(key, chain)


def tlsa_rdata(issued: IssuedCertificate, usage: int, selector: int, matching: int) -> str:
    """TLSA rdata (RFC 6698) for a usage/selector/matching type, from the served chain."""
    cert = issued.leaf if usage in (1, 3) else issued.trust_anchor()
    if selector == 0:
        data = cert.public_bytes(serialization.Encoding.DER)
    else:
        data = cert.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = {0: lambda d: d, 1: lambda d: hashlib.sha256(d).digest(), 2: lambda d: hashlib.sha512(d).digest()}
    return f"{usage} {selector} {matching} {digest[matching](data).hex()}"
