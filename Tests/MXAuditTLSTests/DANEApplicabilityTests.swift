import MXAuditModel
@testable import MXAuditTLS
import Testing

/// Whether DANE applies follows from the TLSA observation alone (RFC 7672 §2.2, §3.1.3).
@Suite("DANE applicability")
struct DANEApplicabilityTests {
    static let digest = String(repeating: "ab", count: 32)
    static func rrset(_ records: [TLSARecord], _ status: DNSSECStatus = .secure) -> Observation<TLSAEvidence> {
        .present(TLSAEvidence(owner: "_25._tcp.mx1.example", records: records, dnssec: DNSSECVerdict(status), lint: []))
    }

    @Test func observationsWithoutASecureRRsetDecideAlone() {
        func status(_ tlsa: Observation<TLSAEvidence>) -> DANEVerdict.Status? {
            if case .verdict(let verdict) = DANEVerifier.applicableRecords(tlsa) { return verdict.status }
            return nil
        }
        #expect(status(.absent("NXDOMAIN")) == .notApplicable)
        #expect(status(.skipped("address records are insecure")) == .notApplicable)
        #expect(status(.failed(Failure(.bogus, "RRSIG expired"))) == .indeterminate)
        #expect(status(Self.rrset([TLSARecord(usage: 3, selector: 1, matchingType: 1, data: Self.digest)], .insecure)) == .notApplicable)
        // Only PKIX usages, or a digest of the wrong length: TLS mandatory, nothing to authenticate with.
        #expect(status(Self.rrset([TLSARecord(usage: 1, selector: 1, matchingType: 1, data: Self.digest)])) == .unusable)
        #expect(status(Self.rrset([TLSARecord(usage: 3, selector: 1, matchingType: 1, data: "abcd")])) == .unusable)
        #expect(status(Self.rrset([TLSARecord(usage: 3, selector: 2, matchingType: 1, data: Self.digest)])) == .unusable)
    }

    @Test func usableRecordsAreKeptAndUnusableOnesDropped() {
        let usable = TLSARecord(usage: 2, selector: 0, matchingType: 2, data: String(repeating: "cd", count: 64))
        let pkix = TLSARecord(usage: 0, selector: 0, matchingType: 1, data: Self.digest)
        #expect(DANEVerifier.applicableRecords(Self.rrset([pkix, usable])) == .records([usable]))
    }

    @Test func daneEEIgnoresNamesAndDatesWhileDANETANeedsTheName() async throws {
        let pki = try await TestPKI.make(leafName: "mx.pki.test")
        let ee = TLSARecord(usage: 3, selector: 1, matchingType: 1, data: tlsaData(for: pki.leaf, selector: 1, matchingType: 1))
        let ta = TLSARecord(usage: 2, selector: 1, matchingType: 1, data: tlsaData(for: pki.intermediate, selector: 1, matchingType: 1))
        let afterExpiry = try #require(pki.leaf.notAfter).addingTimeInterval(86_400 * 10)
        let eeVerdict = DANEVerifier.verify(chain: pki.chain, tlsa: Self.rrset([ee]), serverName: "other.test", at: afterExpiry)
        #expect(eeVerdict.status == .valid)
        #expect(eeVerdict.matched == ee && eeVerdict.matchedDepth == 0)
        let taVerdict = DANEVerifier.verify(chain: pki.chain, tlsa: Self.rrset([ta]), serverName: "mx.pki.test")
        #expect(taVerdict.status == .valid && taVerdict.matchedDepth == 1)
        #expect(DANEVerifier.verify(chain: pki.chain, tlsa: Self.rrset([ta]), serverName: "other.test").status == .invalid)
        #expect(DANEVerifier.verify(chain: pki.chain, tlsa: Self.rrset([ta]), serverName: "mx.pki.test", at: afterExpiry).status == .invalid)
    }

    @Test func webPKIReportsTrustDatesAndNamesApart() async throws {
        let pki = try await TestPKI.make(leafName: "mx.pki.test")
        let trusting = try WebPKIVerifier(caFile: pki.directory.appendingPathComponent("root.pem").path)
        #expect(trusting.verify(chain: pki.chain, hostName: "mx.pki.test").valid)
        #expect(trusting.verify(chain: pki.chain, hostName: "mx2.pki.test").problem == "name_mismatch")
        let afterExpiry = try #require(pki.leaf.notAfter).addingTimeInterval(86_400)
        let expired = trusting.verify(chain: pki.chain, hostName: "mx.pki.test", at: afterExpiry)
        #expect(expired.problem == "expired" && expired.daysToExpiry == -1)
        let other = try await TestPKI.make(leafName: "mx.pki.test")
        let stranger = try WebPKIVerifier(caFile: other.directory.appendingPathComponent("root.pem").path)
        #expect(stranger.verify(chain: pki.chain, hostName: "mx.pki.test").problem == "untrusted")
        #expect(stranger.verify(chain: [pki.root], hostName: "Test Root").problem == "self_signed")
    }
}
