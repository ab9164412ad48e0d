/// At most `limit` connections open at once per address, waiting in order of arrival: a server
/// that allows a couple of connections per client is never hit by the whole fleet's probes at once.
actor AddressLimiter {
    private let limit: Int
    private let counters: ProbeCounters
    private var open: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int, counters: ProbeCounters) {
        self.limit = limit
        self.counters = counters
    }

    /// Runs `body` holding one of the address's connection slots.
    func withSlot<Result: Sendable>(for address: String, _ body: @Sendable () async -> Result) async -> Result {
        await acquire(address)
        let result = await body()
        release(address)
        return result
    }

    private func acquire(_ address: String) async {
        if open[address, default: 0] < limit {
            open[address, default: 0] += 1
            record(address)
            return
        }
        // The slot is handed over by `release`, which keeps the count unchanged.
        await withCheckedContinuation { waiting[address, default: []].append($0) }
    }

    private func release(_ address: String) {
        if var queue = waiting[address], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[address] = queue.isEmpty ? nil : queue
            next.resume()
            return
        }
        open[address, default: 1] -= 1
        if open[address] == 0 { open[address] = nil }
    }

    private func record(_ address: String) {
        let count = open[address, default: 0]
        counters.update { $0.maximumConnectionsPerAddress = max($0.maximumConnectionsPerAddress, count) }
    }
}
