import Foundation
import MXAuditModel

/// `--format json`: a run's results (and evidence) as one JSON document, schema `mxaudit-report` 1,
/// described in docs/reports.md. Values are exact (JSON escaping is lossless); nothing is cut.
public enum JSONReportWriter {
    public static let schema = "mxaudit-report"
    public static let schemaVersion = 1

    /// - Parameters:
    ///   - clients: the client ids to include (every client when nil).
    ///   - includeEvidence: whether each domain carries its `DomainEvidence` document.
    public static func data(_ input: ReportInput, clients: [String]? = nil, includeEvidence: Bool = true) throws -> Data {
        let selected = try input.clients(clients)
        let document = ReportDocument(
            schema: schema, schemaVersion: schemaVersion, run: input.run,
            summary: ResultSummary(selected.flatMap { input.results(ofClient: $0.id) }),
            clients: try selected.map { client in
                ClientDocument(input: input, client: client, evidence: includeEvidence ? try input.evidence(ofClient: client) : [:])
            },
            unusedWaivers: input.unusedWaivers.filter { unused in selected.contains { $0.id == unused.waiver.client } })
        let encoder = DomainEvidence.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(document)
    }

    public static func write(_ input: ReportInput, to file: URL, clients: [String]? = nil, includeEvidence: Bool = true) throws {
        try ReportFiles.write(try data(input, clients: clients, includeEvidence: includeEvidence), to: file)
    }
}

private struct ReportDocument: Encodable {
    var schema: String
    var schemaVersion: Int
    var run: AuditRun
    var summary: ResultSummary
    var clients: [ClientDocument]
    var unusedWaivers: [UnusedWaiver]
}

private struct ClientDocument: Encodable {
    var id: String
    var name: String
    var summary: ResultSummary
    var rulesets: [RulesetSummary]
    var waivers: [Waiver]
    var trend: [TrendPoint]
    var changes: [ChangeLine]
    var domains: [DomainDocument]

    init(input: ReportInput, client: Client, evidence: [String: DomainEvidence]) {
        let results = input.results(ofClient: client.id)
        id = client.id
        name = client.name
        summary = ResultSummary(results)
        rulesets = RulesetSummary.make(rulesets: client.rulesets, results: results, references: input.run.rulesets)
        waivers = client.waivers
        trend = input.trends[client.id] ?? []
        changes = input.changes[client.id] ?? []
        let judgements = Dictionary(input.judgements(ofClient: client).map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })
        domains = client.domains.map { domain in
            let judgement = judgements[domain.name.ascii]
            return DomainDocument(domain: domain.name.ascii, unicode: domain.name.unicode, advice: judgement?.advice,
                                  summary: ResultSummary(judgement?.results ?? []), results: judgement?.results ?? [],
                                  evidence: evidence[domain.name.ascii])
        }
    }
}

private struct DomainDocument: Encodable {
    var domain: String
    var unicode: String
    var advice: DeploymentAdvice?
    var summary: ResultSummary
    var results: [RuleResult]
    var evidence: DomainEvidence?
}
