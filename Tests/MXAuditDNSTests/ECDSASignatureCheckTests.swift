import CMXAuditLDNS
import Foundation
@testable import MXAuditDNS
import Testing

/// The ECDSA check with kept key objects must give ldns's own status for every input ldns would
/// see: valid data, each kind of change, a wildcard owner, a wrong key.
@Suite("ECDSA signature check")
struct ECDSASignatureCheckTests {
    typealias Recorded = RecordedDNSSECTests
    typealias Cache = SignatureCheckCacheTests

    static func ldnsStatus(_ rrset: LDNSRecordList, _ rrsig: UnsafeMutablePointer<ldns_rr>, _ keys: LDNSRecordList) -> ldns_status {
        ldns_verify_rrsig_keylist_notime(rrset.list, rrsig, keys.list, nil)
    }

    static func expectSameStatus(_ rrset: LDNSRecordList, _ rrsigs: LDNSRecordList, _ keys: LDNSRecordList,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws -> ldns_status {
        let rrsig = try #require(rrsigs.records.first)
        // Fresh copies: ldns canonicalises the RRSIG's owner in place.
        let ours = ECDSASignatureCheck.status(rrset: rrset, rrsig: rrsig, keys: keys.records)
        let rrsetCopy = rrset.copy(), rrsigsCopy = rrsigs.copy()
        let theirs = withExtendedLifetime(rrsigsCopy) { Self.ldnsStatus(rrsetCopy, rrsigsCopy.records[0], keys) }
        #expect(ours == theirs, "ours \(String(describing: ours)), ldns \(theirs)", sourceLocation: sourceLocation)
        return theirs
    }

    static func inputs() throws -> (rrset: LDNSRecordList, rrsigs: LDNSRecordList, keys: LDNSRecordList) {
        let (rrset, rrsigs) = try Recorded.mx("dane-ee-mx", owner: "dane-ee.example")
        let tag = LDNSRecord.rrsigKeyTag(try #require(rrsigs.records.first))
        let keys = try Recorded.keys("dane-ee-dnskey", zone: "dane-ee.example").filtered { LDNSRecord.dnskeyTag($0) == tag }
        return (rrset, rrsigs, keys)
    }

    @Test func recordedDataVerifiesAsWithLDNS() throws {
        let (rrset, rrsigs, keys) = try Self.inputs()
        #expect(LDNSRecord.rrsigAlgorithm(try #require(rrsigs.records.first)) == 13)
        #expect(try Self.expectSameStatus(rrset, rrsigs, keys) == LDNS_STATUS_OK)
        // Again: now with the key object kept.
        #expect(try Self.expectSameStatus(rrset, rrsigs, keys) == LDNS_STATUS_OK)
    }

    @Test func everyChangeFailsAsWithLDNS() throws {
        let (rrset, rrsigs, keys) = try Self.inputs()
        let changedRecord = try Cache.changed(rrset, field: 0) { $0[$0.count - 1] ^= 1 }
        #expect(try Self.expectSameStatus(changedRecord, rrsigs, keys) != LDNS_STATUS_OK)
        let changedSignature = try Cache.changed(rrsigs, field: 8) { $0[5] ^= 0x40 }
        #expect(try Self.expectSameStatus(rrset, changedSignature, keys) != LDNS_STATUS_OK)
        let changedKey = try Cache.changed(keys, field: 3) { $0[7] ^= 0x01 }
        #expect(try Self.expectSameStatus(rrset, rrsigs, changedKey) != LDNS_STATUS_OK)
        let otherType = try Cache.changed(rrsigs, field: 0) { $0[1] = UInt8(DNSType.txt) }
        #expect(try Self.expectSameStatus(rrset, otherType, keys) == LDNS_STATUS_CRYPTO_TYPE_COVERED_ERR)
        // Fewer labels in the RRSIG than in the owner: ldns signs '*.example', which fails here.
        let wildcard = try Cache.changed(rrsigs, field: 2) { $0[0] = 1 }
        #expect(try Self.expectSameStatus(rrset, wildcard, keys) != LDNS_STATUS_OK)
        // No key at all.
        #expect(try Self.expectSameStatus(rrset, rrsigs, LDNSRecordList()) == LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY)
    }

    @Test func otherAlgorithmsAreLeftToLDNS() throws {
        let (rrset, rrsigs) = try Recorded.mx("dane-rsa-mx", owner: "dane-rsa.test")
        let keys = try Recorded.keys("dane-rsa-dnskey", zone: "dane-rsa.test")
        #expect(ECDSASignatureCheck.status(rrset: rrset, rrsig: try #require(rrsigs.records.first), keys: keys.records) == nil)
    }
}
