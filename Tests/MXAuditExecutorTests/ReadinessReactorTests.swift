import Foundation
import Testing
@testable import MXAuditExecutor

/// The reactor DNS and SMTP wait on: readiness either way, deadlines, cancellation, and a socket
/// epoll cannot watch, each resolved exactly once.
@Suite struct ReadinessReactorTests {
    /// A connected pair of non-blocking stream sockets, closed when the test is done with them.
    private final class SocketPair {
        let near: Int32
        let far: Int32
        init() throws {
            var descriptors: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &descriptors) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            (near, far) = (descriptors[0], descriptors[1])
        }
        deinit { close(near); close(far) }
    }

    private let reactor = ReadinessReactor.shared

    @Test func aSocketIsReadableOnceThePeerWritesAndWritableAtOnce() async throws {
        let pair = try SocketPair()
        #expect(await reactor.wait(for: .writable, on: pair.near, until: .now + .seconds(5)) == .ready)
        let far = pair.far
        async let readable = reactor.wait(for: .readable, on: pair.near, until: .now + .seconds(5))
        try await Task.sleep(for: .milliseconds(30))
        var byte: UInt8 = 7
        #expect(write(far, &byte, 1) == 1)
        #expect(await readable == .ready)
        // Re-armed by the next wait: the unread byte makes the socket ready again at once.
        #expect(await reactor.wait(for: .readable, on: pair.near, until: .now + .seconds(5)) == .ready)
    }

    @Test func aSilentSocketTimesOutNearItsDeadline() async throws {
        let pair = try SocketPair()
        let started = ContinuousClock.now
        #expect(await reactor.wait(for: .readable, on: pair.near, until: .now + .milliseconds(100)) == .timedOut)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(100) && waited < .seconds(2), "\(waited)")
    }

    @Test func cancellingTheTaskEndsTheWait() async throws {
        let pair = try SocketPair()
        let near = pair.near
        let reactor = self.reactor
        let waiting = Task { await reactor.wait(for: .readable, on: near, until: .now + .seconds(60)) }
        try await Task.sleep(for: .milliseconds(30))
        waiting.cancel()
        #expect(await waiting.value == .cancelled)
        // A task cancelled before it waits does not wait at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await reactor.wait(for: .readable, on: near, until: .now + .seconds(60))
        }
        #expect(await early.value == .cancelled)
    }

    @Test func aDescriptorEpollCannotWatchIsReportedAtOnce() async throws {
        // A regular file: epoll refuses it (EPERM), so nothing would ever wake the wait.
        let file = open("/proc/self/stat", O_RDONLY)
        defer { close(file) }
        #expect(await reactor.wait(for: .readable, on: file, until: .now + .seconds(60)) == .unwatchable(EPERM))
        #expect(await reactor.wait(for: .readable, on: -1, until: .now + .seconds(60)) == .unwatchable(EBADF))
    }

    @Test func manySocketsWaitAtOnceAndEachWakesAlone() async throws {
        let pairs = try (0..<200).map { _ in try SocketPair() }
        let reactor = self.reactor
        let outcomes = await withTaskGroup(of: (Int, ReadinessReactor.Outcome).self) { group in
            for (index, pair) in pairs.enumerated() {
                let near = pair.near
                group.addTask { (index, await reactor.wait(for: .readable, on: near, until: .now + .milliseconds(index.isMultiple(of: 2) ? 5_000 : 300))) }
            }
            try? await Task.sleep(for: .milliseconds(50))
            for (index, pair) in pairs.enumerated() where index.isMultiple(of: 2) {
                var byte: UInt8 = 1
                _ = write(pair.far, &byte, 1)
            }
            var outcomes = [ReadinessReactor.Outcome](repeating: .cancelled, count: pairs.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        for (index, outcome) in outcomes.enumerated() {
            #expect(outcome == (index.isMultiple(of: 2) ? .ready : .timedOut), "socket \(index)")
        }
    }
}
