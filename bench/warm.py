#!/usr/bin/env python3
"""Warms the testbed's SMTP listeners before a measured run: two connections held open at once
to every Postfix listener, each through STARTTLS and a TLS handshake, so that each listener has
the smtpd processes a run uses (mxaudit opens at most two connections per address) and each
process has done its first TLS handshake (OpenSSL's first use in a process is slow). No measured
run pays for forking them or for that first use; otherwise the first run after `testbed up`
(mxaudit's) did, and checkdmarc, run next, found them warm. (Two connections merely started close
together were often served one after the other by one process.) A production MX is warm. Replies
are read bounded; each connection says QUIT."""
import json
import socket
import ssl
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 3.0


def reply(connection) -> bytes:
    """One SMTP reply (all its lines), bounded."""
    data = b""
    while len(data) < 65536:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
        lines = data.split(b"\r\n")
        if len(lines) > 1 and len(lines[-2]) >= 4 and lines[-2][3:4] == b" ":
            break
    return data


def touch(address: str) -> int:
    """Holds two connections to `address` open at once (each through a TLS handshake), so that
    the listener starts two processes and each has done TLS once, then says QUIT on both; the
    number that were answered."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # The testbed has listeners that speak only TLS 1.0 or weak suites: warm those too.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    connections = []
    try:
        for _ in range(2):
            connection = socket.create_connection((address, 25), timeout=TIMEOUT)
            connection.settimeout(TIMEOUT)
            connections.append(connection)
            reply(connection)
            connection.sendall(b"EHLO warm.bench.test\r\n")
            reply(connection)
            connection.sendall(b"STARTTLS\r\n")
            if reply(connection).startswith(b"220"):
                connections[-1] = context.wrap_socket(connection)
        for connection in connections:
            connection.sendall(b"QUIT\r\n")
            connection.recv(512)
    except OSError:
        pass
    finally:
        for connection in connections:
            connection.close()
    return len(connections)


def main() -> None:
    catalogue = json.load(open(sys.argv[1]))
    addresses = sorted({host["address"] for host in catalogue["hosts"].values()
                        if host.get("server") == "postfix" and host.get("address")})
    with ThreadPoolExecutor(max_workers=64) as pool:
        reached = sum(pool.map(touch, addresses))
    print(f"  warmed {len(addresses)} SMTP listeners ({reached} of {2 * len(addresses)} connections answered)")


if __name__ == "__main__":
    main()
