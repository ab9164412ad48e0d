import Foundation
import MXAuditEngine
import MXAuditExecutor
import MXAuditModel
import MXAuditRules
import MXAuditStore

/// One audit: collects every domain, judges it and streams evidence and results into the store as
/// domains finish (in small batches, `StoreBatcher`). The run becomes `complete` only when every domain is stored; an error or
/// an interruption leaves it `incomplete` and earlier runs untouched.
public struct AuditRunner: Sendable {
    public let plan: AuditPlan
    public let environment: AuditEnvironment
    public let store: AuditStore

    public init(plan: AuditPlan, environment: AuditEnvironment, store: AuditStore) {
        self.plan = plan
        self.environment = environment
        self.store = store
    }

    /// Runs the audit and returns the run id; `onDomain` sees each judgement as it is stored.
    public func run(today: CalendarDay = CalendarDay(Date()),
                    onDomain: @escaping @Sendable (DomainJudgement) -> Void = { _ in }) async throws -> Int64 {
        let runID = try await store.beginRun(startedAt: Date(), inventoryHash: plan.inventoryHash,
                                             rulesets: plan.rulesets.map(\.reference), settings: environment.settings,
                                             clients: plan.inventory.clients)
        let engine = RuleEngine(rulesets: plan.rulesets)
        let waivers = plan.extraWaivers
        let batcher = StoreBatcher(store: store, runID: runID, onDomain: onDomain)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await batcher.tickUntilCancelled() }
                try await FleetAudit(environment: environment).run(plan.inventory, prepare: { client, _, evidence in
                    // Judged in the domain's own task; one JSON form of the evidence for the rules and the store.
                    let document = EvidenceDocument(evidence)
                    let judgement = engine.judge(evidence, client: client, waivers: waivers, today: today, document: document)
                    return RecordedDomain(evidence: evidence, judgement: judgement, evidenceJSON: document.json)
                }) { recorded in
                    try await batcher.add(recorded)
                }
                group.cancelAll()
            }
            try await batcher.flush()
            try Task.checkCancellation()
            try await store.finishRun(runID, status: .complete)
            return runID
        } catch {
            // Domains already collected are kept (an interrupted run can still be inspected).
            try? await batcher.flush()
            // Marking the run is best effort: the store also marks runs whose writer died.
            try? await store.finishRun(runID, status: .incomplete)
            throw error
        }
    }
}
