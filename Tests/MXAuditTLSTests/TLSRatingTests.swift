@testable import MXAuditTLS
import Testing

/// The NCSC-NL rating as internet.nl applies it.
@Suite("TLS rating")
struct TLSRatingTests {
    static let tls13 = CipherSuite(name: "TLS_AES_256_GCM_SHA384", keyExchange: "TLS1.3", authenticated: true, bulkCipher: "AES-256-GCM", isAEAD: true)
    static let ecdheGCM = CipherSuite(name: "ECDHE-ECDSA-AES256-GCM-SHA384", keyExchange: "ECDHE", authenticated: true, bulkCipher: "ID-AES256-GCM", isAEAD: true)
    static let ecdheCBC = CipherSuite(name: "ECDHE-ECDSA-AES256-SHA", keyExchange: "ECDHE", authenticated: true, bulkCipher: "AES-256-CBC", isAEAD: false)
    static let dheGCM = CipherSuite(name: "DHE-RSA-AES256-GCM-SHA384", keyExchange: "DHE", authenticated: true, bulkCipher: "ID-AES256-GCM", isAEAD: true)
    static let rsaCBC = CipherSuite(name: "AES128-SHA", keyExchange: "RSA", authenticated: true, bulkCipher: "AES-128-CBC", isAEAD: false)
    static let anonymous = CipherSuite(name: "ADH-AES256-GCM-SHA384", keyExchange: "DHE", authenticated: false, bulkCipher: "ID-AES256-GCM", isAEAD: true)
    static let tripleDES = CipherSuite(name: "DES-CBC3-SHA", keyExchange: "RSA", authenticated: true, bulkCipher: "DES-EDE3-CBC", isAEAD: false)

    @Test func suitesAreClassedAsTheGuidelinesSay() {
        #expect(TLSRatingLevel.of(Self.tls13) == .good)
        #expect(TLSRatingLevel.of(Self.ecdheGCM) == .sufficient)
        #expect(TLSRatingLevel.of(Self.ecdheCBC) == .phaseOut)
        #expect(TLSRatingLevel.of(Self.dheGCM) == .phaseOut)
        #expect(TLSRatingLevel.of(Self.rsaCBC) == .phaseOut)
        #expect(TLSRatingLevel.of(Self.anonymous) == .insufficient)
        #expect(TLSRatingLevel.of(Self.tripleDES) == .insufficient)
        #expect(Self.ecdheGCM.isForwardSecretAEAD && !Self.ecdheCBC.isForwardSecretAEAD && !Self.rsaCBC.isForwardSecretAEAD)
    }

    @Test func theWorstFindingRatesTheServer() {
        func rate(_ versions: [TLSVersion], _ suites: [CipherSuite], key: (String, Int) = ("EC", 256),
                  signature: String = "ecdsa-with-SHA256", groups: [String] = ["x25519"]) -> (TLSRatingLevel, [String]) {
            let result = TLSRating.rate(TLSRatingInput(acceptedVersions: versions, suites: suites, groups: groups,
                                                       leafKeyType: key.0, leafKeyBits: key.1, leafSignatureAlgorithm: signature))
            return (result.level, result.reasons)
        }
        #expect(rate([.tls1_3], [Self.tls13]) == (.good, []))
        #expect(rate([.tls1_2, .tls1_3], [Self.ecdheGCM, Self.tls13]).0 == .sufficient)
        #expect(rate([.tls1_2], [Self.rsaCBC]) == (.phaseOut, ["sufficient: accepts TLSv1.2", "phase_out: accepts the suite AES128-SHA"]))
        #expect(rate([.tls1_0, .tls1_1], [Self.ecdheCBC]).0 == .insufficient)
        #expect(rate([.tls1_3], [Self.tls13], key: ("RSA", 1024), signature: "sha256WithRSAEncryption").0 == .insufficient)
        #expect(rate([.tls1_3], [Self.tls13], key: ("RSA", 2048), signature: "sha1WithRSAEncryption").0 == .insufficient)
        #expect(rate([.tls1_2], [Self.dheGCM], groups: ["DH-1024"]).1.contains("insufficient: uses the key-exchange group DH-1024"))
    }
}
