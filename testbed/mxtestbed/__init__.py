"""mxaudit testbed: a small simulated mail internet on loopback, built from real servers.

See docs/testbed.md for what runs where and docs/testbed-contract.md for the fixed interface.
"""
