import Foundation
import MXAuditExecutor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Blocking executor")
struct BlockingExecutorTests {
    /// The measurement the issue names: 200 blocking 100 ms jobs inside tasks, while a heartbeat
    /// task must keep ticking on time. On the cooperative pool (2 threads here) this took 10 s and
    /// froze the heartbeat; on the executor it is two waves of 100 ms.
    @Test func blockingJobsDoNotStallTheCooperativePool() async throws {
        let executor = BlockingExecutor(maximumThreads: 128)
        defer { executor.shutdown() }
        let clock = ContinuousClock()
        let heartbeat = Task { () -> Duration in
            var worstLateness = Duration.zero
            while !Task.isCancelled {
                let before = clock.now
                try? await Task.sleep(for: .milliseconds(10))
                worstLateness = max(worstLateness, clock.now - before - .milliseconds(10))
            }
            return worstLateness
        }
        let start = clock.now
        let finished = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask { try await executor.run { usleep(100_000); return index } }
            }
            var results: [Int] = []
            for try await value in group { results.append(value) }
            return results
        }
        let elapsed = clock.now - start
        heartbeat.cancel()
        let worstLateness = await heartbeat.value

        #expect(finished.sorted() == Array(0..<200))
        #expect(elapsed < .seconds(2), "200 × 100 ms blocking jobs took \(elapsed)")
        #expect(worstLateness < .milliseconds(250), "the heartbeat was late by up to \(worstLateness)")
        #expect(executor.startedThreads <= 128)
    }

    @Test func cancellationUnblocksABlockedRead() async throws {
        let executor = BlockingExecutor(maximumThreads: 4)
        defer { executor.shutdown() }
        var descriptors: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0)
        let (reader, writer) = (descriptors[0], descriptors[1])
        defer { close(reader); close(writer) }

        let clock = ContinuousClock()
        let start = clock.now
        let blocked = Task {
            try await executor.run { token -> Int in
                // The read would block forever; cancellation shuts the socket down so it returns.
                token.onCancel { shutdown(reader, Int32(SHUT_RDWR)) }
                var byte: UInt8 = 0
                let count = read(reader, &byte, 1)
                if token.isCancelled { throw CancellationError() }
                return count
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
        #expect(clock.now - start < .seconds(2))
    }

    @Test func queuedWorkIsDroppedWhenCancelledBeforeItStarts() async throws {
        let executor = BlockingExecutor(maximumThreads: 1)
        defer { executor.shutdown() }
        let occupying = Task { try await executor.run { usleep(200_000); return 1 } }
        try await Task.sleep(for: .milliseconds(20))
        let ran = ManagedFlag()
        let queued = Task { try await executor.run { ran.set(); return 2 } }
        try await Task.sleep(for: .milliseconds(20))
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        #expect(try await occupying.value == 1)
        #expect(!ran.value)
    }

    @Test func errorsFromTheWorkReachTheCaller() async {
        struct Boom: Error, Equatable {}
        let executor = BlockingExecutor(maximumThreads: 2)
        defer { executor.shutdown() }
        await #expect(throws: Boom()) { try await executor.run { () throws -> Int in throw Boom() } }
    }

    @Test func shutDownExecutorRefusesWork() async {
        let executor = BlockingExecutor(maximumThreads: 2)
        executor.shutdown()
        await #expect(throws: ExecutorShutDown.self) { try await executor.run { 1 } }
    }
}

/// A thread-safe flag for observing whether blocking work ran.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
