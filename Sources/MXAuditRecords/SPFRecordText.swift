/// One SPF record split into its terms (RFC 7208 §4.6, §12), with every syntax error found.
struct SPFRecordText {
    enum Mechanism: String { case all, include, a, mx, ptr, ip4, ip6, exists }

    struct Term {
        enum Kind: Equatable {
            case mechanism(Mechanism, qualifier: Character)
            case redirect, explanation, unknownModifier
        }
        let kind: Kind
        /// The domain-spec of include, a, mx, ptr, exists, redirect and exp, when written.
        let target: String?
        let text: String
    }

    /// At most this many terms are read; a TXT record of 64 KiB could hold thousands.
    static let maximumTerms = 256

    private(set) var terms: [Term] = []
    private(set) var problems: [String] = []

    var redirect: String? { terms.first { $0.kind == .redirect }?.target }

    /// Whether a record is SPF: `v=spf1` (any case) followed by a space or the end (§4.5).
    static func isSPF(_ text: String) -> Bool {
        let lower = text.prefix(7).lowercased()
        return lower == "v=spf1" || lower == "v=spf1 "
    }

    init(_ text: String) {
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let version = tokens.first, version.lowercased() == "v=spf1" else {
            problems.append("the record does not begin with v=spf1")
            return
        }
        var modifiersSeen: Set<String> = []
        for token in tokens.dropFirst() {
            guard terms.count < Self.maximumTerms else {
                problems.append("the record has more than \(Self.maximumTerms) terms")
                break
            }
            guard let term = parse(String(token)) else { continue }
            if term.kind == .redirect || term.kind == .explanation {
                let name = term.kind == .redirect ? "redirect" : "exp"
                if !modifiersSeen.insert(name).inserted {
                    problems.append("\(name)= appears more than once (RFC 7208 §6)")
                }
            }
            terms.append(term)
        }
    }

