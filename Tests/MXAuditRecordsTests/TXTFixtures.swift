import MXAuditModel
import MXAuditRecords

/// TXT answers as the DNS layer hands them over, built from their character-strings.
enum TXTFixtures {
    static let dnssec = DNSSECVerdict(.insecure, zone: "example")

    /// One record per element; an element that is an array is a multi-string record.
    static func txt(_ name: String, _ records: [[String]]) -> Observation<TXTRecordSet> {
        .present(TXTRecordSet(name: name, records: records.map { TXTRecord(strings: $0) }, dnssec: dnssec))
    }

    static func txt(_ name: String, _ records: String...) -> Observation<TXTRecordSet> {
        txt(name, records.map { [$0] })
    }

    static let nxdomain: Observation<TXTRecordSet> = .absent("NXDOMAIN")
    static let servfail: Observation<TXTRecordSet> = .failed(Failure(.dnsError, "SERVFAIL from 127.60.0.53"))

    /// A TXT lookup over a table: names not in it are NXDOMAIN; every question is recorded.
    static func lookup(_ table: [String: Observation<TXTRecordSet>], log: QuestionLog? = nil) -> TXTLookup {
        { name in
            await log?.record(name)
            return table[name] ?? .absent("NXDOMAIN")
        }
    }
}

/// The names an evaluator asked for, in order.
actor QuestionLog {
    private(set) var questions: [String] = []
    func record(_ name: String) { questions.append(name) }
}

extension Array where Element == LintFinding {
    var ids: [String] { map(\.id) }
}
