import CMXAuditLDNS
import Foundation
import Testing
@testable import MXAuditDNS

/// Queries are encoded into a small growing buffer: the bytes must be ldns_pkt2wire's.
@Suite struct QueryWireTests {
    @Test func queriesEncodeAsLDNSEncodesThem() throws {
        for (name, type) in [("example.com.", DNSType.mx), ("_25._tcp.mx1.Example.DE.", DNSType.tlsa), (".", DNSType.dnskey),
                             (String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + ".test.", DNSType.txt)] {
            let message = try DNSMessage(query: name, type: type, id: 0x4242)
            var bytes: UnsafeMutablePointer<UInt8>?
            var size = 0
            #expect(ldns_pkt2wire(&bytes, message.packet, &size) == LDNS_STATUS_OK)
            let reference = Array(UnsafeBufferPointer(start: try #require(bytes), count: size))
            free(bytes)
            #expect(try message.wire() == reference, "\(name)")
        }
    }
}
