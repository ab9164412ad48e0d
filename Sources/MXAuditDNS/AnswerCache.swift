import MXAuditModel

/// Validated answers about shared infrastructure (a provider's MX host addresses and TLSA, zone
/// keys), kept with their DNSSEC verdicts. The resolver already caches the response, but judging
/// it again for each of thousands of domains repeated the same signature checks; each question
/// is validated once (concurrent askers wait for the first) and kept in a bounded cache.
actor AnswerCache {
    private struct Question: Hashable {
        var name: String
        var type: UInt16
    }

    private var answers = GenerationalCache<Question, Result<DNSAnswer, Failure>>(capacity: DNSResolver.cacheCapacity)
    private var inFlight: [Question: Task<Result<DNSAnswer, Failure>, Never>] = [:]
    /// Questions answered from a validated answer (kept or on its way).
    private(set) var hits = 0

    /// The answer to (name, type), computed by `validate` unless it is known or on its way.
    func answer(_ name: String, _ type: UInt16,
                validate: @escaping @Sendable () async -> Result<DNSAnswer, Failure>) async -> Result<DNSAnswer, Failure> {
        let question = Question(name: name, type: type)
        if let known = answers[question] {
            hits += 1
            return known
        }
        if let pending = inFlight[question] {
            hits += 1
            return await pending.value
        }
        let task = Task { await validate() }
        inFlight[question] = task
        let result = await task.value
        inFlight[question] = nil
        answers[question] = result
        return result
    }
}
