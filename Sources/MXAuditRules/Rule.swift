import MXAuditModel

/// One rule of a rule set: what it checks, over which subjects, how strongly, and what to tell a
/// person (docs/rules.md).
public struct Rule: Sendable {
    public var id: String
    public var title: String
    public var level: RuleLevel
    public var scope: RuleScope
    /// False: the result is `not_applicable`.
    public var appliesIf: RuleExpression?
    /// True: the result is `indeterminate` (for verdicts in the evidence that say "could not be judged").
    public var indeterminateIf: RuleExpression?
    /// True: `pass`; false: `fail`.
    public var assertion: RuleExpression
    /// Why the rule failed (also the text of an `indeterminate_if` result), with evidence quoted.
    public var message: MessageTemplate
    /// What a pass says; the title when not given.
    public var passMessage: MessageTemplate?
    public var remediation: String?
    /// RFC sections, BSI TR sections, Forum Standaardisatie entries; one check may cite several frameworks.
    public var references: [String]
    public var location: SourceLocation
    /// The rule set whose file defines the rule; another set may use it through `extends`.
    public var definedIn: String
}

/// A rule set after `extends` and `overrides` are applied: what judges a client's domains.
public struct ResolvedRuleSet: Sendable {
    public var id: String
    public var title: String
    public var version: String
    public var description: String
    /// The rule set this one extends, if any.
    public var extends: String?
    public var path: String
    public var rules: [Rule]
    /// Id, version and the SHA-256 of the resolved content, recorded with every run.
    public var reference: RulesetReference

    public subscript(ruleID: String) -> Rule? { rules.first { $0.id == ruleID } }
}
