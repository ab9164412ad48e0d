import MXAuditExecutor
import MXAuditModel
import MXAuditStore

/// Finished domains on their way into the store, written a few at a time: one transaction per
/// domain cost a tenth of an audit's CPU. A batch is written when it is full or, by `tick()`,
/// once its oldest domain has waited `maximumWait`, so on a slow fleet each domain still reaches
/// the file (and the progress line) within moments, and a crash loses only those moments.
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
    private var recorded = 0
    /// A write that failed in `tick()`; the next `add` or `flush` throws it, so the audit stops.
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
        if pending.count >= Self.maximumDomains { try await flush() }
    }

    /// Writes the batch if its oldest domain has waited long enough.
    func tick() async {
        guard failure == nil, let oldest, ContinuousClock.now - oldest >= Self.maximumWait else { return }
        do { try await flush() } catch { failure = error }
    }

    /// Writes what is pending; `onDomain` sees each judgement once it is stored. A write that
    /// failed in `tick()` is thrown here too, so the run ends with the store's own error.
    func flush() async throws {
        if let failure { throw failure }
        guard !pending.isEmpty else { return }
        let domains = pending
        pending.removeAll(keepingCapacity: true)
        oldest = nil
        try await store.record(runID: runID, domains: domains)
        for domain in domains {
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
