import CMXAuditOpenSSL
import MXAuditModel

/// A capability handshake that stops at the server's hello. OpenSSL writes the ClientHello into
/// memory; the server's first flight is read by `ServerFlightReader` and never handed back to
/// OpenSSL, so no certificate is decoded, no key agreed and no session finished on either side.
/// Version, suite and group — all a capability question asks — are known by then.
///
/// Its methods only compute (no I/O): the caller sends and receives through the reactor.
final class TLSHelloProbe {
    private let ssl: OpaquePointer
    private let profile: TLSHandshakeProfile
    /// The ClientHello record to send.
    let clientHello: [UInt8]
    private let offer: ClientHelloOffer

    init(context: TLSClientContext, serverName: String, profile: TLSHandshakeProfile) throws(Failure) {
        let ssl = try context.connection(offering: profile, to: serverName)
        self.ssl = ssl
        self.profile = profile
        guard let readBuffer = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw Failure(.local, OpenSSLError("create a memory buffer").description)
        }
        guard let writeBuffer = BIO_new(BIO_s_mem()) else {
            BIO_free(readBuffer)
            SSL_free(ssl)
            throw Failure(.local, OpenSSLError("create a memory buffer").description)
        }
        SSL_set_bio(ssl, readBuffer, writeBuffer) // the SSL object owns and frees both
        ERR_clear_error()
        let result = SSL_connect(ssl)
        guard result < 0, SSL_get_error(ssl, result) == SSL_ERROR_WANT_READ else {
            // As in a complete handshake: OpenSSL refusing to offer (no suite left for the
            // versions, say) means nothing of this offer can be negotiated.
            let failure = Failure(.tls, OpenSSLError("TLS handshake").description)
            SSL_free(ssl)
            throw failure
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = mxa_BIO_get_mem_data(writeBuffer, &data)
        clientHello = data.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
        do {
            offer = try ClientHelloOffer(record: clientHello)
        } catch {
            SSL_free(ssl)
            throw Failure(.local, "cannot read back the ClientHello OpenSSL wrote: \(error)")
        }
    }

    deinit { SSL_free(ssl) }

    /// A reader for the server's answer to this offer.
    func makeReader() -> ServerFlightReader {
        ServerFlightReader { [self] suite in
            switch cipher(suite).map(CipherSuite.keyExchange(of:)) {
            case "ECDHE": return .ecdhe
            case "DHE": return .dhe
            default: return nil
            }
        }
    }

    /// What was negotiated, when the server's choice answers the offer; else the refusal OpenSSL
    /// would have ended the handshake with.
    func negotiated(_ facts: ServerHelloFacts) throws(Failure) -> NegotiatedTLS {
        guard let version = TLSVersion(rawValue: Int32(facts.version)),
              version >= profile.minimumVersion, version <= profile.maximumVersion else {
            throw Failure(.tls, "the server chose the version 0x\(String(facts.version, radix: 16)), which was not offered")
        }
        if let violation = offer.violation(by: facts) { throw Failure(.tls, violation) }
        guard let cipher = cipher(facts.cipherSuite) else {
            throw Failure(.tls, "the server chose the unknown cipher suite 0x\(String(facts.cipherSuite, radix: 16))")
        }
        let suite = CipherSuite(cipher)
        guard (suite.keyExchange == "TLS1.3") == (version == .tls1_3) else {
            throw Failure(.tls, "the server chose the suite \(suite.name) for \(version.name)")
        }
        let group = facts.group.flatMap { SSL_group_to_name(ssl, Int32(TLSEXT_nid_unknown) | Int32($0)) }.map { String(cString: $0) }
            ?? facts.dhPrimeBits.map { "DH-\($0)" }
        return NegotiatedTLS(version: version, suite: suite, group: group, chain: [])
    }

    private func cipher(_ suite: UInt16) -> OpaquePointer? {
        let bytes = [UInt8(suite >> 8), UInt8(suite & 0xFF)]
        return SSL_CIPHER_find(ssl, bytes)
    }
}
