import Foundation
import MXAuditModel
import Testing
@testable import MXAuditStore

@Suite("diff output")
struct DiffRendererTests {
    /// The drift of DriftDiffTests, with a rule message carrying what a hostile server could send.
    static func hostileDiff() -> RunDiff {
        let hostile: (DomainEvidence, String) -> DomainJudgement = { evidence, client in
            var judgement = FixtureRules.judge(evidence, client: client)
            judgement.results = judgement.results.map { result in
                var result = result
                if result.ruleID == "DANE" { result.message = "banner \u{1b}[31mRED | <script>alert(1)</script> *bold*" }
                return result
            }
            return judgement
        }
        return RunDiffer.diff(from: Fixtures.storedRun(id: 1, DriftDiffTests.firstRun(), judge: hostile),
                              to: Fixtures.storedRun(id: 2, DriftDiffTests.secondRun(), judge: hostile),
                              expiringWithinDays: 30, today: Fixtures.day0)
    }

    static func escapeControls(_ text: String) -> String {
        text.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }

    @Test func textNamesEverySectionAndPassesNetworkTextThroughSafe() {
        let text = DiffRenderer.text(Self.hostileDiff(), safe: Self.escapeControls)
        #expect(!text.contains("\u{1b}"))
        #expect(text.contains("banner \\u{1b}[31mRED"))
        #expect(text.hasPrefix("mxaudit diff: run 1 → run 2\n"))
        for heading in ["acme — Client acme", "beta — Client beta", "  Regressed", "  New", "  Evidence changes", "  Findings"] {
            #expect(text.contains("\n\(heading)\n"), "missing \(heading)")
        }
        #expect(text.contains("\nfleet: 2 regressed, 2 new, 3 evidence changes, 2 problems\n"))
        #expect(text.contains("mta_sts_policy_changed_without_new_id"))
    }

    @Test func markdownEscapesItsOwnSyntax() throws {
        let markdown = DiffRenderer.markdown(Self.hostileDiff(), safe: Self.escapeControls)
        #expect(markdown.hasPrefix("# mxaudit diff: run 1 → run 2\n"))
        #expect(markdown.contains("\n## acme — Client acme\n"))
        #expect(markdown.contains("\n### Regressed\n"))
        let row = try #require(markdown.split(separator: "\n").first { $0.contains("mx1.dane.example") && $0.contains("pass → fail") })
        #expect(row.contains("RED \\| &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\*"))
        #expect(!markdown.contains("<script>"))
        #expect(row.split(separator: "|", omittingEmptySubsequences: false).count - row.components(separatedBy: "\\|").count + 1 == 7 + 1,
                "six unescaped cell separators plus the two borders")
    }

    @Test func jsonRoundTrips() throws {
        let diff = Self.hostileDiff()
        let data = try DiffRenderer.json(diff)
        #expect(try DomainEvidence.makeDecoder().decode(RunDiff.self, from: data) == diff)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["fleet"] as? [String: Any])?["regressed"] as? Int == 2)
        #expect(object["today"] as? String == "2026-09-21")
    }
}
