import MXAuditModel

/// DMARC (RFC 7489): the one `v=DMARC1` record at `_dmarc.<domain>` and, for every report
/// destination in another organisation, its authorisation record (RFC 7489 §7.1):
/// `<domain>._report._dmarc.<destination>` with a `v=DMARC1` TXT record.
///
/// "Another organisation" is judged without the Public Suffix List: a destination that is the
/// domain, a name below it or a name above it is the same organisation; anything else is
/// external. Sibling names under one registered domain are therefore checked too.
public struct DMARCEvaluator: Sendable {
    /// At most this many external destinations are checked; more are reported, not looked up.
    public static let maximumExternalDestinations = 10

    private let lookup: TXTLookup

    public init(lookup: @escaping TXTLookup) { self.lookup = lookup }

    public func evaluate(domain: String, txt: Observation<TXTRecordSet>) async -> Observation<DMARCRecord> {
        let domain = SPFEvaluator.normalise(domain)
        return await VersionedTXT.discover(txt, protocolName: "v=DMARC1", matches: DMARCRecordParser.isDMARC, single: { text in
            var record = DMARCRecordParser.parse(text)
            var destinations: [String] = []
            for uri in (record.rua + record.ruf).map({ ReportURI($0) }) {
                guard let destination = uri.domain, !Self.sameOrganisation(destination, domain),
                      !destinations.contains(destination) else { continue }
                destinations.append(destination)
            }
            if destinations.count > Self.maximumExternalDestinations {
                record.warnings.append(LintFinding(id: "external_not_checked", message: "only the first \(Self.maximumExternalDestinations) of \(destinations.count) external report destinations were checked"))
            }
            for destination in destinations.prefix(Self.maximumExternalDestinations) {
                record.externalAuthorisations[destination] = await authorisation(of: domain, at: destination)
            }
            return record
        }, multiple: { finding in
            DMARCRecord(policy: nil, subdomainPolicy: nil, percentage: 100, rua: [], ruf: [], externalAuthorisations: [:],
                        errors: [finding], warnings: [])
        })
    }

    /// Whether `destination` publishes `<domain>._report._dmarc.<destination>` with `v=DMARC1`.
    private func authorisation(of domain: String, at destination: String) async -> Observation<Bool> {
        let name = "\(domain)._report._dmarc.\(destination)"
        return await lookup(name).map { set in set.records.contains { DMARCRecordParser.isDMARC($0.joined) } }
    }

    static func sameOrganisation(_ one: String, _ other: String) -> Bool {
        one == other || one.hasSuffix("." + other) || other.hasSuffix("." + one)
    }
}
