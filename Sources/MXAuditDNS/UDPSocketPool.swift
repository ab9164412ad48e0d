import Foundation

/// Connected UDP sockets kept for the next query to the same server.
///
/// A socket per query (open, connect — which picks a source port —, close) was a tenth of the
/// kernel's work for an audit. A socket goes back to the pool only after a clean exchange (the
/// first datagram answered, nothing unmatched, not cancelled) and serves at most `maximumUses`
/// queries, so the source port still changes every few queries. A taken socket belongs to one
/// exchange until it is kept again or closed.
final class UDPSocketPool: @unchecked Sendable {
    static let shared = UDPSocketPool()
    static let maximumUses = 32
    /// Idle sockets per server beyond this are closed (the in-flight peak of a run needs no more).
    static let maximumIdlePerServer = 64

    private struct Kept {
        var descriptor: Int32
        var uses: Int
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var idle: [ResolverAddress: [Kept]] = [:]

    /// A connected socket to `server` and how many queries it has served, if one is idle.
    func take(_ server: ResolverAddress) -> (descriptor: Int32, uses: Int)? {
        lock.withLock {
            guard let socket = idle[server]?.popLast() else { return nil }
            return (socket.descriptor, socket.uses)
        }
    }

    /// Keeps `descriptor` for a later query to `server`, or closes it once it has served enough.
    func keep(_ descriptor: Int32, for server: ResolverAddress, uses: Int) {
        let kept: Bool = lock.withLock {
            guard uses < Self.maximumUses, idle[server, default: []].count < Self.maximumIdlePerServer else { return false }
            idle[server, default: []].append(Kept(descriptor: descriptor, uses: uses))
            return true
        }
        if !kept { close(descriptor) }
    }
}
