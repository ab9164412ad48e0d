import Foundation
import MXAuditModel
@testable import MXAuditStore

/// Hand-made evidence and judgements: a domain described in a few fields, turned into a full
/// `DomainEvidence` and judged by a tiny stand-in for the rule engine, so that a change of the
/// evidence moves the results the way real rules would.
struct DomainSpec {
    var name: String
    var client: String
    var hosts: [HostSpec]
    var stsID: String? = nil
    var policy: PolicySpec? = nil

    struct PolicySpec {
        var mode: MTASTSPolicy.Mode
        var mx: [String]
        var maxAge: Int
    }
}

struct HostSpec {
    var name: String
    var preference: Int
    var address: String
    /// Published TLSA records; empty: no TLSA RRset (DANE does not apply).
    var tlsa: [TLSARecord] = []
    var certificate: CertificateInfo

    /// What OpenSSL's DANE engine would say of this certificate against these records.
    var dane: DANEVerdict.Status {
        guard !tlsa.isEmpty else { return .notApplicable }
        return tlsa.contains { $0.usage == 3 && $0.selector == 1 && $0.matchingType == 1 && $0.data == certificate.spkiSHA256 } ? .valid : .invalid
    }
}

enum Fixtures {
    /// Whole seconds: the evidence's ISO 8601 dates and the store's timestamps keep no fractions.
    static let day0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let ruleset = RulesetReference(id: "test-rules", version: "1.0", digest: String(repeating: "a", count: 64))

    static func certificate(host: String, serial: String, key: String, issuer: String = "CN=Test CA",
                            notAfter: Date = day0.addingTimeInterval(365 * 86_400)) -> CertificateInfo {
        CertificateInfo(subject: "CN=\(host)", issuer: issuer, serialNumber: serial, notBefore: day0.addingTimeInterval(-86_400),
                        notAfter: notAfter, subjectAltNames: [host], keyType: "EC", keyBits: 256,
                        signatureAlgorithm: "ecdsa-with-SHA256", spkiSHA256: key, derBase64: "")
    }

