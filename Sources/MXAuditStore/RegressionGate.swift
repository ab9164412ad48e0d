import MXAuditModel

/// `--fail-on regressed`: a CI gate that blocks only on new problems, never on problems that
/// were already there nor on the effects of a rule-set or inventory change.
public enum RegressionGate {
    public struct Decision: Sendable, Equatable, Codable {
        /// True: the gate fails (exit 1).
        public var blocks: Bool
        /// One line per blocking item.
        public var reasons: [String]
    }

    /// Blocks on: a result the audit saw go to `fail` (from pass, explained — e.g. an expired
    /// waiver —, not applicable or indeterminate); a failing result of a new subject of a domain
    /// already audited (a new MX host); a history finding of severity `problem`. Does not block
    /// on: still-failing results, results that became indeterminate, changes explained by a
    /// rule-set or inventory change, warnings (expiring certificates and waivers).
    public static func decide(_ diff: RunDiff) -> Decision {
        var reasons: [String] = []
        for change in diff.resultChanges where change.cause == .audit && change.to == .fail {
            switch change.category {
            case .regressed:
                reasons.append("regressed: \(describe(change.key)) (\(change.from?.rawValue ?? "—") → fail)")
            case .new:
                reasons.append("new failure: \(describe(change.key))")
            default:
                break
            }
        }
        for finding in diff.findings where finding.severity == .problem {
            reasons.append("\(finding.kind.rawValue): \(finding.subject)")
        }
        return Decision(blocks: !reasons.isEmpty, reasons: reasons)
    }

    private static func describe(_ key: ResultKey) -> String {
        "\(key.domain) \(key.rulesetID)/\(key.ruleID)" + (key.subject == key.domain ? "" : " [\(key.subject)]")
    }
}
