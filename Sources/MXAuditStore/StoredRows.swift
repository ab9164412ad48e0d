import Foundation
import GRDB
import MXAuditModel

/// JSON columns use the evidence's one JSON form (sorted keys, ISO 8601 dates), so documents
/// stored by different runs compare byte for byte and read well in `sqlite3`.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try DomainEvidence.makeEncoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try DomainEvidence.makeDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Reading runs and results back from rows.
enum StoredRows {
    static let runColumns = """
        id, started_at, finished_at, mxaudit_version, inventory_hash, settings, status,
        writer_host, writer_pid, writer_boot_id, writer_start_ticks
        """

    /// A run row; a `running` run whose writer is gone reads as `incomplete`, even in a read-only
    /// store that cannot repair the row.
    static func run(_ row: Row, _ db: Database, observer: WriterIdentity) throws -> AuditRun {
        let id: Int64 = row["id"]
        guard let status = AuditRun.Status(rawValue: row["status"]) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "run \(id) has an unknown status"))
        }
        let rulesets = try Row.fetchAll(db, sql: "SELECT ruleset_id, version, digest FROM run_ruleset WHERE run_id = ? ORDER BY position",
                                        arguments: [id]).map {
            RulesetReference(id: $0["ruleset_id"], version: $0["version"], digest: $0["digest"])
        }
        let effective: AuditRun.Status = status == .running && writer(row).state(seenFrom: observer) == .dead ? .incomplete : status
        return AuditRun(id: id, startedAt: row["started_at"], finishedAt: row["finished_at"], mxauditVersion: row["mxaudit_version"],
                        inventoryHash: row["inventory_hash"], rulesets: rulesets,
                        settings: try JSONColumn.decode(AuditSettings.self, from: row["settings"]), status: effective)
    }

    static func writer(_ row: Row) -> WriterIdentity {
        WriterIdentity(host: row["writer_host"], pid: row["writer_pid"], bootID: row["writer_boot_id"],
                       startTicks: row["writer_start_ticks"])
    }

    /// The columns of `result` that `result(_:rules:)` reads, by position.
    static let resultColumns = "domain, client_id, ruleset_id, rule_id, subject, outcome, message, waiver"

    /// A row of `SELECT resultColumns` with its rule from `rules` (the run's `run_rule` rows),
    /// read by position: looking columns up by name for every row was most of reading a large
    /// run back.
    static func result(_ row: Row, rules: [RuleKey: StoredRule]) throws -> RuleResult {
        let key = RuleKey(rulesetID: row[2], ruleID: row[3])
        guard let rule = rules[key] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "result of rule \(key.ruleID) of rule set \(key.rulesetID) has no run_rule row"))
        }
        let outcomeText: String = row[5]
        guard let outcome = Outcome(rawValue: outcomeText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "result column outcome holds '\(outcomeText)'"))
        }
        let waiverText: String? = row[7]
        return RuleResult(domain: row[0], clientID: row[1], rulesetID: key.rulesetID, rulesetVersion: rule.rulesetVersion,
                          ruleID: key.ruleID, ruleTitle: rule.title, level: rule.level, scope: rule.scope, subject: row[4],
                          outcome: outcome, message: row[6], remediation: rule.remediation, references: rule.references,
                          waiver: try waiverText.map { try JSONColumn.decode(AppliedWaiver.self, from: $0) })
    }

    /// The rules of one run (`run_rule`), by rule set and rule.
    static func rules(runID: Int64, _ db: Database) throws -> [RuleKey: StoredRule] {
        var rules: [RuleKey: StoredRule] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT ruleset_id, rule_id, ruleset_version, title, level, scope, remediation, refs FROM run_rule WHERE run_id = ?
            """, arguments: [runID])
        while let row = try rows.next() {
            func enumValue<T: RawRepresentable<String>>(_ index: Int, _ column: String) throws -> T {
                let text: String = row[index]
                guard let value = T(rawValue: text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "run_rule column \(column) holds '\(text)'"))
                }
                return value
            }
            rules[RuleKey(rulesetID: row[0], ruleID: row[1])] = StoredRule(
                rulesetVersion: row[2], title: row[3], level: try enumValue(4, "level"), scope: try enumValue(5, "scope"),
                remediation: row[6], references: try references(row[7]))
        }
        return rules
    }

    /// The references column; nearly always plain URLs, read without a JSONDecoder per row.
    static func references(_ text: String) throws -> [String] {
        try JSONString.plainArray(text) ?? JSONColumn.decode([String].self, from: text)
    }

    /// Built once: the statement cache is keyed by the SQL text, which would otherwise be
    /// interpolated again for every one of a run's result rows.
    private static let insertSQL = """
        INSERT INTO result (run_id, position, \(resultColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// A result row; its rule's row (`insert(rule:)`) must be there already.
    static func insert(_ result: RuleResult, runID: Int64, position: Int, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: [
            runID, position, result.domain, result.clientID, result.rulesetID, result.ruleID, StoredText.column(result.subject),
            result.outcome.rawValue, StoredText.column(result.message), try result.waiver.map(JSONColumn.encode),
        ])
    }

    /// A rule's row for a run; a row already there is kept (it holds the same rule).
    static func insert(rule: StoredRule, key: RuleKey, runID: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO run_rule (run_id, ruleset_id, rule_id, ruleset_version, title, level, scope, remediation, refs)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
            runID, key.rulesetID, key.ruleID, rule.rulesetVersion, StoredText.column(rule.title), rule.level.rawValue,
            rule.scope.rawValue, rule.remediation.map(StoredText.column), JSONString.array(rule.references),
        ])
    }
}

/// A rule of a run's rule set, as `run_rule` keeps it.
struct RuleKey: Hashable, Sendable {
    var rulesetID: String
    var ruleID: String
}

/// What every result of one rule in a run shares.
struct StoredRule: Equatable, Sendable {
    var rulesetVersion: String
    var title: String
    var level: RuleLevel
    var scope: RuleScope
    var remediation: String?
    var references: [String]
}

extension StoredRule {
    /// Whether `result` carries this rule (compared without building a rule from it).
    func matches(_ result: RuleResult) -> Bool {
        rulesetVersion == result.rulesetVersion && title == result.ruleTitle && level == result.level && scope == result.scope
            && remediation == result.remediation && references == result.references
    }

    init(of result: RuleResult) {
        self.init(rulesetVersion: result.rulesetVersion, title: result.ruleTitle, level: result.level, scope: result.scope,
                  remediation: result.remediation, references: result.references)
    }
}
