import MXAuditDNS
import Testing

@Suite("ldns binding")
struct LDNSBindingTests {
    @Test func queryRoundTripsThroughWireFormat() throws {
        let query = try DNSMessage(query: "_mta-sts.Example.COM", type: 16, dnssecOK: true, checkingDisabled: true, id: 4242)
        let wire = try query.wire()
        // Header (12) + question + OPT record: the DO and CD bits travel with it.
        #expect(wire.count > 12 + 20)
        #expect(wire[0] == 0x10 && wire[1] == 0x92) // id 4242
        #expect(wire[3] & 0x10 != 0) // CD
        let parsed = try DNSMessage(wire: wire)
        #expect(parsed.id == 4242)
        #expect(parsed.rcode == 0)
        #expect(!parsed.isTruncated)
    }

    @Test func answerRecordsAreCopiedIntoSwiftValues() throws {
        // A recorded response: example.com. 300 IN MX 10 mx1.example.com.
        let response: [UInt8] = [
            0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x0f, 0x00, 0x01,
            0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x08,
            0x00, 0x0a, 0x03, 0x6d, 0x78, 0x31, 0xc0, 0x0c,
        ]
        let message = try DNSMessage(wire: response)
        #expect(message.answer.count == 1)
        let record = try #require(message.answer.first)
        #expect(record.name == "example.com")
        #expect(record.type == 15)
        #expect(record.ttl == 300)
        #expect(record.fields == ["10", "mx1.example.com."])
    }

    @Test func garbageCarriesTheLibraryCodeAndMessage() throws {
        let error = try #require(throws: LDNSError.self) { try DNSMessage(wire: [0x00, 0x01, 0x02]) }
        #expect(error.code != 0)
        #expect(!error.message.isEmpty)
        #expect(error.description.contains("parse DNS message of 3 bytes"))
    }
}
