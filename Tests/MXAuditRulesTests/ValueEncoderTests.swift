import Foundation
import MXAuditModel
import Testing
@testable import MXAuditRules

/// The tree rules read is built straight from `Encodable`; it must be exactly what decoding the
/// evidence's JSON form gives, or a rule would judge stored and fresh evidence differently.
@Suite struct ValueEncoderTests {
    private func viaJSON(_ evidence: DomainEvidence) throws -> Value {
        try Value.document(try DomainEvidence.makeEncoder().encode(evidence))
    }

    @Test func sampleEvidenceEncodesAsItsJSONFormDecodes() throws {
        let samples: [DomainEvidence] = [
            SampleEvidence.good(),
            SampleEvidence.good { $0.mx = .failed(Failure(.timeout, "no answer")) },
            SampleEvidence.good { $0.mtaSTS.policy = .absent("HTTP 404") },
            SampleEvidence.good { evidence in SampleEvidence.endpoints(&evidence) { $0.tls = .skipped("no STARTTLS") } },
        ]
        for sample in samples {
            #expect(try ValueEncoder.encode(sample) == viaJSON(sample))
        }
    }

    @Test func storedTextReadsBackAsTheSameEvidence() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t NUL \u{0} bell \u{07} ESC \u{1B}[31m bidi \u{202E} é 🙂 </script>"
        let samples: [DomainEvidence] = [
            SampleEvidence.good(),
            SampleEvidence.good { $0.mx = .failed(Failure(.protocolViolation, hostile)) },
            SampleEvidence.good { evidence in SampleEvidence.endpoints(&evidence) { $0.tls = .skipped(hostile) } },
        ]
        for sample in samples {
            let text = try #require(EvidenceDocument(sample).json)
            let readBack = try DomainEvidence.makeDecoder().decode(DomainEvidence.self, from: Data(text.utf8))
            #expect(try DomainEvidence.makeEncoder().encode(readBack) == DomainEvidence.makeEncoder().encode(sample))
            #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
        }
    }

    @Test func specialValuesFollowJSONEncoder() throws {
        struct Odd: Encodable {
            var when = Date(timeIntervalSince1970: 1_790_000_000)
            var link = URL(string: "https://mta-sts.example/.well-known/mta-sts.txt")!
            var small: UInt16 = 25
            var ratio = 2.75
            var missing: String? = nil
            var empty: [String: Int] = [:]
            var nested = [[1, 2], [3]]
        }
        let tree = try ValueEncoder.encode(Odd())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        #expect(tree == (try Value.document(try encoder.encode(Odd()))))
        #expect(tree["when"] == .string("2026-09-21T14:13:20Z"))
        #expect(tree["missing"] == .null)
        #expect(tree["ratio"] == .int(2))
    }

    /// Hand-written encoders: nested containers written after other fields, the same key twice,
    /// super encoders, lists of objects. The tree must still be what JSONEncoder writes.
    @Test func handWrittenContainersFollowJSONEncoder() throws {
        struct Nested: Encodable {
            enum Keys: String, CodingKey { case a, inner, list, again, data }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(1, forKey: .a)
                var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode("first")
                var item = list.nestedContainer(keyedBy: Keys.self)
                try item.encode(true, forKey: .a)
                try list.encode(Date(timeIntervalSince1970: 0))
                try inner.encode("late", forKey: .a)
                var sameInner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
                try sameInner.encode(Data([1, 2, 3]), forKey: .data)
                try container.encode("first", forKey: .again)
                try container.encode("second", forKey: .again)
                try item.encode(3, forKey: .again)
            }
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        #expect(try ValueEncoder.encode(Nested()) == (try Value.document(try encoder.encode(Nested()))))
        #expect(try ValueEncoder.encode([Nested(), Nested()]) == (try Value.document(try encoder.encode([Nested(), Nested()]))))
    }
}
