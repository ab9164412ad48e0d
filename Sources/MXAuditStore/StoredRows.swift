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

    static let resultColumns = """
        domain, client_id, ruleset_id, ruleset_version, rule_id, rule_title, level, scope, subject, outcome,
        message, remediation, refs, waiver
        """

    /// A row of `SELECT resultColumns`, read by position: looking 14 columns up by name for every
    /// row was most of reading a large run back.
    static func result(_ row: Row) throws -> RuleResult {
        func enumValue<T: RawRepresentable<String>>(_ index: Int, _ column: String) throws -> T {
            let text: String = row[index]
            guard let value = T(rawValue: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "result column \(column) holds '\(text)'"))
            }
            return value
        }
        let waiverText: String? = row[13]
        return RuleResult(domain: row[0], clientID: row[1], rulesetID: row[2], rulesetVersion: row[3], ruleID: row[4],
                          ruleTitle: row[5], level: try enumValue(6, "level"), scope: try enumValue(7, "scope"), subject: row[8],
                          outcome: try enumValue(9, "outcome"), message: row[10], remediation: row[11],
                          references: try references(row[12]),
                          waiver: try waiverText.map { try JSONColumn.decode(AppliedWaiver.self, from: $0) })
    }

    /// The references column; nearly always plain URLs, read without a JSONDecoder per row.
    static func references(_ text: String) throws -> [String] {
        try JSONString.plainArray(text) ?? JSONColumn.decode([String].self, from: text)
    }

    /// Built once: the statement cache is keyed by the SQL text, which would otherwise be
    /// interpolated again for every one of a run's result rows.
    private static let insertSQL = """
        INSERT INTO result (run_id, position, \(resultColumns))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insert(_ result: RuleResult, runID: Int64, position: Int, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: [
            runID, position, result.domain, result.clientID, result.rulesetID, result.rulesetVersion, result.ruleID,
            StoredText.column(result.ruleTitle), result.level.rawValue, result.scope.rawValue, StoredText.column(result.subject),
            result.outcome.rawValue, StoredText.column(result.message), result.remediation.map(StoredText.column),
            JSONString.array(result.references),
            try result.waiver.map(JSONColumn.encode),
        ])
    }
}
