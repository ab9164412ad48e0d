import MXAuditModel
import MXAuditRecords
import Testing

@Suite("MTA-STS policy parser (RFC 8461 §3.2): strict and lenient readings")
struct MTASTSPolicyParserTests {
    private static let valid = ["version: STSv1", "mode: enforce", "mx: mx1.example.com", "mx: *.example.net", "max_age: 604800"]

    private func parse(_ lines: [String], ending: String = "\n", final: Bool = true) -> MTASTSPolicy {
        MTASTSPolicyParser.parse(lines.joined(separator: ending) + (final ? ending : ""))
    }

    private func expectCleanValidPolicy(_ policy: MTASTSPolicy, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(policy.isValid, "\(policy.errors)", sourceLocation: sourceLocation)
        #expect(policy.warnings.isEmpty, "\(policy.warnings)", sourceLocation: sourceLocation)
        #expect(policy.version == "STSv1", sourceLocation: sourceLocation)
        #expect(policy.mode == .enforce, sourceLocation: sourceLocation)
        #expect(policy.mx == ["mx1.example.com", "*.example.net"], sourceLocation: sourceLocation)
        #expect(policy.maxAge == 604_800, sourceLocation: sourceLocation)
        #expect(policy.lenientMode == .enforce && policy.lenientMaxAge == 604_800, sourceLocation: sourceLocation)
        #expect(policy.lenientMX == ["mx1.example.com", "*.example.net"], sourceLocation: sourceLocation)
    }

    @Test func lineEndingsLFAndCRLFWithAndWithoutFinalNewline() {
        expectCleanValidPolicy(parse(Self.valid, ending: "\n"))
        expectCleanValidPolicy(parse(Self.valid, ending: "\r\n"))
        expectCleanValidPolicy(parse(Self.valid, ending: "\n", final: false))
        expectCleanValidPolicy(parse(Self.valid, ending: "\r\n", final: false))
        // The grammar allows LF or CRLF per line, so a mix is valid too.
        expectCleanValidPolicy(MTASTSPolicyParser.parse("version: STSv1\r\nmode: enforce\nmx: mx1.example.com\r\nmx: *.example.net\nmax_age: 604800\r\n"))
    }

    @Test func whitespaceAfterTheColonAndAtTheEndIsPartOfTheGrammar() {
        expectCleanValidPolicy(parse(["version:STSv1", "mode:   enforce \t", "mx:\tmx1.example.com", "mx: *.example.net  ", "max_age: 604800"]))
    }

    @Test func whitespaceAroundTheKeyIsOnlyReadByLenientSenders() {
        let policy = parse(["version: STSv1", "mode : enforce", " mx: mx1.example.com", "max_age: 86400"])
        #expect(policy.mode == nil)
        #expect(policy.mx.isEmpty)
        #expect(policy.errors.filter { $0.id == "syntax" }.compactMap(\.line) == [2, 3])
        #expect(policy.lenientMode == .enforce)
        #expect(policy.lenientMX == ["mx1.example.com"])
        #expect(policy.warnings.filter { $0.id == "lenient_reading" }.compactMap(\.line) == [2, 3])
    }

    @Test func duplicateKeysKeepTheFirst() {
        let policy = parse(["version: STSv1", "mode: testing", "mode: enforce", "mx: mx1.example.com", "max_age: 86400", "max_age: 1"])
        #expect(policy.isValid)
        #expect(policy.mode == .testing && policy.lenientMode == .testing)
        #expect(policy.maxAge == 86_400 && policy.lenientMaxAge == 86_400)
        #expect(policy.warnings.filter { $0.id == "duplicate_key" }.compactMap(\.line) == [3, 6])
    }

    @Test func unknownKeysAreIgnoredAndKept() {
        let policy = parse(Self.valid + ["x-contact: postmaster@example.com", "comment: two words"])
        #expect(policy.isValid)
        #expect(policy.warnings.isEmpty)
        #expect(policy.extensions == ["x-contact": "postmaster@example.com", "comment": "two words"])
    }

