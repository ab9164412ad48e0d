import MXAuditModel
import MXAuditRecords
import Testing

@Suite("SPF record and lookup counting (RFC 7208)")
struct SPFEvaluatorTests {
    private func evaluate(_ record: String, table: [String: Observation<TXTRecordSet>] = [:],
                          hosts: [String: Int]? = nil, log: QuestionLog? = nil) async throws -> SPFRecord {
        var hostLookup: SPFHostLookup?
        if let hosts {
            hostLookup = { (name: String, question: SPFHostQuery) async -> Observation<Int> in
                let key = "\(question.rawValue) \(name)"
                await log?.record(key)
                guard let count = hosts[key] else { return .absent("NXDOMAIN") }
                return .present(count)
            }
        }
        let evaluator = SPFEvaluator(lookup: TXTFixtures.lookup(table, log: log), hostLookup: hostLookup)
        return try #require(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt("example.com", record)).value)
    }

    private static func spf(_ name: String, _ text: String) -> (String, Observation<TXTRecordSet>) {
        (name, TXTFixtures.txt(name, text))
    }

    @Test(arguments: [("v=spf1 mx -all", "-"), ("v=spf1 mx ~all", "~"), ("v=spf1 mx ?all", "?"), ("v=spf1 mx +all", "+"), ("v=spf1 all", "+")])
    func theAllQualifier(text: String, qualifier: String) async throws {
        let record = try await evaluate(text)
        #expect(record.allQualifier == qualifier)
        #expect(record.isValid && record.dnsLookups == (text.contains("mx") ? 1 : 0))
    }

    @Test func noAllLeavesTheResultNeutral() async throws {
        let record = try await evaluate("v=spf1 mx a")
        #expect(record.allQualifier == nil)
        #expect(record.warnings.ids == ["no_all"])
    }

    @Test func includesAreFollowedAndCountedLikeTheTestbedsTooManyLookups() async throws {
        // testbed/scenarios.yaml spf-too-many-lookups.example: 12 DNS-querying terms.
        let table = Dictionary(uniqueKeysWithValues: [
            Self.spf("_spf-a.example.com", "v=spf1 a mx include:_spf-c.example.com ~all"),
            Self.spf("_spf-b.example.com", "v=spf1 a mx include:_spf-d.example.com ~all"),
            Self.spf("_spf-c.example.com", "v=spf1 a mx exists:%{i}._spf-e.example.com ~all"),
            Self.spf("_spf-d.example.com", "v=spf1 ip4:192.0.2.0/24 ~all"),
        ])
        let record = try await evaluate("v=spf1 mx include:_spf-a.example.com include:_spf-b.example.com -all", table: table)
        #expect(record.dnsLookups == 12)
        #expect(record.errors.ids == ["too_many_lookups"])
        #expect(record.allQualifier == "-", "an include's all does not change the record's own")
        #expect(record.lookupsComplete)
    }

    @Test func tenLookupsAreAllowed() async throws {
        let record = try await evaluate("v=spf1 a mx a:a.example.com a:b.example.com mx:c.example.com exists:d.example.com a mx a mx -all")
        #expect(record.dnsLookups == 10)
        #expect(record.isValid)
    }

    @Test func includeLoopsAreFoundAndBounded() async throws {
        let log = QuestionLog()
        let table = Dictionary(uniqueKeysWithValues: [
            Self.spf("a.example.net", "v=spf1 include:b.example.net -all"),
            Self.spf("b.example.net", "v=spf1 include:a.example.net -all"),
        ])
        let record = try await evaluate("v=spf1 include:a.example.net -all", table: table, log: log)
        #expect(record.errors.ids == ["include_loop"])
        #expect(await log.questions == ["a.example.net", "b.example.net"])
        let selfLoop = try await evaluate("v=spf1 include:example.com -all")
        #expect(selfLoop.errors.ids == ["include_loop"])
    }

    @Test func hugeIncludeTreesStopAtTheBound() async throws {
        let log = QuestionLog()
        // A chain of 100 distinct includes, and a diamond that reuses names without new queries.
        var table: [String: Observation<TXTRecordSet>] = [:]
        for index in 0..<100 {
            table["n\(index).example.net"] = TXTFixtures.txt("n\(index).example.net", "v=spf1 include:n\(index + 1).example.net include:d.example.net -all")
        }
        table["d.example.net"] = TXTFixtures.txt("d.example.net", "v=spf1 include:e.example.net include:e.example.net -all")
        table["e.example.net"] = TXTFixtures.txt("e.example.net", "v=spf1 a mx ptr -all")
        let record = try await evaluate("v=spf1 include:n0.example.net -all", table: table, log: log)
        #expect(record.errors.ids.contains("too_many_lookups"))
        #expect(record.warnings.ids.contains("evaluation_stopped"))
        #expect(!record.lookupsComplete)
        #expect(await log.questions.count <= SPFEvaluator.maximumQueries)
        #expect(record.dnsLookups > SPFEvaluator.lookupLimit)
    }

    @Test func theSameIncludeIsLookedUpOnceButCountedEachTime() async throws {
        let log = QuestionLog()
        let table = Dictionary(uniqueKeysWithValues: [Self.spf("_spf.example.net", "v=spf1 ip4:192.0.2.1 -all")])
        let record = try await evaluate("v=spf1 include:_spf.example.net include:_SPF.example.net. -all", table: table, log: log)
        #expect(record.dnsLookups == 2)
        #expect(await log.questions == ["_spf.example.net"])
    }

