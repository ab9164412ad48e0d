import CMXAuditLDNS
import Foundation
import MXAuditModel

/// How many RRSIG checks a cache ran and how many it answered from an earlier identical check.
public struct SignatureCheckStatistics: Sendable, Equatable {
    /// Cryptographic checks run through ldns (one per RRSIG with candidate keys, unless cached).
    public var checks = 0
    /// Checks answered from the cached result of an identical earlier check.
    public var cacheHits = 0

    public init(checks: Int = 0, cacheHits: Int = 0) {
        self.checks = checks
        self.cacheHits = cacheHits
    }
}

/// The cryptographic results of RRSIG checks, so an identical check runs once: a zone's NSEC or
/// NSEC3 records prove several denials of one domain (with NSEC3, the apex's record proves every
/// NODATA at the apex and is the closest encloser of the NXDOMAINs below it), and RRsets that the
/// answer and chain caches let through again are not checked again. Only ldns's status for the
/// bytes is kept, never the validity window: `SignatureVerifier` checks inception and expiration
/// against its clock on every use. Bounded by a `GenerationalCache`; `status(for:verify:)` is
/// synchronous and called from many threads, so the cache and the counters change only under the
/// lock (the check itself runs outside it).
public final class SignatureCheckCache: @unchecked Sendable {
    /// The cache of the process: results depend only on their inputs, so every run may share them.
    public static let shared = SignatureCheckCache()
    /// The cache the current task's checks use: `shared` unless a caller binds its own (a test, or
    /// a run that wants counters of its own).
    @TaskLocal public static var current = SignatureCheckCache.shared

    private let lock = NSLock()
    private var results: GenerationalCache<SignatureCheckKey, ldns_status>
    private var counted = SignatureCheckStatistics()

    /// - Parameter capacity: results per generation (at most twice as many are held).
    public init(capacity: Int) {
        results = GenerationalCache(capacity: capacity)
    }

    /// Bounded like the resolver's cache.
    public convenience init() { self.init(capacity: DNSResolver.cacheCapacity) }

    public var statistics: SignatureCheckStatistics { lock.withLock { counted } }

    /// The status of `verify` for `key`: cached, or computed now and kept.
    func status(for key: SignatureCheckKey, verify: () -> ldns_status) -> ldns_status {
        let known: ldns_status? = lock.withLock {
            let known = results[key]
            if known != nil { counted.cacheHits += 1 }
            return known
        }
        if let known { return known }
        let status = verify()
        lock.withLock {
            counted.checks += 1
            results[key] = status
        }
        return status
    }
}
