/// Character classes and small productions shared by the RFC 8460/8461/7208/7489/6376 grammars.
enum Grammar {
    static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isAlphaNumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }
    /// WSP: space or horizontal tab (RFC 5234).
    static func isWSP(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isWSP(_ character: Character) -> Bool { character == " " || character == "\t" }

    static func isDigits<S: StringProtocol>(_ text: S) -> Bool { !text.isEmpty && text.utf8.allSatisfy(isDigit) }

    /// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`: the extension names of
    /// RFC 8461 (TXT and policy) and RFC 8460.
    static func isExtensionName<S: StringProtocol>(_ name: S) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isAlphaNumeric(first), bytes.count <= 32 else { return false }
        return bytes.dropFirst().allSatisfy { isAlphaNumeric($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// `1*(%x21-3A / %x3C / %x3E-7E)`: a TXT extension value (no space, `;`, `=` or control).
    static func isExtensionValue<S: StringProtocol>(_ value: S) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { ($0 >= 0x21 && $0 <= 0x7E) && $0 != 0x3B && $0 != 0x3D }
    }

    /// Text with surrounding WSP removed.
    static func trimWSP<S: StringProtocol>(_ text: S) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Whether `text` starts with `version` as a whole field: followed by the end, WSP or `;`.
    static func beginsWithVersion(_ text: String, _ version: String) -> Bool {
        guard text.hasPrefix(version) else { return false }
        let rest = text.utf8.dropFirst(version.utf8.count)
        guard let next = rest.first else { return true }
        return isWSP(next) || next == 0x3B
    }
}
