import Foundation
import MXAuditExecutor
import MXAuditModel

/// One TCP connection to an SMTP server: a non-blocking socket whose waits go through the
/// `ReadinessReactor`, so a silent or slow server costs its own timeout and no thread.
/// It owns the descriptor and closes it once; a single probe task uses it at a time.
final class SMTPConnection: @unchecked Sendable {
    let descriptor: Int32
    private let reactor: ReadinessReactor
    private var reader = SMTPReplyReader()
    private let lock = NSLock()
    private var closed = false

    private init(descriptor: Int32, reactor: ReadinessReactor) {
        self.descriptor = descriptor
        self.reactor = reactor
    }

    deinit { close() }

    /// Connects to `address` (an IPv4 or IPv6 literal) on `port` before `deadline`.
    static func connect(to address: String, family: AddressFamily, port: UInt16, deadline: Deadline,
                        reactor: ReadinessReactor) async throws(Failure) -> SMTPConnection {
        // Numeric host and service only: this parses the literal, it never asks DNS.
        var hints = addrinfo()
        hints.ai_family = family == .ipv4 ? AF_INET : AF_INET6
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &list) == 0, let info = list?.pointee else {
            throw Failure(.local, "\(address) is not an \(family == .ipv4 ? "IPv4" : "IPv6") address")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(info.ai_family,
                                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(.local, "cannot create a socket: \(String(cString: strerror(errno)))") }
        let connection = SMTPConnection(descriptor: descriptor, reactor: reactor)
        let started = Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen)
        if started != 0 {
            guard errno == EINPROGRESS else { throw connectFailure(errno, address: address, port: port) }
            switch await reactor.wait(for: .writable, on: descriptor, until: deadline.instant) {
            case .ready: break
            case .timedOut: throw Failure(.timeout, "no TCP connection to \(address) port \(port) within the connect timeout")
            case .cancelled: throw Failure(.cancelled, "the probe was cancelled while connecting")
            case .unwatchable(let code): throw Self.unwatchable(code)
            }
            var error: Int32 = 0
            var errorLength = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &errorLength)
            if error != 0 { throw connectFailure(error, address: address, port: port) }
        }
        return connection
    }

    private static func connectFailure(_ code: Int32, address: String, port: UInt16) -> Failure {
        Failure(.network, "cannot connect to \(address) port \(port): \(String(cString: strerror(code)))")
    }

    /// Reads one complete reply before `deadline`; `phase` names the step in messages ("greeting").
    func readReply(phase: String, until deadline: Deadline) async throws(Failure) -> SMTPReply {
        if let reply = try reader.nextReply() { return reply }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                if let reply = try reader.consume(buffer[0..<count]) { return reply }
                continue
            }
            if count == 0 { throw Failure(.network, "the server closed the connection while we awaited its \(phase)") }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw Failure(.network, "reading the \(phase) failed: \(String(cString: strerror(errno)))")
            }
            try await waitFor(.readable, phase: phase, until: deadline)
        }
    }

    /// Sends one command line (CRLF added) before `deadline`.
    func send(_ command: String, phase: String, until deadline: Deadline) async throws(Failure) {
        try await send(bytes: Array((command + "\r\n").utf8), phase: phase, until: deadline)
    }

    /// Reads what the server sent next (at most `limit` bytes), waiting until something arrives;
    /// empty when the server closed the connection. For TLS records, after the SMTP dialog.
    func receive(upTo limit: Int, phase: String, until deadline: Deadline) async throws(Failure) -> ArraySlice<UInt8> {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count >= 0 { return buffer[0..<count] }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw Failure(.network, "reading the \(phase) failed: \(String(cString: strerror(errno)))")
            }
            try await waitFor(.readable, phase: phase, until: deadline)
        }
    }

    /// Sends `bytes` before `deadline`; `phase` names the step in messages.
    func send(bytes: [UInt8], phase: String, until deadline: Deadline) async throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                offset += count
                continue
            }
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw Failure(.network, "sending \(phase) failed: \(String(cString: strerror(errno)))")
            }
            try await waitFor(.writable, phase: phase, until: deadline)
        }
    }

    /// Bytes the server sent beyond the last reply (after STARTTLS's 220 they would be an injection).
    var unreadByteCount: Int { reader.bufferedByteCount }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    private func waitFor(_ interest: ReadinessReactor.Interest, phase: String, until deadline: Deadline) async throws(Failure) {
        switch await reactor.wait(for: interest, on: descriptor, until: deadline.instant) {
        case .ready: return
        case .timedOut:
            // A server that trickles its reply is not one that never answered: say how far it got.
            let partial = interest == .readable ? reader.bufferedByteCount : 0
            throw Failure(.timeout, partial > 0 ? "the \(phase) was still incomplete at the timeout (\(partial) bytes without a line end)"
                                                : "no \(phase) before the timeout")
        case .cancelled: throw Failure(.cancelled, "the probe was cancelled during the \(phase)")
        case .unwatchable(let code): throw Self.unwatchable(code)
        }
    }

    private static func unwatchable(_ code: Int32) -> Failure {
        Failure(.local, "cannot wait for the connection: \(String(cString: strerror(code)))")
    }
}