    @Test func anIPAddressInMXCoversNothing() {
        for address in ["192.0.2.25", "2001:db8::25"] {
            let policy = parse(["version: STSv1", "mode: enforce", "mx: \(address)", "max_age: 86400"])
            #expect(policy.errors.ids == ["mx_ip_address"], "\(address): \(policy.errors)")
            #expect(policy.errors.first?.line == 3)
            #expect(policy.mx.isEmpty && policy.lenientMX.isEmpty)
        }
    }

    @Test func upperCaseModeIsInvalidStrictlyAndEnforceLeniently() {
        let policy = parse(["version: STSv1", "mode: Enforce", "mx: mx1.example.com", "max_age: 86400"])
        #expect(policy.errors.ids == ["mode_invalid"])
        #expect(policy.errors.first?.line == 2)
        #expect(policy.mode == nil)
        #expect(policy.lenientMode == .enforce)
        #expect(policy.warnings.map(\.line) == [2])
    }

    @Test func upperCaseKeyIsAnUnknownFieldStrictly() {
        let policy = parse(["version: STSv1", "Mode: enforce", "mx: mx1.example.com", "max_age: 86400"])
        #expect(policy.errors.ids == ["mode_missing"])
        #expect(policy.extensions == ["Mode": "enforce"])
        #expect(policy.lenientMode == .enforce)
        #expect(policy.warnings.ids == ["lenient_reading"])
        #expect(policy.warnings.first?.line == 2)
    }

    @Test(arguments: [
        ("31557600", 31_557_600, nil, 31_557_600),
        ("31557601", nil, "max_age_out_of_range", 31_557_600),
        ("9999999999", nil, "max_age_out_of_range", 31_557_600),      // ten digits: the grammar's maximum
        ("99999999999", nil, "max_age_invalid", 31_557_600),          // eleven digits
        ("0", 0, nil, 0),
        ("-1", nil, "max_age_invalid", nil),
        ("1w", nil, "max_age_invalid", nil),
    ] as [(String, Int?, String?, Int?)])
    func maxAgeIsRejectedAboveTheMaximumAndCappedLeniently(value: String, strict: Int?, error: String?, lenient: Int?) {
        let policy = parse(["version: STSv1", "mode: testing", "mx: mx1.example.com", "max_age: \(value)"])
        #expect(policy.maxAge == strict)
        #expect(policy.lenientMaxAge == lenient)
        #expect(policy.errors.ids == (error.map { [$0] } ?? []))
        if error != nil && lenient != nil {
            #expect(policy.warnings.map(\.line) == [4], "every difference is a warning with its line")
        }
    }

    @Test func blankLinesAreOutsideTheGrammar() {
        let policy = parse(["version: STSv1", "", "mode: enforce", "mx: mx1.example.com", "max_age: 86400"])
        #expect(policy.errors.ids == ["syntax"])
        #expect(policy.errors.first?.line == 2)
        #expect(policy.warnings.ids == ["lenient_blank_line"])
        #expect(policy.mode == .enforce && policy.lenientMode == .enforce)
        // A final line ending followed by a second one is a blank last line.
        #expect(MTASTSPolicyParser.parse(Self.valid.joined(separator: "\n") + "\n\n").errors.first?.line == 6)
    }

    @Test func aLineWithoutColonLosesItsField() {
        // The testbed's sts-policy-syntax.example: "mode enforce" has no colon, so there is no mode.
        let policy = MTASTSPolicyParser.parse("version: STSv1\nmode enforce\nmx: *.bulkmail.insecure\nmax_age: 604800\n")
        #expect(policy.errors.ids == ["syntax", "mode_missing"])
        #expect(policy.errors.first?.line == 2)
        #expect(policy.mode == nil && policy.lenientMode == nil)
    }

    @Test func requiredFields() {
        #expect(parse(["mode: none", "max_age: 86400"]).errors.ids == ["version_missing"])
        #expect(parse(["version: STSv1", "mode: none", "max_age: 86400"]).isValid, "mode none needs no mx")
        #expect(parse(["version: STSv1", "mode: enforce", "max_age: 86400"]).errors.ids == ["mx_missing"])
        #expect(parse(["version: STSv1", "mode: testing", "mx: a.example"]).errors.ids == ["max_age_missing"])
        #expect(parse(["version: STSv2", "mode: none", "max_age: 1"]).errors.ids == ["version_invalid"])
        #expect(MTASTSPolicyParser.parse("").errors.ids == ["version_missing", "mode_missing", "max_age_missing"])
    }

