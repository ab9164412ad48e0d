import Foundation
import MXAuditModel

/// Names why a certificate failed WebPKI validation, from OpenSSL's verification result as curl
/// reports it (CURLINFO_SSL_VERIFYRESULT), with the ids of `CertificateVerdict.problem`.
enum WebPKIProblem {
    /// X509_V_ERR_* values (stable in OpenSSL's ABI).
    static func id(verifyResult: Int?) -> String {
        switch verifyResult ?? 0 {
        case 9: return "not_yet_valid"                 // CERT_NOT_YET_VALID
        case 10: return "expired"                      // CERT_HAS_EXPIRED
        case 18: return "self_signed"                  // DEPTH_ZERO_SELF_SIGNED_CERT
        case 2, 19, 20, 21, 27: return "untrusted"     // no path to a trusted root / untrusted root in chain
        case 23: return "revoked"                      // CERT_REVOKED
        case 62: return "name_mismatch"                // HOSTNAME_MISMATCH
        // The chain verified (0) or OpenSSL reported nothing specific (1), yet curl refused the
        // peer: curl's own host-name check is the remaining one.
        case 0, 1: return "name_mismatch"
        default: return "other"
        }
    }

    /// The verdict for a failed verification, with the leaf's days to expiry when it is known.
    static func verdict(verifyResult: Int?, curlError: CurlError, leaf: CertificateInfo?, now: Date) -> CertificateVerdict {
        let problem = id(verifyResult: verifyResult)
        let code = verifyResult.map { " (OpenSSL verify result \($0))" } ?? ""
        return CertificateVerdict(valid: false, problem: problem, message: (curlError.detail ?? curlError.message) + code,
                                  daysToExpiry: leaf.map { daysToExpiry($0, now: now) })
    }

    static func daysToExpiry(_ certificate: CertificateInfo, now: Date) -> Int {
        Int((certificate.notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }
}
