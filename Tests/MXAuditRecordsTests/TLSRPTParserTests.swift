import MXAuditModel
import MXAuditRecords
import Testing

@Suite("TLS-RPT record (RFC 8460 §3)")
struct TLSRPTParserTests {
    private let name = "_smtp._tls.example.com"

    @Test func mailtoAndHTTPSDestinations() throws {
        let record = try #require(TLSRPTParser.parse(TXTFixtures.txt(name,
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt")).value)
        #expect(record.isValid, "\(record.errors)")
        #expect(record.rua == ["mailto:tlsrpt@example.com", "https://reports.example.com/tlsrpt"])
    }

    @Test func whitespaceAroundCommasAndPercentEncodedCommas() throws {
        let record = try #require(TLSRPTParser.parse(TXTFixtures.txt(name,
            "v=TLSRPTv1;rua=mailto:a@example.com , mailto:b%2Cc@example.com;")).value)
        #expect(record.isValid, "\(record.errors)")
        #expect(record.rua == ["mailto:a@example.com", "mailto:b%2Cc@example.com"])
    }

    @Test(arguments: [
        ("v=TLSRPTv1;", "rua_missing"),
        ("v=TLSRPTv1; rua=ftp://reports.example.com/tlsrpt", "rua_scheme"),
        ("v=TLSRPTv1; rua=http://reports.example.com/tlsrpt", "rua_scheme"),
        ("v=TLSRPTv1; rua=mailto:reports", "rua_invalid"),
        ("v=TLSRPTv1; rua=reports@example.com", "rua_invalid"),
        ("v=TLSRPTv1; rua=https://", "rua_invalid"),
        ("v=TLSRPTv1; rua=mailto:a@example.com,", "rua_invalid"),
        ("v=TLSRPTv1; rua=mailto:a b@example.com", "rua_invalid"),
        ("v=TLSRPTv1; rua = mailto:a@example.com", "syntax"),
        ("v=TLSRPTv1; rua=mailto:a@example.com; bad ext=1", "syntax"),
    ])
    func invalidRecords(text: String, id: String) throws {
        let record = try #require(TLSRPTParser.parse(TXTFixtures.txt(name, text)).value)
        #expect(record.errors.ids.contains(id), "\(text): \(record.errors)")
        #expect(!record.isValid)
    }

    @Test func unknownExtensionsAreIgnored() throws {
        let record = try #require(TLSRPTParser.parse(TXTFixtures.txt(name, "v=TLSRPTv1; rua=mailto:a@example.com; x-note=hi")).value)
        #expect(record.isValid)
    }

    @Test func discoveryNeedsExactlyOneRecord() throws {
        #expect(TLSRPTParser.parse(TXTFixtures.txt(name, "v=spf1 -all")).status == .absent)
        #expect(TLSRPTParser.parse(TXTFixtures.nxdomain).status == .absent)
        #expect(TLSRPTParser.parse(TXTFixtures.servfail).failure?.kind == .dnsError)
        let two = try #require(TLSRPTParser.parse(TXTFixtures.txt(name, "v=TLSRPTv1; rua=mailto:a@example.com",
                                                                  "v=TLSRPTv1; rua=mailto:b@example.com")).value)
        #expect(two.errors.ids == ["multiple_records"])
        let other = try #require(TLSRPTParser.parse(TXTFixtures.txt(name, "v=TLSRPTv2; rua=mailto:x@example.com",
                                                                    "v=TLSRPTv1; rua=mailto:a@example.com")).value)
        #expect(other.isValid && other.rua == ["mailto:a@example.com"])
    }
}
