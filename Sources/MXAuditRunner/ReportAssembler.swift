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

    /// - Parameter includeEvidence: load every domain's evidence document (HTML, JSON and JUnit
    ///   reports quote it); the terminal summary needs only the results, and a large fleet's
    ///   evidence is most of a run's memory.
    public func assemble(runID: Int64, extraWaivers: [Waiver] = [], includeEvidence: Bool = true) async throws -> Assembled {
        let stored = try await store.storedRun(id: runID)
        let judgements = try await store.judgements(runID: runID)
        var evidence: [String: DomainEvidence] = [:]
        if includeEvidence {
            for judgement in judgements {
                evidence[judgement.domain] = try await store.evidence(runID: runID, domain: judgement.domain)
            }
        }
        let waivers = stored.clients.flatMap(\.waivers) + extraWaivers
        var diff: RunDiff?
        if let previous = try await store.lastCompleteRuns(1, before: runID).first {
            diff = RunDiffer.diff(from: try await store.storedRun(id: previous.id), to: stored,
                                  expiringWithinDays: expiringWithinDays, today: Date())
        }
        let (clientTrends, domainTrends) = try await trends(upTo: stored.run, current: judgements)
        let input = ReportInput(run: stored.run, clients: stored.clients, judgements: judgements, evidence: evidence,
                                unusedWaivers: WaiverAudit.unused(waivers, judgements: judgements),
                                trends: clientTrends, domainTrends: domainTrends,
                                changes: diff.map(ChangeLines.byClient) ?? [:])
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
