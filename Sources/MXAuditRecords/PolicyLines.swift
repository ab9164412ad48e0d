/// The lines of an MTA-STS policy body (RFC 8461 §3.2): each ends in LF or CRLF (the grammar
/// allows either, line by line), the last one optionally without an ending.
struct PolicyLines {
    struct Line {
        /// 1-based.
        let number: Int
        /// The line without its ending.
        let text: String
        /// A CR that is not part of a CRLF ending (a control character the grammar forbids).
        let hasBareCR: Bool
    }

    let lines: [Line]
    /// True when the body was longer than `RecordLimits.policyBytes` and only its start was read.
    let cut: Bool

    init(_ body: String) {
        let bounded = RecordLimits.prefix(body, bytes: RecordLimits.policyBytes)
        cut = bounded.cut
        var pieces = Array(bounded.text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        // A final line ending leaves an empty piece behind it: that is the end, not a line.
        if pieces.count > 1, pieces.last?.isEmpty == true { pieces.removeLast() }
        if pieces.count == 1, pieces[0].isEmpty { pieces.removeAll() }
        lines = pieces.enumerated().map { index, piece in
            let content = piece.last == 0x0D ? piece.dropLast() : piece
            return Line(number: index + 1, text: String(decoding: content, as: UTF8.self), hasBareCR: content.contains(0x0D))
        }
    }
}
