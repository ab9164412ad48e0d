import Foundation

/// A DNS host or domain name in its ASCII (A-label) form, lower-cased, without the final dot,
/// remembering the Unicode (U-label) form for display.
public struct DomainName: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The A-label form used on the wire and as the key everywhere ("xn--mller-kva.example").
    public let ascii: String
    /// The form to show a person ("müller.example"); equal to `ascii` for plain names.
    public let unicode: String

    public enum ValidationError: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(Int)
        case emptyLabel
        case labelTooLong(String)
        case invalidCharacter(label: String, character: Character)
        case hyphenAtLabelEdge(String)
        case invalidIDN(String)
        case allNumericTopLevel(String)

        public var description: String {
            switch self {
            case .empty: return "the name is empty"
            case .tooLong(let length): return "the name is \(length) characters long; DNS allows at most 253"
            case .emptyLabel: return "the name has an empty label (two dots in a row, or a leading dot)"
            case .labelTooLong(let label): return "the label '\(label)' is longer than 63 characters"
            case .invalidCharacter(let label, let character):
                return "the label '\(label)' contains '\(character)'; host names use letters, digits and hyphens"
            case .hyphenAtLabelEdge(let label): return "the label '\(label)' starts or ends with a hyphen"
            case .invalidIDN(let label): return "the label '\(label)' is not a valid internationalized label"
            case .allNumericTopLevel(let label): return "the top-level label '\(label)' is all digits"
            }
        }
    }

    /// Parses a name typed by a person: Unicode or A-labels, any case, optional final dot.
    /// Underscore labels are allowed so that service names (`_25._tcp.mx.example`) parse too.
    public init(_ text: String) throws(ValidationError) {
        // Nearly every name is ASCII: already NFC, and trimmed without Unicode tables (going
        // through Foundation for both was most of reading a large inventory).
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        var trimmed = isASCII ? Self.trimmingASCIIBlanks(text) : text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw .empty }
        // IDNA2008 mapping as browsers do it (UTS #46 in its simplest form): NFC and lower case.
        let mapped = (isASCII ? trimmed : trimmed.precomposedStringWithCanonicalMapping).lowercased()
        var asciiLabels: [String] = []
        var unicodeLabels: [String] = []
        for rawLabel in mapped.split(separator: ".", omittingEmptySubsequences: false) {
            let label = String(rawLabel)
            guard !label.isEmpty else { throw .emptyLabel }
            if label.unicodeScalars.allSatisfy(\.isASCII) {
                try Self.checkLDH(label)
                if label.hasPrefix("xn--") {
                    let decoded: String
                    do { decoded = try Punycode.decode(String(label.dropFirst(4))) } catch { throw .invalidIDN(label) }
                    // A valid A-label decodes to allowed Unicode and encodes back to itself.
                    guard !decoded.isEmpty, !decoded.unicodeScalars.allSatisfy(\.isASCII),
                          decoded.unicodeScalars.allSatisfy({ Self.isAllowedInIDN($0) }),
                          decoded.precomposedStringWithCanonicalMapping.lowercased() == decoded,
                          (try? Punycode.encode(decoded)) == String(label.dropFirst(4))
                    else { throw .invalidIDN(label) }
                    unicodeLabels.append(decoded)
                } else {
                    unicodeLabels.append(label)
                }
                asciiLabels.append(label)
            } else {
                guard label.unicodeScalars.allSatisfy({ Self.isAllowedInIDN($0) }) else { throw .invalidIDN(label) }
                let encoded: String
                do { encoded = try "xn--" + Punycode.encode(label) } catch { throw .invalidIDN(label) }
                try Self.checkLDH(encoded)
                asciiLabels.append(encoded)
                unicodeLabels.append(label)
            }
        }
        if let last = asciiLabels.last, asciiLabels.count > 1, last.allSatisfy(\.isNumber) {
            throw .allNumericTopLevel(last)
        }
        let ascii = asciiLabels.joined(separator: ".")
        guard ascii.count <= 253 else { throw .tooLong(ascii.count) }
        self.ascii = ascii
        self.unicode = unicodeLabels.joined(separator: ".")
    }

    /// `text` without the spaces and tabs around it: what `.whitespaces` trims from ASCII text.
    private static func trimmingASCIIBlanks(_ text: String) -> String {
        let bytes = text.utf8
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[first...last])
    }

    private static func checkLDH(_ label: String) throws(ValidationError) {
        guard label.utf8.count <= 63 else { throw .labelTooLong(label) }
        for character in label {
            let ok = character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
            guard ok else { throw .invalidCharacter(label: label, character: character) }
        }
        if label.hasPrefix("-") || label.hasSuffix("-") { throw .hyphenAtLabelEdge(label) }
    }

    private static func isAllowedInIDN(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-"
        }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.generalCategory == .nonspacingMark
            || properties.generalCategory == .spacingMark || properties.generalCategory == .decimalNumber
    }

    /// A name as DNS compares it, without validating it: lower case, no final dot. For names
    /// read from the network, which must be compared even when they are not valid host names.
    public static func comparable(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }

    /// The labels of the A-label form, leftmost first.
    public var labels: [Substring] { ascii.split(separator: ".") }

    /// The name one label up ("mx.example.de" → "example.de"); nil for a single label.
    public var parent: DomainName? {
        guard let dot = ascii.firstIndex(of: ".") else { return nil }
        return try? DomainName(String(ascii[ascii.index(after: dot)...]))
    }

    /// A name below this one ("_mta-sts" + "example.de").
    public func prefixed(with label: String) -> DomainName? {
        try? DomainName(label + "." + ascii)
    }

    public var description: String { ascii }
    public var isInternationalized: Bool { ascii != unicode }
    public static func < (lhs: DomainName, rhs: DomainName) -> Bool { lhs.ascii < rhs.ascii }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try DomainName(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "invalid domain name '\(text)': \(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ascii)
    }
}
