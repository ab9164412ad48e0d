import Foundation
import MXAuditModel

/// The view model of `<out>/<client>.html` (template `client.mustache`).
struct ClientPage {
    var generator: String
    var run: RunView
    var id: String
    var name: String
    var contacts: String?
    var tags: String?
    var verdict: VerdictView
    var score: String
    var counts: OutcomeCounts
    var failures: LevelCounts
    var indeterminateMust: Int
    var hasIndeterminateMust: Bool
    var rulesets: [RulesetRow]
    /// Failing and indeterminate results of every domain, strictest level first: what to fix first.
    var priorities: [FindingRow]
    var hasPriorities: Bool
    var morePriorities: Int
    var hasMorePriorities: Bool
    var trend: SparklineView?
    var changes: [ChangeView]
    var hasChanges: Bool
    var domains: [DomainSection]
    var waivers: [WaiverRow]
    var hasWaivers: Bool

    static let priorityLimit = 12

    struct RulesetRow {
        var id: String
        var version: String
        var verdict: VerdictView
        var score: String
        var counts: OutcomeCounts
    }

    struct WaiverRow {
        var rule: String
        var domains: String
        var reason: String
        var approvedBy: String
        var expires: String
        /// `active`, `expiring` (within 30 days), `expired`, `unused`.
        var state: String
        var stateTitle: String
        var explains: Int
    }

    /// - Parameter evidence: the client's evidence by A-label (`ReportInput.evidence(ofClient:)`).
    init(input: ReportInput, client: Client, evidence: [String: DomainEvidence]) {
        let results = input.results(ofClient: client.id)
        let summary = ResultSummary(results)
        generator = "mxaudit \(input.run.mxauditVersion)"
        run = RunView(input.run)
        id = client.id
        name = ReportText.line(client.name)
        contacts = client.contacts.isEmpty ? nil : ReportText.line(client.contacts.joined(separator: ", "))
        tags = client.tags.isEmpty ? nil : ReportText.line(client.tags.joined(separator: ", "))
        verdict = VerdictView(summary.verdict)
        score = summary.score.map(String.init) ?? "–"
        counts = summary.counts
        failures = summary.failuresByLevel
        indeterminateMust = summary.indeterminateByLevel.must
        hasIndeterminateMust = indeterminateMust > 0
        rulesets = RulesetSummary.make(rulesets: client.rulesets, results: results, references: input.run.rulesets).map {
            RulesetRow(id: $0.id, version: $0.version, verdict: VerdictView($0.summary.verdict),
                       score: $0.summary.score.map(String.init) ?? "–", counts: $0.summary.counts)
        }
        let open = results.filter { $0.outcome == .fail || $0.outcome == .indeterminate }.sorted {
            ($0.level, $1.outcome.severity, $0.domain, $0.ruleID, $0.subject) < ($1.level, $0.outcome.severity, $1.domain, $1.ruleID, $1.subject)
        }
        priorities = open.prefix(Self.priorityLimit).map(FindingRow.init)
        hasPriorities = !priorities.isEmpty
        morePriorities = max(0, open.count - Self.priorityLimit)
        hasMorePriorities = morePriorities > 0
        trend = SparklineView(input.trends[client.id] ?? [], width: 220, height: 44)
        changes = (input.changes[client.id] ?? []).map(ChangeView.init)
        hasChanges = !changes.isEmpty
        domains = input.judgements(ofClient: client).map { judgement in
            DomainSection(judgement: judgement, domain: client.domains.first { $0.name.ascii == judgement.domain }?.name,
                          evidence: evidence[judgement.domain], trend: input.domainTrends[judgement.domain] ?? [],
                          auditedAt: input.run.startedAt)
        }
        let unused = input.unusedWaivers.filter { $0.waiver.client == client.id }
        waivers = client.waivers.map { waiver in
            let covered = Set(waiver.domains.map(\.ascii))
            let explained = results.filter {
                $0.ruleID == waiver.rule && $0.outcome == .explained && (covered.isEmpty || covered.contains($0.domain))
            }
            let isUnused = unused.contains { $0.waiver == waiver }
            let daysLeft = waiver.expires.map { ReportDates.days(from: input.run.startedAt, until: $0) }
            let state = daysLeft.map { $0 < 0 ? "expired" : $0 <= 30 ? "expiring" : "active" } ?? "active"
            let finalState = isUnused && state != "expired" ? "unused" : state
            return WaiverRow(rule: ReportText.line(waiver.rule),
                             domains: waiver.domains.isEmpty ? "every domain" : waiver.domains.map(\.unicode).joined(separator: ", "),
                             reason: ReportText.text(waiver.reason, limit: 1000), approvedBy: ReportText.line(waiver.approvedBy ?? "–"),
                             expires: waiver.expires.map { "\($0)" + (daysLeft.map { $0 < 0 ? " (expired)" : " (\($0) days)" } ?? "") } ?? "never",
                             state: finalState, stateTitle: finalState, explains: explained.count)
        }
        hasWaivers = !waivers.isEmpty
    }
}

