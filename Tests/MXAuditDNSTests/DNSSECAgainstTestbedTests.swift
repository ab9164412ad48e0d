import Foundation
import MXAuditDNS
import MXAuditModel
import Testing

@Suite("DNSSEC validation against the testbed", .serialized)
struct DNSSECAgainstTestbedTests {
    /// Every zone of the catalogue: mxaudit's own verdict on the zone apex equals unbound's, and
    /// equals the catalogue's truth where it states one.
    @Test func verdictsAgreeWithUnboundAndTheCatalogue() async throws {
        let testbed = try Testbed.load()
        let lookup = try testbed.makeLookup()
        var compared = 0
        for domain in testbed.domains {
            let name = try #require(domain["name"] as? String)
            let zone = domain["zone"] as? [String: Any] ?? [:]
            let answer = try await lookup.lookup(name, DNSType.soa).get()
            let unbound = try await Unbound.verdict(resolver: testbed.resolver, name: name, type: "SOA")
            #expect(answer.dnssec.status.rawValue == unbound.rawValue,
                    "\(name): mxaudit says \(answer.dnssec.status) (\(answer.dnssec.reason ?? "")), unbound says \(unbound)")
            if let truth = zone["security"] as? String {
                #expect(answer.dnssec.status.rawValue == truth, "\(name): catalogue says \(truth), mxaudit \(answer.dnssec.status): \(answer.dnssec.reason ?? "")")
            }
            compared += 1
        }
        #expect(compared == testbed.domains.count)
        #expect(compared > 20)
    }

    @Test func bogusZonesNameTheirReason() async throws {
        let testbed = try Testbed.load()
        let lookup = try testbed.makeLookup()
        let expired = try await lookup.lookup("bogus-expired.example", DNSType.soa).get()
        #expect(expired.dnssec.status == .bogus)
        #expect(expired.dnssec.reason?.contains("RRSIG over") == true && expired.dnssec.reason?.contains("expired") == true,
                "\(expired.dnssec.reason ?? "")")
        let mismatch = try await lookup.lookup("bogus-ds-mismatch.example", DNSType.soa).get()
        #expect(mismatch.dnssec.status == .bogus)
        #expect(mismatch.dnssec.reason?.contains("DS for bogus-ds-mismatch.example") == true
                && mismatch.dnssec.reason?.contains("matches no DNSKEY") == true, "\(mismatch.dnssec.reason ?? "")")
    }

    @Test func defaultRootAnchorDoesNotTrustTheTestbed() async throws {
        let testbed = try Testbed.load()
        let server = try #require(ResolverAddress(parsing: testbed.resolver))
        let lookup = DNSLookup(settings: .init(servers: [server], timeout: .seconds(10)), mode: .validate(.defaultRoot()))
        let answer = try await lookup.lookup("dane-ee.example", DNSType.soa).get()
        #expect(answer.dnssec.status != .secure)
        #expect(answer.dnssec.status == .bogus, "\(answer.dnssec.reason ?? "")")
    }

    @Test func negativeAnswersAreProvenOrFlagged() async throws {
        let testbed = try Testbed.load()
        let lookup = try testbed.makeLookup()
        // NXDOMAIN in a signed NSEC zone and in a signed NSEC3 zone: proven, hence secure absence.
        let nsec = try await lookup.lookup("_mta-sts.dane-ee.example", DNSType.txt).get()
        #expect(nsec.records.isEmpty)
        #expect(nsec.dnssec.status == .secure, "\(nsec.dnssec.reason ?? "")")
        let nsec3 = try await lookup.lookup("no-such-name.dane-rsa.test", DNSType.a).get()
        #expect(nsec3.isNXDOMAIN)
        #expect(nsec3.dnssec.status == .secure, "\(nsec3.dnssec.reason ?? "")")
        #expect(nsec3.dnssec.reason?.contains("NSEC3") == true)
        // An unsigned zone under a signed TLD: insecure, because the parent proves there is no DS.
        let unsigned = try await lookup.lookup("dane-unsigned-zone.example", DNSType.mx).get()
        #expect(unsigned.dnssec.status == .insecure, "\(unsigned.dnssec.reason ?? "")")
    }
}
