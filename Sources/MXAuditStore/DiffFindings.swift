import MXAuditModel

/// A change in the evidence that matters even when no result changed.
public struct EvidenceChange: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case mxSet = "mx_set"
        case tlsaRecords = "tlsa_records"
        case mtaSTSID = "mta_sts_id"
        case mtaSTSMode = "mta_sts_mode"
        case mtaSTSMaxAge = "mta_sts_max_age"
        case mtaSTSMX = "mta_sts_mx"
        case certificateIssuer = "certificate_issuer"
        case certificateKey = "certificate_key"
        case dnssec
    }

    public var domain: String
    /// What changed: the domain, an MX host, `host address` for an SMTP endpoint, `mta-sts.<domain>`.
    public var subject: String
    public var kind: Kind
    /// Both sides in words; "—" where there was nothing.
    public var before: String
    public var after: String

    public init(domain: String, subject: String, kind: Kind, before: String, after: String) {
        self.domain = domain
        self.subject = subject
        self.kind = kind
        self.before = before
        self.after = after
    }
}

/// A problem only visible by comparing runs (or by counting days from today).
public struct HistoryFinding: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The policy changed but the TXT `id` did not: senders keep the old policy until max_age runs out.
        case policyChangedWithoutNewID = "mta_sts_policy_changed_without_new_id"
        /// enforce → testing/none, testing → none.
        case modeDowngraded = "mta_sts_mode_downgraded"
        /// The certificate changed and the TLSA RRset that matched the old one no longer matches.
        case tlsaNoLongerMatching = "tlsa_no_longer_matching_after_certificate_change"
        /// A certificate expires within the horizon (or has expired).
        case certificateExpiring = "certificate_expiring"
        /// A new MX host that the MTA-STS policy's mx patterns do not cover.
        case newMXNotCovered = "new_mx_not_covered_by_policy"
    }

    public enum Severity: String, Sendable, Codable, Comparable {
        /// A new problem: `--fail-on regressed` blocks on it.
        case problem
        /// Needs attention before it becomes a problem.
        case warning

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .problem && rhs == .warning }
    }

    public var kind: Kind
    public var severity: Severity
    public var domain: String
    public var subject: String
    public var message: String

    public init(kind: Kind, severity: Severity, domain: String, subject: String, message: String) {
        self.kind = kind
        self.severity = severity
        self.domain = domain
        self.subject = subject
        self.message = message
    }
}

/// A waiver of the newer run's inventory that has expired or expires within the horizon.
public struct WaiverNotice: Sendable, Equatable, Codable {
    public var waiver: Waiver
    /// Days from `today` to the expiry day; 0 on the day itself (it still holds), negative once expired.
    public var daysLeft: Int

    public init(waiver: Waiver, daysLeft: Int) {
        self.waiver = waiver
        self.daysLeft = daysLeft
    }

    public var expired: Bool { daysLeft < 0 }
}
