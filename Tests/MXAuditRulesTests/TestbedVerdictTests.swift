import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditRules

/// Audits the whole testbed fleet with real evidence (`mxaudit check --json` against the loopback
/// testbed) and checks that each shipped rule set gives the verdict the scenario catalogue states
/// (`verdicts:` in testbed/scenarios.yaml): pass when no `must` rule failed or was indeterminate.
/// Fails, never skips, when the testbed is not up. Takes about 30 s (the 421 host's retry delay).
@Suite("testbed verdicts", .serialized)
struct TestbedVerdictTests {
    @Test func everyScenarioGetsTheVerdictsTheCatalogueStates() async throws {
        let testbed = try TestbedEnvironment.load()
        let catalogue = try testbed.catalogueJSON()
        let domains = try #require(catalogue["domains"] as? [[String: Any]])
        var expected: [String: [String: String]] = [:]
        for domain in domains where domain["role"] as? String == "mail" && domain["scaled"] as? Bool != true {
            let name = try #require(domain["name"] as? String)
            guard let verdicts = (domain["expect"] as? [String: Any])?["verdicts"] as? [String: String] else {
                Issue.record("\(name) has no verdicts in the catalogue")
                continue
            }
            expected[name] = verdicts
            #expect(Set(verdicts.keys) == Set(Shipped.ids), "\(name)")
        }
        #expect(expected.count >= 60)
        #expect(FileManager.default.isExecutableFile(atPath: Binary.path), "no mxaudit binary at \(Binary.path)")

        let names = expected.keys.sorted()
        let run = try await Binary.run(["check", "--json"] + names + testbed.mxauditOptions)
        #expect(run.status == 0, "\(run.standardError)")
        let evidence = try DomainEvidence.makeDecoder().decode([DomainEvidence].self, from: Data(run.standardOutput.utf8))
        #expect(evidence.map(\.domain.ascii) == names)

        // Rules read a tree built straight from the evidence; it must equal the stored JSON form.
        for domainEvidence in evidence {
            let viaJSON = try Value.document(try DomainEvidence.makeEncoder().encode(domainEvidence))
            #expect(try ValueEncoder.encode(domainEvidence) == viaJSON, "\(domainEvidence.domain.ascii)")
            // The store keeps the text written from that tree; it must read back as the same evidence.
            let stored = try #require(EvidenceDocument(domainEvidence).json)
            let readBack = try DomainEvidence.makeDecoder().decode(DomainEvidence.self, from: Data(stored.utf8))
            #expect(try DomainEvidence.makeEncoder().encode(readBack) == DomainEvidence.makeEncoder().encode(domainEvidence),
                    "\(domainEvidence.domain.ascii)")
        }

        let engine = try Shipped.engine()
        var mismatches: [String] = []
        for domainEvidence in evidence {
            let name = domainEvidence.domain.ascii
            let judgement = engine.judge(domainEvidence, client: Shipped.client(), waivers: [], today: CalendarDay(Date()))
            for (ruleset, verdict) in expected[name] ?? [:] {
                let met = judgement.meets(ruleset)
                guard met != (verdict == "pass") else { continue }
                let blocking = judgement.results.filter {
                    $0.rulesetID == ruleset && $0.level == .must && ($0.outcome == .fail || $0.outcome == .indeterminate)
                }.map { "\($0.ruleID) \($0.subject): \($0.outcome.rawValue): \($0.message)" }
                mismatches.append("\(name) under \(ruleset): catalogue says \(verdict), mxaudit says \(met ? "pass" : "fail")"
                                  + (blocking.isEmpty ? "" : "\n    " + blocking.joined(separator: "\n    ")))
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
