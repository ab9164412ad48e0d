import MXAuditModel

/// A run with its size and outcome totals, for listings (`mxaudit runs`).
public struct RunOverview: Sendable, Equatable, Codable {
    public var run: AuditRun
    /// Domains the run set out to audit.
    public var domainsPlanned: Int
    /// Domains whose evidence and results were stored.
    public var domainsRecorded: Int
    /// Results per outcome, keyed by the outcome's name (`pass`, `fail` …).
    public var outcomes: [String: Int]

    public init(run: AuditRun, domainsPlanned: Int, domainsRecorded: Int, outcomes: [String: Int]) {
        self.run = run
        self.domainsPlanned = domainsPlanned
        self.domainsRecorded = domainsRecorded
        self.outcomes = outcomes
    }
}

extension RunOverview {
    public func count(_ outcome: Outcome) -> Int { outcomes[outcome.rawValue] ?? 0 }
}
