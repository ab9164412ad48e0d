import CMXAuditOpenSSL

/// The OpenSSL client context every probe handshake is made from. It verifies nothing during the
/// handshake (SSL_VERIFY_NONE): the handshake must not abort on a bad certificate, because both
/// judgements (WebPKI and DANE) are made afterwards from the chain the server sent.
final class TLSClientContext: @unchecked Sendable {
    // Configured once in init; OpenSSL allows concurrent SSL_new from a configured context.
    let handle: OpaquePointer

    init() throws(OpenSSLError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw OpenSSLError("create the TLS client context") }
        handle = context
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        // The system configuration may raise the floor (Debian: TLS 1.2, level 2); a probe sets its own per handshake.
        SSL_CTX_set_security_level(context, 0)
        SSL_CTX_set_options(context, mxa_probe_options())
        guard mxa_SSL_CTX_set_min_proto_version(context, TLS1_VERSION) == 1,
              mxa_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1 else {
            throw OpenSSLError("allow TLS 1.0 to 1.3 in the client context")
        }
    }

    deinit { SSL_CTX_free(handle) }
}
