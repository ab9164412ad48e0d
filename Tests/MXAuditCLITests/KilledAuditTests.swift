import Foundation
import MXAuditTestSupport
import Testing

/// Issue 8's acceptance: a real `mxaudit audit` of the testbed killed in the middle of its run.
/// smtp-busy-421.example keeps the run going (its MX answers 421, and the prober retries after
/// 30 s) while the fast domains are recorded, so the signal always lands mid-run.
@Suite("an audit killed mid-run", .serialized)
struct KilledAuditTests {
    static let fastDomains = ["dane-ee.example", "null-mx.example", "spf-softfail.example", "sts-enforce.example"]
    static let client = (id: "steady", rulesets: ["mta-sts-baseline", "bsi-tr-03108"])

    /// The built binary beside the test bundle (as `mxaudit(_:)` finds it).
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("mxaudit").path

    /// Starts `mxaudit audit` on the fast domains plus the busy one and returns once it has
    /// recorded a domain of run `runID` while still running.
    static func startLongAudit(_ scratch: AuditScratch, runID: Int) async throws -> RunningCommand {
        try scratch.writeInventory("long.yaml", clients: [(client.id, client.rulesets, fastDomains + ["smtp-busy-421.example"])])
        let audit = try ExternalCommand.start(executable, scratch.auditArguments("long.yaml"))
        let deadline = ContinuousClock.now + .seconds(60)
        while try await recordedDomains(scratch.database, runID: runID) == 0 {
            try #require(audit.isRunning, "the audit ended before recording a domain: \(audit.standardErrorSoFar)")
            try #require(ContinuousClock.now < deadline, "run \(runID) recorded no domain in 60 s: \(audit.standardErrorSoFar)")
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(audit.isRunning, "the audit finished before the signal: \(audit.standardErrorSoFar)")
        return audit
    }

    static func recordedDomains(_ database: String, runID: Int) async throws -> Int {
        guard FileManager.default.fileExists(atPath: database),
              try await SQLiteShell.query(database, "SELECT count(*) FROM sqlite_master WHERE name = 'run_domain'") == "1\n" else { return 0 }
        let count = try await SQLiteShell.query(database, "SELECT count(*) FROM run_domain WHERE run_id = \(runID) AND recorded_at IS NOT NULL")
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Everything stored of a run: its row, its domains' evidence and its results.
    static func storedRun(_ database: String, _ runID: Int) async throws -> String {
        try await SQLiteShell.query(database, """
            SELECT id, started_at, finished_at, status, inventory_hash FROM run WHERE id = \(runID);
            SELECT domain, recorded_at, evidence, advice FROM run_domain WHERE run_id = \(runID) ORDER BY domain;
            SELECT domain, ruleset_id, rule_id, subject, outcome, message, waiver FROM result WHERE run_id = \(runID)
              ORDER BY domain, ruleset_id, rule_id, subject;
            """)
    }

    /// `mxaudit runs --json`, as run id → (status, domains recorded, domains planned).
    static func runs(_ database: String) async throws -> [Int: (status: String, recorded: Int, planned: Int)] {
        let listing = try await mxaudit(["runs", "--db", database, "--json"])
        try #require(listing.status == 0, "\(listing.standardError)")
        struct Overview: Decodable {
            struct Run: Decodable { var id: Int; var status: String }
            var run: Run
            var domainsRecorded: Int
            var domainsPlanned: Int
        }
        let overviews = try JSONDecoder().decode([Overview].self, from: Data(listing.standardOutput.utf8))
        return Dictionary(uniqueKeysWithValues: overviews.map { ($0.run.id, ($0.run.status, $0.domainsRecorded, $0.domainsPlanned)) })
    }

    @Test func sigkillLeavesASoundFileAndAnIncompleteRun() async throws {
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.fastDomains)])
        defer { scratch.remove() }
        try await scratch.audit()
        let firstRun = try await Self.storedRun(scratch.database, 1)
        #expect(firstRun.contains("|complete|"), "\(firstRun)")

        let audit = try await Self.startLongAudit(scratch, runID: 2)
        audit.kill(SIGKILL)
        let ending = await audit.wait()
        #expect(ending.signal == SIGKILL, "\(ending.result.standardError)")

        // The file as the killed writer left it: sound, its run still says running.
        #expect(try await SQLiteShell.query(scratch.database, "PRAGMA integrity_check") == "ok\n")
        #expect(try await SQLiteShell.query(scratch.database, "SELECT status FROM run WHERE id = 2") == "running\n")
        // A read-only listing sees that the writer is gone, and writes nothing.
        let listed = try await Self.runs(scratch.database)
        #expect(listed[1]?.status == "complete")
        let killed = try #require(listed[2])
        #expect(killed.status == "incomplete")
        #expect(killed.recorded >= 1 && killed.recorded < killed.planned, "\(killed)")
        #expect(try await SQLiteShell.query(scratch.database, "SELECT status FROM run WHERE id = 2") == "running\n")
        #expect(try await Self.storedRun(scratch.database, 1) == firstRun, "the earlier run changed")

        // The next audit opens the file read-write, marks the dead writer's run and goes on.
        let next = try await scratch.audit()
        #expect(next.standardError.contains("run 3 complete"), "\(next.standardError)")
        #expect(try await SQLiteShell.query(scratch.database, "SELECT id, status FROM run ORDER BY id")
                == "1|complete\n2|incomplete\n3|complete\n")
        #expect(try await SQLiteShell.query(scratch.database, "PRAGMA integrity_check") == "ok\n")
        #expect(try await Self.storedRun(scratch.database, 1) == firstRun, "the earlier run changed")
    }

    @Test func sigintStopsTheAuditAndKeepsTheRunIncomplete() async throws {
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.fastDomains)])
        defer { scratch.remove() }
        let audit = try await Self.startLongAudit(scratch, runID: 1)
        audit.kill(SIGINT)
        let ending = await audit.wait(timeout: .seconds(60))
        // Signal 13 here is SIGPIPE: a write to a socket the cancellation had shut down.
        #expect(ending.signal == nil && ending.result.status == 3, "\(ending.signal.map { "signal \($0)" } ?? "status \(ending.result.status)"): \(ending.result.standardError)")
        #expect(ending.result.standardError.contains("the audit was interrupted; the run is kept as incomplete"), "\(ending.result.standardError)")
        // The audit marked its own run, so even the file says so.
        #expect(try await SQLiteShell.query(scratch.database, "SELECT status FROM run WHERE id = 1") == "incomplete\n")
        #expect(try await SQLiteShell.query(scratch.database, "PRAGMA integrity_check") == "ok\n")
        // Cancelling stops the busy domain's retry; the domain may still be recorded with what its
        // first attempt saw (a 421: indeterminate results, never a pass), so only the status and
        // the planned count are certain.
        let interrupted = try #require(try await Self.runs(scratch.database)[1])
        #expect(interrupted.status == "incomplete" && interrupted.recorded >= 1 && interrupted.planned == 5, "\(interrupted)")
        #expect(try await SQLiteShell.query(scratch.database, "SELECT DISTINCT outcome FROM result WHERE domain = 'smtp-busy-421.example' AND subject LIKE '% %'")
                .split(separator: "\n").allSatisfy { $0 == "indeterminate" }, "an interrupted probe reads as a pass")
    }
}
