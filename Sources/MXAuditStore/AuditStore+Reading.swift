import Foundation
import GRDB
import MXAuditModel

extension AuditStore {
    /// Runs, newest first (all of them when `limit` is nil).
    public func runs(limit: Int?) async throws -> [AuditRun] {
        let observer = writer
        return try await read("listing runs") { db in
            try Row.fetchAll(db, sql: "SELECT \(StoredRows.runColumns) FROM run ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1])
                .map { try StoredRows.run($0, db, observer: observer) }
        }
    }

    /// Runs with their size and outcome totals, newest first.
    public func runOverviews(limit: Int?) async throws -> [RunOverview] {
        let observer = writer
        return try await read("listing runs") { db in
            try Row.fetchAll(db, sql: "SELECT \(StoredRows.runColumns) FROM run ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1]).map { row in
                let run = try StoredRows.run(row, db, observer: observer)
                let counts = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*) AS planned, COUNT(recorded_at) AS recorded FROM run_domain WHERE run_id = ?
                    """, arguments: [run.id])
                var outcomes: [String: Int] = [:]
                for outcome in try Row.fetchAll(db, sql: "SELECT outcome, COUNT(*) AS n FROM result WHERE run_id = ? GROUP BY outcome",
                                                arguments: [run.id]) {
                    outcomes[outcome["outcome"]] = outcome["n"]
                }
                return RunOverview(run: run, domainsPlanned: counts?["planned"] ?? 0, domainsRecorded: counts?["recorded"] ?? 0,
                                   outcomes: outcomes)
            }
        }
    }

    /// One run; `StoreError.runNotFound` when there is none with that id.
    public func run(id: Int64) async throws -> AuditRun {
        let (observer, path) = (writer, self.path)
        return try await read("reading run \(id)") { db in try Self.fetchRun(id, db, observer: observer, path: path) }
    }

    /// The last `count` complete runs (started before run `before`, when given), newest first:
    /// "the last audit" is `lastCompleteRuns(1)`.
    public func lastCompleteRuns(_ count: Int, before: Int64? = nil) async throws -> [AuditRun] {
        let observer = writer
        return try await read("finding the last complete runs") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(StoredRows.runColumns) FROM run WHERE status = 'complete' AND id < ? ORDER BY id DESC LIMIT ?
                """, arguments: [before ?? Int64.max, count]).map { try StoredRows.run($0, db, observer: observer) }
        }
    }

    /// The judgement of every domain the run recorded, in inventory order.
    public func judgements(runID: Int64) async throws -> [DomainJudgement] {
        let (observer, path) = (writer, self.path)
        let operation = "reading the results of run \(runID)"
        let domains = try await read(operation) { db in
            _ = try Self.fetchRun(runID, db, observer: observer, path: path)
            return try Row.fetchAll(db, sql: """
                SELECT domain, client_id, advice FROM run_domain WHERE run_id = ? AND recorded_at IS NOT NULL ORDER BY position
                """, arguments: [runID]).map(StoredDomainRow.init)
        }
        // The results are most of the reading: two halves (by domain) read at once on two
        // connections. Results are written with their domain's row, so both halves hold every
        // domain read above, whatever the writer added since.
        let middle = domains.map(\.domain).sorted().dropFirst(domains.count / 2).first
        async let lower = read(operation) { db in try Self.results(runID: runID, below: middle, db) }
        async let upper = read(operation) { db in try middle.map { try Self.results(runID: runID, from: $0, db) } ?? [:] }
        let results = try await lower.merging(try await upper) { first, _ in first }
        var advice = AdviceTexts()
        return try domains.map { try Self.judgement($0, results: results, advice: &advice) }
    }

    /// The evidence document one run stored for one domain (A-label), nil when it recorded none.
    public func evidence(runID: Int64, domain: String) async throws -> DomainEvidence? {
        try await read("reading the evidence of \(domain) in run \(runID)") { db in try Self.evidence(runID: runID, domain: domain, db) }
    }

    /// Every run that recorded the domain (A-label), oldest first, with its results for it.
    public func history(domain: String) async throws -> [(run: AuditRun, results: [RuleResult])] {
        let (observer, path) = (writer, self.path)
        let entries = try await read("reading the history of \(domain)") { db in
            try Int64.fetchAll(db, sql: "SELECT run_id FROM run_domain WHERE domain = ? AND recorded_at IS NOT NULL ORDER BY run_id",
                               arguments: [domain]).map { runID in
                HistoryEntry(run: try Self.fetchRun(runID, db, observer: observer, path: path),
                             results: try Self.results(runID: runID, domain: domain, db))
            }
        }
        return entries.map { ($0.run, $0.results) }
    }

