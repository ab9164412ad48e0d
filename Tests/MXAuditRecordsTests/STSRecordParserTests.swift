import MXAuditModel
@testable import MXAuditRecords
import Testing

@Suite("MTA-STS TXT discovery (RFC 8461 §3.1)")
struct STSRecordParserTests {
    private let name = "_mta-sts.example.com"

    @Test func oneValidRecordGivesItsID() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv1; id=20250101T000000;")).value)
        #expect(record.id == "20250101T000000")
        #expect(record.isValid)
        #expect(record.errors.isEmpty && record.warnings.isEmpty)
    }

    @Test func multiStringRecordsAreJoinedWithoutSpaces() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, [["v=STSv1; id=2025", "0101T000000"]])).value)
        #expect(record.id == "20250101T000000")
    }

    @Test func recordsNotStartingWithTheVersionAreDiscarded() throws {
        // `v=STSv1` not first: discarded, so there is no record at all.
        let notFirst = STSRecordParser.discover(TXTFixtures.txt(name, "id=1234; v=STSv1;"))
        guard case .absent(let reason) = notFirst else { Issue.record("expected absent, got \(notFirst)"); return }
        #expect(reason.contains("none of them v=STSv1"))
        // A second record with another version does not count against the one v=STSv1 record.
        let other = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv2; id=999", "v=STSv1; id=42", "google-site-verification=abc")).value)
        #expect(other.id == "42")
        #expect(other.isValid)
        // v=STSv10 is another version, not v=STSv1.
        #expect(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv10; id=1")).status == .absent)
    }

    @Test func theVersionIsCaseSensitiveAndTheAbsenceSaysSo() {
        guard case .absent(let reason) = STSRecordParser.discover(TXTFixtures.txt(name, "v=stsv1; id=1")) else {
            Issue.record("a lower-case version must be discarded"); return
        }
        #expect(reason.contains("case-sensitive"))
    }

    @Test func twoRecordsMeanNoPolicy() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv1; id=20240101T000000;", "v=STSv1; id=20250108T000000;")).value)
        #expect(record.errors.ids == ["multiple_records"])
        #expect(record.id == nil)
        #expect(!record.isValid)
    }

    @Test(arguments: [
        ("v=STSv1; id=2025-01-09T00:00:00Z;", "id_invalid"),
        ("v=STSv1; id=;", "id_invalid"),
        ("v=STSv1; id=\(String(repeating: "a", count: 33))", "id_invalid"),
        ("v=STSv1;", "id_missing"),
        ("v=STSv1; ID=123", "id_missing"),
        ("v=STSv1;; id=123", "syntax"),
        ("v=STSv1; id = 123", "syntax"),
        ("v=STSv1; id=123; comment=hello world", "syntax"),
    ])
    func syntaxErrorsAreNamed(text: String, id: String) throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, text)).value)
        #expect(record.errors.ids.contains(id), "\(text): \(record.errors)")
        #expect(!record.isValid)
    }

    @Test func extensionsAreKeptAndIgnored() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv1; id=20250107T000000; ext-comment=hello")).value)
        #expect(record.isValid)
        #expect(record.extensions == ["ext-comment": "hello"])
    }

    @Test func whitespaceAroundSemicolonsIsTolerated() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv1 ;id=1 ; ")).value)
        #expect(record.id == "1")
        #expect(record.isValid)
    }

    @Test func aRepeatedIDKeepsTheFirstWithAWarning() throws {
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt(name, "v=STSv1; id=1; id=2")).value)
        #expect(record.id == "1")
        #expect(record.warnings.ids == ["duplicate_field"])
    }

    @Test func lookupOutcomesPassThrough() {
        #expect(STSRecordParser.discover(TXTFixtures.nxdomain) == .absent("NXDOMAIN"))
        #expect(STSRecordParser.discover(TXTFixtures.servfail).failure?.kind == .dnsError)
        #expect(STSRecordParser.discover(.skipped("not asked")) == .skipped("not asked"))
    }
}
