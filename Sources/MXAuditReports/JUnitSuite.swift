import Foundation
import MXAuditModel

/// One client's `<testsuite>`: properties, one testcase per (domain, rule), and the summary as
/// `<system-out>`. Every text and attribute value passes through `ReportText` (escaping markup
/// alone would leave control characters, which XML 1.0 forbids).
struct JUnitSuite {
    var input: ReportInput
    var client: Client
    /// The client's evidence by A-label (`ReportInput.evidence(ofClient:)`).
    var evidence: [String: DomainEvidence]
    var hostname: String

    static let messageLimit = 500
    static let detailLimit = 8000

    func element() -> XMLOutputElement {
        let results = input.results(ofClient: client.id)
        let groups = RuleGroup.make(results)
        let summary = ResultSummary(results)
        let rulesets = RulesetSummary.make(rulesets: client.rulesets, results: results, references: input.run.rulesets)

        let suite = XMLOutputElement(name: "testsuite")
        var counts = (failures: 0, errors: 0, skipped: 0)
        for group in groups {
            switch group.outcome {
            case .fail: counts.failures += 1
            case .indeterminate: counts.errors += 1
            case .explained, .notApplicable: counts.skipped += 1
            case .pass: break
            }
        }
        for (name, value) in [("name", client.id), ("timestamp", ReportDates.timestamp(input.run.startedAt)),
                              ("hostname", ReportText.line(hostname)), ("tests", String(groups.count)),
                              ("failures", String(counts.failures)), ("errors", String(counts.errors)),
                              ("skipped", String(counts.skipped)), ("time", seconds(collectionTime()))] {
            suite.addAttribute(name, value)
        }

        let properties = XMLOutputElement(name: "properties")
        var pairs = [("mxaudit.run_id", String(input.run.id)), ("mxaudit.version", input.run.mxauditVersion),
                     ("mxaudit.client_name", ReportText.line(client.name)), ("mxaudit.verdict", summary.verdict.rawValue),
                     ("mxaudit.score", summary.score.map(String.init) ?? "none")]
        for ruleset in rulesets {
            pairs.append(("ruleset.\(ruleset.id)", ruleset.version))
            pairs.append(("ruleset.\(ruleset.id).verdict", ruleset.summary.verdict.rawValue))
        }
        for (name, value) in pairs {
            let property = XMLOutputElement(name: "property")
            property.addAttribute("name", name)
            property.addAttribute("value", value)
            properties.addChild(property)
        }
        suite.addChild(properties)

        for group in groups { suite.addChild(testcase(group)) }
        suite.addChild(XMLOutputElement(name: "system-out", text: ReportText.text(systemOut(summary, rulesets), limit: Self.detailLimit)))
        suite.addChild(XMLOutputElement(name: "system-err", text: ""))
        return suite
    }

    /// `classname` = client + "." + the domain with dots as underscores: Jenkins splits at the last
    /// dot into package (the client) and class (the domain). The name carries no values, so it
    /// stays the same from run to run and CI systems can track it.
    private func testcase(_ group: RuleGroup) -> XMLOutputElement {
        let testcase = XMLOutputElement(name: "testcase")
        testcase.addAttribute("name", ReportText.line("\(group.ruleID) \(group.ruleTitle)"))
        testcase.addAttribute("classname", client.id + "." + group.domain.replacingOccurrences(of: ".", with: "_"))
        testcase.addAttribute("time", "0")
        let outcomeElement: XMLOutputElement?
        switch group.outcome {
        case .fail:
            outcomeElement = XMLOutputElement(name: "failure", text: ReportText.text(details(group), limit: Self.detailLimit))
            outcomeElement?.addAttribute("type", group.level.rawValue)
        case .indeterminate:
            outcomeElement = XMLOutputElement(name: "error", text: ReportText.text(details(group), limit: Self.detailLimit))
            outcomeElement?.addAttribute("type", "indeterminate")
        case .explained, .notApplicable:
            outcomeElement = XMLOutputElement(name: "skipped")
        case .pass:
            outcomeElement = nil
        }
        if let outcomeElement {
            outcomeElement.addAttribute("message", ReportText.line(message(group), limit: Self.messageLimit))
            testcase.addChild(outcomeElement)
        }
        return testcase
    }

    /// One line: the deciding subjects (when the rule was judged over hosts or addresses) and the first reason.
    private func message(_ group: RuleGroup) -> String {
        let deciding = group.deciding
        var text = group.outcome == .explained ? "explained: " : group.outcome == .notApplicable ? "not applicable: " : ""
        if deciding.count > 1 || deciding[0].subject != group.domain {
            text += deciding.map(\.subject).joined(separator: ", ") + ": "
        }
        text += deciding[0].message
        if group.outcome == .explained, let waiver = deciding[0].waiver {
            text += " (waiver: \(waiver.reason)" + (waiver.expires.map { ", expires \($0)" } ?? "") + ")"
        }
        return text
    }

    /// Every subject's result with its evidence, remediation, references and waiver.
    private func details(_ group: RuleGroup) -> String {
        var lines = ["\(group.ruleID) (\(group.level.rawValue)) \(group.ruleTitle)"]
        for result in group.results.sorted(by: { $0.outcome.severity > $1.outcome.severity }) {
            lines.append("")
            lines.append("[\(result.outcome.rawValue)] \(result.subject) — rule set \(result.rulesetID) \(result.rulesetVersion)")
            lines.append(result.message)
            if let remediation = result.remediation, result.outcome != .pass { lines.append("Remediation: \(remediation)") }
            if !result.references.isEmpty { lines.append("References: " + result.references.joined(separator: "; ")) }
            if let waiver = result.waiver {
                lines.append(waiver.sentence)
            }
        }
        return lines.joined(separator: "\n")
    }

    private func systemOut(_ summary: ResultSummary, _ rulesets: [RulesetSummary]) -> String {
        var lines = ["\(client.name) (\(client.id)): \(summary.verdict.title), score \(summary.score.map(String.init) ?? "none")",
                     "pass \(summary.counts.pass), fail \(summary.counts.fail), explained \(summary.counts.explained), "
                        + "indeterminate \(summary.counts.indeterminate), not applicable \(summary.counts.notApplicable)"]
        for ruleset in rulesets {
            lines.append("rule set \(ruleset.id) \(ruleset.version): \(ruleset.summary.verdict.title)")
        }
        for judgement in input.judgements(ofClient: client) {
            if let advice = judgement.advice { lines.append("\(judgement.domain): \(advice.title) — \(advice.advice)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The client's evidence collection time: the sum of its domains' collection durations.
    private func collectionTime() -> Double {
        client.domains.compactMap { evidence[$0.name.ascii] }
            .reduce(0) { $0 + max(0, $1.finishedAt.timeIntervalSince($1.collectedAt)) }
    }

    private func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}
