import Foundation
import MXAuditDigest
import MXAuditModel

/// The SHA-256 of a resolved rule set: every field that changes a judgement or its text, in a
/// canonical JSON form, so an edit without a version bump still shows in a run's history.
enum RuleSetDigest {
    private struct Form: Encodable {
        var id, title, version, description: String
        var rules: [RuleForm]
    }

    private struct RuleForm: Encodable {
        var id, title, level, scope: String
        var appliesIf, indeterminateIf: String?
        var assertion, message: String
        var passMessage, remediation: String?
        var references: [String]
    }

    static func attach(to ruleSet: ResolvedRuleSet) -> ResolvedRuleSet {
        let form = Form(id: ruleSet.id, title: ruleSet.title, version: ruleSet.version, description: ruleSet.description,
                        rules: ruleSet.rules.map { rule in
                            RuleForm(id: rule.id, title: rule.title, level: rule.level.rawValue, scope: rule.scope.rawValue,
                                     appliesIf: rule.appliesIf?.source, indeterminateIf: rule.indeterminateIf?.source,
                                     assertion: rule.assertion.source, message: rule.message.source,
                                     passMessage: rule.passMessage?.source, remediation: rule.remediation, references: rule.references)
                        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and arrays cannot fail.
        let data = (try? encoder.encode(form)) ?? Data()
        var digested = ruleSet
        digested.reference.digest = Digest.hex([UInt8](data))
        return digested
    }
}
