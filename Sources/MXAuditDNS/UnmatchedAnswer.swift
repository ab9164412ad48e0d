/// Why a datagram that reached a query's socket is not the query's answer, in words for a failure
/// message. Such datagrams are ignored (they may be spoofed or late; RFC 5452), but when
/// nothing else arrives the resolver is broken, and "it sent garbage" is what an operator needs to
/// read, not "it did not answer".
enum UnmatchedAnswer {
    /// The message of a query that timed out after `count` such datagrams, the last one `last`.
    static func failure(server: ResolverAddress, count: Int, last: [UInt8], query: [UInt8]) -> String {
        let what = count == 1 ? "a datagram" : "\(count) datagrams"
        return "\(server) sent \(what) that did not answer the query and no answer in time; the last was \(reason(last, query: query))"
    }

    static func reason(_ datagram: [UInt8], query: [UInt8]) -> String {
        guard datagram.count >= 12 else { return "a \(datagram.count)-byte datagram, too short for a DNS message" }
        let id = UInt16(datagram[0]) << 8 | UInt16(datagram[1])
        let queryID = query.count >= 2 ? UInt16(query[0]) << 8 | UInt16(query[1]) : 0
        guard id == queryID else { return "an answer with message ID \(id), not \(queryID)" }
        guard datagram[2] & 0x80 != 0 else { return "a query, not a response" }
        let message: DNSMessage
        do { message = try DNSMessage(wire: datagram) } catch {
            return "\(datagram.count) bytes that are no DNS message (\(error.message))"
        }
        guard let answered = message.question.first else { return "a response without a question" }
        let asked = (try? DNSMessage(wire: query))?.question.first
        return "an answer to \(Self.text(answered)) instead of \(asked.map(Self.text) ?? "the question asked")"
    }

    private static func text(_ question: DNSRecord) -> String {
        "\(question.name.isEmpty ? "." : question.name)/\(DNSType.name(question.type))"
    }
}
