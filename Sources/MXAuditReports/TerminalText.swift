/// Makes text from the network safe to print on a terminal: control characters (escape sequences
/// could rewrite the screen) become visible `\u{…}` escapes, and long values are cut with a marker.
public enum TerminalText {
    public static func safe(_ text: String, limit: Int = 300) -> String {
        // Most text is short printable ASCII, which needs no change.
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        // Text with a dash or a section sign is nearly always fine too: look before rebuilding it.
        if !needsChange(text, limit: limit) { return text }
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                result += "… [cut at \(limit) characters]"
                break
            }
            if isInvisible(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }

    private static func needsChange(_ text: String, limit: Int) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > limit || isInvisible(scalar) { return true }
        }
        return false
    }

    /// Control and format characters (Cc, Cf). ASCII is decided without Unicode's tables, which
    /// are slow to consult and would be asked for every character of every non-ASCII line.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value < 0x20 || scalar.value == 0x7F }
        let category = scalar.properties.generalCategory
        return category == .control || category == .format
    }
}
