/// A cache bounded by entry count that keeps what is used again and forgets what is not, in O(1):
/// entries live in a young and an old generation; when the young one is full it becomes the old
/// one and the previous old one is dropped. A hit in the old generation moves the entry back to the
/// young one. So shared infrastructure (a provider's keys and MX addresses, asked by thousands of
/// domains) stays, while each domain's own answers age out and memory stays flat as a fleet grows.
public struct GenerationalCache<Key: Hashable, Value> {
    public let capacity: Int
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]

    /// - Parameter capacity: entries per generation; at most twice as many are held.
    public init(capacity: Int) {
        precondition(capacity > 0, "a cache needs room for at least one entry")
        self.capacity = capacity
    }

    public var count: Int { young.count + old.count }

    public subscript(key: Key) -> Value? {
        mutating get {
            if let value = young[key] { return value }
            guard let value = old.removeValue(forKey: key) else { return nil }
            insert(key, value)
            return value
        }
        set {
            if let newValue {
                old[key] = nil
                insert(key, newValue)
            } else {
                young[key] = nil
                old[key] = nil
            }
        }
    }

    private mutating func insert(_ key: Key, _ value: Value) {
        if young[key] == nil, young.count >= capacity {
            old = young
            young = [:]
            young.reserveCapacity(capacity)
        }
        young[key] = value
    }
}

extension GenerationalCache: Sendable where Key: Sendable, Value: Sendable {}
