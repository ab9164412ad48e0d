import Foundation
import MXAuditModel
import Testing
@testable import MXAuditStore

/// An audit stores finished domains a batch at a time: one transaction holds all of the batch or,
/// when one domain of it is wrong, none of it.
@Suite("recording domains in batches")
struct BatchRecordTests {
    static let specs = AuditStoreTests.specs

    static func recorded(_ spec: DomainSpec, client: String? = nil) -> RecordedDomain {
        let evidence = Fixtures.evidence(spec)
        return RecordedDomain(evidence: evidence, judgement: FixtureRules.judge(evidence, client: client ?? spec.client))
    }

    @Test func aBatchStoresTheSameAsOneDomainAtATime() async throws {
        let scratch = try ScratchDirectory()
        let clients = FixtureRules.clients(Self.specs)
        let single = try AuditStore(path: scratch.path("single.sqlite"))
        let batched = try AuditStore(path: scratch.path("batched.sqlite"))
        let singleRun = try await single.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                                  settings: AuditSettings(), clients: clients)
        let batchedRun = try await batched.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                                    settings: AuditSettings(), clients: clients)
        for spec in Self.specs {
            let domain = Self.recorded(spec)
            try await single.record(runID: singleRun, evidence: domain.evidence, judgement: domain.judgement)
        }
        try await batched.record(runID: batchedRun, domains: Self.specs.map { Self.recorded($0) })
        try await single.finishRun(singleRun, status: .complete)
        try await batched.finishRun(batchedRun, status: .complete)

        #expect(try await batched.judgements(runID: batchedRun) == (try await single.judgements(runID: singleRun)))
        for spec in Self.specs {
            #expect(try await batched.evidence(runID: batchedRun, domain: spec.name) == Fixtures.evidence(spec))
        }
        let overview = try #require(try await batched.runOverviews(limit: 1).first)
        #expect(overview.domainsRecorded == Self.specs.count && overview.run.status == .complete)
    }

    @Test func oneWrongDomainStoresNoneOfItsBatchAndNamesIt() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(Self.specs))
        let batch = [Self.recorded(Self.specs[0]), Self.recorded(Self.specs[1], client: "nobody"), Self.recorded(Self.specs[2])]
        let refused = await #expect(throws: StoreError.self) { try await store.record(runID: runID, domains: batch) }
        #expect(refused?.kind == .invalidState)
        #expect(refused?.message == "client 'nobody' is not one of the run's clients")
        #expect(refused?.operation == "recording two.example in run \(runID)")
        #expect(try await store.judgements(runID: runID).isEmpty)

        // The same domains, corrected, go in afterwards: nothing of the failed batch was left behind.
        try await store.record(runID: runID, domains: Self.specs.map { Self.recorded($0) })
        #expect(try await store.judgements(runID: runID).map(\.domain) == Self.specs.map(\.name))
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test func theReferencesColumnIsTheJSONEncodersText() throws {
        let references = ["https://www.rfc-editor.org/rfc/rfc8461#section-3.2", "quote \" and \\ and \n\t\u{1F} and ü ✓", ""]
        #expect(JSONString.array(references) == (try JSONColumn.encode(references)))
        #expect(JSONString.array([]) == (try JSONColumn.encode([String]())))
    }

    @Test func referencesReadBackAsWritten() throws {
        let cases: [[String]] = [[], [""], ["https://www.rfc-editor.org/rfc/rfc8461#section-3.2", "BSI TR-03108 §4.2"],
                                 ["quote \" inside", "back\\slash", "line\nbreak", "ü ✓", "[,]"]]
        for references in cases {
            let text = JSONString.array(references)
            #expect(try StoredRows.references(text) == references, "\(text)")
        }
        // Only plain arrays take the fast path; the rest is the decoder's, errors included.
        #expect(JSONString.plainArray(#"["a","b"]"#) == ["a", "b"])
        #expect(JSONString.plainArray(#"["a\"b"]"#) == nil)
        #expect(JSONString.plainArray(#"["a",]"#) == nil)
        #expect(JSONString.plainArray(#"["a" ,"b"]"#) == nil)
        #expect(JSONString.plainArray("[\"a\u{1}\"]") == nil)
        #expect(throws: (any Error).self) { try StoredRows.references("[1]") }
    }
}
