import MXAuditModel
@testable import MXAuditTLS
import Testing

@Suite("SMTP reply reader")
struct SMTPReplyReaderTests {
    @Test func assemblesMultiLineRepliesAcrossReads() throws {
        var reader = SMTPReplyReader()
        #expect(try reader.consume(Array("250-mx1.example greets you\r\n250-PIPE".utf8)) == nil)
        let reply = try #require(try reader.consume(Array("LINING\r\n250-starttls\r\n250 8BITMIME\r\n".utf8)))
        #expect(reply.code == 250)
        #expect(reply.lines == ["mx1.example greets you", "PIPELINING", "starttls", "8BITMIME"])
        #expect(reply.extensionKeywords == ["PIPELINING", "STARTTLS", "8BITMIME"])
    }

    @Test func keepsWhatFollowsAReply() throws {
        var reader = SMTPReplyReader()
        let first = try #require(try reader.consume(Array("220 ready\n221 bye\n".utf8)))
        #expect(first == SMTPReply(code: 220, lines: ["ready"]))
        #expect(try reader.nextReply() == SMTPReply(code: 221, lines: ["bye"]))
        #expect(reader.bufferedByteCount == 0)
    }

    @Test func rejectsGarbageAndChangingCodes() {
        var garbage = SMTPReplyReader()
        #expect(throws: Failure(.protocolViolation, "not an SMTP reply line: \"HTTP/1.1 400 Bad Request\"")) {
            try garbage.consume(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
        }
        var mixed = SMTPReplyReader()
        #expect(throws: Failure(.protocolViolation, "reply code changed from 250 to 550 within one reply")) {
            try mixed.consume(Array("250-one\r\n550 two\r\n".utf8))
        }
    }

    @Test func boundsLineLengthAndLineCount() {
        var long = SMTPReplyReader()
        #expect(throws: Failure.self) { try long.consume([UInt8](repeating: UInt8(ascii: "2"), count: 5000)) }
        var many = SMTPReplyReader()
        let flood = Array(String(repeating: "250-x\r\n", count: SMTPReplyReader.maximumLines + 1).utf8)
        #expect(throws: Failure(.limit, "a reply has more than \(SMTPReplyReader.maximumLines) lines")) { try many.consume(flood) }
    }
}

@Suite("Certificate names (RFC 8461 §4.1)")
struct CertificateNameMatcherTests {
    @Test(arguments: [
        ("mx1.example.com", ["mx1.example.com"], true),
        ("MX1.Example.COM.", ["mx1.example.com"], true),
        ("mx1.example.com", ["*.example.com"], true),
        ("a.b.example.com", ["*.example.com"], false),
        ("example.com", ["*.example.com"], false),
        ("mx1.example.com", ["mx*.example.com"], false),
        ("mx1.example", ["*.example"], false),
        ("mx1.example.com", ["mail.example.com", "*.example.com"], true),
        ("mx1.example.com", [], false),
    ])
    func matches(host: String, names: [String], expected: Bool) {
        #expect((CertificateNameMatcher.match(hostName: host, dnsNames: names) != nil) == expected)
    }
}
