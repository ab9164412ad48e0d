import Foundation
@testable import MXAuditDNS
import MXAuditModel
import Testing

/// The negative answers a domain's audit gets (no MTA-STS TXT, no TLSA, no AAAA …) prove their
/// denials with the same few NSEC or NSEC3 records of the zone; each of those signatures is
/// checked once. (The SOA RRSIG of a negative answer's authority section is not checked by
/// mxaudit at all: `DenialOfExistence` validates the NSEC/NSEC3 RRsets, which are the proof.)
@Suite("Signature checks reused against the testbed")
struct SignatureCheckReuseAgainstTestbedTests {
    /// Questions an audit asks about a domain; those that are negative in the testbed count.
    static func questions(_ zone: String) -> [(String, UInt16)] {
        [("_mta-sts.\(zone)", DNSType.txt), ("_smtp._tls.\(zone)", DNSType.txt), ("_dmarc.\(zone)", DNSType.txt),
         (zone, DNSType.tlsa), (zone, DNSType.aaaa), ("_25._tcp.\(zone)", DNSType.tlsa), ("mta-sts.\(zone)", DNSType.a)]
    }

    /// The owners of the proof RRsets `DenialOfExistence` checks in `response` (NSEC if any, else NSEC3).
    static func proofOwners(_ response: DNSResponse) throws -> Set<String> {
        let nsec = response.authority.filter { $0.type == DNSType.nsec }
        let proof = nsec.isEmpty ? response.authority.filter { $0.type == DNSType.nsec3 } : nsec
        let owners = Set(proof.map(\.name))
        for owner in owners {
            // One RRSIG per proof RRset, so each one is exactly one signature check.
            let signatures = response.authority.filter {
                $0.type == DNSType.rrsig && $0.name == owner && $0.fields.first == DNSType.name(proof[0].type)
            }
            try #require(signatures.count == 1, "\(owner) has \(signatures.count) RRSIGs over its proof record")
        }
        return owners
    }

    @Test("a zone's negative answers check each proof signature once", arguments: ["dane-rsa.test", "dane-ee.example"])
    func negativeAnswersReuseProofChecks(zone: String) async throws {
        let testbed = try Testbed.load()
        let lookup = try testbed.makeLookup()
        let cache = SignatureCheckCache(capacity: 1024)
        try await SignatureCheckCache.$current.withValue(cache) {
            // The chain of trust first, so that what follows is the denials' own work.
            let apex = try await lookup.lookup(zone, DNSType.soa).get()
            #expect(apex.dnssec.status == .secure, "\(apex.dnssec.reason ?? "")")
            var owners: [String] = []
            var negatives = 0
            var counted = SignatureCheckStatistics()
            for (name, type) in Self.questions(zone) {
                let before = cache.statistics
                let answer = try await lookup.lookup(name, type).get()
                guard answer.records.isEmpty else { continue }
                #expect(answer.dnssec.status == .secure, "\(name)/\(DNSType.name(type)): \(answer.dnssec.reason ?? "")")
                owners += try Self.proofOwners(try await lookup.resolver.query(name, type).get())
                negatives += 1
                let after = cache.statistics
                counted.checks += after.checks - before.checks
                counted.cacheHits += after.cacheHits - before.cacheHits
            }
            try #require(negatives >= 4, "the testbed's \(zone) should answer most of these questions negatively")
            let distinct = Set(owners).count
            #expect(owners.count > distinct, "the proofs of \(zone) share no record: \(owners)")
            #expect(counted == SignatureCheckStatistics(checks: distinct, cacheHits: owners.count - distinct))
        }
    }

    /// Every scenario zone (secure, insecure and each kind of bogus) judged twice with one cache:
    /// the second time every signature check comes from the cache, and every verdict and reason
    /// is the same as from the checks that ran.
    @Test func cachedChecksGiveTheSameVerdictsForEveryScenario() async throws {
        let testbed = try Testbed.load()
        // The drift domains change while DriftTests mutates them (in parallel with this suite):
        // their verdicts may rightly differ between the passes.
        let questions = try testbed.domains.filter { $0["role"] as? String != "drift" }.flatMap { domain -> [(String, UInt16)] in
            let name = try #require(domain["name"] as? String)
            return [(name, DNSType.soa), (name, DNSType.mx), ("_mta-sts.\(name)", DNSType.txt)]
        }
        let cache = SignatureCheckCache(capacity: 4096)
        func verdicts() async throws -> [DNSSECVerdict] {
            // A new lookup each time: no answer or chain-of-trust step is remembered, only the checks.
            let lookup = try testbed.makeLookup()
            var verdicts: [DNSSECVerdict] = []
            for (name, type) in questions {
                switch await lookup.lookup(name, type) {
                case .success(let answer): verdicts.append(answer.dnssec)
                case .failure(let failure): verdicts.append(DNSSECVerdict(.indeterminate, reason: "lookup failed: \(failure.message)"))
                }
            }
            return verdicts
        }
        let (checked, first) = try await SignatureCheckCache.$current.withValue(cache) { (try await verdicts(), cache.statistics) }
        let (cached, second) = try await SignatureCheckCache.$current.withValue(cache) { (try await verdicts(), cache.statistics) }
        #expect(first.checks > questions.count, "too few signature checks for \(questions.count) questions: \(first)")
        #expect(Set(checked.map(\.status)).isSuperset(of: [.secure, .insecure, .bogus]))
        for (index, question) in questions.enumerated() where checked[index] != cached[index] {
            Issue.record("\(question.0)/\(DNSType.name(question.1)): checked \(checked[index]), from the cache \(cached[index])")
        }
        #expect(second.checks == first.checks, "the second pass ran checks of its own")
        #expect(second.cacheHits - first.cacheHits == first.checks + first.cacheHits)
    }
}
