/// The text of a TXT record as published: its character-strings in order.
public struct TXTRecord: Sendable, Equatable, Hashable, Codable {
    /// Each character-string, decoded as UTF-8 with invalid bytes replaced (U+FFFD).
    public var strings: [String]
    /// The strings joined without separators, as RFC 7208/8461/8460 read multi-string records.
    public var joined: String { strings.joined() }

    public init(strings: [String]) { self.strings = strings }

    private enum CodingKeys: String, CodingKey { case strings, text }
    public init(from decoder: any Decoder) throws {
        strings = try decoder.container(keyedBy: CodingKeys.self).decode([String].self, forKey: .strings)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strings, forKey: .strings)
        try container.encode(joined, forKey: .text)
    }
}

/// Every TXT record at one name, with the DNSSEC state of the RRset.
public struct TXTRecordSet: Sendable, Equatable, Codable {
    public var name: String
    public var records: [TXTRecord]
    public var dnssec: DNSSECVerdict

    public init(name: String, records: [TXTRecord], dnssec: DNSSECVerdict) {
        self.name = name
        self.records = records
        self.dnssec = dnssec
    }
}

/// IPv4 or IPv6 addresses of one name, with their DNSSEC state.
public struct AddressSet: Sendable, Equatable, Codable {
    public var addresses: [String]
    public var dnssec: DNSSECVerdict

    public init(addresses: [String], dnssec: DNSSECVerdict) {
        self.addresses = addresses
        self.dnssec = dnssec
    }
}

/// One TLSA record (RFC 6698 §2.1).
public struct TLSARecord: Sendable, Equatable, Hashable, Codable {
    /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    public var usage: Int
    /// 0 full certificate, 1 SubjectPublicKeyInfo.
    public var selector: Int
    /// 0 exact, 1 SHA-256, 2 SHA-512.
    public var matchingType: Int
    /// The association data in lower-case hex.
    public var data: String

    public init(usage: Int, selector: Int, matchingType: Int, data: String) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
        self.data = data
    }

    /// Usages 2 and 3 are the only ones SMTP clients use (RFC 7672 §3.1).
    public var isUsableForSMTP: Bool { usage == 2 || usage == 3 }
}

/// The TLSA RRset of an MX host's `_25._tcp` name, with the checks a person needs.
public struct TLSAEvidence: Sendable, Equatable, Codable {
    /// The owner name where the RRset was found (`_25._tcp.<host>`).
    public var owner: String
    public var records: [TLSARecord]
    public var dnssec: DNSSECVerdict
    /// Lint findings (RFC 7671/7672 operational advice), in stable ids: `unusable_usage`,
    /// `full_certificate_pin`, `digest_length`, `no_rollover`, `only_unusable`.
    public var lint: [LintFinding]

    public init(owner: String, records: [TLSARecord], dnssec: DNSSECVerdict, lint: [LintFinding]) {
        self.owner = owner
        self.records = records
        self.dnssec = dnssec
        self.lint = lint
    }
}

/// A finding that a parser or linter attaches to evidence: a stable id, a line (when the text
/// has lines) and a sentence for a person.
public struct LintFinding: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var message: String
    public var line: Int?

    public init(id: String, message: String, line: Int? = nil) {
        self.id = id
        self.message = message
        self.line = line
    }
}
