import CMXAuditCurl
import Foundation
import MXAuditExecutor
import MXAuditModel
import MXAuditTLS

/// One libcurl transfer of an MTA-STS policy URL, run on a blocking-executor thread.
///
/// The name resolves only to the addresses given (CURLOPT_RESOLVE: curl's own resolver is never
/// asked), proxies from the environment are ignored, redirects are not followed, only https is
/// spoken, and no cache is consulted (each transfer has a fresh handle and connection).
struct PolicyTransfer: Sendable {
    enum Purpose: Sendable {
        /// A GET with WebPKI verification (chain and host name).
        case fetch
        /// After a verification failure: connect without verification only to read the chain and
        /// the TLS version, and stop before any request is sent.
        case certificateProbe
    }

    let url: String
    let host: String
    let port: Int
    let addresses: [String]
    let caFile: String?
    /// The run's trust store, shared by every connection; nil: curl loads `caFile` itself.
    let trust: WebPKIVerifier?
    let timeoutMilliseconds: Int
    let maxBytes: Int
    let purpose: Purpose

    /// What the transfer saw; everything the curl handle knew, copied out before it is freed.
    struct Result: Sendable {
        var error: CurlError?
        var cancelled = false
        /// The body went past `maxBytes` and the transfer was aborted.
        var overflow = false
        var status: Int?
        var contentType: String?
        var redirectURL: String?
        var body: [UInt8] = []
        var tlsVersion: String?
        var address: String?
        /// The server's certificate, read once TLS was up (so only from connections that got that far).
        var leaf: CertificateInfo?
        /// OpenSSL's X509_V_* verification result.
        var verifyResult: Int?
    }

    func run(token: CancellationToken) -> Result {
        var result = Result()
        do {
            let easy = try CurlEasy()
            try configure(easy, token: token)
            var body: [UInt8] = []
            var overflow = false
            var tlsVersion: String?
            var leaf: CertificateInfo?
            let limit = maxBytes
            let sendRequest = purpose == .fetch
            do {
                try easy.perform(beforeRequest: {
                    tlsVersion = easy.tlsVersion
                    leaf = easy.peerCertificate?.info
                    return sendRequest
                }, onData: { chunk in
                    guard body.count + chunk.count <= limit else {
                        overflow = true
                        return false
                    }
                    body += chunk
                    return true
                })
            } catch {
                result.error = error
            }
            result.body = body
            result.overflow = overflow
            result.tlsVersion = tlsVersion
            result.leaf = leaf
            result.status = easy.info(long: CURLINFO_RESPONSE_CODE).flatMap { $0 > 0 ? $0 : nil }
            result.contentType = easy.info(string: CURLINFO_CONTENT_TYPE)
            result.redirectURL = easy.info(string: CURLINFO_REDIRECT_URL)
            result.address = easy.info(string: CURLINFO_PRIMARY_IP).flatMap { $0.isEmpty ? nil : $0 }
            result.verifyResult = easy.info(long: CURLINFO_SSL_VERIFYRESULT)
        } catch {
            result.error = error
        }
        result.cancelled = token.isCancelled
        return result
    }

    private func configure(_ easy: CurlEasy, token: CancellationToken) throws(CurlError) {
        try easy.shutDownSockets(on: token)
        try easy.set(CURLOPT_URL, url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "https")
        try easy.set(CURLOPT_RESOLVE, list: ["\(host):\(port):" + addresses.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: ",")])
        try easy.set(CURLOPT_PROXY, "") // an empty proxy also overrides https_proxy and friends
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds)
        try easy.set(CURLOPT_USERAGENT, "mxaudit (MTA-STS policy check)")
        try easy.set(CURLOPT_MAXFILESIZE, maxBytes) // refuses a larger Content-Length before reading it
        if let trust {
            try easy.verify(against: trust)
        } else if let caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        switch purpose {
        case .fetch:
            try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        case .certificateProbe:
            try easy.set(CURLOPT_SSL_VERIFYPEER, 0)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }
}