    private mutating func parse(_ token: String) -> Term? {
        if token.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E }) {
            problems.append("the term \"\(token)\" contains a control or non-ASCII character; terms are separated by single spaces")
            return nil
        }
        if let term = parseModifier(token) { return term }
        var body = Substring(token)
        var qualifier: Character = "+"
        if let first = body.first, "+-?~".contains(first) {
            qualifier = first
            body = body.dropFirst()
        }
        let nameEnd = body.firstIndex { $0 == ":" || $0 == "/" } ?? body.endIndex
        guard let mechanism = Mechanism(rawValue: body[..<nameEnd].lowercased()) else {
            problems.append("\"\(token)\" is not a known mechanism or modifier")
            return nil
        }
        var rest = body[nameEnd...]
        let valid: Bool
        var target: String?
        switch mechanism {
        case .all:
            valid = rest.isEmpty
        case .include, .exists:
            target = rest.hasPrefix(":") ? String(rest.dropFirst()) : nil
            valid = target.map(Self.isDomainSpec) ?? false
        case .ptr:
            target = rest.hasPrefix(":") ? String(rest.dropFirst()) : nil
            valid = rest.isEmpty || (target.map(Self.isDomainSpec) ?? false)
        case .a, .mx:
            let cidrValid = Self.stripDualCIDR(&rest)
            target = rest.hasPrefix(":") ? String(rest.dropFirst()) : nil
            valid = cidrValid && (rest.isEmpty || (target.map(Self.isDomainSpec) ?? false))
        case .ip4, .ip6:
            guard rest.hasPrefix(":") else { valid = false; break }
            let network = rest.dropFirst()
            let parts = network.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let maximum = mechanism == .ip4 ? 32 : 128
            let addressValid = mechanism == .ip4 ? HostnameSyntax.isIPv4(parts[0]) : HostnameSyntax.isIPv6(parts[0])
            valid = addressValid && (parts.count == 1 || Self.isPrefixLength(parts[1], maximum: maximum))
        }
        guard valid else {
            problems.append("\"\(token)\" is not a valid \(mechanism.rawValue) mechanism")
            return nil
        }
        return Term(kind: .mechanism(mechanism, qualifier: qualifier), target: target, text: token)
    }

    /// `name "=" macro-string` where the name comes before any ':' or '/' (RFC 7208 §12).
    private mutating func parseModifier(_ token: String) -> Term? {
        guard let equals = token.firstIndex(of: "="), !token[..<equals].contains(where: { $0 == ":" || $0 == "/" }) else { return nil }
        let name = token[..<equals].lowercased()
        let value = String(token[token.index(after: equals)...])
        guard let first = name.utf8.first, Grammar.isAlpha(first),
              name.utf8.allSatisfy({ Grammar.isAlphaNumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) else {
            problems.append("\"\(token)\" is not a valid modifier name")
            return Term(kind: .unknownModifier, target: nil, text: token)
        }
        switch name {
        case "redirect", "exp":
            guard Self.isDomainSpec(value) else {
                problems.append("\"\(token)\" does not name a valid domain")
                return Term(kind: .unknownModifier, target: nil, text: token)
            }
            return Term(kind: name == "redirect" ? .redirect : .explanation, target: value, text: token)
        default:
            return Term(kind: .unknownModifier, target: nil, text: token)
        }
    }

    /// Removes `[ "/" ip4-cidr ] [ "//" ip6-cidr ]` from the end; false when a length is out of
    /// range. A slash not followed by digits belongs to the domain-spec (a macro delimiter).
    private static func stripDualCIDR(_ rest: inout Substring) -> Bool {
        if let range = rest.range(of: "//", options: .backwards), Grammar.isDigits(rest[range.upperBound...]) {
            guard isPrefixLength(rest[range.upperBound...], maximum: 128) else { return false }
            rest = rest[..<range.lowerBound]
        }
        if let slash = rest.lastIndex(of: "/"), Grammar.isDigits(rest[rest.index(after: slash)...]) {
            guard isPrefixLength(rest[rest.index(after: slash)...], maximum: 32) else { return false }
            rest = rest[..<slash]
        }
        return true
    }

    private static func isPrefixLength(_ text: Substring, maximum: Int) -> Bool {
        Grammar.isDigits(text) && text.utf8.count <= 3 && (text.first != "0" || text.count == 1) && (Int(text) ?? .max) <= maximum
    }

    /// Whether a domain-spec contains a macro, which needs the sender to expand.
    static func hasMacro(_ spec: String) -> Bool { spec.contains("%{") }

    /// `domain-spec = macro-string domain-end` (RFC 7208 §7.1): valid macros, and without macros
    /// a name of at least two labels whose last label is not all digits.
    static func isDomainSpec(_ spec: String) -> Bool {
        guard !spec.isEmpty, spec.utf8.count <= 253 + 64, isMacroString(spec) else { return false }
        if hasMacro(spec) { return true }
        var name = Substring(spec)
        if name.hasSuffix(".") { name = name.dropLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let last = labels.last, !Grammar.isDigits(last) else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.utf8.allSatisfy { Grammar.isAlphaNumeric($0) || $0 == 0x2D || $0 == 0x5F }
        }
    }

    /// Every `%` starts `%%`, `%_`, `%-` or `%{letter digits [r] delimiters}` (RFC 7208 §7.1).
    private static func isMacroString(_ spec: String) -> Bool {
        var scalars = spec.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "%" else { continue }
            guard let next = scalars.popFirst() else { return false }
            if next == "%" || next == "_" || next == "-" { continue }
            guard next == "{", let letter = scalars.popFirst(), "slodiphcrtvSLODIPHCRTV".unicodeScalars.contains(letter) else { return false }
            while let digit = scalars.first, ("0"..."9").contains(digit) { scalars.removeFirst() }
            if let reverse = scalars.first, reverse == "r" || reverse == "R" { scalars.removeFirst() }
            while let delimiter = scalars.first, ".-+,/_=".unicodeScalars.contains(delimiter) { scalars.removeFirst() }
            guard scalars.popFirst() == "}" else { return false }
        }
        return true
    }
}
