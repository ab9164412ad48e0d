import Foundation

/// An SMTP reply: the code and every line's text (RFC 5321 §4.2), bounded in lines and length.
public struct SMTPReply: Sendable, Equatable, Codable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }
}

/// One STARTTLS probe: an (address, SNI name) pair on port 25.
public struct SMTPEndpointEvidence: Sendable, Equatable, Codable {
    public var address: String
    public var family: AddressFamily
    /// The name sent as SNI and checked against the certificate: the MX host name.
    public var serverName: String
    /// The greeting; a 421 is recorded as `.failed(.busy)` with its text.
    public var banner: Observation<SMTPReply>
    /// The EHLO reply; its extension keywords follow.
    public var ehlo: Observation<SMTPReply>
    /// Whether EHLO advertised STARTTLS (nil when EHLO was not reached).
    public var starttlsOffered: Bool?
    /// The reply to STARTTLS (220 expected; 454 is "refused").
    public var starttlsReply: Observation<SMTPReply>
    /// The negotiated session and the certificate judgements.
    public var tls: Observation<TLSSession>
    /// Which protocol versions the server accepts, from extra pinned-version handshakes.
    public var capabilities: Observation<TLSCapabilities>
    /// Milliseconds from connect to QUIT.
    public var durationMilliseconds: Int
    /// Connections the main probe needed: 2 when the first met 421/4xx and the one retry was made.
    public var attempts: Int

    public init(address: String, family: AddressFamily, serverName: String, banner: Observation<SMTPReply>,
                ehlo: Observation<SMTPReply>, starttlsOffered: Bool?, starttlsReply: Observation<SMTPReply>,
                tls: Observation<TLSSession>, capabilities: Observation<TLSCapabilities>, durationMilliseconds: Int,
                attempts: Int = 1) {
        self.address = address
        self.family = family
        self.serverName = serverName
        self.banner = banner
        self.ehlo = ehlo
        self.starttlsOffered = starttlsOffered
        self.starttlsReply = starttlsReply
        self.tls = tls
        self.capabilities = capabilities
        self.durationMilliseconds = durationMilliseconds
        self.attempts = attempts
    }
}

public enum AddressFamily: String, Sendable, Codable { case ipv4, ipv6 }

/// The TLS session a handshake negotiated, and the two separate judgements of its certificate.
public struct TLSSession: Sendable, Equatable, Codable {
    /// "TLSv1.3", "TLSv1.2", …
    public var version: String
    /// The IANA/OpenSSL name of the cipher suite.
    public var cipher: String
    /// The key-exchange group ("X25519", "secp256r1"), when known.
    public var group: String?
    /// The chain as the server sent it, leaf first.
    public var chain: [CertificateInfo]
    /// WebPKI validation with the MTA-STS name rules (RFC 8461 §4.1).
    public var webPKI: CertificateVerdict
    /// DANE validation against the host's TLSA RRset (RFC 7672); `notApplicable` without a secure TLSA RRset.
    public var dane: DANEVerdict

    public init(version: String, cipher: String, group: String?, chain: [CertificateInfo],
                webPKI: CertificateVerdict, dane: DANEVerdict) {
        self.version = version
        self.cipher = cipher
        self.group = group
        self.chain = chain
        self.webPKI = webPKI
        self.dane = dane
    }
}

/// What one certificate says about itself.
public struct CertificateInfo: Sendable, Equatable, Codable {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var notBefore: Date
    public var notAfter: Date
    /// DNS names from subjectAltName.
    public var subjectAltNames: [String]
    /// "RSA", "EC", "Ed25519", …
    public var keyType: String
    public var keyBits: Int
    /// e.g. "ecdsa-with-SHA256", "sha256WithRSAEncryption".
    public var signatureAlgorithm: String
    /// SHA-256 of the SubjectPublicKeyInfo, lower-case hex (what `3 1 1` pins).
    public var spkiSHA256: String
    /// The certificate itself, DER, base64.
    public var derBase64: String

