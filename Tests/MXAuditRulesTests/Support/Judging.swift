import Foundation
import MXAuditModel
import MXAuditTestSupport
@testable import MXAuditRules

/// The shipped rule sets and small helpers to judge evidence with them.
enum Shipped {
    static let directory = TestbedEnvironment.repositoryRoot().appendingPathComponent("rulesets").path
    static let ids = ["mta-sts-baseline", "bsi-tr-03108", "nl-comply-or-explain"]

    /// Loaded once for the whole test run; a loading problem fails every test that needs them.
    private static let loaded = Result { () throws(InputIssues) -> [ResolvedRuleSet] in try RuleSetLoader(directory: directory).loadAll() }

    static func rulesets() throws -> [ResolvedRuleSet] { try loaded.get() }

    static func engine() throws -> RuleEngine { RuleEngine(rulesets: try rulesets()) }

    static func client(_ rulesets: [String] = ids, waivers: [Waiver] = []) -> Client {
        Client(id: "acme", name: "ACME", rulesets: rulesets, domains: [InventoryDomain(name: SampleEvidence.domain)], waivers: waivers)
    }
}

/// The test fixtures directory of this target, found from this file (no bundle resources needed).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}

extension DomainJudgement {
    /// The results of one rule over all its subjects.
    func results(_ ruleID: String) -> [RuleResult] { results.filter { $0.ruleID == ruleID } }

    /// One outcome for a rule over all subjects: fail beats indeterminate beats pass beats not applicable.
    func outcome(_ ruleID: String) -> Outcome? {
        let outcomes = Set(results(ruleID).map(\.outcome))
        for outcome in [Outcome.fail, .indeterminate, .explained, .pass, .notApplicable] where outcomes.contains(outcome) { return outcome }
        return nil
    }
}
