import CMXAuditOpenSSL
import Foundation
import MXAuditModel

/// The DANE judgement of a chain (RFC 7671, RFC 7672 for SMTP) with OpenSSL's own DANE engine.
///
/// The chain is verified after the handshake, through the bridge OpenSSL provides for offline
/// verification (`X509_STORE_CTX_set0_dane`, as its danetest does) on an SSL object that carries the
/// TLSA records. The handshake therefore never aborts on a mismatch, WebPKI and DANE are judged
/// separately from one handshake, and recorded chains can be judged again without the network.
public enum DANEVerifier {
    /// Judges `chain` (leaf first, as sent) for `serverName` (the TLSA base domain: the MX host)
    /// against the host's TLSA observation, at `date`.
    public static func verify(chain: [X509Certificate], tlsa: Observation<TLSAEvidence>, serverName: String,
                              at date: Date = Date()) -> DANEVerdict {
        let records: [TLSARecord]
        switch applicableRecords(tlsa) {
        case .verdict(let verdict): return verdict
        case .records(let usable): records = usable
        }
        guard !chain.isEmpty else { return DANEVerdict(status: .invalid, message: "the server sent no certificate") }
        do {
            return try verifyWithOpenSSL(chain: chain, records: records, serverName: serverName, at: date)
        } catch {
            return DANEVerdict(status: .indeterminate, message: error.description)
        }
    }

    enum Applicability: Equatable {
        case verdict(DANEVerdict)
        case records([TLSARecord])
    }

    /// Whether DANE applies to a TLSA observation and with which records (RFC 7672 §2.2, §3.1.3).
    static func applicableRecords(_ tlsa: Observation<TLSAEvidence>) -> Applicability {
        switch tlsa {
        case .absent(let reason):
            return .verdict(DANEVerdict(status: .notApplicable, message: "no TLSA records: \(reason)"))
        case .skipped(let reason):
            return .verdict(DANEVerdict(status: .notApplicable, message: reason))
        case .failed(let failure):
            return .verdict(DANEVerdict(status: .indeterminate, message: "the TLSA lookup failed (\(failure)): DANE cannot be judged"))
        case .present(let evidence):
            guard evidence.dnssec.status == .secure else {
                return .verdict(DANEVerdict(status: .notApplicable,
                                            message: "the TLSA RRset at \(evidence.owner) is \(evidence.dnssec.status.rawValue), and DANE needs a DNSSEC-secure RRset"))
            }
            let usable = evidence.records.filter { $0.isUsableForSMTP && isWellFormed($0) }
            guard !usable.isEmpty else {
                let status: DANEVerdict.Status = evidence.records.isEmpty ? .notApplicable : .unusable
                return .verdict(DANEVerdict(status: status, message: status == .unusable
                    ? "the secure TLSA RRset holds no usable record (usages 0/1 or malformed): TLS is mandatory, but the certificate cannot be authenticated"
                    : "the TLSA RRset is empty"))
            }
            return .records(usable)
        }
    }

