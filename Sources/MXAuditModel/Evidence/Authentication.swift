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
    /// Reporting URIs as published; only `mailto:` and `https:` are valid.
    public var rua: [String]
    /// Why senders cannot use the record: `multiple_records`, `syntax`, `rua_missing`,
    /// `rua_invalid`, `rua_scheme`.
    public var errors: [LintFinding]
    /// `duplicate_field`.
    public var warnings: [LintFinding]

    public var isValid: Bool { errors.isEmpty }
    /// Every finding, errors first (for display).
    public var findings: [LintFinding] { errors + warnings }

    public init(rua: [String], errors: [LintFinding], warnings: [LintFinding]) {
        self.rua = rua
        self.errors = errors
        self.warnings = warnings
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
    /// The qualifier of `all` ("-", "~", "?", "+"), taken through `redirect=` when the record
    /// has no `all` of its own; nil when neither gives one (the result is then neutral).
    public var allQualifier: String?
    /// The `redirect=` target, when the record has one.
    public var redirect: String?
    /// DNS-querying terms (include, a, mx, ptr, exists, redirect) counted with includes and
    /// redirects followed, as if every term were evaluated (limit 10, RFC 7208 §4.6.4).
    public var dnsLookups: Int
    /// Lookups that found nothing (NXDOMAIN or NODATA; limit 2, RFC 7208 §4.6.4).
    public var voidLookups: Int
    /// False when a lookup failed, a macro could not be expanded without a sender, or the
    /// evaluation stopped at its bound: the two counts are then lower bounds.
    public var lookupsComplete: Bool
    /// What makes receivers return permerror: `multiple_records`, `syntax`, `too_many_lookups`,
    /// `too_many_void_lookups`, `include_loop`, `include_missing`, `include_multiple`,
    /// `redirect_missing`, `mx_too_many_names`.
    public var errors: [LintFinding]
    /// `no_all`, `terms_after_all`, `redirect_ignored`, `ptr_discouraged`, `macro_not_expanded`,
    /// `lookup_failed`, `evaluation_stopped`.
    public var warnings: [LintFinding]

    public var isValid: Bool { errors.isEmpty }
    /// Every finding, errors first (for display).
    public var findings: [LintFinding] { errors + warnings }

    public init(text: String, allQualifier: String?, redirect: String?, dnsLookups: Int, voidLookups: Int,
                lookupsComplete: Bool, errors: [LintFinding], warnings: [LintFinding]) {
        self.text = text
        self.allQualifier = allQualifier
        self.redirect = redirect
        self.dnsLookups = dnsLookups
        self.voidLookups = voidLookups
        self.lookupsComplete = lookupsComplete
        self.errors = errors
        self.warnings = warnings
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
    /// `none`, `quarantine` or `reject`; nil when `p` is missing or invalid.
    public var policy: String?
    public var subdomainPolicy: String?
    /// `pct`, 100 when absent or invalid.
    public var percentage: Int
    public var rua: [String]
    public var ruf: [String]
    /// Per external report domain (RFC 7489 §7.1): `present(true)` when
    /// `<domain>._report._dmarc.<destination>` has a `v=DMARC1` record, `present(false)` when it
    /// has TXT records but none of them, `absent` when it does not exist, `error` when unknown.
    public var externalAuthorisations: [String: Observation<Bool>]
    /// `multiple_records`, `syntax`, `p_missing`, `p_invalid`, `sp_invalid`, `pct_invalid`,
    /// `rua_invalid`, `ruf_invalid`, `adkim_invalid`, `aspf_invalid`.
    public var errors: [LintFinding]
    /// `duplicate_tag`, `uri_scheme`, `external_not_checked`.
    public var warnings: [LintFinding]

    public var isValid: Bool { errors.isEmpty }
    /// Every finding, errors first (for display).
    public var findings: [LintFinding] { errors + warnings }

    public init(policy: String?, subdomainPolicy: String?, percentage: Int, rua: [String], ruf: [String],
                externalAuthorisations: [String: Observation<Bool>], errors: [LintFinding], warnings: [LintFinding]) {
        self.policy = policy
        self.subdomainPolicy = subdomainPolicy
        self.percentage = percentage
        self.rua = rua
        self.ruf = ruf
        self.externalAuthorisations = externalAuthorisations
        self.errors = errors
        self.warnings = warnings
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

/// One DKIM key record (RFC 6376 §3.6.1, RFC 8463).
public struct DKIMKey: Sendable, Equatable, Codable {
    /// The `k=` tag: "rsa" (the default) or "ed25519"; other values are kept and are an error.
    public var keyType: String
    /// RSA modulus bits, 256 for Ed25519; nil when revoked or unreadable.
    public var keyBits: Int?
    /// True when `p=` is empty: the key was revoked.
    public var revoked: Bool
    /// Why verifiers cannot use the key: `version_invalid`, `key_type_unknown`, `p_missing`,
    /// `p_invalid`, `key_unreadable`, `key_type_mismatch`.
    public var errors: [LintFinding]
    /// `multiple_records`, `testing`, `sha1_only`, `rsa_pkcs1_key`, `ed25519_spki`.
    public var warnings: [LintFinding]

    public var isValid: Bool { errors.isEmpty }
    /// Every finding, errors first (for display).
    public var findings: [LintFinding] { errors + warnings }

    public init(keyType: String, keyBits: Int?, revoked: Bool, errors: [LintFinding], warnings: [LintFinding]) {
        self.keyType = keyType
        self.keyBits = keyBits
        self.revoked = revoked
        self.errors = errors
        self.warnings = warnings
    }
}
