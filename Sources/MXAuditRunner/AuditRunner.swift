import Foundation
import MXAuditEngine
import MXAuditExecutor
import MXAuditModel
import MXAuditRules
import MXAuditStore

/// One audit: collects every domain, judges it and streams evidence and results into the store as
/// each domain finishes. The run becomes `complete` only when every domain is stored; an error or
/// an interruption leaves it `incomplete` and earlier runs untouched.
public struct AuditRunner: Sendable {
    public let plan: AuditPlan
    public let environment: AuditEnvironment
    public let store: AuditStore

    /// How often freed memory goes back to the system (a trim takes a few milliseconds).
    static let domainsBetweenMemoryReturns = 500

    public init(plan: AuditPlan, environment: AuditEnvironment, store: AuditStore) {
        self.plan = plan
        self.environment = environment
        self.store = store
    }

    /// Runs the audit and returns the run id; `onDomain` sees each judgement as it is stored.
    public func run(today: CalendarDay = CalendarDay(Date()),
                    onDomain: @Sendable (DomainJudgement) -> Void = { _ in }) async throws -> Int64 {
        let runID = try await store.beginRun(startedAt: Date(), inventoryHash: plan.inventoryHash,
                                             rulesets: plan.rulesets.map(\.reference), settings: environment.settings,
                                             clients: plan.inventory.clients)
        let engine = RuleEngine(rulesets: plan.rulesets)
        let waivers = plan.extraWaivers
        do {
            var recorded = 0
            try await FleetAudit(environment: environment).run(plan.inventory) { client, _, evidence in
                // One JSON form of the evidence for both the rules and the store.
                let document = EvidenceDocument(evidence)
                let judgement = engine.judge(evidence, client: client, waivers: waivers, today: today, document: document)
                try await store.record(runID: runID, evidence: evidence, judgement: judgement, evidenceJSON: document.json)
                onDomain(judgement)
                recorded += 1
                if recorded % Self.domainsBetweenMemoryReturns == 0 { FreedMemory.returnToSystem() }
            }
            try Task.checkCancellation()
            try await store.finishRun(runID, status: .complete)
            return runID
        } catch {
            // Marking the run is best effort: the store also marks runs whose writer died.
            try? await store.finishRun(runID, status: .incomplete)
            throw error
        }
    }
}
