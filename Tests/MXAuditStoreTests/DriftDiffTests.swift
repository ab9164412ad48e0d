import Foundation
import MXAuditModel
import Testing
@testable import MXAuditStore

/// Issue #8's acceptance at store level: two runs stored from hand-made evidence with exactly
/// three changes in between — an MTA-STS policy changed without a new id, a TLSA record broken,
/// an MX added — and the diff names exactly those, and nothing else.
@Suite("diff names exactly the drift between two stored runs")
struct DriftDiffTests {
    static let keyA = String(repeating: "a1", count: 32)
    static let keyWrong = String(repeating: "0f", count: 32)

    static func firstRun() -> [DomainSpec] {
        [
            DomainSpec(name: "policy.example", client: "acme",
                       hosts: [Fixtures.host("mx1.policy.example", address: "127.60.8.1", key: "policy-key")],
                       stsID: "20260101", policy: .init(mode: .enforce, mx: ["mx1.policy.example"], maxAge: 604_800)),
            DomainSpec(name: "dane.example", client: "acme",
                       hosts: [Fixtures.host("mx1.dane.example", address: "127.60.8.2", key: keyA, tlsaFor: keyA)],
                       stsID: "3", policy: .init(mode: .testing, mx: ["mx1.dane.example"], maxAge: 86_400)),
            DomainSpec(name: "growing.example", client: "beta",
                       hosts: [Fixtures.host("mx1.growing.example", address: "127.60.8.3", key: "growing-key")],
                       stsID: "1", policy: .init(mode: .enforce, mx: ["mx1.growing.example"], maxAge: 86_400)),
            DomainSpec(name: "steady.example", client: "beta",
                       hosts: [Fixtures.host("mx1.steady.example", address: "127.60.8.4", key: "steady-key", tlsaFor: "steady-key")],
                       stsID: "7", policy: .init(mode: .enforce, mx: ["mx1.steady.example"], maxAge: 86_400)),
        ]
    }

    static func secondRun() -> [DomainSpec] {
        var specs = firstRun()
        // 1. The policy text changes (a second mx line) while the TXT id stays 20260101.
        specs[0].policy!.mx.append("mx2.policy.example")
        // 2. The TLSA record is replaced by one that matches no certificate.
        specs[1].hosts[0].tlsa = [TLSARecord(usage: 3, selector: 1, matchingType: 1, data: keyWrong)]
        // 3. A second MX host appears; the policy does not name it.
        specs[2].hosts.append(Fixtures.host("mx2.growing.example", preference: 20, address: "127.60.8.5", key: "growing-key-2"))
        return specs
    }

    @Test func theDiffNamesExactlyTheThreeChanges() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let first = try await store.storeFixtureRun(Self.firstRun(), startedAt: Fixtures.day0)
        let second = try await store.storeFixtureRun(Self.secondRun(), startedAt: Fixtures.day0.addingTimeInterval(86_400))

        let runs = try await store.lastCompleteRuns(2)
        #expect(runs.map(\.id) == [second, first])
        let diff = RunDiffer.diff(from: try await store.storedRun(id: first), to: try await store.storedRun(id: second),
                                  expiringWithinDays: 30, today: Fixtures.day0.addingTimeInterval(86_400))

