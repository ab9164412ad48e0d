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
        case .date(let date): write(date.formatted(.iso8601), to: &text)
        case .list(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, to: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                write(key, to: &text)
                text += ":"
                write(fields[key]!, to: &text)
            }
            text += "}"
        }
    }

    static func write(_ string: String, to text: inout String) {
        text += "\""
        var plain = true
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case "\u{08}": text += "\\b"
                case "\u{0C}": text += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
