import Foundation
import MXAuditExecutor
import MXAuditModel
@testable import MXAuditTLS
import Testing

/// How the prober treats servers: few connections per address, one probe per (address, name),
/// bounded phases against tarpits and garbage, and cancellation that returns at once.
@Suite("Prober politeness and robustness")
struct ProberPolitenessTests {
    static func settings(bannerTimeout: Double = 10) -> SMTPProbeSettings {
        SMTPProbeSettings(heloName: "probe.mxaudit.test", connectTimeout: 2, bannerTimeout: bannerTimeout, commandTimeout: 2,
                          handshakeTimeout: 2, retryDelay: 1)
    }

    @Test func namesShareAnAddressTwoConnectionsAtATime() async throws {
        let listeners = try ScriptedSMTPListeners(behaviour: .slowGreeting(1), count: 1, subnet: 10)
        defer { listeners.stop() }
        let address = listeners.addresses[0]
        let prober = SMTPProber(settings: Self.settings(), executor: BlockingExecutor(maximumThreads: 4))
        // Five MX names on one address, each asked for by two domains.
        let names = (1...5).map { "mx\($0).shared.test" }
        let results = await withTaskGroup(of: SMTPEndpointEvidence.self) { group in
            for name in names + names.map({ $0.uppercased() + "." }) {
                group.addTask { await prober.probe(address: address, family: .ipv4, serverName: name, tlsa: .skipped("test")) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let report = try listeners.report()
        let statistics = await prober.statistics
        #expect(results.allSatisfy { $0.banner.value?.code == 220 })
        #expect(Set(results.map(\.serverName)) == Set(names), "one spelling per name")
        #expect(statistics.probes == 5 && statistics.cacheHits == 5)
        #expect(report.connections == 5, "each (address, name) pair connected once")
        #expect(report.peak == 2, "never more than two connections to the address")
        #expect(statistics.maximumConnectionsPerAddress == 2)
    }

    @Test func aTarpitCostsItsOwnTimeoutAndIsATimeout() async throws {
        let tarpit = try ScriptedSMTPListeners(behaviour: .silent, count: 1, subnet: 11)
        defer { tarpit.stop() }
        let prompt = try ScriptedSMTPListeners(behaviour: .slowGreeting(0), count: 1, subnet: 12)
        defer { prompt.stop() }
        let prober = SMTPProber(settings: Self.settings(bannerTimeout: 2), executor: BlockingExecutor(maximumThreads: 2))
        let tarpitAddress = tarpit.addresses[0]
        async let slow = prober.probe(address: tarpitAddress, family: .ipv4, serverName: "tarpit.test", tlsa: .skipped("test"))
        let fast = await prober.probe(address: prompt.addresses[0], family: .ipv4, serverName: "prompt.test", tlsa: .skipped("test"))
        #expect(fast.banner.value?.code == 220, "the other host is not held up")
        let stuck = await slow
        #expect(stuck.banner.failure?.kind == .timeout)
        #expect(stuck.starttlsOffered == nil && stuck.tls.failure?.kind == .timeout, "a timeout is never 'no STARTTLS'")
        #expect(stuck.attempts == 1, "a timeout is not retried like a 421")
    }

    @Test func garbageAndFloodsAreProtocolAndLimitFailures() async throws {
        let garbage = try ScriptedSMTPListeners(behaviour: .garbage, count: 1, subnet: 13)
        defer { garbage.stop() }
        let flood = try ScriptedSMTPListeners(behaviour: .endlessGreeting, count: 1, subnet: 14)
        defer { flood.stop() }
        let prober = SMTPProber(settings: Self.settings(bannerTimeout: 3), executor: BlockingExecutor(maximumThreads: 2))
        let spoken = await prober.probe(address: garbage.addresses[0], family: .ipv4, serverName: "garbage.test", tlsa: .skipped("test"))
        #expect(spoken.banner.failure?.kind == .protocolViolation)
        let flooded = await prober.probe(address: flood.addresses[0], family: .ipv4, serverName: "flood.test", tlsa: .skipped("test"))
        #expect(flooded.banner.failure?.kind == .limit)
    }

    @Test func cancellingTheCallerEndsTheWaitAtOnce() async throws {
        let tarpit = try ScriptedSMTPListeners(behaviour: .silent, count: 1, subnet: 15)
        defer { tarpit.stop() }
        let prober = SMTPProber(settings: Self.settings(bannerTimeout: 60), executor: BlockingExecutor(maximumThreads: 2))
        let address = tarpit.addresses[0]
        let task = Task {
            await prober.probe(address: address, family: .ipv4, serverName: "tarpit.test", tlsa: .skipped("test"))
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        let started = Date()
        task.cancel()
        let evidence = await task.value
        #expect(evidence.banner.failure?.kind == .cancelled)
        #expect(Date().timeIntervalSince(started) < 30, "cancellation did not wait for the 60 s greeting timeout")
    }

    @Test func addressesAndNamesHaveOneSpelling() {
        #expect(SMTPProber.canonical("2001:DB8:0:0::25", .ipv6) == "2001:db8::25")
        #expect(SMTPProber.canonical("127.061.0.10", .ipv4) == "127.061.0.10", "not an address: kept as given")
        #expect(SMTPProber.canonical("MX1.Example.") == "mx1.example")
    }
}
