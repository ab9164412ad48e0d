import Foundation

/// One audit run as the history keeps it.
public struct AuditRun: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Results are still streaming in (or the process died: see `incomplete`).
        case running
        /// Every domain was collected and judged: this run counts as "the last audit".
        case complete
        /// Stopped early (SIGINT, a crash, SIGKILL): kept for inspection, never used as "the last audit".
        case incomplete
    }

    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    public var mxauditVersion: String
    /// SHA-256 of the inventory file's bytes, to tell inventory changes from result changes.
    public var inventoryHash: String
    public var rulesets: [RulesetReference]
    public var settings: AuditSettings
    public var status: Status

    public init(id: Int64, startedAt: Date, finishedAt: Date?, mxauditVersion: String, inventoryHash: String,
                rulesets: [RulesetReference], settings: AuditSettings, status: Status) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.mxauditVersion = mxauditVersion
        self.inventoryHash = inventoryHash
        self.rulesets = rulesets
        self.settings = settings
        self.status = status
    }
}

/// A rule set as a run used it: a rule-set upgrade shows apart from result changes in diffs.
public struct RulesetReference: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var version: String
    /// SHA-256 of the resolved rule set (after `extends`), so an edit without a version bump shows too.
    public var digest: String

    public init(id: String, version: String, digest: String) {
        self.id = id
        self.version = version
        self.digest = digest
    }
}

/// mxaudit's own version, recorded with every run.
public enum MXAuditVersion {
    public static let current = "0.4.0"
}
