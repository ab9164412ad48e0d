/// What a probe saw of one thing: it is there, it is provably not there, it could not be told,
/// or it was not looked at. A failed lookup is never an absence: rules read `.failed` as
/// "indeterminate", never as a pass or as "not published".
public enum Observation<Value: Sendable & Codable & Equatable>: Sendable, Equatable, Codable {
    /// Observed, with its value.
    case present(Value)
    /// Proven absent (NXDOMAIN/NODATA, "no such record", HTTP 404 when that is the fact), with how we know.
    case absent(String)
    /// The observation could not be made: the reason says why (timeout, SERVFAIL, bogus, TLS error …).
    case failed(Failure)
    /// Not attempted because it does not apply (e.g. no TLSA lookup for an insecure MX host).
    case skipped(String)

    public var value: Value? {
        if case .present(let value) = self { return value }
        return nil
    }

    public var failure: Failure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }

    public var status: ObservationStatus {
        switch self {
        case .present: return .present
        case .absent: return .absent
        case .failed: return .error
        case .skipped: return .skipped
        }
    }

    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Observation<T> {
        switch self {
        case .present(let value): return .present(try transform(value))
        case .absent(let reason): return .absent(reason)
        case .failed(let failure): return .failed(failure)
        case .skipped(let reason): return .skipped(reason)
        }
    }

    private enum CodingKeys: String, CodingKey { case status, value, reason, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(ObservationStatus.self, forKey: .status) {
        case .present: self = .present(try container.decode(Value.self, forKey: .value))
        case .absent: self = .absent(try container.decode(String.self, forKey: .reason))
        case .error: self = .failed(try container.decode(Failure.self, forKey: .error))
        case .skipped: self = .skipped(try container.decode(String.self, forKey: .reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        switch self {
        case .present(let value): try container.encode(value, forKey: .value)
        case .absent(let reason), .skipped(let reason): try container.encode(reason, forKey: .reason)
        case .failed(let failure): try container.encode(failure, forKey: .error)
        }
    }
}

/// The JSON tag of an observation; rule expressions compare against these names.
public enum ObservationStatus: String, Sendable, Codable, CaseIterable {
    case present, absent, error, skipped
}

/// Why an observation could not be made.
public struct Failure: Error, Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The peer did not answer in time.
        case timeout
        /// Connection refused, unreachable, reset.
        case network
        /// A DNS server answered SERVFAIL, REFUSED or another error code.
        case dnsError = "dns_error"
        /// DNSSEC validation failed: the data is bogus.
        case bogus
        /// The peer spoke but broke the protocol (garbage, truncated, unexpected reply).
        case protocolViolation = "protocol"
        /// TLS could not be negotiated.
        case tls
        /// An answer, body or line exceeded mxaudit's bound.
        case limit
        /// The peer refused service for now (SMTP 421/4xx, HTTP 5xx).
        case busy
        /// A local problem (out of descriptors, a library failure).
        case local
        /// The run was cancelled before the observation finished.
        case cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
