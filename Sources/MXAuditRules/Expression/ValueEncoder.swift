import Foundation
import MXAuditModel

/// Turns evidence into the `Value` tree rules read, straight from its `Encodable` conformance. The
/// result equals decoding the evidence's JSON form (`DomainEvidence.makeEncoder()`): dates as ISO
/// 8601 strings, whole numbers, absent optionals left out, an empty value as an empty object. It
/// skips the JSON text in between, which was most of the time spent judging a domain.
enum ValueEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> Value {
        let root = ValueNode()
        try root.encode(value, codingPath: [])
        return root.value
    }
}

/// One node of the tree while it is being built; containers write into it in place. A child that
/// is encoded whole (a scalar, or a nested value through `encode(_:forKey:)`) is stored as its
/// finished `Value`; only containers handed out for later writes stay nodes. Coding paths stay at
/// the root's: the evidence never throws while encoding, and an array per key was a measurable
/// share of judging.
private final class ValueNode {
    private enum Kind { case empty, scalar, object, list }
    private var kind = Kind.empty
    private var scalar = Value.null
    /// Finished fields, and fields still being written through a nested container or encoder,
    /// in the order written (sorted once, when the object is finished).
    private var fields: [ObjectFields.Field] = []
    private var openFields: [(key: String, node: ValueNode)] = []
    /// List items: finished values, or nodes still being written (`.null` placeholders in `items`).
    private var items: [Value] = []
    private var openItems: [Int: ValueNode] = [:]

    var value: Value {
        switch kind {
        case .empty: return .object([:])
        case .scalar: return scalar
        case .object:
            guard !openFields.isEmpty else { return .object(ObjectFields(unsorted: fields)) }
            return .object(ObjectFields(unsorted: fields + openFields.map { ($0.key, $0.node.value) }))
        case .list:
            guard !openItems.isEmpty else { return .list(items) }
            var all = items
            for (index, node) in openItems { all[index] = node.value }
            return .list(all)
        }
    }

    func set(_ value: Value) {
        kind = .scalar
        scalar = value
    }

    func becomeObject() { if kind != .object { kind = .object; fields = []; openFields = [] } }
    func becomeList() { if kind != .list { kind = .list; items = []; openItems = [:] } }
    var count: Int { kind == .list ? items.count : 0 }

    func setField(_ key: String, _ value: Value) {
        becomeObject()
        if !openFields.isEmpty { openFields.removeAll { $0.key == key } }
        fields.append((key, value))
    }

    /// A field written later (a nested container or a super encoder).
    func openField(_ key: String) -> ValueNode {
        becomeObject()
        if let existing = openFields.first(where: { $0.key == key }) { return existing.node }
        let node = ValueNode()
        fields.removeAll { $0.key == key }
        openFields.append((key, node))
        return node
    }

    func append(_ value: Value) {
        becomeList()
        items.append(value)
    }

    /// An item written later (a nested container or a super encoder).
    func openItem() -> ValueNode {
        becomeList()
        let node = ValueNode()
        openItems[items.count] = node
        items.append(.null)
        return node
    }

    /// The value of `value` encoded on its own.
    static func encoded<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Value {
        // JSONEncoder's special cases, by type (cheaper than a dynamic cast of every value).
        if T.self == Date.self { return .string(ISO8601Text.string(value as! Date)) }
        if T.self == String.self { return .string(value as! String) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == SMTPEndpointEvidence.self {
            return try EndpointDocuments.shared.tree(of: value as! SMTPEndpointEvidence) {
                let node = ValueNode()
                try node.encode(value, codingPath: codingPath)
                return node.value
            }
        }
        let node = ValueNode()
        try node.encode(value, codingPath: codingPath)
        return node.value
    }

    /// The special cases are JSONEncoder's: these types do not encode as their Codable structure.
    func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if T.self == Date.self || T.self == URL.self || T.self == Data.self || T.self == String.self {
            set(try Self.encoded(value, codingPath: codingPath))
        } else {
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }
}

private struct NodeEncoder: Encoder {
    let node: ValueNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeList()
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// Numbers become `.int`, as decoding the JSON form does (the evidence has no fractional numbers).
private func number<N: BinaryInteger>(_ value: N) -> Value { .int(Int(clamping: value)) }
private func number(_ value: Double) -> Value { .int(Int(exactly: value.rounded(.towardZero)) ?? 0) }

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: ValueNode
    let codingPath: [any CodingKey]

    func encodeNil(forKey key: Key) throws { node.setField(key.stringValue, .null) }
    func encode(_ value: Bool, forKey key: Key) throws { node.setField(key.stringValue, .bool(value)) }
    func encode(_ value: String, forKey key: Key) throws { node.setField(key.stringValue, .string(value)) }
    func encode(_ value: Int, forKey key: Key) throws { node.setField(key.stringValue, .int(value)) }
    func encode(_ value: Double, forKey key: Key) throws { node.setField(key.stringValue, number(value)) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.setField(key.stringValue, try ValueNode.encoded(value, codingPath: codingPath))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.openField(key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.openField(key.stringValue)
        child.becomeList()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }

    func superEncoder() -> any Encoder { NodeEncoder(node: node.openField("super"), codingPath: codingPath) }
    func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.openField(key.stringValue), codingPath: codingPath) }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: ValueNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    func encodeNil() throws { node.append(.null) }
    func encode(_ value: Bool) throws { node.append(.bool(value)) }
    func encode(_ value: String) throws { node.append(.string(value)) }
    func encode(_ value: Int) throws { node.append(.int(value)) }
    func encode(_ value: Double) throws { node.append(number(value)) }
    func encode<T: Encodable>(_ value: T) throws { node.append(try ValueNode.encoded(value, codingPath: codingPath)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.openItem()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.openItem()
        child.becomeList()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }

    func superEncoder() -> any Encoder { NodeEncoder(node: node.openItem(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: ValueNode
    let codingPath: [any CodingKey]

    func encodeNil() throws { node.set(.null) }
    func encode(_ value: Bool) throws { node.set(.bool(value)) }
    func encode(_ value: String) throws { node.set(.string(value)) }
    func encode(_ value: Int) throws { node.set(.int(value)) }
    func encode(_ value: Int8) throws { node.set(number(value)) }
    func encode(_ value: Int16) throws { node.set(number(value)) }
    func encode(_ value: Int32) throws { node.set(number(value)) }
    func encode(_ value: Int64) throws { node.set(number(value)) }
    func encode(_ value: UInt) throws { node.set(number(value)) }
    func encode(_ value: UInt8) throws { node.set(number(value)) }
    func encode(_ value: UInt16) throws { node.set(number(value)) }
    func encode(_ value: UInt32) throws { node.set(number(value)) }
    func encode(_ value: UInt64) throws { node.set(number(value)) }
    func encode(_ value: Double) throws { node.set(number(value)) }
    func encode(_ value: Float) throws { node.set(number(Double(value))) }
    func encode<T: Encodable>(_ value: T) throws { try node.encode(value, codingPath: codingPath) }
}
