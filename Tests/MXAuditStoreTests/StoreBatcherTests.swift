import Foundation
import GRDB
import MXAuditModel
import Synchronization
import Testing
@testable import MXAuditRunner
@testable import MXAuditStore

/// The audit's way into the store: batches are written in the background while the next one
/// fills, in order, and a write that is still running holds up only the batch after it.
@Suite("StoreBatcher")
struct StoreBatcherTests {
    /// `count` domains of one client, each with its own name and MX host.
    static func specs(_ count: Int) -> [DomainSpec] {
        (0..<count).map { index in
            DomainSpec(name: "d\(index).example", client: "acme",
                       hosts: [Fixtures.host("mx.d\(index).example", address: "127.60.9.\(index % 200 + 1)", key: "k\(index)")])
        }
    }

    /// The judgements `onDomain` saw, in order.
    final class Seen: Sendable {
        private let domains = Mutex<[String]>([])
        func append(_ judgement: DomainJudgement) { domains.withLock { $0.append(judgement.domain) } }
        var all: [String] { domains.withLock { $0 } }
    }

    @Test func batchesAreStoredInTheOrderHandedOverAndEachDomainIsSeenOnceStored() async throws {
        let scratch = try ScratchDirectory()
        let specs = Self.specs(2 * StoreBatcher.maximumDomains + 5)
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(specs))
        let seen = Seen()
        let batcher = StoreBatcher(store: store, runID: runID) { seen.append($0) }
        for spec in specs { try await batcher.add(BatchRecordTests.recorded(spec)) }
        try await batcher.flush()
        #expect(seen.all == specs.map(\.name))
        #expect(Set(try await store.judgements(runID: runID).map(\.domain)) == Set(specs.map(\.name)))
    }

    @Test func aWriteInProgressHoldsUpOnlyTheBatchAfterIt() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        let specs = Self.specs(2 * StoreBatcher.maximumDomains)
        let store = try AuditStore(path: path)
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(specs))
        let seen = Seen()
        let batcher = StoreBatcher(store: store, runID: runID) { seen.append($0) }
        // Another connection holds the write lock: the first batch's write waits for it (busy timeout).
        let other = try DatabaseQueue(path: path)
        // Held on a thread of its own: blocking a cooperative-pool thread would slow other suites.
        let locked = Mutex(true)
        let holderState = Mutex<HolderState>(.starting)
        let holder = Thread {
            do {
                try other.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    holderState.withLock { $0 = .holding }
                    while locked.withLock({ $0 }) { usleep(5_000) }
                    try db.execute(sql: "COMMIT")
                }
                holderState.withLock { $0 = .released }
            } catch {
                holderState.withLock { $0 = .failed("\(error)") }
            }
        }
        holder.start()
        while holderState.withLock({ $0 }) == .starting { try await Task.sleep(for: .milliseconds(5)) }
        try #require(holderState.withLock { $0 } == .holding)

        // The first batch is handed over and the adds go on while its write waits for the lock ...
        for spec in specs.prefix(2 * StoreBatcher.maximumDomains - 1) { try await batcher.add(BatchRecordTests.recorded(spec)) }
        #expect(seen.all.isEmpty)
        // ... but the add that completes the second batch waits for the first batch to be stored.
        let lastAdded = Mutex(false)
        let last = Task {
            try await batcher.add(BatchRecordTests.recorded(specs[specs.count - 1]))
            lastAdded.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!lastAdded.withLock { $0 })
        #expect(seen.all.isEmpty)
        locked.withLock { $0 = false }
        try await last.value
        while holderState.withLock({ $0 }) == .holding { try await Task.sleep(for: .milliseconds(5)) }
        #expect(holderState.withLock { $0 } == .released)
        #expect(seen.all.count >= StoreBatcher.maximumDomains)
        try await batcher.flush()
        #expect(seen.all == specs.map(\.name))
    }

    enum HolderState: Equatable, Sendable {
        case starting, holding, released
        case failed(String)
    }

    @Test func aFailedWriteIsThrownAndNothingAfterItIsWritten() async throws {
        let scratch = try ScratchDirectory()
        let specs = Self.specs(StoreBatcher.maximumDomains + 3)
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(specs))
        // A finished run takes no more domains: the first batch's write fails.
        try await store.finishRun(runID, status: .incomplete)
        let seen = Seen()
        let batcher = StoreBatcher(store: store, runID: runID) { seen.append($0) }
        await #expect(throws: StoreError.self) {
            for spec in specs { try await batcher.add(BatchRecordTests.recorded(spec)) }
            try await batcher.flush()
        }
        await #expect(throws: StoreError.self) { try await batcher.flush() }
        #expect(seen.all.isEmpty)
        #expect(try await store.judgements(runID: runID).isEmpty)
    }
}
