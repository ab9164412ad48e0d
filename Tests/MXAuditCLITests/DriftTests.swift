import Foundation
import MXAuditTestSupport
import Testing

/// Issue 8's acceptance: two real audits of the testbed with `scripts/testbed mutate drift` in
/// between (docs/testbed.md, "Mutations"), and `mxaudit diff` names exactly what the mutation
/// changed. The mutation touches only the `role: drift` domains, so other suites can audit the
/// scenario domains meanwhile; this suite is serialised because it owns the drift domains' state.
@Suite("drift between two audits of the testbed", .serialized)
struct DriftTests {
    static let driftDomains = ["drift-sts.example", "drift-dane.example", "drift-mx.example"]

    @Test func theDiffNamesExactlyTheMutatedChanges() async throws {
        let scratch = try AuditScratch(clients: [("drifting", ["mta-sts-baseline", "bsi-tr-03108", "nl-comply-or-explain"], Self.driftDomains)])
        defer { scratch.remove() }
        let brokenTLSAEndpoint = "mx1.drift-dane.example \(try scratch.address(of: "mx1.drift-dane.example"))"
        let rotatedEndpoint = "mx2.drift-dane.example \(try scratch.address(of: "mx2.drift-dane.example"))"

        let diff = try await withDriftDomainsReset {
            try await testbed(["mutate", "--reset"])
            let before = try await scratch.audit()
            #expect(before.standardError.contains("run 1 complete: 3 domains"), "\(before.standardError)")
            try await testbed(["mutate", "drift"])
            let after = try await scratch.audit()
            #expect(after.standardError.contains("run 2 complete: 3 domains"), "\(after.standardError)")
            let diff = try await mxaudit(["diff", "--db", scratch.database, "--format", "json"])
            try #require(diff.status == 0, "\(diff.standardError)")
            return try JSONDecoder().decode(DiffDocument.self, from: Data(diff.standardOutput.utf8))
        }

        // Only the audit changed: no rule set, inventory or setting moved between the runs.
        #expect(diff.from.id == 1 && diff.to.id == 2)
        #expect(diff.rulesetChanges.isEmpty && diff.inventoryChanges.isEmpty && diff.settingsChanges.isEmpty && diff.notCompared.isEmpty)
        let client = try #require(diff.clients.first)
        #expect(diff.clients.count == 1)

        // The evidence: exactly the four things the mutation changed.
        let evidence = Dictionary(uniqueKeysWithValues: client.evidenceChanges.map { ("\($0.domain) \($0.subject) \($0.kind)", $0) })
        #expect(Set(evidence.keys) == [
            "drift-sts.example drift-sts.example mta_sts_max_age",
            "drift-dane.example mx1.drift-dane.example tlsa_records",
            "drift-dane.example \(rotatedEndpoint) certificate_key",
            "drift-mx.example drift-mx.example mx_set",
        ], "\(client.evidenceChanges)")
        let maxAge = evidence["drift-sts.example drift-sts.example mta_sts_max_age"]
        #expect(maxAge?.before == "604800" && maxAge?.after == "86400")
        let mxSet = evidence["drift-mx.example drift-mx.example mx_set"]
        #expect(mxSet?.before == "10 mx1.drift-mx.example" && mxSet?.after == "10 mx1.drift-mx.example, 20 mx2.drift-mx.example")
        for key in ["drift-dane.example mx1.drift-dane.example tlsa_records", "drift-dane.example \(rotatedEndpoint) certificate_key"] {
            let change = try #require(evidence[key])
            #expect(change.before != change.after && change.before != "—" && change.after != "—", "\(change)")
        }

        // The findings: mx1's TLSA broke without a certificate change, so only mx2 is a
        // "TLSA no longer matching after a certificate change".
        #expect(Set(client.findings.map { "\($0.kind) \($0.domain) \($0.subject) \($0.severity)" }) == [
            "mta_sts_policy_changed_without_new_id drift-sts.example drift-sts.example problem",
            "tlsa_no_longer_matching_after_certificate_change drift-dane.example \(rotatedEndpoint) problem",
            "new_mx_not_covered_by_policy drift-mx.example mx2.drift-mx.example problem",
        ], "\(client.findings)")

        // The results they cause, all observed by the audit: the short max_age and both DANE
        // endpoints regress; the new MX host brings new results (its policy coverage fails);
        // nothing is fixed, gone, waived or indeterminate.
        #expect(client.changes.allSatisfy { $0.cause == "audit" && Self.driftDomains.contains($0.key.domain) })
        let regressed = Set(client.changes.filter { $0.category == "regressed" }.map(\.key.description))
        #expect(regressed == [
            "drift-sts.example mta-sts-baseline/STS-POLICY-MAX-AGE drift-sts.example",
            "drift-dane.example bsi-tr-03108/BSI-DANE-VALID \(brokenTLSAEndpoint)",
            "drift-dane.example bsi-tr-03108/BSI-DANE-VALID \(rotatedEndpoint)",
            "drift-dane.example nl-comply-or-explain/NL-DANE-VALID \(brokenTLSAEndpoint)",
            "drift-dane.example nl-comply-or-explain/NL-DANE-VALID \(rotatedEndpoint)",
        ], "\(regressed.sorted())")
        let new = client.changes.filter { $0.category == "new" }
        #expect(!new.isEmpty && new.allSatisfy { $0.key.domain == "drift-mx.example" && $0.key.subject.hasPrefix("mx2.drift-mx.example") && $0.from == nil })
        #expect(new.contains { $0.key.ruleID == "STS-MX-COVERED" && $0.to == "fail" }, "\(new.map(\.key.description))")
        #expect(client.changes.allSatisfy { ["regressed", "new", "still_failing"].contains($0.category) })
        #expect(client.changes.filter { $0.category == "still_failing" }.allSatisfy { $0.from == "fail" && $0.to == "fail" })
    }
}

