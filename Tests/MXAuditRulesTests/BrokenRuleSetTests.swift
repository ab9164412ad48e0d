import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

/// A corpus of broken rule sets (Fixtures/rulesets) fails to load with the exact file:line:column
/// of each problem, before any network work.
@Suite("broken rule sets")
struct BrokenRuleSetTests {
    static let directory = Fixtures.path("rulesets")

    /// Each fixture's problems as `line:column: message prefix`.
    static let corpus: [(file: String, problems: [String])] = [
        ("unknown-field.yaml", ["9:20: in 'assert': unknown field 'polcy' in mtaSTS (MTASTSEvidence); did you mean 'policy'? Fields: txt, record"]),
        ("type-error.yaml", ["9:34: in 'assert': '>=' cannot compare optional int (mtaSTS.policy.maxAge) with string (\"one week\")"]),
        ("unknown-function.yaml", ["9:13: in 'assert': unknown function 'lenght'. Functions: present, absent, status"]),
        ("bad-level.yaml", ["7:12: level must be must, should or may, not 'required'",
                            "14:12: scope must be domain, mx_host or mx_address, not 'mx-host'; did you mean 'mx_host'?"]),
        ("duplicate-rule.yaml", ["11:9: rule id 'X-SAME' is used twice; first at \(directory)/duplicate-rule.yaml:5:9"]),
        ("duplicate-inherited.yaml", ["6:5: rule id 'BASE-DNSSEC' is already defined by rule set 'fixture-base' at \(directory)/base.yaml:6:5"]),
        ("unknown-extends.yaml", ["4:10: 'extends' names the unknown rule set 'fixture-bas'; did you mean 'fixture-base'?"]),
        ("unknown-override.yaml", ["6:11: override of unknown rule 'BASE-DNSSC': the extended rule sets have no such rule; did you mean 'BASE-DNSSEC'? Inherited rules: BASE-DNSSEC, BASE-TLSRPT, BASE-STARTTLS"]),
        ("syntax-styles.yaml", [
            "9:40: in 'assert': expected an expression after 'and', found 'and'",   // plain scalar
            "15:34: in 'assert': expected an expression after 'or'",              // single-quoted: the end, at the closing quote
            "21:37: in 'assert': expected an expression after 'or', found ')'",   // double-quoted, after \" escapes
            "30:30: in 'assert': unexpected character '='; compare with '=='",    // literal block, third line
            "39:24: in 'assert': unexpected character '!'",                        // folded block, third line
            "46:51: in 'message': unknown field 'mood' in mtaSTS.policy (MTASTSPolicy); did you mean 'mode'?",
        ]),
        ("yaml-syntax.yaml", ["7:10: YAML syntax error: did not find expected ',' or ']'"]),
        ("missing-keys.yaml", ["5:5: 'rules[0]' needs the key 'assert'", "5:5: 'rules[0]' needs the key 'message'",
                               "5:9: rule id 'x-lower' must start with a letter and hold only upper-case letters",
                               "9:5: unknown key 'asserts' in 'rules[0]'; did you mean 'assert'?"]),
    ]

    @Test("each broken rule set names its problems", arguments: corpus.map(\.file))
    func brokenRuleSet(file: String) throws {
        let expected = try #require(Self.corpus.first { $0.file == file }).problems
        let path = "\(Self.directory)/\(file)"
        let issues: [InputIssue]
        do {
            _ = try RuleSetLoader(directory: Self.directory).load(idOrPath: path)
            Issue.record("\(file) loaded without problems")
            return
        } catch {
            issues = error.issues
        }
        #expect(issues.count == expected.count, "\(issues.map(\.description).joined(separator: "\n"))")
        for (issue, expectation) in zip(issues, expected) {
            #expect(issue.location.file == path)
            #expect("\(issue.location.line):\(issue.location.column): \(issue.message)".hasPrefix(expectation), "\(issue)")
        }
    }

    @Test func anExtendsCycleIsNamedWithItsPath() throws {
        let path = "\(Self.directory)/cycle-a.yaml"
        #expect {
            try RuleSetLoader(directory: Self.directory).load(idOrPath: path)
        } throws: { error in
            guard let issues = (error as? InputIssues)?.issues, issues.count == 1 else { return false }
            return issues[0].description == "\(Self.directory)/cycle-b.yaml:4:10: error: 'extends' makes a cycle: fixture-cycle-a → fixture-cycle-b → fixture-cycle-a; rule set 'fixture-cycle-b' cannot extend 'fixture-cycle-a'"
        }
    }

    @Test func loadingADirectoryReportsEveryBrokenFileTogether() throws {
        do {
            _ = try RuleSetLoader(directory: Self.directory).loadAll()
            Issue.record("the fixture directory loaded without problems")
        } catch {
            let files = Set(error.issues.map { ($0.location.file as NSString).lastPathComponent })
            // The cycle is reported once, at the 'extends' that closes it.
            #expect(files == Set(Self.corpus.map(\.file) + ["cycle-b.yaml"]))
            #expect(!files.contains("base.yaml") && !files.contains("child.yaml"))
        }
    }

    @Test func anUnknownRuleSetIdIsNamedWithAHint() throws {
        do {
            _ = try RuleSetLoader(directory: Shipped.directory).load(idOrPath: "bsi-tr-03180")
            Issue.record("an unknown id loaded")
        } catch {
            #expect(error.issues.map(\.message) == ["unknown rule set 'bsi-tr-03180'; did you mean 'bsi-tr-03108'? Known rule sets in \(Shipped.directory): bsi-tr-03108, mta-sts-baseline, nl-comply-or-explain"])
        }
    }
}