    static func host(_ name: String, preference: Int = 10, address: String, key: String, tlsaFor tlsaKey: String? = nil,
                     serial: String = "01") -> HostSpec {
        HostSpec(name: name, preference: preference, address: address,
                 tlsa: tlsaKey.map { [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: $0)] } ?? [],
                 certificate: certificate(host: name, serial: serial, key: key))
    }

    static func evidence(_ spec: DomainSpec, at date: Date = day0) -> DomainEvidence {
        let secure = DNSSECVerdict(.secure, zone: spec.name)
        let hosts = spec.hosts.map { host in
            MXHostEvidence(
                name: host.name, preference: host.preference,
                ipv4: .present(AddressSet(addresses: [host.address], dnssec: secure)), ipv6: .absent("NODATA"),
                tlsa: host.tlsa.isEmpty ? .absent("NXDOMAIN (NSEC proof)")
                    : .present(TLSAEvidence(owner: "_25._tcp.\(host.name)", records: host.tlsa, dnssec: secure, lint: [])),
                endpoints: [SMTPEndpointEvidence(
                    address: host.address, family: .ipv4, serverName: host.name,
                    banner: .present(SMTPReply(code: 220, lines: ["\(host.name) ESMTP"])),
                    ehlo: .present(SMTPReply(code: 250, lines: [host.name, "STARTTLS"])), starttlsOffered: true,
                    starttlsReply: .present(SMTPReply(code: 220, lines: ["ready"])),
                    tls: .present(TLSSession(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", group: "x25519",
                                             chain: [host.certificate], webPKI: CertificateVerdict(valid: true, daysToExpiry: 365),
                                             dane: DANEVerdict(status: host.dane))),
                    capabilities: .skipped("not probed in fixtures"), durationMilliseconds: 40)])
        }
        let mx = MXEvidence(kind: .explicit, records: spec.hosts.map { MXRecord(preference: $0.preference, exchange: $0.name) },
                            dnssec: secure, hosts: hosts)
        return DomainEvidence(domain: try! DomainName(spec.name), collectedAt: date, finishedAt: date.addingTimeInterval(2),
                              zoneDNSSEC: secure, mx: .present(mx), mtaSTS: mtaSTS(spec), tlsRPT: TLSRPTEvidence(txt: .absent("NXDOMAIN"), record: .absent("no record")),
                              spf: SPFEvidence(txt: .absent("NODATA"), record: .absent("no record")),
                              dmarc: DMARCEvidence(txt: .absent("NXDOMAIN"), record: .absent("no record")),
                              dkim: DKIMEvidence(domainKeyNode: .absent("NXDOMAIN"), selectors: []))
    }

    private static func mtaSTS(_ spec: DomainSpec) -> MTASTSEvidence {
        guard let id = spec.stsID, let policy = spec.policy else {
            return MTASTSEvidence(txt: .absent("NXDOMAIN"), record: .absent("no v=STSv1 record"), fetch: .skipped("no record"),
                                  policy: .skipped("no record"), coverage: [])
        }
        let body = "version: STSv1\nmode: \(policy.mode.rawValue)\n" + policy.mx.map { "mx: \($0)\n" }.joined() + "max_age: \(policy.maxAge)\n"
        let webCertificate = certificate(host: "mta-sts.\(spec.name)", serial: "99", key: "web-key")
        return MTASTSEvidence(
            txt: .present(TXTRecordSet(name: "_mta-sts.\(spec.name)", records: [TXTRecord(strings: ["v=STSv1; id=\(id)"])],
                                       dnssec: DNSSECVerdict(.secure))),
            record: .present(STSRecord(id: id, extensions: [:], errors: [], warnings: [])),
            fetch: .present(HTTPFetch(url: "https://mta-sts.\(spec.name)/.well-known/mta-sts.txt", address: "127.60.1.1", status: 200,
                                      contentType: "text/plain", redirectLocation: nil, body: body, bodyBytes: body.utf8.count,
                                      truncated: false, tlsVersion: "TLSv1.3", certificate: webCertificate,
                                      webPKI: CertificateVerdict(valid: true, daysToExpiry: 365))),
            policy: .present(MTASTSPolicy(version: "STSv1", mode: policy.mode, mx: policy.mx, maxAge: policy.maxAge, errors: [],
                                          warnings: [], lenientMode: policy.mode, lenientMX: policy.mx, lenientMaxAge: policy.maxAge)),
            // Exact names only: the fixtures' policies name their hosts.
            coverage: spec.hosts.map { host in MXCoverage(host: host.name, matchedPattern: policy.mx.first { $0 == host.name }) })
    }
}

extension Fixtures {
    /// A stored run built in memory, for the pure differ.
    static func storedRun(id: Int64, _ specs: [DomainSpec], ruleset: RulesetReference = ruleset, clients: [Client]? = nil,
                          settings: AuditSettings = AuditSettings(), unrecorded: Set<String> = [],
                          judge: ((DomainEvidence, String) -> DomainJudgement)? = nil) -> StoredRun {
        let startedAt = day0.addingTimeInterval(Double(id) * 86_400)
        let run = AuditRun(id: id, startedAt: startedAt, finishedAt: startedAt.addingTimeInterval(60), mxauditVersion: MXAuditVersion.current,
                           inventoryHash: "inventory", rulesets: [ruleset], settings: settings, status: unrecorded.isEmpty ? .complete : .incomplete)
        let domains = specs.map { spec -> StoredDomain in
            guard !unrecorded.contains(spec.name) else { return StoredDomain(domain: spec.name, clientID: spec.client, judgement: nil, facts: nil) }
            let evidence = Fixtures.evidence(spec, at: startedAt)
            return StoredDomain(domain: spec.name, clientID: spec.client,
                                judgement: judge?(evidence, spec.client) ?? FixtureRules.judge(evidence, client: spec.client, ruleset: ruleset),
                                facts: EvidenceFacts(evidence))
        }
        return StoredRun(run: run, clients: clients ?? FixtureRules.clients(specs, rulesets: [ruleset.id]), domains: domains)
    }
}
