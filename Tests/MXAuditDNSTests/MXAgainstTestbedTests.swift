import Foundation
import MXAuditDNS
import MXAuditModel
import Testing

@Suite("MX, addresses and TLSA against the testbed catalogue", .serialized)
struct MXAgainstTestbedTests {
    /// The catalogue's word for what the TLSA evidence shows.
    static func tlsaWord(_ observation: Observation<TLSAEvidence>) -> String {
        switch observation {
        case .present(let evidence): return evidence.dnssec.status == .secure ? "present" : evidence.dnssec.status.rawValue
        case .absent, .skipped: return "absent"
        case .failed(let failure): return failure.kind == .bogus ? "bogus" : "error: \(failure)"
        }
    }

    @Test func everyScenarioMatchesItsMXAndTLSAFacts() async throws {
        let testbed = try Testbed.load()
        let collector = MXCollector(dns: DNSObservations(lookup: try testbed.makeLookup()))
        var checkedHosts = 0
        for domain in testbed.domains {
            let name = try #require(domain["name"] as? String)
            let expect = domain["expect"] as? [String: Any] ?? [:]
            guard let kind = expect["mx"] as? String else { continue }
            let observation = await collector.collect(domain: name)
            let evidence = try #require(observation.value, "\(name): MX evidence is \(observation)")
            #expect(evidence.kind.rawValue == kind, "\(name): MX kind")
            let expectedHosts = expect["mx_hosts"] as? [[String: Any]] ?? []
            #expect(Set(evidence.hosts.map(\.name)) == Set(expectedHosts.compactMap { $0["name"] as? String }), "\(name): MX hosts")
            for expected in expectedHosts {
                let hostName = try #require(expected["name"] as? String)
                guard let host = evidence.hosts.first(where: { $0.name == hostName }) else { continue }
                checkedHosts += 1
                if let preference = expected["preference"] as? Int { #expect(host.preference == preference, "\(name) \(hostName): preference") }
                #expect(host.cnameTarget == expected["cname_target"] as? String, "\(name) \(hostName): CNAME target")
                if let dnssec = expected["dnssec"] as? String {
                    #expect(host.ipv4.value?.dnssec.status.rawValue == dnssec, "\(name) \(hostName): address DNSSEC \(String(describing: host.ipv4))")
                }
                if let tlsa = expected["tlsa"] as? String {
                    let word = Self.tlsaWord(host.tlsa)
                    // "mismatch" is a DANE fact (issue #5); in DNS the RRset is present and secure.
                    #expect(word == (tlsa == "mismatch" ? "present" : tlsa), "\(name) \(hostName): TLSA \(host.tlsa)")
                }
            }
        }
        #expect(checkedHosts > 20)
    }

    @Test func nullMXHasNoHostsAndImplicitMXIsTheDomain() async throws {
        let testbed = try Testbed.load()
        let collector = MXCollector(dns: DNSObservations(lookup: try testbed.makeLookup()))
        let null = try #require(await collector.collect(domain: "null-mx.example").value)
        #expect(null.kind == .nullMX)
        #expect(null.hosts.isEmpty)
        #expect(null.records == [MXRecord(preference: 0, exchange: ".")])
        let implicit = try #require(await collector.collect(domain: "implicit-mx.example").value)
        #expect(implicit.kind == .implicit)
        #expect(implicit.hosts.map(\.name) == ["implicit-mx.example"])
        #expect(implicit.records.isEmpty)
    }

    @Test func tlsaLintFlagsOperationalProblems() {
        let digest = String(repeating: "ab", count: 32)
        let findings = TLSALint.findings([
            TLSARecord(usage: 1, selector: 1, matchingType: 1, data: digest),
            TLSARecord(usage: 3, selector: 0, matchingType: 1, data: String(digest.prefix(40))),
        ]).map(\.id)
        #expect(findings == ["unusable_usage", "full_certificate_pin", "digest_length", "no_rollover"])
        #expect(TLSALint.findings([TLSARecord(usage: 0, selector: 0, matchingType: 1, data: digest)]).map(\.id)
                == ["unusable_usage", "only_unusable"])
        #expect(TLSALint.findings([TLSARecord(usage: 3, selector: 1, matchingType: 1, data: digest),
                                   TLSARecord(usage: 2, selector: 1, matchingType: 1, data: digest)]).isEmpty)
    }
}