    /// A run as the differ reads it: the inventory it audited and, per domain, the results and
    /// the facts of the evidence (documents are decoded one at a time and not kept).
    public func storedRun(id: Int64) async throws -> StoredRun {
        let (observer, path) = (writer, self.path)
        return try await read("reading run \(id)") { db in
            let run = try Self.fetchRun(id, db, observer: observer, path: path)
            let clients = try Self.clients(runID: id, db)
            let results = try Self.results(runID: id, db)
            var domains: [StoredDomain] = []
            var advice = AdviceTexts()
            let rows = try Row.fetchCursor(db, sql: "SELECT domain, client_id, advice, evidence FROM run_domain WHERE run_id = ? ORDER BY position",
                                           arguments: [id])
            while let row = try rows.next() {
                let evidence: String? = row["evidence"]
                domains.append(StoredDomain(domain: row["domain"], clientID: row["client_id"],
                                            judgement: try evidence.map { _ in try Self.judgement(StoredDomainRow(row), results: results, advice: &advice) },
                                            facts: try evidence.map { EvidenceFacts(try JSONColumn.decode(DomainEvidence.self, from: $0)) }))
            }
            return StoredRun(run: run, clients: clients, domains: domains)
        }
    }

    /// `PRAGMA integrity_check` followed by any `PRAGMA foreign_key_check` violation; `["ok"]` for a sound file.
    public func integrityCheck() async throws -> [String] {
        try await read("checking integrity") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map {
                "foreign key violation: \($0[0] as String? ?? "?") row \($0[1] as Int64? ?? -1) → \($0[2] as String? ?? "?")"
            }
            return integrity + foreignKeys
        }
    }

    // MARK: Row helpers

    static func fetchRun(_ id: Int64, _ db: Database, observer: WriterIdentity, path: String) throws -> AuditRun {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(StoredRows.runColumns) FROM run WHERE id = ?", arguments: [id]) else {
            throw StoreError(.runNotFound, path: path, operation: "reading run \(id)", message: "there is no run \(id)")
        }
        return try StoredRows.run(row, db, observer: observer)
    }

    /// The clients as the inventory gave them to a run, in inventory order.
    static func clients(runID: Int64, _ db: Database) throws -> [Client] {
        try String.fetchAll(db, sql: "SELECT document FROM run_client WHERE run_id = ? ORDER BY position", arguments: [runID])
            .map { try JSONColumn.decode(Client.self, from: $0) }
    }

    /// The evidence document a run stored for a domain, nil when it recorded none.
    static func evidence(runID: Int64, domain: String, _ db: Database) throws -> DomainEvidence? {
        try String.fetchOne(db, sql: "SELECT evidence FROM run_domain WHERE run_id = ? AND domain = ?", arguments: [runID, domain])
            .map { try JSONColumn.decode(DomainEvidence.self, from: $0) }
    }

    /// One domain's results in a run, in the order the rules produced them.
    private static func results(runID: Int64, domain: String, _ db: Database) throws -> [RuleResult] {
        let rules = try StoredRows.rules(runID: runID, db)
        return try Row.fetchAll(db, sql: "SELECT \(StoredRows.resultColumns) FROM result WHERE run_id = ? AND domain = ? ORDER BY position",
                                arguments: [runID, domain]).map { try StoredRows.result($0, rules: rules) }
    }

    /// Every result of a run, by domain, in the order the rules produced them; only those of the
    /// domains sorting at or after `from` and before `below` when given.
    private static func results(runID: Int64, from: String? = nil, below: String? = nil,
                                _ db: Database) throws -> [String: [RuleResult]] {
        var sql = "SELECT \(StoredRows.resultColumns) FROM result WHERE run_id = ?"
        var arguments: StatementArguments = [runID]
        if let from {
            sql += " AND domain >= ?"
            arguments += [from]
        }
        if let below {
            sql += " AND domain < ?"
            arguments += [below]
        }
        let rules = try StoredRows.rules(runID: runID, db)
        var byDomain: [String: [RuleResult]] = [:]
        var shared = SharedStrings()
        let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY domain, position", arguments: arguments)
        while let row = try rows.next() {
            let result = shared.share(try StoredRows.result(row, rules: rules))
            byDomain[result.domain, default: []].append(result)
        }
        return byDomain
    }

    private static func judgement(_ row: StoredDomainRow, results: [String: [RuleResult]],
                                  advice: inout AdviceTexts) throws -> DomainJudgement {
        DomainJudgement(domain: row.domain, clientID: row.clientID, results: results[row.domain] ?? [],
                        advice: try row.advice.map { try advice.decoded($0) })
    }
}

/// Advice documents decoded once per distinct text: a fleet's domains share a handful of
/// scenarios, and a JSONDecoder per domain was a third of reading a run's judgements back.
private struct AdviceTexts {
    private var decoded: [String: DeploymentAdvice] = [:]

    mutating func decoded(_ text: String) throws -> DeploymentAdvice {
        if let known = decoded[text] { return known }
        let advice = try JSONColumn.decode(DeploymentAdvice.self, from: text)
        decoded[text] = advice
        return advice
    }
}

/// A recorded domain of a run before its results are joined to it.
private struct StoredDomainRow: Sendable {
    var domain: String
    var clientID: String
    var advice: String?

    /// A row with the columns `domain`, `client_id` and `advice`.
    init(_ row: Row) {
        domain = row["domain"]
        clientID = row["client_id"]
        advice = row["advice"]
    }
}

private struct HistoryEntry: Sendable {
    var run: AuditRun
    var results: [RuleResult]
}
