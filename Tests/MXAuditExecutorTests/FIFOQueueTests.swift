import MXAuditExecutor
import Testing

@Suite("FIFO queue")
struct FIFOQueueTests {
    @Test func elementsLeaveInTheOrderTheyCameAcrossCompactions() {
        var queue = FIFOQueue<Int>()
        #expect(queue.isEmpty && queue.popFirst() == nil)
        var expected = 0
        var next = 0
        // Interleaved: the queue never drains, so the consumed prefix is compacted many times.
        for round in 0..<50 {
            for _ in 0..<(100 + round) {
                queue.append(next)
                next += 1
            }
            for _ in 0..<90 {
                #expect(queue.popFirst() == expected)
                expected += 1
            }
            #expect(queue.count == next - expected)
        }
        while let element = queue.popFirst() {
            #expect(element == expected)
            expected += 1
        }
        #expect(expected == next && queue.isEmpty)
    }
}
