/// TLS-RPT (RFC 8460): the one `v=TLSRPTv1` record at `_smtp._tls.<domain>`.
public struct TLSRPTEvidence: Sendable, Equatable, Codable {
    public var txt: Observation<TXTRecordSet>
    public var record: Observation<TLSRPTRecord>

    public init(txt: Observation<TXTRecordSet>, record: Observation<TLSRPTRecord>) {
        self.txt = txt
        self.record = record
    }
}

public struct TLSRPTRecord: Sendable, Equatable, Codable {
    /// Reporting URIs; only `mailto:` and `https:` are valid.
    public var rua: [String]
    public var findings: [LintFinding]

    public init(rua: [String], findings: [LintFinding]) {
        self.rua = rua
        self.findings = findings
    }
}

/// SPF (RFC 7208): the one `v=spf1` record at the apex and what evaluating its terms costs.
public struct SPFEvidence: Sendable, Equatable, Codable {
    public var txt: Observation<TXTRecordSet>
    public var record: Observation<SPFRecord>

    public init(txt: Observation<TXTRecordSet>, record: Observation<SPFRecord>) {
        self.txt = txt
        self.record = record
    }
}

public struct SPFRecord: Sendable, Equatable, Codable {
    public var text: String
    /// The qualifier of `all` ("-", "~", "?", "+"), nil when there is no `all`.
    public var allQualifier: String?
    /// DNS-querying terms counted with includes followed (limit 10, §4.6.4).
    public var dnsLookups: Int
    /// Lookups that returned no data (limit 2).
    public var voidLookups: Int
    public var findings: [LintFinding]

    public init(text: String, allQualifier: String?, dnsLookups: Int, voidLookups: Int, findings: [LintFinding]) {
        self.text = text
        self.allQualifier = allQualifier
        self.dnsLookups = dnsLookups
        self.voidLookups = voidLookups
        self.findings = findings
    }
}

/// DMARC (RFC 7489): the one `v=DMARC1` record at `_dmarc.<domain>`.
public struct DMARCEvidence: Sendable, Equatable, Codable {
    public var txt: Observation<TXTRecordSet>
    public var record: Observation<DMARCRecord>

    public init(txt: Observation<TXTRecordSet>, record: Observation<DMARCRecord>) {
        self.txt = txt
        self.record = record
    }
}

public struct DMARCRecord: Sendable, Equatable, Codable {
    public var policy: String
    public var subdomainPolicy: String?
    public var percentage: Int
    public var rua: [String]
    public var ruf: [String]
    /// External report destinations and whether they authorised this domain (RFC 7489 §7.1).
    public var externalAuthorisations: [String: Bool]
    public var findings: [LintFinding]

    public init(policy: String, subdomainPolicy: String?, percentage: Int, rua: [String], ruf: [String],
                externalAuthorisations: [String: Bool], findings: [LintFinding]) {
        self.policy = policy
        self.subdomainPolicy = subdomainPolicy
        self.percentage = percentage
        self.rua = rua
        self.ruf = ruf
        self.externalAuthorisations = externalAuthorisations
        self.findings = findings
    }
}

/// DKIM: `_domainkey.<domain>` existence (NOERROR vs NXDOMAIN) and the inventory's named selectors.
public struct DKIMEvidence: Sendable, Equatable, Codable {
    /// Present when `_domainkey` answers NOERROR (it exists, even as an empty non-terminal).
    public var domainKeyNode: Observation<Bool>
    public var selectors: [DKIMSelectorEvidence]

    public init(domainKeyNode: Observation<Bool>, selectors: [DKIMSelectorEvidence]) {
        self.domainKeyNode = domainKeyNode
        self.selectors = selectors
    }
}

public struct DKIMSelectorEvidence: Sendable, Equatable, Codable {
    public var selector: String
    public var key: Observation<DKIMKey>

    public init(selector: String, key: Observation<DKIMKey>) {
        self.selector = selector
        self.key = key
    }
}

public struct DKIMKey: Sendable, Equatable, Codable {
    /// "rsa" or "ed25519".
    public var keyType: String
    public var keyBits: Int?
    /// True when `p=` is empty: the key was revoked.
    public var revoked: Bool
    public var findings: [LintFinding]

    public init(keyType: String, keyBits: Int?, revoked: Bool, findings: [LintFinding]) {
        self.keyType = keyType
        self.keyBits = keyBits
        self.revoked = revoked
        self.findings = findings
    }
}
