import MXAuditModel

/// Waivers that explain nothing, so stale exceptions get cleaned up, and waivers that name rules
/// no rule set has (a typo, or a rule that was renamed).
public enum WaiverAudit {
    public static func unused(_ waivers: [Waiver], judgements: [DomainJudgement]) -> [UnusedWaiver] {
        var unused: [UnusedWaiver] = []
        var seen: [Waiver] = []
        for waiver in waivers where !seen.contains(waiver) {
            seen.append(waiver)
            let covered = judgements.filter { judgement in
                judgement.clientID == waiver.client
                    && (waiver.domains.isEmpty || waiver.domains.contains { $0.ascii == judgement.domain })
            }
            let results = covered.flatMap(\.results).filter { $0.ruleID == waiver.rule }
            if results.contains(where: { WaiverMatcher.isAttached(waiver, to: $0) }) { continue }
            let note: String
            if covered.isEmpty {
                note = waiver.domains.isEmpty
                    ? "no domain of client '\(waiver.client)' was judged in this run"
                    : "none of its domains (\(waiver.domains.map(\.ascii).joined(separator: ", "))) was judged in this run"
            } else if results.isEmpty {
                note = "no rule set of client '\(waiver.client)' has the rule '\(waiver.rule)'; check the rule id (mxaudit rules explain \(waiver.rule))"
            } else {
                note = "rule '\(waiver.rule)' did not fail on any domain it covers; the waiver is no longer needed"
            }
            unused.append(UnusedWaiver(waiver: waiver, note: note))
        }
        return unused
    }

    /// Input problems for waivers whose rule no loaded rule set defines.
    public static func unknownRules(_ waivers: [Waiver], rulesets: [ResolvedRuleSet]) -> [InputIssue] {
        let known = Set(rulesets.flatMap { $0.rules.map(\.id) })
        return waivers.filter { !known.contains($0.rule) }.map { waiver in
            let location = waiver.location ?? SourceLocation(file: "waivers", line: 1, column: 1)
            return InputIssue(location, "the waiver names rule '\(waiver.rule)', which no rule set defines; see 'mxaudit rules show ID' for the rule ids")
        }
    }
}
