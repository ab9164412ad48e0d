import Foundation
import MXAuditModel
import MXAuditYAML
import Synchronization

/// Loads rule sets from a directory (the shipped `rulesets/` or `--rulesets-dir`) or a file,
/// resolves `extends` and `overrides`, and type-checks every expression, so that a broken rule
/// set fails with file:line:column before any network work.
public struct RuleSetLoader: Sendable {
    public let directory: String
    /// The directory's index, read at the first load: an audit loads several rule sets, and
    /// reading every file's header again for each was most of planning an audit's rule sets.
    private let indexed = IndexedDirectory()

    public init(directory: String) { self.directory = directory }

    /// One rule set by id (from the directory) or by file path (a `.yaml`/`.yml` name or a path with
    /// a `/`); what it extends comes from the directory.
    public func load(idOrPath: String) throws(InputIssues) -> ResolvedRuleSet {
        var resolver = Resolver(index: try index(), directory: directory)
        let path: String
        if idOrPath.hasSuffix(".yaml") || idOrPath.hasSuffix(".yml") || idOrPath.contains("/") {
            path = idOrPath
        } else if let known = resolver.index.paths[idOrPath] {
            path = known
        } else {
            throw InputIssues(resolver.index.issues + [InputIssue(SourceLocation(file: directory, line: 1, column: 1),
                                                                  resolver.unknown(idOrPath, "unknown rule set '\(idOrPath)'"))])
        }
        let resolved = resolver.resolve(path: path)
        guard let resolved, resolver.issues.isEmpty else { throw InputIssues(resolver.sortedIssues) }
        return resolved
    }

    /// Every rule set of the directory, in file-name order; all problems of all files together.
    public func loadAll() throws(InputIssues) -> [ResolvedRuleSet] {
        let index = try index()
        var resolver = Resolver(index: index, directory: directory)
        resolver.issues = index.issues
        let sets = index.files.compactMap { resolver.resolve(path: $0) }
        guard resolver.issues.isEmpty else { throw InputIssues(resolver.sortedIssues) }
        return sets
    }

    /// The directory's files and the id each declares (read from the header only).
    struct Index {
        var files: [String] = []
        var paths: [String: String] = [:]
        var issues: [InputIssue] = []
    }

    private func index() throws(InputIssues) -> Index {
        try indexed.index { () throws(InputIssues) in try readIndex() }
    }

    private func readIndex() throws(InputIssues) -> Index {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw InputIssues([InputIssue(SourceLocation(file: directory, line: 1, column: 1),
                                          "cannot list the rule-set directory: \(error.localizedDescription)")])
        }
        var index = Index()
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            index.files.append(path)
            do {
                let header = try RuleSetCatalogue.readHeader(path: path)
                if let other = index.paths[header.id] {
                    index.issues.append(InputIssue(SourceLocation(file: path, line: 1, column: 1),
                                                   "rule set id '\(header.id)' is also used by \(other)"))
                } else {
                    index.paths[header.id] = path
                }
            } catch {
                index.issues.append(contentsOf: error.issues)
            }
        }
        return index
    }
}

/// A loader's index once read (or why it could not be), shared by the loader's copies.
private final class IndexedDirectory: Sendable {
    private let result = Mutex<Result<RuleSetLoader.Index, InputIssues>?>(nil)

    func index(read: () throws(InputIssues) -> RuleSetLoader.Index) throws(InputIssues) -> RuleSetLoader.Index {
        try result.withLock { cached throws(InputIssues) in
            if cached == nil {
                do throws(InputIssues) { cached = .success(try read()) } catch { cached = .failure(error) }
            }
            return try cached!.get()
        }
    }
}

/// Resolves `extends` chains with cycle detection; each file is read once.
private struct Resolver {
    let index: RuleSetLoader.Index
    let directory: String
    var issues: [InputIssue] = []
    private var sources: [String: RuleSetSource?] = [:]
    private var resolved: [String: ResolvedRuleSet?] = [:]
    private var visiting: [String] = []

    init(index: RuleSetLoader.Index, directory: String) {
        self.index = index
        self.directory = directory
    }

    var sortedIssues: [InputIssue] {
        var seen = Set<InputIssue>()
        return issues.filter { seen.insert($0).inserted }
            .sorted { ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column) }
    }

    /// `lead`, a "did you mean" hint and the known ids.
    func unknown(_ id: String, _ lead: String) -> String {
        unknownWordMessage(lead, id, among: index.paths.keys.sorted(), listedAs: "Known rule sets in \(directory)")
    }

    private mutating func source(_ path: String) -> RuleSetSource? {
        if let cached = sources[path] { return cached }
        var source: RuleSetSource?
        do { source = try RuleSetReader.read(path: path) } catch { issues.append(contentsOf: error.issues) }
        sources[path] = source
        return source
    }

    mutating func resolve(path: String) -> ResolvedRuleSet? {
        if let cached = resolved[path] { return cached }
        guard let source = source(path) else { return nil }
        visiting.append(source.id)
        defer { visiting.removeLast() }
        var rules: [Rule] = []
        if let extends = source.extends {
            guard let inherited = parent(of: source, extends) else {
                resolved[path] = .some(nil)
                return nil
            }
            rules = apply(source.overrides, to: inherited)
        } else if let location = source.overridesLocation, !source.overrides.isEmpty {
            issues.append(InputIssue(location, "'overrides' change rules inherited with 'extends'; this rule set extends none"))
        }
        for rule in source.rules {
            if let inherited = rules.first(where: { $0.id == rule.id }) {
                issues.append(InputIssue(rule.location, "rule id '\(rule.id)' is already defined by rule set '\(inherited.definedIn)' at \(inherited.location); change it with 'overrides' or choose another id"))
                continue
            }
            rules.append(rule)
        }
        let result = ResolvedRuleSet(id: source.id, title: source.title, version: source.version, description: source.description,
                                     extends: source.extends?.id, path: path, rules: rules,
                                     reference: RulesetReference(id: source.id, version: source.version, digest: ""))
        let digested = RuleSetDigest.attach(to: result)
        resolved[path] = .some(digested)
        return digested
    }

    private mutating func parent(of source: RuleSetSource, _ extends: RuleSetSource.Extends) -> [Rule]? {
        if let start = visiting.firstIndex(of: extends.id) {
            let cycle = (visiting[start...] + [extends.id]).joined(separator: " → ")
            issues.append(InputIssue(extends.location, "'extends' makes a cycle: \(cycle); rule set '\(source.id)' cannot extend '\(extends.id)'"))
            return nil
        }
        guard let parentPath = index.paths[extends.id] else {
            issues.append(InputIssue(extends.location, unknown(extends.id, "'extends' names the unknown rule set '\(extends.id)'")))
            return nil
        }
        return resolve(path: parentPath)?.rules
    }

    private mutating func apply(_ overrides: [RuleSetSource.Override], to inherited: [Rule]) -> [Rule] {
        var rules = inherited
        for override in overrides {
            guard let position = rules.firstIndex(where: { $0.id == override.ruleID }) else {
                issues.append(InputIssue(override.location, unknownWordMessage(
                    "override of unknown rule '\(override.ruleID)': the extended rule sets have no such rule", override.ruleID,
                    among: inherited.map(\.id), listedAs: "Inherited rules")))
                continue
            }
            if let level = override.level { rules[position].level = level }
            if let remediation = override.remediation { rules[position].remediation = remediation }
            if let references = override.references { rules[position].references = references }
            if override.disabled { rules.remove(at: position) }
        }
        return rules
    }
}
