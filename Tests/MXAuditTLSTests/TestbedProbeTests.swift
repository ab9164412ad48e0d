import Foundation
import MXAuditExecutor
import MXAuditModel
import MXAuditTLS
import Testing

/// Every MX host of the testbed catalogue, probed through one `SMTPProber` against the real
/// Postfix and scripted responders, must show exactly the STARTTLS, TLS and DANE facts its
/// `expect` block states.
@Suite("STARTTLS probe against the testbed", .serialized)
struct TestbedProbeTests {
    @Test func everyCatalogueHostMatchesItsExpectations() async throws {
        let testbed = try Testbed.load()
        let settings = SMTPProbeSettings(heloName: "probe.mxaudit.test", connectTimeout: 5, bannerTimeout: 15,
                                         commandTimeout: 10, handshakeTimeout: 10, retryDelay: 1,
                                         caFile: testbed.caFile)
        let prober = SMTPProber(settings: settings, executor: BlockingExecutor(maximumThreads: 16))
        let expectations = testbed.mxHostExpectations
        try #require(expectations.count > 40, "the catalogue lists too few MX hosts")

        // Every domain's MX host at once, as the audit engine does: shared hosts are probed once.
        let results = try await withThrowingTaskGroup(of: (HostExpectation, SMTPEndpointEvidence).self) { group in
            for expect in expectations {
                let (address, serverName) = try testbed.host(expect.name)
                let tlsa = try await testbed.tlsa(for: serverName)
                group.addTask {
                    (expect, await prober.probe(address: address, family: .ipv4, serverName: serverName, tlsa: tlsa))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (expect, evidence) in results {
            check(evidence, against: expect, context: "\(expect.domain) → \(evidence.serverName) (\(evidence.address))")
        }

        let statistics = await prober.statistics
        let distinct = Set(results.map { "\($0.1.address) \($0.1.serverName)" }).count
        #expect(statistics.probes == distinct, "each (address, SNI) pair is probed exactly once")
        #expect(statistics.cacheHits == results.count - distinct)
        #expect(statistics.maximumConnectionsPerAddress <= settings.maxConnectionsPerAddress)
        print("testbed probe: \(results.count) MX host uses, \(distinct) probes, \(statistics)")
    }

    private func check(_ evidence: SMTPEndpointEvidence, against expect: HostExpectation, context: String) {
        let comment = Comment(rawValue: context)
        let session = evidence.tls.value
        let capabilities = evidence.capabilities.value

        switch expect.starttls {
        case "offered":
            #expect(evidence.banner.value?.code == 220, comment)
            #expect(evidence.starttlsOffered == true, comment)
            #expect(evidence.starttlsReply.value?.code == 220, comment)
            #expect(session != nil, "\(context): \(evidence.tls)")
        case "not_offered":
            #expect(evidence.ehlo.value?.code == 250, comment)
            #expect(evidence.starttlsOffered == false, comment)
            #expect(evidence.tls.status == .absent, comment)
        case "refused":
            #expect(evidence.starttlsOffered == true, comment)
            #expect(evidence.starttlsReply.value?.code == 454, comment)
            #expect(evidence.tls.failure?.kind == .tls, comment)
        case "busy_421":
            #expect(evidence.banner.failure?.kind == .busy, comment)
            #expect(evidence.banner.failure?.message.contains("421") == true, comment)
            #expect(evidence.starttlsOffered == nil, "busy is not 'no STARTTLS': \(context)")
            #expect(evidence.tls.failure?.kind == .busy, comment)
            #expect(evidence.attempts == 2, "one retry after a 421: \(context)")
        case let other:
            Issue.record("unknown starttls expectation \(String(describing: other)) for \(context)")
        }

        if let versions = expect.tlsVersions {
            if versions.isEmpty {
                #expect(capabilities == nil, comment)
            } else {
                let accepted = capabilities?.versions.filter(\.value).keys.sorted() ?? []
                #expect(accepted == versions.sorted(), comment)
                #expect(capabilities?.incomplete == [], comment)
            }
        }
        if let webPKI = expect.webPKI {
            let problem = ["valid": nil, "wrong_name": "name_mismatch"][webPKI] ?? webPKI
            #expect(session?.webPKI.valid == (webPKI == "valid"), "\(context): \(String(describing: session?.webPKI))")
            #expect(session?.webPKI.problem == problem, "\(context): \(String(describing: session?.webPKI))")
        }
        if let dane = expect.dane, let session {
            // A bogus TLSA lookup cannot be "not applicable": the evidence model calls it indeterminate.
            let status: DANEVerdict.Status = switch (dane, expect.tlsa) {
            case ("valid", _): .valid
            case ("mismatch", _): .invalid
            case (_, "bogus"): .indeterminate
            default: .notApplicable
            }
            #expect(session.dane.status == status, "\(context): \(session.dane)")
            if status == .valid {
                #expect(session.dane.matched != nil && session.dane.matchedDepth != nil, comment)
            }
        }
        if let weak = expect.weakCipher {
            #expect(capabilities?.forwardSecretAEAD == !weak, "\(context): \(String(describing: capabilities))")
        }
        if let delay = expect.bannerDelay {
            #expect(evidence.banner.value?.code == 220, comment)
            #expect(Double(evidence.durationMilliseconds) >= delay * 1000, comment)
        }
        if let session {
            let leaf = session.chain.first
            #expect(leaf?.subjectAltNames.isEmpty == false, comment)
            #expect(leaf.map { !$0.derBase64.isEmpty && $0.keyBits > 0 } == true, comment)
            #expect(session.webPKI.daysToExpiry != nil, comment)
        }
    }
}
