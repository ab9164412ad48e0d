import Foundation
import MXAuditModel
import Yams

/// One node of a YAML input with its place in the file. Accessors report a clear problem to the
/// document and return nil when the node is not what the schema expects.
public struct YAMLValue {
    public let node: Node
    public let document: YAMLDocument
    /// A readable path for messages, e.g. `clients[2].domains[0]`.
    public let path: String

    public var location: SourceLocation { document.location(node.mark) }

    public func report(_ message: String) { document.report(location, message) }

    private var what: String { path.isEmpty ? "the document" : "'\(path)'" }

    private var kindName: String {
        switch node {
        case .scalar: return "a single value"
        case .mapping: return "a mapping (key: value lines)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A scalar as text; a mapping or list where text belongs is reported.
    public func string(_ expectation: String = "a text value") -> String? {
        guard case .scalar(let scalar) = node else {
            report("\(what) must be \(expectation), not \(kindName)")
            return nil
        }
        return scalar.string
    }

    /// A non-empty scalar.
    public func nonEmptyString(_ expectation: String = "a text value") -> String? {
        guard let text = string(expectation) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report("\(what) must not be empty")
            return nil
        }
        return text
    }

    public func int(_ expectation: String = "a whole number") -> Int? {
        guard let text = string(expectation) else { return nil }
        guard let value = Int(text) else {
            report("\(what) must be \(expectation), not '\(text)'")
            return nil
        }
        return value
    }

    public func bool() -> Bool? {
        guard let text = string("true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report("\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    /// One entry of a mapping without checking the other keys (for reading a file's header
    /// before its full schema is known); nil when this is no mapping or the key is absent.
    public func entry(_ key: String) -> YAMLValue? {
        guard case .mapping(let mapping) = node, let pair = mapping.first(where: { $0.key.string == key }) else { return nil }
        return YAMLValue(node: pair.value, document: document, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// A list's items; a single scalar is not silently taken as a one-item list.
    public func sequence() -> [YAMLValue]? {
        guard case .sequence(let sequence) = node else {
            report("\(what) must be a list (e.g. [a, b] or '- a' lines), not \(kindName)")
            return nil
        }
        return sequence.enumerated().map { index, item in
            YAMLValue(node: item, document: document, path: "\(path)[\(index)]")
        }
    }

    /// A list of text values.
    public func stringList() -> [String]? {
        guard let items = sequence() else { return nil }
        let strings = items.compactMap { $0.nonEmptyString() }
        return strings.count == items.count ? strings : nil
    }

    /// A mapping's entries, checked against the keys the schema knows; unknown keys are reported
    /// with the closest known key, and required keys that are missing are reported at the mapping.
    public func mapping(allowed: [String], required: [String] = []) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            report("\(what) must be a mapping (key: value lines), not \(kindName)")
            return nil
        }
        var entries: [String: YAMLValue] = [:]
        var keyLocations: [String: SourceLocation] = [:]
        for (keyNode, valueNode) in mapping {
            let keyLocation = document.location(keyNode.mark)
            guard case .scalar(let keyScalar) = keyNode else {
                document.report(keyLocation, "keys in \(what) must be plain words")
                continue
            }
            let key = keyScalar.string
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)' in \(what)"
                if let suggestion = closest(to: key, among: allowed) { message += "; did you mean '\(suggestion)'?" }
                message += " Allowed keys: \(allowed.joined(separator: ", "))"
                document.report(keyLocation, message)
                continue
            }
            entries[key] = YAMLValue(node: valueNode, document: document, path: childPath)
            keyLocations[key] = keyLocation
        }
        for key in required where entries[key] == nil {
            report("\(what) needs the key '\(key)'")
        }
        return YAMLMapping(entries: entries, keyLocations: keyLocations, owner: self)
    }
}

/// The checked entries of a YAML mapping.
public struct YAMLMapping {
    public let entries: [String: YAMLValue]
    public let keyLocations: [String: SourceLocation]
    public let owner: YAMLValue

    public subscript(key: String) -> YAMLValue? { entries[key] }
}

/// The allowed word nearest to a misspelt one (edit distance at most 2), for "did you mean" hints.
public func closest(to word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let lowered = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(lowered, Array($0.lowercased()))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
    return best.0
}
