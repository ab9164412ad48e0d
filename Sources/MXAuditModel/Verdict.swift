/// The verdict of a rule set (or of a client: its worst rule set), worst last.
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    /// Nothing fails and nothing is unknown (explained failures are compliant: comply-or-explain).
    case compliant
    /// Every `must` rule holds, but a `should` or `may` rule fails or could not be judged.
    case findings = "compliant_with_findings"
    /// No `must` rule fails, but at least one could not be judged.
    case indeterminate
    /// A `must` rule fails.
    case nonCompliant = "non_compliant"

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    public var title: String {
        switch self {
        case .compliant: return "Compliant"
        case .findings: return "Compliant with findings"
        case .indeterminate: return "Not determinable"
        case .nonCompliant: return "Non-compliant"
        }
    }
}

extension Verdict {
    /// The verdict over a set of results: a failing `must` is non-compliant, an unjudged `must`
    /// indeterminate, anything else failing or unjudged a finding; explained failures comply.
    public init(results: [RuleResult]) {
        let must = results.filter { $0.level == .must }
        if must.contains(where: { $0.outcome == .fail }) {
            self = .nonCompliant
        } else if must.contains(where: { $0.outcome == .indeterminate }) {
            self = .indeterminate
        } else if results.contains(where: { $0.outcome == .fail || $0.outcome == .indeterminate }) {
            self = .findings
        } else {
            self = .compliant
        }
    }

    /// Whether every `must` rule holds (the rule set is met).
    public var meetsMustRules: Bool { self == .compliant || self == .findings }
}

extension DomainJudgement {
    /// A rule set's verdict for the domain: met when no `must` rule failed or could not be judged
    /// (an explained failure counts as met: that is what the waiver is for).
    public func meets(_ rulesetID: String) -> Bool {
        Verdict(results: results.filter { $0.rulesetID == rulesetID }).meetsMustRules
    }
}
