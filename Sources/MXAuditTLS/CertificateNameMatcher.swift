import MXAuditModel

/// Matches a host name against a certificate's DNS names with the rules MTA-STS uses (RFC 8461
/// §4.1 via RFC 6125): only subjectAltName dNSName entries count (never the subject CN), case does
/// not matter, and a wildcard is a whole leftmost label `*` that stands for exactly one label.
public enum CertificateNameMatcher {
    /// The first DNS name that covers `hostName`, or nil.
    public static func match(hostName: String, dnsNames: [String]) -> String? {
        dnsNames.first { matches(host: hostName, pattern: $0) }
    }

    static func matches(host: String, pattern: String) -> Bool {
        // "*.example" would cover a whole TLD: RFC 6125 §7.2 advises against it and CAs may not issue it.
        let name = MTASTSNameRule.normalised(pattern)
        if name.hasPrefix("*."), !name.dropFirst(2).contains(".") { return false }
        return MTASTSNameRule.matches(host: host, pattern: name)
    }
}
