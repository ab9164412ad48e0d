import MXAuditModel

/// Work that many callers ask for, done once: callers asking while it runs wait for the same
/// task, and finished values stay in a bounded `GenerationalCache`, so what many domains share (a
/// provider's keys, MX addresses, TLSA, zone delegations) is fetched and validated once while
/// each domain's own answers age out. Used for the resolver's queries, the validated answers of
/// `DNSLookup` and the chain-of-trust steps.
actor CoalescingCache<Key: Hashable & Sendable, Value: Sendable> {
    private var finished: GenerationalCache<Key, Value>
    private var inFlight: [Key: Task<Value, Never>] = [:]
    /// Calls answered from a finished value or one on its way.
    private(set) var hits = 0

    init(capacity: Int = DNSResolver.cacheCapacity) {
        finished = GenerationalCache(capacity: capacity)
    }

    /// The value for `key`, computed by `compute` unless it is known or on its way.
    /// - Parameter keep: whether the finished value is cached (otherwise only concurrent callers share it).
    /// - Returns: the value, and whether it came from the cache or a computation already running.
    func value(for key: Key, keep: Bool = true,
               compute: @escaping @Sendable () async -> Value) async -> (value: Value, shared: Bool) {
        if let known = finished[key] {
            hits += 1
            return (known, true)
        }
        if let pending = inFlight[key] {
            hits += 1
            return (await pending.value, true)
        }
        let task = Task { await compute() }
        inFlight[key] = task
        let value = await task.value
        inFlight[key] = nil
        if keep { finished[key] = value }
        return (value, false)
    }
}

/// A DNS question as the caches key it: the name lower case without the final dot.
struct DNSQuestion: Hashable, Sendable {
    var name: String
    var type: UInt16
}
