import MXAuditModel
import Testing

@Suite("Domain names and IDNs")
struct DomainNameTests {
    @Test("RFC 3492 sample strings encode and decode", arguments: [
        // (Unicode, Punycode) from RFC 3492 §7.1 and well-known IDNs.
        ("bücher", "bcher-kva"),
        ("müller", "mller-kva"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("почему", "e1aoedxv"),
    ])
    func punycode(unicode: String, encoded: String) throws {
        #expect(try Punycode.encode(unicode) == encoded)
        #expect(try Punycode.decode(encoded) == unicode)
    }

    @Test func idnIsStoredAsALabelAndShownAsULabel() throws {
        let name = try DomainName("Müller-Bäckerei.Example.")
        #expect(name.ascii == "xn--mller-bckerei-hfb76a.example")
        #expect(name.unicode == "müller-bäckerei.example")
        #expect(name.isInternationalized)
        let again = try DomainName(name.ascii)
        #expect(again == name)
        #expect(again.unicode == "müller-bäckerei.example")
    }

    @Test func plainNamesAreLowerCasedWithoutFinalDot() throws {
        let name = try DomainName("MX1.Example.COM.")
        #expect(name.ascii == "mx1.example.com")
        #expect(name.unicode == name.ascii)
        #expect(name.parent?.ascii == "example.com")
        #expect(name.prefixed(with: "_mta-sts")?.ascii == "_mta-sts.mx1.example.com")
    }

    @Test func blanksAroundANameAreTrimmedLikeFoundationsWhitespace() throws {
        // ASCII names take a path of their own; it must trim exactly what `.whitespaces` trims.
        #expect(try DomainName(" \tMail.Example. \t").ascii == "mail.example")
        #expect(try DomainName("\u{00A0}Bücher.Example\u{2003}").ascii == "xn--bcher-kva.example")
        #expect(throws: DomainName.ValidationError.empty) { try DomainName(" \t . ") }
        #expect(throws: DomainName.ValidationError.self) { try DomainName("mail.example\n") }
    }

    @Test("invalid names are rejected with the reason", arguments: [
        ("", DomainName.ValidationError.empty),
        ("a..example", .emptyLabel),
        ("-bad.example", .hyphenAtLabelEdge("-bad")),
        ("sp ace.example", .invalidCharacter(label: "sp ace", character: " ")),
        (String(repeating: "a", count: 64) + ".example", .labelTooLong(String(repeating: "a", count: 64))),
        ("xn--a.example", .invalidIDN("xn--a")),
        ("example.123", .allNumericTopLevel("123")),
    ])
    func invalid(text: String, expected: DomainName.ValidationError) {
        #expect(throws: expected) { try DomainName(text) }
    }

    @Test func overlongNameIsRejected() {
        let label = String(repeating: "a", count: 60)
        let text = Array(repeating: label, count: 5).joined(separator: ".")
        #expect(throws: DomainName.ValidationError.tooLong(text.count)) { try DomainName(text) }
    }
}
