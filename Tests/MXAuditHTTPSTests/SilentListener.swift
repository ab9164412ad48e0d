import Foundation

/// A TCP listener on a loopback address that accepts connections and never says a word: a peer
/// that makes a TLS handshake wait, so tests can show timeouts and cancellation ending it.
final class SilentListener: @unchecked Sendable {
    let address: String
    private(set) var port: Int = 0
    private let descriptor: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []

    init(address: String) throws {
        self.address = address
        let ipv6 = address.contains(":")
        descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, address, &socketAddress.sin6_addr)
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: socketAddress) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
        } else {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, address, &socketAddress.sin_addr)
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: socketAddress) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
        }
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = withUnsafeBytes(of: storage) { bytes in
            Int(UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self))) // sin_port and sin6_port share the offset
        }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// How many connections have been accepted so far.
    var connections: Int {
        lock.lock()
        defer { lock.unlock() }
        return accepted.count
    }

    private func acceptLoop() {
        while true {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return } // the listener was shut down
            lock.lock()
            accepted.append(client)
            lock.unlock()
        }
    }

    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        lock.lock()
        for client in accepted { close(client) }
        accepted.removeAll()
        lock.unlock()
    }
}
