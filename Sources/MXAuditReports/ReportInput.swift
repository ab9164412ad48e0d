import Foundation
import MXAuditModel

/// Reads the evidence documents of the given domains (A-labels) on demand; a domain without a
/// document is left out. A large run's evidence is most of its size, so reports read it one
/// client at a time instead of holding the whole fleet's.
public typealias EvidenceReader = @Sendable (_ domains: [String]) throws -> [String: DomainEvidence]

/// Everything a report is made of: one run's judgements and evidence, the inventory's clients, and
/// what the history says (trends, changes). Reports only read it; they never touch the network.
public struct ReportInput: Sendable {
    public var run: AuditRun
    /// In inventory order; reports keep that order except where they rank by risk.
    public var clients: [Client]
    public var judgements: [DomainJudgement] { didSet { index = Self.index(judgements) } }
    /// By domain A-label; a domain without evidence is reported from its results alone.
    public var evidence: [String: DomainEvidence]
    /// Where evidence is read from when it is not in `evidence` (a stored run's documents).
    public var evidenceReader: EvidenceReader?
    public var unusedWaivers: [UnusedWaiver]
    /// Score history by client id, oldest first (see `ResultSummary.score`).
    public var trends: [String: [TrendPoint]]
    /// Score history by domain A-label, oldest first.
    public var domainTrends: [String: [TrendPoint]]
    /// What changed since the last complete audit, by client id.
    public var changes: [String: [ChangeLine]]

    public init(run: AuditRun, clients: [Client], judgements: [DomainJudgement], evidence: [String: DomainEvidence],
                unusedWaivers: [UnusedWaiver] = [], trends: [String: [TrendPoint]] = [:],
                domainTrends: [String: [TrendPoint]] = [:], changes: [String: [ChangeLine]] = [:]) {
        self.run = run
        self.clients = clients
        self.judgements = judgements
        index = Self.index(judgements)
        self.evidence = evidence
        self.unusedWaivers = unusedWaivers
        self.trends = trends
        self.domainTrends = domainTrends
        self.changes = changes
    }

    /// The clients with the given ids, in that order (every client when nil).
    public func clients(_ ids: [String]?) throws -> [Client] {
        guard let ids else { return clients }
        return try ids.map { id in
            guard let client = clients.first(where: { $0.id == id }) else { throw ReportError.unknownClient(id) }
            return client
        }
    }

    /// Every result of one client, in judgement order.
    public func results(ofClient id: String) -> [RuleResult] {
        (index.byClient[id] ?? []).flatMap { judgements[$0].results }
    }

    /// The judgements of one client's domains, in inventory order (domains without a judgement are left out).
    func judgements(ofClient client: Client) -> [DomainJudgement] {
        client.domains.compactMap { domain in index.byDomain[Key(client: client.id, domain: domain.name.ascii)].map { judgements[$0] } }
    }

    /// The evidence of one client's domains, by A-label, read now when it comes from the store.
    public func evidence(ofClient client: Client) throws -> [String: DomainEvidence] {
        let domains = client.domains.map(\.name.ascii)
        if let evidenceReader { return try evidenceReader(domains) }
        return evidence.filter { domains.contains($0.key) }
    }

    // Reports ask per client; a scan of every judgement per client would be quadratic in a fleet.
    private var index: Index

    private struct Key: Hashable {
        var client: String
        var domain: String
    }

    private struct Index {
        var byClient: [String: [Int]] = [:]
        var byDomain: [Key: Int] = [:]
    }

    private static func index(_ judgements: [DomainJudgement]) -> Index {
        var index = Index()
        for (position, judgement) in judgements.enumerated() {
            index.byClient[judgement.clientID, default: []].append(position)
            let key = Key(client: judgement.clientID, domain: judgement.domain)
            if index.byDomain[key] == nil { index.byDomain[key] = position }
        }
        return index
    }
}

/// One run's score for a client or a domain, for the trend sparkline.
public struct TrendPoint: Sendable, Equatable, Codable {
    public var runID: Int64
    public var date: Date
    /// 0–100, as `ResultSummary.score` computes it.
    public var score: Double

    public init(runID: Int64, date: Date, score: Double) {
        self.runID = runID
        self.date = date
        self.score = score
    }
}

/// One line of "changes since the last audit".
public struct ChangeLine: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Passed (or was explained) last time, fails or is indeterminate now.
        case regressed
        /// Failed last time, passes now.
        case fixed
        /// A result that the last audit did not have (a new domain, rule or MX host).
        case new
        /// A result the last audit had and this one does not.
        case absent
        case stillFailing = "still_failing"
        /// A waiver that expires soon (or has just expired).
        case waiverExpiring = "waiver_expiring"
    }

    public var kind: Kind
    /// A sentence for a person, e.g. "shop.acme.example BSI-DANE-TLSA: pass → fail (TLSA no longer matches)".
    public var sentence: String
    public var domain: String?
    public var ruleID: String?

    public init(kind: Kind, sentence: String, domain: String? = nil, ruleID: String? = nil) {
        self.kind = kind
        self.sentence = sentence
        self.domain = domain
        self.ruleID = ruleID
    }
}
