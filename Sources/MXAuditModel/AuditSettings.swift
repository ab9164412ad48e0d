/// The settings of one mxaudit run after the config file and the command line are merged.
public struct AuditSettings: Sendable, Equatable, Codable {
    public var resolver: String?
    public var trustAnchor: String?
    public var caFile: String?
    public var database: String
    public var outputDirectory: String?
    public var concurrency: Int
    public var timeoutSeconds: Double
    public var rulesetsDirectory: String?
    /// `validate` (mxaudit's own DNSSEC validation) or `resolver` (trust the resolver's AD bit).
    public var dnssecMode: DNSSECModeSetting
    /// The EHLO name the SMTP probe announces; nil: this machine's FQDN (or "localhost").
    public var heloName: String?
    /// Retention: after a complete audit, and for `runs --prune`, keep this many complete runs.
    public var keepRuns: Int?

    public static let defaultDatabase = "mxaudit.sqlite"
    public static let defaultConcurrency = 256
    public static let defaultTimeoutSeconds = 30.0

    public init(resolver: String? = nil, trustAnchor: String? = nil, caFile: String? = nil,
                database: String = AuditSettings.defaultDatabase, outputDirectory: String? = nil,
                concurrency: Int = AuditSettings.defaultConcurrency,
                timeoutSeconds: Double = AuditSettings.defaultTimeoutSeconds, rulesetsDirectory: String? = nil,
                dnssecMode: DNSSECModeSetting = .validate, heloName: String? = nil, keepRuns: Int? = nil) {
        self.resolver = resolver
        self.trustAnchor = trustAnchor
        self.caFile = caFile
        self.database = database
        self.outputDirectory = outputDirectory
        self.concurrency = concurrency
        self.timeoutSeconds = timeoutSeconds
        self.rulesetsDirectory = rulesetsDirectory
        self.dnssecMode = dnssecMode
        self.heloName = heloName
        self.keepRuns = keepRuns
    }
}

/// How DNSSEC verdicts are reached (`--dnssec`).
public enum DNSSECModeSetting: String, Sendable, Codable, CaseIterable {
    case validate, resolver
}
