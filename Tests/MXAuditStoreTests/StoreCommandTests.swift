import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditStore

/// `mxaudit diff`, `history` and `runs` against a history written through the store.
@Suite("history subcommands")
struct StoreCommandTests {
    /// A history with the two drift runs of DriftDiffTests.
    static func driftHistory(_ scratch: ScratchDirectory) async throws -> String {
        let path = scratch.path("history.sqlite")
        let store = try AuditStore(path: path)
        try await store.storeFixtureRun(DriftDiffTests.firstRun(), startedAt: Fixtures.day0)
        try await store.storeFixtureRun(DriftDiffTests.secondRun(), startedAt: Fixtures.day0.addingTimeInterval(86_400))
        return path
    }

    @Test func diffComparesTheLastTwoCompleteRunsInEveryFormat() async throws {
        let scratch = try ScratchDirectory()
        let db = try await Self.driftHistory(scratch)

        let text = try await mxaudit(["diff", "--db", db])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.hasPrefix("mxaudit diff: run 1 → run 2\n"))
        #expect(text.standardOutput.contains("mta_sts_policy_changed_without_new_id"))

        let json = try await mxaudit(["diff", "--db", db, "--format", "json"])
        #expect(json.status == 0, "\(json.standardError)")
        let diff = try DomainEvidence.makeDecoder().decode(RunDiff.self, from: Data(json.standardOutput.utf8))
        let store = try AuditStore(path: db, access: .readOnly)
        let expected = RunDiffer.diff(from: try await store.storedRun(id: 1), to: try await store.storedRun(id: 2),
                                      expiringWithinDays: 30, today: Date())
        #expect(diff.clients == expected.clients)

        let markdown = try await mxaudit(["diff", "--db", db, "--format", "markdown", "--from", "1", "--to", "2"])
        #expect(markdown.status == 0 && markdown.standardOutput.hasPrefix("# mxaudit diff: run 1 → run 2\n"))
    }

    @Test func failOnRegressedExitsOneAndNamesTheNewProblems() async throws {
        let scratch = try ScratchDirectory()
        let db = try await Self.driftHistory(scratch)
        let gated = try await mxaudit(["diff", "--db", db, "--fail-on", "regressed"])
        #expect(gated.status == 1)
        #expect(gated.standardError.contains("new problems since run 1:"))
        #expect(gated.standardError.contains("regressed: dane.example test-rules/DANE [mx1.dane.example] (pass → fail)"))
        #expect(gated.standardError.contains("new_mx_not_covered_by_policy: mx2.growing.example"))
        // The other way round the fixes do not block; only the policy, changed back under the same id, does.
        let reverse = try await mxaudit(["diff", "--db", db, "--from", "2", "--to", "1", "--fail-on", "regressed"])
        #expect(reverse.status == 1)
        #expect(reverse.standardError.split(separator: "\n").dropFirst() == ["  mta_sts_policy_changed_without_new_id: policy.example"])
        let wrong = try await mxaudit(["diff", "--db", db, "--fail-on", "everything"])
        #expect(wrong.status == 2)
    }

    @Test func diffExplainsWhatItCannotCompare() async throws {
        let scratch = try ScratchDirectory()
        let db = try await Self.driftHistory(scratch)
        let first = try await mxaudit(["diff", "--db", db, "--to", "1"])
        #expect(first.status == 2 && first.standardError.contains("holds no complete run before run 1"))
        let unknown = try await mxaudit(["diff", "--db", db, "--from", "42"])
        #expect(unknown.status == 2 && unknown.standardError.contains("there is no run 42"))
        let missing = try await mxaudit(["diff", "--db", scratch.path("absent.sqlite")])
        #expect(missing.status == 2 && missing.standardError.contains("absent.sqlite: opening failed: no such file"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("absent.sqlite")))
    }

    @Test func historyShowsOneDomainOverTheRuns() async throws {
        let scratch = try ScratchDirectory()
        let db = try await Self.driftHistory(scratch)
        let run = try await mxaudit(["history", "dane.example", "--db", db])
        #expect(run.status == 0, "\(run.standardError)")
        let dane = try #require(run.standardOutput.split(separator: "\n").first { $0.contains("test-rules/DANE [mx1.dane.example]") })
        #expect(dane.split(separator: " ").suffix(2) == ["pass", "fail"])
        let json = try await mxaudit(["history", "dane.example", "--db", db, "--json", "--limit", "1"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(entries.count == 1 && (entries[0]["run"] as? [String: Any])?["id"] as? Int == 2)
        let bad = try await mxaudit(["history", "not..valid", "--db", db])
        #expect(bad.status == 2)
    }

    @Test func runsListsAndPrunes() async throws {
        let scratch = try ScratchDirectory()
        let db = try await Self.driftHistory(scratch)
        let listed = try await mxaudit(["runs", "--db", db])
        #expect(listed.status == 0, "\(listed.standardError)")
        let lines = listed.standardOutput.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("run ") && lines[1].hasPrefix("2 ") && lines[2].hasPrefix("1 "))
        #expect(lines[1].contains("complete") && lines[1].contains("4/4") && lines[1].contains("test-rules@1.0"))

        let pruned = try await mxaudit(["runs", "--db", db, "--prune", "--keep", "1", "--json"])
        #expect(pruned.status == 0 && pruned.standardError.contains("pruned 1 run(s)"))
        let overviews = try DomainEvidence.makeDecoder().decode([RunOverview].self, from: Data(pruned.standardOutput.utf8))
        #expect(overviews.map(\.run.id) == [2])
        let halfAsked = try await mxaudit(["runs", "--db", db, "--prune"])
        #expect(halfAsked.status == 2 && halfAsked.standardError.contains("--prune needs --keep N or 'keep_runs' in the config file"))
        let config = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("retention.yaml")
        try "keep_runs: 1\n".write(to: config, atomically: true, encoding: .utf8)
        let configured = try await mxaudit(["runs", "--db", db, "--prune", "--config", config.path])
        #expect(configured.status == 0 && configured.standardError.contains("kept the last 1 complete run(s)"), "\(configured.standardError)")
    }

    /// A history the process may not write: SQLite's code and message, the file named, exit 3.
    /// As root (which ignores permissions) mxaudit runs as `nobody`.
    @Test func anUnwritableHistoryFailsTheRunWithExitThree() async throws {
        let scratch = try ScratchDirectory()
        let db = scratch.path("history.sqlite")
        try await AuditStore(path: db).storeFixtureRun(DriftDiffTests.firstRun())
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: scratch.url.path)
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.url.path) }

        let existing = try await Self.unprivileged(["store-soak", "--db", db, "--domains", "1"])
        #expect(existing.status == 3)
        #expect(existing.standardError.contains("history database \(db): opening failed: SQLite error"))
        #expect(existing.standardError.contains("SQLITE_READONLY"))

        let fresh = scratch.path("new.sqlite")
        let created = try await Self.unprivileged(["store-soak", "--db", fresh, "--domains", "1"])
        #expect(created.status == 3)
        #expect(created.standardError.contains("history database \(fresh): opening failed: SQLite error 14 (SQLITE_CANTOPEN): unable to open database file"))
        #expect(created.standardError.contains("check the permissions of the file and of its directory"))
    }

    private static func unprivileged(_ arguments: [String]) async throws -> CommandResult {
        guard getuid() == 0 else { return try await mxaudit(arguments) }
        return try await ExternalCommand.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", mxauditBinary] + arguments)
    }
}
