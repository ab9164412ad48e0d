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

/// The `v=STSv1` TXT record.
public struct STSRecord: Sendable, Equatable, Codable {
    public var id: String
    /// Extension fields, kept for display; unknown ones are ignored by the protocol.
    public var extensions: [String: String]
    public var findings: [LintFinding]

    public init(id: String, extensions: [String: String], findings: [LintFinding]) {
        self.id = id
        self.extensions = extensions
        self.findings = findings
    }
}

/// One HTTPS fetch: what came back, bounded.
public struct HTTPFetch: Sendable, Equatable, Codable {
    public var url: String
    public var status: Int
    public var contentType: String?
    /// The `Location` of a 3xx; redirects are never followed.
    public var redirectLocation: String?
    /// The body, at most the cap, decoded as UTF-8 with invalid bytes replaced.
    public var body: String
    public var bodyBytes: Int
    public var truncated: Bool
    public var tlsVersion: String?
    /// The server's leaf certificate.
    public var certificate: CertificateInfo?
    public var webPKI: CertificateVerdict

    public init(url: String, status: Int, contentType: String?, redirectLocation: String?, body: String,
                bodyBytes: Int, truncated: Bool, tlsVersion: String?, certificate: CertificateInfo?,
                webPKI: CertificateVerdict) {
        self.url = url
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

/// An MTA-STS policy (RFC 8461 §3.2).
public struct MTASTSPolicy: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable { case enforce, testing, none }

    public var version: String?
    public var mode: Mode?
    public var mx: [String]
    public var maxAge: Int?
    /// Errors under the strict grammar (the policy is invalid when any exist).
    public var errors: [LintFinding]
    /// Differences between the strict reading and the lenient reading of major senders, with line numbers.
    public var warnings: [LintFinding]
    /// The policy as a lenient sender would read it.
    public var lenientMode: Mode?
    public var lenientMX: [String]
    public var lenientMaxAge: Int?

    public var isValid: Bool { errors.isEmpty }

    public init(version: String?, mode: Mode?, mx: [String], maxAge: Int?, errors: [LintFinding],
                warnings: [LintFinding], lenientMode: Mode?, lenientMX: [String], lenientMaxAge: Int?) {
        self.version = version
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
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
