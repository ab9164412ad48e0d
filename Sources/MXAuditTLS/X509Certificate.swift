import CMXAuditOpenSSL
import Foundation
import MXAuditDigest
import MXAuditModel

/// An owned OpenSSL X509 certificate and the facts the evidence records about it.
public final class X509Certificate: @unchecked Sendable {
    // Immutable after init; OpenSSL allows concurrent reads of a certificate.
    let handle: OpaquePointer

    /// Takes ownership of a certificate reference (the caller has already counted it for us).
    init(owning handle: OpaquePointer) { self.handle = handle }

    /// Adds a reference to a certificate owned elsewhere (e.g. inside a peer chain).
    init(retaining handle: OpaquePointer) {
        X509_up_ref(handle)
        self.handle = handle
    }

    deinit { X509_free(handle) }

    /// The certificate the peer of an OpenSSL `SSL` connection presented (another library's
    /// connection, e.g. curl's); nil when it presented none.
    public static func peerCertificate(ofSSL connection: UnsafeMutableRawPointer) -> X509Certificate? {
        SSL_get1_peer_certificate(OpaquePointer(connection)).map { X509Certificate(owning: $0) }
    }

    public convenience init(der: [UInt8]) throws(OpenSSLError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSLError("parse DER certificate") }
        self.init(owning: parsed)
    }

    /// Every certificate in a PEM text (a chain or a CA bundle), in order.
    public static func certificates(pem: String) throws(OpenSSLError) -> [X509Certificate] {
        let bytes = Array(pem.utf8)
        guard let bio = bytes.withUnsafeBufferPointer({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw OpenSSLError("allocate memory BIO")
        }
        defer { BIO_free(bio) }
        var result: [X509Certificate] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            result.append(X509Certificate(owning: certificate))
        }
        ERR_clear_error() // the loop ends on "no start line", which is not an error
        guard !result.isEmpty else { throw OpenSSLError("read PEM certificates (none found)") }
        return result
    }

    public var der: [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(handle, &buffer)
        guard length > 0, let buffer else { return [] }
        defer { CRYPTO_free(buffer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    /// The DER SubjectPublicKeyInfo as the certificate carries it (what a TLSA selector 1 hashes),
    /// encoded from the parsed ASN.1 structure: `i2d_PUBKEY` re-encodes the key through OpenSSL 3's
    /// provider encoders, which showed in audit profiles.
    public var subjectPublicKeyInfo: [UInt8] {
        guard let key = X509_get_X509_PUBKEY(handle) else { return [] }
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509_PUBKEY(key, &buffer)
        guard length > 0, let buffer else { return [] }
        defer { CRYPTO_free(buffer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    public var subject: String { Self.oneLine(X509_get_subject_name(handle)) }
    public var issuer: String { Self.oneLine(X509_get_issuer_name(handle)) }

    public var notBefore: Date? { Self.date(X509_get0_notBefore(handle)) }
    public var notAfter: Date? { Self.date(X509_get0_notAfter(handle)) }

    public var serialNumber: String {
        guard let serial = X509_get0_serialNumber(handle), let bignum = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bignum) }
        guard let hex = BN_bn2hex(bignum) else { return "" }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex).lowercased()
    }

    /// DNS names from subjectAltName, as written (wildcards included).
    public var dnsNames: [String] {
        guard let raw = X509_get_ext_d2i(handle, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { mxa_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<mxa_sk_GENERAL_NAME_num(names) {
            guard let name = mxa_sk_GENERAL_NAME_value(names, index), name.pointee.type == GEN_DNS,
                  let ia5 = name.pointee.d.dNSName, let data = mxa_ASN1_STRING_get0_data(ia5) else { continue }
            let length = Int(ASN1_STRING_length(ia5))
            result.append(String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self))
        }
        return result
    }

    /// "RSA", "EC", "Ed25519", … and the key size in bits.
    public var keyDescription: (type: String, bits: Int) {
        guard let key = X509_get0_pubkey(handle) else { return ("unknown", 0) }
        let type: String
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA: type = "RSA"
        case EVP_PKEY_EC: type = "EC"
        case EVP_PKEY_ED25519: type = "Ed25519"
        case EVP_PKEY_ED448: type = "Ed448"
        case EVP_PKEY_DSA: type = "DSA"
        default: type = "other"
        }
        return (type, Int(EVP_PKEY_get_bits(key)))
    }

    public var signatureAlgorithm: String {
        let nid = X509_get_signature_nid(handle)
        guard let name = OBJ_nid2ln(nid) else { return "unknown" }
        return String(cString: name)
    }

    /// SHA-256 or SHA-512 of some bytes, lower-case hex (TLSA matching types 1 and 2).
    public static func digestHex(_ bytes: [UInt8], sha512: Bool = false) -> String {
        Digest.hex(bytes, sha512 ? .sha512 : .sha256)
    }

    /// The evidence record of this certificate.
    public var info: CertificateInfo {
        let key = keyDescription
        return CertificateInfo(subject: subject, issuer: issuer, serialNumber: serialNumber,
                               notBefore: notBefore ?? .distantPast, notAfter: notAfter ?? .distantPast,
                               subjectAltNames: dnsNames, keyType: key.type, keyBits: key.bits,
                               signatureAlgorithm: signatureAlgorithm,
                               spkiSHA256: Self.digestHex(subjectPublicKeyInfo), derBase64: Data(der).base64EncodedString())
    }

    private static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, name, 0, mxa_XN_FLAG_RFC2253())
        var data: UnsafeMutablePointer<CChar>?
        let length = mxa_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }
}
