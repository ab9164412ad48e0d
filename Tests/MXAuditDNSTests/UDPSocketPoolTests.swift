import Foundation
import Testing
import MXAuditExecutor
@testable import MXAuditDNS

/// A UDP socket is reused for a later query to the same server after a clean exchange, for a
/// bounded number of queries, and never after a retransmission.
@Suite(.serialized) struct UDPSocketPoolTests {
    /// `count` exchanges one after the other, each with its own ID.
    private func exchange(_ count: Int, with server: ResolverAddress) async throws {
        for number in 0..<count {
            let id = UInt16(0x6000 + number)
            let query = try DNSMessage(query: "shelf.example.", type: DNSType.soa, id: id).wire()
            _ = try await DNSExchange.udp(query, server: server, deadline: .now + .seconds(10)) { wire in
                DNSResolver.answers(wire, id: id, name: "shelf.example", type: DNSType.soa)
            }
        }
    }

    @Test func cleanExchangesShareASocketForABoundedNumberOfQueries() async throws {
        let responder = try EchoResponder(host: "127.60.3.23", answer: EchoResponder.dropping(0))
        let server = ResolverAddress(host: "127.60.3.23", port: responder.port)
        let uses = UDPSocketPool.maximumUses
        try await exchange(uses + 2, with: server)
        let ports = responder.sourcePorts
        try #require(ports.count == uses + 2)
        #expect(Set(ports.prefix(uses)).count == 1, "the first \(uses) queries share one socket: \(ports)")
        #expect(ports[uses] != ports[0], "then a new socket (a new source port)")
        #expect(ports[uses + 1] == ports[uses])
    }

    @Test func aRetransmittedExchangeDoesNotKeepItsSocket() async throws {
        let responder = try EchoResponder(host: "127.60.3.24", answer: EchoResponder.dropping(1))
        let server = ResolverAddress(host: "127.60.3.24", port: responder.port)
        try await exchange(3, with: server)
        let ports = responder.sourcePorts
        try #require(ports.count == 4, "one retransmission, then two clean exchanges: \(ports)")
        #expect(ports[0] == ports[1], "the retransmission goes out on the same socket")
        #expect(ports[2] != ports[1], "after it, the socket is closed, not reused")
        #expect(ports[3] == ports[2], "the clean exchange's socket is reused")
    }
}
