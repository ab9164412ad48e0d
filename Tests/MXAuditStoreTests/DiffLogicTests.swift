import Foundation
import MXAuditModel
import Testing
@testable import MXAuditStore

@Suite("how a diff classifies changes")
struct DiffLogicTests {
    static let base = DomainSpec(name: "shop.example", client: "acme",
                                 hosts: [Fixtures.host("mx1.shop.example", address: "127.60.7.1", key: "key-1", tlsaFor: "key-1")],
                                 stsID: "100", policy: .init(mode: .enforce, mx: ["mx1.shop.example"], maxAge: 604_800))

    static func diff(_ old: StoredRun, _ new: StoredRun, days: Int = 30, today: Date = Fixtures.day0) -> RunDiff {
        RunDiffer.diff(from: old, to: new, expiringWithinDays: days, today: today)
    }

    @Test("outcome pairs", arguments: [
        (Outcome?.none, Outcome?.some(.fail), ChangeCategory?.some(.new)),
        (.pass, nil, .absent),
        (.pass, .fail, .regressed),
        (.explained, .fail, .regressed),
        (.indeterminate, .fail, .regressed),
        (.notApplicable, .fail, .regressed),
        (.fail, .fail, .stillFailing),
        (.fail, .pass, .fixed),
        (.explained, .notApplicable, .fixed),
        (.fail, .explained, .waived),
        (.pass, .indeterminate, .indeterminate),
        (.fail, .indeterminate, .indeterminate),
        (.indeterminate, .indeterminate, nil),
        (.indeterminate, .pass, nil),
        (.pass, .notApplicable, nil),
        (.explained, .explained, nil),
    ])
    func category(from: Outcome?, to: Outcome?, expected: ChangeCategory?) {
        #expect(ResultDiffer.category(from: from, to: to) == expected)
    }

