import MXAuditModel
@testable import MXAuditTLS
import Testing

/// The hello probe's own half: the ClientHello OpenSSL writes, read back as the offer, and the
/// server choices OpenSSL would refuse — checked without a server.
@Suite("TLS hello probe")
struct TLSHelloProbeTests {
    static func probe(_ profile: TLSHandshakeProfile) throws -> TLSHelloProbe {
        try TLSHelloProbe(context: TLSClientContext(), serverName: "mx.example", profile: profile)
    }

    @Test func theOfferIsWhatOpenSSLSends() throws {
        let record = try Self.probe(.opportunistic).clientHello
        let offer = try ClientHelloOffer(record: record)
        #expect(offer.cipherSuites.contains(0x1301), "TLS_AES_128_GCM_SHA256")
        #expect(offer.cipherSuites.contains(0xC02B), "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(offer.groups.isSuperset(of: [29, 23, 24]), "x25519, P-256, P-384: \(offer.groups)")
        #expect(offer.keyShareGroups == [29], "OpenSSL sends one share, for its first group")

        var legacy = TLSHandshakeProfile.pinned(.tls1_2)
        legacy.cipherList = TLSCapabilityProber.belowSufficientSuites
        let legacyOffer = try ClientHelloOffer(record: Self.probe(legacy).clientHello)
        #expect(!legacyOffer.cipherSuites.contains(0x1301), "no TLS 1.3 suite when pinned to TLS 1.2")
        #expect(!legacyOffer.cipherSuites.contains(0xC02B), "no sufficient suite in the legacy offer")
        #expect(legacyOffer.keyShareGroups.isEmpty)
    }

    @Test func aChoiceFromTheOfferIsNegotiated() throws {
        let probe = try Self.probe(.opportunistic)
        let tls13 = try probe.negotiated(ServerHelloFacts(version: 0x0304, cipherSuite: 0x1302, group: 29))
        #expect(tls13.version == .tls1_3)
        #expect(tls13.suite.name == "TLS_AES_256_GCM_SHA384")
        #expect(tls13.group == "x25519")
        #expect(tls13.chain.isEmpty)
        let retry = try probe.negotiated(ServerHelloFacts(version: 0x0304, cipherSuite: 0x1301, group: 23, helloRetryRequest: true))
        #expect(retry.group == "secp256r1")
        let ecdhe = try probe.negotiated(ServerHelloFacts(version: 0x0303, cipherSuite: 0xC02B, group: 24))
        #expect(ecdhe.suite.name == "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(ecdhe.suite.isForwardSecretAEAD)
        #expect(ecdhe.group == "secp384r1")
        let dhe = try probe.negotiated(ServerHelloFacts(version: 0x0303, cipherSuite: 0x009E, dhPrimeBits: 1024))
        #expect(dhe.suite.keyExchange == "DHE")
        #expect(dhe.group == "DH-1024")
        let rsa = try probe.negotiated(ServerHelloFacts(version: 0x0301, cipherSuite: 0x002F))
        #expect(rsa.version == .tls1_0)
        #expect(rsa.suite.keyExchange == "RSA")
        #expect(rsa.group == nil)
    }

    @Test func choicesOutsideTheOfferAreRefusals() throws {
        var upTo12 = TLSHandshakeProfile(minimumVersion: .tls1_0, maximumVersion: .tls1_2)
        upTo12.groups = "P-256"
        let probe = try Self.probe(upTo12)
        let cases: [(ServerHelloFacts, String)] = [
            (ServerHelloFacts(version: 0x0304, cipherSuite: 0x1301, group: 23), "version 0x304, which was not offered"),
            (ServerHelloFacts(version: 0x0300, cipherSuite: 0x002F), "version 0x300"),
            (ServerHelloFacts(version: 0x0303, cipherSuite: 0x1301), "cipher suite 0x1301, which was not offered"),
            (ServerHelloFacts(version: 0x0303, cipherSuite: 0xC0FF), "cipher suite 0xC0FF"),
            (ServerHelloFacts(version: 0x0303, cipherSuite: 0xC02B, group: 29), "group 0x1D, which was not offered"),
        ]
        for (facts, expected) in cases {
            #expect(throws: Failure.self) { try probe.negotiated(facts) }
            do {
                _ = try probe.negotiated(facts)
            } catch {
                #expect(error.kind == .tls)
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
        let opportunistic = try Self.probe(.opportunistic)
        let retryForShared = ServerHelloFacts(version: 0x0304, cipherSuite: 0x1301, group: 29, helloRetryRequest: true)
        let helloWithoutShare = ServerHelloFacts(version: 0x0304, cipherSuite: 0x1301, group: 23)
        for facts in [retryForShared, helloWithoutShare] {
            #expect(throws: Failure.self) { try opportunistic.negotiated(facts) }
        }
    }

    @Test func anOfferOpenSSLCannotMakeIsARefusalAsInACompleteHandshake() {
        // Only a TLS 1.2 suite for a TLS 1.0 offer: OpenSSL has no ClientHello to write.
        var nothing = TLSHandshakeProfile.pinned(.tls1_0)
        nothing.cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256"
        #expect {
            _ = try Self.probe(nothing)
        } throws: { error in
            (error as? Failure)?.kind == .tls
        }
    }
}
