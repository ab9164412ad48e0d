import CMXAuditOpenSSL
import Foundation
import MXAuditModel

/// The OpenSSL client contexts every probe handshake is made from: one per offer
/// (`TLSHandshakeProfile`), made on first use, so the offer's cipher and group lists are parsed
/// once per run, not once per connection. They verify nothing during the handshake
/// (SSL_VERIFY_NONE): the handshake must not abort on a bad certificate, because both judgements
/// (WebPKI and DANE) are made afterwards from the chain the server sent.
final class TLSClientContext: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`; configured once when made. OpenSSL allows concurrent SSL_new from a configured context.
    private var contexts: [TLSHandshakeProfile: OpaquePointer] = [:]

    /// Fails when OpenSSL cannot make a client context at all (checked with the default offer).
    init() throws(OpenSSLError) {
        let context = try Self.make(.opportunistic)
        contexts[.opportunistic] = context
    }

    deinit { for context in contexts.values { SSL_CTX_free(context) } }

    /// The context that offers `profile`; `.local` when OpenSSL cannot offer it.
    private func handle(for profile: TLSHandshakeProfile) throws(Failure) -> OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if let context = contexts[profile] { return context }
        do {
            let context = try Self.make(profile)
            contexts[profile] = context
            return context
        } catch {
            throw Failure(.local, error.description)
        }
    }

    /// A new SSL object that offers `profile` to `serverName`; the caller owns (and frees) it.
    func connection(offering profile: TLSHandshakeProfile, to serverName: String) throws(Failure) -> OpaquePointer {
        guard let ssl = SSL_new(try handle(for: profile)) else {
            throw Failure(.local, OpenSSLError("create a TLS connection").description)
        }
        guard mxa_SSL_set_tlsext_host_name(ssl, serverName) == 1 else {
            SSL_free(ssl)
            throw Failure(.local, OpenSSLError("name \(serverName) in the TLS connection").description)
        }
        return ssl
    }

    private static func make(_ profile: TLSHandshakeProfile) throws(OpenSSLError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw OpenSSLError("create the TLS client context") }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        // The system configuration may raise the floor (Debian: TLS 1.2, level 2); a probe must
        // see what the server accepts, not what OpenSSL would prefer.
        SSL_CTX_set_security_level(context, 0)
        SSL_CTX_set_options(context, mxa_probe_options())
        guard mxa_SSL_CTX_set_min_proto_version(context, profile.minimumVersion.rawValue) == 1,
              mxa_SSL_CTX_set_max_proto_version(context, profile.maximumVersion.rawValue) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError("offer \(profile.minimumVersion.name) to \(profile.maximumVersion.name)")
        }
        guard SSL_CTX_set_cipher_list(context, profile.cipherList) == 1 else {
            SSL_CTX_free(context)
            throw OpenSSLError("offer the suites \(profile.cipherList)")
        }
        if let groups = profile.groups, mxa_SSL_CTX_set1_groups_list(context, groups) != 1 {
            SSL_CTX_free(context)
            throw OpenSSLError("offer the groups \(groups)")
        }
        return context
    }
}