    @Test func voidLookupsAreCountedAndLimitedToTwo() async throws {
        let hosts = ["a mail.example.com": 1, "mx example.com": 2]
        let two = try await evaluate("v=spf1 a:mail.example.com a:gone1.example.com mx exists:gone2.example.com -all", hosts: hosts)
        #expect(two.voidLookups == 2)
        #expect(two.isValid)
        let three = try await evaluate("v=spf1 a:gone1.example.com mx:gone2.example.com exists:gone3.example.com -all", hosts: hosts)
        #expect(three.voidLookups == 3)
        #expect(three.errors.ids == ["too_many_void_lookups"])
        // An a mechanism is void only when neither A nor AAAA exists.
        let aaaa = try await evaluate("v=spf1 a:v6.example.com -all", hosts: ["aaaa v6.example.com": 1])
        #expect(aaaa.voidLookups == 0)
    }

    @Test func anIncludeOfANameWithoutSPFIsAPermerrorAndAVoidLookup() async throws {
        let record = try await evaluate("v=spf1 include:_spf.missing.example -all")
        #expect(record.errors.ids == ["include_missing"])
        #expect(record.voidLookups == 1)
        let notSPF = try await evaluate("v=spf1 include:other.example -all", table: ["other.example": TXTFixtures.txt("other.example", "hello")])
        #expect(notSPF.errors.ids == ["include_missing"])
        #expect(notSPF.voidLookups == 0, "TXT records exist, so the lookup was not void")
    }

    @Test func redirectSuppliesTheAllQualifier() async throws {
        let table = Dictionary(uniqueKeysWithValues: [Self.spf("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 mx -all")])
        let record = try await evaluate("v=spf1 redirect=_spf.example.com", table: table)
        #expect(record.allQualifier == "-")
        #expect(record.redirect == "_spf.example.com")
        #expect(record.dnsLookups == 2)
        #expect(record.isValid)
        let ignored = try await evaluate("v=spf1 ~all redirect=_spf.example.com", table: table)
        #expect(ignored.allQualifier == "~")
        #expect(ignored.warnings.ids == ["redirect_ignored"])
        #expect(ignored.dnsLookups == 0)
        let missing = try await evaluate("v=spf1 redirect=_spf.nowhere.example")
        #expect(missing.errors.ids == ["redirect_missing"])
        #expect(missing.allQualifier == nil)
    }

    @Test func macrosAreCountedButNotFollowed() async throws {
        let record = try await evaluate("v=spf1 include:%{ir}.%{v}._spf.example.com exists:%{i}.x.example.com -all")
        #expect(record.dnsLookups == 2)
        #expect(record.warnings.ids == ["macro_not_expanded"])
        #expect(!record.lookupsComplete)
    }

    @Test func aFailedIncludeLookupMakesTheCountsLowerBounds() async throws {
        let record = try await evaluate("v=spf1 include:_spf.example.net -all", table: ["_spf.example.net": TXTFixtures.servfail])
        #expect(record.isValid)
        #expect(!record.lookupsComplete)
        #expect(record.warnings.ids == ["lookup_failed"])
    }

    @Test func termsAfterAllAreNeverEvaluated() async throws {
        let record = try await evaluate("v=spf1 -all include:_spf.example.net mx")
        #expect(record.dnsLookups == 0)
        #expect(record.warnings.ids == ["terms_after_all", "terms_after_all"])
    }

    @Test func mxWithMoreThanTenNamesIsAPermerror() async throws {
        let record = try await evaluate("v=spf1 mx -all", hosts: ["mx example.com": 11])
        #expect(record.errors.ids == ["mx_too_many_names"])
    }

    @Test(arguments: [
        "v=spf1 ip4:300.1.1.1 -all", "v=spf1 ip4:192.0.2.0/33 -all", "v=spf1 ip6:2001:db8::/129 -all", "v=spf1 ip6:zz::1 -all",
        "v=spf1 foo -all", "v=spf1 include -all", "v=spf1 a:example.123 -all", "v=spf1 all:x", "v=spf1 exists:%{z}.example.com -all",
        "v=spf1 redirect=a.example redirect=b.example", "v=spf1 mx\t-all", "v=spf1 a/24//200 -all",
    ])
    func syntaxErrors(text: String) async throws {
        let record = try await evaluate(text)
        #expect(record.errors.ids.contains("syntax"), "\(text): \(record.errors)")
    }

    @Test(arguments: ["v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::ffff:192.0.2.1 a/24 mx:mail.example.com//64 a:example.com/24//64 ptr -all",
                      "V=SPF1 MX -ALL", "v=spf1 exists:%{l1r+}.%{d}._spf.example.com unknown-mod=%{d} exp=explain.example.com -all"])
    func validSyntax(text: String) async throws {
        let record = try await evaluate(text)
        #expect(!record.errors.ids.contains("syntax"), "\(text): \(record.errors)")
    }

    @Test func discoveryNeedsExactlyOneRecord() async throws {
        let evaluator = SPFEvaluator(lookup: TXTFixtures.lookup([:]))
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt("example.com", "google-site-verification=x")).status == .absent)
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.servfail).failure?.kind == .dnsError)
        let two = try #require(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt("example.com", "v=spf1 -all", "v=spf1 mx -all")).value)
        #expect(two.errors.ids == ["multiple_records"])
        #expect(await evaluator.evaluate(domain: "example.com", txt: TXTFixtures.txt("example.com", "v=spf10 -all")).status == .absent)
    }
}
