import Foundation
import MXAuditTestSupport
import Testing

/// Issue 11's faults against a real `mxaudit audit` of the testbed: the resolver dead at the start
/// or dying in the middle of the run, and a history database on a read-only or full disk
/// (docs/hostile-input.md, "Faults"). SIGINT and SIGKILL are KilledAuditTests. The disk tests mount
/// file systems, so they need root; without it they fail and say so.
@Suite("faults: a dead resolver, a read-only or full disk", .serialized)
struct FaultTests {
    static let client = (id: "steady", rulesets: ["mta-sts-baseline"])
    static let fast = ["null-mx.example"]
    /// Well-behaved domains, collected one at a time (--concurrency 2) in this order.
    static let sequence = ["dane-ee.example", "sts-enforce.example", "hosted-dane-1.example", "spf-softfail.example",
                           "dmarc-none.example", "dkim-absent.example", "sts-testing.example", "hosted-plain-2.insecure",
                           "tlsrpt-missing-rua.example", "dmarc-missing.example"]

    @Test func aDeadResolverAtTheStartIsAClearErrorAndNothingIsStored() async throws {
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.fast)])
        defer { scratch.remove() }
        let dead = OwnResolver.neverListening
        let run = try await mxaudit(Self.arguments(scratch, database: scratch.database, resolver: dead) + ["--timeout", "2"])
        #expect(run.status == 3, "\(run.standardError)")
        #expect(run.standardError.contains("the DNS resolver cannot be used") && run.standardError.contains(dead)
                && run.standardError.contains("nothing was audited or stored"), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: scratch.database), "a history was written for an audit that never ran")
    }

    @Test func aResolverDyingMidRunLeavesTheRestIndeterminateAndPassesNothing() async throws {
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.sequence)])
        defer { scratch.remove() }
        // A slow resolver (40 ms per query) makes each domain take a few hundred milliseconds, so
        // the store (which writes finished domains within about a quarter of a second) trails
        // the collection by at most a domain or two when the resolver dies.
        let resolver = try await OwnResolver.start(upstream: scratch.testbed.resolver, delayMilliseconds: 40)
        defer { resolver.stop() }
        let audit = try ExternalCommand.start(KilledAuditTests.executable,
                                              Self.arguments(scratch, database: scratch.database, resolver: resolver.address)
                                              + ["--concurrency", "2", "--timeout", "5"])
        let deadline = ContinuousClock.now + .seconds(60)
        var aliveFor: [String] = []
        while aliveFor.count < 2 {
            try #require(audit.isRunning, "the audit ended before recording two domains: \(audit.standardErrorSoFar)")
            try #require(ContinuousClock.now < deadline, "no two domains recorded in 60 s: \(audit.standardErrorSoFar)")
            try await Task.sleep(for: .milliseconds(20))
            aliveFor = try await Self.recorded(scratch.database)
        }
        resolver.stop()
        // Stored before the kill: `aliveFor`. The next domain may have been finished but not yet
        // stored (a batch waits up to a quarter of a second), the one after it in flight, and one
        // more may have finished in the moment between the look and the kill; all later ones
        // began after the resolver's death.
        let firstAfter = aliveFor.count + 3
        try #require(firstAfter < Self.sequence.count - 2, "too few domains were left when the resolver died: \(aliveFor)")
        let ending = await audit.wait(timeout: .seconds(120))
        // The run ends and is complete; its indeterminate must results fail the gate.
        #expect(ending.signal == nil && ending.result.status == 1, "\(ending.result.standardError)")
        #expect(ending.result.standardError.contains("run 1 complete: \(Self.sequence.count) domains"), "\(ending.result.standardError)")

        let order = try await Self.recorded(scratch.database)
        #expect(order == Self.sequence, "domains were not collected one at a time: \(order)")
        for (index, domain) in order.enumerated() where index < aliveFor.count || index >= firstAfter {
            let results = try await SQLiteShell.query(scratch.database, "SELECT outcome || ' ' || message FROM result WHERE run_id = 1 AND domain = '\(domain)'")
                .split(separator: "\n")
            if index < aliveFor.count {
                #expect(results.contains { $0.hasPrefix("pass ") }, "\(domain), audited before the resolver died, passed nothing")
            } else {
                #expect(!results.contains { $0.hasPrefix("pass ") }, "\(domain) passed a check with a dead resolver: \(results)")
                #expect(results.contains { $0.hasPrefix("indeterminate ") && $0.contains("\(resolver.address) refused or unreachable") },
                        "\(domain): no result names the dead resolver: \(results)")
            }
        }
    }

    @Test func aReadOnlyHistoryIsAClearErrorAndEarlierRunsStayReadable() async throws {
        try Self.requireRoot()
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.fast)])
        defer { scratch.remove() }
        try await scratch.audit()
        let first = try await KilledAuditTests.storedRun(scratch.database, 1)

        try await Mounts.readOnly(scratch.directory.path) {
            let refused = try await mxaudit(scratch.auditArguments())
            #expect(refused.status == 3, "\(refused.standardError)")
            #expect(refused.standardError.contains(scratch.database) && refused.standardError.contains("mounted read-only"),
                    "\(refused.standardError)")
            // The history stays readable on the read-only disk.
            let runs = try await KilledAuditTests.runs(scratch.database)
            #expect(runs.count == 1 && runs[1]?.status == "complete", "\(runs)")
            let report = try await mxaudit(["report", "--db", scratch.database, "--format", "json", "--fail-on", "regressed"])
            #expect(report.status == 0, "\(report.standardError)")
            #expect(report.standardOutput.contains("\"null-mx.example\""), "the earlier run's report lacks its domain")
        }
        #expect(try await SQLiteShell.query(scratch.database, "PRAGMA integrity_check") == "ok\n")
        #expect(try await KilledAuditTests.storedRun(scratch.database, 1) == first, "the earlier run changed")
    }

    @Test func aFullDiskIsAClearErrorAndEarlierRunsStayIntact() async throws {
        try Self.requireRoot()
        let scratch = try AuditScratch(clients: [(Self.client.id, Self.client.rulesets, Self.fast)])
        defer { scratch.remove() }
        // hostile-txt-huge.example brings ~250 KB of evidence (two TXT RRsets near 64 KiB).
        try scratch.writeInventory("large.yaml", clients: [(Self.client.id, Self.client.rulesets,
                                                             ["dane-ee.example", "hostile-txt-huge.example", "sts-enforce.example"])])
        let disk = scratch.directory.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let database = disk.appendingPathComponent("history.sqlite").path
        let filler = disk.appendingPathComponent("filler")

        try await Mounts.tmpfs(disk.path, size: "2m") {
            let earlier = try await mxaudit(Self.arguments(scratch, database: database, resolver: scratch.testbed.resolver))
            try #require(earlier.status == 0, "\(earlier.standardError)")
            let first = try await KilledAuditTests.storedRun(database, 1)

            // No room even for SQLite's shared-memory file: the history cannot be opened.
            try Self.fill(filler, leaving: 24 * 1024)
            let unopened = try await mxaudit(Self.arguments(scratch, database: database, resolver: scratch.testbed.resolver))
            #expect(unopened.status == 3, "\(unopened.standardError)")
            #expect(unopened.standardError.contains(database) && unopened.standardError.contains("KiB free"), "\(unopened.standardError)")

            // Room to begin a run, not to store its evidence.
            try Self.fill(filler, leaving: 400 * 1024)
            let full = try await mxaudit(Self.arguments(scratch, inventory: "large.yaml", database: database, resolver: scratch.testbed.resolver))
            #expect(full.status == 3, "\(full.standardError)")
            #expect(full.standardError.contains(database) && full.standardError.contains("SQLITE_FULL"), "\(full.standardError)")
            #expect(full.standardError.contains("the run is kept as incomplete") || full.standardError.contains("no run was stored"),
                    "\(full.standardError)")

            try FileManager.default.removeItem(at: filler)
            #expect(try await SQLiteShell.query(database, "PRAGMA integrity_check") == "ok\n")
            #expect(try await KilledAuditTests.storedRun(database, 1) == first, "the earlier run changed")
            let runs = try await KilledAuditTests.runs(database)
            #expect(runs[1]?.status == "complete" && runs.values.filter { $0.status == "complete" }.count == 1, "\(runs)")
        }
    }

    // MARK: Helpers

    static func arguments(_ scratch: AuditScratch, inventory: String = "inventory.yaml", database: String, resolver: String) -> [String] {
        ["audit", "--inventory", scratch.directory.appendingPathComponent(inventory).path, "--db", database, "--quiet",
         "--resolver", resolver, "--trust-anchor", scratch.testbed.trustAnchor, "--ca-file", scratch.testbed.caFile]
    }

    static func requireRoot() throws {
        try #require(getuid() == 0, "this test mounts file systems (a read-only bind mount, a tiny tmpfs) and must run as root")
    }

    /// Grows `file` until the file system holding it has `leaving` bytes free.
    static func fill(_ file: URL, leaving: UInt64) throws {
        try? FileManager.default.removeItem(at: file)
        var info = statvfs()
        try #require(statvfs(file.deletingLastPathComponent().path, &info) == 0)
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        try #require(free > leaving, "only \(free) bytes free, \(leaving) wanted")
        try Data(count: Int(free - leaving)).write(to: file)
    }

    /// The domains of run 1 stored so far, in the order they were stored. The shell gives up at
    /// once while the audit holds the file's lock: that reads as "none yet".
    static func recorded(_ database: String) async throws -> [String] {
        guard FileManager.default.fileExists(atPath: database),
              let rows = try? await SQLiteShell.query(database, """
                  SELECT domain FROM run_domain WHERE run_id = 1 AND recorded_at IS NOT NULL ORDER BY recorded_at, position
                  """) else { return [] }
        return rows.split(separator: "\n").map(String.init)
    }
}

