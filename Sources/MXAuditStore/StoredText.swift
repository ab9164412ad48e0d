/// Text for the history's TEXT columns. GRDB hands a Swift string to SQLite as a C string, so a
/// NUL would end it there and silently drop the rest: a server could hide the end of a message
/// that quotes it. A NUL is stored as `\u{0}`, the escape the reports show for control characters.
enum StoredText {
    static func column(_ text: String) -> String {
        // A byte scan: `String.contains(String)` goes through Foundation and showed in audit profiles.
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\\u{0}") : text
    }
}
