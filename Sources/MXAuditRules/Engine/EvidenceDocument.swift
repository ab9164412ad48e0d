import MXAuditModel

/// One domain's evidence in its JSON form, built once: the tree the rules read and the text the
/// store keeps. Encoding the evidence a second time for the store (`JSONEncoder`) was a tenth of
/// an audit's CPU; the text written from the tree decodes to the same evidence.
public struct EvidenceDocument: Sendable {
    let root: Result<Value, Failure>

    public init(_ evidence: DomainEvidence) {
        root = RuleEngine.document(evidence)
    }

    /// The JSON text, keys sorted (nil when the evidence could not be encoded).
    public var json: String? {
        guard case .success(let value) = root else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16_384)
        JSONText.write(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// JSON text of a `Value` in UTF-8, escaped as JSONEncoder does (`.withoutEscapingSlashes`).
enum JSONText {
    static func write(_ value: Value, to bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .string(let string): JSONString.append(string, to: &bytes)
        case .date(let date): JSONString.append(ISO8601Text.string(date), to: &bytes)
        case .list(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let fields):
            bytes.append(UInt8(ascii: "{"))
            for (index, field) in fields.enumerated() { // sorted by key already
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONString.append(field.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(field.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
