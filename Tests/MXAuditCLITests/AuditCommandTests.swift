import Foundation
import MXAuditTestSupport
import Testing

/// `mxaudit audit`, `report`, `runs` and `diff` end to end against the loopback testbed.
@Suite("mxaudit audit against the testbed", .serialized)
struct AuditCommandTests {
    let directory: URL
    let testbed: TestbedEnvironment

    init() throws {
        testbed = try TestbedEnvironment.load()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        version: 1
        clients:
          - id: good-corp
            name: Good Corp
            rulesets: [bsi-tr-03108]
            domains: [dane-and-sts.example]
          - id: broken-bv
            name: Broken BV
            rulesets: [nl-comply-or-explain]
            domains: [bogus-expired.example, sts-enforce.example]
        """.write(to: inventory, atomically: true, encoding: .utf8)
    }

    var inventory: URL { directory.appendingPathComponent("inventory.yaml") }
    var database: String { directory.appendingPathComponent("history.sqlite").path }

    func audit(_ extra: [String] = []) async throws -> CommandResult {
        try await mxaudit(["audit", "--inventory", inventory.path, "--db", database, "--quiet"] + testbed.mxauditOptions + extra)
    }

    @Test func auditStoresTheRunWritesReportsAndGates() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("reports")
        let junit = directory.appendingPathComponent("mxaudit.junit.xml")
        let first = try await audit(["--out", out.path, "--junit", junit.path, "--format", "json"])
        // bogus-expired.example fails must rules (DNSSEC bogus): the default gate (must) fails.
        #expect(first.status == 1, "\(first.standardError)")
        #expect(first.standardError.contains("run 1 complete: 3 domains"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any])
        #expect(report["schema"] != nil || report["run"] != nil, "the JSON report has no run: \(report.keys)")
        for page in ["index.html", "good-corp.html", "broken-bv.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(page).path), "\(page) missing")
        }
        let schema = SharedFiles.junitSchema.path
        try #require(FileManager.default.fileExists(atPath: schema), "the Ant JUnit schema is missing at \(schema)")
        let lint = try await ExternalCommand.run("/usr/bin/xmllint", ["--noout", "--schema", schema, junit.path])
        #expect(lint.status == 0, "\(lint.standardError)")

        // Same world again: nothing regressed, so a regression gate passes even though must rules fail.
        let second = try await audit(["--fail-on", "regressed"])
        #expect(second.status == 0, "\(second.standardError)")
        let runs = try await mxaudit(["runs", "--db", database])
        #expect(runs.status == 0, "\(runs.standardError)")
        #expect(runs.standardOutput.components(separatedBy: "complete").count - 1 == 2, "\(runs.standardOutput)")
        let diff = try await mxaudit(["diff", "--db", database, "--fail-on", "regressed"])
        #expect(diff.status == 0, "\(diff.standardOutput)\(diff.standardError)")

        // Reports come from the store alone: no resolver is needed.
        let rerendered = directory.appendingPathComponent("again")
        let fromStore = try await mxaudit(["report", "--db", database, "--out", rerendered.path, "--allow-indeterminate", "--fail-on", "regressed"])
        #expect(fromStore.status == 0, "\(fromStore.standardError)")
        #expect(FileManager.default.fileExists(atPath: rerendered.appendingPathComponent("broken-bv.html").path))
    }

    @Test func badInputWritesNothing() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try "version: 1\nclients:\n  - id: x\n    rulesets: [no-such-set]\n    domains: [a.example]\n".write(to: inventory, atomically: true, encoding: .utf8)
        let run = try await audit()
        #expect(run.status == 2)
        #expect(run.standardError.contains("unknown rule set 'no-such-set'"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }
}
