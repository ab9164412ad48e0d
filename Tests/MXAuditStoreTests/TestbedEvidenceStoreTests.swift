import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditStore

/// Evidence collected from the loopback testbed by `mxaudit check`, stored and diffed: real
/// certificate chains, TLSA RRsets and MTA-STS policies go through the store unchanged, and two
/// runs of the same world diff to nothing. Fails (never skips) when the testbed is down.
@Suite("real evidence from the testbed")
struct TestbedEvidenceStoreTests {
    @Test func realEvidenceRoundTripsAndOnlyARealChangeShows() async throws {
        let testbed = try TestbedEnvironment.load()
        let check = try await mxaudit(["check", "--json", "dane-and-sts.example", "sts-mx-uncovered.example"] + testbed.mxauditOptions)
        try #require(check.status == 0, "\(check.standardError)")
        let documents = try DomainEvidence.makeDecoder().decode([DomainEvidence].self, from: Data(check.standardOutput.utf8))
        try #require(documents.map(\.domain.ascii) == ["dane-and-sts.example", "sts-mx-uncovered.example"])

        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let clients = [Client(id: "testbed", name: "Testbed", rulesets: [Fixtures.ruleset.id],
                              domains: documents.map { InventoryDomain(name: $0.domain) })]
        func storeRun(_ evidence: [DomainEvidence]) async throws -> Int64 {
            let runID = try await store.beginRun(startedAt: Date(), inventoryHash: "testbed", rulesets: [Fixtures.ruleset],
                                                 settings: AuditSettings(resolver: testbed.resolver), clients: clients)
            for document in evidence {
                try await store.record(runID: runID, evidence: document, judgement: FixtureRules.judge(document, client: "testbed"))
            }
            try await store.finishRun(runID, status: .complete)
            return runID
        }
        let first = try await storeRun(documents)
        for document in documents {
            #expect(try await store.evidence(runID: first, domain: document.domain.ascii) == document)
        }

        // What the facts read from real evidence (the catalogue's expectations for these scenarios).
        let stored = try await store.storedRun(id: first)
        let dane = try #require(stored.domain("dane-and-sts.example")?.facts)
        #expect(dane.hosts.map(\.name) == ["mx1.dane-and-sts.example", "mx2.dane-and-sts.example"])
        #expect(dane.hosts.allSatisfy { $0.tlsaStatus == .present && $0.tlsaDNSSEC == .secure })
        #expect(dane.hosts.flatMap(\.endpoints).allSatisfy { $0.dane == .valid && $0.certificate != nil })
        #expect(dane.mtaSTS.mode == .enforce && dane.mtaSTS.id == "20250301T120000" && dane.mtaSTS.certificate != nil)
        let uncovered = try #require(stored.domain("sts-mx-uncovered.example")?.facts)
        #expect(uncovered.mtaSTS.coverage.filter { !$0.covered }.map(\.host) == ["mx2.bulkmail.insecure"])

        // The same world twice: nothing changed, and the one failure (the uncovered MX) is still failing.
        let second = try await storeRun(documents)
        let quiet = RunDiffer.diff(from: try await store.storedRun(id: first), to: try await store.storedRun(id: second),
                                   expiringWithinDays: 30, today: Date())
        let stillFailing = ["sts-mx-uncovered.example STS-MX-COVERED still_failing"]
        #expect(quiet.resultChanges.map { "\($0.key.domain) \($0.key.ruleID) \($0.category.rawValue)" } == stillFailing)
        #expect(quiet.evidenceChanges.isEmpty && quiet.findings.isEmpty, "certificates are far from expiry: \(quiet.findings)")

        // One TLSA record replaced: exactly that evidence change.
        var changed = documents
        guard case .present(var mx) = changed[0].mx, case .present(var tlsa) = mx.hosts[0].tlsa else {
            Issue.record("dane-and-sts.example has no TLSA RRset at its first MX host")
            return
        }
        tlsa.records[0].data = String(repeating: "0", count: 64)
        mx.hosts[0].tlsa = .present(tlsa)
        changed[0].mx = .present(mx)
        let third = try await storeRun(changed)
        let drift = RunDiffer.diff(from: try await store.storedRun(id: second), to: try await store.storedRun(id: third),
                                   expiringWithinDays: 30, today: Date())
        #expect(drift.evidenceChanges.map { "\($0.subject) \($0.kind.rawValue)" } == ["mx1.dane-and-sts.example tlsa_records"])
        #expect(drift.resultChanges.map { "\($0.key.domain) \($0.key.ruleID) \($0.category.rawValue)" } == stillFailing)
        #expect(drift.findings.isEmpty)
        #expect(try await store.integrityCheck() == ["ok"])
    }
}