        // Evidence: the mx lines of one policy, one TLSA RRset, one MX set — nothing else.
        let evidence = Set(diff.evidenceChanges.map { EvidenceItem(domain: $0.domain, subject: $0.subject, kind: $0.kind) })
        #expect(evidence == [
            EvidenceItem(domain: "policy.example", subject: "policy.example", kind: .mtaSTSMX),
            EvidenceItem(domain: "dane.example", subject: "mx1.dane.example", kind: .tlsaRecords),
            EvidenceItem(domain: "growing.example", subject: "growing.example", kind: .mxSet),
        ])
        #expect(diff.evidenceChanges.count == 3)
        let mx = try #require(diff.evidenceChanges.first { $0.kind == .mxSet })
        #expect(mx.before == "10 mx1.growing.example")
        #expect(mx.after == "10 mx1.growing.example, 20 mx2.growing.example")
        let tlsa = try #require(diff.evidenceChanges.first { $0.kind == .tlsaRecords })
        #expect(tlsa.before == "3 1 1 \(Self.keyA)" && tlsa.after == "3 1 1 \(Self.keyWrong)")

        // History-aware findings: the policy changed under the same id; the new MX is not covered.
        let findings = Set(diff.findings.map { FindingItem(kind: $0.kind, domain: $0.domain, subject: $0.subject, severity: $0.severity) })
        #expect(findings == [
            FindingItem(kind: .policyChangedWithoutNewID, domain: "policy.example", subject: "policy.example", severity: .problem),
            FindingItem(kind: .newMXNotCovered, domain: "growing.example", subject: "mx2.growing.example", severity: .problem),
        ])
        let policyFinding = try #require(diff.findings.first { $0.kind == .policyChangedWithoutNewID })
        #expect(policyFinding.message.contains("'20260101'"))
        #expect(policyFinding.message.contains("604800"))

        // Results: DANE broke; the policy no longer covers every MX; the new host's own results are new.
        let changes = Set(diff.resultChanges.map {
            ChangeItem(domain: $0.key.domain, rule: $0.key.ruleID, subject: $0.key.subject, category: $0.category, cause: $0.cause,
                       from: $0.from, to: $0.to)
        })
        #expect(changes == [
            ChangeItem(domain: "dane.example", rule: "DANE", subject: "mx1.dane.example", category: .regressed, cause: .audit, from: .pass, to: .fail),
            ChangeItem(domain: "growing.example", rule: "STS-MX-COVERED", subject: "growing.example", category: .regressed, cause: .audit,
                       from: .pass, to: .fail),
            ChangeItem(domain: "growing.example", rule: "STARTTLS", subject: "mx2.growing.example", category: .new, cause: .audit, from: nil, to: .pass),
            ChangeItem(domain: "growing.example", rule: "DANE", subject: "mx2.growing.example", category: .new, cause: .audit, from: nil,
                       to: .notApplicable),
        ])

        // Nothing around the results changed.
        #expect(diff.rulesetChanges.isEmpty)
        #expect(diff.inventoryChanges.isEmpty)
        #expect(diff.settingsChanges.isEmpty)
        #expect(diff.notCompared.isEmpty)
        #expect(diff.waivers.isEmpty)
        #expect(diff.clients.map(\.clientID) == ["acme", "beta"])
        #expect(diff.fleet.regressed == 2 && diff.fleet.new == 2 && diff.fleet.evidenceChanges == 3 && diff.fleet.problems == 2)
        #expect(diff.fleet.fixed + diff.fleet.absent + diff.fleet.stillFailing + diff.fleet.waived + diff.fleet.indeterminate == 0)

        // The CI gate blocks on the two regressions and the two problems, and names them.
        let gate = RegressionGate.decide(diff)
        #expect(gate.blocks)
        #expect(gate.reasons.count == 4)
        #expect(gate.reasons.contains("regressed: dane.example test-rules/DANE [mx1.dane.example] (pass → fail)"))
    }

    @Test func identicalRunsDiffToNothing() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let first = try await store.storeFixtureRun(Self.firstRun())
        let second = try await store.storeFixtureRun(Self.firstRun(), startedAt: Fixtures.day0.addingTimeInterval(3600))
        let diff = RunDiffer.diff(from: try await store.storedRun(id: first), to: try await store.storedRun(id: second),
                                  expiringWithinDays: 30, today: Fixtures.day0)
        #expect(diff.clients.isEmpty)
        #expect(diff.fleet == DiffCounts())
        #expect(!RegressionGate.decide(diff).blocks)
    }
}

struct EvidenceItem: Hashable {
    var domain: String
    var subject: String
    var kind: EvidenceChange.Kind
}

struct FindingItem: Hashable {
    var kind: HistoryFinding.Kind
    var domain: String
    var subject: String
    var severity: HistoryFinding.Severity
}

struct ChangeItem: Hashable {
    var domain: String
    var rule: String
    var subject: String
    var category: ChangeCategory
    var cause: ChangeCause
    var from: Outcome?
    var to: Outcome?
}
