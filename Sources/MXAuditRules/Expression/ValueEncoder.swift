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

/// One node of the tree while it is being built; containers write into it in place. Coding paths
/// stay at the root's: the evidence never throws while encoding, and an array per key was a
/// measurable share of judging.
private final class ValueNode {
    private enum Kind { case empty, scalar, object, list }
    private var kind = Kind.empty
    private var scalar = Value.null
    private var fields: [String: ValueNode] = [:]
    private var items: [ValueNode] = []

    var value: Value {
        switch kind {
        case .empty: return .object([:])
        case .scalar: return scalar
        case .object: return .object(fields.mapValues(\.value))
        case .list: return .list(items.map(\.value))
        }
    }

    func set(_ value: Value) {
        kind = .scalar
        scalar = value
    }

    func child(forKey key: String) -> ValueNode {
        if kind != .object { kind = .object; fields = [:] }
        if let existing = fields[key] { return existing }
        let node = ValueNode()
        fields[key] = node
        return node
    }

    func appendChild() -> ValueNode {
        if kind != .list { kind = .list; items = [] }
        let node = ValueNode()
        items.append(node)
        return node
    }

    func becomeObject() { if kind != .object { kind = .object; fields = [:] } }
    func becomeList() { if kind != .list { kind = .list; items = [] } }
    var count: Int { kind == .list ? items.count : 0 }

    /// The special cases are JSONEncoder's: these types do not encode as their Codable structure.
    func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date: set(.string(ISO8601Text.string(date)))
        case let url as URL: set(.string(url.absoluteString))
        case let data as Data: set(.string(data.base64EncodedString()))
        default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
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

    func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set(.null) }
    func encode(_ value: Bool, forKey key: Key) throws { node.child(forKey: key.stringValue).set(.bool(value)) }
    func encode(_ value: String, forKey key: Key) throws { node.child(forKey: key.stringValue).set(.string(value)) }
    func encode(_ value: Int, forKey key: Key) throws { node.child(forKey: key.stringValue).set(.int(value)) }
    func encode(_ value: Double, forKey key: Key) throws { node.child(forKey: key.stringValue).set(number(value)) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.child(forKey: key.stringValue).encode(value, codingPath: codingPath)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(forKey: key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(forKey: key.stringValue)
        child.becomeList()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }

    func superEncoder() -> any Encoder { NodeEncoder(node: node.child(forKey: "super"), codingPath: codingPath) }
    func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath) }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: ValueNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    func encodeNil() throws { node.appendChild().set(.null) }
    func encode(_ value: Bool) throws { node.appendChild().set(.bool(value)) }
    func encode(_ value: String) throws { node.appendChild().set(.string(value)) }
    func encode(_ value: Int) throws { node.appendChild().set(.int(value)) }
    func encode(_ value: Double) throws { node.appendChild().set(number(value)) }
    func encode<T: Encodable>(_ value: T) throws { try node.appendChild().encode(value, codingPath: codingPath) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.appendChild()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.appendChild()
        child.becomeList()
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }

    func superEncoder() -> any Encoder { NodeEncoder(node: node.appendChild(), codingPath: codingPath) }
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
