import MXAuditModel

/// The results of one rule for one domain, merged over its subjects (MX hosts, addresses) and over
/// rule sets that share the rule id: one JUnit testcase, one cell of the fleet matrix.
struct RuleGroup {
    var clientID: String
    var domain: String
    var ruleID: String
    var ruleTitle: String
    /// The strictest level among the merged results.
    var level: RuleLevel
    /// The worst outcome (fail, indeterminate, explained, pass, not applicable).
    var outcome: Outcome
    var results: [RuleResult]

    /// The results that decide the outcome: those with the worst outcome.
    var deciding: [RuleResult] { results.filter { $0.outcome == outcome } }

    /// Groups in first-appearance order, so output follows the rule set's order.
    static func make(_ results: [RuleResult]) -> [RuleGroup] {
        var order: [GroupKey] = []
        var grouped: [GroupKey: [RuleResult]] = [:]
        for result in results {
            let key = GroupKey(domain: result.domain, ruleID: result.ruleID)
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(result)
        }
        return order.map { key in
            let members = grouped[key]!
            return RuleGroup(clientID: members[0].clientID, domain: key.domain, ruleID: key.ruleID,
                             ruleTitle: members[0].ruleTitle, level: members.map(\.level).min()!,
                             outcome: members.map(\.outcome).max { $0.severity < $1.severity }!, results: members)
        }
    }

    private struct GroupKey: Hashable {
        var domain: String
        var ruleID: String
    }
}
