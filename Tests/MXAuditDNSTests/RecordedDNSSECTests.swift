import CMXAuditLDNS
import Foundation
@testable import MXAuditDNS
import Testing

/// DNSSEC checks on answers recorded from the testbed (wire format, base64), judged at fixed
/// instants so the signature windows (2026-10-31 to 2027-12-05) are known.
@Suite("DNSSEC on recorded answers")
struct RecordedDNSSECTests {
    static let insideWindow = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!
    static let afterExpiry = ISO8601DateFormatter().date(from: "2028-01-01T00:00:00Z")!
    static let beforeInception = ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z")!

    static func message(_ name: String) throws -> DNSMessage {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "b64"))
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try DNSMessage(wire: [UInt8](try #require(Data(base64Encoded: text))))
    }

    static func keys(_ fixture: String, zone: String) throws -> LDNSRecordList {
        RRsetSelection.records(try message(fixture), section: LDNS_SECTION_ANSWER, owner: zone, type: DNSType.dnskey)
    }

    static func mx(_ fixture: String, owner: String) throws -> (LDNSRecordList, LDNSRecordList) {
        let message = try message(fixture)
        return (RRsetSelection.records(message, section: LDNS_SECTION_ANSWER, owner: owner, type: DNSType.mx),
                RRsetSelection.signatures(message, section: LDNS_SECTION_ANSWER, owner: owner, covering: DNSType.mx))
    }

    @Test("valid ECDSA and RSA signatures verify", arguments: [
        ("dane-ee-mx", "dane-ee-dnskey", "dane-ee.example"),
        ("dane-rsa-mx", "dane-rsa-dnskey", "dane-rsa.test"),
    ])
    func validSignature(mxFixture: String, keyFixture: String, zone: String) throws {
        let (rrset, rrsigs) = try Self.mx(mxFixture, owner: zone)
        #expect(!rrset.isEmpty && !rrsigs.isEmpty)
        let outcome = SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: try Self.keys(keyFixture, zone: zone),
                                               zone: zone, name: zone, type: DNSType.mx, now: Self.insideWindow)
        #expect(outcome == .valid)
    }

    @Test func expiredSignatureNamesTheDate() throws {
        let (rrset, rrsigs) = try Self.mx("dane-ee-mx", owner: "dane-ee.example")
        let outcome = SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: try Self.keys("dane-ee-dnskey", zone: "dane-ee.example"),
                                               zone: "dane-ee.example", name: "dane-ee.example", type: DNSType.mx, now: Self.afterExpiry)
        #expect(outcome == .invalid("RRSIG over dane-ee.example/MX expired 2027-12-05 00:00 UTC"))
    }

    @Test func notYetValidSignatureNamesTheDate() throws {
        let (rrset, rrsigs) = try Self.mx("dane-ee-mx", owner: "dane-ee.example")
        let outcome = SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: try Self.keys("dane-ee-dnskey", zone: "dane-ee.example"),
                                               zone: "dane-ee.example", name: "dane-ee.example", type: DNSType.mx, now: Self.beforeInception)
        #expect(outcome == .invalid("RRSIG over dane-ee.example/MX is not valid before 2026-10-31 00:00 UTC"))
    }

    @Test func wrongKeyTagIsReported() throws {
        let (rrset, rrsigs) = try Self.mx("dane-ee-mx", owner: "dane-ee.example")
        let tag = LDNSRecord.rrsigKeyTag(try #require(rrsigs.records.first))
        // The RSA zone's keys do not contain the ECDSA zone's key tag.
        let outcome = SignatureVerifier.verify(rrset: rrset, rrsigs: rrsigs, keys: try Self.keys("dane-rsa-dnskey", zone: "dane-rsa.test"),
                                               zone: "dane-ee.example", name: "dane-ee.example", type: DNSType.mx, now: Self.insideWindow)
        #expect(outcome == .invalid("RRSIG over dane-ee.example/MX names key tag \(tag), which is not in the DNSKEY set of dane-ee.example"))
    }

    @Test func algorithmMismatchIsReported() throws {
        let (rrset, rrsigs) = try Self.mx("dane-ee-mx", owner: "dane-ee.example")
        let tag = LDNSRecord.rrsigKeyTag(try #require(rrsigs.records.first))
        // The same signature claiming RSA/SHA-256 (8) while key `tag` is ECDSA P-256 (13).
        let forged = try LDNSRecordList(presentation: rrsigs.presentation.replacingOccurrences(of: "RRSIG\tMX 13 ", with: "RRSIG\tMX 8 "))
        #expect(LDNSRecord.rrsigAlgorithm(try #require(forged.records.first)) == 8)
        let outcome = SignatureVerifier.verify(rrset: rrset, rrsigs: forged, keys: try Self.keys("dane-ee-dnskey", zone: "dane-ee.example"),
                                               zone: "dane-ee.example", name: "dane-ee.example", type: DNSType.mx, now: Self.insideWindow)
        #expect(outcome == .invalid("RRSIG over dane-ee.example/MX uses algorithm 8 but key \(tag) of dane-ee.example is algorithm 13"))
    }

    @Test func tamperedDataDoesNotVerify() throws {
        let (rrset, rrsigs) = try Self.mx("dane-ee-mx", owner: "dane-ee.example")
        let tampered = try LDNSRecordList(presentation: rrset.presentation.replacingOccurrences(of: "mx2.dane-ee.example.", with: "evil.attacker.example."))
        let outcome = SignatureVerifier.verify(rrset: tampered, rrsigs: rrsigs, keys: try Self.keys("dane-ee-dnskey", zone: "dane-ee.example"),
                                               zone: "dane-ee.example", name: "dane-ee.example", type: DNSType.mx, now: Self.insideWindow)
        guard case .invalid(let reason) = outcome else { Issue.record("tampered data verified"); return }
        #expect(reason.hasPrefix("RRSIG over dane-ee.example/MX does not verify with key"))
    }

    @Test("NSEC and NSEC3 denials are proven", arguments: [
        ("dane-ee-nxdomain-nsec", "_mta-sts.dane-ee.example", DNSType.txt, DNSRcode.nameError, "dane-ee-dnskey", "dane-ee.example", "NSEC"),
        ("dane-ee-nodata-nsec", "dane-ee.example", DNSType.tlsa, DNSRcode.noError, "dane-ee-dnskey", "dane-ee.example", "NSEC"),
        ("dane-rsa-nxdomain-nsec3", "nonexist.dane-rsa.test", DNSType.a, DNSRcode.nameError, "dane-rsa-dnskey", "dane-rsa.test", "NSEC3"),
        ("dane-rsa-nodata-nsec3", "dane-rsa.test", DNSType.tlsa, DNSRcode.noError, "dane-rsa-dnskey", "dane-rsa.test", "NSEC3"),
    ])
    func denialProven(fixture: String, name: String, type: UInt16, rcode: UInt8, keyFixture: String, zone: String, method: String) throws {
        let message = try Self.message(fixture)
        #expect(message.rcode == rcode)
        let denial = DenialOfExistence(message: message, name: name, type: type, rcode: rcode)
        guard case .proven(let proof) = denial.check(zone: zone, keys: try Self.keys(keyFixture, zone: zone), now: Self.insideWindow) else {
            Issue.record("\(name)/\(DNSType.name(type)) was not proven absent")
            return
        }
        #expect(proof.method == method)
        #expect(!proof.isInsecureDelegation)
    }

    @Test func denialDoesNotProveAnotherName() throws {
        // The NXDOMAIN proof for _mta-sts.dane-ee.example says nothing about dane-ee.example's MX.
        let message = try Self.message("dane-ee-nxdomain-nsec")
        let denial = DenialOfExistence(message: message, name: "dane-ee.example", type: DNSType.mx, rcode: DNSRcode.noError)
        guard case .invalid(let reason) = denial.check(zone: "dane-ee.example", keys: try Self.keys("dane-ee-dnskey", zone: "dane-ee.example"), now: Self.insideWindow) else {
            Issue.record("a proof for another name was accepted")
            return
        }
        #expect(reason.contains("do not prove"))
    }

    @Test func expiredNSECSignatureBreaksTheProof() throws {
        let message = try Self.message("dane-rsa-nodata-nsec3")
        let denial = DenialOfExistence(message: message, name: "dane-rsa.test", type: DNSType.tlsa, rcode: DNSRcode.noError)
        guard case .invalid(let reason) = denial.check(zone: "dane-rsa.test", keys: try Self.keys("dane-rsa-dnskey", zone: "dane-rsa.test"), now: Self.afterExpiry) else {
            Issue.record("an expired NSEC3 signature was accepted")
            return
        }
        #expect(reason.contains("expired 2027-12-05"))
    }
}
