import Foundation

/// Lets blocking work be interrupted: the work registers how to unblock itself (shut a socket
/// down, close a descriptor) and the executor calls that when the awaiting task is cancelled.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var handlers: [@Sendable () -> Void] = []

    public init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Registers an action that makes the blocked call return; runs at once if already cancelled.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        lock.lock()
        if cancelled {
            lock.unlock()
            handler()
            return
        }
        handlers.append(handler)
        lock.unlock()
    }

    /// Forgets the registered actions, e.g. once the descriptor they would close is closed.
    public func clearHandlers() {
        lock.lock()
        handlers.removeAll()
        lock.unlock()
    }

    public func cancel() {
        lock.lock()
        guard !cancelled else {
            lock.unlock()
            return
        }
        cancelled = true
        let toRun = handlers
        handlers.removeAll()
        lock.unlock()
        for handler in toRun { handler() }
    }
}
