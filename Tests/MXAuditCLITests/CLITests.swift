import Foundation
import MXAuditTestSupport
import Testing

let repositoryRoot = TestbedEnvironment.repositoryRoot()

/// Runs the built `mxaudit` binary (it sits next to the test bundle), off the cooperative pool.
func mxaudit(_ arguments: [String], environment: [String: String] = [:], directory: URL = repositoryRoot) async throws -> CommandResult {
    let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("mxaudit")
    return try await ExternalCommand.run(binary.path, arguments, directory: directory, environment: environment)
}

@Suite("mxaudit command line")
struct CLITests {
    @Test func validInventoryExitsZeroWithASummary() async throws {
        let run = try await mxaudit(["inventory", "validate", "examples/inventory.yaml"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput == "examples/inventory.yaml: ok — 3 clients, 5 domains, 1 waivers\n")
    }

    @Test func brokenInventoryExitsTwoAndNamesTheProblem() async throws {
        let run = try await mxaudit(["inventory", "validate", "Tests/MXAuditInventoryTests/Fixtures/unknown-key.yaml"])
        #expect(run.status == 2)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.hasPrefix("Tests/MXAuditInventoryTests/Fixtures/unknown-key.yaml:4:5: error: unknown key 'rulset'"))
        #expect(run.standardError.contains("1 problem found; nothing was written."))
    }

    @Test func csvImportPrintsYAMLThatValidates() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let yamlPath = directory.appendingPathComponent("imported.yaml").path
        let imported = try await mxaudit(["inventory", "import", "examples/inventory.csv", "--output", yamlPath])
        #expect(imported.status == 0, "\(imported.standardError)")
        let validated = try await mxaudit(["inventory", "validate", yamlPath])
        #expect(validated.status == 0, "\(validated.standardError)")
        #expect(validated.standardOutput.hasSuffix("ok — 3 clients, 4 domains, 0 waivers\n"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let missing = try await mxaudit(["audit"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("Missing expected argument '--inventory <FILE>'"))
        let unknown = try await mxaudit(["inventory", "validate", "examples/inventory.yaml", "--no-such-flag"])
        #expect(unknown.status == 2)
        let badNumber = try await mxaudit(["inventory", "validate", "examples/inventory.yaml", "--concurrency", "0"])
        #expect(badNumber.status == 2)
        #expect(badNumber.standardError.contains("--concurrency must be at least 1"))
    }

    @Test func helpListsSubcommandsExamplesAndExitCodes() async throws {
        let run = try await mxaudit(["--help"])
        #expect(run.status == 0)
        for word in ["audit", "check", "report", "diff", "rules", "inventory", "EXIT CODES", "EXAMPLES"] {
            #expect(run.standardOutput.contains(word), "help lacks \(word)")
        }
    }

    @Test func rulesListNamesTheShippedRuleSets() async throws {
        let run = try await mxaudit(["rules", "list"])
        #expect(run.status == 0, "\(run.standardError)")
        let ids = run.standardOutput.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) }
        #expect(ids == ["bsi-tr-03108", "mta-sts-baseline", "nl-comply-or-explain"])
    }

    @Test func badConfigFileIsReportedWithItsPosition() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxaudit-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("mxaudit.yaml")
        try "resolver: 127.60.0.53\nconcurency: 10\ntimeout: soon\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try await mxaudit(["rules", "list", "--config", config.path])
        #expect(run.status == 2)
        #expect(run.standardError.contains("\(config.path):2:1: error: unknown key 'concurency' in the document; did you mean 'concurrency'?"))
        #expect(run.standardError.contains("\(config.path):3:10: error: 'timeout' must be a number of seconds between 0 and 3600, not 'soon'"))
    }
}
