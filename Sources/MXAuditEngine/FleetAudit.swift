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

    /// Runs the fleet; `sink` is called once per domain, in completion order, never concurrently.
    /// Cancellation (SIGINT) stops starting new domains; domains in flight finish or are cancelled.
    public func run(_ inventory: Inventory,
                    sink: (Client, InventoryDomain, DomainEvidence) async throws -> Void) async throws {
        let work = inventory.domains
        try await withThrowingTaskGroup(of: (Int, DomainEvidence).self) { group in
            var next = 0
            func startNext() {
                guard next < work.count, !Task.isCancelled else { return }
                let index = next
                next += 1
                let domain = work[index].domain
                group.addTask { (index, await collector.collect(domain)) }
            }
            for _ in 0..<min(domainsInFlight, work.count) { startNext() }
            while let (index, evidence) = try await group.next() {
                try await sink(work[index].client, work[index].domain, evidence)
                startNext()
            }
        }
    }
}
