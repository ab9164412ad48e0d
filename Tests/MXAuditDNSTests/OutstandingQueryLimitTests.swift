import Foundation
import Testing
@testable import MXAuditDNS

/// However many lookups are asked at once, at most `Settings.maximumOutstandingQueries` queries are
/// on the wire: a burst beyond a busy resolver's socket buffer would be dropped and wait a retransmission.
@Suite struct OutstandingQueryLimitTests {
    @Test func aBurstOfLookupsKeepsAtMostTheLimitOnTheWire() async throws {
        let responder = try EchoResponder(host: "127.60.3.26") { _ in .milliseconds(400) }
        let limit = 100
        let resolver = DNSResolver(settings: .init(servers: [ResolverAddress(host: "127.60.3.26", port: responder.port)],
                                                   timeout: .seconds(30), attempts: 1, maximumOutstandingQueries: limit))
        let lookups = limit * 2 + 20
        let answered = await withTaskGroup(of: Bool.self) { group in
            for number in 0..<lookups {
                group.addTask { (try? await resolver.query("name\(number).burst.example", DNSType.txt).get()) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(answered == lookups, "every lookup is answered in the end")
        #expect(responder.arrivalTimes.count == lookups, "one query each, no retransmission")
        // A slot is freed only when an answer arrives, so the server never holds more than the limit;
        // and the limit was reached (the burst was larger), independent of how fast this machine is.
        #expect(responder.mostOutstanding == limit)
    }
}
