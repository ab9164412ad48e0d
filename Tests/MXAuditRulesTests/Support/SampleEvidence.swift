import Foundation
import MXAuditModel

/// Hand-made evidence for rule tests: `good()` is a domain that meets every shipped rule (DNSSEC,
/// DANE with a rollover record, MTA-STS enforce, TLS 1.2/1.3 with forward-secret AEAD suites, IPv6,
/// SPF -all, DMARC reject, DKIM); each test changes one thing. `fullyPopulated()` also fills every
/// optional field and list, for the schema drift test.
enum SampleEvidence {
    static let domain = try! DomainName("good.example")
    static let host = "mx1.good.example"
    static let collectedAt = Date(timeIntervalSince1970: 1_790_000_000) // 2026-09-21
    static let secure = DNSSECVerdict(.secure, zone: "good.example")

    static func good(_ change: (inout DomainEvidence) -> Void = { _ in }) -> DomainEvidence {
        var evidence = DomainEvidence(
            domain: domain, collectedAt: collectedAt, finishedAt: collectedAt.addingTimeInterval(2), zoneDNSSEC: secure,
            mx: .present(MXEvidence(kind: .explicit, records: [MXRecord(preference: 10, exchange: host)], dnssec: secure,
                                    hosts: [mxHost()])),
            mtaSTS: mtaSTS(), tlsRPT: tlsRPT(), spf: spf(), dmarc: dmarc(), dkim: dkim())
        change(&evidence)
        return evidence
    }

    /// Changes every MX host.
    static func hosts(_ evidence: inout DomainEvidence, _ change: (inout MXHostEvidence) -> Void) {
        guard case .present(var mx) = evidence.mx else { return }
        for index in mx.hosts.indices { change(&mx.hosts[index]) }
        evidence.mx = .present(mx)
    }

    /// Changes every SMTP endpoint of every MX host.
    static func endpoints(_ evidence: inout DomainEvidence, _ change: (inout SMTPEndpointEvidence) -> Void) {
        hosts(&evidence) { host in
            for index in host.endpoints.indices { change(&host.endpoints[index]) }
        }
    }

    /// Changes the TLS session of every endpoint (which must have one).
    static func sessions(_ evidence: inout DomainEvidence, _ change: (inout TLSSession) -> Void) {
        endpoints(&evidence) { endpoint in
            guard var session = endpoint.tls.value else { return }
            change(&session)
            endpoint.tls = .present(session)
        }
    }

    static func capabilities(_ evidence: inout DomainEvidence, _ change: (inout TLSCapabilities) -> Void) {
        endpoints(&evidence) { endpoint in
            guard var capabilities = endpoint.capabilities.value else { return }
            change(&capabilities)
            endpoint.capabilities = .present(capabilities)
        }
    }

    static func policy(_ evidence: inout DomainEvidence, _ change: (inout MTASTSPolicy) -> Void) {
        guard var policy = evidence.mtaSTS.policy.value else { return }
        change(&policy)
        evidence.mtaSTS.policy = .present(policy)
    }

    static func failure(_ kind: Failure.Kind = .timeout) -> Failure { Failure(kind, "no answer within 30 s") }

    // MARK: - Parts

    static func mxHost() -> MXHostEvidence {
        let tlsa = TLSAEvidence(owner: "_25._tcp.\(host)", records: [
            TLSARecord(usage: 3, selector: 1, matchingType: 1, data: String(repeating: "ab", count: 32)),
            TLSARecord(usage: 3, selector: 1, matchingType: 1, data: String(repeating: "cd", count: 32)),
        ], dnssec: secure, lint: [])
        return MXHostEvidence(name: host, preference: 10,
                              ipv4: .present(AddressSet(addresses: ["192.0.2.25"], dnssec: secure)),
                              ipv6: .present(AddressSet(addresses: ["2001:db8::25"], dnssec: secure)),
                              tlsa: .present(tlsa),
                              endpoints: [endpoint("192.0.2.25", .ipv4), endpoint("2001:db8::25", .ipv6)])
    }

