import Foundation
import GRDB
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditStore

@Suite("the history's schema over versions")
struct SchemaMigrationTests {
    static let specs = AuditStoreTests.specs
    static let v1 = "v1: runs, clients, domains, evidence, results"

    /// A history as mxaudit wrote it before migration v2: every result row carried its rule's text.
    private static func writeV1History(at path: String) throws -> [DomainJudgement] {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: v1)
        let clients = FixtureRules.clients(specs)
        // Remediation and references, which the fixture rules leave out, for one rule.
        let judgements = specs.map { spec in
            var judgement = FixtureRules.judge(Fixtures.evidence(spec), client: spec.client)
            for index in judgement.results.indices where judgement.results[index].ruleID == "DANE" {
                judgement.results[index].remediation = "Publish a \"3 1 1\" TLSA record for each MX host."
                judgement.results[index].references = ["RFC 7672 §3", "https://example.org/dane?a=1&b=2"]
            }
            return judgement
        }
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO run (id, started_at, finished_at, mxaudit_version, inventory_hash, settings, status, writer_host, writer_pid)
                VALUES (1, ?, ?, '0.9', 'inventory', ?, 'complete', 'old-host', 1)
                """, arguments: [Fixtures.day0, Fixtures.day0.addingTimeInterval(60), try JSONColumn.encode(AuditSettings())])
            try db.execute(sql: "INSERT INTO run_ruleset VALUES (1, ?, ?, ?, 0)",
                           arguments: [Fixtures.ruleset.id, Fixtures.ruleset.version, Fixtures.ruleset.digest])
            for (position, client) in clients.enumerated() {
                try db.execute(sql: "INSERT INTO run_client VALUES (1, ?, ?, ?, ?)",
                               arguments: [client.id, client.name, position, try JSONColumn.encode(client)])
            }
            for (position, (spec, judgement)) in zip(specs, judgements).enumerated() {
                try db.execute(sql: "INSERT INTO run_domain VALUES (1, ?, ?, ?, ?, 1, ?, ?)",
                               arguments: [spec.name, spec.client, position, Fixtures.day0, try JSONColumn.encode(Fixtures.evidence(spec)),
                                           try judgement.advice.map(JSONColumn.encode)])
                for (index, result) in judgement.results.enumerated() {
                    try db.execute(sql: """
                        INSERT INTO result (run_id, position, domain, client_id, ruleset_id, ruleset_version, rule_id, rule_title,
                                            level, scope, subject, outcome, message, remediation, refs, waiver)
                        VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                        """, arguments: [index, result.domain, result.clientID, result.rulesetID, result.rulesetVersion, result.ruleID,
                                         result.ruleTitle, result.level.rawValue, result.scope.rawValue, result.subject,
                                         result.outcome.rawValue, result.message, result.remediation, JSONString.array(result.references)])
                }
            }
        }
        try queue.close()
        return judgements
    }

    @Test func aV1HistoryMigratesAndReadsBackTheSameResults() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        let expected = try Self.writeV1History(at: path)
        let results = expected.flatMap(\.results)
        #expect(results.count == 12 && Set(results.map(\.ruleID)).count == 4, "four rules over several subjects")
        #expect(results.contains { $0.remediation != nil && $0.references.count == 2 })

        let store = try AuditStore(path: path)
        #expect(try await store.judgements(runID: 1) == expected)
        let history = try await store.history(domain: "one.example")
        #expect(history.map(\.run.id) == [1] && history.first?.results == expected[0].results)
        #expect(try await store.integrityCheck() == ["ok"])

        let rules = Set(results.map { "\($0.rulesetID) \($0.ruleID)" }).count
        #expect(try await SQLiteShell.query(path, "SELECT COUNT(*) FROM run_rule") == "\(rules)\n", "one row per rule of the run")
        #expect(try await SQLiteShell.query(path, "SELECT COUNT(*) FROM result") == "\(results.count)\n")
        let columns = try await SQLiteShell.query(path, "SELECT name FROM pragma_table_info('result')")
        #expect(!columns.contains("rule_title") && columns.contains("message"))

        // The migrated file takes a new run next to the old one.
        let next = try await store.storeFixtureRun(Self.specs, startedAt: Fixtures.day0.addingTimeInterval(86_400))
        #expect(next == 2)
        #expect(try await store.judgements(runID: next).flatMap(\.results).count == results.count)
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test func eachRuleIsWrittenOnceARunAndDeletedWithIt() async throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("history.sqlite")
        let store = try AuditStore(path: path)
        let first = try await store.storeFixtureRun(Self.specs)
        let second = try await store.storeFixtureRun(Self.specs, startedAt: Fixtures.day0.addingTimeInterval(86_400))
        let results = try await store.judgements(runID: second).flatMap(\.results)
        let rules = Set(results.map { "\($0.rulesetID) \($0.ruleID)" }).count
        #expect(try await SQLiteShell.query(path, "SELECT run_id, COUNT(*) FROM run_rule GROUP BY run_id")
                == "\(first)|\(rules)\n\(second)|\(rules)\n")

        #expect(try await store.prune(keepLast: 1) == 1)
        #expect(try await SQLiteShell.query(path, "SELECT DISTINCT run_id FROM run_rule") == "\(second)\n")
        #expect(try await store.judgements(runID: second).flatMap(\.results) == results)
    }

    @Test func aRuleThatChangesWithinARunIsRefusedAndItsBatchNotStored() async throws {
        let scratch = try ScratchDirectory()
        let store = try AuditStore(path: scratch.path("history.sqlite"))
        let runID = try await store.beginRun(startedAt: Fixtures.day0, inventoryHash: "h", rulesets: [Fixtures.ruleset],
                                             settings: AuditSettings(), clients: FixtureRules.clients(Self.specs))
        let first = Fixtures.evidence(Self.specs[0])
        try await store.record(runID: runID, evidence: first, judgement: FixtureRules.judge(first, client: "acme"))

        let second = Fixtures.evidence(Self.specs[1])
        var changed = FixtureRules.judge(second, client: "acme")
        changed.results[0].ruleTitle += " (edited mid-run)"
        let refused = await #expect(throws: StoreError.self) {
            try await store.record(runID: runID, evidence: second, judgement: changed)
        }
        #expect(refused?.kind == .invalidState)
        #expect(refused?.message.contains("rule \(changed.results[0].ruleID) of rule set \(Fixtures.ruleset.id)") == true)
        #expect(try await store.judgements(runID: runID).map(\.domain) == ["one.example"])
    }
}
