/// The name rule of MTA-STS (RFC 8461 §4.1, after RFC 6125): case-insensitive, a final dot
/// ignored, and a `*.` wildcard stands for exactly one leftmost label — `*.example.com` matches
/// `mx1.example.com`, never `example.com` and never `a.b.example.com`. Used for policy `mx`
/// patterns and for certificate names alike.
public enum MTASTSNameRule {
    public static func matches(host: String, pattern: String) -> Bool {
        let host = normalised(host)
        let pattern = normalised(pattern)
        guard !host.isEmpty, !pattern.isEmpty else { return false }
        guard pattern.hasPrefix("*.") else { return !pattern.contains("*") && host == pattern }
        let suffix = pattern.dropFirst(2)
        guard !suffix.isEmpty, !suffix.contains("*"), host.hasSuffix("." + suffix) else { return false }
        let label = host.dropLast(suffix.count + 1)
        return !label.isEmpty && !label.contains(".")
    }

    public static func normalised(_ name: String) -> String { DomainName.comparable(name) }
}
