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
        var text = ""
        JSONText.write(value, to: &text)
        return text
    }
}

/// JSON text of a `Value`, escaped as JSONEncoder does (`.withoutEscapingSlashes`).
enum JSONText {
    static func write(_ value: Value, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .string(let string): write(string, to: &text)
        case .date(let date): write(ISO8601Text.string(date), to: &text)
        case .list(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for (index, field) in fields.enumerated() { // sorted by key already
                if index > 0 { text += "," }
                write(field.key, to: &text)
                text += ":"
                write(field.value, to: &text)
            }
            text += "}"
        }
    }

    static func write(_ string: String, to text: inout String) {
        JSONString.append(string, to: &text)
    }
}