    public init(subject: String, issuer: String, serialNumber: String, notBefore: Date, notAfter: Date,
                subjectAltNames: [String], keyType: String, keyBits: Int, signatureAlgorithm: String,
                spkiSHA256: String, derBase64: String) {
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = serialNumber
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectAltNames = subjectAltNames
        self.keyType = keyType
        self.keyBits = keyBits
        self.signatureAlgorithm = signatureAlgorithm
        self.spkiSHA256 = spkiSHA256
        self.derBase64 = derBase64
    }
}

/// A WebPKI judgement: valid, or the first reason it is not.
public struct CertificateVerdict: Sendable, Equatable, Codable {
    public var valid: Bool
    /// Stable ids: `expired`, `not_yet_valid`, `name_mismatch`, `self_signed`, `untrusted`, `revoked`, `other`.
    public var problem: String?
    public var message: String?
    /// Whole days from the audit until the leaf expires (negative when expired).
    public var daysToExpiry: Int?

    public init(valid: Bool, problem: String? = nil, message: String? = nil, daysToExpiry: Int? = nil) {
        self.valid = valid
        self.problem = problem
        self.message = message
        self.daysToExpiry = daysToExpiry
    }
}

/// A DANE judgement per RFC 7671/7672.
public struct DANEVerdict: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// A usable TLSA record matched.
        case valid
        /// A secure TLSA RRset exists and nothing matched.
        case invalid
        /// A secure TLSA RRset exists but holds no usable record (only usages 0/1 or malformed data):
        /// TLS is mandatory, the certificate is not authenticated (RFC 7672 §2.2, §3.1.3).
        case unusable
        /// No secure TLSA RRset: DANE does not apply.
        case notApplicable = "not_applicable"
        /// The TLSA RRset itself could not be established (lookup failure, bogus).
        case indeterminate
    }

    public var status: Status
    /// The record that matched, for `valid`.
    public var matched: TLSARecord?
    /// The depth in the chain that matched (0 = leaf).
    public var matchedDepth: Int?
    public var message: String?

    public init(status: Status, matched: TLSARecord? = nil, matchedDepth: Int? = nil, message: String? = nil) {
        self.status = status
        self.matched = matched
        self.matchedDepth = matchedDepth
        self.message = message
    }
}

/// Protocol versions and suites the server accepts.
public struct TLSCapabilities: Sendable, Equatable, Codable {
    /// Per version ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"): accepted or not; missing when not tried.
    public var versions: [String: Bool]
    /// Whether every suite in `ciphers` offers forward secrecy with AEAD (ECDHE/DHE with AEAD, or TLS 1.3).
    public var forwardSecretAEAD: Bool
    /// The suite the server chose per accepted version when offered the default list.
    public var ciphers: [String: String]
    /// Groups the server accepted.
    public var groups: [String]
    /// NCSC-NL style rating: `good`, `sufficient`, `phase_out`, `insufficient`.
    public var rating: String
    /// Suites the server accepted when offered only suites below "sufficient" (empty: it refused them).
    public var legacySuites: [String]
    /// Why the rating is not better, one sentence per finding (empty for `good`).
    public var ratingReasons: [String]
    /// Probes that could not be made (timeout, 421 …): the versions or suites they would have shown are unknown.
    public var incomplete: [String]

    public init(versions: [String: Bool], forwardSecretAEAD: Bool, ciphers: [String: String], groups: [String], rating: String,
                legacySuites: [String] = [], ratingReasons: [String] = [], incomplete: [String] = []) {
        self.versions = versions
        self.forwardSecretAEAD = forwardSecretAEAD
        self.ciphers = ciphers
        self.groups = groups
        self.rating = rating
        self.legacySuites = legacySuites
        self.ratingReasons = ratingReasons
        self.incomplete = incomplete
    }
}
