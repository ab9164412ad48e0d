import MXAuditModel
@testable import MXAuditReports
import Testing

@Suite struct ReportGateTests {
    /// One client: a failing should rule, an indeterminate must rule, an explained must rule.
    static func input(extra: [RuleResult] = []) -> ReportInput {
        let r = Rules(client: "c", ruleset: SampleFleet.sts)
        let results = [
            r.stsMode("c.example", .fail, "mode testing"),
            r.stsWebPKI("c.example", "mx.c.example 192.0.2.1", .indeterminate, "timeout"),
            r.stsRecord("c.example", .explained, "waived"),
            r.stsPolicy("c.example", .pass, "ok"),
        ] + extra
        var input = SampleFleet.input()
        input.judgements = [DomainJudgement(domain: "c.example", clientID: "c", results: results, advice: nil)]
        return input
    }

    @Test(arguments: [
        // failOn, allowIndeterminate, regressions, expected exit code
        (Set<GateLevel>([.must]), false, 0, Int32(1)),   // the indeterminate must result fails the gate
        (Set<GateLevel>([.must]), true, 0, Int32(0)),    // … unless allowed; the should failure is not gated
        (Set<GateLevel>([.should]), true, 0, Int32(1)),  // should gates the failing should rule
        (Set<GateLevel>([.regressed]), false, 0, Int32(0)),
        (Set<GateLevel>([.regressed]), false, 2, Int32(1)),
        (Set<GateLevel>([.must, .regressed]), true, 1, Int32(1)),
        (Set<GateLevel>(), false, 5, Int32(0)),         // no gate: the exit code ignores findings
    ])
    func decides(failOn: Set<GateLevel>, allowIndeterminate: Bool, regressions: Int, exitCode: Int32) {
        let decision = ReportGate(failOn: failOn, allowIndeterminate: allowIndeterminate).decide(Self.input(), regressions: regressions)
        #expect(decision.exitCode == exitCode)
        #expect(decision.passed == (exitCode == 0))
        #expect(decision.reasons.isEmpty == decision.passed)
    }

    @Test func explainedResultsNeverFailTheGateAndFailuresAreListed() {
        let gate = ReportGate(failOn: [.must, .should], allowIndeterminate: true)
        let decision = gate.decide(Self.input(), regressions: 0)
        #expect(decision.gatedResults.map(\.ruleID) == ["STS-MODE"])
        #expect(decision.reasons == ["1 must or should result fails"])

        let mustOnly = ReportGate(failOn: [.must], allowIndeterminate: false).decide(Self.input(), regressions: 0)
        #expect(mustOnly.gatedResults.map(\.ruleID) == ["STS-WEBPKI"])
        #expect(mustOnly.reasons == ["1 must result is indeterminate (--allow-indeterminate accepts them)"])
    }

    @Test func aFailingMustRuleFailsTheMustGate() {
        let r = Rules(client: "c", ruleset: SampleFleet.sts)
        let input = Self.input(extra: [r.stsCoverage("c.example", "mx.c.example", .fail, "not covered")])
        let decision = ReportGate(failOn: [.must], allowIndeterminate: true).decide(input, regressions: 0)
        #expect(decision.exitCode == 1)
        #expect(decision.gatedResults.map(\.ruleID) == ["STS-COVERAGE"])
    }
}
