import Foundation
import MXAuditDNS
import MXAuditModel
import MXAuditRecords

/// Collects every piece of evidence for one domain. Independent lookups overlap; the SMTP probes
/// and the policy fetch start as soon as the DNS facts they need are known.
public struct DomainCollector: Sendable {
    public let environment: AuditEnvironment

    public init(environment: AuditEnvironment) { self.environment = environment }

    public func collect(_ domain: InventoryDomain) async -> DomainEvidence {
        let started = Date()
        let name = domain.name.ascii
        let dns = environment.dns
        let txtLookup: TXTLookup = { await dns.txt($0) }

        async let zone = zoneVerdict(name)
        async let mxObservation = MXCollector(dns: dns).collect(domain: name)
        async let stsTXT = dns.txt("_mta-sts.\(name)")
        async let tlsrptTXT = dns.txt("_smtp._tls.\(name)")
        async let apexTXT = dns.txt(name)
        async let dmarcTXT = dns.txt("_dmarc.\(name)")
        async let domainKeys = dns.exists("_domainkey.\(name)")
        async let selectors = dkimSelectors(domain)

        // The policy fetch needs only the MX host names (for coverage), not the probes.
        let mxFound = await mxObservation
        async let probed = probeEndpoints(mxFound)
        let mtaSTS = await mtaSTSEvidence(domain: name, txt: await stsTXT, mx: mxFound)
        let mx = await probed
        let spfTXT = await apexTXT
        let spf = SPFEvidence(txt: spfTXT, record: await SPFEvaluator(lookup: txtLookup).evaluate(domain: name, txt: spfTXT))
        let dmarcRecords = await dmarcTXT
        let dmarc = DMARCEvidence(txt: dmarcRecords, record: await DMARCEvaluator(lookup: txtLookup).evaluate(domain: name, txt: dmarcRecords))
        let tlsrptRecords = await tlsrptTXT
        let tlsRPT = TLSRPTEvidence(txt: tlsrptRecords, record: TLSRPTParser.parse(tlsrptRecords))
        let dkim = DKIMEvidence(domainKeyNode: await domainKeys, selectors: await selectors)

        return DomainEvidence(domain: domain.name, collectedAt: started, finishedAt: Date(), zoneDNSSEC: await zone,
                              mx: mx, mtaSTS: mtaSTS, tlsRPT: tlsRPT, spf: spf, dmarc: dmarc, dkim: dkim)
    }

    /// The DNSSEC state of the domain's zone, read from its SOA (or the proof that it has none).
    func zoneVerdict(_ name: String) async -> DNSSECVerdict {
        switch await environment.dns.lookup.lookup(name, DNSType.soa) {
        case .success(let answer): return answer.dnssec
        case .failure(let failure): return DNSSECVerdict(.indeterminate, reason: "SOA lookup failed: \(failure.message)")
        }
    }

    /// One STARTTLS probe per address of every MX host, with that host's TLSA RRset for DANE.
    func probeEndpoints(_ observation: Observation<MXEvidence>) async -> Observation<MXEvidence> {
        guard case .present(var evidence) = observation else { return observation }
        let prober = environment.prober
        let targets = evidence.hosts.enumerated().flatMap { index, host in
            (host.ipv4.value?.addresses ?? []).map { (index, $0, AddressFamily.ipv4) }
                + (host.ipv6.value?.addresses ?? []).map { (index, $0, AddressFamily.ipv6) }
        }
        let results = await withTaskGroup(of: (Int, SMTPEndpointEvidence).self) { group in
            for (order, target) in targets.enumerated() {
                let host = evidence.hosts[target.0]
                group.addTask {
                    (order, await prober.probe(address: target.1, family: target.2, serverName: Self.serverName(host), tlsa: host.tlsa))
                }
            }
            var collected: [(Int, SMTPEndpointEvidence)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for (target, endpoint) in zip(targets, results) { evidence.hosts[target.0].endpoints.append(endpoint) }
        return .present(evidence)
    }

    /// The SNI name: the TLSA base domain when TLSA was found at a CNAME-expanded name (RFC 7672
    /// §8.1), else the MX host name.
    static func serverName(_ host: MXHostEvidence) -> String {
        if let owner = host.tlsa.value?.owner, owner.hasPrefix("_25._tcp.") { return String(owner.dropFirst("_25._tcp.".count)) }
        return host.name
    }

    func mtaSTSEvidence(domain: String, txt: Observation<TXTRecordSet>, mx: Observation<MXEvidence>) async -> MTASTSEvidence {
        let record = STSRecordParser.discover(txt)
        guard let stsRecord = record.value, stsRecord.isValid else {
            let reason = "no usable MTA-STS TXT record, so senders fetch no policy (RFC 8461 §3.1)"
            return MTASTSEvidence(txt: txt, record: record, fetch: .skipped(reason), policy: .skipped(reason), coverage: [])
        }
        let policyHost = "mta-sts.\(domain)"
        async let v4 = environment.dns.addresses(policyHost, type: DNSType.a)
        async let v6 = environment.dns.addresses(policyHost, type: DNSType.aaaa)
        let addresses = ((await v4).0.value?.addresses ?? []) + ((await v6).0.value?.addresses ?? [])
        let fetch: Observation<HTTPFetch>
        if addresses.isEmpty {
            let failure = [(await v4).0.failure, (await v6).0.failure].compactMap { $0 }.first
            fetch = .failed(failure ?? Failure(.dnsError, "\(policyHost) has no A or AAAA records, so the policy cannot be fetched"))
        } else {
            environment.counters.policyFetchStarted()
            fetch = await environment.policyFetcher.fetchPolicy(domain: domain, addresses: addresses)
        }
        let policy = MTASTSPolicyParser.policy(from: fetch)
        let hosts = mx.value?.hosts.map(\.name) ?? []
        let coverage = policy.value.map { MXPatternMatcher.coverage(hosts: hosts, patterns: $0.mx) } ?? []
        return MTASTSEvidence(txt: txt, record: record, fetch: fetch, policy: policy, coverage: coverage)
    }

    func dkimSelectors(_ domain: InventoryDomain) async -> [DKIMSelectorEvidence] {
        var result: [DKIMSelectorEvidence] = []
        for selector in domain.dkimSelectors {
            let txt = await environment.dns.txt("\(selector)._domainkey.\(domain.name.ascii)")
            result.append(DKIMSelectorEvidence(selector: selector, key: DKIMKeyParser.parse(txt)))
        }
        return result
    }
}
