import Foundation
import MXAuditModel
import Testing
@testable import MXAuditStore

@Suite("the history store")
struct AuditStoreTests {
    static let specs = [
        DomainSpec(name: "one.example", client: "acme", hosts: [Fixtures.host("mx.one.example", address: "127.60.9.1", key: "k1", tlsaFor: "k1")],
                   stsID: "1", policy: .init(mode: .enforce, mx: ["mx.one.example"], maxAge: 86_400)),
        DomainSpec(name: "two.example", client: "acme", hosts: [Fixtures.host("mx.two.example", address: "127.60.9.2", key: "k2")]),
        DomainSpec(name: "xn--mller-kva.example", client: "beta", hosts: [Fixtures.host("mx.beta.example", address: "127.60.9.3", key: "k3")]),
    ]

    @Test func aRunRoundTripsEvidenceJudgementsAndSettings() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let settings = AuditSettings(resolver: "127.60.0.53", database: scratch.path("history.sqlite"), concurrency: 8, dnssecMode: .resolver)
        let runID = try await store.storeFixtureRun(Self.specs, settings: settings)

        let run = try await store.run(id: runID)
        #expect(run.status == .complete)
        #expect(run.startedAt == Fixtures.day0 && run.finishedAt == Fixtures.day0.addingTimeInterval(60))
        #expect(run.settings == settings)
        #expect(run.rulesets == [Fixtures.ruleset])
        #expect(run.mxauditVersion == MXAuditVersion.current)

        let judgements = try await store.judgements(runID: runID)
        let expected = Self.specs.map { FixtureRules.judge(Fixtures.evidence($0), client: $0.client) }
        #expect(judgements == expected, "results come back in inventory and rule order, with advice")
        for spec in Self.specs {
            #expect(try await store.evidence(runID: runID, domain: spec.name) == Fixtures.evidence(spec))
        }
        #expect(try await store.evidence(runID: runID, domain: "unknown.example") == nil)

        let stored = try await store.storedRun(id: runID)
        #expect(stored.clients == FixtureRules.clients(Self.specs))
        #expect(stored.domains.map(\.domain) == Self.specs.map(\.name))
        #expect(stored.domain("one.example")?.facts == EvidenceFacts(Fixtures.evidence(Self.specs[0])))

        let overview = try #require(try await store.runOverviews(limit: nil).first)
        #expect(overview.domainsPlanned == 3 && overview.domainsRecorded == 3)
        #expect(overview.count(.pass) + overview.count(.fail) + overview.count(.notApplicable) == expected.flatMap(\.results).count)
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test func onlyCompleteRunsCountAsTheLastAudit() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let complete = try await store.storeFixtureRun(Self.specs)
        let stopped = try await store.storeFixtureRun(Array(Self.specs.prefix(1)), finish: false)
        try await store.finishRun(stopped, status: .incomplete)
        let running = try await store.storeFixtureRun(Array(Self.specs.prefix(2)), finish: false)

