import Foundation
import Testing
import MXAuditExecutor
@testable import MXAuditDNS

/// A datagram lost on the way (a resolver's full receive buffer) costs one retransmission interval,
/// not the attempt's whole budget: the query goes out again on the same socket.
@Suite struct UDPRetransmissionTests {
    /// A UDP server on the tests' own loopback range that drops the first `dropping` datagrams and
    /// answers the next one by echoing it as a response.
    final class LossyResponder: @unchecked Sendable {
        let port: UInt16
        private let descriptor: Int32
        private let lock = NSLock()
        private var seen: [[UInt8]] = []
        private var ports: [UInt16] = []

        struct CannotBind: Error { let reason: String }

        init(host: String, dropping: Int) throws {
            let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw CannotBind(reason: "\(host): \(String(cString: strerror(errno)))") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
            }
            self.descriptor = descriptor
            port = UInt16(bigEndian: address.sin_port)
            let thread = Thread { [self] in serve(dropping: dropping) }
            thread.start()
        }

        var datagrams: [[UInt8]] { lock.withLock { seen } }
        /// The source port of each datagram, in order.
        var sourcePorts: [UInt16] { lock.withLock { ports } }

        private func serve(dropping: Int) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                var peer = sockaddr_storage()
                var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &peer) { peerPointer in
                    peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &peerLength) }
                }
                guard count > 0 else { return }
                let datagram = Array(buffer.prefix(count))
                let port = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
                }
                let number = lock.withLock {
                    seen.append(datagram)
                    ports.append(port)
                    return seen.count
                }
                guard number > dropping else { continue }
                var response = datagram
                response[2] |= 0x80
                _ = withUnsafePointer(to: &peer) { peerPointer in
                    peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, response, response.count, 0, $0, peerLength) }
                }
            }
        }

        deinit { close(descriptor) }
    }

    @Test func aLostQueryIsSentAgainOnTheSameSocket() async throws {
        let responder = try LossyResponder(host: "127.60.3.21", dropping: 1)
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
        let responder = try LossyResponder(host: "127.60.3.22", dropping: .max)
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
        let responder = try LossyResponder(host: "127.60.3.25", dropping: .max)
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
