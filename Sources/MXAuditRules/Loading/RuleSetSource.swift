import MXAuditModel
import MXAuditYAML

/// One rule-set file as written, its expressions already type-checked: the input of resolution.
struct RuleSetSource {
    struct Extends {
        var id: String
        var location: SourceLocation
    }

    /// A change to an inherited rule (`overrides:` in a set that `extends` another).
    struct Override {
        var ruleID: String
        var location: SourceLocation
        var level: RuleLevel?
        var disabled: Bool
        var remediation: String?
        var references: [String]?
    }

    var path: String
    var id: String
    var title: String
    var version: String
    var description: String
    var extends: Extends?
    var overrides: [Override]
    var overridesLocation: SourceLocation?
    var rules: [Rule]
}

/// Reads one rule-set file: its header, `extends`, `overrides` and rules, reporting every
/// problem (with expressions' problems at the line and column of the offending token).
enum RuleSetReader {
    static let topKeys = ["id", "title", "version", "description", "extends", "overrides", "rules"]
    static let ruleKeys = ["id", "title", "level", "scope", "applies_if", "indeterminate_if", "assert", "message",
                           "pass_message", "remediation", "references"]
    static let overrideKeys = ["rule", "level", "disabled", "remediation", "references"]

    static func read(path: String) throws(InputIssues) -> RuleSetSource {
        let text = try readText(path: path)
        let (document, parsed) = try YAMLDocument.parse(text, file: path)
        guard let root = parsed else {
            throw InputIssues([InputIssue(SourceLocation(file: path, line: 1, column: 1),
                                          "the rule set is empty; it needs id, title, version and rules")])
        }
        var reader = Reader(document: document, map: ScalarSourceMap(text: text))
        let source = reader.ruleSet(root, path: path)
        try document.throwIfIssues()
        return source!
    }

    private struct Reader {
        let document: YAMLDocument
        let map: ScalarSourceMap
        var seenRules: [String: SourceLocation] = [:]

        mutating func ruleSet(_ root: YAMLValue, path: String) -> RuleSetSource? {
            guard let top = root.mapping(allowed: RuleSetReader.topKeys, required: ["id", "title", "version", "rules"]) else { return nil }
            let id = top["id"]?.nonEmptyString("a rule-set id")
            if let id, let node = top["id"], !id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                node.report("rule-set id '\(id)' must be lower-case letters, digits and hyphens")
            }
            let title = top["title"]?.nonEmptyString("a title")
            let version = top["version"]?.nonEmptyString("a version such as 1.0")
            let description = top["description"]?.string() ?? ""
            var extends: RuleSetSource.Extends?
            if let node = top["extends"], let parent = node.nonEmptyString("the id of another rule set") {
                extends = .init(id: parent, location: node.location)
            }
            let overrides = top["overrides"].map { self.overrides($0) } ?? []
            var rules: [Rule] = []
            if let node = top["rules"], let items = node.sequence() {
                if items.isEmpty, extends == nil { node.report("'rules' is empty; a rule set that extends no other needs at least one rule") }
                for item in items {
                    if let rule = rule(item, ruleSet: id ?? "?") { rules.append(rule) }
                }
            }
            guard let id, let title, let version else { return nil }
            return RuleSetSource(path: path, id: id, title: title, version: version, description: description,
                                 extends: extends, overrides: overrides, overridesLocation: top.keyLocations["overrides"], rules: rules)
        }

        /// `overrides:` is a list of `{rule: ID, level|disabled|remediation|references}`.
        func overrides(_ node: YAMLValue) -> [RuleSetSource.Override] {
            guard let items = node.sequence() else { return [] }
            var result: [RuleSetSource.Override] = []
            for item in items {
                guard let mapping = item.mapping(allowed: RuleSetReader.overrideKeys, required: ["rule"]),
                      let ruleNode = mapping["rule"], let ruleID = ruleNode.nonEmptyString("the id of an inherited rule") else { continue }
                var override = RuleSetSource.Override(ruleID: ruleID, location: ruleNode.location, level: nil, disabled: false,
                                                      remediation: nil, references: nil)
                if let levelNode = mapping["level"] { override.level = level(levelNode) }
                override.disabled = mapping["disabled"]?.bool() ?? false
                override.remediation = mapping["remediation"]?.nonEmptyString("remediation text")
                override.references = mapping["references"]?.stringList()
                if override.level == nil, !override.disabled, override.remediation == nil, override.references == nil {
                    item.report("this override changes nothing; give level, disabled, remediation or references")
                }
                result.append(override)
            }
            return result
        }

