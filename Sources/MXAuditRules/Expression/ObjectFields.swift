/// The fields of an object of the evidence document, sorted by key once when the object is built:
/// looked up by binary search, written to JSON in order. A dictionary per object hashed every key
/// of every document (about half of building one), and the JSON text sorted each object again.
struct ObjectFields: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    typealias Field = (key: String, value: Value)

    private var fields: [Field]

    /// Fields in any order; for a key given twice, the later one counts (as a dictionary's would).
    init(unsorted: [Field]) {
        var sorted = unsorted
        sorted.sort { $0.key < $1.key }
        if sorted.count > 1, zip(sorted, sorted.dropFirst()).contains(where: { $0.key == $1.key }) {
            // Rare (an encoder writing a key twice): redo it stably, keeping each key's last field.
            let ordered = unsorted.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            sorted = []
            for (index, entry) in ordered.enumerated()
            where index + 1 == ordered.count || ordered[index + 1].element.key != entry.element.key {
                sorted.append(entry.element)
            }
        }
        fields = sorted
    }

    init(_ dictionary: [String: Value]) {
        self.init(unsorted: dictionary.map { ($0.key, $0.value) })
    }

    init(dictionaryLiteral elements: (String, Value)...) {
        self.init(unsorted: elements.map { ($0.0, $0.1) })
    }

    subscript(key: String) -> Value? {
        var low = 0
        var high = fields.count
        while low < high {
            let middle = (low + high) / 2
            if fields[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < fields.count && fields[low].key == key ? fields[low].value : nil
    }

    var count: Int { fields.count }
    var isEmpty: Bool { fields.isEmpty }
    /// The keys, sorted.
    var keys: [String] { fields.map(\.key) }

    func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    static func == (lhs: ObjectFields, rhs: ObjectFields) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
