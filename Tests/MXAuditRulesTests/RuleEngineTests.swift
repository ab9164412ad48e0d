import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

/// The engine around the rules: subjects, waivers (comply-or-explain), `extends`/`overrides`,
/// digests, and re-judging stored evidence.
@Suite("rule engine")
struct RuleEngineTests {
    static let today = CalendarDay("2026-09-21")!
    static let noDMARC: Mutation = { $0.dmarc.record = .absent("NXDOMAIN at _dmarc.good.example") }

    func waiver(rule: String = "NL-DMARC-POLICY", client: String = "acme", domains: [String] = [],
                expires: String? = "2027-03-31") -> Waiver {
        Waiver(rule: rule, client: client, domains: domains.map { try! DomainName($0) }, reason: "newsletter provider signs from Q2 (GV-42)",
               approvedBy: "ciso@good.example", expires: expires.flatMap(CalendarDay.init),
               location: SourceLocation(file: "waivers.yaml", line: 3, column: 5))
    }

    func judge(_ evidence: DomainEvidence, waivers: [Waiver] = [], client: Client = Shipped.client(["nl-comply-or-explain"])) throws -> DomainJudgement {
        try Shipped.engine().judge(evidence, client: client, waivers: waivers, today: Self.today)
    }

    // MARK: - Waivers

