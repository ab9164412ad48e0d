@testable import MXAuditReports
import Testing

@Suite struct ReportTextTests {
    @Test func controlAndFormatCharactersBecomeVisibleEscapes() {
        #expect(ReportText.line("a\u{1b}[31mb\u{0}c\u{202e}d") == #"a\u{1b}[31mb\u{0}c\u{202e}d"#)
        #expect(ReportText.text("line 1\r\nline 2\n\tx\u{7}") == "line 1\nline 2\n\\u{9}x\\u{7}")
        // DEL and the C1 controls too; letters and punctuation beyond ASCII stay as they are.
        #expect(TerminalText.safe("é\u{7f}ß\u{85}\u{200b}— ok") == #"é\u{7f}ß\u{85}\u{200b}— ok"#)
    }

    @Test func longValuesAreCutWithAMarker() {
        let huge = String(repeating: "A", count: 100_000)
        #expect(ReportText.line(huge) == String(repeating: "A", count: 300) + "… [cut at 300 characters]")
        #expect(ReportText.text(huge, limit: 10) == "AAAAAAAAAA\n… [cut at 10 characters]")
        let many = Array(repeating: "x", count: 500).joined(separator: "\n")
        #expect(ReportText.text(many, maxLines: 3) == "x\nx\nx\n… [cut at 3 lines]")
    }

    @Test func markupCharactersNeverHideInsideAGraphemeCluster() {
        // `"` + U+0301 is one Character: an escaper that compares Characters with `"` misses it.
        let hidden = "\"\u{301} onmouseover=\"x"
        #expect(hidden.first != "\"")
        let safe = ReportText.line(hidden)
        #expect(safe.unicodeScalars.map(\.value) == "\"\u{FFFD} onmouseover=\"x".unicodeScalars.map(\.value))
        #expect(safe.first == "\"")
        // A prepended mark (Malayalam dot reph) glues onto the character after it.
        #expect(ReportText.line("\u{0D4E}<b>").first == "\u{FFFD}")
        #expect(ReportText.line("\u{0D4E}<b>").dropFirst().first == "<")
    }

    @Test func noncharactersThatXMLForbidsAreReplaced() {
        #expect(ReportText.line("a\u{FFFE}b\u{FFFF}") == "a\u{FFFD}b\u{FFFD}")
        // Invalid UTF-8 arrives as U+FFFD and stays so.
        let decoded = String(decoding: [0x66, 0xFF, 0xC3, 0x28], as: UTF8.self)
        #expect(ReportText.line(decoded) == "f\u{FFFD}\u{FFFD}(")
    }
}
