import MXAuditModel
import MXAuditRecords
import Testing

@Suite("DMARC record and external report authorisation (RFC 7489)")
struct DMARCEvaluatorTests {
    private func evaluate(_ text: String..., table: [String: Observation<TXTRecordSet>] = [:], log: QuestionLog? = nil) async throws -> DMARCRecord {
        let evaluator = DMARCEvaluator(lookup: TXTFixtures.lookup(table, log: log))
        return try #require(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt("_dmarc.example.com", text.map { [$0] })).value)
    }

    @Test func policyTagsAndInternalReports() async throws {
        let log = QuestionLog()
        let record = try await evaluate("v=DMARC1; p=reject; sp=quarantine; pct=50; rua=mailto:dmarc@example.com,mailto:d@reports.example.com; ruf=mailto:f@example.com; adkim=s; aspf=r", log: log)
        #expect(record.isValid, "\(record.errors)")
        #expect(record.policy == "reject" && record.subdomainPolicy == "quarantine" && record.percentage == 50)
        #expect(record.rua == ["mailto:dmarc@example.com", "mailto:d@reports.example.com"])
        #expect(record.ruf == ["mailto:f@example.com"])
        #expect(record.externalAuthorisations.isEmpty)
        #expect(await log.questions.isEmpty, "destinations inside the organisation need no authorisation")
    }

    @Test func valuesAreCaseInsensitiveAndWhitespaceAroundEqualsIsAllowed() async throws {
        let record = try await evaluate("v = DMARC1 ; p = Reject ; rua = mailto:dmarc@example.com!10m")
        #expect(record.policy == "reject")
        #expect(record.percentage == 100)
        #expect(record.rua == ["mailto:dmarc@example.com"])
        #expect(record.isValid)
    }

    @Test func noPolicy() async throws {
        let record = try await evaluate("v=DMARC1; rua=mailto:dmarc@example.com")
        #expect(record.policy == nil)
        #expect(record.errors.ids == ["p_missing"])
        let invalid = try await evaluate("v=DMARC1; p=monitor")
        #expect(invalid.policy == nil)
        #expect(invalid.errors.ids == ["p_invalid"])
    }

    @Test(arguments: ["150", "abc", "-1", "", "1000"])
    func badPercentage(pct: String) async throws {
        let record = try await evaluate("v=DMARC1; p=none; pct=\(pct)")
        #expect(record.errors.ids == ["pct_invalid"])
        #expect(record.percentage == 100)
    }

    @Test func externalReportsNeedTheDestinationsAuthorisation() async throws {
        let log = QuestionLog()
        let table: [String: Observation<TXTRecordSet>] = [
            "example.com._report._dmarc.authorised.example": TXTFixtures.txt("example.com._report._dmarc.authorised.example", "v=DMARC1"),
            "example.com._report._dmarc.wrong.example": TXTFixtures.txt("example.com._report._dmarc.wrong.example", "v=spf1 -all"),
            "example.com._report._dmarc.broken.example": TXTFixtures.servfail,
        ]
        let record = try await evaluate("v=DMARC1; p=quarantine; rua=mailto:a@authorised.example,mailto:b@unauthorised.example; ruf=mailto:c@wrong.example,mailto:d@broken.example,mailto:e@authorised.example",
                                        table: table, log: log)
        #expect(record.externalAuthorisations["authorised.example"] == .present(true))
        #expect(record.externalAuthorisations["unauthorised.example"]?.status == .absent)
        #expect(record.externalAuthorisations["wrong.example"] == .present(false))
        #expect(record.externalAuthorisations["broken.example"]?.failure?.kind == .dnsError)
        #expect(record.externalAuthorisations.count == 4)
        #expect(await log.questions.count == 4, "each destination is asked once")
    }

    @Test func externalChecksAreBounded() async throws {
        let uris = (0..<12).map { "mailto:r@d\($0).example" }.joined(separator: ",")
        let record = try await evaluate("v=DMARC1; p=none; rua=\(uris)")
        #expect(record.externalAuthorisations.count == DMARCEvaluator.maximumExternalDestinations)
        #expect(record.warnings.ids == ["external_not_checked"])
    }

    @Test(arguments: [
        ("v=DMARC1; p=none; rua=dmarc@example.com", "rua_invalid"),
        ("v=DMARC1; p=none; ruf=mailto:", "ruf_invalid"),
        ("v=DMARC1; p=none; sp=bogus", "sp_invalid"),
        ("v=DMARC1; p=none; adkim=x", "adkim_invalid"),
        ("v=DMARC1; p=none; aspf=relaxed", "aspf_invalid"),
        ("v=DMARC1;; p=none", "syntax"),
    ])
    func invalidTags(text: String, id: String) async throws {
        let record = try await evaluate(text)
        #expect(record.errors.ids.contains(id), "\(text): \(record.errors)")
    }

    @Test func anHTTPSReportURIIsAWarning() async throws {
        let record = try await evaluate("v=DMARC1; p=none; rua=https://reports.example.com/dmarc")
        #expect(record.isValid)
        #expect(record.warnings.ids == ["uri_scheme"])
    }

    @Test func discovery() async throws {
        let evaluator = DMARCEvaluator(lookup: TXTFixtures.lookup([:]))
        let name = "_dmarc.example.com"
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.nxdomain).status == .absent)
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt(name, "p=reject; v=DMARC1")).status == .absent)
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt(name, "v=dmarc1; p=reject")).status == .absent)
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.servfail).failure?.kind == .dnsError)
        let two = try #require(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt(name, "v=DMARC1; p=none", "v=DMARC1; p=reject")).value)
        #expect(two.errors.ids == ["multiple_records"])
        #expect(two.policy == nil)
    }
}
