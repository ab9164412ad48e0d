"""The testbed's address plan (docs/testbed-contract.md). Everything is inside 127.60.0.0/14.

Linux routes all of 127.0.0.0/8 to the loopback interface, so these addresses need no setup;
each server binds exactly the addresses listed here, never a wildcard.
"""
from __future__ import annotations

import ipaddress
from typing import Iterator

TESTBED_NETWORK = ipaddress.ip_network("127.60.0.0/14")

NSD_ROOT = "127.60.0.1"                     # the private root
NSD_TLD = "127.60.0.2"                      # every TLD, including the scaled world's .fleet
NSD_DOMAINS = ("127.60.0.3", "127.60.0.4")  # ns1/ns2.dnshost.example: the scenario domain zones
NSD_FLEET = "127.60.0.5"                    # ns3.dnshost.example: the scaled domain zones
RESOLVER = "127.60.0.53"                    # unbound, validating
HOSTILE_RESOLVER = "127.60.0.54"            # dnsproxy: unbound's answers, broken for the hostile-dns-* domains

HTTPS_SCENARIOS = "127.60.1.1"              # nginx: mta-sts.<domain> of the scenario world
HTTPS_FLEET = "127.60.1.2"                  # nginx: mta-sts.<domain> of the scaled world
HTTPS_FALLBACK_CERT_NAME = "default.testbed.invalid"
HTTP_STREAMS = "127.60.1.3"                 # httpstream: plain HTTP behind nginx for policies that never end
HTTP_STREAMS_PORT = 8080
# Never used by the testbed itself: tests start their own short-lived servers here (e.g. a
# hostile DNS proxy they kill mid-audit), so they need not guess which addresses are free.
TEST_SERVERS = ipaddress.ip_network("127.60.3.0/24")

MX_SCENARIOS = ipaddress.ip_network("127.61.0.0/16")
SCALED_WORLD = ipaddress.ip_network("127.62.0.0/15")
SCALED_PROVIDERS = ipaddress.ip_network("127.62.0.0/24")
SCALED_OWN_MX = ipaddress.ip_network("127.62.1.0/24")

# The name servers every zone delegates to (the addresses are glue in .example).
NAME_SERVERS = {
    "ns1.dnshost.example": NSD_DOMAINS[0],
    "ns2.dnshost.example": NSD_DOMAINS[1],
    "ns3.dnshost.example": NSD_FLEET,
}
SCENARIO_ZONE_NS = ("ns1.dnshost.example", "ns2.dnshost.example")
FLEET_ZONE_NS = ("ns3.dnshost.example",)
ROOT_SERVER_NAME = "a.root-servers"
TLD_SERVER_LABEL = "ns.nic"                 # ns.nic.<tld>


def in_testbed_network(address: str) -> bool:
    return ipaddress.ip_address(address) in TESTBED_NETWORK


class AddressPool:
    """Hands out host addresses of one network in order, skipping x.y.z.0, .1-.9 and .255.

    .1-.9 are left free so that a hand-picked `address:` in the catalogue has room.
    """

    def __init__(self, network: ipaddress.IPv4Network, taken: set[str] | None = None):
        self._candidates: Iterator[ipaddress.IPv4Address] = (
            a for a in network.hosts() if 10 <= int(a) % 256 <= 254
        )
        self._taken = taken if taken is not None else set()

    def reserve(self, address: str) -> None:
        self._taken.add(address)

    def next(self) -> str:
        for candidate in self._candidates:
            text = str(candidate)
            if text not in self._taken:
                self._taken.add(text)
                return text
        raise RuntimeError("address pool exhausted")
