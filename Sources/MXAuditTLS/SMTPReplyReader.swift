import MXAuditModel

/// Assembles SMTP replies (RFC 5321 §4.2) from the bytes a server sends, within fixed bounds:
/// a hostile or broken peer gets a `Failure`, never unbounded memory or a crash.
struct SMTPReplyReader: Sendable {
    /// RFC 5321 allows 512 octets per reply line; real servers exceed it a little, garbage a lot.
    static let maximumLineLength = 2048
    static let maximumLines = 100

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    /// Bytes received but not yet part of a reply (e.g. what a server pipelined after a reply).
    var bufferedByteCount: Int { pending.count }

    /// Feeds received bytes; returns the reply once its last line has arrived.
    mutating func consume(_ bytes: some Collection<UInt8>) throws(Failure) -> SMTPReply? {
        pending.append(contentsOf: bytes)
        return try nextReply()
    }

    /// A reply completed by bytes already buffered (servers may send several replies at once).
    mutating func nextReply() throws(Failure) -> SMTPReply? {
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let reply = try accept(line) { return reply }
        }
        if pending.count > Self.maximumLineLength {
            throw Failure(.limit, "a reply line is longer than \(Self.maximumLineLength) bytes")
        }
        return nil
    }

    private mutating func accept(_ line: [UInt8]) throws(Failure) -> SMTPReply? {
        guard line.count <= Self.maximumLineLength else {
            throw Failure(.limit, "a reply line is longer than \(Self.maximumLineLength) bytes")
        }
        let text = String(decoding: line, as: UTF8.self)
        guard line.count >= 3, line[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let lineCode = Int(String(decoding: line[0..<3], as: UTF8.self)), (200...599).contains(lineCode) else {
            throw Failure(.protocolViolation, "not an SMTP reply line: \(Self.excerpt(text))")
        }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw Failure(.protocolViolation, "not an SMTP reply line: \(Self.excerpt(text))")
        }
        if let code, code != lineCode {
            throw Failure(.protocolViolation, "reply code changed from \(code) to \(lineCode) within one reply")
        }
        code = lineCode
        lines.append(line.count > 4 ? String(text.dropFirst(4)) : "")
        guard lines.count <= Self.maximumLines else {
            throw Failure(.limit, "a reply has more than \(Self.maximumLines) lines")
        }
        guard separator == UInt8(ascii: " ") else { return nil }
        let reply = SMTPReply(code: lineCode, lines: lines)
        lines = []
        self.code = nil
        return reply
    }

    /// A line quoted in a message: printable and short.
    static func excerpt(_ text: String) -> String {
        let printable = String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
        return "\"" + (printable.count > 80 ? printable.prefix(80) + "…" : printable) + "\""
    }
}

extension SMTPReply {
    /// The reply as one line for messages: "421 mx1.example busy, try later".
    var summary: String {
        "\(code) " + lines.joined(separator: " / ")
    }

    /// EHLO extension keywords (every line after the first, upper-cased first word).
    var extensionKeywords: [String] {
        lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } }
    }
}
