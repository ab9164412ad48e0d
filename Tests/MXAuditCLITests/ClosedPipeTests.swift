import Foundation
import MXAuditTestSupport
import Testing

/// mxaudit ignores SIGPIPE (OpenSSL writes to sockets with plain write(2)), so a reader that goes
/// away shows up as EPIPE; the command must end quietly then, not crash, like any shell tool.
@Suite("output into a closed pipe")
struct ClosedPipeTests {
    @Test func aReaderThatStopsEarlyEndsTheCommandQuietly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Enough YAML (well over a pipe's 64 KiB buffer) that the writer is still writing when `head` exits.
        let rows = (0..<3_000).map { "client-\($0 / 20),Client \($0 / 20),domain-\($0).example,mta-sts-baseline,fleet" }
        let csv = directory.appendingPathComponent("fleet.csv")
        try (["client_id,client_name,domain,rulesets,tags"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mxaudit")
        let run = try await ExternalCommand.run("/bin/bash", ["-c", "'\(binary.path)' inventory import '\(csv.path)' | head -c 100 > /dev/null; echo \"status ${PIPESTATUS[0]}\""])
        #expect(run.standardOutput == "status 0\n", "\(run.standardOutput) \(run.standardError)")
        #expect(!run.standardError.contains("Fatal error"), "\(run.standardError)")
    }
}
