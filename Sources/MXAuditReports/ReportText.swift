/// Makes hostile text (anything that came from the network, and rule messages that quote it) safe
/// for HTML and XML reports: control and format characters become visible `\u{…}` escapes
/// (`TerminalText`), long values are cut with a marker, and no markup character hides inside a
/// grapheme cluster. The escaping itself is the template engine's (HTML) or libxml2's (XML) job.
enum ReportText {
    /// For one-line values: a TXT record, a banner line, a certificate subject, a URL.
    static let lineLimit = 300
    /// For rule messages, policy bodies and other text with lines.
    static let textLimit = 4000
    static let lineCountLimit = 200

    /// One line of text; line breaks inside it are shown as escapes.
    static func line(_ text: String, limit: Int = lineLimit) -> String {
        markupSafe(TerminalText.safe(text, limit: limit))
    }

    /// Text whose line breaks are kept (LF or CRLF): at most `limit` characters and `maxLines` lines.
    static func text(_ text: String, limit: Int = textLimit, maxLines: Int = lineCountLimit) -> String {
        let scalars = text.unicodeScalars
        let cutByLength = scalars.count > limit
        let kept = cutByLength ? String(String.UnicodeScalarView(scalars.prefix(limit))) : text
        // Split on scalars: "\r\n" is a single Character, which a split on "\n" would not find.
        var lines = kept.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            TerminalText.safe(String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line)), limit: .max)
        }
        var marker: String?
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            marker = "… [cut at \(maxLines) lines]"
        } else if cutByLength {
            marker = "… [cut at \(limit) characters]"
        }
        return markupSafe(lines.joined(separator: "\n") + (marker.map { "\n" + $0 } ?? ""))
    }

    /// Swift's (and the template engine's) unit is the grapheme cluster, so `"` followed by a
    /// combining mark is one Character that an escaper comparing Characters with `"` misses, and an
    /// attribute could be broken out of. Such clusters are split: the markup character stays,
    /// the scalars glued to it become U+FFFD. U+FFFE and U+FFFF, which XML forbids, become U+FFFD too.
    static func markupSafe(_ text: String) -> String {
        // In ASCII only CR LF shares a cluster, and neither is markup.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = String.UnicodeScalarView()
        for character in text {
            let scalars = character.unicodeScalars
            let hidesMarkup = scalars.count > 1 && scalars.contains { markupScalars.contains($0) }
            for scalar in scalars {
                if scalar == "\u{FFFE}" || scalar == "\u{FFFF}" || (hidesMarkup && !markupScalars.contains(scalar)) {
                    result.append("\u{FFFD}")
                } else {
                    result.append(scalar)
                }
            }
        }
        return String(result)
    }

    private static let markupScalars: Set<Unicode.Scalar> = ["<", ">", "&", "\"", "'"]
}
