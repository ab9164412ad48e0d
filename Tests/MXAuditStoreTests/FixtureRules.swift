import Foundation
import MXAuditModel
import MXAuditStore

/// A stand-in for the rule engine: four rules read from the evidence, as a rule set would.
enum FixtureRules {
    static func judge(_ evidence: DomainEvidence, client: String, ruleset: RulesetReference = Fixtures.ruleset) -> DomainJudgement {
        let domain = evidence.domain.ascii
        func result(_ rule: String, _ subject: String, _ scope: RuleScope, _ outcome: Outcome, _ message: String) -> RuleResult {
            RuleResult(domain: domain, clientID: client, rulesetID: ruleset.id, rulesetVersion: ruleset.version, ruleID: rule,
                       ruleTitle: "Fixture rule \(rule)", level: .must, scope: scope, subject: subject, outcome: outcome, message: message)
        }
        let policy = evidence.mtaSTS.policy.value
        var results = [
            result("STS-POLICY", domain, .domain, policy == nil ? .fail : .pass, policy == nil ? "no MTA-STS policy" : "policy published"),
            result("STS-MX-COVERED", domain, .domain,
                   policy == nil ? .notApplicable : evidence.mtaSTS.coverage.allSatisfy(\.covered) ? .pass : .fail,
                   "uncovered: " + evidence.mtaSTS.coverage.filter { !$0.covered }.map(\.host).joined(separator: ", ")),
        ]
        for host in evidence.mx.value?.hosts ?? [] {
            let sessions = host.endpoints.map(\.tls.value)
            results.append(result("STARTTLS", host.name, .mxHost, sessions.allSatisfy { $0 != nil } ? .pass : .fail, "STARTTLS on every address"))
            let dane = sessions.compactMap { $0?.dane.status }
            let outcome: Outcome = dane.contains(.invalid) ? .fail : dane.contains(.valid) ? .pass : .notApplicable
            results.append(result("DANE", host.name, .mxHost, outcome, "DANE: " + dane.map(\.rawValue).joined(separator: ", ")))
        }
        return DomainJudgement(domain: domain, clientID: client, results: results,
                               advice: DeploymentAdvice(scenario: "publish_both", title: "Publish both", advice: "DNSSEC is intact."))
    }

    static func clients(_ specs: [DomainSpec], rulesets: [String] = [Fixtures.ruleset.id], waivers: [String: [Waiver]] = [:]) -> [Client] {
        var order: [String] = []
        var domains: [String: [InventoryDomain]] = [:]
        for spec in specs {
            if domains[spec.client] == nil { order.append(spec.client) }
            domains[spec.client, default: []].append(InventoryDomain(name: try! DomainName(spec.name)))
        }
        return order.map { Client(id: $0, name: "Client \($0)", rulesets: rulesets, domains: domains[$0]!, waivers: waivers[$0] ?? []) }
    }
}

/// Storing fixture runs.
extension AuditStore {
    /// Begins a run for the specs' clients, records every spec (judged by `FixtureRules`, or by
    /// `judge` when given) and finishes it as complete unless `finish` is false.
    @discardableResult
    func storeFixtureRun(_ specs: [DomainSpec], startedAt: Date = Fixtures.day0, ruleset: RulesetReference = Fixtures.ruleset,
                         clients: [Client]? = nil, settings: AuditSettings = AuditSettings(),
                         judge: ((DomainEvidence, String) -> DomainJudgement)? = nil, finish: Bool = true) async throws -> Int64 {
        let runID = try await beginRun(startedAt: startedAt, inventoryHash: "inventory", rulesets: [ruleset], settings: settings,
                                       clients: clients ?? FixtureRules.clients(specs))
        for spec in specs {
            let evidence = Fixtures.evidence(spec, at: startedAt)
            try await record(runID: runID, evidence: evidence,
                             judgement: judge?(evidence, spec.client) ?? FixtureRules.judge(evidence, client: spec.client, ruleset: ruleset))
        }
        if finish { try await finishRun(runID, status: .complete, finishedAt: startedAt.addingTimeInterval(60)) }
        return runID
    }
}

/// A directory under /tmp removed when the test ends; world-traversable so that a test can run
/// mxaudit as another user inside it.
final class ScratchDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
