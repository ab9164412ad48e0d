import MXAuditModel

/// Chooses, among the TXT records at one name, those that carry a protocol's version tag, as
/// RFC 8461 §3.1, RFC 8460 §3, RFC 7208 §4.5 and RFC 7489 §6.6.3 do: other records are
/// discarded, none left means "not published", and more than one is the caller's error to report.
enum VersionedTXT {
    /// The joined text of every record at `txt` that `matches` accepts, each cut to
    /// `RecordLimits.txtBytes`; `.absent` when none does, other outcomes passed through.
    static func select(_ txt: Observation<TXTRecordSet>, protocolName: String,
                       matches: (String) -> Bool) -> Observation<[String]> {
        txt.flatMap { set in
            let texts = set.records.map { RecordLimits.prefix($0.joined, bytes: RecordLimits.txtBytes).text }
            let chosen = texts.filter(matches)
            guard !chosen.isEmpty else {
                let others = texts.isEmpty ? "no TXT records" : "\(texts.count) TXT record\(texts.count == 1 ? "" : "s"), none of them \(protocolName)"
                return .absent("\(set.name) has \(others)")
            }
            return .present(chosen)
        }
    }

    /// Discovery where exactly one versioned record must remain (RFC 8460, RFC 8461, RFC 7208,
    /// RFC 7489): `single` reads the one record, `multiple` builds the record that carries the
    /// error `multiple_records`, whose message ends with `consequence`.
    static func discover<Record>(_ txt: Observation<TXTRecordSet>, protocolName: String, consequence: String = noPolicy,
                                 matches: (String) -> Bool, single: (String) async -> Record,
                                 multiple: (LintFinding) -> Record) async -> Observation<Record> {
        await select(txt, protocolName: protocolName, matches: matches).flatMap { texts in
            .present(texts.count == 1 ? await single(texts[0]) : multiple(multipleRecords(texts, protocolName, consequence)))
        }
    }

    /// The synchronous form of `discover`, for parsers that look nothing further up.
    static func discover<Record>(_ txt: Observation<TXTRecordSet>, protocolName: String, consequence: String = noPolicy,
                                 matches: (String) -> Bool, single: (String) -> Record,
                                 multiple: (LintFinding) -> Record) -> Observation<Record> {
        select(txt, protocolName: protocolName, matches: matches).map { texts in
            texts.count == 1 ? single(texts[0]) : multiple(multipleRecords(texts, protocolName, consequence))
        }
    }

    static let noPolicy = "mail servers act as if there were none"

    private static func multipleRecords(_ texts: [String], _ protocolName: String, _ consequence: String) -> LintFinding {
        LintFinding(id: "multiple_records", message: "\(texts.count) \(protocolName) records are published ("
            + texts.map { "\"\($0.prefix(200))\"" }.joined(separator: ", ") + "); exactly one is allowed, so " + consequence)
    }
}

extension Observation {
    /// Continues with a present value; absence, failure and skipping pass through unchanged.
    func flatMap<T>(_ transform: (Value) -> Observation<T>) -> Observation<T> {
        switch self {
        case .present(let value): return transform(value)
        case .absent(let reason): return .absent(reason)
        case .failed(let failure): return .failed(failure)
        case .skipped(let reason): return .skipped(reason)
        }
    }

    /// The asynchronous form of `flatMap`, for evaluators that look further records up.
    func flatMap<T>(_ transform: (Value) async -> Observation<T>) async -> Observation<T> {
        switch self {
        case .present(let value): return await transform(value)
        case .absent(let reason): return .absent(reason)
        case .failed(let failure): return .failed(failure)
        case .skipped(let reason): return .skipped(reason)
        }
    }
}
