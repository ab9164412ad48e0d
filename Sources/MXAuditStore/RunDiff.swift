import Foundation
import MXAuditModel

/// What changed between two stored runs (docs/history.md): result changes per client, the
/// evidence changes that matter even when no result moved, history-aware findings, waivers that
/// expired or are about to, and — apart from those — rule-set, inventory and settings changes.
public struct RunDiff: Sendable, Equatable, Codable {
    public var from: RunSummary
    public var to: RunSummary
    /// The horizon for "expiring" certificates and waivers.
    public var expiringWithinDays: Int
    /// The day expiry is counted from.
    public var today: CalendarDay
    public var rulesetChanges: [RulesetChange]
    public var inventoryChanges: [InventoryChange]
    public var settingsChanges: [SettingChange]
    /// Domains one run recorded and the other did not (an incomplete run): not compared.
    public var notCompared: [String]
    /// Totals over every client.
    public var fleet: DiffCounts
    /// Clients with something to report, by client id.
    public var clients: [ClientDiff]

    public init(from: RunSummary, to: RunSummary, expiringWithinDays: Int, today: CalendarDay, rulesetChanges: [RulesetChange],
                inventoryChanges: [InventoryChange], settingsChanges: [SettingChange], notCompared: [String], fleet: DiffCounts,
                clients: [ClientDiff]) {
        self.from = from
        self.to = to
        self.expiringWithinDays = expiringWithinDays
        self.today = today
        self.rulesetChanges = rulesetChanges
        self.inventoryChanges = inventoryChanges
        self.settingsChanges = settingsChanges
        self.notCompared = notCompared
        self.fleet = fleet
        self.clients = clients
    }

    /// Every result change of every client.
    public var resultChanges: [ResultChange] { clients.flatMap(\.changes) }
    public var evidenceChanges: [EvidenceChange] { clients.flatMap(\.evidenceChanges) }
    public var findings: [HistoryFinding] { clients.flatMap(\.findings) }
    public var waivers: [WaiverNotice] { clients.flatMap(\.waivers) }
}

public struct RunSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: AuditRun.Status
    public var mxauditVersion: String
    public var inventoryHash: String

    public init(_ run: AuditRun) {
        id = run.id
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        status = run.status
        mxauditVersion = run.mxauditVersion
        inventoryHash = run.inventoryHash
    }
}

/// One client's part of the diff.
public struct ClientDiff: Sendable, Equatable, Codable {
    public var clientID: String
    public var name: String
    public var changes: [ResultChange]
    public var evidenceChanges: [EvidenceChange]
    public var findings: [HistoryFinding]
    public var waivers: [WaiverNotice]
    public var counts: DiffCounts

    public init(clientID: String, name: String, changes: [ResultChange], evidenceChanges: [EvidenceChange],
                findings: [HistoryFinding], waivers: [WaiverNotice]) {
        self.clientID = clientID
        self.name = name
        self.changes = changes
        self.evidenceChanges = evidenceChanges
        self.findings = findings
        self.waivers = waivers
        counts = DiffCounts(changes: changes, evidenceChanges: evidenceChanges, findings: findings, waivers: waivers)
    }

    /// Result changes the audit observed (not explained by a rule-set or inventory change) in one category.
    public func observed(_ category: ChangeCategory) -> [ResultChange] {
        changes.filter { $0.category == category && $0.cause == .audit }
    }

    public var isEmpty: Bool { changes.isEmpty && evidenceChanges.isEmpty && findings.isEmpty && waivers.isEmpty }
}

/// Totals of a diff or of one client.
public struct DiffCounts: Sendable, Equatable, Codable {
    public var regressed = 0
    public var fixed = 0
    public var new = 0
    public var absent = 0
    public var stillFailing = 0
    public var waived = 0
    public var indeterminate = 0
    /// Result changes under a changed rule set (not counted above).
    public var afterRulesetChange = 0
    /// Result changes of domains or rule sets added to or removed from the inventory (not counted above).
    public var afterInventoryChange = 0
    public var evidenceChanges = 0
    public var problems = 0
    public var warnings = 0
    public var waiversExpiring = 0

    public init() {}

    init(changes: [ResultChange], evidenceChanges: [EvidenceChange], findings: [HistoryFinding], waivers: [WaiverNotice]) {
        for change in changes {
            switch change.cause {
            case .rulesetChange: afterRulesetChange += 1
            case .inventoryChange: afterInventoryChange += 1
            case .audit: self[change.category] += 1
            }
        }
        self.evidenceChanges = evidenceChanges.count
        problems = findings.count { $0.severity == .problem }
        warnings = findings.count { $0.severity == .warning }
        waiversExpiring = waivers.count
    }

    public subscript(category: ChangeCategory) -> Int {
        get {
            switch category {
            case .regressed: return regressed
            case .fixed: return fixed
            case .new: return new
            case .absent: return absent
            case .stillFailing: return stillFailing
            case .waived: return waived
            case .indeterminate: return indeterminate
            }
        }
        set {
            switch category {
            case .regressed: regressed = newValue
            case .fixed: fixed = newValue
            case .new: new = newValue
            case .absent: absent = newValue
            case .stillFailing: stillFailing = newValue
            case .waived: waived = newValue
            case .indeterminate: indeterminate = newValue
            }
        }
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = DiffCounts()
        for category in ChangeCategory.allCases { sum[category] = lhs[category] + rhs[category] }
        sum.afterRulesetChange = lhs.afterRulesetChange + rhs.afterRulesetChange
        sum.afterInventoryChange = lhs.afterInventoryChange + rhs.afterInventoryChange
        sum.evidenceChanges = lhs.evidenceChanges + rhs.evidenceChanges
        sum.problems = lhs.problems + rhs.problems
        sum.warnings = lhs.warnings + rhs.warnings
        sum.waiversExpiring = lhs.waiversExpiring + rhs.waiversExpiring
        return sum
    }
}
