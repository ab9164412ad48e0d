import Foundation
import MXAuditTLS
import Testing

@Suite("OpenSSL binding")
struct OpenSSLBindingTests {
    static let pem = """
    -----BEGIN CERTIFICATE-----
    MIIBqTCCAU+gAwIBAgIUSmiEiE1yOfWD1rJ+T/aPGSWxLicwCgYIKoZIzj0EAwIw
    FjEUMBIGA1UEAwwLbXgxLmV4YW1wbGUwHhcNMjYxMTI5MDIzNjQ1WhcNMzYxMTI2
    MDIzNjQ1WjAWMRQwEgYDVQQDDAtteDEuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqG
    SM49AwEHA0IABDKp+I2e0ff/nJ3YMCorYqK2AyDk75FlAHjthLZ2AiuJJaBm+3Cr
    LCJm5JC8x3BOkrP3sScjNAe/jXzTyvnSLxSjezB5MB0GA1UdDgQWBBTWSbFYRJQ4
    bxP9/r+gflkgxeNWeDAfBgNVHSMEGDAWgBTWSbFYRJQ4bxP9/r+gflkgxeNWeDAP
    BgNVHRMBAf8EBTADAQH/MCYGA1UdEQQfMB2CC214MS5leGFtcGxlgg4qLm1haWwu
    ZXhhbXBsZTAKBggqhkjOPQQDAgNIADBFAiAQscLXiEgfLUaeGcrNiTIUuC5BTjCJ
    Ek37+s8887h3CgIhAOKWMp7HuTQJwLHYovIc1y5Bea8B1Qm7YmLTaaqNpgxP
    -----END CERTIFICATE-----
    """

    @Test func certificateFactsMatchOpenSSLCommandLine() throws {
        let certificate = try #require(try X509Certificate.certificates(pem: Self.pem).first)
        // Figures from `openssl x509 -noout -subject -serial -dates` and the SPKI's sha256sum.
        #expect(certificate.subject == "CN=mx1.example")
        #expect(certificate.issuer == "CN=mx1.example")
        #expect(certificate.serialNumber == "4a6884884d7239f583d6b27e4ff68f1925b12e27")
        #expect(certificate.dnsNames == ["mx1.example", "*.mail.example"])
        #expect(certificate.notBefore == ISO8601DateFormatter().date(from: "2026-11-29T02:36:45Z"))
        #expect(certificate.notAfter == ISO8601DateFormatter().date(from: "2036-11-26T02:36:45Z"))
        #expect(certificate.keyDescription.type == "EC")
        #expect(certificate.keyDescription.bits == 256)
        #expect(certificate.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(X509Certificate.digestHex(certificate.subjectPublicKeyInfo)
                == "5c95f051b0fe63e5d6f38a367cc9e6896dbba2a93fe9b39ed9f4b5ad2a24f91f")
        // DER survives a round trip through the owner.
        let again = try X509Certificate(der: certificate.der)
        #expect(again.der == certificate.der)
        #expect(certificate.info.spkiSHA256 == "5c95f051b0fe63e5d6f38a367cc9e6896dbba2a93fe9b39ed9f4b5ad2a24f91f")
    }

    @Test func invalidDERCarriesOpenSSLsReason() throws {
        let error = try #require(throws: OpenSSLError.self) { try X509Certificate(der: [0x30, 0x03, 0x02, 0x01]) }
        #expect(error.code != 0)
        #expect(error.operation == "parse DER certificate")
        #expect(!error.message.isEmpty)
    }

    @Test func pemWithoutCertificatesIsAnError() {
        #expect(throws: OpenSSLError.self) { try X509Certificate.certificates(pem: "not a certificate") }
    }
}
