/// The type of a value in the JSON form of the evidence, as rule expressions see it. The type
/// checker uses it to reject unknown fields and mismatched comparisons before any network work.
public indirect enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case bool
    case int
    case string
    /// An ISO 8601 instant (a JSON string); compared and measured in days.
    case date
    /// A string with a closed set of values: comparisons with other literals are type errors.
    case enumeration(String, [String])
    case list(ValueType)
    /// A JSON object with arbitrary keys (`versions`, `ciphers`, `extensions`), read with `x["key"]`.
    case map(ValueType)
    case object(ObjectType)
    /// `{status, value | reason | error}`: read through, it yields the value (see docs/rules.md).
    case observation(ValueType)
    /// May be missing from the JSON (null).
    case optional(ValueType)
    /// The literal `null`.
    case null

    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int: return "int"
        case .string: return "string"
        case .date: return "date"
        case .enumeration(let name, _): return name
        case .list(let element): return "list of \(element)"
        case .map(let element): return "map of \(element)"
        case .object(let object): return object.name
        case .observation(let value): return "observation of \(value)"
        case .optional(let value): return "optional \(value)"
        case .null: return "null"
        }
    }

    /// The type without `optional` (a value that may be null is compared by its underlying type).
    var unwrappedOptional: ValueType {
        if case .optional(let inner) = self { return inner.unwrappedOptional }
        return self
    }

    /// What reading through an observation yields: its value, or null when it is absent.
    var readThrough: ValueType {
        if case .observation(let inner) = self { return .optional(inner).flattened }
        return self
    }

    /// `optional(optional(T))` is `optional(T)`; `optional(null)` is `null`.
    var flattened: ValueType {
        guard case .optional(let inner) = self else { return self }
        switch inner {
        case .optional, .null: return inner.flattened
        default: return self
        }
    }

    var isOptional: Bool {
        if case .optional = self { return true }
        return self == .null
    }

    /// Makes a type optional (a path that went through an optional or an observation).
    func optionalized() -> ValueType {
        switch self {
        case .optional, .null: return self
        default: return .optional(self)
        }
    }
}

/// An object of the evidence JSON: its fields in the order the documentation lists them.
public struct ObjectType: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let type: ValueType
    }

    public let name: String
    public let fields: [Field]

    public init(_ name: String, _ fields: [(String, ValueType)]) {
        self.name = name
        self.fields = fields.map { Field(name: $0.0, type: $0.1) }
    }

    public subscript(field: String) -> ValueType? { fields.first { $0.name == field }?.type }

    public var fieldNames: [String] { fields.map(\.name) }

    /// Object types are named once in the schema: the name identifies them.
    public static func == (lhs: ObjectType, rhs: ObjectType) -> Bool { lhs.name == rhs.name }
}
