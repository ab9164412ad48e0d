import Foundation
import MXAuditExecutor
import MXAuditModel
import MXAuditTLS
import Testing

/// 200 MX addresses that each wait 5 s before their greeting must overlap: the prober waits for
/// greetings without holding a thread, so even an 8-thread executor keeps them all in flight.
@Suite("Slow greetings overlap")
struct SlowBannerTests {
    static let listeners = 200
    static let greetingDelay = 5.0

    @Test func twoHundredSlowGreetingsOverlap() async throws {
        let listeners = try ScriptedSMTPListeners(behaviour: .slowGreeting(Self.greetingDelay), count: Self.listeners, subnet: 0)
        defer { listeners.stop() }
        let addresses = listeners.addresses
        try #require(addresses.count == Self.listeners)

        let prober = SMTPProber(settings: SMTPProbeSettings(heloName: "probe.mxaudit.test", bannerTimeout: 20),
                                executor: BlockingExecutor(maximumThreads: 8))
        let started = Date()
        let results = await withTaskGroup(of: SMTPEndpointEvidence.self) { group in
            for address in addresses {
                group.addTask {
                    await prober.probe(address: address, family: .ipv4, serverName: "slow.test", tlsa: .skipped("no TLSA lookup"))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = Date().timeIntervalSince(started)

        let state = try listeners.report()
        print("\(results.count) slow greetings (\(Self.greetingDelay) s each) probed in \(String(format: "%.1f", elapsed)) s; "
              + "listeners saw at most \(state.peak) connections at once")

        #expect(results.count == Self.listeners)
        #expect(results.allSatisfy { $0.banner.value?.code == 220 }, "every probe recorded the greeting")
        #expect(results.allSatisfy { $0.starttlsOffered == false && $0.tls.status == .absent })
        #expect(results.allSatisfy { $0.durationMilliseconds >= Int(Self.greetingDelay * 1000) })
        #expect(state.peak >= 100, "the probes overlapped")
        #expect(state.greeted == Self.listeners)
    }
}

