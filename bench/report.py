"""scripts/bench's bookkeeping: turns what each run left behind into figures, one JSON per run.

  report.py domains   --inventory FILE [--limit N]           the inventory's domains, one a line
  report.py mxaudit   --label L --scale N --rtt-ms R --time FILE --stats FILE --exit-code C --inventory FILE
                      --output FILE --errors FILE --out FILE
  report.py peer      --label L --scale N --rtt-ms R --time FILE --results FILE --domains FILE
                      --catalogue FILE --exit-code C --out FILE
  report.py delay     --label L --rtt-ms R --baseline FILE --delayed FILE --udp FILE... --dig-ms A B --out FILE
  report.py delayer   --stats FILE --into FILE                 adds the delayer's own statistics to a delay record
  report.py final     --runs DIR --out FILE [--meta KEY=VALUE...]  the table, and results.json

Each run subcommand prints one line for the person watching and writes its record to --out.
Missing figures (an older mxaudit without a statistics key, say) become "n/a", never an error.
Standard library only, plus PyYAML for the inventory (Debian's python3-yaml, as the testbed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
from pathlib import Path


# --- inputs ------------------------------------------------------------------------------------

def inventory_domains(path: Path) -> list[str]:
    import yaml  # only this subcommand needs it
    document = yaml.safe_load(path.read_text())
    return [domain for client in document.get("clients", []) for domain in client.get("domains", [])]


def parse_time_v(path: Path) -> dict:
    """The figures of GNU time's -v report: wall seconds, peak RSS, CPU seconds."""
    text = path.read_text() if path.exists() else ""
    def field(label: str) -> str | None:
        match = re.search(rf"^\s*{re.escape(label)}:\s*(.+)$", text, re.MULTILINE)
        return match.group(1).strip() if match else None
    wall = None
    if (elapsed := field("Elapsed (wall clock) time (h:mm:ss or m:ss)")) is not None:
        seconds = 0.0
        for part in elapsed.split(":"):
            seconds = seconds * 60 + float(part)
        wall = seconds
    rss_kb = field("Maximum resident set size (kbytes)")
    user, system = field("User time (seconds)"), field("System time (seconds)")
    return {
        "wallSeconds": wall,
        "peakRSSMB": round(int(rss_kb) / 1024, 1) if rss_kb else None,
        "cpuSeconds": round(float(user) + float(system), 2) if user and system else None,
    }


def load_json(path: Path | None) -> dict | list | None:
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None


def dig(document: dict | None, *keys: str):
    for key in keys:
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


# --- arithmetic that tolerates gaps ------------------------------------------------------------

def ratio(numerator, denominator):
    if numerator is None or denominator in (None, 0):
        return None
    return numerator / denominator


def hit_rate(hits, others):
    """hits / (hits + others), where others are the misses (or the work actually done)."""
    if hits is None or others is None:
        return None
    return ratio(hits, hits + others)