    /// Selector 0/1, matching type 0/1/2 with the digest's length, hex data (RFC 7671 §4.1 "unusable" otherwise).
    static func isWellFormed(_ record: TLSARecord) -> Bool {
        guard (0...1).contains(record.selector), let data = hexBytes(record.data), !data.isEmpty else { return false }
        switch record.matchingType {
        case 0: return true
        case 1: return data.count == 32
        case 2: return data.count == 64
        default: return false
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func verifyWithOpenSSL(chain: [X509Certificate], records: [TLSARecord], serverName: String,
                                          at date: Date) throws(OpenSSLError) -> DANEVerdict {
        let context = try DANEContext.shared.get()
        guard let ssl = SSL_new(context) else { throw OpenSSLError("create a DANE verification object") }
        defer { SSL_free(ssl) }
        guard SSL_dane_enable(ssl, serverName) > 0 else { throw OpenSSLError("enable DANE for \(serverName)") }
        _ = SSL_dane_set_flags(ssl, mxa_DANE_FLAG_NO_DANE_EE_NAMECHECKS())
        var added = 0
        for record in records {
            guard let data = hexBytes(record.data) else { continue }
            let result = data.withUnsafeBufferPointer {
                SSL_dane_tlsa_add(ssl, UInt8(record.usage), UInt8(record.selector), UInt8(record.matchingType),
                                  $0.baseAddress, $0.count)
            }
            if result > 0 { added += 1 } else { ERR_clear_error() } // 0: unusable to OpenSSL; skip like a sender
        }
        guard added > 0 else {
            return DANEVerdict(status: .unusable, message: "OpenSSL found none of the TLSA records usable: TLS is mandatory, but the certificate cannot be authenticated")
        }

        guard let storeContext = X509_STORE_CTX_new() else { throw OpenSSLError("create a verification context") }
        defer { X509_STORE_CTX_free(storeContext) }
        guard let untrusted = mxa_sk_X509_new_null() else { throw OpenSSLError("allocate a certificate list") }
        defer { mxa_sk_X509_free(untrusted) } // the certificates stay owned by `chain`
        for certificate in chain { _ = mxa_sk_X509_push(untrusted, certificate.handle) }
        // The context's store is empty: only the TLSA records can make a certificate trusted.
        guard X509_STORE_CTX_init(storeContext, SSL_CTX_get_cert_store(context), chain[0].handle, untrusted) == 1,
              X509_STORE_CTX_set_ex_data(storeContext, SSL_get_ex_data_X509_STORE_CTX_idx(), UnsafeMutableRawPointer(ssl)) == 1 else {
            throw OpenSSLError("prepare the DANE verification")
        }
        X509_STORE_CTX_set_default(storeContext, "ssl_server")
        let parameters = X509_STORE_CTX_get0_param(storeContext)
        X509_VERIFY_PARAM_set1(parameters, SSL_get0_param(ssl)) // the reference name SSL_dane_enable set
        X509_VERIFY_PARAM_set_time(parameters, time_t(date.timeIntervalSince1970))
        X509_STORE_CTX_set0_dane(storeContext, SSL_get0_dane(ssl))
        let verified = withExtendedLifetime(chain) { X509_verify_cert(storeContext) }
        let code = X509_STORE_CTX_get_error(storeContext)
        SSL_set_verify_result(ssl, Int(code))
        ERR_clear_error()

        guard verified == 1 else {
            let text = String(cString: X509_verify_cert_error_string(Int(code)))
            let depth = X509_STORE_CTX_get_error_depth(storeContext)
            return DANEVerdict(status: .invalid, message: "\(text) (certificate \(depth) of the chain)")
        }
        let depth = SSL_get0_dane_authority(ssl, nil, nil)
        var usage: UInt8 = 0, selector: UInt8 = 0, matchingType: UInt8 = 0
        var data: UnsafePointer<UInt8>?
        var length = 0
        guard depth >= 0, SSL_get0_dane_tlsa(ssl, &usage, &selector, &matchingType, &data, &length) >= 0 else {
            return DANEVerdict(status: .invalid, message: "the chain verified, but no TLSA record was the authority")
        }
        let hex = data.map { UnsafeBufferPointer(start: $0, count: length).map { String(format: "%02x", $0) }.joined() } ?? ""
        let matched = TLSARecord(usage: Int(usage), selector: Int(selector), matchingType: Int(matchingType), data: hex)
        return DANEVerdict(status: .valid, matched: matched, matchedDepth: Int(depth),
                           message: "TLSA \(usage) \(selector) \(matchingType) matched certificate \(depth) of the chain")
    }
}

/// The SSL_CTX that DANE verifications are made from: DANE enabled, an empty trust store.
private final class DANEContext: @unchecked Sendable {
    static let shared = DANEContext()
    // Written once under `lock`, then only read.
    private let lock = NSLock()
    private var handle: OpaquePointer?

    func get() throws(OpenSSLError) -> OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if let handle { return handle }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw OpenSSLError("create the DANE context") }
        guard SSL_CTX_dane_enable(context) > 0 else {
            SSL_CTX_free(context)
            throw OpenSSLError("enable DANE in OpenSSL")
        }
        handle = context // lives for the process, like OpenSSL's own global state
        return context
    }
}
