import Foundation
import MXAuditModel
import MXAuditYAML

/// The identity of one rule-set file: enough to list it and to check the ids an inventory names.
public struct RuleSetHeader: Sendable, Equatable {
    public var id: String
    public var title: String
    public var version: String
    public var description: String
    public var path: String
}

/// The rule sets mxaudit knows: the shipped `rulesets/` directory plus any files the user names.
public struct RuleSetCatalogue: Sendable {
    public private(set) var headers: [RuleSetHeader]

    public var ids: Set<String> { Set(headers.map(\.id)) }

    public subscript(id: String) -> RuleSetHeader? { headers.first { $0.id == id } }

    /// Reads the header of every `*.yaml` file in `directory`; a file without a valid header is an input error.
    public init(directory: String) throws(InputIssues) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw InputIssues([InputIssue(SourceLocation(file: directory, line: 1, column: 1),
                                          "cannot list the rule-set directory: \(error.localizedDescription)")])
        }
        var headers: [RuleSetHeader] = []
        var issues: [InputIssue] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            do {
                headers.append(try Self.readHeader(path: (directory as NSString).appendingPathComponent(name)))
            } catch {
                issues.append(contentsOf: error.issues)
            }
        }
        var seen: [String: String] = [:]
        for header in headers {
            if let other = seen[header.id] {
                issues.append(InputIssue(SourceLocation(file: header.path, line: 1, column: 1),
                                         "rule set id '\(header.id)' is also used by \(other)"))
            }
            seen[header.id] = header.path
        }
        guard issues.isEmpty else { throw InputIssues(issues) }
        self.headers = headers
    }

    /// Reads `id`, `title`, `version` and `description` of a rule-set file. The rules themselves
    /// are read by the rule-set loader.
    public static func readHeader(path: String) throws(InputIssues) -> RuleSetHeader {
        let (document, root) = try YAMLDocument.load(path: path)
        guard let root, case .mapping = root.node else {
            throw InputIssues([InputIssue(SourceLocation(file: path, line: 1, column: 1),
                                          "a rule set must be a mapping with id, title, version and rules")])
        }
        func value(_ key: String) -> YAMLValue? { root.entry(key) }
        let id = value("id")?.nonEmptyString("a rule-set id")
        let title = value("title")?.nonEmptyString("a title")
        let version = value("version")?.nonEmptyString("a version such as 1.0")
        let description = value("description")?.string() ?? ""
        for key in ["id", "title", "version"] where value(key) == nil {
            root.report("a rule set needs the key '\(key)'")
        }
        if let id, !id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            value("id")?.report("rule-set id '\(id)' must be lower-case letters, digits and hyphens")
        }
        try document.throwIfIssues()
        return RuleSetHeader(id: id!, title: title!, version: version!, description: description, path: path)
    }
}