    @Test func aRuleSetUpgradeIsShownApartAndNeverAsARegression() {
        let upgraded = RulesetReference(id: Fixtures.ruleset.id, version: "2.0", digest: String(repeating: "b", count: 64))
        // Version 2.0 also demands DANE on hosts without TLSA: a stricter rule, not a change in the fleet.
        let strict: (DomainEvidence, String) -> DomainJudgement = { evidence, client in
            var judgement = FixtureRules.judge(evidence, client: client, ruleset: upgraded)
            judgement.results = judgement.results.map { result in
                var result = result
                if result.ruleID == "DANE", result.outcome == .notApplicable { result.outcome = .fail }
                return result
            }
            return judgement
        }
        var noTLSA = Self.base
        noTLSA.name = "plain.example"
        noTLSA.hosts = [Fixtures.host("mx.plain.example", address: "127.60.7.2", key: "key-2")]
        noTLSA.policy?.mx = ["mx.plain.example"]
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base, noTLSA]),
                             Fixtures.storedRun(id: 2, [Self.base, noTLSA], ruleset: upgraded, judge: strict))

        #expect(diff.rulesetChanges == [RulesetChange(id: "test-rules", kind: .upgraded, fromVersion: "1.0", toVersion: "2.0")])
        #expect(diff.fleet.regressed == 0)
        #expect(diff.fleet.afterRulesetChange == 1)
        #expect(diff.resultChanges.count == 1, "\(diff.resultChanges)")
        let change = diff.resultChanges.first
        #expect(change?.cause == .rulesetChange && change?.category == .regressed && change?.key.domain == "plain.example")
        #expect(!RegressionGate.decide(diff).blocks)

        // The same digest under the same version is no change; another digest is an edit.
        let edited = RulesetReference(id: Fixtures.ruleset.id, version: "1.0", digest: "edited")
        #expect(InventoryDiffer.rulesetChanges(from: Fixtures.storedRun(id: 1, [Self.base]).run,
                                               to: Fixtures.storedRun(id: 2, [Self.base], ruleset: edited).run)
            == [RulesetChange(id: "test-rules", kind: .edited, fromVersion: "1.0", toVersion: "1.0")])
    }

    @Test func domainsJoiningOrLeavingTheInventoryAreInventoryChanges() {
        var added = Self.base
        added.name = "new.example"
        added.client = "beta"
        var removed = Self.base
        removed.name = "old.example"
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base, removed]), Fixtures.storedRun(id: 2, [Self.base, added]))

        #expect(Set(diff.inventoryChanges.map { "\($0.kind.rawValue) \($0.subject)" })
            == ["client_added beta", "domain_added new.example", "domain_removed old.example"])
        #expect(diff.fleet.new == 0 && diff.fleet.absent == 0)
        #expect(diff.fleet.afterInventoryChange == 8, "four results of each domain")
        #expect(Set(diff.resultChanges.map(\.category)) == [.new, .absent])
        #expect(diff.resultChanges.allSatisfy { $0.cause == .inventoryChange })
        #expect(diff.evidenceChanges.isEmpty && diff.findings.isEmpty)
        #expect(!RegressionGate.decide(diff).blocks)
    }

    @Test func aCertificateRotatedPastItsTLSARecordIsNamed() throws {
        var rotated = Self.base
        rotated.hosts[0].certificate = Fixtures.certificate(host: "mx1.shop.example", serial: "02", key: "key-2", issuer: "CN=Other CA")
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base]), Fixtures.storedRun(id: 2, [rotated]))

        let finding = try #require(diff.findings.first)
        #expect(diff.findings.count == 1)
        #expect(finding.kind == .tlsaNoLongerMatching && finding.subject == "mx1.shop.example 127.60.7.1" && finding.severity == .problem)
        #expect(finding.message.contains("serial 01 → 02, new key"))
        #expect(Set(diff.evidenceChanges.map(\.kind)) == [.certificateIssuer, .certificateKey])
        #expect(diff.resultChanges.map { "\($0.key.ruleID) \($0.category.rawValue)" } == ["DANE regressed"])
    }

    @Test func aModeDowngradeWithANewIDIsADowngradeOnly() {
        var downgraded = Self.base
        downgraded.stsID = "101"
        downgraded.policy?.mode = .testing
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base]), Fixtures.storedRun(id: 2, [downgraded]))
        #expect(diff.findings.map(\.kind) == [.modeDowngraded])
        #expect(Set(diff.evidenceChanges.map { "\($0.kind.rawValue) \($0.before) → \($0.after)" })
            == ["mta_sts_id 100 → 101", "mta_sts_mode enforce → testing"])
        // An upgrade is no finding.
        #expect(Self.diff(Fixtures.storedRun(id: 1, [downgraded]), Fixtures.storedRun(id: 2, [Self.base])).findings.isEmpty)
    }

    @Test func aPolicyThatDisappearsIsOneModeChange() {
        var withdrawn = Self.base
        withdrawn.stsID = nil
        withdrawn.policy = nil
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base]), Fixtures.storedRun(id: 2, [withdrawn]))
        #expect(diff.evidenceChanges.map { "\($0.kind.rawValue) \($0.before) → \($0.after)" }
            == ["mta_sts_id 100 → —", "mta_sts_mode enforce → no policy (skipped)"])
        #expect(Set(diff.resultChanges.map { "\($0.key.ruleID) \($0.category.rawValue)" }) == ["STS-POLICY regressed"], "pass → not applicable is no change")
    }

    @Test func certificatesAndWaiversNearExpiryAreWarned() throws {
        var expiring = Self.base
        expiring.hosts[0].certificate.notAfter = Fixtures.day0.addingTimeInterval(10 * 86_400 + 3600)
        let waivers = [
            Waiver(rule: "DANE", client: "acme", domains: [], reason: "migration", approvedBy: "ciso@acme.example", expires: CalendarDay("2026-09-30")),
            Waiver(rule: "STS-POLICY", client: "acme", domains: [try DomainName("shop.example")], reason: "vendor", approvedBy: nil,
                   expires: CalendarDay(Fixtures.day0.addingTimeInterval(-2 * 86_400))),
            Waiver(rule: "STARTTLS", client: "acme", domains: [], reason: "far away", approvedBy: nil, expires: CalendarDay("2030-01-01")),
            Waiver(rule: "STARTTLS", client: "acme", domains: [try DomainName("shop.example")], reason: "no expiry", approvedBy: nil, expires: nil),
        ]
        let clients = FixtureRules.clients([expiring], waivers: ["acme": waivers])
        let today = Fixtures.day0 // 2026-09-21
        #expect(CalendarDay(today).description == "2026-09-21")
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base], clients: clients), Fixtures.storedRun(id: 2, [expiring], clients: clients),
                             days: 30, today: today)

        let certificate = try #require(diff.findings.first { $0.kind == .certificateExpiring })
        #expect(certificate.severity == .warning && certificate.subject == "mx1.shop.example")
        #expect(certificate.message.contains("(in 10 days)"))
        #expect(diff.waivers.map { "\($0.waiver.rule) \($0.daysLeft) \($0.expired)" } == ["DANE 9 false", "STS-POLICY -2 true"])
        #expect(diff.fleet.warnings == 1 && diff.fleet.waiversExpiring == 2)
        #expect(!RegressionGate.decide(diff).blocks, "warnings never block")
        // A waiver whose day is today still holds.
        #expect(InventoryDiffer.waiverNotices(clients[0], today: CalendarDay("2026-09-30")!, days: 0).first?.daysLeft == 0)
    }

    @Test func anExpiredWaiverTurningAResultBackToFailBlocksTheGate() {
        let explained: (DomainEvidence, String) -> DomainJudgement = { evidence, client in
            var judgement = FixtureRules.judge(evidence, client: client)
            judgement.results[0].outcome = .explained
            judgement.results[0].waiver = AppliedWaiver(reason: "vendor", approvedBy: nil, expires: CalendarDay("2026-09-20"),
                                                        expired: false, location: nil)
            return judgement
        }
        let lapsed: (DomainEvidence, String) -> DomainJudgement = { evidence, client in
            var judgement = explained(evidence, client)
            judgement.results[0].outcome = .fail
            judgement.results[0].waiver?.expired = true
            return judgement
        }
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base], judge: explained), Fixtures.storedRun(id: 2, [Self.base], judge: lapsed))
        #expect(diff.resultChanges.map { "\($0.key.ruleID) \($0.category.rawValue) \($0.cause.rawValue)" } == ["STS-POLICY regressed audit"])
        #expect(RegressionGate.decide(diff) == RegressionGate.Decision(
            blocks: true, reasons: ["regressed: shop.example test-rules/STS-POLICY (explained → fail)"]))
    }

    @Test func domainsAnIncompleteRunNeverReachedAreNotCompared() {
        var second = Self.base
        second.name = "later.example"
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base, second]),
                             Fixtures.storedRun(id: 2, [Self.base, second], unrecorded: ["later.example"]))
        #expect(diff.notCompared == ["later.example"])
        #expect(diff.clients.isEmpty, "nothing reads as absent")
        #expect(diff.to.status == .incomplete)
    }

    @Test func settingsThatCanExplainResultsAreListed() {
        let diff = Self.diff(Fixtures.storedRun(id: 1, [Self.base], settings: AuditSettings(resolver: "127.60.0.53")),
                             Fixtures.storedRun(id: 2, [Self.base], settings: AuditSettings(resolver: "127.60.0.54", database: "elsewhere.sqlite",
                                                                                          dnssecMode: .resolver)))
        #expect(diff.settingsChanges == [SettingChange(name: "resolver", before: "127.60.0.53", after: "127.60.0.54"),
                                         SettingChange(name: "dnssec", before: "validate", after: "resolver")])
    }
}