        #expect(try await store.lastCompleteRuns(1).map(\.id) == [complete])
        #expect(try await store.runs(limit: nil).map(\.status) == [.running, .incomplete, .complete])
        #expect(try await store.runs(limit: 1).map(\.id) == [running])
        // The unfinished run keeps what it recorded, in inventory order, for inspection.
        #expect(try await store.judgements(runID: stopped).map(\.domain) == ["one.example"])
        let overview = try #require(try await store.runOverviews(limit: 1).first)
        #expect(overview.run.id == running && overview.domainsRecorded == 2 && overview.domainsPlanned == 2)
    }

    @Test func aRunCannotCompleteWithDomainsMissingNorChangeOnceFinished() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let clients = FixtureRules.clients(Self.specs)
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: clients)
        let evidence = Fixtures.evidence(Self.specs[0])
        try await store.record(runID: runID, evidence: evidence, judgement: FixtureRules.judge(evidence, client: "acme"))

        let early = await #expect(throws: StoreError.self) { try await store.finishRun(runID, status: .complete) }
        #expect(early?.kind == .invalidState)
        #expect(early?.message.contains("2 domain(s) were never recorded: two.example, xn--mller-kva.example") == true)

        let twice = await #expect(throws: StoreError.self) {
            try await store.record(runID: runID, evidence: evidence, judgement: FixtureRules.judge(evidence, client: "acme"))
        }
        #expect(twice?.message.contains("already recorded") == true)

        let otherClient = await #expect(throws: StoreError.self) {
            try await store.record(runID: runID, evidence: evidence, judgement: FixtureRules.judge(evidence, client: "nobody"))
        }
        #expect(otherClient?.message.contains("client 'nobody' is not one of the run's clients") == true)

        let mismatch = await #expect(throws: StoreError.self) {
            try await store.record(runID: runID, evidence: Fixtures.evidence(Self.specs[1]), judgement: FixtureRules.judge(evidence, client: "acme"))
        }
        #expect(mismatch?.message.contains("holds results for one.example, the evidence is for two.example") == true)

        try await store.finishRun(runID, status: .incomplete)
        let late = await #expect(throws: StoreError.self) {
            let next = Fixtures.evidence(Self.specs[1])
            try await store.record(runID: runID, evidence: next, judgement: FixtureRules.judge(next, client: "acme"))
        }
        #expect(late?.kind == .invalidState && late?.message == "run \(runID) is incomplete; it can no longer change")
        let unknown = await #expect(throws: StoreError.self) { try await store.finishRun(999, status: .complete) }
        #expect(unknown?.kind == .runNotFound)
        // A failed write leaves nothing half-done.
        #expect(try await store.judgements(runID: runID).map(\.domain) == ["one.example"])
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test func aDomainOutsideThePlanCanBeRecordedForAKnownClient() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(Array(Self.specs.prefix(1))))
        for spec in [Self.specs[0], Self.specs[1]] {
            let evidence = Fixtures.evidence(spec)
            try await store.record(runID: runID, evidence: evidence, judgement: FixtureRules.judge(evidence, client: "acme"))
        }
        try await store.finishRun(runID, status: .complete)
        #expect(try await store.judgements(runID: runID).map(\.domain) == ["one.example", "two.example"])
    }

    @Test func historyListsEveryRunThatRecordedTheDomain() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        var broken = Self.specs
        broken[0].hosts[0].tlsa = [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: "00")]
        let first = try await store.storeFixtureRun(Self.specs)
        let second = try await store.storeFixtureRun(broken, startedAt: Fixtures.day0.addingTimeInterval(86_400))
        _ = try await store.storeFixtureRun([Self.specs[1]], startedAt: Fixtures.day0.addingTimeInterval(2 * 86_400))

        let history = try await store.history(domain: "one.example")
        #expect(history.map(\.run.id) == [first, second])
        let dane = history.map { $0.results.first { $0.ruleID == "DANE" }?.outcome }
        #expect(dane == [.pass, .fail])
        #expect(try await store.history(domain: "never.example").isEmpty)
    }

    @Test func pruneKeepsTheLastCompleteRunsAndEverythingAfterThem() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        var ids: [Int64] = []
        for day in 0..<4 { ids.append(try await store.storeFixtureRun(Self.specs, startedAt: Fixtures.day0.addingTimeInterval(Double(day) * 86_400))) }
        let stopped = try await store.storeFixtureRun(Self.specs, startedAt: Fixtures.day0.addingTimeInterval(5 * 86_400), finish: false)
        try await store.finishRun(stopped, status: .incomplete)
        let last = try await store.storeFixtureRun(Self.specs, startedAt: Fixtures.day0.addingTimeInterval(6 * 86_400))

        #expect(try await store.prune(keepLast: 3) == 2)
        #expect(try await store.runs(limit: nil).map(\.id) == [last, stopped, ids[3], ids[2]])
        #expect(try await store.history(domain: "two.example").map(\.run.id) == [ids[2], ids[3], stopped, last])
        #expect(try await store.integrityCheck() == ["ok"])
        #expect(try await store.prune(keepLast: 3) == 0)
        // Fewer complete runs than asked to keep: nothing goes.
        #expect(try await store.prune(keepLast: 10) == 0)
        await #expect(throws: StoreError.self) { try await store.prune(keepLast: 0) }
        // Ids are never reused after a prune, so a run id in a report stays unambiguous.
        #expect(try await store.storeFixtureRun(Self.specs) > last)
    }

    @Test func writesFinishEvenWhenTheCallerIsCancelled() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.storeFixtureRun(Array(Self.specs.prefix(1)), finish: false)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await store.finishRun(runID, status: .incomplete)
        }
        try await task.value
        #expect(try await store.run(id: runID).status == .incomplete)
    }
}