    @Test func mxPatterns() {
        let policy = parse(["version: STSv1", "mode: enforce", "mx: MX1.Example.COM", "mx: mx2.example.com.", "mx: *.*.example.com",
                            "mx: mail*.example.com", "mx: under_score.example.com", "max_age: 86400"])
        #expect(policy.mx == ["MX1.Example.COM"])
        #expect(policy.errors.ids == ["mx_invalid", "mx_invalid", "mx_invalid", "mx_invalid"])
        #expect(policy.errors.compactMap(\.line) == [4, 5, 6, 7])
        // The lenient reading strips the final dot and compares in lower case.
        #expect(policy.lenientMX == ["mx1.example.com", "mx2.example.com"])
        #expect(policy.warnings.map(\.line) == [4])
    }

    @Test func byteOrderMarkAndBareCR() {
        let bom = MTASTSPolicyParser.parse("\u{FEFF}" + Self.valid.joined(separator: "\n"))
        #expect(bom.errors.ids == ["syntax", "version_missing"])
        #expect(bom.warnings.map(\.line) == [1])
        let bareCR = MTASTSPolicyParser.parse("version: STSv1\nmode: enforce\rmx: a.example\nmax_age: 86400\nmx: a.example")
        #expect(bareCR.errors.first?.line == 2)
        #expect(bareCR.mode == nil)
    }

    @Test func everyWarningCarriesItsLine() {
        let messy = "\u{FEFF}Version: stsv1\r\n mode : Testing\r\n\r\nmx: A.example.\r\nmax_age: 99999999999\r\nmode: enforce\r\n"
        let policy = MTASTSPolicyParser.parse(messy)
        #expect(!policy.isValid)
        #expect(policy.lenientMode == .testing)
        #expect(policy.lenientMX == ["a.example"])
        #expect(policy.lenientMaxAge == 31_557_600)
        #expect(!policy.warnings.isEmpty)
        #expect(policy.warnings.allSatisfy { $0.line != nil })
    }

    @Test func anOversizedBodyIsReadOnlyToTheBound() {
        let body = Self.valid.joined(separator: "\n") + "\n" + String(repeating: "x-pad: \(String(repeating: "a", count: 100))\n", count: 1000)
        let policy = MTASTSPolicyParser.parse(body)
        #expect(policy.errors.ids.contains("too_large"))
        #expect(policy.mode == .enforce)
    }

    // MARK: policy(from:) — only a 200 over a valid certificate yields a policy

    private func fetch(status: Int?, valid: Bool = true, problem: String? = nil, body: String = "", redirect: String? = nil) -> Observation<HTTPFetch> {
        .present(HTTPFetch(url: "https://mta-sts.example.com/.well-known/mta-sts.txt", address: "127.60.1.1", status: status,
                           contentType: "text/plain", redirectLocation: redirect, body: body, bodyBytes: body.utf8.count,
                           truncated: false, tlsVersion: "TLSv1.3", certificate: nil,
                           webPKI: CertificateVerdict(valid: valid, problem: problem)))
    }

    @Test func onlyA200OverAValidCertificateCounts() throws {
        let body = Self.valid.joined(separator: "\n")
        let policy = try #require(MTASTSPolicyParser.policy(from: fetch(status: 200, body: body)).value)
        #expect(policy.isValid)
        guard case .absent(let redirect) = MTASTSPolicyParser.policy(from: fetch(status: 301, body: body, redirect: "https://mta-sts.example.com/x")) else {
            Issue.record("a redirect must give no policy"); return
        }
        #expect(redirect.contains("301") && redirect.contains("https://mta-sts.example.com/x"))
        guard case .absent(let certificate) = MTASTSPolicyParser.policy(from: fetch(status: nil, valid: false, problem: "expired")) else {
            Issue.record("a failed certificate must give no policy"); return
        }
        #expect(certificate.contains("expired"))
        #expect(MTASTSPolicyParser.policy(from: .failed(Failure(.timeout, "slow"))).failure?.kind == .timeout)
        #expect(MTASTSPolicyParser.policy(from: .absent("HTTP 404")) == .absent("HTTP 404"))
    }
}
