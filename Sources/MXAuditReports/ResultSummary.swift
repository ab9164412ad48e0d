import MXAuditModel

/// How many results had each outcome.
public struct OutcomeCounts: Sendable, Equatable, Codable {
    public var pass = 0
    public var fail = 0
    public var explained = 0
    public var indeterminate = 0
    public var notApplicable = 0

    public init() {}

    public init<S: Sequence>(_ outcomes: S) where S.Element == Outcome {
        for outcome in outcomes { add(outcome) }
    }

    public mutating func add(_ outcome: Outcome) {
        switch outcome {
        case .pass: pass += 1
        case .fail: fail += 1
        case .explained: explained += 1
        case .indeterminate: indeterminate += 1
        case .notApplicable: notApplicable += 1
        }
    }

    public var total: Int { pass + fail + explained + indeterminate + notApplicable }
}

/// Failures per rule level.
public struct LevelCounts: Sendable, Equatable, Codable {
    public var must = 0
    public var should = 0
    public var may = 0

    public init() {}

    public mutating func add(_ level: RuleLevel) {
        switch level {
        case .must: must += 1
        case .should: should += 1
        case .may: may += 1
        }
    }
}

/// The numbers every report shows for a set of results: counts, failures by level, verdict and score.
public struct ResultSummary: Sendable, Equatable, Codable {
    public var counts: OutcomeCounts
    /// Results with outcome `fail`, per level.
    public var failuresByLevel: LevelCounts
    /// Results with outcome `indeterminate`, per level.
    public var indeterminateByLevel: LevelCounts
    public var verdict: Verdict
    /// 0–100, nil when nothing was judged (see `score(of:)`).
    public var score: Int?

    public init(_ results: [RuleResult]) {
        counts = OutcomeCounts(results.map(\.outcome))
        failuresByLevel = LevelCounts()
        indeterminateByLevel = LevelCounts()
        for result in results {
            if result.outcome == .fail { failuresByLevel.add(result.level) }
            if result.outcome == .indeterminate { indeterminateByLevel.add(result.level) }
        }
        verdict = Verdict(results: results)
        score = Self.score(of: results)
    }

    /// The weighted share of judged results that hold: `must` counts 3, `should` 2, `may` 1; pass
    /// and explained earn their weight, fail and indeterminate nothing; not-applicable results are
    /// left out. History trend points use the same function so that the sparkline matches the report.
    public static func score(of results: [RuleResult]) -> Int? {
        var earned = 0, possible = 0
        for result in results where result.outcome != .notApplicable {
            let weight = result.level == .must ? 3 : result.level == .should ? 2 : 1
            possible += weight
            if result.outcome == .pass || result.outcome == .explained { earned += weight }
        }
        guard possible > 0 else { return nil }
        return Int((Double(earned) * 100 / Double(possible)).rounded(.down))
    }
}

/// The verdict of each rule set that judged a client.
public struct RulesetSummary: Sendable, Equatable, Codable {
    public var id: String
    public var version: String
    public var summary: ResultSummary

    /// One per rule set, in the order the client names them (then any other rule set the results name).
    public static func make(rulesets: [String], results: [RuleResult], references: [RulesetReference]) -> [RulesetSummary] {
        let grouped = Dictionary(grouping: results, by: \.rulesetID)
        let order = rulesets + grouped.keys.filter { !rulesets.contains($0) }.sorted()
        return order.map { id in
            let own = grouped[id] ?? []
            let version = own.first?.rulesetVersion ?? references.first { $0.id == id }?.version ?? ""
            return RulesetSummary(id: id, version: version, summary: ResultSummary(own))
        }
    }
}

extension Outcome {
    /// Worst first: what one line stands for when several subjects of a rule are merged.
    var severity: Int {
        switch self {
        case .fail: return 4
        case .indeterminate: return 3
        case .explained: return 2
        case .pass: return 1
        case .notApplicable: return 0
        }
    }

    var title: String {
        switch self {
        case .pass: return "pass"
        case .fail: return "fail"
        case .explained: return "explained"
        case .notApplicable: return "n/a"
        case .indeterminate: return "indeterminate"
        }
    }
}

extension AppliedWaiver {
    /// "Waiver: reason, approved by x, expires 2027-03-31" (EXPIRED when it no longer applies).
    var sentence: String {
        (expired ? "EXPIRED waiver: " : "Waiver: ") + reason + (approvedBy.map { ", approved by \($0)" } ?? "")
            + (expires.map { ", expires \($0)" } ?? "")
    }
}
