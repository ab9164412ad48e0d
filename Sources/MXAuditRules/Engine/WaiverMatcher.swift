import MXAuditModel

/// Comply-or-explain: a waiver of the client for the rule and domain turns a `fail` into
/// `explained` until it expires; an expired waiver leaves the `fail` and says so. Only failures
/// are explained: an `indeterminate` result means the evidence could not be read, and a waiver
/// written for a known gap must not hide a measurement that did not happen (docs/rules.md).
enum WaiverMatcher {
    static func covers(_ waiver: Waiver, client: String, rule: String, domain: String) -> Bool {
        waiver.client == client && waiver.rule == rule && (waiver.domains.isEmpty || waiver.domains.contains { $0.ascii == domain })
    }

    static func applied(_ waiver: Waiver, today: CalendarDay) -> AppliedWaiver {
        AppliedWaiver(reason: waiver.reason, approvedBy: waiver.approvedBy, expires: waiver.expires,
                      expired: waiver.expires.map { today > $0 } ?? false, location: waiver.location)
    }

    /// Whether a result carries this waiver (the expiry state aside).
    static func isAttached(_ waiver: Waiver, to result: RuleResult) -> Bool {
        guard let attached = result.waiver else { return false }
        return attached.reason == waiver.reason && attached.approvedBy == waiver.approvedBy
            && attached.expires == waiver.expires && attached.location == waiver.location
    }

    static func apply(_ waivers: [Waiver], to result: inout RuleResult, today: CalendarDay) {
        guard result.outcome == .fail else { return }
        let candidates = waivers.filter { covers($0, client: result.clientID, rule: result.ruleID, domain: result.domain) }
            .map { applied($0, today: today) }
        // A valid waiver wins over an expired one; among several, the one that lasts longest.
        guard let chosen = candidates.max(by: { rank($0) < rank($1) }) else { return }
        result.waiver = chosen
        if chosen.expired {
            result.message += " [waiver expired on \(chosen.expires!): \(chosen.reason)]"
        } else {
            result.outcome = .explained
            var note = "explained: \(chosen.reason)"
            if let approvedBy = chosen.approvedBy { note += "; approved by \(approvedBy)" }
            if let expires = chosen.expires { note += "; until \(expires)" }
            result.message += " [\(note)]"
        }
    }

    private static func rank(_ waiver: AppliedWaiver) -> (Int, CalendarDay) {
        (waiver.expired ? 0 : 1, waiver.expires ?? CalendarDay("9999-12-31")!)
    }
}
