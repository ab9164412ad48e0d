import MXAuditModel

/// How one result moved between the runs.
public enum ChangeCategory: String, Sendable, Codable, CaseIterable {
    /// Not failing before (pass, explained, not applicable, indeterminate), failing now.
    case regressed
    /// Failing (or failing but explained) before, passing or not applicable now.
    case fixed
    /// Only in the newer run: a new domain, rule or subject (e.g. a new MX host).
    case new
    /// Only in the older run: gone.
    case absent
    /// Failing in both runs.
    case stillFailing = "still_failing"
    /// Failing before, explained by a waiver now.
    case waived
    /// Could be judged before, could not now (a lookup failed): never read as a pass.
    case indeterminate
}

/// Why a result moved: what the audit observed, or a change of the rule sets or of the inventory
/// (shown apart, so a rule-set upgrade never looks like a mass regression).
public enum ChangeCause: String, Sendable, Codable, CaseIterable {
    case audit
    case rulesetChange = "ruleset_change"
    case inventoryChange = "inventory_change"
}

public struct ResultChange: Sendable, Equatable, Codable {
    public var key: ResultKey
    public var clientID: String
    public var ruleTitle: String
    public var level: RuleLevel
    public var category: ChangeCategory
    public var cause: ChangeCause
    public var from: Outcome?
    public var to: Outcome?
    /// The newer run's message (the older run's for an absent result).
    public var message: String

    public init(key: ResultKey, clientID: String, ruleTitle: String, level: RuleLevel, category: ChangeCategory, cause: ChangeCause,
                from: Outcome?, to: Outcome?, message: String) {
        self.key = key
        self.clientID = clientID
        self.ruleTitle = ruleTitle
        self.level = level
        self.category = category
        self.cause = cause
        self.from = from
        self.to = to
        self.message = message
    }
}
