import Foundation
import MXAuditModel

/// A value of the evidence JSON (or computed from it) while a rule is evaluated.
enum Value: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case date(Date)
    case list([Value])
    case object(ObjectFields)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            // The evidence has no fractional numbers; keep any that appear as whole numbers.
            self = .int(Int(exactly: value.rounded(.towardZero)) ?? 0)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Value].self) {
            self = .list(value)
        } else {
            self = .object(ObjectFields(try container.decode([String: Value].self)))
        }
    }

    /// The JSON form of a stored evidence document, ready to be judged.
    static func document(_ data: Data) throws -> Value {
        try JSONDecoder().decode(Value.self, from: data)
    }

    subscript(key: String) -> Value {
        if case .object(let fields) = self { return fields[key] ?? .null }
        return .null
    }

    var list: [Value] {
        if case .list(let items) = self { return items }
        return []
    }

    var isNull: Bool { self == .null }

    /// Truth in a condition: only `true` is true (null, the value of something absent, is false).
    var isTrue: Bool { self == .bool(true) }

    /// How a value is quoted in a message.
    var text: String {
        switch self {
        case .null: return "none"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .string(let value): return value
        case .date(let value): return ISO8601Text.string(value)
        case .list(let items): return items.map(\.text).joined(separator: ", ")
        case .object(let fields): return fields.map { "\($0.key)=\($0.value.text)" }.joined(separator: " ")
        }
    }
}