def fmt(value, spec: str = ".1f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def pct(value) -> str:
    return fmt(None if value is None else value * 100, ".1f", "%")


# --- subcommands -------------------------------------------------------------------------------

def cmd_domains(args) -> None:
    domains = inventory_domains(args.inventory)
    if args.limit:
        domains = domains[: args.limit]
    sys.stdout.write("".join(f"{d}\n" for d in domains))


def run_record(args, tool: str, domains: int | None, timing: dict) -> dict:
    wall = timing["wallSeconds"]
    return {"label": args.label, "tool": tool, "scale": args.scale, "rttMs": args.rtt_ms,
            "domains": domains, "exitCode": args.exit_code, **timing,
            "domainsPerSecond": ratio(domains, wall)}


def findings_digest(path: Path) -> str | None:
    """SHA-256 of the terminal report without mxaudit's own status lines (which name the DB)."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    with path.open("rb") as report:
        for line in report:
            if not line.startswith(b"mxaudit:"):
                digest.update(line)
    return digest.hexdigest()


def cmd_mxaudit(args) -> None:
    stats = load_json(args.stats)
    timing = parse_time_v(args.time)
    domains = dig(stats, "domains")
    if domains is None:
        domains = len(inventory_domains(args.inventory))
    dns, smtp, https = (dig(stats, key) or {} for key in ("dns", "smtp", "https"))
    per_domain = lambda value: ratio(value, domains)
    record = run_record(args, "mxaudit", domains, timing)
    errors = args.errors.read_text(errors="replace") if args.errors.exists() else ""
    gate = re.search(r"gate: (\d+) must results? fail", errors)
    record.update({
        # The findings themselves: the same world must give the same report with or without added
        # RTT; a run that timed out somewhere would be fast and different.
        "outputSHA256": findings_digest(args.output),
        "mustFailures": int(gate.group(1)) if gate else (0 if args.exit_code == 0 else None),
        "statsWallSeconds": dig(stats, "wallSeconds"),
        "collectSeconds": dig(stats, "collectSeconds"),
        "allocator": dig(stats, "allocator"),
        "smtpRetries": smtp.get("retries"),
        "maxConnectionsPerAddress": smtp.get("maximumConnectionsPerAddress"),
        "dnsQueriesPerDomain": per_domain(dns.get("queriesSent")),
        "smtpTLSHandshakesPerDomain": per_domain(smtp.get("tlsHandshakes")),
        "smtpConnectionsPerDomain": per_domain(smtp.get("connections")),
        "httpsPolicyFetchesPerDomain": per_domain(https.get("policyFetches")),
        "dnsCacheHitRate": hit_rate(dns.get("cacheHits"), dns.get("cacheMisses")),
        "zoneCacheHitRate": hit_rate(dns.get("zoneValidationCacheHits"), dns.get("zoneValidations")),
        "endpointCacheHitRate": hit_rate(smtp.get("endpointCacheHits"), smtp.get("endpointProbes")),
        "signatureChecksPerDomain": per_domain(dns.get("signatureChecks")),
        "signatureCacheHitRate": hit_rate(dns.get("signatureCheckCacheHits"), dns.get("signatureChecks")),
        "dnsTimeouts": dns.get("timeouts"),
        "dnsTCPQueries": dns.get("tcpQueries"),
        "stats": stats,
    })
    write(args.out, record)
    print(f"  mxaudit {args.label}: {fmt(domains, 'd') if domains is not None else 'n/a'} domains in "
          f"{fmt(timing['wallSeconds'], '.2f', ' s')} = {fmt(record['domainsPerSecond'], '.1f')} domains/s, "
          f"peak RSS {fmt(timing['peakRSSMB'], '.0f', ' MB')}, CPU {fmt(timing['cpuSeconds'], '.1f', ' s')}, "
          f"exit {args.exit_code}, {fmt(record['mustFailures'], 'd')} 'must' failures")
    print(f"    per domain: {fmt(record['dnsQueriesPerDomain'], '.2f')} DNS queries, "
          f"{fmt(record['smtpTLSHandshakesPerDomain'], '.3f')} SMTP TLS handshakes, "
          f"{fmt(record['httpsPolicyFetchesPerDomain'], '.3f')} HTTPS policy fetches; cache hit rates: "
          f"DNS {pct(record['dnsCacheHitRate'])}, chain-of-trust zones {pct(record['zoneCacheHitRate'])}, "
          f"SMTP endpoints {pct(record['endpointCacheHitRate'])}, RRSIG checks {pct(record['signatureCacheHitRate'])} "
          f"({fmt(record['signatureChecksPerDomain'], '.2f')} run per domain)")
    print(f"    collection {fmt(record['collectSeconds'], '.2f', ' s')} of {fmt(record['statsWallSeconds'], '.2f', ' s')} "
          f"in-process; DNS timeouts {fmt(record['dnsTimeouts'], 'd')}, TCP queries {fmt(record['dnsTCPQueries'], 'd')}, "
          f"SMTP retries {fmt(record['smtpRetries'], 'd')}, most connections to one address at once "
          f"{fmt(record['maxConnectionsPerAddress'], 'd')}; malloc: {record['allocator'] or 'n/a'}")


def cmd_peer(args) -> None:
    """checkdmarc's figures, and a sanity count that it really reached the testbed."""
    timing = parse_time_v(args.time)
    requested = [line.strip() for line in args.domains.read_text().splitlines() if line.strip()]
    results = load_json(args.results)
    if isinstance(results, dict):  # one domain: checkdmarc writes an object, not a list
        results = [results]
    results = results or []
    with_mx = sum(1 for r in results if dig(r, "mx", "hosts"))
    starttls = sum(1 for r in results for h in (dig(r, "mx", "hosts") or []) if h.get("starttls"))
    sts_valid = sum(1 for r in results if dig(r, "mta_sts", "valid"))
    dnssec = sum(1 for r in results if r.get("dnssec") is True)
    # The testbed's catalogue says which zones are signed: checkdmarc must agree, or it did not
    # really resolve (a peer that fails fast would look fast).
    expected = {d["name"]: d.get("expect", {}) for d in (dig(load_json(args.catalogue), "domains") or [])}
    dnssec_agrees = sum(1 for r in results
                        if (r.get("dnssec") is True) == (expected.get(r.get("domain"), {}).get("dnssec") == "secure"))
    record = run_record(args, "checkdmarc", len(results), timing)
    record.update({"requested": len(requested), "withMXHosts": with_mx, "mxHostsWithSTARTTLS": starttls,
                   "mtaStsValid": sts_valid, "dnssecTrue": dnssec, "dnssecAgreesWithCatalogue": dnssec_agrees})
    write(args.out, record)
    print(f"  checkdmarc {args.label}: {len(results)}/{len(requested)} domains in "
          f"{fmt(timing['wallSeconds'], '.2f', ' s')} = {fmt(record['domainsPerSecond'], '.2f')} domains/s, "
          f"peak RSS {fmt(timing['peakRSSMB'], '.0f', ' MB')}, exit {args.exit_code}")
    print(f"    reached the testbed: {with_mx} domains with MX hosts, {starttls} MX hosts with STARTTLS, "
          f"{sts_valid} valid MTA-STS, {dnssec} DNSSEC-signed; DNSSEC as the catalogue says: "
          f"{dnssec_agrees}/{len(results)}")
    if len(results) != len(requested) or dnssec_agrees != len(results) or (requested and with_mx == 0):
        print("    WARNING: checkdmarc did not report on every domain, or found no MX at all: "
              "its figures are not comparable", file=sys.stderr)


def cmd_delay(args) -> None:
    baseline, delayed = load_json(args.baseline), load_json(args.delayed)
    udp = [load_json(path) for path in args.udp]
    added = None
    base_p50, with_p50 = dig(baseline, "connectMs", "p50"), dig(delayed, "connectMs", "p50")
    if base_p50 is not None and with_p50 is not None:
        added = with_p50 - base_p50
    record = {"label": args.label, "tool": "delayer", "rttMs": args.rtt_ms,
              "tcpConnectMs": {"without": dig(baseline, "connectMs"), "with": dig(delayed, "connectMs")},
              "addedRTTMs": added, "digQueryMs": {"without": args.dig_ms[0], "with": args.dig_ms[1]},
              "udpProbes": udp}
    write(args.out, record)
    print(f"  added round-trip time: TCP connect p50 {fmt(base_p50, '.3f')} ms -> {fmt(with_p50, '.3f')} ms "
          f"(+{fmt(added, '.2f')} ms, target {args.rtt_ms:g} ms); dig query time "
          f"{args.dig_ms[0]} ms -> {args.dig_ms[1]} ms")
    if added is None or abs(added - args.rtt_ms) > 2:
        print(f"  WARNING: the added RTT is not the {args.rtt_ms:g} ms asked for: the latency figures are off",
              file=sys.stderr)
    for probe in udp:
        if not probe:
            print("  UDP probe: no result")
            continue
        one_way = probe.get("oneWayMs") or {}
        print(f"  UDP probe at {probe.get('rate')} packets/s: sent {probe.get('sent')} at {probe.get('sendRate')}/s, lost {probe.get('lost')}, one-way delay "
              f"min {fmt(one_way.get('min'), '.3f')} p50 {fmt(one_way.get('p50'), '.3f')} "
              f"p99 {fmt(one_way.get('p99'), '.3f')} max {fmt(one_way.get('max'), '.3f')} ms")


def cmd_delayer(args) -> None:
    record = load_json(args.into) or {}
    stats = load_json(args.stats)
    record["delayer"] = stats
    write(args.into, record)
    late = dig(stats, "lateUs") or {}
    print(f"  delayer: {dig(stats, 'packets')} packets held, peak {dig(stats, 'peakPacketsPerSecond')} packets/s, "
          f"at most {dig(stats, 'maxHeld')} held at once; release late by p50 {late.get('p50')} us, "
          f"p99 {late.get('p99')} us, max {late.get('max')} us; errors: verdict {dig(stats, 'verdictErrors')}, "
          f"receive {dig(stats, 'recvErrors')}")
    if stats is None or dig(stats, "verdictErrors") or dig(stats, "recvErrors") or dig(stats, "ringOverflows"):
        print("  WARNING: the delayer reported errors (or no statistics): packets may have passed undelayed "
              "or been dropped", file=sys.stderr)


def cmd_final(args) -> None:
    records = [load_json(path) for path in sorted(args.runs.glob("*.json"))]
    records = [r for r in records if isinstance(r, dict) and "tool" in r]
    runs = [r for r in records if r["tool"] in ("mxaudit", "checkdmarc")]
    comparisons = []
    for rtt in sorted({r["rttMs"] for r in runs}):
        mine = [r for r in runs if r["tool"] == "mxaudit" and r["rttMs"] == rtt and r["scale"] == args.peer_scale]
        peer = [r for r in runs if r["tool"] == "checkdmarc" and r["rttMs"] == rtt]
        if mine and peer:
            # Several rounds (alternating tools): the ratio of the two medians, and each round's own.
            mine_rate = statistics.median(r["domainsPerSecond"] for r in mine)
            peer_rate = statistics.median(r["domainsPerSecond"] for r in peer)
            comparisons.append({"rttMs": rtt, "scale": args.peer_scale,
                                "mxauditDomainsPerSecond": mine_rate,
                                "checkdmarcDomainsPerSecond": peer_rate,
                                "checkdmarcDomains": peer[-1]["domains"],
                                "rounds": len(mine) if len(mine) == len(peer) else None,
                                "roundRatios": [ratio(m["domainsPerSecond"], p["domainsPerSecond"])
                                                for m, p in zip(mine, peer)] if len(mine) == len(peer) else [],
                                "ratio": ratio(mine_rate, peer_rate)})
    consistency = []
    for scale in sorted({r["scale"] for r in runs if r["tool"] == "mxaudit"}):
        same_world = [r for r in runs if r["tool"] == "mxaudit" and r["scale"] == scale]
        for other in same_world[1:]:
            consistency.append({"scale": scale, "runs": [same_world[0]["label"], other["label"]],
                                "sameFindings": other.get("outputSHA256") == same_world[0].get("outputSHA256")})
    meta = {key: number_or_text(value) if key in NUMERIC_META else value
            for key, value in (item.split("=", 1) for item in args.meta)}
    delay = next((r for r in records if r["tool"] == "delayer"), None)
    write(args.out, {"version": 1, **meta, "runs": runs, "comparisons": comparisons,
                     "consistency": consistency, "delay": delay})

    header = ["run", "tool", "RTT", "domains", "wall s", "domains/s", "peak RSS MB", "DNS q/dom",
              "TLS hs/dom", "DNS hit", "zone hit", "endpoint hit"]
    rows = [[r["label"], r["tool"], f"{r['rttMs']:g} ms", fmt(r["domains"], "d"), fmt(r["wallSeconds"], ".2f"),
             fmt(r["domainsPerSecond"], ".1f" if (r["domainsPerSecond"] or 0) >= 10 else ".2f"),
             fmt(r["peakRSSMB"], ".0f"),
             fmt(r.get("dnsQueriesPerDomain"), ".2f"), fmt(r.get("smtpTLSHandshakesPerDomain"), ".3f"),
             pct(r.get("dnsCacheHitRate")), pct(r.get("zoneCacheHitRate")), pct(r.get("endpointCacheHitRate"))]
            for r in runs]
    print_table(header, rows)
    for c in comparisons:
        rounds = c["roundRatios"]
        medians = f"medians of {len(rounds)} rounds, " if len(rounds) > 1 else ""
        each = f"; by round {', '.join(fmt(r, '.2f') + 'x' for r in rounds)}" if len(rounds) > 1 else ""
        print(f"mxaudit / checkdmarc at {c['rttMs']:g} ms added RTT ({c['scale']}-domain world, checkdmarc over "
              f"{c['checkdmarcDomains']} domains, {medians}domains/s): {fmt(c['mxauditDomainsPerSecond'], '.1f')} / "
              f"{fmt(c['checkdmarcDomainsPerSecond'], '.2f')} = {fmt(c['ratio'], '.2f')}x{each}")
    for c in consistency:
        verdict = "the same findings" if c["sameFindings"] else "DIFFERENT findings (a timeout or a failure; see .bench/raw)"
        print(f"{c['runs'][1]} vs {c['runs'][0]}: {verdict}")
    if delay:
        print(f"added RTT measured: +{fmt(delay.get('addedRTTMs'), '.2f')} ms (TCP connect p50; target {delay['rttMs']:g} ms)")
    print(f"results: {args.out}")


NUMERIC_META = {"cores", "rttMs", "load1"}


def number_or_text(value: str):
    try:
        return json.loads(value) if re.fullmatch(r"-?\d+(\.\d+)?", value) else value
    except json.JSONDecodeError:
        return value


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i > 1 else str(c).ljust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def write(path: Path, document) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("domains")
    p.add_argument("--inventory", type=Path, required=True)
    p.add_argument("--limit", type=int, default=0)
    p.set_defaults(func=cmd_domains)

    def run_arguments(p):
        p.add_argument("--label", required=True)
        p.add_argument("--scale", type=int, required=True)
        p.add_argument("--rtt-ms", type=float, required=True)
        p.add_argument("--time", type=Path, required=True)
        p.add_argument("--exit-code", type=int, required=True)
        p.add_argument("--out", type=Path, required=True)

    p = sub.add_parser("mxaudit")
    run_arguments(p)
    p.add_argument("--stats", type=Path)
    p.add_argument("--inventory", type=Path, required=True)
    p.add_argument("--output", type=Path, required=True)
    p.add_argument("--errors", type=Path, required=True)
    p.set_defaults(func=cmd_mxaudit)

    p = sub.add_parser("peer")
    run_arguments(p)
    p.add_argument("--results", type=Path, required=True)
    p.add_argument("--domains", type=Path, required=True)
    p.add_argument("--catalogue", type=Path, required=True)
    p.set_defaults(func=cmd_peer)

    p = sub.add_parser("delay")
    p.add_argument("--label", required=True)
    p.add_argument("--rtt-ms", type=float, required=True)
    p.add_argument("--baseline", type=Path, required=True)
    p.add_argument("--delayed", type=Path, required=True)
    p.add_argument("--udp", type=Path, nargs="*", default=[])
    p.add_argument("--dig-ms", nargs=2, default=["n/a", "n/a"])
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_delay)

    p = sub.add_parser("delayer")
    p.add_argument("--stats", type=Path, required=True)
    p.add_argument("--into", type=Path, required=True)
    p.set_defaults(func=cmd_delayer)

    p = sub.add_parser("final")
    p.add_argument("--runs", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--peer-scale", type=int, default=1000)
    p.add_argument("--meta", nargs="*", default=[])
    p.set_defaults(func=cmd_final)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
