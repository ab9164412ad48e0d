import Foundation
import MXAuditModel
import MXAuditTestSupport
import Testing
@testable import MXAuditStore

/// The built `mxaudit` binary: it sits next to the test bundle (as for the CLI tests).
let mxauditBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    .appendingPathComponent("mxaudit").path

func mxaudit(_ arguments: [String]) async throws -> CommandResult {
    try #require(FileManager.default.isExecutableFile(atPath: mxauditBinary), "build mxaudit first: \(mxauditBinary)")
    return try await ExternalCommand.run(mxauditBinary, arguments)
}

/// Issue #8's acceptance: SIGKILL mxaudit's own writer in the middle of a run.
@Suite("a writer killed mid-run")
struct KilledWriterTests {
    @Test func earlierRunsStayIntactAndTheKilledRunIsIncomplete() async throws {
        let scratch = try ScratchDirectory()
        let db = scratch.path("history.sqlite")
        let first = try await mxaudit(["store-soak", "--db", db, "--domains", "5", "--delay-ms", "0"])
        #expect(first.status == 0, "\(first.standardError)")
        let observer = try AuditStore(path: db, access: .readOnly)
        let earlierJudgements = try await observer.judgements(runID: 1)
        let earlierEvidence = try await observer.evidence(runID: 1, domain: "soak-00003.example")
        #expect(earlierJudgements.count == 5)

        let writer = try ExternalCommand.start(mxauditBinary, ["store-soak", "--db", db, "--domains", "400", "--delay-ms", "25"])
        // Kill it once a few domains are in, well before the 400th.
        let deadline = Date().addingTimeInterval(60)
        var recorded = 0
        while recorded < 10 {
            try #require(Date() < deadline, "the writer recorded only \(recorded) domains in 60 s; log: \(writer.standardErrorSoFar)")
            try #require(writer.isRunning, "the writer ended early; log: \(writer.standardErrorSoFar)")
            try await Task.sleep(for: .milliseconds(50))
            recorded = try await observer.runOverviews(limit: 1).first.flatMap { $0.run.id == 2 ? $0.domainsRecorded : nil } ?? 0
        }
        writer.kill(SIGKILL)
        let ending = await writer.wait(timeout: .seconds(30))
        #expect(ending.signal == SIGKILL)

        // The file as the writer left it: sound, the run still marked running.
        #expect(try await sqlite(db, "PRAGMA integrity_check") == "ok\n")
        #expect(try await sqlite(db, "SELECT status FROM run WHERE id = 2") == "running\n")

        // The next open sees the writer is gone.
        let store = try AuditStore(path: db)
        #expect(try await store.runs(limit: nil).map { "\($0.id) \($0.status.rawValue)" } == ["2 incomplete", "1 complete"])
        #expect(try await store.lastCompleteRuns(1).map(\.id) == [1], "the last audit is still the complete run")
        #expect(try await store.judgements(runID: 1) == earlierJudgements)
        #expect(try await store.evidence(runID: 1, domain: "soak-00003.example") == earlierEvidence)
        let killed = try #require(try await store.runOverviews(limit: 1).first)
        #expect(killed.domainsPlanned == 400)
        #expect(killed.domainsRecorded >= 10 && killed.domainsRecorded < 400)
        // Each domain went in whole or not at all: three results for every recorded domain.
        #expect(killed.outcomes.values.reduce(0, +) == 3 * killed.domainsRecorded)
        #expect(try await store.integrityCheck() == ["ok"])
        // And the history goes on: a new run completes and the killed one stays incomplete.
        let next = try await mxaudit(["store-soak", "--db", db, "--domains", "2", "--delay-ms", "0"])
        #expect(next.status == 0, "\(next.standardError)")
        #expect(try await store.lastCompleteRuns(2).map(\.id) == [3, 1])
    }
}
