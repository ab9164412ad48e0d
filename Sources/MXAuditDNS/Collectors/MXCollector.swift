import MXAuditModel

/// Collects the MX RRset of a domain and, for every host it names, the addresses and the TLSA
/// RRset (RFC 5321 §5.1, RFC 7505, RFC 7672 §2.2). SMTP endpoints are left empty for the prober.
public struct MXCollector: Sendable {
    public let dns: DNSObservations

    public init(dns: DNSObservations) { self.dns = dns }

    public func collect(domain: String) async -> Observation<MXEvidence> {
        let result = await dns.lookup.lookup(domain, DNSType.mx)
        let answer: DNSAnswer
        switch result {
        case .failure(let failure): return .failed(failure)
        case .success(let value): answer = value
        }
        if answer.isNXDOMAIN {
            if answer.dnssec.status == .bogus { return .failed(Failure(.bogus, answer.dnssec.reason ?? "bogus NXDOMAIN")) }
            return .absent("\(domain) does not exist (NXDOMAIN\(DNSObservations.proofNote(answer.dnssec)))")
        }
        if answer.records.isEmpty && answer.dnssec.status == .bogus {
            return .failed(Failure(.bogus, answer.dnssec.reason ?? "the absence of MX records is bogus"))
        }
        let records = answer.records.compactMap(Self.mxRecord).sorted { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) }
        let kind: MXKind
        var hostRecords: [MXRecord]
        if records.isEmpty {
            // No MX RRset: the domain itself is the implicit MX (RFC 5321 §5.1).
            kind = .implicit
            hostRecords = [MXRecord(preference: 0, exchange: domain)]
        } else {
            let nullRecords = records.filter { $0.exchange == "." }
            kind = nullRecords.isEmpty ? .explicit : (records.count == 1 && nullRecords[0].preference == 0 ? .nullMX : .nullMixed)
            hostRecords = records.filter { $0.exchange != "." }
        }
        var seen = Set<String>()
        hostRecords = hostRecords.filter { seen.insert($0.exchange).inserted }
        let hosts = await withTaskGroup(of: (Int, MXHostEvidence).self) { group in
            for (index, record) in hostRecords.enumerated() {
                group.addTask { (index, await self.host(record)) }
            }
            var collected: [(Int, MXHostEvidence)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return .present(MXEvidence(kind: kind, records: records, dnssec: answer.dnssec, hosts: hosts))
    }

    static func mxRecord(_ record: DNSRecord) -> MXRecord? {
        guard record.fields.count >= 2, let preference = Int(record.fields[0]) else { return nil }
        // The null MX target is the root: keep it as "." (RFC 7505) rather than an empty name.
        let exchange = record.fields[1] == "." ? "." : DNSResolver.normalise(record.fields[1])
        return MXRecord(preference: preference, exchange: exchange)
    }

    func host(_ record: MXRecord) async -> MXHostEvidence {
        let name = record.exchange
        async let v4 = dns.addresses(name, type: DNSType.a)
        async let v6 = dns.addresses(name, type: DNSType.aaaa)
        let (ipv4, answer4) = await v4
        let (ipv6, answer6) = await v6
        let canonical = [answer4, answer6].compactMap { $0 }.first { !$0.cnameChain.isEmpty }?.canonicalName
        let tlsa = await tlsa(host: name, canonicalName: canonical, addressAnswers: [ipv4, ipv6])
        return MXHostEvidence(name: name, preference: record.preference, cnameTarget: canonical,
                              ipv4: ipv4, ipv6: ipv6, tlsa: tlsa, endpoints: [])
    }

    /// RFC 7672 §2.2: TLSA is used only where the host's address records (and any CNAME chain) are
    /// secure; the expanded name is tried first, then the original. Where they are insecure the
    /// TLSA RRset is still looked up, so a TLSA published where it cannot be anchored is reported.
    func tlsa(host: String, canonicalName: String?, addressAnswers: [Observation<AddressSet>]) async -> Observation<TLSAEvidence> {
        let present = addressAnswers.compactMap(\.value)
        if let failure = addressAnswers.compactMap(\.failure).first(where: { $0.kind == .bogus }) {
            return .failed(Failure(.bogus, "the addresses of \(host) are bogus, so its TLSA RRset cannot be used: \(failure.message)"))
        }
        guard !present.isEmpty else {
            if let failure = addressAnswers.compactMap(\.failure).first {
                return .failed(Failure(failure.kind, "the addresses of \(host) could not be looked up: \(failure.message)"))
            }
            return .skipped("\(host) has no A or AAAA records")
        }
        let addressesSecure = present.allSatisfy { $0.dnssec.status == .secure }
        let candidates = [canonicalName, host].compactMap { $0 }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var result: Observation<TLSAEvidence> = .absent("no TLSA records")
        for candidate in candidates {
            let owner = "_25._tcp.\(candidate)"
            result = await dns.observe(owner, DNSType.tlsa) { answer in
                let records = answer.records.compactMap(TLSALint.record)
                return TLSAEvidence(owner: owner, records: records, dnssec: answer.dnssec, lint: TLSALint.findings(records))
            }
            if case .absent = result { continue }
            break
        }
        if !addressesSecure, case .absent = result {
            return .skipped("the addresses of \(host) are not DNSSEC-secure, so DANE does not apply (RFC 7672 §2.2)")
        }
        if case .present(let evidence) = result, evidence.dnssec.status == .bogus {
            return .failed(Failure(.bogus, "the TLSA RRset at \(evidence.owner) is bogus: \(evidence.dnssec.reason ?? "")"))
        }
        return result
    }
}