        mutating func rule(_ item: YAMLValue, ruleSet: String) -> Rule? {
            guard let fields = item.mapping(allowed: RuleSetReader.ruleKeys,
                                            required: ["id", "title", "level", "scope", "assert", "message"]) else { return nil }
            let id = fields["id"]?.nonEmptyString("a rule id such as BSI-DANE-TLSA")
            if let id, let node = fields["id"] {
                if !id.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-") }) || !(id.first?.isLetter ?? false) {
                    node.report("rule id '\(id)' must start with a letter and hold only upper-case letters, digits and hyphens, e.g. BSI-DANE-TLSA")
                }
                if let first = seenRules[id] {
                    node.report("rule id '\(id)' is used twice; first at \(first)")
                } else {
                    seenRules[id] = node.location
                }
            }
            let title = fields["title"]?.nonEmptyString("a title")
            let level = fields["level"].flatMap { self.level($0) }
            let scope = fields["scope"].flatMap { self.scope($0) }
            let remediation = fields["remediation"]?.nonEmptyString("remediation text")
            let references = fields["references"]?.stringList() ?? []
            // Expressions are checked against the scope's schema; without a valid scope they cannot be.
            guard let scope else { return nil }
            let appliesIf = fields["applies_if"].flatMap { condition($0, "applies_if", scope) }
            let indeterminateIf = fields["indeterminate_if"].flatMap { condition($0, "indeterminate_if", scope) }
            let assertion = fields["assert"].flatMap { condition($0, "assert", scope) }
            let message = fields["message"].flatMap { template($0, "message", scope) }
            let passMessage = fields["pass_message"].flatMap { template($0, "pass_message", scope) }
            guard let id, let title, let level, let assertion, let message else { return nil }
            return Rule(id: id, title: title, level: level, scope: scope, appliesIf: appliesIf, indeterminateIf: indeterminateIf,
                        assertion: assertion, message: message, passMessage: passMessage, remediation: remediation,
                        references: references, location: item.location, definedIn: ruleSet)
        }

        func level(_ node: YAMLValue) -> RuleLevel? {
            guard let text = node.string("must, should or may") else { return nil }
            guard let level = RuleLevel(rawValue: text) else {
                node.report("level must be must, should or may, not '\(text)'")
                return nil
            }
            return level
        }

        func scope(_ node: YAMLValue) -> RuleScope? {
            guard let text = node.string("domain, mx_host or mx_address") else { return nil }
            guard let scope = RuleScope(rawValue: text) else {
                var message = "scope must be domain, mx_host or mx_address, not '\(text)'"
                if let suggestion = closest(to: text, among: RuleScope.allCases.map(\.rawValue)) { message += "; did you mean '\(suggestion)'?" }
                node.report(message)
                return nil
            }
            return scope
        }

        func condition(_ node: YAMLValue, _ key: String, _ scope: RuleScope) -> RuleExpression? {
            guard let text = node.nonEmptyString("an expression") else { return nil }
            do { return try RuleExpression(text, scope: scope) } catch {
                report(error, in: node, text: text, key: key)
                return nil
            }
        }

        func template(_ node: YAMLValue, _ key: String, _ scope: RuleScope) -> MessageTemplate? {
            guard let text = node.nonEmptyString("a message") else { return nil }
            do { return try MessageTemplate(text, scope: scope) } catch {
                report(error, in: node, text: text, key: key)
                return nil
            }
        }

        func report(_ error: ExpressionError, in node: YAMLValue, text: String, key: String) {
            document.report(map.location(of: error.offset, in: text, startingAt: node.location), "in '\(key)': \(error.message)")
        }
    }
}