/// One domain of a client report: verdict, deployment advice, findings and evidence.
struct DomainSection {
    var anchor: String
    var name: String
    var ascii: String?
    var verdict: VerdictView
    var score: String
    var counts: OutcomeCounts
    var advice: AdviceView?
    /// Named apart from the client's `trend`: a nil value would otherwise show the client's.
    var domainTrend: SparklineView?
    var findings: [FindingRow]
    var hasFindings: Bool
    var passed: [FindingRow]
    var hasPassed: Bool
    var evidence: [EvidenceGroupView]
    var hasEvidence: Bool
    /// The whole evidence as `mxaudit check` prints it.
    var evidenceText: String?

    struct AdviceView {
        var scenario: String
        var title: String
        var advice: String
    }

    init(judgement: DomainJudgement, domain: DomainName?, evidence: DomainEvidence?, trend: [TrendPoint], auditedAt: Date) {
        let summary = ResultSummary(judgement.results)
        anchor = "domain-" + ReportFileName.stem(judgement.domain.replacingOccurrences(of: ".", with: "-"))
        name = ReportText.line(domain?.unicode ?? judgement.domain)
        ascii = domain.flatMap { $0.isInternationalized ? $0.ascii : nil }
        verdict = VerdictView(summary.verdict)
        score = summary.score.map(String.init) ?? "–"
        counts = summary.counts
        advice = judgement.advice.map {
            AdviceView(scenario: $0.scenario, title: ReportText.line($0.title), advice: ReportText.text($0.advice, limit: 2000))
        }
        domainTrend = SparklineView(trend, width: 120, height: 28)
        let ordered = judgement.results.sorted {
            ($1.outcome.severity, $0.level, $0.ruleID, $0.subject) < ($0.outcome.severity, $1.level, $1.ruleID, $1.subject)
        }
        findings = ordered.filter { $0.outcome.severity >= Outcome.explained.severity }.map(FindingRow.init)
        hasFindings = !findings.isEmpty
        passed = ordered.filter { $0.outcome.severity < Outcome.explained.severity }.map(FindingRow.init)
        hasPassed = !passed.isEmpty
        self.evidence = evidence.map { EvidenceFacts.groups($0, auditedAt: auditedAt) } ?? []
        hasEvidence = evidence != nil
        evidenceText = evidence.map { ReportText.text(EvidenceTextRenderer.render($0), limit: 60_000, maxLines: 2000) }
    }
}

/// One rule result as a report row.
struct FindingRow {
    var domain: String
    var outcome: String
    var outcomeTitle: String
    var level: String
    var ruleID: String
    var ruleTitle: String
    var ruleset: String
    var subject: String
    var message: String
    var remediation: String?
    var references: String?
    var waiver: String?

    init(_ result: RuleResult) {
        domain = ReportText.line((try? DomainName(result.domain))?.unicode ?? result.domain)
        outcome = result.outcome.rawValue
        outcomeTitle = result.outcome.title
        level = result.level.rawValue
        ruleID = ReportText.line(result.ruleID)
        ruleTitle = ReportText.line(result.ruleTitle)
        ruleset = ReportText.line("\(result.rulesetID) \(result.rulesetVersion)")
        subject = ReportText.line(result.subject)
        message = ReportText.text(result.message)
        remediation = result.outcome == .pass ? nil : result.remediation.map { ReportText.text($0, limit: 2000) }
        references = result.references.isEmpty ? nil : ReportText.line(result.references.joined(separator: "; "), limit: 1000)
        waiver = result.waiver.map { ReportText.line($0.sentence, limit: 1000) }
    }
}
