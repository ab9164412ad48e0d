import Foundation
import MXAuditModel
import Yams

/// Reads a YAML input file (inventory, rule set, waivers, config) into nodes that know where they
/// stand, and collects every problem with its file:line:column so that one run reports them all.
public final class YAMLDocument {
    public let file: String
    public private(set) var issues: [InputIssue] = []

    private init(file: String) { self.file = file }

    /// Parses `text`; a syntax error is thrown at once, with its position.
    public static func parse(_ text: String, file: String) throws(InputIssues) -> (YAMLDocument, YAMLValue?) {
        let document = YAMLDocument(file: file)
        do {
            guard let root = try Yams.compose(yaml: text) else { return (document, nil) }
            return (document, YAMLValue(node: root, document: document, path: ""))
        } catch let error as YamlError {
            throw InputIssues([document.issue(for: error, text: text)])
        } catch {
            throw InputIssues([InputIssue(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")])
        }
    }

    /// Reads a file as UTF-8 and parses it; unreadable files and invalid UTF-8 are input errors too.
    public static func load(path: String) throws(InputIssues) -> (YAMLDocument, YAMLValue?) {
        try parse(try readText(path: path), file: path)
    }

    public func report(_ location: SourceLocation, _ message: String) {
        issues.append(InputIssue(location, message))
    }

    /// Throws every collected issue, in file order.
    public func throwIfIssues() throws(InputIssues) {
        guard !issues.isEmpty else { return }
        throw InputIssues(issues.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
    }

    private func issue(for error: YamlError, text: String) -> InputIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return InputIssue(location(mark), "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return InputIssue(location(context.mark),
                              "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in this mapping; each key may appear once")
        case .reader(let problem, let offset, _, _):
            let (line, column) = Self.lineAndColumn(of: offset ?? 0, in: text)
            return InputIssue(SourceLocation(file: file, line: line, column: column), "cannot read the file: \(problem)")
        default:
            return InputIssue(SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")
        }
    }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func lineAndColumn(of characterOffset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1
        for character in text.prefix(characterOffset) {
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

/// Reads a whole file as UTF-8, naming the file and the first invalid byte on failure.
public func readText(path: String) throws(InputIssues) -> String {
    let start = SourceLocation(file: path, line: 1, column: 1)
    guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
        throw InputIssues([InputIssue(start, "the file \(reason)")])
    }
    guard let text = String(data: data, encoding: .utf8) else {
        var line = 1
        var lineStart = 0
        var offset = 0
        // Find the first invalid byte to point at it.
        let bytes = [UInt8](data)
        var index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            if length == 0 { break }
            if bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
            index += length
        }
        offset = index - lineStart + 1
        throw InputIssues([InputIssue(SourceLocation(file: path, line: line, column: offset), "the file is not valid UTF-8")])
    }
    return text
}

/// Length of the valid UTF-8 sequence at `index`, or 0 when the bytes there are invalid.
private func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: length = 2
    case 0xE0...0xEF: length = 3
    case 0xF0...0xF4: length = 4
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
    return length
}
