import MXAuditModel

/// Collects evidence for every domain of an inventory with a bounded number of domains in flight,
/// handing each finished domain to `sink` at once, so results stream to the store and memory stays
/// flat however large the fleet is.
public struct FleetAudit: Sendable {
    public let collector: DomainCollector
    public let domainsInFlight: Int

    /// - Parameter domainsInFlight: how many domains are collected at once. A domain spends most of
    ///   its time waiting on round trips, one after another (MX, then addresses, then TLSA, then the
    ///   probe), and shared answers come from the caches, so half the operation bound
    ///   (`--concurrency`, which the executor's thread count enforces) keeps it busy.
    public init(environment: AuditEnvironment, domainsInFlight: Int? = nil) {
        collector = DomainCollector(environment: environment)
        self.domainsInFlight = max(1, domainsInFlight ?? environment.settings.concurrency / 2)
    }

    /// Runs the fleet. `prepare` (judging, encoding) runs in each domain's own task, in parallel;
    /// `sink` (storing) is called once per domain, in completion order, never concurrently.
    /// Cancellation (SIGINT) stops starting new domains; domains in flight finish or are cancelled.
    public func run<Prepared: Sendable>(_ inventory: Inventory,
                                        prepare: @escaping @Sendable (Client, InventoryDomain, DomainEvidence) -> Prepared,
                                        sink: (Prepared) async throws -> Void) async throws {
        let work = inventory.domains
        try await withThrowingTaskGroup(of: Prepared.self) { group in
            var next = 0
            func startNext() {
                guard next < work.count, !Task.isCancelled else { return }
                let item = work[next]
                next += 1
                group.addTask { prepare(item.client, item.domain, await collector.collect(item.domain)) }
            }
            for _ in 0..<min(domainsInFlight, work.count) { startNext() }
            while let prepared = try await group.next() {
                try await sink(prepared)
                startNext()
            }
        }
    }
}
