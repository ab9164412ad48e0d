import MXAuditModel
@testable import MXAuditReports
import Testing

@Suite struct ResultSummaryTests {
    let r = Rules(client: "c", ruleset: SampleFleet.sts)

    @Test func scoreWeighsLevelsAndLeavesOutNotApplicable() {
        let results = [
            r.stsRecord("c.example", .pass, ""),        // must 3, earned
            r.stsCoverage("c.example", "mx", .fail, ""), // must 3, not earned
            r.stsMode("c.example", .explained, ""),     // should 2, earned
            r.stsTLSRPT("c.example", .indeterminate, ""), // should 2, not earned
            r.stsPolicy("c.example", .notApplicable, ""), // left out
        ]
        #expect(ResultSummary.score(of: results) == 50)  // 5 of 10
        #expect(ResultSummary.score(of: [r.stsPolicy("c.example", .notApplicable, "")]) == nil)
        let summary = ResultSummary(results)
        #expect(summary.counts == OutcomeCounts([.pass, .fail, .explained, .indeterminate, .notApplicable]))
        #expect(summary.failuresByLevel.must == 1)
        #expect(summary.indeterminateByLevel.should == 1)
    }

    @Test func verdictIsTheWorstThatApplies() {
        #expect(ResultSummary([r.stsRecord("d", .pass, ""), r.stsMode("d", .explained, "")]).verdict == .compliant)
        #expect(ResultSummary([r.stsRecord("d", .pass, ""), r.stsMode("d", .fail, "")]).verdict == .findings)
        #expect(ResultSummary([r.stsMode("d", .indeterminate, "")]).verdict == .findings)
        #expect(ResultSummary([r.stsRecord("d", .indeterminate, ""), r.stsMode("d", .fail, "")]).verdict == .indeterminate)
        #expect(ResultSummary([r.stsRecord("d", .indeterminate, ""), r.stsCoverage("d", "mx", .fail, "")]).verdict == .nonCompliant)
    }

    @Test func ruleGroupsMergeSubjectsWithTheWorstOutcome() {
        let groups = RuleGroup.make([
            r.stsWebPKI("d", "mx1 192.0.2.1", .pass, ""),
            r.stsWebPKI("d", "mx2 192.0.2.2", .indeterminate, ""),
            r.stsWebPKI("d", "mx3 192.0.2.3", .explained, ""),
            r.stsRecord("d", .notApplicable, ""),
            r.stsWebPKI("e", "mx1 192.0.2.1", .pass, ""),
        ])
        #expect(groups.map(\.outcome) == [.indeterminate, .notApplicable, .pass])
        #expect(groups[0].deciding.map(\.subject) == ["mx2 192.0.2.2"])
        #expect(groups[0].results.count == 3)
    }

    @Test func sharedCausesGroupByHostAndByProviderWithSeveralHosts() {
        let a = Rules(client: "a", ruleset: SampleFleet.sts), b = Rules(client: "b", ruleset: SampleFleet.sts)
        let causes = SharedCause.find([
            a.stsWebPKI("a1.example", "mx1.provider.example 192.0.2.1", .fail, ""),
            a.stsWebPKI("a2.example", "mx1.provider.example 192.0.2.1", .fail, ""),
            b.stsCoverage("b1.example", "MX2.Provider.Example.", .fail, ""),
            b.stsWebPKI("b2.example", "mx9.other.example 192.0.2.9", .fail, ""),        // one domain only
            b.stsWebPKI("b3.example", "mx1.provider.example 192.0.2.1", .indeterminate, ""), // not a failure
            b.stsRecord("b4.example", .fail, ""),                                         // domain scope
        ])
        #expect(causes.map(\.name) == ["provider.example", "mx1.provider.example"])
        #expect(causes[0].kind == .provider)
        #expect(causes[0].domains == ["a1.example", "a2.example", "b1.example"])
        #expect(causes[0].clients == ["a", "b"])
        #expect(causes[1].rules == ["STS-WEBPKI"])
    }
}
