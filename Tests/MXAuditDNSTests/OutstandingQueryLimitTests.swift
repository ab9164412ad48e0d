import Foundation
import Testing
@testable import MXAuditDNS

/// However many lookups are asked at once, at most `Settings.maximumOutstandingQueries` queries are
/// on the wire: a burst beyond a busy resolver's socket buffer would be dropped and wait a retransmission.
@Suite struct OutstandingQueryLimitTests {
    /// A UDP server that answers every datagram (its echo, marked as a response) after `delay`.
    final class SlowResponder: @unchecked Sendable {
        let port: UInt16
        private let descriptor: Int32
        private let lock = NSLock()
        private var arrivals: [ContinuousClock.Instant] = []
        private var unanswered = 0
        private var mostUnanswered = 0

        init(host: String, delay: Duration) throws {
            let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            var size: Int32 = 4 << 20 // room for every query of the test at once
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0, "cannot bind \(host): \(String(cString: strerror(errno)))")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
            }
            self.descriptor = descriptor
            port = UInt16(bigEndian: address.sin_port)
            let thread = Thread { [self] in serve(delay: delay) }
            thread.start()
        }

        /// When each datagram arrived.
        var arrivalTimes: [ContinuousClock.Instant] { lock.withLock { arrivals } }
        /// The most datagrams received and not yet answered at any moment.
        var mostOutstanding: Int { lock.withLock { mostUnanswered } }

        private func serve(delay: Duration) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                var peer = sockaddr_in()
                var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = withUnsafeMutablePointer(to: &peer) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &peerLength) }
                }
                guard count > 0 else { return }
                lock.withLock {
                    arrivals.append(.now)
                    unanswered += 1
                    mostUnanswered = max(mostUnanswered, unanswered)
                }
                var echo = Array(buffer.prefix(count))
                echo[2] |= 0x80
                let (socket, address, response) = (descriptor, peer, echo)
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(delay / .milliseconds(1)))) { [self] in
                    lock.withLock { unanswered -= 1 } // before the answer leaves: the client cannot have it yet
                    var target = address
                    _ = withUnsafePointer(to: &target) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(socket, response, response.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            }
        }

        deinit { close(descriptor) }
    }

    @Test func aBurstOfLookupsKeepsAtMostTheLimitOnTheWire() async throws {
        let responder = try SlowResponder(host: "127.60.3.26", delay: .milliseconds(400))
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
