"""Command line: up [--scale N] | down | status | check [options] | mutate NAME|--reset."""
from __future__ import annotations

import argparse
import sys

from . import lifecycle, mutations, selfcheck
from .catalogue import CatalogueError
from .paths import StateDir


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/testbed",
                                     description="The mxaudit testbed: a simulated mail internet on loopback.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="generate and start the world (idempotent)")
    up.add_argument("--scale", type=int, metavar="N", default=None,
                    help="add N generated fleet domains (0 removes them; default: keep the current scale)")
    commands.add_parser("down", help="stop the testbed's own processes")
    commands.add_parser("status", help="show what runs; exit 0 when everything is up")
    check = commands.add_parser("check", help="prove with dig/openssl/curl that the world matches the catalogue")
    selfcheck.add_arguments(check)
    mutate = commands.add_parser("mutate", help="change the drift domains between two audits (docs/testbed.md)")
    which = mutate.add_mutually_exclusive_group(required=True)
    which.add_argument("name", nargs="?", choices=sorted(mutations.MUTATIONS), help="the mutation to apply")
    which.add_argument("--reset", action="store_true", help="serve the drift domains unmutated again")
    args = parser.parse_args(argv)

    state = StateDir.from_environment()
    try:
        if args.command == "up":
            if args.scale is not None and not 0 <= args.scale <= 100_000:
                parser.error("--scale must be between 0 and 100000")
            return lifecycle.up(state, args.scale)
        if args.command == "down":
            return lifecycle.down(state)
        if args.command == "status":
            return lifecycle.status(state)
        if args.command == "mutate":
            return lifecycle.mutate(state, None if args.reset else args.name)
        return selfcheck.run(state, args)
    except CatalogueError as error:
        print(f"testbed: catalogue error: {error}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as error:
        print(f"testbed: {args.command} failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
