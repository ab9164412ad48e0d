import CMXAuditEpoll
import Foundation

/// Waits for sockets to become readable or writable without a thread per socket: one thread sleeps
/// in `epoll_wait` for every registered socket and resumes the waiting task when its socket is
/// ready, its deadline passes or the task is cancelled. The tasks do their own non-blocking I/O;
/// the reactor never touches a socket's data.
///
/// DNS answers and SMTP dialogs wait here. A blocking thread per DNS query meant two thread
/// hand-offs and a `poll` for each of an audit's ten thousand queries, and SMTP servers are slow on
/// purpose (greeting delays, tarpits): with a thread per connection a fleet of slow hosts would
/// exhaust any pool. A waiting task costs its registration; a ready socket costs O(1), however
/// many others wait (a `poll` over all of them was rebuilt at every wake-up).
public final class ReadinessReactor: @unchecked Sendable {
    public enum Interest: Sendable { case readable, writable }

    public enum Outcome: Sendable, Equatable {
        case ready, timedOut, cancelled
        /// epoll refused to watch the socket (errno): nothing would ever wake this wait.
        case unwatchable(Int32)
    }

    public static let shared = ReadinessReactor()

    /// How often deadlines are checked: a timeout fires at most this late.
    static let deadlineResolution: Duration = .milliseconds(20)

    /// One task's wait, shared with its cancellation handler. Guarded by the reactor's lock.
    private final class Wait: @unchecked Sendable {
        let descriptor: Int32
        let deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Outcome, Never>?
        var cancelled = false

        init(descriptor: Int32, deadline: ContinuousClock.Instant) {
            self.descriptor = descriptor
            self.deadline = deadline
        }
    }

    private let epoll: Int32
    private let wakeUp: Int32
    private let lock = NSLock()
    // Guarded by `lock`: at most one wait per socket (a socket belongs to one exchange at a time).
    private var waits: [Int32: Wait] = [:]

    private init() {
        epoll = mxa_epoll_create()
        wakeUp = mxa_eventfd_create()
        // Without these the process cannot wait for any socket: a broken process, not a probe failure.
        precondition(epoll >= 0 && wakeUp >= 0, "cannot create the socket reactor: \(String(cString: strerror(errno)))")
        precondition(mxa_epoll_watch(epoll, wakeUp, 0, 0) == 0, "cannot watch the socket reactor's wake-up")
        let thread = Thread { [self] in loop() }
        thread.name = "mxaudit-reactor"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Suspends until `descriptor` is ready for `interest`, `deadline` passes or the task is cancelled.
    /// An error or a hang-up on the socket counts as ready: the next read or write reports it.
    public func wait(for interest: Interest, on descriptor: Int32, until deadline: ContinuousClock.Instant) async -> Outcome {
        let wait = Wait(descriptor: descriptor, deadline: deadline)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                lock.lock()
                guard !wait.cancelled else {
                    lock.unlock()
                    continuation.resume(returning: .cancelled)
                    return
                }
                wait.continuation = continuation
                let wasIdle = waits.isEmpty
                waits[descriptor] = wait
                lock.unlock()
                // An idle reactor sleeps without a timeout: it must start watching the deadline.
                if wasIdle { mxa_eventfd_signal(wakeUp) }
                // One event, then disarmed: a socket kept for reuse stays registered but quiet.
                guard mxa_epoll_watch(epoll, descriptor, interest == .writable ? 1 : 0, 1) == 0 else {
                    finish(wait, with: .unwatchable(errno))
                    return
                }
            }
        } onCancel: {
            finish(wait, with: .cancelled, markCancelled: true)
        }
    }

    /// Resumes `wait` once, whoever gets there first (an event, the deadline, cancellation).
    private func finish(_ wait: Wait, with outcome: Outcome, markCancelled: Bool = false) {
        lock.lock()
        if markCancelled { wait.cancelled = true }
        guard let continuation = wait.continuation else {
            lock.unlock()
            return
        }
        wait.continuation = nil
        if waits[wait.descriptor] === wait { waits[wait.descriptor] = nil }
        lock.unlock()
        continuation.resume(returning: outcome)
    }

    private func loop() {
        var ready = [Int32](repeating: 0, count: 256)
        var nextDeadlineCheck = ContinuousClock.now + Self.deadlineResolution
        while true {
            let idle = lock.withLock { waits.isEmpty }
            let timeout = idle ? -1 : max(0, Self.milliseconds(until: nextDeadlineCheck))
            let count = mxa_epoll_wait_descriptors(epoll, &ready, Int32(ready.count), timeout)
            var readied: [Wait] = []
            lock.lock()
            for descriptor in ready.prefix(Int(max(count, 0))) {
                if descriptor == wakeUp {
                    mxa_eventfd_drain(wakeUp)
                } else if let wait = waits[descriptor] {
                    readied.append(wait)
                }
            }
            var expired: [Wait] = []
            let now = ContinuousClock.now
            if now >= nextDeadlineCheck {
                expired = waits.values.filter { $0.deadline <= now }
                nextDeadlineCheck = now + Self.deadlineResolution
            }
            lock.unlock()
            for wait in readied { finish(wait, with: .ready) }
            for wait in expired { finish(wait, with: .timedOut) }
        }
    }

    /// Whole milliseconds from now until `instant`, rounded up; 0 once it has passed.
    public static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
