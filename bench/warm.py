#!/usr/bin/env python3
"""Warms the testbed's SMTP listeners before a measured run: two overlapping connections to
every Postfix listener, so that each has the smtpd processes a run uses (mxaudit opens at most
two connections per address) and no measured run pays for forking them. A production MX is warm;
forking an smtpd per listener is the testbed's cost, not the client's. Each connection reads the
banner (bounded) and says QUIT."""
import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 3.0


def touch(address: str) -> bool:
    try:
        with socket.create_connection((address, 25), timeout=TIMEOUT) as connection:
            connection.settimeout(TIMEOUT)
            connection.recv(512)
            connection.sendall(b"QUIT\r\n")
            connection.recv(512)
        return True
    except OSError:
        return False


def main() -> None:
    catalogue = json.load(open(sys.argv[1]))
    addresses = sorted({host["address"] for host in catalogue["hosts"].values()
                        if host.get("server") == "postfix" and host.get("address")})
    # Two at a time per address: both connections are open at once, so two processes start.
    with ThreadPoolExecutor(max_workers=128) as pool:
        reached = sum(pool.map(touch, addresses * 2))
    print(f"  warmed {len(addresses)} SMTP listeners ({reached} of {2 * len(addresses)} connections answered)")


if __name__ == "__main__":
    main()
