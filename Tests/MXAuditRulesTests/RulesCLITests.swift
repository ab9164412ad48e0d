import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing

/// `mxaudit rules list|show|validate|explain|judge`, run as the built binary.
@Suite("mxaudit rules")
struct RulesCLITests {
    @Test func listNamesEveryShippedRuleSetWithItsRuleCount() async throws {
        let run = try await Binary.run(["rules", "list"])
        #expect(run.status == 0, "\(run.standardError)")
        let rows = run.standardOutput.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.map { $0[0] } == ["bsi-tr-03108", "mta-sts-baseline", "nl-comply-or-explain"])
        #expect(rows.allSatisfy { $0.count == 4 && $0[3].hasSuffix(" rules)") })
    }

    @Test func showPrintsEveryRuleWithItsExpression() async throws {
        let run = try await Binary.run(["rules", "show", "bsi-tr-03108"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("bsi-tr-03108 1.0 — BSI TR-03108 Secure E-Mail Transport (DANE mandatory)\n"))
        #expect(run.standardOutput.contains("BSI-DANE-TLSA  [must, mx_host]"))
        #expect(run.standardOutput.contains("asserts     zoneDNSSEC.status == \"secure\""))
        let unknown = try await Binary.run(["rules", "show", "bsi"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown rule set 'bsi'"))
    }

    @Test func validateAcceptsAGoodFileAndNamesProblemsWithTheirPosition() async throws {
        let good = try await Binary.run(["rules", "validate", "rulesets/nl-comply-or-explain.yaml"])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.hasPrefix("rulesets/nl-comply-or-explain.yaml: ok — nl-comply-or-explain 1.0, 16 rules, sha256 "))
        let file = "Tests/MXAuditRulesTests/Fixtures/rulesets/unknown-field.yaml"
        let bad = try await Binary.run(["rules", "validate", file])
        #expect(bad.status == 2)
        #expect(bad.standardOutput.isEmpty)
        #expect(bad.standardError.hasPrefix("\(file):9:20: error: in 'assert': unknown field 'polcy'"))
        // 'extends' is resolved from --rulesets-dir.
        let child = try await Binary.run(["rules", "validate", "Tests/MXAuditRulesTests/Fixtures/rulesets/child.yaml",
                                          "--rulesets-dir", "Tests/MXAuditRulesTests/Fixtures/rulesets"])
        #expect(child.status == 0, "\(child.standardError)")
    }

    @Test func explainDescribesARuleAndTheSetsThatUseIt() async throws {
        let run = try await Binary.run(["rules", "explain", "NL-DMARC-POLICY"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("NL-DMARC-POLICY — DMARC asks receivers to quarantine or reject failing mail\n"))
        #expect(run.standardOutput.contains("used by:          nl-comply-or-explain 1.0 (must)"))
        #expect(run.standardOutput.contains("passes when:      dmarc.record.policy in [\"quarantine\", \"reject\"]"))
        #expect(run.standardOutput.contains("rulesets/nl-comply-or-explain.yaml:"))
        let typo = try await Binary.run(["rules", "explain", "NL-DMARC-POLCY"])
        #expect(typo.status == 2)
        #expect(typo.standardError.contains("no rule set has a rule 'NL-DMARC-POLCY'; did you mean 'NL-DMARC-POLICY'?"))
    }

    @Test func judgeReJudgesStoredEvidenceWithWaiversAndWithoutColourOffATerminal() async throws {
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let evidencePath = directory.appendingPathComponent("evidence.json").path
        let noDMARC = SampleEvidence.good { $0.dmarc = SampleEvidence.dmarc("none") }
        try DomainEvidence.makeEncoder().encode([noDMARC]).write(to: URL(fileURLWithPath: evidencePath))
        let waiversPath = directory.appendingPathComponent("waivers.yaml").path
        try """
            - client: acme
              rule: NL-DMARC-POLICY
              domains: [good.example]
              reason: DMARC in monitoring mode until the newsletter provider signs (GV-42)
              approved_by: ciso@good.example
              expires: 2999-12-31
            - client: acme
              rule: NL-SPF
              reason: stale
            """.write(toFile: waiversPath, atomically: true, encoding: .utf8)

        let failing = try await Binary.run(["rules", "judge", evidencePath, "--ruleset", "nl-comply-or-explain"])
        #expect(failing.status == 1, "\(failing.standardError)")
        #expect(failing.standardOutput.contains("nl-comply-or-explain 1.0: Non-compliant — 1 fail, "))
        #expect(failing.standardOutput.contains("FAIL          must   NL-DMARC-POLICY  good.example"))
        #expect(!failing.standardOutput.contains("\u{1B}["), "colour codes off a terminal")

        let explained = try await Binary.run(["rules", "judge", evidencePath, "--ruleset", "nl-comply-or-explain",
                                              "--waivers", waiversPath, "--client", "acme"])
        #expect(explained.status == 0, "\(explained.standardOutput)\(explained.standardError)")
        #expect(explained.standardOutput.contains("nl-comply-or-explain 1.0: Compliant — 1 explained, "))
        #expect(explained.standardOutput.contains("waiver: DMARC in monitoring mode until the newsletter provider signs (GV-42); approved by ciso@good.example; until 2999-12-31 (\(waiversPath):1:3)"))
        #expect(explained.standardOutput.contains("unused waiver NL-SPF at \(waiversPath):7:3: rule 'NL-SPF' did not fail on any domain it covers"))

        let json = try await Binary.run(["rules", "judge", evidencePath, "--ruleset", "mta-sts-baseline", "--json"])
        #expect(json.status == 0, "\(json.standardError)")
        let judgements = try JSONDecoder().decode([DomainJudgement].self, from: Data(json.standardOutput.utf8))
        #expect(judgements.first?.results.allSatisfy { $0.rulesetID == "mta-sts-baseline" && $0.outcome == .pass } == true)
        #expect(judgements.first?.advice?.scenario == "publish_both")
    }

    @Test func aBrokenWaiversFileIsReportedWithPositions() async throws {
        let directory = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let evidencePath = directory.appendingPathComponent("evidence.json").path
        try DomainEvidence.makeEncoder().encode(SampleEvidence.good()).write(to: URL(fileURLWithPath: evidencePath))
        let waiversPath = directory.appendingPathComponent("waivers.yaml").path
        try """
            - client: acme
              rule: NL-DMARC-POLICY
              expires: 2027-02-30
            - rule: NL-SPF
              reason: no client
            """.write(toFile: waiversPath, atomically: true, encoding: .utf8)
        let run = try await Binary.run(["rules", "judge", evidencePath, "--waivers", waiversPath])
        #expect(run.status == 2)
        #expect(run.standardError.hasPrefix("""
            \(waiversPath):1:3: error: '[0]' needs the key 'reason'
            \(waiversPath):3:12: error: '2027-02-30' is not a date; write YYYY-MM-DD, e.g. 2027-03-31
            \(waiversPath):4:3: error: '[1]' needs the key 'client'
            3 problems found
            """), "\(run.standardError)")
    }
}
