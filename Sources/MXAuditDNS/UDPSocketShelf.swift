import Foundation

/// Connected UDP sockets kept on each executor thread for its next query to the same server, and
/// the thread's receive buffer.
///
/// A socket per query (open, connect — which picks a source port —, close) was a tenth of the
/// kernel's work for an audit. A socket goes back on the shelf only after a clean exchange (the
/// first datagram answered, nothing unmatched, not cancelled), and serves at most `maximumUses`
/// queries, so the source port still changes every few queries. Each thread has its own shelf:
/// an exchange runs start to end on one thread, so no socket is ever shared.
final class UDPSocketShelf {
    static let maximumUses = 32

    private struct Kept {
        var descriptor: Int32
        var uses: Int
    }

    private var kept: [ResolverAddress: Kept] = [:]
    /// The thread's datagram buffer (a zeroed 4 KiB array per query showed in profiles).
    var receiveBuffer = [UInt8](repeating: 0, count: DNSExchange.maxUDPSize)

    /// The calling thread's shelf; its sockets are closed when the thread ends.
    static var current: UDPSocketShelf {
        if let raw = pthread_getspecific(key) { return Unmanaged<UDPSocketShelf>.fromOpaque(raw).takeUnretainedValue() }
        let shelf = UDPSocketShelf()
        pthread_setspecific(key, Unmanaged.passRetained(shelf).toOpaque())
        return shelf
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { raw in
            if let raw { Unmanaged<UDPSocketShelf>.fromOpaque(raw).release() }
        }
        precondition(created == 0, "cannot create the thread-local key of the UDP socket shelf")
        return key
    }()

    /// A connected socket to `server` and how many queries it has served, if one is kept.
    func take(_ server: ResolverAddress) -> (descriptor: Int32, uses: Int)? {
        guard let socket = kept.removeValue(forKey: server) else { return nil }
        return (socket.descriptor, socket.uses)
    }

    /// Keeps `descriptor` for the next query to `server`, or closes it once it has served enough.
    func keep(_ descriptor: Int32, for server: ResolverAddress, uses: Int) {
        guard uses < Self.maximumUses else {
            close(descriptor)
            return
        }
        if let previous = kept.updateValue(Kept(descriptor: descriptor, uses: uses), forKey: server) {
            close(previous.descriptor)
        }
    }

    deinit {
        for socket in kept.values { close(socket.descriptor) }
    }
}
