import Foundation
import MXAuditExecutor
import MXAuditModel
@testable import MXAuditTLS
import Testing

/// A capability handshake that stops at the server's hello must answer exactly as a complete
/// handshake does: against every MX host of the testbed (Postfix with EC and RSA keys, the legacy,
/// garbage-speaking and refusing responders) and every kind of offer the capability prober makes,
/// plus a TLS 1.3 offer whose key share the server rejects (a HelloRetryRequest).
@Suite("Hello-only handshakes against the testbed", .serialized)
struct ServerHelloOnlyAgainstTestbedTests {
    static let profiles: [(String, TLSHandshakeProfile)] = {
        var list: [(String, TLSHandshakeProfile)] = [("opportunistic", .opportunistic)]
        for highest in [TLSVersion.tls1_2, .tls1_1, .tls1_0] {
            list.append(("up to \(highest.name)", TLSHandshakeProfile(minimumVersion: .tls1_0, maximumVersion: highest)))
        }
        var legacy = TLSHandshakeProfile.pinned(.tls1_2)
        legacy.cipherList = TLSCapabilityProber.belowSufficientSuites
        list.append(("legacy suites", legacy))
        legacy.cipherList = TLSCapabilityProber.insufficientSuites
        list.append(("insufficient suites", legacy))
        for version in [TLSVersion.tls1_2, .tls1_3] {
            var groups = TLSHandshakeProfile.pinned(version)
            groups.groups = TLSCapabilityProber.bsiGroups
            list.append(("BSI groups at \(version.name)", groups))
        }
        var retry = TLSHandshakeProfile.pinned(.tls1_3)
        retry.groups = "ffdhe2048:P-256" // a share for ffdhe2048, which Postfix does not take
        list.append(("retry for P-256", retry))
        var dhe = TLSHandshakeProfile.pinned(.tls1_2)
        dhe.cipherList = "kDHE:@SECLEVEL=0"
        list.append(("DHE only", dhe))
        return list
    }()

    @Test func everyProfileAnswersAsACompleteHandshakeWould() async throws {
        let testbed = try Testbed.load()
        let settings = SMTPProbeSettings(heloName: "probe.mxaudit.test", connectTimeout: 5, bannerTimeout: 15,
                                         commandTimeout: 10, handshakeTimeout: 10, retryDelay: 1, caFile: testbed.caFile)
        let reactor = ReadinessReactor.shared
        let runner = SMTPSessionRunner(settings: settings, reactor: reactor, executor: BlockingExecutor(maximumThreads: 16),
                                       tlsContext: try TLSClientContext(), counters: ProbeCounters())
        let hosts = try #require(testbed.catalogue["hosts"] as? [String: [String: Any]])
        var endpoints: [String: String] = [:] // address → server name, one per listener
        for expect in testbed.mxHostExpectations {
            let (address, serverName) = try testbed.host(expect.name)
            // Slow greetings test the dialog, not TLS; here they would only cost time.
            if let behaviour = hosts[serverName]?["behaviour"] as? String, ["slow_banner", "banner_trickle"].contains(behaviour) { continue }
            endpoints[address] = endpoints[address] ?? serverName
        }
        try #require(endpoints.count > 20, "the catalogue lists too few MX listeners")

        let outcomes = await withTaskGroup(of: [(String, String, String)].self) { group in
            for (address, serverName) in endpoints {
                group.addTask {
                    var rows: [(String, String, String)] = []
                    for (label, profile) in Self.profiles {
                        let complete = await runner.run(address: address, family: .ipv4, serverName: serverName,
                                                        profile: profile, depth: .complete)
                        let hello = await runner.run(address: address, family: .ipv4, serverName: serverName,
                                                     profile: profile, depth: .serverHello)
                        rows.append(("\(serverName) (\(address)), \(label)", Self.summary(complete), Self.summary(hello)))
                    }
                    return rows
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        for (context, complete, hello) in outcomes {
            #expect(complete == hello, "\(context)")
        }
        // The comparison covered what it is meant to: successes from TLS 1.0 to 1.3, RSA key
        // exchange, refusals and a retry. (No testbed server accepts classic DHE; the reader's
        // unit tests cover its ServerKeyExchange.)
        let summaries = outcomes.map(\.1)
        #expect(summaries.contains { $0.hasPrefix("TLSv1.3 ") }, "some TLS 1.3 handshake succeeded")
        #expect(summaries.contains { $0.hasPrefix("TLSv1 ") }, "some TLS 1.0 handshake succeeded")
        #expect(summaries.contains { $0.hasSuffix(" no group") }, "some RSA key exchange succeeded")
        #expect(summaries.contains("refused"), "some offer was refused")
        #expect(outcomes.contains { $0.0.hasSuffix("retry for P-256") && $0.2.hasSuffix(" secp256r1") })
    }

    /// What a capability question learns from one session: version, suite and group, or a refusal.
    private static func summary(_ outcome: SMTPSessionOutcome) -> String {
        switch outcome.handshake {
        case nil: return "no handshake: \(outcome.dialogFailure?.kind.rawValue ?? "STARTTLS not offered")"
        case .failure(let failure)?: return failure.kind == .tls ? "refused" : "failed: \(failure.kind.rawValue)"
        case .success(let negotiated)?:
            return "\(negotiated.version.name) \(negotiated.suite.name) \(negotiated.group ?? "no group")"
        }
    }
}
