/// One reporting URI of a TLS-RPT (RFC 8460 §3) or DMARC (RFC 7489 §6.4) record.
struct ReportURI {
    /// As written (for DMARC, without its `!size` suffix).
    let text: String
    /// Lower-cased scheme ("mailto", "https"), empty when there is none.
    let scheme: String
    /// Where the reports go: the domain of the mailto address or the host of the https URL.
    let domain: String?
    /// Why the URI cannot be used, if it cannot.
    let problem: String?

    /// - Parameter sizeSuffix: DMARC allows `!` and a size limit after the URI.
    init(_ written: String, sizeSuffix: Bool = false) {
        var text = written
        if sizeSuffix, let bang = text.lastIndex(of: "!") {
            let size = text[text.index(after: bang)...]
            let digits = size.last.map { "kmgt".contains($0) } == true ? size.dropLast() : size
            if Grammar.isDigits(digits) { text = String(text[..<bang]) }
        }
        self.text = text
        guard let colon = text.firstIndex(of: ":"), Self.isScheme(text[..<colon]) else {
            (scheme, domain, problem) = ("", nil, "\"\(written)\" has no URI scheme")
            return
        }
        scheme = text[..<colon].lowercased()
        let rest = text[text.index(after: colon)...]
        if let bad = rest.unicodeScalars.first(where: { !Self.isURICharacter($0) }) {
            (domain, problem) = (nil, "\"\(written)\" contains \(Self.describe(bad)), which a URI must percent-encode")
            return
        }
        switch scheme {
        case "mailto": (domain, problem) = Self.mailtoDomain(rest, written: written)
        case "https": (domain, problem) = Self.httpsHost(rest, written: written)
        default: (domain, problem) = (nil, nil)
        }
    }

    private static func mailtoDomain(_ rest: Substring, written: String) -> (String?, String?) {
        let address = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let at = address.lastIndex(of: "@"), at != address.startIndex else {
            return (nil, "\"\(written)\" is not a mailto: URI with an address local@domain")
        }
        let domain = address[address.index(after: at)...].lowercased()
        guard HostnameSyntax.isDomain(domain), domain.contains(".") else {
            return (nil, "the address in \"\(written)\" has no valid domain")
        }
        return (domain, nil)
    }

    private static func httpsHost(_ rest: Substring, written: String) -> (String?, String?) {
        guard rest.hasPrefix("//") else { return (nil, "\"\(written)\" is not an https://host/ URL") }
        let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.split(separator: "@").last ?? ""
        var host = Substring(hostAndPort)
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            guard Grammar.isDigits(host[host.index(after: colon)...]) else { return (nil, "\"\(written)\" has an invalid port") }
            host = host[..<colon]
        }
        let isIPLiteral = host.hasPrefix("[") && host.hasSuffix("]") && HostnameSyntax.isIPv6(host.dropFirst().dropLast())
        guard isIPLiteral || HostnameSyntax.isIPv4(host) || (HostnameSyntax.isDomain(host) && host.contains(".")) else {
            return (nil, "\"\(written)\" has no valid host")
        }
        return (host.lowercased(), nil)
    }

    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    private static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, Grammar.isAlpha(first) else { return false }
        return text.utf8.allSatisfy { Grammar.isAlphaNumeric($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    /// RFC 3986 unreserved, reserved and `%` characters (the `%XX` form itself is not checked).
    private static func isURICharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F else { return false }
        return !"\"<>\\^`{|}".unicodeScalars.contains(scalar)
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        scalar == " " ? "a space" : scalar.value < 0x20 || scalar.value == 0x7F ? "a control character" : "'\(scalar)'"
    }
}
