import Foundation
import MXAuditModel

/// Judges evidence with rule sets. It reads only `DomainEvidence` (through its JSON form), so a
/// stored run can be judged again with other rule sets without the network.
public struct RuleEngine: Sendable {
    public let rulesets: [ResolvedRuleSet]

    public init(rulesets: [ResolvedRuleSet]) { self.rulesets = rulesets }

    /// Runs the client's rule sets (`client.rulesets`, in that order) over one domain's evidence.
    /// - Parameters:
    ///   - waivers: waivers that may apply, e.g. those of a `--waivers` file; the client's own
    ///     inventory waivers are always used too (a waiver given twice counts once).
    ///   - today: the day waiver expiries are judged against.
    ///   - document: the evidence's JSON form when the caller built it already (to store it too).
    public func judge(_ evidence: DomainEvidence, client: Client, waivers: [Waiver], today: CalendarDay,
                      document built: EvidenceDocument? = nil) -> DomainJudgement {
        var allWaivers: [Waiver] = []
        for waiver in client.waivers + waivers where !allWaivers.contains(waiver) { allWaivers.append(waiver) }
        let document = (built ?? EvidenceDocument(evidence)).root
        var results: [RuleResult] = []
        for id in client.rulesets {
            guard let ruleset = rulesets.first(where: { $0.id == id }) else { continue }
            for var result in Self.results(ruleset, evidence: evidence, document: document, clientID: client.id) {
                WaiverMatcher.apply(allWaivers, to: &result, today: today)
                results.append(result)
            }
        }
        return DomainJudgement(domain: evidence.domain.ascii, clientID: client.id, results: results,
                               advice: DeploymentAdvisor.advice(for: evidence))
    }

    /// The client's rule sets this engine was not given (their rules would be silently missing).
    public func missingRulesets(for client: Client) -> [String] {
        client.rulesets.filter { id in !rulesets.contains { $0.id == id } }
    }

    static func results(_ ruleset: ResolvedRuleSet, evidence: DomainEvidence, document: Result<Value, Failure>,
                        clientID: String) -> [RuleResult] {
        let context = EvaluationContext(now: evidence.collectedAt)
        return ruleset.rules.flatMap { rule -> [RuleResult] in
            let subjects: [Subject]
            switch document {
            case .success(let root):
                subjects = Subjects.of(rule.scope, evidence: evidence, document: root)
            case .failure(let failure):
                subjects = [Subject(name: evidence.domain.ascii, content: .decided(.indeterminate, failure.description))]
            }
            return subjects.map { subject in
                let (outcome, message): (Outcome, String)
                switch subject.content {
                case .evaluate(let root): (outcome, message) = RuleEvaluation.judge(rule, root: root, context: context)
                case .decided(let decided, let reason): (outcome, message) = (decided, reason)
                }
                return RuleResult(domain: evidence.domain.ascii, clientID: clientID, rulesetID: ruleset.id,
                                  rulesetVersion: ruleset.version, ruleID: rule.id, ruleTitle: rule.title, level: rule.level,
                                  scope: rule.scope, subject: subject.name, outcome: outcome, message: message,
                                  remediation: rule.remediation, references: rule.references)
            }
        }
    }

    /// The evidence in the JSON form rules read (`DomainEvidence.makeEncoder()`), built directly.
    static func document(_ evidence: DomainEvidence) -> Result<Value, Failure> {
        do {
            return .success(try ValueEncoder.encode(evidence))
        } catch {
            return .failure(Failure(.local, "the evidence could not be read as JSON: \(error)"))
        }
    }
}
