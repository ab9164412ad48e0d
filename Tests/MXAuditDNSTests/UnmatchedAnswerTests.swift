import Testing
@testable import MXAuditDNS

/// What a lookup says when its resolver sent only datagrams that are not the answer: each kind of
/// hostile reply (docs/hostile-input.md) is named, never reported as "did not answer".
@Suite struct UnmatchedAnswerTests {
    static func query(_ name: String, _ type: UInt16, id: UInt16 = 0x1234) throws -> [UInt8] {
        try DNSMessage(query: name, type: type, id: id).wire()
    }

    /// The query turned into a response (QR set), as a resolver would echo it.
    static func response(to query: [UInt8]) -> [UInt8] {
        var response = query
        response[2] |= 0x80
        return response
    }

    @Test func everyKindOfWrongDatagramIsNamed() throws {
        let query = try Self.query("x.example.", DNSType.mx)
        #expect(UnmatchedAnswer.reason([1, 2, 3], query: query) == "a 3-byte datagram, too short for a DNS message")
        var otherID = Self.response(to: query)
        otherID[0] = 0x43
        otherID[1] = 0x21
        #expect(UnmatchedAnswer.reason(otherID, query: query) == "an answer with message ID 17185, not 4660")
        #expect(UnmatchedAnswer.reason(query, query: query) == "a query, not a response")
        let garbage = Array(query.prefix(2)) + [0x81, 0x80, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0x3F, count: 52)
        #expect(UnmatchedAnswer.reason(garbage, query: query).hasPrefix("64 bytes that are no DNS message ("))
        let otherQuestion = Self.response(to: try Self.query("x.example.", DNSType.txt))
        #expect(UnmatchedAnswer.reason(otherQuestion, query: query) == "an answer to x.example/TXT instead of x.example/MX")
    }

    @Test func theFailureCountsTheDatagramsAndNamesTheLast() throws {
        let query = try Self.query("x.example.", DNSType.soa)
        let server = ResolverAddress(host: "127.60.0.54")
        #expect(UnmatchedAnswer.failure(server: server, count: 3, last: [0], query: query)
                == "127.60.0.54 sent 3 datagrams that did not answer the query and no answer in time; "
                + "the last was a 1-byte datagram, too short for a DNS message")
    }
}
