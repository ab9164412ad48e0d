import Foundation
import GRDB
import MXAuditModel
import Synchronization

/// The SQLite history of audit runs (docs/history.md): runs, the inventory each run audited, the
/// evidence document of every domain and every result.
///
/// A run streams in: `beginRun`, then `record` as domains finish (one transaction per call, of one
/// domain or a small batch, so memory stays flat and a crash loses at most the batch being
/// written), then `finishRun`. Only a `complete` run counts as "the last audit"; a run whose
/// process died reads as `incomplete`, and the next read-write open marks it so in the file.
///
/// Every call does its SQLite work on GRDB's own threads and suspends the caller meanwhile, so the
/// cooperative pool never blocks on disk. Writes complete even when the calling task is
/// cancelled: an interrupted audit can still mark its run incomplete.
public final class AuditStore: Sendable {
    public enum Access: Sendable {
        /// Creates the file when needed, migrates it, and marks runs of dead writers incomplete.
        case readWrite
        /// Reads an existing history and changes nothing (a copy on read-only media, a report host).
        case readOnly
    }

    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// This process, recorded as the writer of the runs it begins.
    let writer: WriterIdentity
    /// The `run_rule` rows this store has written, by run: a rule's row is written with the first
    /// of its results, and later results are checked against it.
    private let writtenRules = Mutex<[Int64: [RuleKey: StoredRule]]>([:])

    public convenience init(path: String, access: Access = .readWrite) throws {
        try self.init(path: path, access: access, writer: .current())
    }

    init(path: String, access: Access, writer: WriterIdentity) throws {
        self.path = path
        self.writer = writer
        // Only a file that is not there is "missing"; a directory we may not read is SQLite's to report.
        var status = stat()
        if access == .readOnly, stat(path, &status) != 0, errno == ENOENT {
            throw StoreError(.missing, path: path, operation: "opening", message: "no such file (no audit has been stored there yet)")
        }
        // On read-only media SQLite cannot create the -shm file a WAL database needs even for
        // reading; nobody can write there either, so the file is opened as immutable.
        let location = access == .readOnly && FileSystemState(holding: path)?.isReadOnly == true ? Self.immutableURI(path) : path
        do {
            // Look before opening for good: opening read-write would switch the file to WAL mode.
            if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 { try Self.checkIsOurs(path: location) }
            var configuration = Configuration()
            configuration.readonly = access == .readOnly
            configuration.foreignKeysEnabled = true
            // Another mxaudit may be writing its own run into the same file.
            configuration.busyMode = .timeout(30)
            configuration.label = "mxaudit history"
            pool = try DatabasePool(path: location, configuration: configuration)
            if access == .readWrite {
                try StoreSchema.migrator.migrate(pool)
            } else if try pool.read({ try !StoreSchema.migrator.hasCompletedMigrations($0) }) {
                throw StoreError(.schema, path: path, operation: "opening",
                                 message: "the history's schema is older than this mxaudit's; open it read-write once to migrate it")
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "opening")
        }
        if access == .readWrite { try markAbandonedRuns() }
    }

