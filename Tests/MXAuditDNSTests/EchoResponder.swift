import Foundation
import Testing

/// A UDP server on the tests' own loopback range that answers a query by echoing it as a response
/// (QR set), after a delay or not at all, as `answer` decides for the n-th datagram (from 1). It
/// records what arrived (bytes, source port, time) and the most datagrams it held unanswered.
final class EchoResponder: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32
    private let lock = NSLock()
    /// Delayed answers leave from a serial queue of their own: the global queue's threads are the
    /// cooperative pool's, which a parallel test run keeps busy, and a late answer draws a retransmission.
    private let answers = DispatchQueue(label: "mxaudit.tests.echo-responder.answers")
    // Guarded by `lock`.
    private var seen: [(datagram: [UInt8], port: UInt16, at: ContinuousClock.Instant)] = []
    private var unanswered = 0
    private var mostUnanswered = 0

    /// - Parameter answer: the delay before answering datagram n, or nil to drop it.
    init(host: String, answer: @escaping @Sendable (Int) -> Duration?) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, host, &address.sin_addr)
        var size: Int32 = 4 << 20 // room for a whole burst of a test's queries
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
        let thread = Thread { [self] in serve(answer) }
        thread.start()
    }

    deinit { close(descriptor) }

    var datagrams: [[UInt8]] { lock.withLock { seen.map(\.datagram) } }
    /// The source port of each datagram, in order.
    var sourcePorts: [UInt16] { lock.withLock { seen.map(\.port) } }
    var arrivalTimes: [ContinuousClock.Instant] { lock.withLock { seen.map(\.at) } }
    /// The most datagrams received and not yet answered (or dropped) at any moment.
    var mostOutstanding: Int { lock.withLock { mostUnanswered } }

    private func serve(_ answer: @Sendable (Int) -> Duration?) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var peer = sockaddr_in()
            var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &peerLength) }
            }
            guard count > 0 else { return }
            let datagram = Array(buffer.prefix(count))
            let number = lock.withLock {
                seen.append((datagram, UInt16(bigEndian: peer.sin_port), .now))
                return seen.count
            }
            guard let delay = answer(number) else { continue }
            lock.withLock {
                unanswered += 1
                mostUnanswered = max(mostUnanswered, unanswered)
            }
            var response = datagram
            response[2] |= 0x80
            let (socket, target, reply) = (descriptor, peer, response)
            answers.asyncAfter(deadline: .now() + .milliseconds(Int(delay / .milliseconds(1)))) { [self] in
                lock.withLock { unanswered -= 1 } // before the answer leaves: the client cannot have it yet
                var address = target
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(socket, reply, reply.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }
    }

    /// Drops the first `count` datagrams and answers the rest at once.
    static func dropping(_ count: Int) -> @Sendable (Int) -> Duration? {
        { number in number > count ? .zero : nil }
    }
}
