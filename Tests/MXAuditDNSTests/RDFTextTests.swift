import CMXAuditLDNS
import Foundation
import Testing
@testable import MXAuditDNS

/// Fields written without ldns's printer read exactly as ldns prints them; everything the fast
/// path declines still comes from ldns.
@Suite struct RDFTextTests {
    static func check(_ type: ldns_rdf_type, _ bytes: [UInt8], expectFast: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rdf = try #require(bytes.withUnsafeBytes { ldns_rdf_new_frm_data(type, $0.count, $0.baseAddress) })
        defer { ldns_rdf_deep_free(rdf) }
        let ldns = DNSNameTextTests.ldnsText(rdf)
        let fast = RDFText.text(rdf)
        #expect((fast != nil) == expectFast, "\(bytes) → \(ldns)", sourceLocation: sourceLocation)
        if let fast { #expect(fast == ldns, sourceLocation: sourceLocation) }
        #expect(DNSMessage.text(rdf) == ldns, sourceLocation: sourceLocation)
    }

    static func characterString(_ text: [UInt8]) -> [UInt8] { [UInt8(text.count)] + text }

    @Test func addressesAndNumbers() throws {
        for address: [UInt8] in [[0, 0, 0, 0], [127, 60, 1, 2], [255, 255, 255, 255]] {
            try Self.check(LDNS_RDF_TYPE_A, address, expectFast: true)
        }
        var loopback = [UInt8](repeating: 0, count: 16)
        loopback[15] = 1
        let documentation: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x53]
        let mapped: [UInt8] = [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 1, 2, 3, 4]
        for address in [loopback, documentation, mapped, [UInt8](repeating: 0xff, count: 16)] {
            try Self.check(LDNS_RDF_TYPE_AAAA, address, expectFast: true)
        }
        for value: [UInt8] in [[0], [255]] { try Self.check(LDNS_RDF_TYPE_INT8, value, expectFast: true) }
        for value: [UInt8] in [[0, 10], [255, 255]] { try Self.check(LDNS_RDF_TYPE_INT16, value, expectFast: true) }
        for value: [UInt8] in [[0, 0, 14, 16], [255, 255, 255, 255]] { try Self.check(LDNS_RDF_TYPE_INT32, value, expectFast: true) }
    }

    @Test func characterStrings() throws {
        try Self.check(LDNS_RDF_TYPE_STR, Self.characterString(Array("v=spf1 include:_spf.example -all".utf8)), expectFast: true)
        try Self.check(LDNS_RDF_TYPE_STR, Self.characterString([]), expectFast: true)
        try Self.check(LDNS_RDF_TYPE_STR, Self.characterString(Array(" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}".utf8)), expectFast: true)
        // Escapes are ldns's.
        for awkward in ["say \"hi\"", "back\\slash", "tab\there", "ü", "nul\u{0}", "<script>\u{1B}[31m"] {
            try Self.check(LDNS_RDF_TYPE_STR, Self.characterString(Array(awkward.utf8)), expectFast: false)
        }
        // A length byte that does not match the data is ldns's to judge.
        try Self.check(LDNS_RDF_TYPE_STR, [9, 0x61], expectFast: false)
    }
}