    /// An SQLite URI that opens `path` read-only without locks or shared memory (the system
    /// SQLite accepts URIs as file names).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?mode=ro&immutable=1"
    }

    /// Refuses another application's SQLite file and a history written by a newer mxaudit.
    private static func checkIsOurs(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in
            let hasTables = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%')
                """) ?? false
            if hasTables, try !db.tableExists("grdb_migrations") {
                throw StoreError(.schema, path: path, operation: "opening",
                                 message: "the file is an SQLite database but not an mxaudit history; it was left untouched")
            }
            if try StoreSchema.migrator.hasBeenSuperseded(db) {
                throw StoreError(.schema, path: path, operation: "opening",
                                 message: "the file was written by a newer mxaudit (its schema has migrations this version does not know)")
            }
        }
        try queue.close()
    }

    /// Runs left `running` by a process that is gone (SIGKILL, crash, reboot) become `incomplete`.
    private func markAbandonedRuns() throws {
        let observer = writer
        do {
            try pool.write { db in
                let rows = try Row.fetchAll(db, sql: "SELECT id, writer_host, writer_pid, writer_boot_id, writer_start_ticks FROM run WHERE status = 'running'")
                for row in rows where StoredRows.writer(row).state(seenFrom: observer) == .dead {
                    try db.execute(sql: "UPDATE run SET status = 'incomplete' WHERE id = ? AND status = 'running'", arguments: [row["id"] as Int64])
                }
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "marking abandoned runs incomplete")
        }
    }

    // MARK: Writing a run

    /// The `operation` of a `StoreError` from `beginRun`: when it fails, no run was stored.
    public static let beginRunOperation = "starting a run"

    /// Starts a run: stores its settings, rule sets and the clients (with their domains) it will
    /// audit. Returns the run id.
    public func beginRun(startedAt: Date, inventoryHash: String, rulesets: [RulesetReference], settings: AuditSettings,
                         clients: [Client]) async throws -> Int64 {
        let writer = self.writer
        let operation = Self.beginRunOperation
        let settingsJSON = try encoded(operation) { try JSONColumn.encode(settings) }
        let documents = try encoded(operation) { try clients.map { ($0, try JSONColumn.encode($0)) } }
        return try await write(operation) { db in
            try db.execute(sql: """
                INSERT INTO run (started_at, mxaudit_version, inventory_hash, settings, status,
                                 writer_host, writer_pid, writer_boot_id, writer_start_ticks)
                VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)
                """, arguments: [startedAt, MXAuditVersion.current, inventoryHash, settingsJSON,
                                 writer.host, writer.pid, writer.bootID, writer.startTicks])
            let runID = db.lastInsertedRowID
            for (position, ruleset) in rulesets.enumerated() {
                try db.execute(sql: "INSERT INTO run_ruleset (run_id, ruleset_id, version, digest, position) VALUES (?, ?, ?, ?, ?)",
                               arguments: [runID, ruleset.id, ruleset.version, ruleset.digest, position])
            }
            var domainPosition = 0
            for (position, (client, document)) in documents.enumerated() {
                try db.cachedStatement(sql: "INSERT INTO run_client (run_id, client_id, name, position, document) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [runID, client.id, StoredText.column(client.name), position, document])
                for domain in client.domains {
                    try db.cachedStatement(sql: "INSERT INTO run_domain (run_id, domain, client_id, position) VALUES (?, ?, ?, ?)")
                        .execute(arguments: [runID, domain.name.ascii, client.id, domainPosition])
                    domainPosition += 1
                }
            }
            return runID
        }
    }

    /// Stores one domain's evidence and results in one transaction. The domain belongs to one of
    /// the run's clients; each domain is recorded once.
    /// - Parameter evidenceJSON: the evidence's JSON form when the caller has it already (the
    ///   rules' document); it must decode to `evidence`.
    public func record(runID: Int64, evidence: DomainEvidence, judgement: DomainJudgement,
                       evidenceJSON: String? = nil) async throws {
        try await record(runID: runID, domains: [RecordedDomain(evidence: evidence, judgement: judgement, evidenceJSON: evidenceJSON)])
    }

    /// Stores several finished domains in one transaction: all of them or, on an error, none.
    /// A transaction per domain was a tenth of an audit's CPU; an audit stores its finished domains
    /// in small batches (`StoreBatcher` in MXAuditRunner), so a crash still loses only moments.
    public func record(runID: Int64, domains: [RecordedDomain]) async throws {
        guard !domains.isEmpty else { return }
        let operation = domains.count == 1 ? Self.recording(domains[0].evidence.domain.ascii, runID)
                                           : "recording \(domains.count) domains in run \(runID)"
        var rows: [(domain: String, recorded: RecordedDomain, evidenceJSON: String, adviceJSON: String?)] = []
        rows.reserveCapacity(domains.count)
        for recorded in domains {
            let domain = recorded.evidence.domain.ascii
            let judgement = recorded.judgement
            if let stray = ([judgement.domain] + judgement.results.map(\.domain)).first(where: { $0 != domain }) {
                throw StoreError(.invalidState, path: path, operation: operation,
                                 message: "the judgement holds results for \(stray), the evidence is for \(domain)")
            }
            let evidenceJSON = try recorded.evidenceJSON ?? encoded(operation) { try JSONColumn.encode(recorded.evidence) }
            let adviceJSON = try encoded(operation) { try judgement.advice.map(JSONColumn.encode) }
            rows.append((domain, recorded, evidenceJSON, adviceJSON))
        }
        let newRules = try rulesToWrite(runID: runID, results: domains.lazy.flatMap(\.judgement.results), operation: operation)
        let path = self.path
        let recordedAt = Date()
        let prepared = rows
        try await write(operation) { db in
            try Self.requireRunning(runID, db, path: path, operation: operation)
            for (key, rule) in newRules { try StoredRows.insert(rule: rule, key: key, runID: runID, db) }
            for row in prepared {
                do {
                    try Self.record(row.domain, row.recorded, evidenceJSON: row.evidenceJSON, adviceJSON: row.adviceJSON,
                                    runID: runID, recordedAt: recordedAt, db, path: path)
                } catch {
                    // Name the domain whose rows SQLite refused (a full disk, a huge document).
                    throw StoreError.wrapping(error, path: path, operation: Self.recording(row.domain, runID))
                }
            }
        }
        noteWritten(newRules, runID: runID)
    }

    /// The rules of `results` this store has not yet written for the run (each once). Refuses a
    /// rule that comes with other text than earlier in the run: `run_rule` holds one version of it.
    private func rulesToWrite(runID: Int64, results: some Sequence<RuleResult>, operation: String) throws -> [(RuleKey, StoredRule)] {
        let written = writtenRules.withLock { $0[runID] ?? [:] }
        var fresh: [RuleKey: StoredRule] = [:]
        for result in results {
            let key = RuleKey(rulesetID: result.rulesetID, ruleID: result.ruleID)
            let known = written[key] ?? fresh[key]
            if let known {
                guard known.matches(result) else {
                    throw StoreError(.invalidState, path: path, operation: operation, message: """
                        rule \(key.ruleID) of rule set \(key.rulesetID) comes with another version, title, level, scope, \
                        remediation or references than earlier in run \(runID)
                        """)
                }
            } else {
                fresh[key] = StoredRule(of: result)
            }
        }
        return fresh.sorted { ($0.key.rulesetID, $0.key.ruleID) < ($1.key.rulesetID, $1.key.ruleID) }
    }

    /// Notes rules as written once the transaction that wrote them has committed.
    private func noteWritten(_ rules: [(RuleKey, StoredRule)], runID: Int64) {
        guard !rules.isEmpty else { return }
        writtenRules.withLock { written in
            for (key, rule) in rules { written[runID, default: [:]][key] = rule }
        }
    }

    /// The `operation` of errors about one domain's rows.
    private static func recording(_ domain: String, _ runID: Int64) -> String { "recording \(domain) in run \(runID)" }

    private static func record(_ domain: String, _ recorded: RecordedDomain, evidenceJSON: String, adviceJSON: String?,
                               runID: Int64, recordedAt: Date, _ db: Database, path: String) throws {
        let judgement = recorded.judgement
        let operation = recording(domain, runID)
        let isClient = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM run_client WHERE run_id = ? AND client_id = ?)")
        guard try Bool.fetchOne(isClient, arguments: [runID, judgement.clientID]) == true else {
            throw StoreError(.invalidState, path: path, operation: operation,
                             message: "client '\(judgement.clientID)' is not one of the run's clients")
        }
        let plannedRow = try db.cachedStatement(sql: "SELECT client_id, recorded_at FROM run_domain WHERE run_id = ? AND domain = ?")
        if let planned = try Row.fetchOne(plannedRow, arguments: [runID, domain]) {
            guard (planned["recorded_at"] as Date?) == nil else {
                throw StoreError(.invalidState, path: path, operation: operation, message: "\(domain) was already recorded in this run")
            }
            guard planned["client_id"] as String == judgement.clientID else {
                throw StoreError(.invalidState, path: path, operation: operation,
                                 message: "\(domain) belongs to client '\(planned["client_id"] as String)', not '\(judgement.clientID)'")
            }
        } else {
            try db.execute(sql: """
                INSERT INTO run_domain (run_id, domain, client_id, position)
                VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position), -1) + 1 FROM run_domain WHERE run_id = ?1))
                """, arguments: [runID, domain, judgement.clientID])
        }
        try db.cachedStatement(sql: """
            UPDATE run_domain SET recorded_at = ?, evidence_schema = ?, evidence = ?, advice = ? WHERE run_id = ? AND domain = ?
            """).execute(arguments: [recordedAt, recorded.evidence.schemaVersion, evidenceJSON, adviceJSON, runID, domain])
        for (position, result) in judgement.results.enumerated() {
            try StoredRows.insert(result, runID: runID, position: position, db)
        }
    }

    /// Ends a run. `complete` requires every planned domain to be recorded; `incomplete` keeps what
    /// was recorded for inspection and never counts as "the last audit".
    public func finishRun(_ runID: Int64, status: AuditRun.Status, finishedAt: Date = Date()) async throws {
        let operation = "finishing run \(runID) as \(status.rawValue)"
        guard status != .running else {
            throw StoreError(.invalidState, path: path, operation: operation, message: "a run can only finish as complete or incomplete")
        }
        let path = self.path
        try await write(operation) { db in
            try Self.requireRunning(runID, db, path: path, operation: operation)
            if status == .complete {
                let missing = try String.fetchAll(db, sql: "SELECT domain FROM run_domain WHERE run_id = ? AND recorded_at IS NULL ORDER BY position",
                                                  arguments: [runID])
                if !missing.isEmpty {
                    throw StoreError(.invalidState, path: path, operation: operation,
                                     message: "\(missing.count) domain(s) were never recorded: " + missing.prefix(5).joined(separator: ", ")
                                         + (missing.count > 5 ? " …" : ""))
                }
            }
            try db.execute(sql: "UPDATE run SET status = ?, finished_at = ? WHERE id = ?", arguments: [status.rawValue, finishedAt, runID])
        }
        _ = writtenRules.withLock { $0.removeValue(forKey: runID) }
    }

    /// Copies what the write-ahead log holds into the database file now (a passive checkpoint:
    /// readers go on reading), so that closing the store, which would otherwise do it while the
    /// user waits for the process to end, has little left to copy.
    public func checkpoint() async throws {
        let pool = self.pool
        do {
            _ = try await Task { try await pool.writeWithoutTransaction { try $0.checkpoint(.passive) } }.value
        } catch {
            throw StoreError.wrapping(error, path: path, operation: "checkpointing the write-ahead log")
        }
    }

    /// Deletes old runs: keeps the last `keepLast` complete runs and every run started after the
    /// oldest of them; never touches a run that is still being written. Returns how many runs went.
    public func prune(keepLast: Int) async throws -> Int {
        let operation = "pruning to the last \(keepLast) complete runs"
        guard keepLast >= 1 else {
            throw StoreError(.invalidState, path: path, operation: operation, message: "at least one complete run must be kept")
        }
        return try await write(operation) { db in
            let kept = try Int64.fetchAll(db, sql: "SELECT id FROM run WHERE status = 'complete' ORDER BY id DESC LIMIT ?", arguments: [keepLast])
            guard kept.count == keepLast, let oldestKept = kept.last else { return 0 }
            try db.execute(sql: "DELETE FROM run WHERE id < ? AND status != 'running'", arguments: [oldestKept])
            return db.changesCount
        }
    }

    static func requireRunning(_ runID: Int64, _ db: Database, path: String, operation: String) throws {
        guard let status = try String.fetchOne(db, sql: "SELECT status FROM run WHERE id = ?", arguments: [runID]) else {
            throw StoreError(.runNotFound, path: path, operation: operation, message: "there is no run \(runID)")
        }
        guard status == AuditRun.Status.running.rawValue else {
            throw StoreError(.invalidState, path: path, operation: operation, message: "run \(runID) is \(status); it can no longer change")
        }
    }

    // MARK: Plumbing

    /// A write transaction that runs to its end even when the calling task is cancelled (it is
    /// short and atomic; an interrupted audit must still be able to close its run).
    func write<T: Sendable>(_ operation: String, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        do {
            return try await Task { try await pool.write(updates) }.value
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    func read<T: Sendable>(_ operation: String, _ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    private func encoded<T>(_ operation: String, _ encode: () throws -> T) throws -> T {
        do { return try encode() } catch { throw StoreError.wrapping(error, path: path, operation: operation) }
    }
}
