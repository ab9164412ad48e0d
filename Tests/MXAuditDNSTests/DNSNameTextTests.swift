import CMXAuditLDNS
import Foundation
import Testing
@testable import MXAuditDNS

/// Names written without ldns's printer must read exactly as ldns prints them, and every name
/// that needs an escape must still go to ldns.
@Suite struct DNSNameTextTests {
    /// ldns's own presentation form.
    static func ldnsText(_ rdf: UnsafePointer<ldns_rdf>) -> String {
        guard let cString = ldns_rdf2str(rdf) else { return "" }
        defer { free(cString) }
        return String(cString: cString)
    }

    static func wireName(_ labels: [[UInt8]]) -> [UInt8] {
        labels.flatMap { [UInt8($0.count)] + $0 } + [0]
    }

    static func withRDF<T>(_ wire: [UInt8], _ body: (UnsafePointer<ldns_rdf>) throws -> T) throws -> T {
        let rdf = try #require(wire.withUnsafeBytes { ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, $0.count, $0.baseAddress) })
        defer { ldns_rdf_deep_free(rdf) }
        return try body(rdf)
    }

    @Test func plainNamesReadAsLDNSPrintsThem() throws {
        let names: [[String]] = [[], ["example", "com"], ["MX1", "Example", "DE"], ["_25", "_tcp", "mx", "xn--mller-kva", "example"],
                                 ["*", "wild", "example"], ["a-b_c", "0", "9z"]]
        for labels in names {
            try Self.withRDF(Self.wireName(labels.map { Array($0.utf8) })) { rdf in
                let expected = Self.ldnsText(rdf)
                #expect(DNSNameText.text(rdf) == expected)
                let normalised = expected.lowercased()
                #expect(DNSNameText.normalised(rdf) == (normalised.hasSuffix(".") ? String(normalised.dropLast()) : normalised))
                #expect(DNSMessage.text(rdf) == expected)
            }
        }
    }

    @Test func namesThatNeedEscapesGoToLDNS() throws {
        let awkward: [[UInt8]] = [Array("a.b".utf8), Array("semi;colon".utf8), Array("back\\slash".utf8), [0x41, 0x00, 0x42],
                                  Array("sp ace".utf8), [0xC3, 0xBC], Array("(x)".utf8), Array("<script>".utf8), [0x7F]]
        for label in awkward {
            try Self.withRDF(Self.wireName([label, Array("example".utf8)])) { rdf in
                #expect(DNSNameText.text(rdf) == nil, "\(label)")
                #expect(DNSNameText.normalised(rdf) == nil)
                // The public path still gives ldns's escaped form.
                #expect(DNSMessage.text(rdf) == Self.ldnsText(rdf))
                #expect(LDNSRecord.normalisedName(rdf) == String(Self.ldnsText(rdf).lowercased().dropLast()))
            }
        }
    }

    @Test func malformedWireIsLeftToLDNS() throws {
        // A label running past the end, and bytes after the root label.
        for wire: [UInt8] in [[5, 0x61, 0x62], [1, 0x61, 0, 1, 0x62, 0]] {
            try Self.withRDF(wire) { rdf in
                #expect(DNSNameText.text(rdf) == nil)
            }
        }
    }
}
