import CMXAuditOpenSSL
import Foundation
import MXAuditModel

/// The WebPKI judgement of a chain as MTA-STS makes it (RFC 8461 §4.1): the chain must lead to a
/// trusted root (the system store or a PEM bundle), be within its validity dates, and the leaf's
/// DNS names must cover the host name.
public final class WebPKIVerifier: @unchecked Sendable {
    // Loaded once in init; OpenSSL allows concurrent verifications against one store.
    private let store: OpaquePointer

    /// - Parameter caFile: a PEM bundle of trusted roots, or nil for the system store.
    public init(caFile: String?) throws(OpenSSLError) {
        guard let store = X509_STORE_new() else { throw OpenSSLError("create a certificate store") }
        self.store = store
        if let caFile {
            guard X509_STORE_load_file(store, caFile) == 1 else { throw OpenSSLError("load the CA bundle \(caFile)") }
        } else {
            guard X509_STORE_set_default_paths(store) == 1 else { throw OpenSSLError("load the system CA store") }
        }
    }

    deinit { X509_STORE_free(store) }

    /// Makes an OpenSSL `SSL_CTX` that another library created (curl hands it to a callback)
    /// verify against this store, which it then shares: the CA bundle is read once per run, not
    /// once per connection.
    public func install(intoSSLContext context: UnsafeMutableRawPointer) {
        SSL_CTX_set1_cert_store(OpaquePointer(context), store)
    }

    /// Judges `chain` (leaf first, as the server sent it) for `hostName` at `date`.
    public func verify(chain: [X509Certificate], hostName: String, at date: Date = Date()) -> CertificateVerdict {
        guard let leaf = chain.first else {
            return CertificateVerdict(valid: false, problem: "other", message: "the server sent no certificate")
        }
        let days = leaf.notAfter.map { Int(($0.timeIntervalSince(date) / 86_400).rounded(.down)) }
        let chainProblem = verifyChain(chain, at: date)
        let nameMatches = CertificateNameMatcher.match(hostName: hostName, dnsNames: leaf.dnsNames) != nil
        let nameMessage = "no subjectAltName of the certificate (\(leaf.dnsNames.joined(separator: ", "))) matches \(hostName)"
        switch (chainProblem, nameMatches) {
        case (nil, true):
            return CertificateVerdict(valid: true, daysToExpiry: days)
        case (nil, false):
            return CertificateVerdict(valid: false, problem: "name_mismatch", message: nameMessage, daysToExpiry: days)
        case (let problem?, _):
            let message = problem.message + (nameMatches ? "" : "; also, " + nameMessage)
            return CertificateVerdict(valid: false, problem: problem.id, message: message, daysToExpiry: days)
        }
    }

    /// OpenSSL's first chain error, as a stable id and its text; nil when the chain verifies.
    private func verifyChain(_ chain: [X509Certificate], at date: Date) -> (id: String, message: String)? {
        guard let context = X509_STORE_CTX_new() else { return ("other", OpenSSLError("create a verification context").description) }
        defer { X509_STORE_CTX_free(context) }
        guard let untrusted = mxa_sk_X509_new_null() else { return ("other", "out of memory") }
        defer { mxa_sk_X509_free(untrusted) } // the certificates stay owned by `chain`
        for certificate in chain.dropFirst() { _ = mxa_sk_X509_push(untrusted, certificate.handle) }
        guard X509_STORE_CTX_init(context, store, chain[0].handle, untrusted) == 1 else {
            return ("other", OpenSSLError("prepare the chain verification").description)
        }
        X509_STORE_CTX_set_default(context, "ssl_server")
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context), time_t(date.timeIntervalSince1970))
        let verified = withExtendedLifetime(chain) { X509_verify_cert(context) }
        guard verified != 1 else { return nil }
        let code = X509_STORE_CTX_get_error(context)
        let text = String(cString: X509_verify_cert_error_string(Int(code)))
        let depth = X509_STORE_CTX_get_error_depth(context)
        let message = "\(text) (certificate \(depth) of the chain)"
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED: return ("expired", message)
        case X509_V_ERR_CERT_NOT_YET_VALID: return ("not_yet_valid", message)
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return ("self_signed", message)
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
             X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
             X509_V_ERR_CERT_UNTRUSTED:
            return ("untrusted", message)
        case X509_V_ERR_CERT_REVOKED: return ("revoked", message)
        default: return ("other", message)
        }
    }
}
