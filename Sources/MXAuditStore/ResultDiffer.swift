import MXAuditModel

/// Classifies how each result moved between two runs and why.
enum ResultDiffer {
    /// nil: no change worth reporting (the same outcome, pass ↔ not applicable, an indeterminate resolved).
    static func category(from: Outcome?, to: Outcome?) -> ChangeCategory? {
        switch (from, to) {
        case (nil, nil): return nil
        case (nil, _): return .new
        case (_, nil): return .absent
        case (.fail, .fail): return .stillFailing
        case (_, .fail): return .regressed
        case (.fail, .pass), (.fail, .notApplicable), (.explained, .pass), (.explained, .notApplicable): return .fixed
        case (.fail, .explained): return .waived
        case (let before, .indeterminate) where before != .indeterminate: return .indeterminate
        default: return nil
        }
    }

    /// Changes between the results of one domain recorded in both runs.
    static func changes(from old: [RuleResult], to new: [RuleResult], causes: CauseContext) -> [ResultChange] {
        let before = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            let (older, newer) = (before[key], after[key])
            guard let category = category(from: older?.outcome, to: newer?.outcome) else { return nil }
            return change(key: key, older: older, newer: newer, category: category,
                          cause: causes.cause(of: key, category: category, older: older, newer: newer))
        }
    }

    /// Every result of a domain that only one run audited (it joined or left the inventory).
    static func inventoryChanges(_ results: [RuleResult], added: Bool) -> [ResultChange] {
        results.sorted { $0.key < $1.key }.map {
            change(key: $0.key, older: added ? nil : $0, newer: added ? $0 : nil, category: added ? .new : .absent, cause: .inventoryChange)
        }
    }

    private static func change(key: ResultKey, older: RuleResult?, newer: RuleResult?, category: ChangeCategory,
                               cause: ChangeCause) -> ResultChange {
        let latest = (newer ?? older)!
        return ResultChange(key: key, clientID: latest.clientID, ruleTitle: latest.ruleTitle, level: latest.level, category: category,
                            cause: cause, from: older?.outcome, to: newer?.outcome, message: latest.message)
    }
}

/// What tells a rule-set or inventory change from a change the audit observed.
struct CauseContext {
    /// Rule sets added, removed, upgraded or edited between the runs.
    let changedRulesets: Set<String>
    private let fromRulesets: [String: Set<String>]
    private let toRulesets: [String: Set<String>]

    init(from: StoredRun, to: StoredRun) {
        let before = Dictionary(from.run.rulesets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(to.run.rulesets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        changedRulesets = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
        fromRulesets = Self.rulesetsByDomain(from)
        toRulesets = Self.rulesetsByDomain(to)
    }

    func cause(of key: ResultKey, category: ChangeCategory, older: RuleResult?, newer: RuleResult?) -> ChangeCause {
        if category == .stillFailing { return .audit }
        // The client's rule-set list changed (only decidable when one side names the rule set).
        let appliedBefore = fromRulesets[key.domain]?.contains(key.rulesetID) ?? false
        let appliedAfter = toRulesets[key.domain]?.contains(key.rulesetID) ?? false
        if appliedBefore != appliedAfter { return .inventoryChange }
        if changedRulesets.contains(key.rulesetID) { return .rulesetChange }
        if let older, let newer, older.rulesetVersion != newer.rulesetVersion { return .rulesetChange }
        return .audit
    }

    private static func rulesetsByDomain(_ run: StoredRun) -> [String: Set<String>] {
        var map: [String: Set<String>] = [:]
        for client in run.clients {
            for domain in client.domains { map[domain.name.ascii] = Set(client.rulesets) }
        }
        return map
    }
}
