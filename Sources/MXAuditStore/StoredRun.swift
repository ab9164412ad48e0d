import MXAuditModel

/// One stored run as a diff reads it: the run, the inventory it audited, and per domain the
/// results and the facts of its evidence.
public struct StoredRun: Sendable {
    public let run: AuditRun
    /// The clients as the inventory gave them to this run (domains, rule sets, waivers).
    public let clients: [Client]
    /// Every domain the run set out to audit, in inventory order.
    public let domains: [StoredDomain]
    private let domainIndex: [String: Int]

    public init(run: AuditRun, clients: [Client], domains: [StoredDomain]) {
        self.run = run
        self.clients = clients
        self.domains = domains
        domainIndex = Dictionary(domains.enumerated().map { ($1.domain, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func domain(_ name: String) -> StoredDomain? { domainIndex[name].map { domains[$0] } }

    public func client(_ id: String) -> Client? { clients.first { $0.id == id } }

    public func ruleset(_ id: String) -> RulesetReference? { run.rulesets.first { $0.id == id } }
}

/// One domain of a stored run. `judgement` and `facts` are nil when the run never recorded the
/// domain (it stopped before reaching it).
public struct StoredDomain: Sendable {
    public var domain: String
    public var clientID: String
    public var judgement: DomainJudgement?
    public var facts: EvidenceFacts?

    public init(domain: String, clientID: String, judgement: DomainJudgement?, facts: EvidenceFacts?) {
        self.domain = domain
        self.clientID = clientID
        self.judgement = judgement
        self.facts = facts
    }

    public var isRecorded: Bool { judgement != nil }
}