/// Runs `body`, then serves the drift domains unmutated again, also when `body` throws.
/// (A failed `#expect` does not throw; a failed `#require` does.)
func withDriftDomainsReset<T>(_ body: () async throws -> T) async throws -> T {
    let value: T
    do {
        value = try await body()
    } catch {
        _ = try? await testbed(["mutate", "--reset"])
        throw error
    }
    try await testbed(["mutate", "--reset"])
    return value
}

/// `scripts/testbed ARGS`, which must succeed.
@discardableResult
func testbed(_ arguments: [String]) async throws -> CommandResult {
    let script = repositoryRoot.appendingPathComponent("scripts/testbed").path
    let result = try await ExternalCommand.run(script, arguments, directory: repositoryRoot)
    try #require(result.status == 0, "scripts/testbed \(arguments.joined(separator: " ")): \(result.standardOutput)\(result.standardError)")
    return result
}

/// A temporary directory with an inventory and a history database, for audits of the testbed.
struct AuditScratch {
    let directory: URL
    let testbed: TestbedEnvironment

    init(clients: [(id: String, rulesets: [String], domains: [String])]) throws {
        testbed = try TestbedEnvironment.load()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try writeInventory("inventory.yaml", clients: clients)
    }

    var database: String { directory.appendingPathComponent("history.sqlite").path }

    /// Writes an inventory file into the directory and returns its path.
    @discardableResult
    func writeInventory(_ name: String, clients: [(id: String, rulesets: [String], domains: [String])]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let entries = clients.map { client in
            "  - id: \(client.id)\n    rulesets: [\(client.rulesets.joined(separator: ", "))]\n    domains: [\(client.domains.joined(separator: ", "))]\n"
        }
        try ("version: 1\nclients:\n" + entries.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The arguments of `mxaudit audit` for an inventory of this directory and its database.
    func auditArguments(_ inventory: String = "inventory.yaml") -> [String] {
        ["audit", "--inventory", directory.appendingPathComponent(inventory).path, "--db", database, "--quiet"] + testbed.mxauditOptions
    }

    /// `mxaudit audit`, which must end with status 0 or 1 (compliant or not; the run completed).
    @discardableResult
    func audit(_ inventory: String = "inventory.yaml") async throws -> CommandResult {
        let result = try await mxaudit(auditArguments(inventory))
        try #require(result.status == 0 || result.status == 1, "mxaudit audit: \(result.standardError)")
        return result
    }

    /// The address of a catalogue host.
    func address(of host: String) throws -> String {
        let hosts = try #require(try testbed.catalogueJSON()["hosts"] as? [String: [String: Any]])
        return try #require(hosts[host]?["address"] as? String, "\(host) is not a catalogue host")
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The parts of `mxaudit diff --format json` (a `RunDiff`, docs/history.md) the drift test reads.
struct DiffDocument: Decodable {
    struct Run: Decodable { var id: Int }
    struct Client: Decodable {
        var changes: [Change]
        var evidenceChanges: [EvidenceChange]
        var findings: [Finding]
    }
    struct Change: Decodable {
        struct Key: Decodable, CustomStringConvertible {
            var domain: String
            var rulesetID: String
            var ruleID: String
            var subject: String
            var description: String { "\(domain) \(rulesetID)/\(ruleID) \(subject)" }
        }
        var key: Key
        var category: String
        var cause: String
        var from: String?
        var to: String?
    }
    struct EvidenceChange: Decodable {
        var domain: String
        var subject: String
        var kind: String
        var before: String
        var after: String
    }
    struct Finding: Decodable {
        var kind: String
        var severity: String
        var domain: String
        var subject: String
    }

    var from: Run
    var to: Run
    var rulesetChanges: [AnyJSON]
    var inventoryChanges: [AnyJSON]
    var settingsChanges: [AnyJSON]
    var notCompared: [String]
    var clients: [Client]
}

/// Any JSON value, where only the count matters.
struct AnyJSON: Decodable {
    init(from decoder: any Decoder) throws {}
}
