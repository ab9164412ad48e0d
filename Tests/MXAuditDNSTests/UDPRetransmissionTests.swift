import Foundation
import Testing
import MXAuditExecutor
@testable import MXAuditDNS

/// A datagram lost on the way (a resolver's full receive buffer) costs one retransmission interval,
/// not the attempt's whole budget: the query goes out again on the same socket.
@Suite struct UDPRetransmissionTests {
    @Test func aLostQueryIsSentAgainOnTheSameSocket() async throws {
        let responder = try EchoResponder(host: "127.60.3.21", answer: EchoResponder.dropping(1))
        let query = try DNSMessage(query: "lost.example.", type: DNSType.soa, id: 0x5151).wire()
        let server = ResolverAddress(host: "127.60.3.21", port: responder.port)
        let answer = try await DNSExchange.udp(query, server: server, deadline: .now + .seconds(10)) { wire in
            DNSResolver.answers(wire, id: 0x5151, name: "lost.example", type: DNSType.soa)
        }
        #expect(answer.count == query.count && answer[2] & 0x80 != 0)
        // The same query twice (same ID and question), then the answer: no new socket, no new ID.
        #expect(responder.datagrams == [query, query])
    }

    @Test func aSilentServerStillTimesOutAtTheDeadline() async throws {
        let responder = try EchoResponder(host: "127.60.3.22", answer: EchoResponder.dropping(.max))
        let query = try DNSMessage(query: "silent.example.", type: DNSType.soa, id: 0x5252).wire()
        let server = ResolverAddress(host: "127.60.3.22", port: responder.port)
        let started = ContinuousClock.now
        await #expect {
            try await DNSExchange.udp(query, server: server, deadline: .now + .milliseconds(3500)) { _ in false }
        } throws: { error in
            (error as? DNSExchange.Failed)?.failure.kind == .timeout
        }
        #expect(ContinuousClock.now - started >= .milliseconds(3500), "not before the deadline")
        // Sent at 0 s, again at 1 s and at 3 s: the intervals double. On a machine busy with other
        // tests the waiting task may resume late and skip a retransmission; never is one early.
        let sent = responder.datagrams.count
        #expect((1...3).contains(sent), "\(sent) datagrams")
    }

    @Test func cancellingTheTaskEndsTheWaitAtOnce() async throws {
        let responder = try EchoResponder(host: "127.60.3.25", answer: EchoResponder.dropping(.max))
        let query = try DNSMessage(query: "cancel.example.", type: DNSType.soa, id: 0x5353).wire()
        let server = ResolverAddress(host: "127.60.3.25", port: responder.port)
        let exchange = Task {
            try await DNSExchange.udp(query, server: server, deadline: .now + .seconds(60)) { _ in false }
        }
        while responder.datagrams.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        let cancelled = ContinuousClock.now
        exchange.cancel()
        await #expect {
            try await exchange.value
        } throws: { error in
            (error as? DNSExchange.Failed)?.failure.kind == .cancelled
        }
        #expect(ContinuousClock.now - cancelled < .seconds(20), "the cancelled query did not wait for its deadline")
    }
}
