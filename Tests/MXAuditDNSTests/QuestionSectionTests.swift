import Testing
@testable import MXAuditDNS

/// The in-place question check that lets the resolver skip parsing datagrams that are not its answer.
@Suite struct QuestionSectionTests {
    @Test func readsAnOrdinaryQuestionAsLDNSWould() throws {
        let wire = try DNSMessage(query: "Mail._MTA-STS.Example.", type: DNSType.txt).wire()
        let plain = try #require(QuestionSection.plainQuestion(wire))
        #expect(plain.name == "mail._mta-sts.example")
        #expect(plain.type == DNSType.txt)
        let parsed = try #require(try DNSMessage(wire: wire).question.first)
        #expect(plain.name == parsed.name && plain.type == parsed.type)
    }

    @Test func leavesUnusualNamesAndBrokenMessagesToLDNS() throws {
        var odd = try DNSMessage(query: "ab.example.", type: DNSType.a).wire()
        odd[13] = 0xC3 // a byte that ldns writes as an escape
        #expect(QuestionSection.plainQuestion(odd) == nil)
        let truncated = Array(try DNSMessage(query: "example.", type: DNSType.mx).wire().prefix(15))
        #expect(QuestionSection.plainQuestion(truncated) == nil)
        #expect(QuestionSection.plainQuestion([UInt8](repeating: 0, count: 11)) == nil)
    }
}
