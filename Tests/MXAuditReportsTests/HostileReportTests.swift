import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MXAuditModel
@testable import MXAuditReports
import Testing

/// Reports built from hostile evidence: script tags, attribute breakouts (also hidden behind a
/// combining mark), control characters, noncharacters, invalid UTF-8 (as U+FFFD) and 100 KB values
/// in TXT records, banners, policy text, certificate subjects, client names and rule messages.
@Suite struct HostileReportTests {
    static let attack = [
        "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "\" onmouseover=\"alert(3)\" x=\"", "' onfocus='alert(4)",
        "\"\u{301} autofocus onfocus=\"alert(5)", "\u{0D4E}<svg onload=alert(6)>", "]]> <!-- &amp; &#0; &lt;",
        "\u{1b}[2J\u{0}\u{7}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{202e}\u{2028}", "\u{FFFE}\u{FFFF}",
        String(decoding: [0x66, 0xFF, 0xFE, 0xC3, 0x28, 0x3C, 0x73], as: UTF8.self),
    ].joined(separator: " ")
    static let huge = String(repeating: "H", count: 100_000)

    static func input() -> ReportInput {
        var texts = SampleFleet.Texts()
        texts.banner = { _ in attack + huge }
        texts.subject = { _ in "CN=" + attack + huge }
        texts.stsTXT = "v=STSv1; id=" + attack + huge
        texts.policyBody = "version: STSv1\r\nmode: enforce\r\n" + attack + "\n" + huge + "\n"
        texts.spf = "v=spf1 " + attack
        texts.messageQuote = attack + huge
        var input = SampleFleet.input(texts)
        input.clients[0].name = attack
        input.changes["acme-gmbh"]?.append(ChangeLine(kind: .regressed, sentence: attack + huge))
        return input
    }

    @Test func htmlEscapesEverythingAndCutsLongValues() throws {
        let input = Self.input()
        let pages = try input.clients.map { try HTMLReportWriter.clientPage(input, client: $0.id, templates: ReportTestSupport.templates) }
            + [try HTMLReportWriter.fleetPage(input, templates: ReportTestSupport.templates)]
        for html in pages {
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.lowercased().contains("<img"))
            #expect(!html.contains("<svg onload"))
            #expect(!html.contains("<!--"))
            ReportTestSupport.expectOnlyTemplateMarkup(html)
            // No control characters but line breaks and tabs; no bidi overrides; long values cut.
            #expect(!html.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
                || $0 == "\u{202e}" || $0 == "\u{FFFE}" || $0 == "\u{FFFF}" })
            #expect(!html.contains(String(repeating: "H", count: 5000)))
            #expect(html.utf8.count < 400_000)
        }
        let acme = pages[0]
        #expect(acme.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(acme.contains("&quot; onmouseover=&quot;alert(3)&quot;"))
        #expect(acme.contains("&quot;\u{FFFD} autofocus onfocus=&quot;alert(5)"))
        #expect(acme.contains(#"\u{1b}[2J\u{0}\u{7}"#))
        #expect(acme.contains("… [cut at 300 characters]"))  // banner, subject, TXT
        #expect(acme.contains("… [cut at 2000 characters]"))  // policy body
        #expect(acme.contains("… [cut at 4000 characters]"))  // rule message
    }

    @Test func junitIsValidXMLWithoutControlCharactersAndWithCutValues() async throws {
        let input = Self.input()
        let directory = try ReportTestSupport.scratchDirectory("hostile-junit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fleet = directory.appendingPathComponent("fleet.xml")
        try JUnitReportWriter.write(input, to: fleet)
        let files = [fleet] + (try JUnitReportWriter.writePerClient(input, directory: directory))
        for file in files {
            let data = try Data(contentsOf: file)
            // XML 1.0 allows no C0 control character but tab, line feed and carriage return.
            #expect(!data.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("<script"))
            #expect(!text.contains(String(repeating: "H", count: JUnitSuite.detailLimit + 1)))
            try await ReportTestSupport.expectValidJUnit(file)
        }
        let document = try XMLDocument(contentsOf: fleet)
        let acme = try #require(try document.nodes(forXPath: "/testsuites/testsuite[@name='acme-gmbh']").first as? XMLElement)
        let property = try #require(try acme.nodes(forXPath: "properties/property[@name='mxaudit.client_name']").first as? XMLElement)
        // Read back through libxml2, the hostile name is text again, made visible and cut.
        #expect(property.attribute(forName: "value")?.stringValue?.hasPrefix("<script>alert(1)</script> <img src=x onerror=alert(2)>") == true)
        for failure in try document.nodes(forXPath: "//failure").compactMap({ $0 as? XMLElement }) {
            let message = failure.attribute(forName: "message")?.stringValue ?? ""
            // Limits count the characters taken from the input; a control character shows as an escape of up to 10.
            #expect(message.count <= 2 * JUnitSuite.messageLimit)
            #expect((failure.stringValue ?? "").count <= 2 * JUnitSuite.detailLimit)
        }
        let quoted = try #require(try document.nodes(forXPath: "//testcase[@classname='dental-care.dentalcare_example']/failure").first as? XMLElement)
        #expect(quoted.attribute(forName: "message")?.stringValue?.hasSuffix("… [cut at 500 characters]") == true)
        #expect(quoted.stringValue?.contains(#"\u{1b}[2J\u{0}\u{7}"#) == true)
    }

    @Test func jsonKeepsHostileTextExactAndValid() throws {
        let input = Self.input()
        let data = try JSONReportWriter.data(input)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let clients = try #require(object["clients"] as? [[String: Any]])
        #expect(clients[0]["name"] as? String == Self.attack)
        // JSON escapes control characters itself: none appears raw.
        #expect(!data.contains { $0 < 0x20 && $0 != 0x0A })
    }
}
