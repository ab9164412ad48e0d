/// A first-in, first-out queue with O(1) amortised removal from the front: an array read from a
/// moving head, compacted once the consumed part is more than half of it. (`removeFirst` on an
/// array moves every element behind it.)
public struct FIFOQueue<Element> {
    private var elements: [Element] = []
    private var head = 0

    public init() {}

    public var isEmpty: Bool { head == elements.count }
    public var count: Int { elements.count - head }

    public mutating func append(_ element: Element) {
        elements.append(element)
    }

    /// The oldest element, removed; nil when the queue is empty.
    public mutating func popFirst() -> Element? {
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }
}

extension FIFOQueue: Sendable where Element: Sendable {}
