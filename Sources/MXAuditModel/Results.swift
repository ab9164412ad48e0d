/// How strongly a rule binds (RFC 2119 words, as the frameworks use them).
public enum RuleLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case must, should, may

    private var rank: Int { self == .must ? 0 : self == .should ? 1 : 2 }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// What a rule is judged over: the domain, each MX host, or each MX address.
public enum RuleScope: String, Sendable, Codable, CaseIterable {
    case domain
    case mxHost = "mx_host"
    case mxAddress = "mx_address"
}

/// The judgement of one rule for one subject.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case pass
    case fail
    /// A waiver applies: the failure is explained (comply-or-explain).
    case explained
    case notApplicable = "not_applicable"
    /// The evidence the rule needs could not be collected; never a pass.
    case indeterminate
}
