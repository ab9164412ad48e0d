import Foundation
import MXAuditExecutor
import MXAuditModel

/// One query/response exchange with one server: over UDP without holding a thread (see `udp`),
/// over TCP on the calling (blocking) thread. Every phase is bounded by the deadline; responses are
/// bounded in size; a TCP socket is shut down when the token is cancelled so that a blocked call
/// returns.
enum DNSExchange {
    /// The largest UDP answer accepted (we advertise 1232, the DNS-flag-day size; allow slack).
    static let maxUDPSize = 4096
    /// The largest TCP answer accepted (the DNS message limit).
    static let maxTCPSize = 65_535

    struct Failed: Error {
        var failure: Failure
        init(_ kind: Failure.Kind, _ message: String) { failure = Failure(kind, message) }
    }

    /// The first retransmission of an unanswered UDP query; each further one waits twice as long.
    static let firstRetransmission: Duration = .seconds(1)

    /// A lost datagram (a resolver's full receive buffer under load) must not cost the whole
    /// attempt's budget: the query is sent again on the same socket after 1 s, 2 s, 4 s … until
    /// the deadline, and an answer to any copy counts (a resolver joins duplicates to one lookup).
    ///
    /// No thread waits: the socket is non-blocking and `ReadinessReactor` resumes the task when a
    /// datagram arrives; cancelling the task ends the wait.
    static func udp(_ query: [UInt8], server: ResolverAddress, deadline: ContinuousClock.Instant,
                    reactor: ReadinessReactor = .shared, pool: UDPSocketPool = .shared,
                    matches: ([UInt8]) -> Bool) async throws(Failed) -> [UInt8] {
        let socket: Int32
        var uses = 0
        if let kept = pool.take(server) {
            (socket, uses) = kept
        } else {
            socket = try openDatagramSocket(to: server)
        }
        // Only a clean exchange leaves the socket fit for the next query (see UDPSocketPool).
        var clean = false
        defer { if clean { pool.keep(socket, for: server, uses: uses + 1) } else { close(socket) } }
        func transmit() throws(Failed) {
            let sent = query.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            // A datagram the kernel cannot take now is as good as lost: retransmission covers it.
            guard sent == query.count || (sent < 0 && [EAGAIN, EWOULDBLOCK, ENOBUFS, EINTR].contains(errno)) else {
                throw Failed(.network, "cannot send to \(server): \(String(cString: strerror(errno)))")
            }
        }
        try transmit()
        var retransmission = firstRetransmission
        var nextTransmission = ContinuousClock.now + retransmission
        var unmatched: (count: Int, last: [UInt8]) = (0, [])
        while true {
            switch await reactor.wait(for: .readable, on: socket, until: min(deadline, nextTransmission)) {
            case .ready:
                break
            case .cancelled:
                throw Failed(.cancelled, "the query to \(server) was cancelled")
            case .unwatchable(let code):
                throw Failed(.local, "cannot wait for an answer from \(server): \(String(cString: strerror(code)))")
            case .timedOut:
                if nextTransmission < deadline {
                    try transmit()
                    retransmission *= 2
                    nextTransmission = ContinuousClock.now + retransmission
                    continue
                }
                // Only datagrams that answer nothing came: say what they were, not "no answer".
                guard unmatched.count > 0 else { throw Failed(.timeout, "resolver \(server) did not answer in time") }
                throw Failed(.protocolViolation, UnmatchedAnswer.failure(server: server, count: unmatched.count,
                                                                         last: unmatched.last, query: query))
            }
            // Every datagram that has arrived, until the socket would block.
            while true {
                let datagram = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxUDPSize) { buffer -> [UInt8]? in
                    let count = recv(socket, buffer.baseAddress, buffer.count, 0)
                    return count < 0 ? nil : Array(buffer.prefix(count))
                }
                guard let answer = datagram else {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { break }
                    throw Failed(.network, "\(server) refused or unreachable: \(String(cString: strerror(errno)))")
                }
                // Ignore datagrams that do not answer this query (spoofing, late answers).
                if matches(answer) {
                    clean = unmatched.count == 0 && retransmission == firstRetransmission
                    return answer
                }
                unmatched = (unmatched.count + 1, answer)
            }
        }
    }

    /// A non-blocking UDP socket connected to `server` (connect only sets the peer and the port).
    private static func openDatagramSocket(to server: ResolverAddress) throws(Failed) -> Int32 {
        let socket = try open(server, type: SOCK_DGRAM, token: nil)
        do {
            try connect(socket, server, deadline: .now)
        } catch {
            close(socket)
            throw error
        }
        return socket
    }

    static func tcp(_ query: [UInt8], server: ResolverAddress, deadline: ContinuousClock.Instant,
                    token: CancellationToken) throws(Failed) -> [UInt8] {
        let socket = try open(server, type: SOCK_STREAM, token: token)
        defer { closeSocket(socket, token: token) }
        try connect(socket, server, deadline: deadline)
        var framed = [UInt8(query.count >> 8), UInt8(query.count & 0xFF)]
        framed += query
        try writeAll(socket, framed, server: server, deadline: deadline, token: token)
        let header = try readExactly(socket, 2, server: server, deadline: deadline, token: token)
        let length = Int(header[0]) << 8 | Int(header[1])
        guard length >= 12 else { throw Failed(.protocolViolation, "\(server) sent a \(length)-byte TCP DNS message") }
        return try readExactly(socket, min(length, maxTCPSize), server: server, deadline: deadline, token: token)
    }

    /// A non-blocking socket for `server`; cancelling `token` (a blocking exchange's) shuts it down.
    private static func open(_ server: ResolverAddress, type: __socket_type, token: CancellationToken?) throws(Failed) -> Int32 {
        let socket = Glibc.socket(server.isIPv6 ? AF_INET6 : AF_INET, Int32(type.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw Failed(.local, "cannot open a socket: \(String(cString: strerror(errno)))") }
        token?.onCancel { shutdown(socket, Int32(SHUT_RDWR)) }
        return socket
    }

    private static func closeSocket(_ socket: Int32, token: CancellationToken) {
        token.clearHandlers()
        close(socket)
    }

    private static func connect(_ socket: Int32, _ server: ResolverAddress, deadline: ContinuousClock.Instant) throws(Failed) {
        var result: Int32
        if server.isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = server.port.bigEndian
            inet_pton(AF_INET6, server.host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = server.port.bigEndian
            inet_pton(AF_INET, server.host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result != 0 else { return }
        guard errno == EINPROGRESS else { throw Failed(.network, "cannot connect to \(server): \(String(cString: strerror(errno)))") }
        var pollSet = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        let remaining = ReadinessReactor.milliseconds(until: deadline)
        guard remaining > 0, poll(&pollSet, 1, remaining) == 1 else { throw Failed(.timeout, "connecting to \(server) timed out") }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else { throw Failed(.network, "cannot connect to \(server): \(String(cString: strerror(error)))") }
    }

    private static func wait(_ socket: Int32, for events: Int16, server: ResolverAddress, deadline: ContinuousClock.Instant,
                             token: CancellationToken) throws(Failed) {
        while true {
            if token.isCancelled { throw Failed(.cancelled, "the query to \(server) was cancelled") }
            let remaining = ReadinessReactor.milliseconds(until: deadline)
            guard remaining > 0 else { throw Failed(.timeout, "resolver \(server) did not answer in time") }
            var pollSet = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&pollSet, 1, remaining)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw Failed(.local, "poll failed: \(String(cString: strerror(errno)))") }
        }
    }

    private static func writeAll(_ socket: Int32, _ bytes: [UInt8], server: ResolverAddress, deadline: ContinuousClock.Instant,
                                 token: CancellationToken) throws(Failed) {
        var offset = 0
        while offset < bytes.count {
            try wait(socket, for: Int16(POLLOUT), server: server, deadline: deadline, token: token)
            let written = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failed(.network, "sending to \(server) failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private static func readExactly(_ socket: Int32, _ count: Int, server: ResolverAddress, deadline: ContinuousClock.Instant,
                                    token: CancellationToken) throws(Failed) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            try wait(socket, for: Int16(POLLIN), server: server, deadline: deadline, token: token)
            let received = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + offset, count - offset, 0) }
            if received < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failed(.network, "reading from \(server) failed: \(String(cString: strerror(errno)))")
            }
            guard received > 0 else { throw Failed(.protocolViolation, "\(server) closed the TCP connection mid-answer") }
            offset += received
        }
        return buffer
    }
}
