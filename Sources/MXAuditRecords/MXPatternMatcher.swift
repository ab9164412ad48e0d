import MXAuditModel

/// Matches MX host names against the `mx` patterns of an MTA-STS policy (RFC 8461 §4.1).
public enum MXPatternMatcher {
    /// Every host against the patterns, in the order given; a host is covered by the first
    /// pattern that matches it.
    public static func coverage(hosts: [String], patterns: [String]) -> [MXCoverage] {
        hosts.map { host in MXCoverage(host: host, matchedPattern: patterns.first { matches(host: host, pattern: $0) }) }
    }

    /// Whether one pattern covers one host: equal names, or `*.suffix` and a host that is exactly
    /// one label more than `suffix`. Case-insensitive, anchored, a final dot ignored on both sides;
    /// a wildcard anywhere else never matches.
    public static func matches(host: String, pattern: String) -> Bool {
        MTASTSNameRule.matches(host: host, pattern: pattern)
    }
}
