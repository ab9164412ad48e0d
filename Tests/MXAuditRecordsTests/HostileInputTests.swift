import Foundation
import MXAuditModel
import MXAuditRecords
import Testing

/// Every parser meets garbage: it must return, never trap, and keep its findings bounded.
@Suite("Parsers on hostile input")
struct HostileInputTests {
    /// A small deterministic generator (SplitMix64), so that a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let pieces = ["v=STSv1", "v=TLSRPTv1", "v=spf1", "v=DMARC1", "v=DKIM1", "id=", "rua=", "p=", "k=rsa", "mailto:", "https://",
                         "include:", "redirect=", "a:", "mx", "-all", "%{i}", "%{", "}", "%", "*.", ".", ";", "=", ":", ",", "!", "/", "//",
                         " ", "\t", "\r", "\n", "\r\n", "\u{FEFF}", "\u{0}", "é", "😀", "xn--", "mode: ", "mx: ", "max_age: ", "version: ",
                         "enforce", "STSv1", "9999999999", "192.0.2.1", "::", "[", "]", "@", "MIIB", "AAAA", "==", "a", "Z", "0", "-"]

    static func garbage(_ generator: inout Generator, length: Int) -> String {
        (0..<length).map { _ in generator.pick(pieces) }.joined()
    }

    @Test func randomTextNeverTrapsAndFindingsStayBounded() async {
        var generator = Generator(state: 0x6D78_6175_6469_7436)
        let bound = 65 // Findings.maximumPerList plus the "too many" marker
        for round in 0..<400 {
            let text = Self.garbage(&generator, length: Int(generator.next() % 200))
            let txt = TXTFixtures.txt("x.example", [[text, Self.garbage(&generator, length: 5)]])

            let policy = MTASTSPolicyParser.parse(text)
            #expect(policy.errors.count <= bound && policy.warnings.count <= bound, "round \(round)")
            if let record = STSRecordParser.discover(txt).value { #expect(record.errors.count <= bound) }
            if let record = TLSRPTParser.parse(txt).value { #expect(record.errors.count <= bound) }
            if let key = DKIMKeyParser.parse(txt).value { #expect(key.errors.count <= bound) }
            _ = MXPatternMatcher.coverage(hosts: [text, "mx.example"], patterns: policy.lenientMX + [text])

            // Evaluators whose every lookup answers more garbage.
            let answer = Self.garbage(&generator, length: 30)
            let lookup: TXTLookup = { name in TXTFixtures.txt(name, "v=spf1 include:\(name.count % 7).x.example " + answer, "v=DMARC1; " + answer) }
            if let spf = await SPFEvaluator(lookup: lookup).evaluate(domain: "x.example", txt: TXTFixtures.txt("x.example", "v=spf1 " + text)).value {
                #expect(spf.errors.count <= bound)
            }
            _ = await DMARCEvaluator(lookup: lookup).evaluate(domain: "x.example", txt: TXTFixtures.txt("_dmarc.x.example", "v=DMARC1; " + text))
        }
    }

    @Test func randomKeyBytesNeverTrap() throws {
        var generator = Generator(state: 42)
        for length in [0, 1, 2, 3, 5, 31, 32, 33, 44, 64, 140, 162, 294, 512] {
            for _ in 0..<20 {
                var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                // Keep DER-looking headers half the time, so the reader gets past the first tag.
                if length > 4 && generator.next() % 2 == 0 { bytes[0] = 0x30; bytes[1] = UInt8(truncatingIfNeeded: generator.next() % 0x90) }
                let record = "v=DKIM1; k=\(generator.pick(["rsa", "ed25519"])); p=\(Data(bytes).base64EncodedString())"
                let key = try #require(DKIMKeyParser.parse(TXTFixtures.txt("s._domainkey.x.example", record)).value)
                #expect(key.keyBits == nil || key.keyBits! <= length * 8)
            }
        }
    }

    @Test func hugeInputsAreReadOnlyToTheirBound() throws {
        let big = String(repeating: "mx: a.example\n", count: 20_000) // 280 KB
        let policy = MTASTSPolicyParser.parse(big)
        #expect(policy.errors.ids.contains("too_large"))
        #expect(policy.mx.count <= RecordLimits.policyBytes / 14 + 1)
        let longRecord = "v=STSv1; id=1; " + String(repeating: "x=y; ", count: 50_000)
        let record = try #require(STSRecordParser.discover(TXTFixtures.txt("_mta-sts.x.example", longRecord)).value)
        #expect(record.errors.ids.contains("syntax"), "more fields than the bound are refused")
        #expect(record.extensions.count <= 128)
    }
}
