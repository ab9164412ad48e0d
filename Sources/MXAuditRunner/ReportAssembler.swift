import Foundation
import MXAuditModel
import MXAuditReports
import MXAuditRules
import MXAuditStore

/// Builds what the reports read from the store alone: one run's judgements and evidence, the score
/// trends of earlier complete runs, and the changes since the previous complete run.
public struct ReportAssembler: Sendable {
    public let store: AuditStore
    /// How far ahead expiring waivers and certificates are reported.
    public let expiringWithinDays: Int
    /// How many runs the sparklines show.
    public let trendRuns: Int

    public init(store: AuditStore, expiringWithinDays: Int = 30, trendRuns: Int = 12) {
        self.store = store
        self.expiringWithinDays = expiringWithinDays
        self.trendRuns = trendRuns
    }

    public struct Assembled: Sendable {
        public var input: ReportInput
        /// The diff against the previous complete run; nil for a first audit.
        public var diff: RunDiff?
    }

    /// - Parameter includeEvidence: let the reports read evidence documents (HTML, JSON and JUnit
    ///   quote them). They are read from the store one client at a time while the reports are
    ///   written (`ReportInput.evidenceReader`), because a large fleet's evidence is most of a
    ///   run's size; the terminal summary needs only the results.
    public func assemble(runID: Int64, extraWaivers: [Waiver] = [], includeEvidence: Bool = true) async throws -> Assembled {
        // Read at once on the pool's reader connections: the reports wait for all three.
        async let runRead = store.run(id: runID)
        async let clientsRead = store.clients(runID: runID)
        async let judgementsRead = store.judgements(runID: runID)
        let (run, clients, judgements) = try await (runRead, clientsRead, judgementsRead)
        let waivers = clients.flatMap(\.waivers) + extraWaivers
        var diff: RunDiff?
        // The facts the differ compares are read only when there is something to compare with.
        if let previous = try await store.lastCompleteRuns(1, before: runID).first {
            diff = RunDiffer.diff(from: try await store.storedRun(id: previous.id), to: try await store.storedRun(id: runID),
                                  expiringWithinDays: expiringWithinDays, today: Date())
        }
        let (clientTrends, domainTrends) = try await trends(upTo: run, current: judgements)
        var input = ReportInput(run: run, clients: clients, judgements: judgements, evidence: [:],
                                unusedWaivers: WaiverAudit.unused(waivers, judgements: judgements),
                                trends: clientTrends, domainTrends: domainTrends,
                                changes: diff.map(ChangeLines.byClient) ?? [:])
        if includeEvidence {
            let store = self.store
            input.evidenceReader = { domains in try store.evidenceDocuments(runID: runID, domains: domains) }
        }
        return Assembled(input: input, diff: diff)
    }

    /// Scores per client and per domain over the last complete runs up to this one, oldest first.
    private func trends(upTo run: AuditRun, current: [DomainJudgement]) async throws
        -> ([String: [TrendPoint]], [String: [TrendPoint]]) {
        var runs = try await store.lastCompleteRuns(trendRuns - 1, before: run.id).reversed().map { $0 }
        runs.append(run)
        var clientTrends: [String: [TrendPoint]] = [:]
        var domainTrends: [String: [TrendPoint]] = [:]
        for past in runs {
            let judgements = past.id == run.id ? current : try await store.judgements(runID: past.id)
            let date = past.finishedAt ?? past.startedAt
            for (clientID, group) in Dictionary(grouping: judgements, by: \.clientID) {
                if let score = ResultSummary.score(of: group.flatMap(\.results)) {
                    clientTrends[clientID, default: []].append(TrendPoint(runID: past.id, date: date, score: Double(score)))
                }
            }
            for judgement in judgements {
                if let score = ResultSummary.score(of: judgement.results) {
                    domainTrends[judgement.domain, default: []].append(TrendPoint(runID: past.id, date: date, score: Double(score)))
                }
            }
        }
        return (clientTrends, domainTrends)
    }
}
