/// Host-name and address syntax: RFC 5321 `Domain` (letters, digits, hyphens; no underscores),
/// and the textual IPv4/IPv6 forms (RFC 4291 §2.2) that SPF and MTA-STS checks need to recognise.
enum HostnameSyntax {
    /// RFC 5321 §4.1.2 `Domain = sub-domain *("." sub-domain)`, `sub-domain = Let-dig [Ldh-str]`,
    /// within the DNS limits of 63 bytes per label and 253 per name. No final dot.
    static func isDomain<S: StringProtocol>(_ name: S) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        for label in bytes.split(separator: 0x2E, omittingEmptySubsequences: false) {
            guard let first = label.first, let last = label.last, label.count <= 63,
                  Grammar.isAlphaNumeric(first), Grammar.isAlphaNumeric(last),
                  label.allSatisfy({ Grammar.isAlphaNumeric($0) || $0 == 0x2D }) else { return false }
        }
        return true
    }

    /// Whether the text is an IPv4 or IPv6 address rather than a name.
    static func isIPAddress<S: StringProtocol>(_ text: S) -> Bool { isIPv4(text) || isIPv6(text) }

    /// Dotted-quad IPv4: four decimal octets 0–255 without leading zeros beyond one digit.
    static func isIPv4<S: StringProtocol>(_ text: S) -> Bool {
        let parts = text.utf8.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(Grammar.isDigit) else { return false }
            guard part.count == 1 || part.first != 0x30 else { return false }
            return part.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
        }
    }

    /// IPv6 text (RFC 4291 §2.2): eight groups of 1–4 hex digits, one `::` standing for a run of
    /// zero groups, and an optional embedded IPv4 address in the last 32 bits.
    static func isIPv6<S: StringProtocol>(_ text: S) -> Bool {
        let string = String(text)
        guard string.utf8.count <= 45, string.contains(":") else { return false }
        let halves = string.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                let isLast = index == halves.count - 1 && position == parts.count - 1
                if isLast && part.contains(".") {
                    guard isIPv4(part) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.utf8.count), part.utf8.allSatisfy(isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        Grammar.isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}
