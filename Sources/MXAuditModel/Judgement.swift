/// The judgement of one rule for one subject of one domain: what the rules produce, what the
/// store keeps and the reports show. A stored run can be judged again from its evidence alone.
public struct RuleResult: Sendable, Equatable, Hashable, Codable {
    /// The domain's A-label.
    public var domain: String
    public var clientID: String
    public var rulesetID: String
    public var rulesetVersion: String
    public var ruleID: String
    public var ruleTitle: String
    public var level: RuleLevel
    public var scope: RuleScope
    /// What the rule was judged over: the domain, an MX host name, or `host address` for an MX address.
    public var subject: String
    public var outcome: Outcome
    /// The rule's message with evidence quoted (for fail and indeterminate: why).
    public var message: String
    public var remediation: String?
    /// RFC sections, BSI TR sections, Forum Standaardisatie entries.
    public var references: [String]
    /// The waiver that explains a failure (or that expired and no longer does).
    public var waiver: AppliedWaiver? {
        get { waiverBox?.waiver }
        set { waiverBox = newValue.map(WaiverBox.init) }
    }
    // Few results carry a waiver, and a waiver is as large as the rest of a result: kept out of
    // line, a 10,000-domain run's results take half the memory.
    private var waiverBox: WaiverBox?

    public init(domain: String, clientID: String, rulesetID: String, rulesetVersion: String, ruleID: String,
                ruleTitle: String, level: RuleLevel, scope: RuleScope, subject: String, outcome: Outcome,
                message: String, remediation: String? = nil, references: [String] = [], waiver: AppliedWaiver? = nil) {
        self.domain = domain
        self.clientID = clientID
        self.rulesetID = rulesetID
        self.rulesetVersion = rulesetVersion
        self.ruleID = ruleID
        self.ruleTitle = ruleTitle
        self.level = level
        self.scope = scope
        self.subject = subject
        self.outcome = outcome
        self.message = message
        self.remediation = remediation
        self.references = references
        self.waiver = waiver
    }

    /// The identity of a result across runs, for diffs: (domain, rule set, rule, subject).
    public var key: ResultKey { ResultKey(domain: domain, rulesetID: rulesetID, ruleID: ruleID, subject: subject) }

    private enum CodingKeys: String, CodingKey {
        case domain, clientID, rulesetID, rulesetVersion, ruleID, ruleTitle, level, scope, subject, outcome, message,
             remediation, references, waiverBox = "waiver"
    }
}

/// An applied waiver out of line, compared and encoded as the waiver itself.
private final class WaiverBox: Sendable, Hashable, Codable {
    let waiver: AppliedWaiver

    init(_ waiver: AppliedWaiver) { self.waiver = waiver }
    init(from decoder: any Decoder) throws { waiver = try AppliedWaiver(from: decoder) }
    func encode(to encoder: any Encoder) throws { try waiver.encode(to: encoder) }

    static func == (lhs: WaiverBox, rhs: WaiverBox) -> Bool { lhs.waiver == rhs.waiver }
    func hash(into hasher: inout Hasher) { hasher.combine(waiver) }
}

public struct ResultKey: Sendable, Hashable, Codable, Comparable {
    public var domain: String
    public var rulesetID: String
    public var ruleID: String
    public var subject: String

    public init(domain: String, rulesetID: String, ruleID: String, subject: String) {
        self.domain = domain
        self.rulesetID = rulesetID
        self.ruleID = ruleID
        self.subject = subject
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.domain, lhs.rulesetID, lhs.ruleID, lhs.subject) < (rhs.domain, rhs.rulesetID, rhs.ruleID, rhs.subject)
    }
}

/// A waiver as it applied to one result.
public struct AppliedWaiver: Sendable, Equatable, Hashable, Codable {
    public var reason: String
    public var approvedBy: String?
    public var expires: CalendarDay?
    /// True when the waiver's date has passed: the result is `fail` again and says so.
    public var expired: Bool
    /// Where the waiver is written.
    public var location: SourceLocation?

    public init(reason: String, approvedBy: String?, expires: CalendarDay?, expired: Bool, location: SourceLocation?) {
        self.reason = reason
        self.approvedBy = approvedBy
        self.expires = expires
        self.expired = expired
        self.location = location
    }
}

/// The seed's deployment scenarios as advice for one domain (e.g. "zone unsigned: MTA-STS only").
public struct DeploymentAdvice: Sendable, Equatable, Codable {
    /// A stable id: `mta_sts_only` (no DNSSEC on the chain), `publish_both` (DNSSEC intact),
    /// `no_mail` (null MX), `undetermined`.
    public var scenario: String
    public var title: String
    public var advice: String

    public init(scenario: String, title: String, advice: String) {
        self.scenario = scenario
        self.title = title
        self.advice = advice
    }
}

/// Everything the rules said about one domain in one run.
public struct DomainJudgement: Sendable, Equatable, Codable {
    public var domain: String
    public var clientID: String
    public var results: [RuleResult]
    public var advice: DeploymentAdvice?

    public init(domain: String, clientID: String, results: [RuleResult], advice: DeploymentAdvice?) {
        self.domain = domain
        self.clientID = clientID
        self.results = results
        self.advice = advice
    }
}

/// A waiver that matched no result in a run: reported so stale exceptions get cleaned up.
public struct UnusedWaiver: Sendable, Equatable, Codable {
    public var waiver: Waiver
    public var note: String

    public init(waiver: Waiver, note: String) {
        self.waiver = waiver
        self.note = note
    }
}
