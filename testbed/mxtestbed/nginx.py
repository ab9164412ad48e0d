"""HTTPS for MTA-STS policies: nginx with its own prefix, config, PID file and logs (never the
system configuration).

Scenario domains get one explicit server block each on 127.60.1.1 (SNI virtual hosts), which
makes every HTTP behaviour (404, wrong Content-Type, redirect, bad certificates) plain to read in
the generated nginx.conf. The scaled fleet's policy hosts get a short block each on 127.60.1.2,
each with its certificate loaded once at start, as a real server holds it: a single block that chose
the certificate by SNI (a variable in `ssl_certificate`) made nginx read and decode key and
certificate from disk in every handshake, about 0.7 ms each, which the benchmark's audits paid
for on the cores they share with the testbed. About 70 KB of nginx memory per policy host.
Policies that never end (`http: {stream: ...}`) are proxied to httpstream.py.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import addresses
from .certs import IssuedCertificate
from .model import Domain
from .paths import StateDir
from .processes import Component, run

NAME = "nginx"
POLICY_PATH = "/.well-known/mta-sts.txt"


def component(state: StateDir) -> Component:
    return Component(name=NAME, pidfile=str(state.pidfile(NAME)), executable="nginx",
                     marker=str(state.nginx / "nginx.conf"),
                     listens=((addresses.HTTPS_SCENARIOS, 443), (addresses.HTTPS_FLEET, 443)))


def vhost_name(domain: Domain) -> str:
    return f"mta-sts.{domain.name}"


def cert_paths(state: StateDir, vhost: str, scaled: bool) -> tuple[Path, Path]:
    directory = state.certs / ("fleet-https" if scaled else "https")
    return directory / f"{vhost}.key", directory / f"{vhost}.crt"


def _quote(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._/+-]+", value):
        raise ValueError(f"refusing to put {value!r} into nginx.conf")
    return value


def _server(state: StateDir, domain: Domain, address: str, locations: list[str]) -> list[str]:
    """One SNI virtual host for mta-sts.<domain>: its certificate, its document root, `locations`
    for the policy, and 404 for everything else."""
    vhost = vhost_name(domain)
    key, crt = cert_paths(state, vhost, domain.scaled)
    return [
        "    server {",
        f"        listen {address}:443 ssl;",
        f"        server_name {vhost};",
        f"        ssl_certificate {crt};",
        f"        ssl_certificate_key {key};",
        f"        root {state.www / vhost};",
        *locations,
        "        location / { return 404; }",
        "    }",
    ]


def _scenario_server(state: StateDir, domain: Domain) -> list[str]:
    sts = domain.mta_sts
    vhost = vhost_name(domain)
    lines: list[str] = []
    if sts.stream:
        # A body that never ends comes from httpstream, passed through unbuffered; the upstream
        # connection leaves from this server's own address (never a wildcard or 127.0.0.1).
        lines.append(f"        location = {POLICY_PATH} {{ proxy_pass http://{addresses.HTTP_STREAMS}:"
                     f"{addresses.HTTP_STREAMS_PORT}/{_quote(sts.stream)}; proxy_bind {addresses.HTTPS_SCENARIOS}; "
                     "proxy_buffering off; proxy_read_timeout 30s; }")
    elif sts.redirect:
        lines += [f"        location = {POLICY_PATH} {{ return 301 https://{vhost}{_quote(sts.redirect)}; }}",
                  f"        location = {_quote(sts.redirect)} {{ default_type text/plain; try_files /policy.txt =404; }}"]
    elif sts.status == 200 and sts.body is not None:
        lines.append(f"        location = {POLICY_PATH} {{ default_type {_quote(sts.content_type)}; "
                     "try_files /policy.txt =404; }")
    else:
        lines.append(f"        location = {POLICY_PATH} {{ return {int(sts.status)}; }}")
    return _server(state, domain, addresses.HTTPS_SCENARIOS, lines)


def write_site(state: StateDir, domain: Domain, issued: IssuedCertificate) -> None:
    """The policy file and certificate of one mta-sts.<domain> virtual host."""
    vhost = vhost_name(domain)
    key, crt = cert_paths(state, vhost, domain.scaled)
    issued.write(key, crt)
    write_policy(state, domain)


def write_policy(state: StateDir, domain: Domain) -> bool:
    """The policy file alone (nginx reads it on every request). True if it changed."""
    root = state.www / vhost_name(domain)
    root.mkdir(parents=True, exist_ok=True)
    policy = root / "policy.txt"
    before = policy.read_bytes() if policy.exists() else None
    if domain.mta_sts.body is not None and domain.mta_sts.status in (200, 301):
        # Bytes, so that CRLF line endings (and the hostile scenarios' raw bytes) reach the client unchanged.
        policy.write_bytes(domain.mta_sts.body.encode("utf-8", "surrogateescape"))
    elif policy.exists():
        policy.unlink()
    return before != (policy.read_bytes() if policy.exists() else None)


def _fleet_server(state: StateDir, domain: Domain) -> list[str]:
    return _server(state, domain, addresses.HTTPS_FLEET,
                   [f"        location = {POLICY_PATH} {{ default_type text/plain; try_files /policy.txt =404; }}"])


def write_config(state: StateDir, scenario_domains: list[Domain], fleet_domains: list[Domain],
                 fallback: IssuedCertificate) -> Component:
    conf_dir = state.nginx
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (conf_dir / sub).mkdir(parents=True, exist_ok=True)
    fallback_key, fallback_crt = conf_dir / "fallback.key", conf_dir / "fallback.crt"
    fallback.write(fallback_key, fallback_crt)
    lines = [
        "# Generated by the mxaudit testbed; do not edit.",
        f"pid {state.pidfile(NAME)};",
        f"error_log {state.logfile('nginx-error')} warn;",
        "worker_processes 1;",
        "events { worker_connections 512; }",
        "http {",
        f"    access_log {state.logfile('nginx-access')};",
        f"    client_body_temp_path {conf_dir}/tmp/body;",
        f"    proxy_temp_path {conf_dir}/tmp/proxy;",
        f"    fastcgi_temp_path {conf_dir}/tmp/fastcgi;",
        f"    uwsgi_temp_path {conf_dir}/tmp/uwsgi;",
        f"    scgi_temp_path {conf_dir}/tmp/scgi;",
        "    types { }",
        "    default_type application/octet-stream;",
        "    server_tokens off;",
        "    etag off;",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        # Room for every policy host's name (nginx refuses to start when the hash is too small).
        f"    server_names_hash_max_size {max(4096, 2 * (len(scenario_domains) + len(fleet_domains)))};",
        "    server_names_hash_bucket_size 128;",
        # Unknown SNI names on either address get a certificate for a name nobody asks for.
        "    server {",
        f"        listen {addresses.HTTPS_SCENARIOS}:443 ssl default_server;",
        f"        ssl_certificate {fallback_crt};",
        f"        ssl_certificate_key {fallback_key};",
        "        return 421;",
        "    }",
        # The scaled fleet: names without a policy host of their own find no policy.
        "    server {",
        f"        listen {addresses.HTTPS_FLEET}:443 ssl default_server;",
        f"        ssl_certificate {fallback_crt};",
        f"        ssl_certificate_key {fallback_key};",
        "        return 404;",
        "    }",
    ]
    for domain in fleet_domains:
        lines += _fleet_server(state, domain)
    for domain in scenario_domains:
        lines += _scenario_server(state, domain)
    lines.append("}")
    config = conf_dir / "nginx.conf"
    config.write_text("\n".join(lines) + "\n")
    run(["nginx", "-t", "-q", "-p", str(conf_dir), "-c", str(config), "-e", str(state.logfile("nginx-error"))])
    return component(state)


def start(state: StateDir, comp: Component) -> None:
    run(["nginx", "-p", str(state.nginx), "-c", comp.marker, "-e", str(state.logfile("nginx-error"))])
