import MXAuditModel
import MXAuditRecords
import Testing

@Suite("MX coverage by policy patterns (RFC 8461 §4.1)")
struct MXPatternMatcherTests {
    @Test(arguments: [
        ("mx1.example.com", "mx1.example.com", true),
        ("MX1.Example.COM.", "mx1.example.com", true),
        ("mx1.example.com", "MX1.EXAMPLE.COM.", true),
        ("mx1.example.com", "*.example.com", true),
        ("example.com", "*.example.com", false),          // the wildcard needs a label
        ("a.b.example.com", "*.example.com", false),      // exactly one label, never two
        ("mx1.example.com.evil.net", "*.example.com", false),
        ("mx1.example.com", "example.com", false),        // anchored, not a suffix match
        ("notexample.com", "*.example.com", false),
        ("xexample.com", "example.com", false),
        ("mx1.example.com", "mx1.*.com", false),          // wildcards only as the leftmost label
        ("mx1.example.com", "*", false),
        ("mx1.example.com", "*.", false),
        ("eur.mail.protection.outlook.com", "*.mail.protection.outlook.com", true),
        ("", "*.example.com", false),
    ])
    func matches(host: String, pattern: String, expected: Bool) {
        #expect(MXPatternMatcher.matches(host: host, pattern: pattern) == expected)
    }

    @Test func coverageNamesTheFirstMatchingPatternAndTheUncoveredHosts() {
        let coverage = MXPatternMatcher.coverage(hosts: ["mx1.bulkmail.insecure", "mx2.bulkmail.insecure", "mx.eu.other.example"],
                                                 patterns: ["mx1.bulkmail.insecure", "*.bulkmail.insecure", "*.other.example"])
        #expect(coverage == [
            MXCoverage(host: "mx1.bulkmail.insecure", matchedPattern: "mx1.bulkmail.insecure"),
            MXCoverage(host: "mx2.bulkmail.insecure", matchedPattern: "*.bulkmail.insecure"),
            MXCoverage(host: "mx.eu.other.example", matchedPattern: nil),
        ])
        #expect(coverage.filter { !$0.covered }.map(\.host) == ["mx.eu.other.example"])
        #expect(MXPatternMatcher.coverage(hosts: ["mx1.example.com"], patterns: []).allSatisfy { !$0.covered })
    }
}
