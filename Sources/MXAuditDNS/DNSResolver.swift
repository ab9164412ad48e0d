import MXAuditExecutor
import MXAuditModel

/// Queries the configured resolvers with DO and CD set (bogus data must come back to be judged),
/// retries across servers, falls back to TCP on truncation, shares every in-flight query and keeps
/// answers about shared infrastructure in a bounded cache, so a provider zone used by 300 domains
/// is fetched once.
public actor DNSResolver {
    public struct Settings: Sendable {
        public var servers: [ResolverAddress]
        /// The whole budget of one lookup, over all attempts.
        public var timeout: Duration
        public var attempts: Int
        /// CD on (the default): the resolver returns bogus data for mxaudit's own validator to judge.
        /// Off only with `--dnssec resolver`, where the resolver's AD bit is trusted instead.
        public var checkingDisabled: Bool
        /// Queries on the wire at once. A validating resolver answering cache misses falls behind a
        /// burst, and datagrams beyond its socket buffer are dropped, each costing a retransmission
        /// interval; with added latency, though, this many queries in flight is the throughput.
        /// The audit passes `--concurrency`.
        public var maximumOutstandingQueries: Int

        public init(servers: [ResolverAddress], timeout: Duration = .seconds(15), attempts: Int = 3,
                    checkingDisabled: Bool = true, maximumOutstandingQueries: Int = 256) {
            self.servers = servers
            self.timeout = timeout
            self.attempts = max(1, attempts)
            self.checkingDisabled = checkingDisabled
            self.maximumOutstandingQueries = max(1, maximumOutstandingQueries)
        }
    }

    public struct Statistics: Sendable, Equatable {
        public var lookups = 0
        public var cacheHits = 0
        public var queriesSent = 0
        public var tcpFallbacks = 0
        /// Lookups that failed because no resolver answered in time (after every attempt).
        public var timeouts = 0
    }

    public let settings: Settings
    private let executor: BlockingExecutor
    /// Queries on the wire, shared by everyone who asks the same question meanwhile, and the
    /// finished answers of shared record types.
    private let answers = CoalescingCache<DNSQuestion, Result<DNSResponse, Failure>>()
    public private(set) var statistics = Statistics()

    /// Queries on the wire now (at most `settings.maximumOutstandingQueries`) and those waiting.
    private var outstandingQueries = 0
    private var waitingForQuerySlot = FIFOQueue<CheckedContinuation<Void, Never>>()

    public init(settings: Settings, executor: BlockingExecutor = .shared) {
        self.settings = settings
        self.executor = executor
    }

    /// The answer for (name, type), from the cache or the network. Names are case-insensitive and
    /// may carry a final dot.
    public func query(_ name: String, _ type: UInt16) async -> Result<DNSResponse, Failure> {
        let question = DNSQuestion(name: Self.normalise(name), type: type)
        statistics.lookups += 1
        // Answers about shared infrastructure (zone keys, delegations, MX hosts' addresses and
        // TLSA) are asked again by many domains; a domain's own names (MX, TXT, SOA …) are not.
        // Only the former are kept, so memory follows the shared infrastructure, not the fleet.
        let (result, shared) = await answers.value(for: question, keep: Self.sharedTypes.contains(type)) {
            await self.fetch(question)
        }
        if shared { statistics.cacheHits += 1 }
        return result
    }

    /// Answers per cache generation: a few thousand covers the shared infrastructure of any fleet.
    static let cacheCapacity = 4096

    /// Record types whose answers stay cached for the whole run.
    static let sharedTypes: Set<UInt16> = [DNSType.ds, DNSType.dnskey, DNSType.a, DNSType.aaaa, DNSType.tlsa, DNSType.cname]

    private func fetch(_ question: DNSQuestion) async -> Result<DNSResponse, Failure> {
        guard !settings.servers.isEmpty else { return .failure(Failure(.local, "no DNS resolver configured")) }
        let attemptBudget = settings.timeout / settings.attempts
        var lastFailure = Failure(.timeout, "no resolver answered")
        for attempt in 0..<settings.attempts {
            let server = settings.servers[attempt % settings.servers.count]
            statistics.queriesSent += 1
            await acquireQuerySlot()
            let outcome = await exchange(question, server: server, budget: attemptBudget)
            releaseQuerySlot()
            switch outcome {
            case .success(let response):
                return .success(response)
            case .failure(let failure):
                lastFailure = failure
                if failure.kind == .cancelled || failure.kind == .local { return .failure(failure) }
            }
        }
        if lastFailure.kind == .timeout { statistics.timeouts += 1 }
        return .failure(lastFailure)
    }

    private func acquireQuerySlot() async {
        guard outstandingQueries >= settings.maximumOutstandingQueries else {
            outstandingQueries += 1
            return
        }
        // The slot is handed over by `releaseQuerySlot`, which does not decrement for it.
        await withCheckedContinuation { waitingForQuerySlot.append($0) }
    }

    private func releaseQuerySlot() {
        if let next = waitingForQuerySlot.popFirst() {
            next.resume()
        } else {
            outstandingQueries -= 1
        }
    }

    private func exchange(_ question: DNSQuestion, server: ResolverAddress, budget: Duration) async -> Result<DNSResponse, Failure> {
        let deadline = ContinuousClock.now + budget
        let query: [UInt8]
        let queryID: UInt16
        do {
            let message = try DNSMessage(query: question.name + ".", type: question.type,
                                         checkingDisabled: settings.checkingDisabled)
            queryID = message.id
            query = try message.wire()
        } catch {
            return .failure(Failure(.local, "cannot build a query for \(question.name): \(error)"))
        }
        let name = question.name, type = question.type
        do {
            let (response, usedTCP) = try await Self.roundTrip(query, id: queryID, name: name, type: type, server: server,
                                                               deadline: deadline, executor: executor)
            if usedTCP { statistics.tcpFallbacks += 1 }
            return .success(response)
        } catch let failure as Failure {
            return .failure(failure)
        } catch is CancellationError {
            return .failure(Failure(.cancelled, "the lookup of \(name) was cancelled"))
        } catch {
            return .failure(Failure(.local, "\(error)"))
        }
    }

    /// One exchange and the reading of its answer. A static function runs off this actor, which
    /// every lookup of the run passes through: the UDP wait is the reactor's, a TCP fallback runs
    /// on the executor's threads, and parsing is CPU work for whichever thread resumes.
    private static func roundTrip(_ query: [UInt8], id queryID: UInt16, name: String, type: UInt16, server: ResolverAddress,
                                  deadline: ContinuousClock.Instant, executor: BlockingExecutor) async throws -> (DNSResponse, Bool) {
        var wire: [UInt8]
        var usedTCP = false
        do {
            wire = try await DNSExchange.udp(query, server: server, deadline: deadline) { answer in
                answers(answer, id: queryID, name: name, type: type)
            }
            // Truncated (TC): ask again over TCP for the whole answer.
            if wire.count > 2, wire[2] & 0x02 != 0 {
                wire = try await executor.run { token in try DNSExchange.tcp(query, server: server, deadline: deadline, token: token) }
                usedTCP = true
            }
        } catch let error as DNSExchange.Failed {
            throw error.failure
        }
        let message: DNSMessage
        do { message = try DNSMessage(wire: wire) } catch {
            throw Failure(.protocolViolation, "\(server) sent an unreadable answer for \(name)/\(DNSType.name(type)): \(error.message)")
        }
        guard answers(message, wire: wire, id: queryID, name: name, type: type) else {
            throw Failure(.protocolViolation, "\(server) did not answer \(name)/\(DNSType.name(type)): it sent \(UnmatchedAnswer.reason(wire, query: query))")
        }
        return (DNSResponse(queryName: name, queryType: type, message: message, wire: wire, server: server), usedTCP)
    }

    /// Whether wire bytes are a response to our query: same id, QR set, same question. Datagrams
    /// are checked before they are parsed; the question of an ordinary name is compared in place.
    static func answers(_ wire: [UInt8], id: UInt16, name: String, type: UInt16) -> Bool {
        guard wire.count >= 12, UInt16(wire[0]) << 8 | UInt16(wire[1]) == id, wire[2] & 0x80 != 0 else { return false }
        if let plain = QuestionSection.plainQuestion(wire) { return plain.name == name && plain.type == type }
        guard let message = try? DNSMessage(wire: wire) else { return false }
        return answers(message, wire: wire, id: id, name: name, type: type)
    }

    static func answers(_ message: DNSMessage, wire: [UInt8], id: UInt16, name: String, type: UInt16) -> Bool {
        guard wire.count >= 12, message.id == id, wire[2] & 0x80 != 0, let question = message.question.first else { return false }
        return question.name == name && question.type == type
    }

    static func normalise(_ name: String) -> String { DomainName.comparable(name) }
}
