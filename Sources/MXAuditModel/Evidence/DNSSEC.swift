/// The DNSSEC state of one RRset (or of a proof of its absence), per RFC 4035 §4.3.
public enum DNSSECStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// A chain of trust from the trust anchor validates it.
    case secure
    /// A validated proof shows an unsigned delegation above it.
    case insecure
    /// Signatures or the chain are broken (expired, no matching key, missing proof).
    case bogus
    /// It could not be judged (a lookup failed, the resolver timed out).
    case indeterminate

    private var rank: Int {
        switch self {
        case .secure: return 0
        case .insecure: return 1
        case .indeterminate: return 2
        case .bogus: return 3
        }
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A DNSSEC status with the reason a person can act on and how it was obtained.
public struct DNSSECVerdict: Sendable, Equatable, Hashable, Codable {
    public var status: DNSSECStatus
    /// For example "RRSIG over example.de/MX expired 2026-11-20" or "DS for example.de matches no DNSKEY".
    public var reason: String?
    /// The zone whose keys signed (or should have signed) the data.
    public var zone: String?
    /// `validator` (mxaudit's own chain of trust) or `resolver` (the resolver's AD bit, `--dnssec resolver`).
    public var method: Method

    public enum Method: String, Sendable, Codable { case validator, resolver }

    public init(_ status: DNSSECStatus, reason: String? = nil, zone: String? = nil, method: Method = .validator) {
        self.status = status
        self.reason = reason
        self.zone = zone
        self.method = method
    }
}