/// A resolver the test owns: the testbed's DNS proxy (testbed/mxtestbed/dnsproxy.py) started on a
/// free address of 127.60.3.0/24, which the testbed leaves to tests, forwarding to unbound.
final class OwnResolver: Sendable {
    /// The last address of that block; nothing ever listens there.
    static let neverListening = "127.60.3.254"

    let address: String
    private let process: RunningCommand

    private init(address: String, process: RunningCommand) {
        self.address = address
        self.process = process
    }

    /// - Parameter delayMilliseconds: how long the proxy holds every query (0: none).
    static func start(upstream: String, delayMilliseconds: Int = 0) async throws -> OwnResolver {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("own-resolver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var failures: [String] = []
        for attempt in 0..<5 {
            let address = "127.60.3.\(Int.random(in: 10...250))"
            let pidfile = scratch.appendingPathComponent("proxy-\(attempt).pid").path
            let process = try ExternalCommand.start("/usr/bin/python3", ["-B", "-m", "mxtestbed.dnsproxy", "--listen", address,
                                                                         "--upstream", upstream, "--pidfile", pidfile,
                                                                         "--delay-ms", String(delayMilliseconds)],
                                                    directory: repositoryRoot.appendingPathComponent("testbed"))
            let deadline = ContinuousClock.now + .seconds(10)
            // The PID file appears once both sockets are bound; an address in use ends the process.
            while process.isRunning, !FileManager.default.fileExists(atPath: pidfile), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            if FileManager.default.fileExists(atPath: pidfile) { return OwnResolver(address: address, process: process) }
            process.kill(SIGKILL)
            failures.append("\(address): \(process.standardErrorSoFar)")
        }
        throw OwnResolverFailed(description: "the DNS proxy did not start: \(failures.joined(separator: "; "))")
    }

    /// Kills the proxy at once (no goodbye to anyone), as a crashing resolver goes.
    func stop() {
        if process.isRunning { process.kill(SIGKILL) }
    }
}

struct OwnResolverFailed: Error, CustomStringConvertible {
    var description: String
}

/// Mounts for the disk faults; every mount is undone however the body ends.
enum Mounts {
    /// `directory` bind-mounted read-only onto itself while `body` runs.
    static func readOnly(_ directory: String, _ body: () async throws -> Void) async throws {
        try await mount(["--bind", directory, directory])
        try await unmounting(directory) {
            try await mount(["-o", "remount,ro,bind", directory])
            try await body()
        }
    }

    /// A tmpfs of `size` (e.g. "2m") on `directory` while `body` runs.
    static func tmpfs(_ directory: String, size: String, _ body: () async throws -> Void) async throws {
        try await mount(["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", directory])
        try await unmounting(directory, body)
    }

    private static func unmounting(_ directory: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            _ = try? await ExternalCommand.run("/usr/bin/umount", [directory])
            throw error
        }
        let result = try await ExternalCommand.run("/usr/bin/umount", [directory])
        try #require(result.status == 0, "umount \(directory): \(result.standardError)")
    }

    private static func mount(_ arguments: [String]) async throws {
        let result = try await ExternalCommand.run("/usr/bin/mount", arguments)
        try #require(result.status == 0, "mount \(arguments.joined(separator: " ")): \(result.standardError)")
    }
}
