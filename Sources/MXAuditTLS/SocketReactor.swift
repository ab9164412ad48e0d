import Foundation

/// Waits for socket readiness without holding a thread per socket: one dedicated thread polls every
/// registered descriptor and resumes the waiting task when its socket is ready, its deadline passes
/// or the task is cancelled.
///
/// SMTP servers are slow on purpose (greeting delays, tarpits); with a thread per connection a
/// fleet of slow hosts would exhaust any pool, while a waiting task here costs only its
/// registration. The reactor never reads or writes itself: callers do their non-blocking I/O.
final class SocketReactor: @unchecked Sendable {
    enum Interest { case readable, writable }
    enum Outcome: Sendable { case ready, timedOut, cancelled }

    private struct Waiter {
        let descriptor: Int32
        let events: Int16
        let deadline: Deadline
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var waiters: [UInt64: Waiter] = [:]
    private var cancelledBeforeRegistration: Set<UInt64> = []
    private var nextIdentifier: UInt64 = 0
    private var stopped = false
    /// A self-pipe: a byte written here wakes `poll` when the set of waiters changes.
    private let wakeReader: Int32
    private let wakeWriter: Int32

    init() {
        var descriptors: [Int32] = [0, 0]
        // Without the pipe the reactor cannot work at all; that is a broken process, not a probe failure.
        precondition(pipe(&descriptors) == 0, "cannot create the reactor's wake-up pipe")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        wakeReader = descriptors[0]
        wakeWriter = descriptors[1]
        let thread = Thread { [self] in self.loop() }
        thread.name = "mxaudit-smtp-reactor"
        thread.stackSize = 256 * 1024
        thread.start()
    }

    deinit {
        // Only reached after the polling thread has returned (it holds the reactor until then).
        close(wakeReader)
        close(wakeWriter)
    }

    /// Ends the polling thread; waiters still registered are resumed as cancelled.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        wake()
    }

    /// Suspends until `descriptor` is ready for `interest`, `deadline` passes or the task is cancelled.
    func wait(for interest: Interest, on descriptor: Int32, until deadline: Deadline) async -> Outcome {
        let identifier = allocateIdentifier()
        let events = Int16(interest == .readable ? POLLIN : POLLOUT)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                register(identifier, Waiter(descriptor: descriptor, events: events, deadline: deadline,
                                            continuation: continuation))
            }
        } onCancel: {
            self.cancel(identifier)
        }
    }

    private func allocateIdentifier() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        nextIdentifier += 1
        return nextIdentifier
    }

    private func register(_ identifier: UInt64, _ waiter: Waiter) {
        lock.lock()
        if stopped || cancelledBeforeRegistration.remove(identifier) != nil {
            lock.unlock()
            waiter.continuation.resume(returning: .cancelled)
            return
        }
        waiters[identifier] = waiter
        lock.unlock()
        wake()
    }

    private func cancel(_ identifier: UInt64) {
        lock.lock()
        guard let waiter = waiters.removeValue(forKey: identifier) else {
            cancelledBeforeRegistration.insert(identifier)
            lock.unlock()
            return
        }
        lock.unlock()
        waiter.continuation.resume(returning: .cancelled)
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWriter, &byte, 1) // a full pipe already means "wake up"
    }

    private func drainWakeUps() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while Glibc.read(wakeReader, &buffer, buffer.count) > 0 {}
    }

    private func loop() {
        while true {
            lock.lock()
            if stopped {
                let remaining = waiters.values
                waiters.removeAll()
                lock.unlock()
                for waiter in remaining { waiter.continuation.resume(returning: .cancelled) }
                return
            }
            let identifiers = Array(waiters.keys)
            var descriptors = [pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)]
            var earliest: Deadline?
            for identifier in identifiers {
                let waiter = waiters[identifier]!
                descriptors.append(pollfd(fd: waiter.descriptor, events: waiter.events, revents: 0))
                earliest = earliest.map { min($0, waiter.deadline) } ?? waiter.deadline
            }
            lock.unlock()

            let timeout = earliest.map { Int32($0.remainingMilliseconds) } ?? -1
            let count = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if count < 0 && errno != EINTR {
                // poll itself failed (EINVAL, ENOMEM): fail every waiter rather than spin.
                resumeAll(identifiers, with: .cancelled)
                continue
            }
            if descriptors[0].revents != 0 { drainWakeUps() }

            var finished: [(CheckedContinuation<Outcome, Never>, Outcome)] = []
            lock.lock()
            for (index, identifier) in identifiers.enumerated() {
                guard let waiter = waiters[identifier] else { continue } // cancelled meanwhile
                let revents = descriptors[index + 1].revents
                if revents != 0 {
                    // POLLERR/POLLHUP/POLLNVAL count as ready: the next read or write reports the error.
                    finished.append((waiter.continuation, .ready))
                } else if waiter.deadline.hasPassed {
                    finished.append((waiter.continuation, .timedOut))
                } else {
                    continue
                }
                waiters[identifier] = nil
            }
            lock.unlock()
            for (continuation, outcome) in finished { continuation.resume(returning: outcome) }
        }
    }

    private func resumeAll(_ identifiers: [UInt64], with outcome: Outcome) {
        lock.lock()
        let removed = identifiers.compactMap { waiters.removeValue(forKey: $0) }
        lock.unlock()
        for waiter in removed { waiter.continuation.resume(returning: outcome) }
    }
}
