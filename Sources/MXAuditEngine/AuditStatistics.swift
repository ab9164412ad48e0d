import Synchronization
import MXAuditExecutor
import MXAuditDNS
import MXAuditTLS

/// How much network work a run did and how much of it was shared, for `mxaudit audit --stats`
/// and the benchmark (`scripts/bench`): queries and handshakes per domain, cache hit rates.
public struct AuditStatistics: Sendable, Codable, Equatable {
    public var version = 1
    public var domains: Int
    /// Collection, judging and storing of every domain.
    public var collectSeconds: Double
    /// The whole command, reports included.
    public var wallSeconds: Double
    /// The process's malloc ("jemalloc 5.3.0-…" for the tool, see `FreedMemory.allocator`).
    public var allocator: String
    public var dns: DNS
    public var smtp: SMTP
    public var https: HTTPS

    public struct DNS: Sendable, Codable, Equatable {
        public var lookups: Int
        public var queriesSent: Int
        public var cacheHits: Int
        public var cacheMisses: Int
        public var tcpQueries: Int
        public var timeouts: Int
        public var zoneValidations: Int
        public var zoneValidationCacheHits: Int
        /// RRSIG checks run, and those answered by an identical earlier check (NSEC/NSEC3 records
        /// proving several denials). Counted for the whole process, which is the run for the CLI.
        public var signatureChecks: Int
        public var signatureCheckCacheHits: Int
    }

    public struct SMTP: Sendable, Codable, Equatable {
        public var endpointProbes: Int
        public var endpointCacheHits: Int
        public var connections: Int
        public var tlsHandshakes: Int
        /// Of `tlsHandshakes`, the capability handshakes that stopped at the server's hello.
        public var helloOnlyHandshakes: Int
        public var retries: Int
        public var maximumConnectionsPerAddress: Int
    }

    public struct HTTPS: Sendable, Codable, Equatable {
        public var policyFetches: Int
    }
}

/// Counters of the collection steps that have no client of their own to count them.
public final class CollectionCounters: Sendable {
    private let policyFetches = Atomic<Int>(0)

    public init() {}

    func policyFetchStarted() { policyFetches.add(1, ordering: .relaxed) }

    var policyFetchCount: Int { policyFetches.load(ordering: .relaxed) }
}

extension AuditEnvironment {
    /// The counters of every client of this environment, for a run of `domains` domains.
    public func statistics(domains: Int, collectSeconds: Double, wallSeconds: Double) async -> AuditStatistics {
        let resolver = await dns.lookup.resolver.statistics
        // Shared answers are served validated before they reach the resolver's own cache.
        let validatedHits = await dns.lookup.validatedAnswerHits()
        let chain = await dns.lookup.chainStatistics()
        let signatures = SignatureCheckCache.shared.statistics
        let probes = await prober.statistics
        return AuditStatistics(
            domains: domains, collectSeconds: collectSeconds, wallSeconds: wallSeconds, allocator: FreedMemory.allocator,
            dns: .init(lookups: resolver.lookups + validatedHits, queriesSent: resolver.queriesSent,
                       cacheHits: resolver.cacheHits + validatedHits,
                       cacheMisses: resolver.lookups - resolver.cacheHits, tcpQueries: resolver.tcpFallbacks,
                       timeouts: resolver.timeouts, zoneValidations: chain.delegationsValidated,
                       zoneValidationCacheHits: chain.delegationCacheHits,
                       signatureChecks: signatures.checks, signatureCheckCacheHits: signatures.cacheHits),
            smtp: .init(endpointProbes: probes.probes, endpointCacheHits: probes.cacheHits, connections: probes.connections,
                        tlsHandshakes: probes.handshakes, helloOnlyHandshakes: probes.helloOnlyHandshakes, retries: probes.retries,
                        maximumConnectionsPerAddress: probes.maximumConnectionsPerAddress),
            https: .init(policyFetches: counters.policyFetchCount))
    }
}
