import MXAuditExecutor
import MXAuditModel
import MXAuditStore

/// Finished domains on their way into the store, written a few at a time: one transaction per
/// domain cost a tenth of an audit's CPU. A batch is written when it is full or, by `tick()`,
/// once its oldest domain has waited `maximumWait`, so on a slow fleet each domain still reaches
/// the file (and the progress line) within moments, and a crash loses only those moments.
///
/// A batch is written in the background while the next one fills: `add` waits only when the
/// previous batch is still being written (so a slow disk slows the audit instead of piling up
/// memory). The fleet loop hands every finished domain to `add` before it starts the next domain,
/// and waiting there for each write (80 ms on average, 200 ms with a WAL checkpoint, on two busy
/// cores) had kept it from starting domains for a third of a 1,000-domain audit.
actor StoreBatcher {
    /// At most this many domains per transaction.
    static let maximumDomains = 64
    /// No finished domain waits longer than this (plus one tick) to be written.
    static let maximumWait: Duration = .milliseconds(200)
    /// How often freed memory goes back to the system (a trim takes a few milliseconds).
    static let domainsBetweenMemoryReturns = 500

    let store: AuditStore
    let runID: Int64
    let onDomain: @Sendable (DomainJudgement) -> Void
    private var pending: [RecordedDomain] = []
    private var oldest: ContinuousClock.Instant?
    /// The last batch handed to the store; each batch's write waits for the one before, so batches
    /// are stored, and `onDomain` sees their domains, in the order they were handed over.
    private var writing: Task<Void, Never>?
    private var recorded = 0
    /// A write that failed; the next `add` or `flush` throws it, so the audit stops, and no later
    /// batch is written.
    private var failure: (any Error)?

    init(store: AuditStore, runID: Int64, onDomain: @escaping @Sendable (DomainJudgement) -> Void) {
        self.store = store
        self.runID = runID
        self.onDomain = onDomain
    }

    func add(_ domain: RecordedDomain) async throws {
        if let failure { throw failure }
        pending.append(domain)
        if oldest == nil { oldest = .now }
        if pending.count >= Self.maximumDomains { await handOver() }
        if let failure { throw failure }
    }

    /// Hands the batch over if its oldest domain has waited long enough.
    func tick() async {
        guard failure == nil, let oldest, ContinuousClock.now - oldest >= Self.maximumWait else { return }
        await handOver()
    }

    /// Writes what is pending and waits until every batch is stored; `onDomain` sees each
    /// judgement once it is stored. A failed write is thrown here too, so the run ends with the
    /// store's own error.
    func flush() async throws {
        await handOver()
        await writing?.value
        if let failure { throw failure }
    }

    /// Starts the pending batch's write (after the previous batch's), then waits for the previous
    /// one only: at most one batch is being written while the next one fills.
    private func handOver() async {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        oldest = nil
        let previous = writing
        // Unstructured, so an interrupted audit (its task cancelled) still stores what it collected.
        writing = Task {
            await previous?.value
            await self.write(batch)
        }
        await previous?.value
    }

    private func write(_ batch: [RecordedDomain]) async {
        guard failure == nil else { return }
        do {
            try await store.record(runID: runID, domains: batch)
        } catch {
            failure = error
            return
        }
        for domain in batch {
            onDomain(domain.judgement)
            recorded += 1
            if recorded % Self.domainsBetweenMemoryReturns == 0 { FreedMemory.returnToSystem() }
        }
    }

    /// Calls `tick()` until the calling task is cancelled.
    func tickUntilCancelled() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: Self.maximumWait / 4) } catch { return }
            await tick()
        }
    }
}
