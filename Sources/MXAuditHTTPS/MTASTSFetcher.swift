import CMXAuditCurl
import Foundation
import MXAuditExecutor
import MXAuditModel
import MXAuditTLS

/// Fetches `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.3) over libcurl.
///
/// Outcomes:
/// - a response over a WebPKI-valid connection: `.present`, with status, Content-Type, the
///   redirect target of a 3xx (never followed), TLS version and certificate; only a 200 keeps
///   the whole body (at most `maxBytes`), other bodies are kept up to `HTTPFetch.displayBytes`;
/// - HTTP 404 or 410: `.absent`; HTTP 5xx: `.failed(busy)`;
/// - a certificate that fails WebPKI validation: `.present` with `status` nil, `webPKI.problem`
///   naming the problem (expired, name_mismatch, self_signed, untrusted …), and the certificate
///   read by one more connection without verification that stops before sending any request —
///   so no body, and never a policy, comes from an unverified server;
/// - a body over `maxBytes`: `.failed(limit)`; every other failure `.failed` with its kind.
///
/// The whole fetch, both connections included, is bounded by `timeout`.
public struct MTASTSFetcher: Sendable {
    public let executor: BlockingExecutor
    public let caFile: String?
    public let timeout: Duration
    public let maxBytes: Int
    /// The CA store, read once for the whole run; nil when it cannot be read (then curl reads
    /// `caFile` for each connection and reports the problem itself).
    let trust: WebPKIVerifier?
    /// The HTTPS port: 443 (RFC 8461 §3.3); tests point it at a local listener.
    var port = 443

    /// - Parameter caFile: PEM bundle of trusted roots; nil for the system store.
    public init(executor: BlockingExecutor, caFile: String?, timeout: Duration = .seconds(60), maxBytes: Int = 65_536) {
        self.executor = executor
        self.caFile = caFile
        self.timeout = timeout
        self.maxBytes = maxBytes
        trust = try? WebPKIVerifier(caFile: caFile)
    }

    public static func policyURL(domain: String) -> String { "https://\(policyHost(domain: domain))/.well-known/mta-sts.txt" }

    private func policyURL(domain: String) -> String {
        port == 443 ? Self.policyURL(domain: domain) : "https://\(Self.policyHost(domain: domain)):\(port)/.well-known/mta-sts.txt"
    }

    static func policyHost(domain: String) -> String {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return "mta-sts." + name
    }

    /// - Parameter addresses: the IPv4/IPv6 addresses of `mta-sts.<domain>` from mxaudit's own
    ///   DNS lookups; curl connects to these and to nothing else.
    public func fetchPolicy(domain: String, addresses: [String]) async -> Observation<HTTPFetch> {
        let host = Self.policyHost(domain: domain)
        let url = policyURL(domain: domain)
        let usable = addresses.filter { IPAddressText.isValid($0) }
        guard !usable.isEmpty else {
            return .failed(Failure(.local, "no IP address was given to fetch \(url) from (got \(addresses.isEmpty ? "none" : addresses.joined(separator: ", ")))"))
        }
        let deadline = ContinuousClock.now + timeout
        do {
            let fetched = try await transfer(.fetch, url: url, host: host, addresses: usable, deadline: deadline)
            guard let fetched else { return .failed(Failure(.timeout, "no time was left to fetch \(url)")) }
            return try await outcome(of: fetched, url: url, host: host, addresses: usable, deadline: deadline)
        } catch is CancellationError {
            return .failed(Failure(.cancelled, "the fetch of \(url) was cancelled"))
        } catch {
            return .failed(Failure(.local, "the fetch of \(url) could not run: \(error)"))
        }
    }

    private func outcome(of result: PolicyTransfer.Result, url: String, host: String, addresses: [String],
                         deadline: ContinuousClock.Instant) async throws -> Observation<HTTPFetch> {
        let from = "from \(addresses.joined(separator: ", "))"
        if result.cancelled { return .failed(Failure(.cancelled, "the fetch of \(url) was cancelled")) }
        if result.overflow || result.error.map({ Failure.Kind(curl: $0) == .limit }) == true {
            return .failed(Failure(.limit, "the response of \(url) is larger than \(maxBytes) bytes; the transfer was aborted"))
        }
        if let error = result.error, error.code == CURLE_PEER_FAILED_VERIFICATION.rawValue {
            return try await certificateFailure(result, error: error, url: url, host: host, addresses: addresses, deadline: deadline)
        }
        if let error = result.error {
            return .failed(Failure(Failure.Kind(curl: error), "fetching \(url) \(from): \(error)"))
        }
        guard let status = result.status else {
            return .failed(Failure(.protocolViolation, "\(url) \(from) gave no HTTP status"))
        }
        switch status {
        case 404, 410:
            return .absent("\(url) answered HTTP \(status): no policy is published there")
        case 500...599:
            return .failed(Failure(.busy, "\(url) answered HTTP \(status)"))
        default:
            let keep = status == 200 ? result.body.count : min(result.body.count, HTTPFetch.displayBytes)
            let leaf = result.leaf
            return .present(HTTPFetch(
                url: url, address: result.address, status: status, contentType: result.contentType,
                redirectLocation: (300...399).contains(status) ? result.redirectURL : nil,
                body: String(decoding: result.body.prefix(keep), as: UTF8.self), bodyBytes: result.body.count,
                truncated: keep < result.body.count, tlsVersion: result.tlsVersion, certificate: leaf,
                webPKI: CertificateVerdict(valid: true, daysToExpiry: leaf.map { WebPKIProblem.daysToExpiry($0, now: Date()) })))
        }
    }

    /// Verification failed: probe once more without verification only to see the certificate.
    private func certificateFailure(_ failed: PolicyTransfer.Result, error: CurlError, url: String, host: String,
                                    addresses: [String], deadline: ContinuousClock.Instant) async throws -> Observation<HTTPFetch> {
        let probe = try await transfer(.certificateProbe, url: url, host: host, addresses: addresses, deadline: deadline)
        let leaf = failed.leaf ?? probe?.leaf
        let verdict = WebPKIProblem.verdict(verifyResult: failed.verifyResult, curlError: error, leaf: leaf, now: Date())
        return .present(HTTPFetch(url: url, address: failed.address ?? probe?.address, status: nil, contentType: nil,
                                  redirectLocation: nil, body: "", bodyBytes: 0, truncated: false,
                                  tlsVersion: probe?.tlsVersion ?? failed.tlsVersion, certificate: leaf, webPKI: verdict))
    }

    /// Runs one transfer on the executor within what is left of the deadline; nil when nothing is left.
    private func transfer(_ purpose: PolicyTransfer.Purpose, url: String, host: String, addresses: [String],
                          deadline: ContinuousClock.Instant) async throws -> PolicyTransfer.Result? {
        let left = ContinuousClock.now.duration(to: deadline)
        let milliseconds = Int(left.components.seconds) * 1000 + Int(left.components.attoseconds / 1_000_000_000_000_000)
        guard milliseconds > 0 else { return nil }
        let transfer = PolicyTransfer(url: url, host: host, port: port, addresses: addresses, caFile: caFile,
                                      trust: trust, timeoutMilliseconds: milliseconds, maxBytes: maxBytes, purpose: purpose)
        return try await executor.run { token in transfer.run(token: token) }
    }
}
