import CMXAuditLDNS
import Foundation
@testable import MXAuditDNS
import Testing

/// The cache of RRSIG check results on recorded answers: a hit gives what a fresh check gives,
/// and any change to what ldns reads (a record, a signature byte, the key) misses it.
@Suite("Signature check cache")
struct SignatureCheckCacheTests {
    typealias Recorded = RecordedDNSSECTests

    /// One zone's recorded MX RRset, its RRSIGs and its DNSKEY set.
    struct Zone: Sendable, CustomTestStringConvertible {
        var name: String
        var mxFixture: String
        var keyFixture: String
        var testDescription: String { name }

        func inputs() throws -> (rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList) {
            let (rrset, rrsigs) = try Recorded.mx(mxFixture, owner: name)
            return (rrset, rrsigs, try Recorded.keys(keyFixture, zone: name))
        }
    }

    static let zones = [
        Zone(name: "dane-ee.example", mxFixture: "dane-ee-mx", keyFixture: "dane-ee-dnskey"), // ECDSA P-256
        Zone(name: "dane-rsa.test", mxFixture: "dane-rsa-mx", keyFixture: "dane-rsa-dnskey"), // RSA/SHA-256
    ]

    /// Verifies with `cache` as the current cache.
    static func verify(_ zone: Zone, rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList,
                       with cache: SignatureCheckCache, now: Date = Recorded.insideWindow) -> SignatureVerifier.Outcome {
        SignatureCheckCache.$current.withValue(cache) {
            SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: keys, zone: zone.name, name: zone.name,
                                     type: DNSType.mx, now: now)
        }
    }

    /// The outcome with a cache that already holds the original inputs' result, and with a fresh one.
    static func cachedAndFresh(_ zone: Zone, rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList)
        throws -> (cached: SignatureVerifier.Outcome, fresh: SignatureVerifier.Outcome, statistics: SignatureCheckStatistics) {
        let original = try zone.inputs()
        let cache = SignatureCheckCache(capacity: 16)
        #expect(verify(zone, rrset: original.rrset, rrsigs: original.rrsigs, keys: original.keys, with: cache) == .valid)
        let cached = verify(zone, rrset: rrset, rrsigs: rrsigs, keys: keys, with: cache)
        let fresh = verify(zone, rrset: rrset, rrsigs: rrsigs, keys: keys, with: SignatureCheckCache(capacity: 16))
        return (cached, fresh, cache.statistics)
    }

    /// Inputs that differ from the recorded ones in what ldns reads miss a cache that holds the
    /// recorded result, and fail as a fresh check fails.
    static func expectMiss(_ zone: Zone, rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (cached, fresh, statistics) = try cachedAndFresh(zone, rrset: rrset, rrsigs: rrsigs, keys: keys)
        #expect(cached == fresh, sourceLocation: sourceLocation)
        guard case .invalid(let reason) = cached else {
            Issue.record("changed inputs verified: \(cached)", sourceLocation: sourceLocation)
            return
        }
        let tag = LDNSRecord.rrsigKeyTag(try #require(rrsigs.records.first))
        #expect(reason.hasPrefix("RRSIG over \(zone.name)/MX does not verify with key \(tag) of \(zone.name)"), "\(reason)",
                sourceLocation: sourceLocation)
        #expect(statistics == SignatureCheckStatistics(checks: 2, cacheHits: 0), sourceLocation: sourceLocation)
    }

    /// A copy of `list` whose first record passing `where` has the bytes of RDATA field `field`
    /// changed by `change`.
    static func changed(_ list: LDNSRecordList, field: Int, where chosen: (UnsafeMutablePointer<ldns_rr>) -> Bool = { _ in true },
                        _ change: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) throws -> LDNSRecordList {
        let copy = list.copy()
        let matching = copy.records.first(where: chosen)
        let record = try #require(matching)
        let rdf = try #require(ldns_rr_rdf(record, field))
        let data = try #require(ldns_rdf_data(rdf))
        try change(UnsafeMutableBufferPointer(start: data, count: ldns_rdf_size(rdf)))
        return copy
    }

    /// An RRset that ldns signs alike (the recorded one, or one in another form) hits a cache that
    /// holds the recorded result, and verifies as a fresh check does.
    static func expectHit(_ zone: Zone, rrset: LDNSRecordList, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let inputs = try zone.inputs()
        let (cached, fresh, statistics) = try cachedAndFresh(zone, rrset: rrset, rrsigs: inputs.rrsigs, keys: inputs.keys)
        #expect(fresh == .valid, sourceLocation: sourceLocation)
        #expect(cached == fresh, sourceLocation: sourceLocation)
        #expect(statistics == SignatureCheckStatistics(checks: 1, cacheHits: 1), sourceLocation: sourceLocation)
    }

    /// `rrset` with every presentation field of every record rewritten by `rewrite`, the records reversed when asked.
    static func rewritten(_ rrset: LDNSRecordList, reversed: Bool,
                          _ rewrite: (_ index: Int, _ field: Substring) -> String) throws -> LDNSRecordList {
        let lines = rrset.presentation.split(separator: "\n").map { line in
            line.split(separator: "\t").enumerated().map { rewrite($0.offset, $0.element) }.joined(separator: "\t")
        }
        return try LDNSRecordList(presentation: (reversed ? lines.reversed() : lines).joined(separator: "\n"))
    }

    @Test("a hit gives the outcome of a fresh check", arguments: zones)
    func hitEqualsFreshCheck(zone: Zone) throws {
        try Self.expectHit(zone, rrset: try zone.inputs().rrset)
    }

    @Test("the RRset in other case and with other TTLs is the same check", arguments: zones)
    func canonicalFormHits(zone: Zone) throws {
        let rrset = try zone.inputs().rrset
        // ldns lower-cases the records and takes the RRSIG's original TTL itself; the key does the same.
        let variant = try Self.rewritten(rrset, reversed: false) { index, field in index == 1 ? "42" : field.uppercased() }
        #expect(variant.presentation != rrset.presentation)
        try Self.expectHit(zone, rrset: variant)
    }

    @Test("the RRset in another order is the same check")
    func orderDoesNotMatter() throws {
        let zone = Self.zones[0]
        let rrset = try zone.inputs().rrset
        try #require(rrset.count >= 2, "the recorded MX RRset of \(zone.name) has two records")
        let reordered = try Self.rewritten(rrset, reversed: true) { String($1) }
        #expect(reordered.presentation != rrset.presentation)
        try Self.expectHit(zone, rrset: reordered)
    }

    @Test("a changed record misses the cache and does not verify", arguments: zones)
    func changedRecordMisses(zone: Zone) throws {
        let inputs = try zone.inputs()
        let host = "mx1.\(zone.name)."
        #expect(inputs.rrset.presentation.contains(host))
        let tampered = try LDNSRecordList(presentation: inputs.rrset.presentation.replacingOccurrences(of: host, with: "evil.attacker.example."))
        try Self.expectMiss(zone, rrset: tampered, rrsigs: inputs.rrsigs, keys: inputs.keys)
    }

    @Test("an extra copy of a record misses the cache and does not verify", arguments: zones)
    func duplicatedRecordMisses(zone: Zone) throws {
        let inputs = try zone.inputs()
        let first = try #require(inputs.rrset.presentation.split(separator: "\n").first)
        let doubled = try LDNSRecordList(presentation: inputs.rrset.presentation + "\n" + first)
        try Self.expectMiss(zone, rrset: doubled, rrsigs: inputs.rrsigs, keys: inputs.keys)
    }

    @Test("a changed signature byte misses the cache and does not verify", arguments: zones)
    func changedSignatureByteMisses(zone: Zone) throws {
        let inputs = try zone.inputs()
        let forged = try Self.changed(inputs.rrsigs, field: 8) { signature in signature[signature.count / 2] ^= 0x01 }
        try Self.expectMiss(zone, rrset: inputs.rrset, rrsigs: forged, keys: inputs.keys)
    }

    @Test("a changed validity window misses the cache: the dates are signed", arguments: zones)
    func changedInceptionMisses(zone: Zone) throws {
        let inputs = try zone.inputs()
        // RDATA field 5 is the inception; a few minutes off, it is still far from the instant judged.
        let moved = try Self.changed(inputs.rrsigs, field: 5) { inception in inception[2] ^= 0x01 }
        try Self.expectMiss(zone, rrset: inputs.rrset, rrsigs: moved, keys: inputs.keys)
    }

    @Test("another key with the same tag and algorithm misses the cache", arguments: zones)
    func differentKeyMisses(zone: Zone) throws {
        let inputs = try zone.inputs()
        let tag = LDNSRecord.rrsigKeyTag(try #require(inputs.rrsigs.records.first))
        // Swapping two public-key bytes two apart keeps the key tag (a sum of 16-bit words) and the algorithm.
        let other = try Self.changed(inputs.keys, field: 3, where: { LDNSRecord.dnskeyTag($0) == tag }) { key in
            let index = try #require((4..<key.count - 2).last { key[$0] != key[$0 + 2] })
            key.swapAt(index, index + 2)
        }
        #expect(other.records.filter { LDNSRecord.dnskeyTag($0) == tag }.count == 1)
        #expect(other.presentation != inputs.keys.presentation)
        try Self.expectMiss(zone, rrset: inputs.rrset, rrsigs: inputs.rrsigs, keys: other)
    }

    @Test("a failed check is cached with its reason")
    func failureIsCached() throws {
        let zone = Self.zones[0]
        let inputs = try zone.inputs()
        let forged = try Self.changed(inputs.rrsigs, field: 8) { signature in signature[0] ^= 0x80 }
        let cache = SignatureCheckCache(capacity: 16)
        let first = Self.verify(zone, rrset: inputs.rrset, rrsigs: forged, keys: inputs.keys, with: cache)
        let second = Self.verify(zone, rrset: inputs.rrset, rrsigs: forged, keys: inputs.keys, with: cache)
        #expect(first != .valid)
        #expect(second == first)
        #expect(cache.statistics == SignatureCheckStatistics(checks: 1, cacheHits: 1))
    }

    @Test("the validity window is checked on every call, also when the result is cached")
    func expiryIsCheckedOnHits() throws {
        let zone = Self.zones[0]
        let inputs = try zone.inputs()
        let cache = SignatureCheckCache(capacity: 16)
        func verify(at now: Date) -> SignatureVerifier.Outcome {
            Self.verify(zone, rrset: inputs.rrset, rrsigs: inputs.rrsigs, keys: inputs.keys, with: cache, now: now)
        }
        #expect(verify(at: Recorded.insideWindow) == .valid)
        #expect(verify(at: Recorded.afterExpiry) == .invalid("RRSIG over dane-ee.example/MX expired 2027-12-05 00:00 UTC"))
        #expect(verify(at: Recorded.beforeInception) == .invalid("RRSIG over dane-ee.example/MX is not valid before 2026-10-31 00:00 UTC"))
        #expect(cache.statistics == SignatureCheckStatistics(checks: 1, cacheHits: 2))
    }

    @Test("the cache stays bounded and forgets what is not used again")
    func cacheIsBounded() throws {
        let inputs = try Self.zones[0].inputs()
        let cache = SignatureCheckCache(capacity: 1)
        // Three different RRSIGs (different signatures) push the first one out of both generations.
        let variants = try (0..<3).map { byte in
            try Self.changed(inputs.rrsigs, field: 8) { signature in signature[byte] ^= 0x01 }
        }
        for rrsigs in variants + [variants[0]] {
            _ = Self.verify(Self.zones[0], rrset: inputs.rrset, rrsigs: rrsigs, keys: inputs.keys, with: cache)
        }
        #expect(cache.statistics == SignatureCheckStatistics(checks: 4, cacheHits: 0))
    }

    @Test("concurrent identical checks all agree and are all counted")
    func concurrentChecks() async throws {
        let zone = Self.zones[1]
        let inputs = try zone.inputs()
        let cache = SignatureCheckCache(capacity: 16)
        let calls = 64
        let outcomes = await SignatureCheckCache.$current.withValue(cache) {
            await withTaskGroup(of: SignatureVerifier.Outcome.self) { group in
                for _ in 0..<calls {
                    group.addTask {
                        SignatureVerifier.verify(rrset: inputs.rrset, rrsigs: inputs.rrsigs, keys: inputs.keys, zone: zone.name,
                                                 name: zone.name, type: DNSType.mx, now: Recorded.insideWindow)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(outcomes.count == calls)
        #expect(outcomes.allSatisfy { $0 == .valid })
        let statistics = cache.statistics
        #expect(statistics.checks + statistics.cacheHits == calls)
        #expect(statistics.checks >= 1 && statistics.cacheHits >= 1)
    }
}
