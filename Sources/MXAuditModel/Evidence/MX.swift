/// How a domain receives mail according to its MX RRset (RFC 5321 §5.1, RFC 7505).
public enum MXKind: String, Sendable, Codable, CaseIterable {
    /// One or more ordinary MX records.
    case explicit
    /// Exactly `0 .`: the domain accepts no mail.
    case nullMX = "null"
    /// `0 .` together with other MX records: a misconfiguration.
    case nullMixed = "null_mixed"
    /// No MX RRset: mail goes to the domain's own A/AAAA (the implicit MX).
    case implicit
}

/// One MX record as published.
public struct MXRecord: Sendable, Equatable, Hashable, Codable {
    public var preference: Int
    /// The exchange name, A-label form without the final dot ("." for a null MX).
    public var exchange: String

    public init(preference: Int, exchange: String) {
        self.preference = preference
        self.exchange = exchange
    }
}

/// The MX RRset of a domain and the evidence gathered for every host it names.
public struct MXEvidence: Sendable, Equatable, Codable {
    public var kind: MXKind
    public var records: [MXRecord]
    /// DNSSEC state of the MX RRset (or of the proof that it does not exist, for implicit MX).
    public var dnssec: DNSSECVerdict
    /// Every distinct host, ordered by preference then name; for an implicit MX, the domain itself.
    public var hosts: [MXHostEvidence]

    public init(kind: MXKind, records: [MXRecord], dnssec: DNSSECVerdict, hosts: [MXHostEvidence]) {
        self.kind = kind
        self.records = records
        self.dnssec = dnssec
        self.hosts = hosts
    }
}

/// What was observed of one MX host: its names, addresses, TLSA RRset and one SMTP probe per address.
public struct MXHostEvidence: Sendable, Equatable, Codable {
    /// The name as the MX record gives it.
    public var name: String
    public var preference: Int
    /// When the MX target is a CNAME (forbidden by RFC 2181 §10.3, common in practice): the final target.
    public var cnameTarget: String?
    public var ipv4: Observation<AddressSet>
    public var ipv6: Observation<AddressSet>
    /// The TLSA RRset, looked up only where the host's address records are DNSSEC-secure (RFC 7672 §2.2).
    public var tlsa: Observation<TLSAEvidence>
    /// One SMTP probe per address (IPv4 and IPv6).
    public var endpoints: [SMTPEndpointEvidence]

    public init(name: String, preference: Int, cnameTarget: String? = nil, ipv4: Observation<AddressSet>,
                ipv6: Observation<AddressSet>, tlsa: Observation<TLSAEvidence>, endpoints: [SMTPEndpointEvidence]) {
        self.name = name
        self.preference = preference
        self.cnameTarget = cnameTarget
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.tlsa = tlsa
        self.endpoints = endpoints
    }
}