    static func endpoint(_ address: String, _ family: AddressFamily) -> SMTPEndpointEvidence {
        SMTPEndpointEvidence(
            address: address, family: family, serverName: host,
            banner: .present(SMTPReply(code: 220, lines: ["\(host) ESMTP"])),
            ehlo: .present(SMTPReply(code: 250, lines: [host, "PIPELINING", "STARTTLS"])),
            starttlsOffered: true, starttlsReply: .present(SMTPReply(code: 220, lines: ["2.0.0 Ready to start TLS"])),
            tls: .present(TLSSession(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", group: "x25519",
                                     chain: [certificate(host)], webPKI: CertificateVerdict(valid: true, daysToExpiry: 60),
                                     dane: DANEVerdict(status: .valid, matched: TLSARecord(usage: 3, selector: 1, matchingType: 1,
                                                                                            data: String(repeating: "ab", count: 32)),
                                                       matchedDepth: 0))),
            capabilities: .present(TLSCapabilities(
                versions: ["TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true], forwardSecretAEAD: true,
                ciphers: ["TLSv1.2": "ECDHE-ECDSA-AES256-GCM-SHA384", "TLSv1.3": "TLS_AES_256_GCM_SHA384"],
                groups: ["x25519", "secp256r1"], rating: "sufficient", ratingReasons: ["sufficient: accepts TLSv1.2"])),
            durationMilliseconds: 80)
    }

    static func certificate(_ name: String) -> CertificateInfo {
        CertificateInfo(subject: "CN=\(name)", issuer: "CN=Example Issuing CA", serialNumber: "01",
                        notBefore: collectedAt.addingTimeInterval(-30 * 86_400), notAfter: collectedAt.addingTimeInterval(60 * 86_400),
                        subjectAltNames: [name], keyType: "EC", keyBits: 256, signatureAlgorithm: "ecdsa-with-SHA256",
                        spkiSHA256: String(repeating: "ab", count: 32), derBase64: "MIIB")
    }

    static func txt(_ name: String, _ text: String) -> Observation<TXTRecordSet> {
        .present(TXTRecordSet(name: name, records: [TXTRecord(strings: [text])], dnssec: secure))
    }

    static func mtaSTS() -> MTASTSEvidence {
        let url = "https://mta-sts.good.example/.well-known/mta-sts.txt"
        let body = "version: STSv1\nmode: enforce\nmx: \(host)\nmax_age: 604800\n"
        return MTASTSEvidence(
            txt: txt("_mta-sts.good.example", "v=STSv1; id=20260101"),
            record: .present(STSRecord(id: "20260101", extensions: [:], errors: [], warnings: [])),
            fetch: .present(HTTPFetch(url: url, address: "192.0.2.80", status: 200, contentType: "text/plain; charset=utf-8",
                                      redirectLocation: nil, body: body, bodyBytes: body.utf8.count, truncated: false,
                                      tlsVersion: "TLSv1.3", certificate: certificate("mta-sts.good.example"),
                                      webPKI: CertificateVerdict(valid: true, daysToExpiry: 60))),
            policy: .present(MTASTSPolicy(version: "STSv1", mode: .enforce, mx: [host], maxAge: 604800, errors: [], warnings: [],
                                          lenientMode: .enforce, lenientMX: [host], lenientMaxAge: 604800)),
            coverage: [MXCoverage(host: host, matchedPattern: host)])
    }

    static func tlsRPT() -> TLSRPTEvidence {
        TLSRPTEvidence(txt: txt("_smtp._tls.good.example", "v=TLSRPTv1; rua=mailto:tlsrpt@good.example"),
                       record: .present(TLSRPTRecord(rua: ["mailto:tlsrpt@good.example"], errors: [], warnings: [])))
    }

    static func spf(_ text: String = "v=spf1 mx -all", qualifier: String? = "-", lookups: Int = 1) -> SPFEvidence {
        SPFEvidence(txt: txt("good.example", text),
                    record: .present(SPFRecord(text: text, allQualifier: qualifier, redirect: nil, dnsLookups: lookups, voidLookups: 0,
                                               lookupsComplete: true, errors: [], warnings: [])))
    }

    static func dmarc(_ policy: String? = "reject") -> DMARCEvidence {
        DMARCEvidence(txt: txt("_dmarc.good.example", "v=DMARC1; p=\(policy ?? "")"),
                      record: .present(DMARCRecord(policy: policy, subdomainPolicy: nil, percentage: 100,
                                                   rua: ["mailto:dmarc@good.example"], ruf: [], externalAuthorisations: [:],
                                                   errors: [], warnings: [])))
    }

    static func dkim() -> DKIMEvidence {
        DKIMEvidence(domainKeyNode: .present(true), selectors: [
            DKIMSelectorEvidence(selector: "sel1", key: .present(DKIMKey(keyType: "ed25519", keyBits: 256, revoked: false,
                                                                          errors: [], warnings: []))),
        ])
    }

    // MARK: - Every field filled

    /// Evidence with every optional field set and every list and map non-empty, so that its JSON
    /// shows every path of the schema.
    static func fullyPopulated() -> DomainEvidence {
        let finding = LintFinding(id: "example", message: "an example finding", line: 1)
        let verdict = DNSSECVerdict(.secure, reason: "validated", zone: "good.example", method: .validator)
        let txtSet = Observation.present(TXTRecordSet(name: "good.example", records: [TXTRecord(strings: ["a", "b"])], dnssec: verdict))
        let record = TLSARecord(usage: 3, selector: 1, matchingType: 1, data: "ab")
        let session = TLSSession(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", group: "x25519", chain: [certificate(host)],
                                 webPKI: CertificateVerdict(valid: false, problem: "expired", message: "expired", daysToExpiry: -1),
                                 dane: DANEVerdict(status: .valid, matched: record, matchedDepth: 0, message: "matched"))
        let capabilities = TLSCapabilities(versions: ["TLSv1.3": true], forwardSecretAEAD: true, ciphers: ["TLSv1.3": "TLS_AES_256_GCM_SHA384"],
                                           groups: ["x25519"], rating: "good", legacySuites: ["AES128-SHA"],
                                           ratingReasons: ["phase_out: AES128-SHA"], incomplete: ["TLSv1"])
        let endpoint = SMTPEndpointEvidence(address: "192.0.2.25", family: .ipv4, serverName: host,
                                            banner: .present(SMTPReply(code: 220, lines: ["hello"])),
                                            ehlo: .present(SMTPReply(code: 250, lines: ["STARTTLS"])), starttlsOffered: true,
                                            starttlsReply: .present(SMTPReply(code: 220, lines: ["go"])), tls: .present(session),
                                            capabilities: .present(capabilities), durationMilliseconds: 5, attempts: 2)
        let host = MXHostEvidence(name: host, preference: 10, cnameTarget: "real.good.example",
                                  ipv4: .present(AddressSet(addresses: ["192.0.2.25"], dnssec: verdict)),
                                  ipv6: .present(AddressSet(addresses: ["2001:db8::25"], dnssec: verdict)),
                                  tlsa: .present(TLSAEvidence(owner: "_25._tcp.\(host)", records: [record], dnssec: verdict, lint: [finding])),
                                  endpoints: [endpoint])
        let fetch = HTTPFetch(url: "https://mta-sts.good.example/.well-known/mta-sts.txt", address: "192.0.2.80", status: 301,
                              contentType: "text/plain", redirectLocation: "https://elsewhere.example/", body: "x", bodyBytes: 1,
                              truncated: false, tlsVersion: "TLSv1.3", certificate: certificate("mta-sts.good.example"),
                              webPKI: CertificateVerdict(valid: false, problem: "name_mismatch", message: "wrong name", daysToExpiry: 3))
        let policy = MTASTSPolicy(version: "STSv1", mode: .enforce, mx: [self.host], maxAge: 86400, extensions: ["x-note": "1"],
                                  errors: [finding], warnings: [finding], lenientMode: .enforce, lenientMX: [self.host], lenientMaxAge: 86400)
        return DomainEvidence(
            domain: domain, collectedAt: collectedAt, finishedAt: collectedAt, zoneDNSSEC: verdict,
            mx: .present(MXEvidence(kind: .explicit, records: [MXRecord(preference: 10, exchange: self.host)], dnssec: verdict, hosts: [host])),
            mtaSTS: MTASTSEvidence(txt: txtSet, record: .present(STSRecord(id: "1", extensions: ["ext": "v"], errors: [finding], warnings: [finding])),
                                   fetch: .present(fetch), policy: .present(policy),
                                   coverage: [MXCoverage(host: self.host, matchedPattern: self.host)]),
            tlsRPT: TLSRPTEvidence(txt: txtSet, record: .present(TLSRPTRecord(rua: ["mailto:a@good.example"], errors: [finding], warnings: [finding]))),
            spf: SPFEvidence(txt: txtSet, record: .present(SPFRecord(text: "v=spf1 redirect=_spf.good.example", allQualifier: "-",
                                                                     redirect: "_spf.good.example", dnsLookups: 2, voidLookups: 1,
                                                                     lookupsComplete: true, errors: [finding], warnings: [finding]))),
            dmarc: DMARCEvidence(txt: txtSet, record: .present(DMARCRecord(policy: "reject", subdomainPolicy: "quarantine", percentage: 50,
                                                                           rua: ["mailto:d@good.example"], ruf: ["mailto:f@good.example"],
                                                                           externalAuthorisations: ["reports.example": .present(true)],
                                                                           errors: [finding], warnings: [finding]))),
            dkim: DKIMEvidence(domainKeyNode: .present(true), selectors: [
                DKIMSelectorEvidence(selector: "sel1", key: .present(DKIMKey(keyType: "rsa", keyBits: 2048, revoked: false,
                                                                              errors: [finding], warnings: [finding]))),
            ]))
    }
}
