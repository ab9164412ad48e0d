import Foundation
import MXAuditTestSupport
import Testing

/// `mxaudit audit --stats FILE`: the work counters the benchmark reads. Two domains on one
/// provider show the sharing: the provider's MX hosts are probed once and its zone validated once.
@Suite("mxaudit audit --stats")
struct AuditStatisticsTests {
    @Test func countersShowTheWorkAndWhatWasShared() async throws {
        let testbed = try TestbedEnvironment.load()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("inventory.yaml")
        try """
        version: 1
        clients:
          - id: hosted
            name: Hosted
            rulesets: [mta-sts-baseline]
            domains: [hosted-dane-1.example, hosted-dane-2.test]
        """.write(to: inventory, atomically: true, encoding: .utf8)
        let stats = directory.appendingPathComponent("stats.json")
        let run = try await mxaudit(["audit", "--inventory", inventory.path, "--db", directory.appendingPathComponent("h.sqlite").path,
                                     "--quiet", "--stats", stats.path] + testbed.mxauditOptions)
        #expect(run.status == 0 || run.status == 1, "\(run.standardError)")

        let figures = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any])
        #expect(figures["version"] as? Int == 1)
        #expect(figures["domains"] as? Int == 2)
        let wall = try #require(figures["wallSeconds"] as? Double)
        let collect = try #require(figures["collectSeconds"] as? Double)
        #expect(collect > 0 && collect <= wall)
        // The tool links jemalloc in place of glibc's malloc (Package.swift).
        #expect((figures["allocator"] as? String)?.hasPrefix("jemalloc ") == true, "\(figures["allocator"] ?? "none")")
        let dns = try #require(figures["dns"] as? [String: Int])
        #expect(dns["queriesSent"]! > 0)
        #expect(dns["lookups"] == dns["cacheHits"]! + dns["cacheMisses"]!)
        // Both domains ask for the shared provider's hosts: the second asks the caches.
        #expect(dns["cacheHits"]! > 0)
        #expect(dns["zoneValidationCacheHits"]! > 0)
        // Both are signed zones: their answers' signatures were checked (and counted).
        #expect(dns["signatureChecks"]! > 0 && dns["signatureCheckCacheHits"] != nil)
        let smtp = try #require(figures["smtp"] as? [String: Int])
        // securemail.example's two MX hosts serve both domains: probed once each, shared once each.
        #expect(smtp["endpointProbes"] == 2, "\(smtp)")
        #expect(smtp["endpointCacheHits"] == 2, "\(smtp)")
        #expect(smtp["tlsHandshakes"]! >= 2)
        #expect(smtp["maximumConnectionsPerAddress"]! <= 2)
    }
}
