import Foundation

/// A pool of dedicated threads for blocking C calls (ldns, curl easy, OpenSSL handshakes).
///
/// Swift's cooperative pool has one thread per core, and on Linux `DispatchQueue.global()` shares
/// it: a handful of blocking calls there freeze every task. This pool is sized for I/O wait
/// (threads spend their time blocked on the network), grows on demand up to `maximumThreads`,
/// and lets cancellation unblock a running call through its `CancellationToken`.
public final class BlockingExecutor: @unchecked Sendable {
    public static let defaultThreadCount = 128

    /// The process-wide executor the probes share unless they are handed another.
    public static let shared = BlockingExecutor(maximumThreads: defaultThreadCount)

    public let maximumThreads: Int
    private let name: String
    private let stackSize: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue = FIFOQueue<Job>()
    private var threadCount = 0
    private var idleThreads = 0
    private var shuttingDown = false

    private struct Job {
        let run: () -> Void
    }

    /// - Parameters:
    ///   - maximumThreads: how many calls may block at once.
    ///   - stackSize: per thread; the blocking calls are shallow C calls.
    public init(maximumThreads: Int = BlockingExecutor.defaultThreadCount, name: String = "mxaudit-blocking",
                stackSize: Int = 512 * 1024) {
        precondition(maximumThreads > 0, "a blocking executor needs at least one thread")
        self.maximumThreads = maximumThreads
        self.name = name
        self.stackSize = stackSize
    }

    /// Runs blocking `work` on one of the executor's threads and suspends the caller until it returns.
    ///
    /// When the calling task is cancelled, the token's handlers run (on the cancelling thread) so the
    /// blocked call can return; work that had not started yet is dropped and throws `CancellationError`.
    public func run<Result: Sendable>(
        _ work: @escaping @Sendable (CancellationToken) throws -> Result
    ) async throws -> Result {
        let token = CancellationToken()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let accepted = enqueue(Job {
                    guard !token.isCancelled else {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    do {
                        continuation.resume(returning: try work(token))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                })
                if !accepted { continuation.resume(throwing: ExecutorShutDown()) }
            }
        } onCancel: {
            token.cancel()
        }
    }

    /// Runs blocking `work` that needs no cancellation hook.
    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await run { (_: CancellationToken) in try work() }
    }

    /// Stops accepting work; threads finish what is queued and exit.
    public func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Threads started so far (for tests and benchmarks).
    public var startedThreads: Int {
        condition.lock()
        defer { condition.unlock() }
        return threadCount
    }

    private func enqueue(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !shuttingDown else { return false }
        queue.append(job)
        // Queued jobs beyond the idle threads need a thread of their own, up to the bound.
        if queue.count > idleThreads && threadCount < maximumThreads {
            threadCount += 1
            // Threads hold the executor until `shutdown()` lets them exit.
            let thread = Thread { self.workLoop() }
            thread.name = "\(name)-\(threadCount)"
            thread.stackSize = stackSize
            thread.start()
        }
        condition.signal()
        return true
    }

    private func workLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !shuttingDown {
                idleThreads += 1
                condition.wait()
                idleThreads -= 1
            }
            guard let job = queue.popFirst() else {
                threadCount -= 1
                condition.unlock()
                return
            }
            condition.unlock()
            job.run()
        }
    }
}

/// Work was offered to an executor that has been shut down.
public struct ExecutorShutDown: Error, CustomStringConvertible {
    public var description: String { "the blocking executor has been shut down" }
}