    @Test func aValidWaiverExplainsAFailure() throws {
        let judgement = try judge(SampleEvidence.good(Self.noDMARC), waivers: [waiver(domains: ["good.example"])])
        let result = try #require(judgement.results("NL-DMARC-POLICY").first)
        #expect(result.outcome == .explained)
        #expect(result.waiver == AppliedWaiver(reason: "newsletter provider signs from Q2 (GV-42)", approvedBy: "ciso@good.example",
                                               expires: CalendarDay("2027-03-31"), expired: false,
                                               location: SourceLocation(file: "waivers.yaml", line: 3, column: 5)))
        #expect(result.message.hasSuffix("[explained: newsletter provider signs from Q2 (GV-42); approved by ciso@good.example; until 2027-03-31]"))
        #expect(judgement.meets("nl-comply-or-explain"))
    }

    @Test func anExpiredWaiverLeavesTheFailureAndSaysSo() throws {
        let judgement = try judge(SampleEvidence.good(Self.noDMARC), waivers: [waiver(expires: "2026-09-20")])
        let result = try #require(judgement.results("NL-DMARC-POLICY").first)
        #expect(result.outcome == .fail)
        #expect(result.waiver?.expired == true)
        #expect(result.message.contains("[waiver expired on 2026-09-20: newsletter provider"))
        #expect(!judgement.meets("nl-comply-or-explain"))
        // The expiry day itself still counts.
        let lastDay = try judge(SampleEvidence.good(Self.noDMARC), waivers: [waiver(expires: "2026-09-21")])
        #expect(lastDay.outcome("NL-DMARC-POLICY") == .explained)
    }

    @Test func aValidWaiverWinsOverAnExpiredOne() throws {
        let judgement = try judge(SampleEvidence.good(Self.noDMARC), waivers: [waiver(expires: "2025-01-01"), waiver(expires: nil)])
        #expect(judgement.outcome("NL-DMARC-POLICY") == .explained)
        #expect(judgement.results("NL-DMARC-POLICY").first?.waiver?.expires == nil)
    }

    @Test func waiversNeverExplainAnIndeterminateResult() throws {
        let evidence = SampleEvidence.good { $0.dmarc.record = .failed(Failure(.timeout, "no answer")) }
        let judgement = try judge(evidence, waivers: [waiver()])
        let result = try #require(judgement.results("NL-DMARC-POLICY").first)
        #expect(result.outcome == .indeterminate)
        #expect(result.waiver == nil)
    }

    @Test func waiversMatchClientRuleAndDomain() throws {
        let evidence = SampleEvidence.good(Self.noDMARC)
        for other in [waiver(client: "someone-else"), waiver(rule: "NL-DMARC-VALID"), waiver(domains: ["other.example"])] {
            #expect(try judge(evidence, waivers: [other]).outcome("NL-DMARC-POLICY") == .fail)
        }
        // Inventory waivers of the client apply without being passed again.
        let client = Shipped.client(["nl-comply-or-explain"], waivers: [waiver()])
        #expect(try judge(evidence, client: client).outcome("NL-DMARC-POLICY") == .explained)
    }

    @Test func unusedWaiversAreReportedWithWhy() throws {
        let failing = try judge(SampleEvidence.good(Self.noDMARC), waivers: [waiver()])
        let passing = try judge(SampleEvidence.good(), waivers: [])
        let used = waiver()
        let typo = waiver(rule: "NL-DMARC-POLICCY")
        let stale = waiver(rule: "NL-SPF")
        let elsewhere = waiver(client: "globex")
        let unused = WaiverAudit.unused([used, typo, stale, elsewhere], judgements: [failing, passing])
        #expect(unused.map(\.waiver.rule) == ["NL-DMARC-POLICCY", "NL-SPF", "NL-DMARC-POLICY"])
        #expect(unused[0].note.hasPrefix("no rule set of client 'acme' has the rule 'NL-DMARC-POLICCY'"))
        #expect(unused[1].note == "rule 'NL-SPF' did not fail on any domain it covers; the waiver is no longer needed")
        #expect(unused[2].note == "no domain of client 'globex' was judged in this run")
        let issues = WaiverAudit.unknownRules([used, typo], rulesets: try Shipped.rulesets())
        #expect(issues.map(\.description) == ["waivers.yaml:3:5: error: the waiver names rule 'NL-DMARC-POLICCY', which no rule set defines; see 'mxaudit rules show ID' for the rule ids"])
    }

    // MARK: - Rule sets

    @Test func extendsAppliesOverridesAndAddsRules() throws {
        let loader = RuleSetLoader(directory: Fixtures.path("rulesets"))
        let child = try loader.load(idOrPath: Fixtures.path("rulesets/child.yaml"))
        #expect(child.id == "fixture-child")
        #expect(child.extends == "fixture-base")
        #expect(child.rules.map(\.id) == ["BASE-DNSSEC", "BASE-TLSRPT", "CHILD-MTA-STS"])
        #expect(child["BASE-TLSRPT"]?.level == .must)
        #expect(child["BASE-TLSRPT"]?.references == ["RFC 8460"])
        #expect(child["BASE-DNSSEC"]?.definedIn == "fixture-base")
        let base = try loader.load(idOrPath: "fixture-base")
        #expect(base["BASE-TLSRPT"]?.level == .should)
        // Results of inherited rules belong to the set that uses them.
        let client = Client(id: "acme", name: "ACME", rulesets: ["fixture-child"], domains: [])
        let judgement = RuleEngine(rulesets: [base, child]).judge(SampleEvidence.good(), client: client, waivers: [], today: Self.today)
        #expect(Set(judgement.results.map(\.rulesetID)) == ["fixture-child"])
        #expect(Set(judgement.results.map(\.rulesetVersion)) == ["2"])
    }

    @Test func theDigestCoversTheResolvedContent() throws {
        let loader = RuleSetLoader(directory: Fixtures.path("rulesets"))
        let child = try loader.load(idOrPath: "fixture-child")
        let again = try loader.load(idOrPath: "fixture-child")
        let base = try loader.load(idOrPath: "fixture-base")
        #expect(child.reference == again.reference)
        #expect(child.reference.digest.count == 64 && child.reference.digest.allSatisfy(\.isHexDigit))
        #expect(child.reference.digest != base.reference.digest)
        // An edit without a version bump changes the digest.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: Fixtures.path("rulesets/base.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: "level: should", with: "level: must")
            .write(to: directory.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let edited = try RuleSetLoader(directory: directory.path).load(idOrPath: "fixture-base")
        #expect(edited.reference.version == base.reference.version)
        #expect(edited.reference.digest != base.reference.digest)
    }

    @Test func rulesetsAreRecordedByIdVersionAndDigest() throws {
        for ruleset in try Shipped.rulesets() {
            #expect(ruleset.reference.id == ruleset.id && ruleset.reference.version == ruleset.version)
            #expect(ruleset.reference.digest.count == 64)
        }
    }

    @Test func storedEvidenceIsJudgedLikeTheOriginal() throws {
        let evidence = SampleEvidence.good(Self.noDMARC)
        let stored = try DomainEvidence.makeDecoder().decode(DomainEvidence.self, from: DomainEvidence.makeEncoder().encode(evidence))
        let client = Shipped.client()
        #expect(try judge(stored, client: client) == (try judge(evidence, client: client)))
    }

    @Test func theClientsRulesetsRunInItsOrder() throws {
        let judgement = try judge(SampleEvidence.good(), client: Shipped.client(["nl-comply-or-explain", "mta-sts-baseline"]))
        var order: [String] = []
        for id in judgement.results.map(\.rulesetID) where order.last != id { order.append(id) }
        #expect(order == ["nl-comply-or-explain", "mta-sts-baseline"])
        let engine = try Shipped.engine()
        #expect(engine.missingRulesets(for: Shipped.client(["mta-sts-baseline", "iso-27001"])) == ["iso-27001"])
    }
}
