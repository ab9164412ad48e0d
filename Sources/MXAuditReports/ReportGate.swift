import MXAuditModel

/// What `--fail-on` gates on.
public enum GateLevel: String, Sendable, Codable, CaseIterable {
    /// A failing `must` rule.
    case must
    /// A failing `must` or `should` rule.
    case should
    /// Any regression since the last complete audit.
    case regressed
}

/// The exit code of a run, decided apart from what is reported.
public struct GateDecision: Sendable, Equatable {
    /// The results that trip the gate (failures and, unless allowed, indeterminate `must` results).
    public var gatedResults: [RuleResult]
    /// Regressions counted against the gate (0 unless it gates on `regressed`).
    public var regressions: Int
    /// Why the gate failed, one sentence per cause; empty when it passed.
    public var reasons: [String]

    public var passed: Bool { reasons.isEmpty }
    /// 1 when gated findings exist, else 0.
    public var exitCode: Int32 { passed ? 0 : 1 }
}

/// The CI gate (`--fail-on must|should|regressed`, `--allow-indeterminate`). Explained results never
/// fail it; an indeterminate `must` result does (a check that could not be made is no pass) unless
/// indeterminate results are allowed.
public struct ReportGate: Sendable {
    public var failOn: Set<GateLevel>
    public var allowIndeterminate: Bool

    public init(failOn: Set<GateLevel>, allowIndeterminate: Bool) {
        self.failOn = failOn
        self.allowIndeterminate = allowIndeterminate
    }

    /// - Parameter regressions: the number of regressions the diff against the last complete run found.
    public func decide(_ input: ReportInput, regressions: Int) -> GateDecision {
        let gatedLevels: Set<RuleLevel> = failOn.contains(.should) ? [.must, .should] : failOn.contains(.must) ? [.must] : []
        // Lazily: a large fleet's results are not copied into one array just to be counted.
        let results = input.judgements.lazy.flatMap(\.results)
        let failures = Array(results.filter { $0.outcome == .fail && gatedLevels.contains($0.level) })
        let unknown = allowIndeterminate || gatedLevels.isEmpty ? []
            : Array(results.filter { $0.outcome == .indeterminate && $0.level == .must })
        let counted = failOn.contains(.regressed) ? max(0, regressions) : 0

        var reasons: [String] = []
        if !failures.isEmpty {
            let levels = gatedLevels.count == 2 ? "must or should" : "must"
            reasons.append("\(failures.count) \(levels) result\(failures.count == 1 ? "" : "s") fail\(failures.count == 1 ? "s" : "")")
        }
        if !unknown.isEmpty {
            reasons.append("\(unknown.count) must result\(unknown.count == 1 ? " is" : "s are") indeterminate (--allow-indeterminate accepts them)")
        }
        if counted > 0 {
            reasons.append("\(counted) regression\(counted == 1 ? "" : "s") since the last audit")
        }
        return GateDecision(gatedResults: failures + unknown, regressions: counted, reasons: reasons)
    }
}
