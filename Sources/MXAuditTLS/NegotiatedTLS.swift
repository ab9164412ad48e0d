import CMXAuditOpenSSL

/// The facts of a cipher suite that the NCSC-NL/BSI judgement needs, read from OpenSSL's SSL_CIPHER.
struct CipherSuite: Sendable, Equatable {
    /// OpenSSL's name ("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384").
    var name: String
    /// "ECDHE", "DHE", "RSA", "TLS1.3" (any: negotiated separately) or another OpenSSL kx name.
    var keyExchange: String
    /// False for anonymous suites.
    var authenticated: Bool
    /// The bulk cipher, upper-case ("AES-256-GCM", "CHACHA20-POLY1305", "AES-128-CBC", "DES-EDE3-CBC", "NULL").
    var bulkCipher: String
    var isAEAD: Bool

    init(name: String, keyExchange: String, authenticated: Bool, bulkCipher: String, isAEAD: Bool) {
        self.name = name
        self.keyExchange = keyExchange
        self.authenticated = authenticated
        self.bulkCipher = bulkCipher
        self.isAEAD = isAEAD
    }

    init(_ cipher: OpaquePointer) {
        name = String(cString: SSL_CIPHER_get_name(cipher))
        keyExchange = Self.keyExchange(of: cipher)
        authenticated = SSL_CIPHER_get_auth_nid(cipher) != NID_auth_null
        let cipherNID = SSL_CIPHER_get_cipher_nid(cipher)
        bulkCipher = cipherNID == NID_undef ? "NULL" : (OBJ_nid2sn(cipherNID).map { String(cString: $0).uppercased() } ?? "UNKNOWN")
        isAEAD = SSL_CIPHER_is_aead(cipher) == 1
    }

    /// "ECDHE", "DHE", "RSA", "TLS1.3" or another OpenSSL kx name, of an OpenSSL SSL_CIPHER.
    static func keyExchange(of cipher: OpaquePointer) -> String {
        switch SSL_CIPHER_get_kx_nid(cipher) {
        case NID_kx_ecdhe, NID_kx_ecdhe_psk: return "ECDHE"
        case NID_kx_dhe, NID_kx_dhe_psk: return "DHE"
        case NID_kx_rsa, NID_kx_rsa_psk: return "RSA"
        case NID_kx_any: return "TLS1.3"
        case let nid: return OBJ_nid2sn(nid).map { String(cString: $0) } ?? "unknown"
        }
    }

    /// Forward secrecy and authenticated encryption: what "FS AEAD" in the guidelines means.
    var isForwardSecretAEAD: Bool {
        isAEAD && (keyExchange == "ECDHE" || keyExchange == "DHE" || keyExchange == "TLS1.3")
    }
}

/// What one successful handshake negotiated.
struct NegotiatedTLS: Sendable {
    var version: TLSVersion
    var suite: CipherSuite
    /// "x25519", "secp256r1", "ffdhe2048", "DH-1024" …; nil for RSA key exchange.
    var group: String?
    /// The chain as sent, leaf first.
    var chain: [X509Certificate]
}
