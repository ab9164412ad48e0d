/// A `tag=value; tag=value` list as the TXT records of RFC 8461 §3.1, RFC 8460 §3,
/// RFC 7489 §6.4 and RFC 6376 §3.2 write it. Names and values are kept both trimmed and as
/// written, so that a strict grammar can reject the whitespace a tolerant one accepts.
struct TagList {
    struct Tag {
        /// The name with surrounding whitespace removed.
        let name: String
        /// The value with surrounding whitespace removed.
        let value: String
        /// Whether whitespace surrounded the `=` (RFC 8460/8461 allow none there; RFC 6376/7489 do).
        let spacedEquals: Bool
        /// 1-based position in the list.
        let position: Int
    }

    /// At most this many fields are read; real records have a handful.
    static let maximumFields = 128

    private(set) var tags: [Tag] = []
    /// Fields that are not `name=value`: an empty field between two `;`, or one without `=`.
    private(set) var malformed: [String] = []
    /// True when the list had more fields than `maximumFields`.
    private(set) var overflow = false

    /// - Parameter foldingLineBreaks: count CR and LF as whitespace around fields and `=` too,
    ///   as DKIM's folding whitespace does (RFC 6376 §3.2).
    init(_ text: String, foldingLineBreaks: Bool = false) {
        let isSpace: (Character) -> Bool = { character in
            Grammar.isWSP(character) || (foldingLineBreaks && (character == "\r" || character == "\n" || character == "\r\n"))
        }
        let fields = text.split(separator: ";", omittingEmptySubsequences: false)
        for (index, field) in fields.enumerated() {
            guard index < Self.maximumFields else {
                overflow = true
                break
            }
            let trimmed = Self.trim(field, isSpace)
            if trimmed.isEmpty {
                // One trailing `;` (optionally followed by whitespace) ends the list; others are empty fields.
                if index == fields.count - 1 { break }
                malformed.append(String(field))
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                malformed.append(String(trimmed))
                continue
            }
            let rawName = trimmed[..<equals]
            let rawValue = trimmed[trimmed.index(after: equals)...]
            let name = Self.trim(rawName, isSpace)
            let value = Self.trim(rawValue, isSpace)
            tags.append(Tag(name: name, value: value,
                            spacedEquals: name.count != rawName.count || value.count != rawValue.count,
                            position: index + 1))
        }
    }

    /// The first tag with this name (names compared as written).
    func first(_ name: String) -> Tag? { tags.first { $0.name == name } }

    /// Tags whose name (compared case-insensitively when asked) appeared earlier in the list.
    func repeated(caseInsensitive: Bool = false) -> [Tag] {
        var seen = Set<String>()
        return tags.filter { !seen.insert(caseInsensitive ? $0.name.lowercased() : $0.name).inserted }
    }

    private static func trim(_ text: Substring, _ isSpace: (Character) -> Bool) -> String {
        guard let start = text.firstIndex(where: { !isSpace($0) }), let end = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }
}
