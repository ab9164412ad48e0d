/// MTA-STS evidence (RFC 8461): the `_mta-sts` TXT record, the policy fetch, the parsed policy
/// and how the MX hosts are covered by it.
public struct MTASTSEvidence: Sendable, Equatable, Codable {
    /// Every TXT record at `_mta-sts.<domain>` as published.
    public var txt: Observation<TXTRecordSet>
    /// The one `v=STSv1` record that discovery accepts (§3.1), or why there is none.
    public var record: Observation<STSRecord>
    /// The HTTPS fetch of `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    public var fetch: Observation<HTTPFetch>
    /// The policy body read by the strict RFC grammar.
    public var policy: Observation<MTASTSPolicy>
    /// Every MX host against the policy's `mx` patterns (§4.1).
    public var coverage: [MXCoverage]

    public init(txt: Observation<TXTRecordSet>, record: Observation<STSRecord>, fetch: Observation<HTTPFetch>,
                policy: Observation<MTASTSPolicy>, coverage: [MXCoverage]) {
        self.txt = txt
        self.record = record
        self.fetch = fetch
        self.policy = policy
        self.coverage = coverage
    }
}

/// The `v=STSv1` TXT record, or the reason discovery cannot use the published one(s).
public struct STSRecord: Sendable, Equatable, Codable {
    /// The policy id: 1–32 letters and digits; nil when missing or invalid.
    public var id: String?
    /// Extension fields, kept for display; the protocol ignores them.
    public var extensions: [String: String]
    /// Why senders cannot use the record (`multiple_records`, `id_missing`, `id_invalid`, `syntax`).
    public var errors: [LintFinding]
    /// What works but deserves attention (`duplicate_field`).
    public var warnings: [LintFinding]

    /// Whether senders would go on to fetch the policy.
    public var isValid: Bool { errors.isEmpty && id != nil }
    /// Every finding, errors first (for display).
    public var findings: [LintFinding] { errors + warnings }

    public init(id: String?, extensions: [String: String], errors: [LintFinding], warnings: [LintFinding]) {
        self.id = id
        self.extensions = extensions
        self.errors = errors
        self.warnings = warnings
    }
}

/// One HTTPS fetch: the TLS facts of the connection and what came back, bounded.
public struct HTTPFetch: Sendable, Equatable, Codable {
    public var url: String
    /// The server address the connection went to.
    public var address: String?
    /// The HTTP status; nil when no request was sent because the certificate failed WebPKI
    /// validation (then `webPKI` names the problem and there is never a body or a policy).
    public var status: Int?
    public var contentType: String?
    /// The `Location` of a 3xx, as an absolute URL; redirects are never followed.
    public var redirectLocation: String?
    /// The body decoded as UTF-8 with invalid bytes replaced: whole for a 200, at most
    /// `displayBytes` otherwise (an error page is kept only to show it).
    public var body: String
    /// Body bytes received.
    public var bodyBytes: Int
    /// True when `body` holds less than was received.
    public var truncated: Bool
    /// "TLSv1.3", "TLSv1.2", …
    public var tlsVersion: String?
    /// The server's leaf certificate.
    public var certificate: CertificateInfo?
    public var webPKI: CertificateVerdict

    /// How much of a non-200 body the evidence keeps.
    public static let displayBytes = 4096

    public init(url: String, address: String?, status: Int?, contentType: String?, redirectLocation: String?,
                body: String, bodyBytes: Int, truncated: Bool, tlsVersion: String?, certificate: CertificateInfo?,
                webPKI: CertificateVerdict) {
        self.url = url
        self.address = address
        self.status = status
        self.contentType = contentType
        self.redirectLocation = redirectLocation
        self.body = body
        self.bodyBytes = bodyBytes
        self.truncated = truncated
        self.tlsVersion = tlsVersion
        self.certificate = certificate
        self.webPKI = webPKI
    }
}

/// An MTA-STS policy (RFC 8461 §3.2), read twice: by the strict RFC grammar and as tolerant
/// senders read it.
public struct MTASTSPolicy: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable { case enforce, testing, none }

    /// The strict reading: each field only when its value is valid under the RFC.
    public var version: String?
    public var mode: Mode?
    public var mx: [String]
    public var maxAge: Int?
    /// Unknown fields (`name: value`), kept for display; the protocol ignores them. First wins.
    public var extensions: [String: String]
    /// Errors under the strict grammar (the policy is invalid when any exist), with line numbers.
    public var errors: [LintFinding]
    /// Every line the lenient reading takes differently from the strict one, plus duplicates
    /// that were ignored, with line numbers.
    public var warnings: [LintFinding]
    /// The policy as a lenient sender would read it.
    public var lenientMode: Mode?
    public var lenientMX: [String]
    public var lenientMaxAge: Int?

    public var isValid: Bool { errors.isEmpty }

    public init(version: String?, mode: Mode?, mx: [String], maxAge: Int?, extensions: [String: String] = [:],
                errors: [LintFinding], warnings: [LintFinding], lenientMode: Mode?, lenientMX: [String],
                lenientMaxAge: Int?) {
        self.version = version
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
        self.extensions = extensions
        self.errors = errors
        self.warnings = warnings
        self.lenientMode = lenientMode
        self.lenientMX = lenientMX
        self.lenientMaxAge = lenientMaxAge
    }
}

/// One MX host against the policy patterns.
public struct MXCoverage: Sendable, Equatable, Codable {
    public var host: String
    /// The first pattern that matched, or nil when the host is not covered.
    public var matchedPattern: String?
    public var covered: Bool { matchedPattern != nil }

    public init(host: String, matchedPattern: String?) {
        self.host = host
        self.matchedPattern = matchedPattern
    }
}
