import Foundation
import MXAuditModel

/// The view model of `<out>/index.html` (template `fleet.mustache`).
struct FleetPage {
    var generator: String
    var run: RunView
    var clientCount: Int
    var domainCount: Int
    var verdicts: [VerdictTile]
    var counts: OutcomeCounts
    var resultCount: Int
    var failures: LevelCounts
    var clients: [ClientRow]
    var matrix: Matrix
    var hasMatrix: Bool
    var sharedCauses: [SharedCauseRow]
    var hasSharedCauses: Bool
    var regressions: [RegressionRow]
    var hasRegressions: Bool
    var unusedWaivers: [UnusedWaiverView]
    var hasUnusedWaivers: Bool

    struct VerdictTile {
        var key: String
        var title: String
        var count: Int
    }

    struct ClientRow {
        var rank: Int
        var id: String
        var name: String
        var file: String
        var verdict: VerdictView
        var score: String
        var mustFailures: Int
        var shouldFailures: Int
        var indeterminate: Int
        var explained: Int
        var domains: Int
        var trend: SparklineView?
    }

    struct Matrix {
        var columns: [Column]
        var rows: [Row]

        struct Column {
            var id: String
            var file: String
        }

        struct Row {
            var ruleID: String
            var title: String
            var level: String
            var cells: [Cell]
        }

        struct Cell {
            /// An outcome (`pass`, `fail` …) or `none` when the rule does not judge the client.
            var outcome: String
            var label: String
            var title: String
        }
    }

    struct SharedCauseRow {
        var kind: String
        var name: String
        var domainCount: Int
        var clientCount: Int
        var clients: String
        var rules: String
        var domains: String
    }

    struct RegressionRow {
        var client: String
        var file: String
        var sentence: String
    }

    init(input: ReportInput) {
        generator = "mxaudit \(input.run.mxauditVersion)"
        run = RunView(input.run)
        let all = input.judgements.flatMap(\.results)
        let fleet = ResultSummary(all)
        counts = fleet.counts
        resultCount = fleet.counts.total
        failures = fleet.failuresByLevel
        clientCount = input.clients.count
        domainCount = input.clients.reduce(0) { $0 + $1.domains.count }

        // Riskiest first: the verdict, then failing must rules, then the score.
        let ranked = input.clients.map { ($0, ResultSummary(input.results(ofClient: $0.id))) }.sorted { lhs, rhs in
            (rhs.1.verdict, rhs.1.failuresByLevel.must, lhs.1.score ?? 101, lhs.0.id)
                < (lhs.1.verdict, lhs.1.failuresByLevel.must, rhs.1.score ?? 101, rhs.0.id)
        }
        verdicts = Verdict.allCases.reversed().map { verdict in
            VerdictTile(key: verdict.rawValue, title: verdict.title, count: ranked.filter { $0.1.verdict == verdict }.count)
        }
        clients = ranked.enumerated().map { index, entry in
            let (client, summary) = entry
            return ClientRow(rank: index + 1, id: client.id, name: ReportText.line(client.name),
                             file: ReportFileName.page(client.id), verdict: VerdictView(summary.verdict),
                             score: summary.score.map(String.init) ?? "–", mustFailures: summary.failuresByLevel.must,
                             shouldFailures: summary.failuresByLevel.should,
                             indeterminate: summary.counts.indeterminate, explained: summary.counts.explained,
                             domains: client.domains.count, trend: SparklineView(input.trends[client.id] ?? [], width: 100, height: 24))
        }
        matrix = Self.matrix(input: input, clients: ranked.map(\.0))
        hasMatrix = !matrix.rows.isEmpty
        sharedCauses = SharedCause.find(all).map { cause in
            SharedCauseRow(kind: cause.kind.rawValue, name: ReportText.line(cause.name), domainCount: cause.domains.count,
                           clientCount: cause.clients.count, clients: cause.clients.sorted().joined(separator: ", "),
                           rules: cause.rules.sorted().joined(separator: ", "),
                           domains: ReportText.line(cause.domains.sorted().joined(separator: ", "), limit: 1000))
        }
        hasSharedCauses = !sharedCauses.isEmpty
        regressions = ranked.flatMap { client, _ in
            (input.changes[client.id] ?? []).filter { $0.kind == .regressed }.map {
                RegressionRow(client: client.id, file: ReportFileName.page(client.id), sentence: ReportText.text($0.sentence, limit: 1000))
            }
        }
        hasRegressions = !regressions.isEmpty
        unusedWaivers = input.unusedWaivers.map(UnusedWaiverView.init)
        hasUnusedWaivers = !unusedWaivers.isEmpty
    }

    /// Rules down, clients across (riskiest first); each cell is the worst outcome of the rule over
    /// the client's domains, with how many domains fail.
    private static func matrix(input: ReportInput, clients: [Client]) -> Matrix {
        var rules: [(id: String, title: String, level: RuleLevel)] = []
        var seen: Set<String> = []
        var groupsByClient: [String: [String: [RuleGroup]]] = [:]
        for client in clients {
            let groups = RuleGroup.make(input.results(ofClient: client.id))
            groupsByClient[client.id] = Dictionary(grouping: groups, by: \.ruleID)
            for group in groups where seen.insert(group.ruleID).inserted {
                rules.append((group.ruleID, group.ruleTitle, group.level))
            }
        }
        rules.sort { ($0.level, $0.id) < ($1.level, $1.id) }
        let rows = rules.map { rule in
            Matrix.Row(ruleID: ReportText.line(rule.id), title: ReportText.line(rule.title), level: rule.level.rawValue,
                       cells: clients.map { client in
                guard let groups = groupsByClient[client.id]?[rule.id], !groups.isEmpty else {
                    return Matrix.Cell(outcome: "none", label: "", title: "\(client.id): not judged by this rule")
                }
                let worst = groups.map(\.outcome).max { $0.severity < $1.severity }!
                let failing = groups.filter { $0.outcome == .fail || $0.outcome == .indeterminate }.count
                let label = failing > 0 ? "\(failing)/\(groups.count)" : worst == .pass ? "✓" : worst == .explained ? "E" : "–"
                return Matrix.Cell(outcome: worst.rawValue, label: label,
                                   title: "\(client.id): \(worst.title)" + (failing > 0 ? ", \(failing) of \(groups.count) domains" : ""))
            })
        }
        return Matrix(columns: clients.map { Matrix.Column(id: $0.id, file: ReportFileName.page($0.id)) }, rows: rows)
    }
}
